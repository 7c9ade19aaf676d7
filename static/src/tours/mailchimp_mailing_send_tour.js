/** @odoo-module **/
import { registry } from "@web/core/registry";

// A mailing written in Odoo's editor goes out through Mailchimp: Send with Mailchimp and its
// audience, Check with Mailchimp (the checklist), a test email, Schedule (the quarter hour is
// shown), an edit of the scheduled mailing (rescheduled in Mailchimp), Cancel, then Send.
registry.category("web_tour.tours").add("mailchimp_connector_mailing_send_tour", {
    checkDelay: 50,
    steps: () => [
        {
            content: "New mailing",
            trigger: "button.o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the theme 'empty' to write the mailing with snippets",
            trigger: "[name='body_arch'] :iframe #empty",
            run() {
                this.anchor.click();
            },
        },
        {
            content: "Wait for the editor",
            trigger:
                "[name='body_arch'] :iframe .o_editable[data-editor-message='DRAG BUILDING BLOCKS HERE']",
        },
        {
            content: "Drag the Title snippet into the mailing",
            trigger: "[name='body_arch'] #oe_snippets [name='Title'] .oe_snippet_thumbnail",
            async run(helpers) {
                await helpers.drag_and_drop(`[name="body_arch"] :iframe .o_editable`, {
                    position: { top: 340 },
                });
            },
        },
        {
            content: "The snippet is dropped",
            trigger: "body:not(:has(.o_we_ongoing_insertion))",
        },
        {
            content: "The title is in the mailing",
            trigger: "[name='body_arch'] :iframe .o_editable h1",
        },
        {
            content: "Send with: Mailchimp",
            trigger: "div[name='send_with'] input[data-value='mailchimp']",
            run: "click",
        },
        {
            content: "The Mailchimp audience",
            trigger: "div[name='mailchimp_list_id'] input",
            run: "edit Tour Audience",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu a:contains('Tour Audience')",
            run: "click",
        },
        {
            content: "Subject",
            trigger: "div[name='subject'] input",
            run: "edit Spring news from the tour",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Check with Mailchimp",
            trigger: "button[name='action_mailchimp_check']",
            run: "click",
        },
        {
            content: "Mailchimp says it is ready",
            trigger: ".o_notification:contains('Ready to send.')",
        },
        {
            content: "The checklist is in the Mailchimp tab",
            trigger: ".o_notebook a:contains('Mailchimp')",
            run: "click",
        },
        {
            trigger: "div[name='mailchimp_checklist_html']:contains('Subject line')",
        },
        {
            content: "Test",
            trigger: "button[name='action_test']",
            run: "click",
        },
        {
            trigger: ".modal div[name='email_to'] textarea",
            run: "edit qa@example.org",
        },
        {
            trigger: ".modal button[name='send_mail_test']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Schedule",
            trigger: "button[name='action_schedule']",
            run: "click",
        },
        {
            trigger: ".modal div[name='schedule_date'] input",
            // next month, 10:07 (Mailchimp schedules within a year, on quarter hours)
            async run(helpers) {
                const next = new Date();
                next.setDate(1);
                next.setMonth(next.getMonth() + 1);
                const pad = (n) => String(n).padStart(2, "0");
                const day = `${pad(next.getMonth() + 1)}/01/${next.getFullYear()}`;
                await helpers.edit(`${day} 10:07:00`);
                await helpers.press("Enter");
            },
        },
        {
            content: "The dialog says when Mailchimp sends it",
            trigger: ".modal div[name='mailchimp_schedule_time']:contains('10:15:00')",
        },
        {
            trigger: ".modal button[name='action_schedule_date']",
            run: "click",
        },
        {
            content: "In queue",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Queue')",
        },
        {
            content: "Edit the scheduled mailing",
            trigger: "div[name='subject'] input",
            run: "edit Spring news, rescheduled",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Cancel the schedule",
            trigger: "button[name='action_cancel']",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
        {
            content: "Send",
            trigger: "button[name='action_launch']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Queue')",
        },
    ],
});

// After Mailchimp sent it (the hourly refresh read the status and the report): the mailing
// list shows it sent, with the campaign report's figures.
registry.category("web_tour.tours").add("mailchimp_connector_mailing_report_tour", {
    checkDelay: 50,
    steps: () => [
        {
            content: "The mailing is sent",
            trigger:
                ".o_data_row:has(td:contains('Spring news, rescheduled')) td[name='state']:contains('Sent')",
        },
        {
            content: "... to the 20 members of the audience (the campaign report's figure)",
            trigger:
                ".o_data_row:has(td:contains('Spring news, rescheduled')) td[name='sent']:contains(/^20$/)",
        },
        {
            content: "... with its opened ratio",
            trigger:
                ".o_data_row:has(td:contains('Spring news, rescheduled')) td[name='opened_ratio'] .o_progressbar",
        },
    ],
});
