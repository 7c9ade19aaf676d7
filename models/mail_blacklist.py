# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..services.consent_rules import (
    OPT_IN_KEPT,
    OPT_IN_REQUEST,
    SOURCE_BLACKLIST,
    counts_as_opt_in,
    decided_by_person,
    odoo_opt_in,
)
from ..services.identity import member_key
from ..services.statuses import UNSUBSCRIBABLE
from ..services.sync_rules import BLACKLIST_OPT_OUT, blacklist_consent


class MailBlacklist(models.Model):
    _inherit = "mail.blacklist"

    mailchimp_lift_counts = fields.Boolean(
        string="Lifted by the Person",
        readonly=True,
        copy=False,
        help="Set when this entry was archived by the person (Odoo's unsubscribe page) or by "
        "the connector following Mailchimp: an older bounce read from Mailchimp does not "
        "blacklist the address again. A user's un-blacklisting is not the person's consent.",
    )

    def _mailchimp_by_person(self):
        return decided_by_person(self.env.user.share, self.env.context.get("mailchimp_by_person"))

    def _mailchimp_lift_counts(self):
        return counts_as_opt_in(
            self._mailchimp_by_person(), bool(self.env.context.get("mailchimp_no_push"))
        )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [
            dict(vals, mailchimp_lift_counts=self._mailchimp_lift_counts())
            if "active" in vals and not vals["active"]
            else vals
            for vals in vals_list
        ]
        entries = super().create(vals_list)
        entries._mailchimp_mark()
        return entries

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            vals = dict(vals, mailchimp_lift_counts=self._mailchimp_lift_counts())
            if not vals["mailchimp_lift_counts"]:
                kept = self.filtered("active")._mailchimp_hold_unblacklist()
                if kept:
                    # only the person may give consent: a bounce stays blacklisted
                    rest = self - kept
                    return rest.write(vals) if rest else True
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

    def _mailchimp_hold_unblacklist(self):
        """A user removing these entries (``services/consent_rules.py``'s ``odoo_opt_in``,
        given the statuses Mailchimp has for the address in every audience): the entries of
        an address Mailchimp says bounced (cleaned) stay, and are returned; for an address
        Mailchimp says unsubscribed, the opt-out of that audience's list that the status
        implies is kept (the blacklisting was the only one) and a double opt-in asked."""
        keys = {member_key(entry.email) for entry in self} - {False, None, ""}
        if not keys:
            return self.browse()
        bindings = (
            self.env["mailchimp.member"].sudo().search([("email_normalized", "in", list(keys))])
        )
        kept = self.browse()
        for entry in self:
            key = member_key(entry.email)
            mine = bindings.filtered(lambda b, k=key: b.email_normalized == k)
            answer = odoo_opt_in(mine.mapped("status"), by_person=False)
            if answer == OPT_IN_KEPT:
                kept |= entry
            elif answer == OPT_IN_REQUEST:
                unsubscribed = mine.filtered(lambda b: b.status == "unsubscribed")
                unsubscribed._request_opt_in(keep_list_opt_out=True)
        return kept

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
        audiences = (
            self.env["mailchimp.member"]
            .sudo()
            .search(
                [
                    ("email_normalized", "in", emails),
                    ("list_id.push_unsubscribes", "=", True),
                    ("status", "in", list(UNSUBSCRIBABLE)),
                ]
            )
            ._mark_withdrawal(SOURCE_BLACKLIST, self.opt_out_reason_id[:1].name or None)
        )
        audiences._queue_withdrawals()
