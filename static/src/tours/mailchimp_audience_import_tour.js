/** @odoo-module **/
import { registry } from "@web/core/registry";

/**
 * From the audiences' kanban to the form of the audience ``name``, with ``members`` members
 * in Odoo (not checked when null). Shared by the tours that start on an audience's form.
 */
export function openAudienceSteps(name, members = 0) {
    const steps = [
        {
            content: `Open the audience ${name}`,
            trigger: `.o_kanban_record:contains('${name}')`,
            run: "click",
        },
    ];
    if (members !== null) {
        steps.push({
            content: `${members} member(s) in Odoo`,
            trigger: `button[name='action_view_members'] .o_stat_value:contains(/^${members}$/)`,
        });
    }
    return steps;
}

/** Open the audience ``name`` (no member in Odoo yet), press Import Members: announced. */
export function importMembersSteps(name) {
    return [
        ...openAudienceSteps(name),
        {
            content: "Press Import Members",
            trigger: "button[name='action_import_members']",
            run: "click",
        },
        {
            content: "The import is announced",
            trigger: ".o_notification:contains('Member import queued')",
        },
    ];
}

// From the audiences to an audience's form, Import Members: the import is announced and the
// form shows it running (the members arrive with the queued jobs).
registry.category("web_tour.tours").add("mailchimp_connector_audience_import_tour", {
    // a step that waits for the server is checked again 50 ms after the page changes
    // (instead of 500), as Odoo's own point_of_sale tours do
    checkDelay: 50,
    steps: () => [
        ...importMembersSteps("Tour Audience"),
        {
            content: "The form shows it running",
            trigger: ".o_form_view .alert-info:contains('Importing members')",
        },
    ],
});
