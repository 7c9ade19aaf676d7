/** @odoo-module **/
import { registry } from "@web/core/registry";

// A connected account whose key Mailchimp now refuses: Test Connection must show the error
// at once (the form reloads: status Error, the banner with the reason), not the old state.
registry.category("web_tour.tours").add("mailchimp_connector_failed_connection_tour", {
    steps: () => [
        {
            content: "Open the Mailchimp account",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Account')",
            run: "click",
        },
        {
            content: "It shows connected",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Connected')",
        },
        {
            content: "Press Test Connection",
            trigger: "button[name='action_test_connection']",
            run: "click",
        },
        {
            content: "The failure is notified",
            trigger: ".o_notification:contains('Mailchimp rejected the API key')",
        },
        {
            content: "The form reloaded: status Error",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Error')",
        },
        {
            content: "The form reloaded: the banner tells why",
            trigger: ".alert-danger .o_field_widget[name='last_error']:contains('Mailchimp rejected the API key')",
        },
    ],
});
