# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from ..services.identity import member_key
from ..services.statuses import UNSUBSCRIBABLE
from ..services.sync_rules import BLACKLIST_OPT_OUT, blacklist_consent


class MailBlacklist(models.Model):
    _inherit = "mail.blacklist"

    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        entries._mailchimp_mark()
        return entries

    def write(self, vals):
        if (
            vals.get("active")
            and "opt_out_reason_id" not in vals
            and not self.env.context.get("mailchimp_no_push")
        ):
            # a person or user blacklisting an address again: their decision, no longer the
            # bounce the connector once recorded on this entry
            bounce = self.env.ref(
                "mailchimp_connector.optout_reason_mailchimp_cleaned", raise_if_not_found=False
            )
            rebounced = self.filtered(
                lambda e: bounce and not e.active and e.opt_out_reason_id == bounce
            )
            if rebounced:
                super(MailBlacklist, rebounced).write({"opt_out_reason_id": False})
        res = super().write(vals)
        if vals.get("active") or "email" in vals:
            self._mailchimp_mark()
        return res

    def _mailchimp_mark(self):
        """A blacklisted address is unsubscribed from the audiences that push unsubscribes."""
        if self.env.context.get("mailchimp_no_push"):
            return
        bounce = self.env.ref(
            "mailchimp_connector.optout_reason_mailchimp_cleaned", raise_if_not_found=False
        )
        # a bounce is not an unsubscribe: only a person's or a user's blacklist entry is pushed
        emails = [
            member_key(entry.email)
            for entry in self
            if entry.email
            and blacklist_consent(entry.active, bool(bounce) and entry.opt_out_reason_id == bounce)
            == BLACKLIST_OPT_OUT
        ]
        emails = [email for email in emails if email]
        if not emails:
            return
        self.env["mailchimp.member"].sudo().search(
            [
                ("email_normalized", "in", emails),
                ("list_id.push_unsubscribes", "=", True),
                ("status", "in", list(UNSUBSCRIBABLE)),
            ]
        ).write({"need_push": True})
