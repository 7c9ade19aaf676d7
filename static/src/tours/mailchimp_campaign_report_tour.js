/** @odoo-module **/
import { registry } from "@web/core/registry";

// A sent campaign whose report changed in Mailchimp since Odoo read it: Refresh Report shows
// the new figures (the notification, the funnel, the Report tab), then Activity lists what
// the recipients did, by action.
registry.category("web_tour.tours").add("mailchimp_connector_campaign_report_tour", {
    // a step that waits for the server is checked again 50 ms after the page changes
    // (instead of 500), as Odoo's own point_of_sale tours do
    checkDelay: 50,
    steps: () => [
        {
            content: "Open the campaign",
            trigger: ".o_data_row td.o_data_cell:contains('Spring news')",
            run: "click",
        },
        {
            content: "The funnel shows what Odoo read before: 20 sent",
            trigger: "div[name='funnel'] .o_field_widget[name='emails_sent']:contains(/^20$/)",
        },
        {
            content: "... 2 opened",
            trigger: "div[name='funnel'] .o_field_widget[name='unique_opens']:contains(/^2$/)",
        },
        {
            content: "Press Refresh Report",
            trigger: "button[name='action_refresh_report']",
            run: "click",
        },
        {
            content: "The new figures are notified",
            trigger: ".o_notification:contains('Sent: 20, opens: 4, clicks: 2, unsubscribes: 0')",
        },
        {
            content: "The funnel shows 3 opened",
            trigger: "div[name='funnel'] .o_field_widget[name='unique_opens']:contains(/^3$/)",
        },
        {
            content: "... 15 % of them",
            trigger: "div[name='funnel'] .o_field_widget[name='open_rate']:contains('15')",
        },
        {
            content: "... 2 clicked",
            trigger: "div[name='funnel'] .o_field_widget[name='unique_subscriber_clicks']:contains(/^2$/)",
        },
        {
            content: "... 10 % of them",
            trigger: "div[name='funnel'] .o_field_widget[name='click_rate']:contains('10')",
        },
        {
            content: "The Report tab: 4 opens in all",
            trigger: ".o_notebook .o_field_widget[name='opens_total']:contains(/^4$/)",
        },
        {
            content: "Open the activity",
            trigger: "button[name='action_view_activity']",
            run: "click",
        },
        {
            content: "The activity read so far, by action",
            trigger: ".o_list_view .o_group_header:contains('Open (2)')",
        },
    ],
});
