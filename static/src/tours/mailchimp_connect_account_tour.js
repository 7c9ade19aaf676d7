/** @odoo-module **/
import { registry } from "@web/core/registry";

// Connect an account from scratch, with a typo in the key first: New, a name and an API key
// (the datacenter is read from the key at once), Save, Test Connection: Mailchimp refuses
// the key and the form shows it at once (it reloads: status Error, the banner with the
// reason). The right key, Save, Test Connection: the form shows it connected, with the name
// of the Mailchimp account, and the error gone.
registry.category("web_tour.tours").add("mailchimp_connector_connect_account_tour", {
    // a step that waits for the server is checked again 50 ms after the page changes
    // (instead of 500), as Odoo's own point_of_sale tours do
    checkDelay: 50,
    steps: () => [
        {
            content: "Create an account",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Newsletter account",
        },
        {
            content: "Paste an API key with a typo",
            trigger: ".o_field_widget[name='api_key'] input",
            run: "edit ffffffffffffffffffffffffffffffff-us6 && click .o_form_sheet",
        },
        {
            content: "The datacenter is read from the key",
            trigger: ".o_field_widget[name='datacenter']:contains('us6')",
        },
        {
            content: "It is not connected yet",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Not Connected')",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "The breadcrumb shows the new name",
            trigger: ".o_breadcrumb .active:contains('Newsletter account')",
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
        {
            content: "Paste the right API key",
            trigger: ".o_field_widget[name='api_key'] input",
            run: "edit 0123456789abcdef0123456789abcdef-us6 && click .o_form_sheet",
        },
        {
            content: "Save it",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Saved again",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Press Test Connection again",
            trigger: "button[name='action_test_connection']",
            run: "click",
        },
        {
            content: "The connection is notified",
            trigger: ".o_notification:has(.o_notification_bar.bg-success)",
        },
        {
            content: "The account is connected",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(/^Connected$/)",
        },
        {
            content: "The Mailchimp account name is shown",
            trigger: ".o_field_widget[name='mc_account_name']:contains('Emulated Account')",
        },
        {
            content: "The error banner is gone",
            trigger: ".o_form_view:not(:has(.alert-danger .o_field_widget[name='last_error']))",
        },
    ],
});
