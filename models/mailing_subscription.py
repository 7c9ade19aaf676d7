# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..services.consent_rules import (
    KIND_GIVEN,
    OPT_IN_APPLY,
    OPT_IN_REQUEST,
    SOURCE_OPT_OUT,
    SOURCE_PERSON,
    SOURCE_USER,
    counts_as_opt_in,
    decided_by_person,
    odoo_opt_in,
)
from ..services.identity import member_key
from ..services.push_rules import pushes_new_contact
from .mailchimp_membership_mixin import batch_default_get


class MailingSubscription(models.Model):
    _inherit = "mailing.subscription"

    mailchimp_opt_in_date = fields.Datetime(
        string="Opted In Again",
        readonly=True,
        copy=False,
        help="When the person last lifted their opt-out of this list in Odoo (on the "
        "unsubscribe page). A Mailchimp unsubscribe older than this is not applied to this "
        "list again. A user's opt-in is not dated here: it is not the person's consent.",
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
            by_person = decided_by_person(
                self.env.user.share, self.env.context.get("mailchimp_by_person")
            )
            held = self.filtered("opt_out")._mailchimp_hold_opt_in(by_person)
            if held:
                # only the person may give consent: these opt-outs stay (a double opt-in
                # is asked of an unsubscribed person; a bounce stays a bounce)
                others = {
                    key: value
                    for key, value in vals.items()
                    if key not in ("opt_out", "opt_out_datetime", "opt_out_reason_id")
                }
                if others:
                    super(MailingSubscription, held).write(others)
                rest = self - held
                return rest.write(vals) if rest else True
            # the person's opt-in here is a consent decision: dated, so that an older
            # unsubscribe read from Mailchimp does not undo it (a user's is not one, nor the
            # import's own lifting, which follows Mailchimp)
            if counts_as_opt_in(by_person):
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
        reopened = self.browse()
        if (
            "opt_out" in vals
            and not vals["opt_out"]
            and not self.env.context.get("mailchimp_no_push")
        ):
            reopened = self.filtered("opt_out")
        already_out = frozenset(self.filtered("opt_out").ids)
        res = super().write(vals)
        if lifted:
            super(MailingSubscription, lifted).write({"mailchimp_opt_in_date": self.env.cr.now()})
        if reopened:
            reopened._mailchimp_record_opt_in()
        if "opt_out" in vals or "list_id" in vals:
            self._mailchimp_mark(already_out)
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

    def _mailchimp_record_opt_in(self):
        """An opt-out lifted in Odoo where Mailchimp holds the person's consent (the opt-out
        had not reached it, or the person lifted it): in the consent history of the members
        in the audiences that push unsubscribes, unless the address stays blacklisted."""
        by_person = decided_by_person(
            self.env.user.share, self.env.context.get("mailchimp_by_person")
        )
        contacts = self.contact_id.filtered(lambda c: not c.is_blacklisted)
        if not contacts:
            return
        bindings = (
            self.env["mailchimp.member"]
            .sudo()
            .search(
                [
                    ("mailing_contact_id", "in", contacts.ids),
                    ("list_id.mailing_list_id", "in", self.list_id.ids),
                    ("list_id.push_unsubscribes", "=", True),
                    ("status", "in", ("subscribed", "pending")),
                ]
            )
        )
        bindings._record_odoo_consent(KIND_GIVEN, SOURCE_PERSON if by_person else SOURCE_USER)

    def _mailchimp_hold_opt_in(self, by_person):
        """Of these opted-out subscriptions being lifted, the ones whose opt-out stays
        (``services/consent_rules.py``'s ``odoo_opt_in``, given the statuses Mailchimp has
        for the contact in the audiences of the list): a bounce is kept; an unsubscribed
        member is asked for a double opt-in by the next export (``resubscribe_requested``)."""
        if by_person or not self:
            return self.browse()
        Member = self.env["mailchimp.member"].sudo()
        keys = [key for key in (member_key(s.contact_id.email) for s in self) if key]
        bindings = Member.search(
            [
                ("list_id.mailing_list_id", "in", self.list_id.ids),
                "|",
                ("mailing_contact_id", "in", self.contact_id.ids),
                ("email_normalized", "in", keys),
            ]
        )
        held = requested = self.browse()
        mirrored = self.env.ref(
            "mailchimp_connector.optout_reason_mailchimp", raise_if_not_found=False
        )
        for sub in self:
            key = member_key(sub.contact_id.email)
            mine = bindings.filtered(
                lambda b, s=sub, k=key: (
                    b.list_id.mailing_list_id == s.list_id
                    and (b.mailing_contact_id == s.contact_id or (k and b.email_normalized == k))
                )
            )
            answer = odoo_opt_in(mine.mapped("status"), by_person)
            if answer == OPT_IN_APPLY:
                continue
            held |= sub
            if answer == OPT_IN_REQUEST:
                mine.filtered(lambda b: b.status == "unsubscribed")._request_opt_in()
                requested |= sub
        if requested and mirrored:
            # the opt-out that stays is Mailchimp's status now (unsubscribed, then pending),
            # no longer an Odoo decision to send: no export unsubscribes the person again
            # while they are asked to confirm
            # (its date kept: Odoo would date a rewritten opt-out now, newer than a
            # re-subscription Mailchimp has and Odoo has not read yet)
            for sub in requested:
                sub.with_context(mailchimp_no_push=True).write(
                    {"opt_out_reason_id": mirrored.id, "opt_out_datetime": sub.opt_out_datetime}
                )
        return held

    def _mailchimp_mark(self, already_out=frozenset()):
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
                new_out = subs.filtered(lambda sub: sub.opt_out and sub.id not in already_out)
                if opted - new_out.contact_id:
                    # an opt-out that stays (its date or reason changed): sent again, no
                    # new withdrawal
                    self.env["mailchimp.member"].sudo().search(
                        [
                            ("list_id", "=", audience.id),
                            ("mailing_contact_id", "in", (opted - new_out.contact_id).ids),
                        ]
                    ).write({"need_push": True})
                opted = new_out.contact_id
                if opted:
                    person = decided_by_person(
                        self.env.user.share, self.env.context.get("mailchimp_by_person")
                    )
                    reasons = new_out.opt_out_reason_id
                    waiting_in = (
                        self.env["mailchimp.member"]
                        .sudo()
                        .search(
                            [("list_id", "=", audience.id), ("mailing_contact_id", "in", opted.ids)]
                        )
                        ._mark_withdrawal(
                            SOURCE_PERSON if person else SOURCE_OPT_OUT,
                            ", ".join(reasons.mapped("name")) or None,
                        )
                    )
                    waiting_in._queue_withdrawals()
