/** @odoo-module **/
import { registry } from "@web/core/registry";

// Live screens: Export Now on an audience's form, then wait, without any reload, for the
// export job's result (run by the test in the background) on the open form.
registry.category("web_tour.tours").add("mailchimp_connector_live_export_tour", {
    checkDelay: 50,
    steps: () => [
        {
            content: "Open the audience",
            trigger: ".o_kanban_record:contains('Live Export')",
            run: "click",
        },
        {
            content: "One contact waits for the export",
            trigger: ".o_field_widget[name='push_pending_count']:contains(/^1$/)",
        },
        {
            content: "Press Export Now",
            trigger: "button[name='action_push_now']",
            run: "click",
        },
        {
            content: "The export is announced",
            trigger: ".o_notification:contains('Export queued for Live Export')",
        },
        {
            content: "The result arrives on the open form (no reload)",
            trigger: ".o_field_widget[name='last_push_result']:contains('1 updated')",
            timeout: 60000,
        },
        {
            content: "Nothing waits any more",
            trigger: ".o_field_widget[name='push_pending_count']:contains(/^0$/)",
        },
    ],
});
