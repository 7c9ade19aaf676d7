# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Erase Personal Data: the confirmation listing what will go, then the erasure request.
Opened from a mailing contact, a partner, a member (managers) or Odoo's Privacy Lookup."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.erasure_tools import erase_local
from ..services.identity import member_key


class MailchimpErasureWizard(models.TransientModel):
    _name = "mailchimp.erasure.wizard"
    _description = "Mailchimp: Erase Personal Data"

    email = fields.Char(required=True)
    person_name = fields.Char(string="Name")
    privacy_log_id = fields.Many2one("privacy.log")
    preview = fields.Text(string="What Will Be Erased", compute="_compute_preview")

    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._("Erase Personal Data")

    @api.depends("email")
    def _compute_preview(self):
        for wizard in self:
            key = member_key(wizard.email or "")
            if not key:
                wizard.preview = self.env._("%s is not one valid email address.", wizard.email)
                continue
            audiences = (
                self.env["mailchimp.list"]
                .sudo()
                .with_context(active_test=False)
                .search([("mc_id", "!=", False)])
            )
            lines = [
                self.env._(
                    "In Mailchimp: permanently deleted (delete-permanent) in each of the "
                    "%(count)s audiences of %(accounts)s accounts where it is: %(names)s. "
                    "Mailchimp cannot undo this; the person can only sign up again through "
                    "a Mailchimp form.",
                    count=len(audiences),
                    accounts=len(audiences.account_id),
                    names=", ".join(audiences.mapped("display_name")) or "-",
                )
            ]
            lines += erase_local(self.env, [key], preview=True)
            lines.append(
                self.env._(
                    "Kept: a keyed hash of the address (no address), so that no old data "
                    "brings it back; the audit log and Odoo's privacy log name it "
                    "anonymized. Odoo's other records (messages, blacklist, invoices) are "
                    "in the Privacy Lookup."
                )
            )
            wizard.preview = "\n".join(lines)

    @api.model
    def action_open_for(self, records):
        """The confirmation for the first of ``records`` (a mailing contact, a partner or
        a member), managers only."""
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        record = records[:1]
        if not record or not record.email:
            raise UserError(self.env._("This record has no email address to erase."))
        name = record.display_name if record._name != "mailchimp.member" else ""
        return self._open(record.email, name)

    @api.model
    def _open(self, email, name, privacy_log=None):
        wizard = self.create(
            {
                "email": email,
                "person_name": name or False,
                "privacy_log_id": privacy_log.id if privacy_log else False,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Erase Personal Data"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_confirm(self):
        self.ensure_one()
        request = self.env["mailchimp.erasure"]._request(
            self.email, person_name=self.person_name, privacy_log=self.privacy_log_id
        )
        self.unlink()  # the address stays on the request only, until it is done
        return {
            "type": "ir.actions.act_window",
            "name": request.name,
            "res_model": "mailchimp.erasure",
            "res_id": request.id,
            "view_mode": "form",
            "target": "current",
        }


class PrivacyLookupWizard(models.TransientModel):
    _inherit = "privacy.lookup.wizard"

    def action_mailchimp_erase(self):
        """The lookup's Erase in Mailchimp step: the same confirmation, its privacy log
        completed by the erasure."""
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.flush_recordset(["execution_details"])  # its privacy log, when lines were handled
        return self.env["mailchimp.erasure.wizard"]._open(self.email, self.name, self.log_id)
