# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: the segment record and its one flow (the sync job: the selection read, the people
# not in the audience pushed first, the membership read and the difference sent), its
# buttons and its cron; the rules are in services/segment_rules.py.
"""An Odoo selection kept as a Mailchimp static segment (``mailchimp.segment``).

A segment selects mailing contacts or partners with a domain; its sync (``_job_sync``, one
job per segment: Sync Now, or the daily cron at 05:00 UTC) leaves the static segment of its
audience with exactly the selected addresses that are members a campaign may reach
(subscribed or pending). Selected people not in the audience are exported first when the
audience pushes new records (the export's own rules: never a re-subscription), else skipped
with the reason. The difference is computed by ``services/segment_rules.plan_segment``.
"""

import ast
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..services import mailchimp_errors as mce
from ..services import segment_rules as sr
from ..services.identity import member_key
from ..services.mailchimp_data import (
    SEGMENT_MEMBER_FIELDS,
    segment_answer,
    segment_body,
    segment_member_keys,
    segment_members_body,
    segment_values,
)
from ..services.push_rules import contact_email
from .erasure_tools import scrub_fields
from .job_tools import delay, lock_audience_sync, mailchimp_job, retry_later
from .mailchimp_audit_log import audit
from .mailchimp_list import PUSH_JOB_SIZE
from .smart_buttons import related_action
from .ui_text import count_text, notification

_logger = logging.getLogger(__name__)

SEGMENT_MODELS = [("mailing.contact", "Mailing Contacts"), ("res.partner", "Contacts")]
SEGMENT_STATES = [
    ("pending", "Pending"),
    ("syncing", "Syncing"),
    ("synced", "Synced"),
    ("error", "Error"),
]
#: the fields whose change makes the segment wait for its next sync
SELECTION_FIELDS = ("model_name", "domain", "list_id", "name")


def skip_reason_text(env, reason):
    """A segment_rules skip reason as a translated phrase."""
    texts = {
        sr.SKIP_NO_EMAIL: lambda: env._("no valid email address"),
        sr.SKIP_NOT_IN_AUDIENCE: lambda: env._("not in the audience"),
        sr.SKIP_WAITING_EXPORT: lambda: env._("waiting for its export to the audience"),
        sr.SKIP_UNSUBSCRIBED: lambda: env._("unsubscribed"),
        sr.SKIP_CLEANED: lambda: env._("cleaned (bounced)"),
        sr.SKIP_ARCHIVED: lambda: env._("archived in Mailchimp"),
        sr.SKIP_DELETED: lambda: env._("permanently deleted in Mailchimp"),
        sr.SKIP_TRANSACTIONAL: lambda: env._("transactional only"),
        sr.SKIP_REFUSED: lambda: env._("refused by Mailchimp"),
    }
    text = texts.get(reason)
    return text() if text else reason


