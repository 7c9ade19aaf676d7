# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..services.push_rules import pushes_new_contact
from .mailchimp_membership_mixin import batch_default_get


class MailingSubscription(models.Model):
    _inherit = "mailing.subscription"

    mailchimp_opt_in_date = fields.Datetime(
        string="Opted In Again",
        readonly=True,
        copy=False,
        help="When the opt-out of this list was last lifted in Odoo (by the person or a user). "
        "A Mailchimp unsubscribe older than this is not applied to this list again.",
    )

    @api.model
    def default_get(self, fields_list):
        return batch_default_get(self, fields_list, super().default_get)

    @api.model_create_multi
    def create(self, vals_list):
        subscriptions = super().create(vals_list)
        subscriptions._mailchimp_mark()
        subscriptions._mailchimp_mark_interests()
        return subscriptions

    def write(self, vals):
        lifted = self.browse()
        if (
            "opt_out" in vals
            and not (vals["opt_out"] or vals.get("opt_out_datetime"))
            and not vals.get("opt_out_reason_id")
            and not self.env.context.get("mailchimp_no_push")
        ):
            # an opt-out lifted in Odoo is a consent decision: dated, so that an older
            # unsubscribe read from Mailchimp does not undo it (the import's own lifting,
            # which follows Mailchimp, is not one)
            lifted = self.filtered("opt_out")
        if (
            "opt_out" in vals
            and "opt_out_reason_id" not in vals
            and not self.env.context.get("mailchimp_no_push")
        ):
            # a person's opt-out or opt-in here is Odoo's own decision from now on: the mark
            # of an opt-out Odoo applied for Mailchimp (its reason) goes
            mirrored = self.env.ref(
                "mailchimp_connector.optout_reason_mailchimp", raise_if_not_found=False
            )
            marked = self.filtered(lambda s: mirrored and s.opt_out_reason_id == mirrored)
            if marked:
                super(MailingSubscription, marked).write({"opt_out_reason_id": False})
        res = super().write(vals)
        if lifted:
            super(MailingSubscription, lifted).write({"mailchimp_opt_in_date": self.env.cr.now()})
        if "opt_out" in vals or "list_id" in vals:
            self._mailchimp_mark()
            self._mailchimp_mark_interests()
        return res

    def unlink(self):
        self._mailchimp_mark_interests()
        return super().unlink()

    def _mailchimp_mark_interests(self):
        """A subscription to a mailing list mapped to a Mailchimp interest changed in Odoo:
        its contact's members wait for the next interest sync (not while the sync itself
        writes it)."""
        if self.env.context.get("mailchimp_no_push") or not self:
            return
        self.env["mailchimp.interest.sync"]._mark_subscriptions(self)

    def _mailchimp_mark(self):
        """A contact joining an audience's mailing list (after its 'sync from' date) becomes a
        binding waiting for export; an opt-out marks the binding for an unsubscribe."""
        if self.env.context.get("mailchimp_no_push") or not self:
            return
        audiences = (
            self.env["mailchimp.list"]
            .sudo()
            .search(
                [
                    ("mailing_list_id", "in", self.list_id.ids),
                    ("account_id.push_contacts", "=", True),
                    "|",
                    "|",
                    ("push_new", "=", True),
                    ("push_unsubscribes", "=", True),
                    ("push_fields", "=", True),
                ]
            )
        )
        now = fields.Datetime.now()
        for audience in audiences:
            subs = self.filtered(lambda s, a=audience: s.list_id == a.mailing_list_id)
            if pushes_new_contact(audience.push_new, audience.sync_from, now):
                audience._bind_for_push(
                    contacts=subs.filtered(lambda s: not s.opt_out).contact_id, only_new=True
                )
            if audience.push_unsubscribes:
                opted = subs.filtered("opt_out").contact_id
                if opted:
                    self.env["mailchimp.member"].sudo().search(
                        [("list_id", "=", audience.id), ("mailing_contact_id", "in", opted.ids)]
                    ).write({"need_push": True})
