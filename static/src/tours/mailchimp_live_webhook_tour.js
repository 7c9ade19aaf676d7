/** @odoo-module **/
import { registry } from "@web/core/registry";
import { openAudienceSteps } from "./mailchimp_audience_import_tour";

// Live screens: webhook events arriving. Mailchimp delivers a subscribe while the audience's
// form is open: its member and event counts change without any reload. Then, while the
// events list is open, a profile change: the event appears there, applied, with its reason.
// (The test fires the deliveries from the emulator and runs the jobs in the background.)
registry.category("web_tour.tours").add("mailchimp_connector_live_webhook_tour", {
    checkDelay: 50,
    steps: () => [
        // the form opens with 3 members (the test fires the subscribe once it has read them;
        // on a busy machine its job may be applied before a step could look: not checked)
        ...openAudienceSteps("Webhook Audience", null),
        {
            content: "A subscribe arrives: the new member is counted on the open form",
            trigger: "button[name='action_view_members'] .o_stat_value:contains(/^4$/)",
            timeout: 60000,
        },
        {
            content: "... and its event",
            trigger: "button[name='action_view_webhook_events'] .o_stat_value:contains(/^1$/)",
        },
        {
            content: "Open the events",
            trigger: "button[name='action_view_webhook_events']",
            run: "click",
        },
        {
            content: "The subscribe, applied",
            trigger: ".o_data_row:contains('newcomer@example.org'):contains('Applied')",
        },
        {
            content: "A profile change arrives: it appears in the open list, applied, with why",
            trigger:
                ".o_data_row:contains('member00001@example.org'):contains('Applied'):contains('contact names are not overridden')",
            timeout: 60000,
        },
    ],
});