class MailchimpSegment(models.Model):
    _name = "mailchimp.segment"
    _inherit = ["mailchimp.live.mixin"]
    _description = "Mailchimp Segment"
    _order = "name, id"

    name = fields.Char(
        required=True, help="The segment's (tag's) name in Mailchimp: unique in its audience."
    )
    active = fields.Boolean(
        default=True,
        help="An archived segment is no longer synced; its Mailchimp segment stays (Delete "
        "in Mailchimp removes it).",
    )
    list_id = fields.Many2one(
        "mailchimp.list", string="Audience", required=True, ondelete="cascade", index=True
    )
    account_id = fields.Many2one(
        related="list_id.account_id", store=True, index=True, string="Account"
    )
    company_id = fields.Many2one(related="list_id.company_id", store=True, index=True)
    model_name = fields.Selection(
        SEGMENT_MODELS,
        string="Selects",
        required=True,
        default="mailing.contact",
        help="What the domain selects: mailing contacts, or contacts (partners; a child "
        "contact without an address is reached at its parent's).",
    )
    domain = fields.Char(default="[]", required=True, help="The records the segment holds.")
    mc_segment_id = fields.Char(string="Mailchimp Segment ID", readonly=True, copy=False)
    mc_name = fields.Char(string="Name in Mailchimp", readonly=True, copy=False)
    state = fields.Selection(
        SEGMENT_STATES, default="pending", required=True, readonly=True, copy=False
    )
    last_error = fields.Text(readonly=True, copy=False, help="Mailchimp's words.")
    last_sync_date = fields.Datetime(string="Last Sync", readonly=True, copy=False)
    matched_count = fields.Integer(
        string="Matched in Odoo", readonly=True, copy=False, help="Records the domain selects."
    )
    member_count = fields.Integer(
        string="In the Segment",
        readonly=True,
        copy=False,
        help="Members the Mailchimp segment holds after the last sync.",
    )
    skipped_count = fields.Integer(
        string="Skipped", readonly=True, copy=False, help="Selected but not in the segment."
    )
    skipped_summary = fields.Text(string="Skipped Because", readonly=True, copy=False)
    member_ids = fields.Many2many(
        "mailchimp.member",
        "mailchimp_segment_member_rel",
        "segment_id",
        "member_id",
        string="Members",
        readonly=True,
        copy=False,
    )
    skip_ids = fields.One2many("mailchimp.segment.skip", "segment_id", string="Skipped Addresses")

    _sql_constraints = [
        (
            "mc_segment_uniq",
            "unique(list_id, mc_segment_id)",
            "Another segment of this audience is kept in the same Mailchimp segment.",
        ),
    ]

    @api.constrains("domain", "model_name")
    def _check_domain(self):
        for segment in self:
            try:
                segment._selection_domain()
            except (ValueError, SyntaxError, TypeError) as exc:
                raise ValidationError(
                    self.env._(
                        "The domain of segment %(name)s is not valid: %(error)s",
                        name=segment.name,
                        error=exc,
                    )
                ) from None

    def write(self, vals):
        if any(key in vals for key in SELECTION_FIELDS) and "state" not in vals:
            vals = dict(vals, state="pending")
        if "list_id" in vals:
            moved = self.filtered(lambda s: s.list_id.id != vals["list_id"])
            if moved:
                # the Mailchimp segment belongs to the old audience: a new one is made
                super(MailchimpSegment, moved).write(
                    {"mc_segment_id": False, "mc_name": False, "member_ids": [(5,)]}
                )
        return super().write(vals)

    # ------------------------------------------------------------------ the selection
    def _selection_domain(self):
        self.ensure_one()
        domain = ast.literal_eval(self.domain or "[]")
        if not isinstance(domain, list):
            raise ValueError(self.env._("a domain is a list"))
        if self.model_name == "res.partner":
            # the partners of the segment's company and those shared by all companies
            company = [("company_id", "in", [False, self.company_id.id])]
            domain = ["&", *company, *domain] if domain else company
        return domain

    def _selected(self):
        """The selected records (sudo: the segment's own company for partners) and the
        member key of each ({record id: key}, '' without a valid address)."""
        self.ensure_one()
        Model = self.env[self.model_name].sudo()
        records = Model.search_fetch(self._selection_domain(), ["email"], order="id")
        if self.model_name == "res.partner":
            records.fetch(["parent_id"])
            records.parent_id.fetch(["email"])
            keys = {p.id: member_key(contact_email(p.email, p.parent_id.email)) for p in records}
        else:
            keys = {c.id: member_key(c.email) for c in records}
        return records, keys

    def _bindings(self, keys):
        """{key: (status, waiting for its first export)} of the audience's bindings of
        these member keys (one query)."""
        self.env["mailchimp.member"].flush_model(["list_id", "email_normalized", "status"])
        self.env.cr.execute(
            SQL(
                "SELECT email_normalized, status, need_push FROM mailchimp_member "
                "WHERE list_id = %s AND email_normalized = ANY(%s)",
                self.list_id.id,
                list(keys),
            )
        )
        return {key: (status, need) for key, status, need in self.env.cr.fetchall()}

    def _push_first(self, records, keys, bindings, client):
        """Export the selected people who are not in the audience, with the export's rules,
        when the audience pushes new records. Returns True when some are left for the next
        job (at most PUSH_JOB_SIZE a job)."""
        audience = self.list_id
        opts = audience._push_options()
        if not (opts.push_contacts and opts.push_new):
            return False
        missing = {k for k in set(keys.values()) if k and not (bindings.get(k) or (None,))[0]}
        if not missing:
            return False
        records = records.filtered(lambda r: keys[r.id] in missing)
        field = "contacts" if self.model_name == "mailing.contact" else "partners"
        audience._bind_for_push(**{field: records}, only_new=True)
        Member = self.env["mailchimp.member"].sudo()
        waiting = Member.search(
            [
                ("list_id", "=", audience.id),
                ("email_normalized", "in", list(missing)),
                ("need_push", "=", True),
            ],
            order="id",
        )
        if waiting:
            self.env["mailchimp.member.export"].sudo()._push(
                waiting[:PUSH_JOB_SIZE], client, opts, audience._mapping_dict()
            )
        return len(waiting) > PUSH_JOB_SIZE

    # ------------------------------------------------------------------ Mailchimp's side
    def _remote_segment(self, client):
        """(the Mailchimp segment's id, whether it was just created (empty)): created when
        there is none (or it was deleted in Mailchimp), renamed when the name changed in
        Odoo."""
        audience_id = self.list_id.mc_id
        if self.mc_segment_id:
            try:
                if self.mc_name != self.name:
                    self.write(
                        segment_values(
                            client.rename_segment(audience_id, self.mc_segment_id, self.name)
                        )
                    )
                return self.mc_segment_id, False
            except mce.MailchimpNotFound:
                _logger.info("segment %s: gone from Mailchimp, made again", self.mc_segment_id)
        self.write(segment_values(client.create_segment(audience_id, segment_body(self.name))))
        return self.mc_segment_id, True

    def _remote_members(self, client, segment_id):
        keys = set()
        for page in client.segment_members_pages(
            self.list_id.mc_id, segment_id, fields=SEGMENT_MEMBER_FIELDS
        ):
            keys.update(segment_member_keys(page))
        return keys

    def _send(self, client, segment_id, plan):
        """The plan's calls; returns (members now in the segment, refused: {key: words})."""
        members = set(plan.target)
        refused = {}
        for adds, removes in sr.segment_calls(plan.to_add, plan.to_remove):
            answer = client.update_segment_members(
                self.list_id.mc_id, segment_id, segment_members_body(adds, removes)
            )
            _added, _removed, errors = segment_answer(answer)
            adds = set(adds)
            for key, words in errors.items():
                if key in adds:
                    refused[key] = words
                    members.discard(key)
                else:
                    _logger.info("segment %s: %s not removed: %s", self.id, key, words)
        return members, refused

    # ------------------------------------------------------------------ the record
    def _record_sync(self, selected, plan, members, refused):
        """Counts, skipped addresses, the members linked, the state: the sync's outcome."""
        skipped = dict(plan.skipped)
        skipped.update(dict.fromkeys(refused, sr.SKIP_REFUSED))
        counts = sr.skipped_counts(skipped, plan.no_email)
        summary = "\n".join(
            f"{count_text(self.env, n)} {skip_reason_text(self.env, reason)}"
            for reason, n in counts.items()
        )
        self.env["mailchimp.segment.skip"]._replace_for(self, skipped, refused)
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM mailchimp_segment_member_rel WHERE segment_id = %s", self.id))
        if members:
            cr.execute(
                SQL(
                    "INSERT INTO mailchimp_segment_member_rel (segment_id, member_id) "
                    "SELECT %s, id FROM mailchimp_member "
                    "WHERE list_id = %s AND email_normalized = ANY(%s)",
                    self.id,
                    self.list_id.id,
                    list(members),
                )
            )
        self.invalidate_recordset(["member_ids", "skip_ids"])
        self.env["mailchimp.segment.skip"].invalidate_model()
        self.write(
            {
                "state": "synced",
                "last_error": False,
                "last_sync_date": fields.Datetime.now(),
                "matched_count": selected,
                "member_count": len(members),
                "skipped_count": sum(counts.values()),
                "skipped_summary": summary or False,
            }
        )

    # ------------------------------------------------------------------ the job
    def _queue_sync(self):
        """One sync job per segment (a segment already waiting is not queued twice)."""
        for segment in self:
            delay(
                segment,
                self.env._("Mailchimp: sync segment %s", segment.name),
                f"mailchimp-segment-{segment.id}",
            )._job_sync()
        self.filtered(lambda s: s.state != "syncing").write({"state": "syncing"})
        return self

    @mailchimp_job()
    def _job_sync(self):
        """Make the Mailchimp static segment hold exactly the selected members (see the
        module's docstring). Under the audience's lock: it reads and may create bindings."""
        self.ensure_one()
        if not self.active or not self.list_id.active:
            return "skipped: segment or audience archived"
        audience = self.list_id
        lock_audience_sync(audience, "Another job of this audience runs")
        client = self.account_id._get_client()
        try:
            records, keys = self._selected()
            bindings = self._bindings({k for k in keys.values() if k})
            if self._push_first(records, keys, bindings, client):
                self._queue_sync()
                return "exported part of the selection; the sync goes on in the next job"
            bindings = self._bindings({k for k in keys.values() if k})
            segment_id, created = self._remote_segment(client)
            try:
                current = set() if created else self._remote_members(client, segment_id)
            except mce.MailchimpNotFound:
                # deleted in Mailchimp meanwhile: made again
                self.write({"mc_segment_id": False, "mc_name": False})
                segment_id, _created = self._remote_segment(client)
                current = set()
            plan = sr.plan_segment(
                list(dict.fromkeys(keys.values())),
                {k: status for k, (status, _need) in bindings.items()},
                current,
                waiting={k for k, (status, need) in bindings.items() if need and not status},
            )
            members, refused = self._send(client, segment_id, plan)
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except (mce.MailchimpError, UserError) as exc:
            # Mailchimp's refusal in its words; a field mapping the export cannot use
            message = (
                self.account_id._error_message(exc)
                if isinstance(exc, mce.MailchimpError)
                else str(exc)
            )
            self.write({"state": "error", "last_error": message})
            _logger.warning("Mailchimp segment %s (%s): sync failed: %s", self.id, self.name, exc)
            audit(
                self.env,
                "segment_sync",
                self.env._("Segment %(name)s: sync failed", name=self.name),
                record=self,
                counts=(0, 1),
            )
            return f"failed: {exc}"
        self._record_sync(len(records), plan, members, refused)
        audit(
            self.env,
            "segment_sync",
            self.env._(
                "Segment %(name)s: %(added)s added, %(removed)s removed, %(refused)s refused",
                name=self.name,
                added=len(plan.to_add),
                removed=len(plan.to_remove),
                refused=len(refused),
            ),
            record=self,
            counts=(len(plan.to_add) + len(plan.to_remove), len(refused)),
        )
        return (
            f"{len(plan.to_add)} added, {len(plan.to_remove)} removed, "
            f"{len(refused)} refused, {len(plan.skipped) + plan.no_email} skipped"
        )

    @api.model
    def _cron_sync_segments(self):
        """Daily (05:00 UTC): one sync job per active segment of every connected account.
        Only enqueues."""
        segments = self.search(
            [
                ("list_id.active", "=", True),
                ("account_id.active", "=", True),
                ("account_id.state", "=", "connected"),
            ]
        )
        segments._queue_sync()
        return len(segments)

    # ------------------------------------------------------------------ buttons
    def action_sync_now(self):
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        segments = self.filtered("active")
        segments.sudo()._queue_sync()
        return notification(
            self.env._("Mailchimp"),
            self.env._("Sync queued for %s.", ", ".join(segments.mapped("name")))
            if segments
            else self.env._("Archived segments are not synced."),
            kind="success" if segments else "warning",
        )

    def action_delete_in_mailchimp(self):
        """Delete the Mailchimp segment (its members stay in the audience); the Odoo segment
        stays, to be synced again (a new Mailchimp segment) or archived."""
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        for segment in self.sudo().filtered("mc_segment_id"):
            client = segment.account_id._get_client()
            try:
                client.delete_segment(segment.list_id.mc_id, segment.mc_segment_id)
            except mce.MailchimpNotFound:
                # already gone: the state asked for
                _logger.info("segment %s: already deleted in Mailchimp", segment.mc_segment_id)
            except mce.MailchimpError as exc:
                raise UserError(segment.account_id._error_message(exc)) from None
            segment.write(
                {
                    "mc_segment_id": False,
                    "mc_name": False,
                    "member_ids": [(5,)],
                    "member_count": 0,
                    "state": "pending",
                    "last_error": False,
                }
            )
        return True

    def action_view_members(self):
        return related_action(self, "action_mailchimp_member", "segment_ids")

    def action_view_skipped(self):
        return related_action(self, "action_mailchimp_segment_skip", "segment_id")

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: a sync's words naming one of these addresses."""
        return scrub_fields(self, ["last_error", "skipped_summary"], keys, preview)
