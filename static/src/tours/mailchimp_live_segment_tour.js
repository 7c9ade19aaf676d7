/** @odoo-module **/
import { registry } from "@web/core/registry";

// Live screens: Sync Now on a segment's form; wait, without any reload, for the sync's
// outcome (run by the test in the background): the status Synced and the member count.
registry.category("web_tour.tours").add("mailchimp_connector_live_segment_tour", {
    checkDelay: 50,
    steps: () => [
        {
            content: "Open the segment",
            trigger: ".o_data_row td:contains('Live Keepers')",
            run: "click",
        },
        {
            content: "Not synced yet: nobody in the Mailchimp segment",
            trigger: "button[name='action_view_members'] .o_stat_value:contains(/^0$/)",
        },
        {
            content: "Press Sync Now",
            trigger: "button[name='action_sync_now']",
            run: "click",
        },
        {
            content: "The members arrive on the open form (no reload)",
            trigger: "button[name='action_view_members'] .o_stat_value:contains(/^3$/)",
            timeout: 60000,
        },
        {
            content: "The status says Synced",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Synced')",
        },
        {
            content: "The unsubscribed member is counted as skipped",
            trigger: "button[name='action_view_skipped'] .o_stat_value:contains(/^1$/)",
        },
    ],
});
