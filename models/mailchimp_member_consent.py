# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The member's side of consent (issue 26): a withdrawal made in Odoo waiting for Mailchimp,
a user's opt-in request (double opt-in), the keeping of the opt-out Mailchimp's status
implies, and what the member writes in the consent history (``mailchimp.consent``)."""

from datetime import timedelta

from odoo import fields, models

from ..services.consent_rules import KIND_PENDING, KIND_WITHDRAWN, SOURCE_DOUBLE_OPT_IN
from ..services.mailchimp_data import binding_values, member_status
from ..services.statuses import UNSUBSCRIBABLE


class MailchimpMember(models.Model):
    _inherit = "mailchimp.member"

    consent_given_at = fields.Datetime(
        compute="_compute_consent_dates",
        help="When the person last gave consent on this audience (the consent history).",
    )
    consent_withdrawn_at = fields.Datetime(
        compute="_compute_consent_dates",
        help="When consent was last withdrawn on this audience (the consent history).",
    )
    withdrawal_waiting = fields.Boolean(
        string="Opt-out Waiting for Mailchimp",
        copy=False,
        readonly=True,
        help="An opt-out or blacklisting made in Odoo that the export has not sent to Mailchimp "
        "yet (it goes within a minute): until then Mailchimp still counts the person as "
        "subscribed.",
    )
    resubscribe_requested = fields.Boolean(
        string="Opt-in Requested",
        copy=False,
        readonly=True,
        help="A user opted this unsubscribed person in again in Odoo: only the person may give "
        "consent, so the next export asks Mailchimp to send them a confirmation email (double "
        "opt-in, status pending). Odoo keeps the opt-out until they confirm.",
    )

    def _pending_values(self, member):
        """The binding's values once Mailchimp answered a double opt-in request (``member``:
        its answer to the PATCH to pending)."""
        last_changed = binding_values(member)["last_changed"]
        return {
            "status": member_status(member) or "pending",
            "last_changed": last_changed,
            # a user's request, newer than the opt-out Odoo holds for this member: no
            # export may unsubscribe the pending member because of that opt-out (the
            # opt-out itself is lifted when the person confirms)
            "status_changed": last_changed or fields.Datetime.now(),
            "resubscribe_requested": False,
            "sync_error": False,
            "push_reason": self.env._("Re-subscription requested (pending)"),
        }

    def _keep_list_opt_out(self):
        """The opt-out of the audience's mailing list that these unsubscribed members'
        status implies, written where the contact has none (as the import writes it: marked
        as Mailchimp's, dated at Mailchimp's decision)."""
        mirrored = self.env.ref(
            "mailchimp_connector.optout_reason_mailchimp", raise_if_not_found=False
        )
        now = self.env.cr.now()
        for binding in self.sudo():
            mailing_list = binding.list_id.mailing_list_id
            contact = binding.mailing_contact_id
            if not mailing_list or not contact:
                continue
            subs = contact.subscription_ids.filtered(
                lambda s, ml=mailing_list: s.list_id == ml and not s.opt_out
            )
            if not subs:
                continue
            when = now
            if binding.status_changed:
                offset = timedelta(seconds=binding.account_id.mc_clock_offset or 0)
                when = min(now, binding.status_changed - offset)
            subs.with_context(mailchimp_no_push=True).write(
                {
                    "opt_out": True,
                    "opt_out_reason_id": mirrored.id if mirrored else False,
                    "opt_out_datetime": when,
                }
            )

    def _mark_withdrawal(self, source, reason=None):
        """An opt-out or blacklisting made in Odoo for these members (``source``: a consent
        source, ``reason``: the opt-out reason given): marked for export, the subscribed
        ones shown as waiting and their withdrawal written in the consent history, and their
        audiences returned (whose withdrawal job the caller queues)."""
        if not self:
            return self.list_id
        self.write({"need_push": True})
        waiting = self.filtered(lambda b: b.status in UNSUBSCRIBABLE)
        if waiting:
            waiting.write({"withdrawal_waiting": True})
            waiting._record_odoo_consent(KIND_WITHDRAWN, source, reason)
        return waiting.list_id

    def _record_odoo_consent(self, state, source, reason=None):
        """A consent decision made in Odoo on these members, in the history (now, by the
        current user)."""
        now = fields.Datetime.now()
        self.env["mailchimp.consent"]._record(
            [
                {
                    "member": binding,
                    "state": state,
                    "status": binding.status,
                    "source": source,
                    "decided_at": now,
                    "user": self.env.user,
                    "reason": reason,
                }
                for binding in self
            ]
        )

    def _note_pending(self, member, user=None):
        """Mailchimp answered a double opt-in request (``member``: its answer): the binding
        follows, and the request goes in the consent history."""
        self.ensure_one()
        self.write(self._pending_values(member))
        self._record_pending(SOURCE_DOUBLE_OPT_IN, user)

    def _record_pending(self, source, user=None):
        """Mailchimp answered a double opt-in request: in the consent history."""
        self.env["mailchimp.consent"]._record(
            [
                {
                    "member": binding,
                    "state": KIND_PENDING,
                    "status": binding.status,
                    "source": source,
                    "decided_at": binding.last_changed,
                    "user": user,
                }
                for binding in self
                if binding.status == "pending"
            ]
        )

    def _request_opt_in(self, keep_list_opt_out=False):
        """A user's opt-in of these unsubscribed members: only a request, sent by the
        audience's next export (a double opt-in: Mailchimp emails the person, who confirms
        or not)."""
        if not self:
            return
        if keep_list_opt_out:
            self._keep_list_opt_out()
        self.sudo().write({"resubscribe_requested": True, "need_push": True})

    def _compute_consent_dates(self):
        given, withdrawn = {}, {}
        if self.ids:
            rows = self.env["mailchimp.consent"]._read_group(
                [("member_id", "in", self.ids)], ["member_id", "kind"], ["decided_at:max"]
            )
            for member, kind, when in rows:
                target = withdrawn if kind == "withdrawn" else given
                if kind in ("given", "confirmed", "withdrawn"):
                    target[member.id] = max(when, target.get(member.id) or when)
        for binding in self:
            binding.consent_given_at = given.get(binding.id, False)
            binding.consent_withdrawn_at = withdrawn.get(binding.id, False)
