/** @odoo-module **/
import { registry } from "@web/core/registry";

// Live screens: Refresh All Reports from the campaigns' gear menu, then wait, without any
// reload, for the report job (run by the test in the background): the campaign's opens and
// clicks change in the open list. The gear menu's other item, Track Campaign, opens its
// dialog (the list's header keeps no button: the breadcrumb has the room).
registry.category("web_tour.tours").add("mailchimp_connector_live_report_tour", {
    checkDelay: 50,
    steps: () => [
        {
            content: "The campaign as Odoo read it: 2 opened",
            trigger: ".o_data_row:contains('Spring news') td[name='unique_opens']:contains(/^2$/)",
        },
        {
            content: "Open the gear menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Refresh All Reports",
            trigger: ".o-dropdown--menu .o_mailchimp_refresh_all_reports",
            run: "click",
        },
        {
            content: "The refresh is announced",
            trigger: ".o_notification:contains('The report of 1 campaign is being read again')",
        },
        {
            content: "The new figures arrive in the open list (no reload): 3 opened",
            trigger: ".o_data_row:contains('Spring news') td[name='unique_opens']:contains(/^3$/)",
            timeout: 60000,
        },
        {
            content: "... 2 clicked",
            trigger:
                ".o_data_row:contains('Spring news') td[name='unique_subscriber_clicks']:contains(/^2$/)",
        },
        {
            content: "The gear menu also tracks a campaign by its Mailchimp ID",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Track Campaign",
            trigger: ".o-dropdown--menu .o_mailchimp_track_campaign",
            run: "click",
        },
        {
            content: "Its dialog opens",
            trigger: ".modal .modal-title:contains('Track a Mailchimp Campaign')",
        },
        {
            content: "Close it",
            trigger: ".modal-footer button.btn-secondary",
            run: "click",
        },
        {
            content: "Back on the list",
            trigger: "body:not(:has(.modal)) .o_list_view",
        },
    ],
});
