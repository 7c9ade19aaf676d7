# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.mailchimp_audit_log import audit
from ..models.ui_text import count_text


class MailchimpExportExisting(models.TransientModel):
    """One-off export of the contacts that existed before pushes were turned on: says how
    many would be sent, sends them on confirmation."""

    _name = "mailchimp.export.existing"
    _description = "Mailchimp: Export Existing Contacts"

    def _compute_display_name(self):
        # the dialog's title and breadcrumb, never "mailchimp.export.existing,<id>"
        for wizard in self:
            wizard.display_name = self.env._("Export Existing Contacts")

    list_id = fields.Many2one("mailchimp.list", string="Audience", required=True, readonly=True)
    contact_count = fields.Integer(compute="_compute_counts", string="Contacts to Send")
    result = fields.Text(readonly=True)

    @api.depends("list_id")
    def _compute_counts(self):
        for wizard in self:
            wizard.contact_count = len(wizard.list_id._existing_contacts_to_export())

    def action_confirm(self):
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        audience = self.list_id
        audience.check_access("write")
        contacts = audience._existing_contacts_to_export()
        bindings, skipped = audience.sudo()._bind_for_push(contacts=contacts)
        queued = audience.sudo()._queue_push()
        if len(bindings) == 1:
            queued_text = self.env._(
                "1 contact queued for export to %(audience)s.", audience=audience.name
            )
        else:
            queued_text = self.env._(
                "%(count)s contacts queued for export to %(audience)s.",
                count=count_text(self.env, len(bindings)),
                audience=audience.name,
            )
        audit(
            self.env,
            "export_existing",
            queued_text,
            audience,
            counts=(len(bindings), len(skipped)),
        )
        lines = [queued_text]
        if not queued:
            lines.append(self.env._("Nothing was queued: check the account and audience options."))
        lines += [
            f"{record.display_name} ({record.email or '-'}): {reason}" for record, reason in skipped
        ]
        self.result = "\n".join(lines)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Export Existing Contacts"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
