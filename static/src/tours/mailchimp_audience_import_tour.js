/** @odoo-module **/
import { registry } from "@web/core/registry";

// From the audiences to an audience's form, Import Members: the import is announced and the
// form shows it running (the members arrive with the queued jobs).
registry.category("web_tour.tours").add("mailchimp_connector_audience_import_tour", {
    // a step that waits for the server is checked again 50 ms after the page changes
    // (instead of 500), as Odoo's own point_of_sale tours do
    checkDelay: 50,
    steps: () => [
        {
            content: "Open the audience",
            trigger: ".o_kanban_record:contains('Tour Audience')",
            run: "click",
        },
        {
            content: "No member in Odoo yet",
            trigger: "button[name='action_view_members'] .o_stat_value:contains(/^0$/)",
        },
        {
            content: "Press Import Members",
            trigger: "button[name='action_import_members']",
            run: "click",
        },
        {
            content: "The import is announced",
            trigger: ".o_notification:contains('Member import queued')",
        },
        {
            content: "The form shows it running",
            trigger: ".o_form_view .alert-info:contains('Importing members')",
        },
    ],
});
