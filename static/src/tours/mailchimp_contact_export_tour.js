/** @odoo-module **/
import { registry } from "@web/core/registry";

// A mailing contact bound to a Mailchimp member: rename it, save, Export to Mailchimp (the
// form's Actions menu): the export is announced with what waits to be sent.
registry.category("web_tour.tours").add("mailchimp_connector_contact_export_tour", {
    // a step that waits for the server is checked again 50 ms after the page changes
    // (instead of 500), as Odoo's own point_of_sale tours do
    checkDelay: 50,
    steps: () => [
        {
            content: "Open the contact",
            trigger: ".o_data_row td.o_data_cell:contains('member00001@example.org')",
            run: "click",
        },
        {
            content: "It is a Mailchimp member",
            trigger: "button[name='action_view_mailchimp_members'] .o_stat_value:contains(/^1$/)",
        },
        {
            content: "Rename it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Ada Lovelace",
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
            trigger: ".o_breadcrumb .active:contains('Ada Lovelace')",
        },
        {
            content: "Open the Actions menu",
            trigger: ".o_cp_action_menus button:has(i.fa-cog)",
            run: "click",
        },
        {
            content: "Export to Mailchimp",
            trigger: ".dropdown-menu .o_menu_item:contains('Export to Mailchimp')",
            run: "click",
        },
        {
            content: "The export is announced",
            trigger: ".o_notification:contains('Export queued for Tour Audience: 1 contact waiting to be sent.')",
        },
    ],
});
