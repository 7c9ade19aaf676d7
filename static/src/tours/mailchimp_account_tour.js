/** @odoo-module **/
import { registry } from "@web/core/registry";

// Opens an account that points at the emulator, presses Test Connection and checks
// that the form shows it connected with the Mailchimp account name.
registry.category("web_tour.tours").add("mailchimp_connector_account_tour", {
    steps: () => [
        {
            content: "Open the Mailchimp account",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Account')",
            run: "click",
        },
        {
            content: "Press Test Connection",
            trigger: "button[name='action_test_connection']",
            run: "click",
        },
        {
            content: "The account is connected",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Connected')",
        },
        {
            content: "The Mailchimp account name is shown",
            trigger: ".o_field_widget[name='mc_account_name']:contains('Emulated Account')",
        },
    ],
});
