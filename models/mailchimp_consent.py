# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The consent history (issue 26): one record per real change of an address's opt status on
an audience, written by the consent decisions through one method (:meth:`_record`), which
asks the pure rule (``services/consent_rules.py``'s ``consent_change``) whether the change
is real. Append-only: nobody writes or deletes a record through the ORM."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services.consent_rules import (
    KIND_CONFIRMED,
    KIND_GIVEN,
    KIND_PENDING,
    KIND_WITHDRAWN,
    SOURCE_BLACKLIST,
    SOURCE_DOUBLE_OPT_IN,
    SOURCE_ERASURE,
    SOURCE_EXPORT,
    SOURCE_IMPORT,
    SOURCE_OPT_OUT,
    SOURCE_PERSON,
    SOURCE_USER,
    SOURCE_WEBHOOK,
    consent_change,
)
from ..services.erasure_rules import anonymized
from .erasure_tools import erase_line, tombstone_hashes

#: the context key :meth:`MailchimpConsent._record` creates its records under
_RECORDING = "mailchimp_consent_recording"
#: the context key (with sudo) under which an erasure may anonymize records
ANONYMIZING = "mailchimp_consent_anonymizing"


class MailchimpConsent(models.Model):
    _name = "mailchimp.consent"
    _description = "Mailchimp Consent Record"
    _order = "decided_at desc, id desc"
    _rec_name = "email"

    list_id = fields.Many2one(
        "mailchimp.list", string="Audience", required=True, index=True, ondelete="cascade"
    )
    account_id = fields.Many2one(related="list_id.account_id", store=True)
    company_id = fields.Many2one(related="list_id.company_id", store=True, index=True)
    email = fields.Char(required=True, readonly=True)
    email_normalized = fields.Char(required=True, index=True, readonly=True)
    member_id = fields.Many2one("mailchimp.member", index=True, ondelete="set null", readonly=True)
    mailing_contact_id = fields.Many2one("mailing.contact", index=True, ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Contact", index=True, ondelete="set null")
    kind = fields.Selection(
        [
            (KIND_GIVEN, "Given"),
            (KIND_WITHDRAWN, "Withdrawn"),
            (KIND_PENDING, "Pending (double opt-in asked)"),
            (KIND_CONFIRMED, "Confirmed"),
        ],
        required=True,
        readonly=True,
    )
    status = fields.Char(
        string="Mailchimp Status", readonly=True, help="The member's status after the change."
    )
    decided_at = fields.Datetime(
        string="When",
        required=True,
        readonly=True,
        help="When the decision was made: Mailchimp's own time where it has one "
        "(timestamp_opt, last_changed, a webhook's fired_at), else Odoo's.",
    )
    source = fields.Selection(
        [
            (SOURCE_IMPORT, "Mailchimp (import)"),
            (SOURCE_WEBHOOK, "Mailchimp (webhook)"),
            (SOURCE_USER, "Odoo user"),
            (SOURCE_PERSON, "The person in Odoo"),
            (SOURCE_OPT_OUT, "Odoo opt-out"),
            (SOURCE_BLACKLIST, "Odoo blacklist"),
            (SOURCE_EXPORT, "Export to Mailchimp"),
            (SOURCE_DOUBLE_OPT_IN, "Double opt-in request"),
            (SOURCE_ERASURE, "Erasure"),
        ],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one("res.users", string="Odoo User", readonly=True)
    reason = fields.Char(
        readonly=True,
        help="Mailchimp's unsubscribe reason, or the opt-out reason given in Odoo.",
    )
    ip_signup = fields.Char(string="Sign-up IP", readonly=True)
    ip_opt = fields.Char(string="Opt-in IP", readonly=True)
    timestamp_signup = fields.Datetime(string="Signed Up At", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get(_RECORDING):
            raise UserError(self.env._("The consent history is written by the connector only."))
        return super().create(vals_list)

    def write(self, vals):
        # append-only: only an anonymization (the erasure of a person's data: sudo, with
        # the context key ANONYMIZING) may rewrite a record, never a decision
        if not (self.env.su and self.env.context.get(ANONYMIZING)):
            raise UserError(self.env._("The consent history cannot be changed: it is append-only."))
        return super().write(vals)

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: the records of these addresses keep the fact (which audience,
        what was decided, when, from where, by which Odoo user) and lose the person: the
        address masked, its key replaced by the tombstone's keyed hash, the proof's IP
        addresses and Mailchimp's free-text reason dropped, the links to the member,
        contact and partner cut."""
        records = self.search([("email_normalized", "in", list(keys))])
        if not records:
            return []
        line = erase_line(records, preview, "anonymize_consent")
        if not preview:
            hashes = {key: value for value, key in tombstone_hashes(self.env, keys).items()}
            anonymizing = self.sudo().with_context(**{ANONYMIZING: True})
            for record in anonymizing.browse(records.ids):
                record.write(
                    {
                        "email": anonymized(record.email_normalized),
                        "email_normalized": hashes.get(record.email_normalized) or "erased",
                        "ip_signup": False,
                        "ip_opt": False,
                        "reason": False,
                        "member_id": False,
                        "mailing_contact_id": False,
                        "partner_id": False,
                    }
                )
        return [line]

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The consent history cannot be deleted: it is append-only."))

    @api.model
    def _last_kinds(self, pairs):
        """{(audience id, member key): kind of its newest record} for ``pairs``: one query."""
        if not pairs:
            return {}
        audiences = list({audience for audience, _key in pairs})
        keys = list({key for _audience, key in pairs})
        self.flush_model()
        self.env.cr.execute(
            """SELECT DISTINCT ON (list_id, email_normalized) list_id, email_normalized, kind
                 FROM mailchimp_consent
                WHERE list_id = ANY(%s) AND email_normalized = ANY(%s)
             ORDER BY list_id, email_normalized, id DESC""",
            (audiences, keys),
        )
        return {(row[0], row[1]): row[2] for row in self.env.cr.fetchall()}

    @api.model
    def _record(self, changes):
        """The one writer of the history. ``changes``: dicts with ``member`` (a binding),
        ``state`` (``consent_state`` of the opt status now), ``source``, ``decided_at`` and
        optionally ``new_decision``, ``reason``, ``user`` (a res.users), ``status`` and the
        proof (``ip_signup``, ``ip_opt``, ``timestamp_signup``). A change that is no change
        (``consent_change`` says None) writes nothing. Returns the records written."""
        changes = [change for change in changes if change.get("state") and change["member"]]
        if not changes:
            return self.browse()
        last = self._last_kinds(
            {(c["member"].list_id.id, c["member"].email_normalized) for c in changes}
        )
        vals_list = []
        for change in changes:
            member = change["member"]
            key = (member.list_id.id, member.email_normalized)
            kind = consent_change(last.get(key), change["state"], change.get("new_decision"))
            if not kind:
                continue
            last[key] = kind
            user = change.get("user")
            vals_list.append(
                {
                    "list_id": member.list_id.id,
                    "email": member.email,
                    "email_normalized": member.email_normalized,
                    "member_id": member.id,
                    "mailing_contact_id": member.mailing_contact_id.id,
                    "partner_id": member.partner_id.id,
                    "kind": kind,
                    "status": change.get("status") or False,
                    "decided_at": change.get("decided_at") or fields.Datetime.now(),
                    "source": change["source"],
                    "user_id": user.id if user and not user._is_superuser() else False,
                    "reason": (change.get("reason") or "")[:255] or False,
                    "ip_signup": change.get("ip_signup") or False,
                    "ip_opt": change.get("ip_opt") or False,
                    "timestamp_signup": change.get("timestamp_signup") or False,
                }
            )
        if not vals_list:
            return self.browse()
        return self.sudo().with_context(**{_RECORDING: True}).create(vals_list)
