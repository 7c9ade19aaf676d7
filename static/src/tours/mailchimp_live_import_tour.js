/** @odoo-module **/
import { registry } from "@web/core/registry";
import { importMembersSteps } from "./mailchimp_audience_import_tour";

// Live screens: Import Members on an audience's form, then wait, without any reload, for the
// figures the import's jobs commit (run by the test in the background): the member count and
// the last result change on the open form.
registry.category("web_tour.tours").add("mailchimp_connector_live_import_tour", {
    checkDelay: 50,
    steps: () => [
        ...importMembersSteps("Live Audience"),
        {
            content: "The members arrive on the open form (no reload)",
            trigger: "button[name='action_view_members'] .o_stat_value:contains(/^30$/)",
            timeout: 60000,
        },
        {
            content: "The last result says what the import did",
            trigger: ".o_field_widget[name='last_sync_result']:contains('30 members read: 30 new')",
        },
        {
            content: "The import is no longer shown running",
            trigger: ".o_form_view:not(:has(.alert-info:contains('Importing members')))",
        },
    ],
});
