/** @odoo-module **/
import { registry } from "@web/core/registry";
import { openAudienceSteps } from "./mailchimp_audience_import_tour";

// Live screens: Full Resync on the form of an audience already imported (30 members), two
// members added in Mailchimp since; wait, without any reload, for the resync's figures (run
// by the test in the background) on the open form.
registry.category("web_tour.tours").add("mailchimp_connector_live_resync_tour", {
    checkDelay: 50,
    steps: () => [
        ...openAudienceSteps("Resync Audience", 30),
        {
            content: "Press Full Resync",
            trigger: "button[name='action_full_resync']",
            run: "click",
        },
        {
            content: "Confirm the re-read of every member",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The resync is announced",
            trigger: ".o_notification:contains('Member import queued')",
        },
        {
            content: "The two new members arrive on the open form (no reload)",
            trigger: "button[name='action_view_members'] .o_stat_value:contains(/^32$/)",
            timeout: 60000,
        },
        {
            content: "The last result says what the resync read",
            trigger: ".o_field_widget[name='last_sync_result']:contains('32 members read: 2 new')",
        },
        {
            content: "The resync is no longer shown running",
            trigger: ".o_form_view:not(:has(.alert-info:contains('Importing members')))",
        },
    ],
});
