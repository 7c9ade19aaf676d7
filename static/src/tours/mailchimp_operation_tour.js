/** @odoo-module **/
import { registry } from "@web/core/registry";

// MailChimp Operations: ticking Campaigns ticks Templates, ticking Members ticks Audiences,
// Process imports the audiences and says what was queued.
registry.category("web_tour.tours").add("mailchimp_connector_operation_tour", {
    // a step that waits for the server is checked again 50 ms after the page changes
    // (instead of 500), as Odoo's own point_of_sale tours do
    checkDelay: 50,
    steps: () => [
        {
            content: "The connected account is preselected",
            trigger: ".modal .o_field_widget[name='account_ids'] .o_tag:contains('Tour Account')",
        },
        {
            content: "Tick Campaigns",
            trigger: ".modal .o_field_widget[name='import_campaigns'] input",
            run: "click",
        },
        {
            content: "Templates got ticked with it",
            trigger: ".modal .o_field_widget[name='import_templates'] input:checked",
        },
        {
            content: "Tick Members",
            trigger: ".modal .o_field_widget[name='import_members'] input",
            run: "click",
        },
        {
            content: "Audiences got ticked with it",
            trigger: ".modal .o_field_widget[name='import_audiences'] input:checked",
        },
        {
            content: "Process",
            trigger: ".modal button[name='action_process']",
            run: "click",
        },
        {
            content: "The wizard says what it imported and queued",
            trigger: ".modal .o_field_widget[name='result']:contains('1 audience imported.')",
        },
        {
            content: "Campaigns are reported too",
            trigger: ".modal .o_field_widget[name='result']:contains('campaigns imported')",
        },
        {
            content: "The result window has a real title",
            trigger: ".modal .modal-title:contains('Mailchimp import started')",
        },
        {
            content: "Open what was imported",
            trigger: ".modal button[name='action_open_audiences']",
            run: "click",
        },
        {
            content: "The imported audience's card",
            trigger: ".o_kanban_record:contains('Tour Audience')",
        },
    ],
});
