# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A webhook delivery received from Mailchimp, waiting for (or done by) the job applying it.

The controller stores a delivery in one statement (``INSERT ... ON CONFLICT DO NOTHING`` on
its dedup key: a delivery Mailchimp retries is stored once) and queues the audience's job
when none waits; the job (``mailchimp.list._job_apply_webhooks``, whose body is this model's
``_apply_waiting``: models/mailchimp_webhook.py) applies the events. An event is a hint: the
job re-reads the member from Mailchimp and applies what Mailchimp says now.
"""

import json
import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.addons.queue_job.job import ENQUEUED, PENDING, WAIT_DEPENDENCIES
from odoo.tools import SQL

from ..services.erasure_rules import refused_dated
from ..services.identity import member_key
from .erasure_tools import erase_records, erased_at_by_key, scrub_fields

_logger = logging.getLogger(__name__)

#: the states of a job that has not started yet (queue_job's identity key covers these; its
#: partial index on identity_key too)
WAITING_JOB_STATES = (PENDING, ENQUEUED, WAIT_DEPENDENCIES)

#: days a handled event is kept (``mailchimp_connector.webhook_retention_days``)
DEFAULT_RETENTION_DAYS = 30

EVENT_TYPES = [
    ("subscribe", "Subscribe"),
    ("unsubscribe", "Unsubscribe"),
    ("profile", "Profile Update"),
    ("cleaned", "Cleaned"),
    ("upemail", "Address Change"),
    ("campaign", "Campaign Sent"),
]
EVENT_STATES = [
    ("received", "Received"),
    ("done", "Applied"),
    ("ignored", "Ignored"),
    ("failed", "Failed"),
]


class MailchimpWebhookEvent(models.Model):
    _name = "mailchimp.webhook.event"
    _description = "Mailchimp Webhook Event"
    _order = "id desc"

    list_id = fields.Many2one(
        "mailchimp.list",
        string="Audience",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    account_id = fields.Many2one(related="list_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="list_id.company_id", store=True, index=True)
    event_type = fields.Selection(EVENT_TYPES, string="Type", required=True, readonly=True)
    fired_at = fields.Datetime(readonly=True, help="When Mailchimp fired it (UTC).")
    email = fields.Char(readonly=True, help="The address the event is about (the new one).")
    old_email = fields.Char(readonly=True, help="Address changes: the previous address.")
    payload = fields.Text(readonly=True, help="The delivery as Mailchimp sent it (JSON).")
    dedup_key = fields.Char(readonly=True, copy=False, required=True)
    state = fields.Selection(
        EVENT_STATES, default="received", required=True, readonly=True, index=True
    )
    reason = fields.Char(readonly=True)
    date_done = fields.Datetime(string="Handled On", readonly=True)

    _sql_constraints = [
        ("dedup_key_uniq", "unique(dedup_key)", "This delivery is already stored."),
    ]

    @api.depends("event_type", "email", "fired_at")
    def _compute_display_name(self):
        """ "Unsubscribe: ana@example.org (2026-12-07 10:00:00)": what the breadcrumb and the
        links show instead of the model's technical name."""
        types = dict(self._fields["event_type"]._description_selection(self.env))
        for event in self:
            name = types.get(event.event_type) or self.env._("Webhook event")
            if event.email:
                name = f"{name}: {event.email}"
            if event.fired_at:
                name = f"{name} ({fields.Datetime.to_string(event.fired_at)})"
            event.display_name = name

    @api.model
    def _insert_delivery(self, audience_row, delivery, job_key):
        """Store ``delivery`` for the audience (a dict with id, mc_id, account_id,
        company_id) and tell whether the audience's job (identity key ``job_key``) is
        waiting, in one statement (no lock taken but the insert's). Returns (the new id, or
        None when the same delivery was stored before (a retry); job waiting). Rolls the
        transaction back when the same delivery is committed meanwhile: call it before
        anything is written in the transaction."""
        query = SQL(
            """WITH inserted AS (
                       INSERT INTO mailchimp_webhook_event
                           (list_id, account_id, company_id, event_type, fired_at, email,
                            old_email, payload, dedup_key, state, create_date, write_date)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'received',
                               (now() at time zone 'UTC'), (now() at time zone 'UTC'))
                       ON CONFLICT (dedup_key) DO NOTHING
                       RETURNING id
                   )
                   SELECT (SELECT id FROM inserted),
                          EXISTS (SELECT 1 FROM queue_job
                                   WHERE identity_key = %s AND state IN %s)""",
            audience_row["id"],
            audience_row["account_id"],
            audience_row["company_id"],
            delivery.type,
            delivery.fired_at,
            delivery.email or None,
            delivery.old_email or None,
            delivery.payload_json(),
            delivery.dedup_key(audience_row["id"]),
            job_key,
            WAITING_JOB_STATES,
        )
        try:
            self.env.cr.execute(query, log_exceptions=False)
        except psycopg2.errors.SerializationFailure:
            # the same delivery, received twice at once (a retry of Mailchimp's), was
            # committed by the other request after this transaction's snapshot: PostgreSQL
            # cannot tell "nothing to do" in this snapshot. The request has written nothing
            # yet: a new transaction sees the stored delivery (and inserts nothing). Not
            # Odoo's retry of the whole request: no error logged, no wait of up to a second.
            self.env.cr.rollback()
            self.env.cr.execute(query)
        event_id, job_waiting = self.env.cr.fetchone()
        return event_id, job_waiting

    def _payload_data(self):
        """The ``data`` of the delivery (a dict; {} when unreadable)."""
        self.ensure_one()
        try:
            payload = json.loads(self.payload or "{}")
        except ValueError:
            return {}
        if not isinstance(payload, dict):
            return {}
        return {k: v for k, v in payload.items() if k not in ("type", "fired_at")}

    def _mark(self, state, reason=False):
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE mailchimp_webhook_event SET state = %s, reason = %s, "
                "date_done = (now() at time zone 'UTC'), write_date = (now() at time zone 'UTC') "
                "WHERE id IN %s",
                state,
                reason or None,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["state", "reason", "date_done"])

    @api.model
    def _cron_webhook_maintenance(self):
        """Daily: delete the handled events older than the retention period, and queue the
        job of every audience that still has events waiting (a job lost with a crashed
        worker). Cheap SQL and enqueuing only."""
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("mailchimp_connector.webhook_retention_days", DEFAULT_RETENTION_DAYS)
        )
        self.env.cr.execute(
            SQL(
                "DELETE FROM mailchimp_webhook_event "
                "WHERE state != 'received' AND create_date < %s",
                fields.Datetime.now() - timedelta(days=max(days, 1)),
            )
        )
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT list_id FROM mailchimp_webhook_event "
                "WHERE state = 'received' AND create_date < %s",
                fields.Datetime.now() - timedelta(minutes=10),
            )
        )
        list_ids = [row[0] for row in self.env.cr.fetchall()]
        audiences = self.env["mailchimp.list"].sudo().browse(list_ids).exists()
        self._queue_jobs(audiences.filtered(lambda a: a.account_id.active))
        return True

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: the deliveries about these addresses (new or old address)."""
        self.flush_model(["email", "old_email"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM mailchimp_webhook_event "
                "WHERE lower(email) = ANY(%s) OR lower(old_email) = ANY(%s)",
                list(keys),
                list(keys),
            )
        )
        return erase_records(self.browse(row[0] for row in self.env.cr.fetchall()), preview)

    def _drop_erased(self):
        """Deliveries about an erased address fired before its erasure: old data, deleted
        unapplied (the erasure removed what they were about). Returns the others."""
        keys = {event.id: member_key(event.email or "") for event in self}
        erased = erased_at_by_key(self.env, keys.values())
        if not erased:
            return self
        old = self.filtered(lambda e: refused_dated(keys[e.id], e.fired_at, erased))
        old.sudo().unlink()
        return self - old


class MailchimpWebhookRejection(models.Model):
    """The deliveries an audience refused (its token matched, the body did not pass): one row
    per audience, a count with the last reason and time. Nothing else of a refused delivery
    is kept, so that a flood of them cannot grow the database."""

    _name = "mailchimp.webhook.rejection"
    _description = "Mailchimp Webhook Refused Deliveries"
    _log_access = False

    list_id = fields.Many2one(
        "mailchimp.list", string="Audience", required=True, ondelete="cascade", readonly=True
    )
    rejected_count = fields.Integer(string="Refused Deliveries", readonly=True)
    last_reason = fields.Char(string="Last Refusal", readonly=True)
    last_date = fields.Datetime(string="Last Refused On", readonly=True)

    _sql_constraints = [
        ("list_uniq", "unique(list_id)", "One count of refused deliveries per audience."),
    ]

    @api.depends("list_id")
    def _compute_display_name(self):
        for row in self:
            row.display_name = self.env._(
                "Refused deliveries of %(audience)s", audience=row.list_id.name or ""
            )

    @api.model
    def _count_rejection(self, list_id, reason):
        """Count one refused delivery of the audience ``list_id``: one upsert in a short
        transaction of its own, read committed (concurrent refusals wait for each other's
        single statement, never fail on a serialization error, and the request's own
        transaction takes no lock for it)."""
        query = SQL(
            """INSERT INTO mailchimp_webhook_rejection
                   (list_id, rejected_count, last_reason, last_date)
               VALUES (%s, 1, %s, (now() at time zone 'UTC'))
               ON CONFLICT (list_id) DO UPDATE
                  SET rejected_count = mailchimp_webhook_rejection.rejected_count + 1,
                      last_reason = EXCLUDED.last_reason,
                      last_date = EXCLUDED.last_date""",
            list_id,
            (reason or "")[:100],
        )
        if self.env.registry.in_test_mode():
            # HTTP tests: the test server shares the test's transaction
            self.env.cr.execute(query)
            return
        try:
            with self.env.registry.cursor() as cr:
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                cr.execute(query)
        except psycopg2.Error as exc:
            # the count is a courtesy: the delivery is refused all the same (the audience
            # deleted meanwhile, the database busy...), never answered 503 for it
            _logger.warning("Mailchimp webhook: a refused delivery was not counted: %s", exc)

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: a refusal's reason naming one of these addresses."""
        return scrub_fields(self, ["last_reason"], keys, preview)
