/** @odoo-module **/
import { registry } from "@web/core/registry";

// Connect an account from scratch: New, a name and an API key (the datacenter is read from
// the key at once), Save, Test Connection: the form shows it connected, with the name of
// the Mailchimp account.
registry.category("web_tour.tours").add("mailchimp_connector_connect_account_tour", {
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
            content: "Paste the API key",
            trigger: ".o_field_widget[name='api_key'] input",
            run: "edit 0123456789abcdef0123456789abcdef-us6 && click .o_form_sheet",
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
            content: "The connection is notified",
            trigger: ".o_notification:has(.o_notification_bar.bg-success)",
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
