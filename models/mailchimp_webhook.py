# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mailchimp -> Odoo in real time: the webhook of each audience.

- Registration: the audience's URL ``<web.base.url>/mailchimp/webhook/<token>`` (the token a
  random secret, only its SHA-256 indexed) registered with ``POST /lists/{id}/webhooks``,
  the previous hook deleted first (one hook per audience); Disconnect unregisters.
- Reception (``controllers/main.py`` calls :meth:`_webhook_receive`): the token checked in
  constant time, the delivery validated (``services/webhook_rules.py``), stored once, the
  audience's job queued. Nothing else happens in the request.
- Application (:meth:`_job_apply_webhooks`): an event is a hint. The job re-reads each
  member it names (one call per address, whatever the number of its events) and applies
  what Mailchimp says now through the member import's ``_apply_member_page``: same rules,
  and late, repeated or out-of-order deliveries end in the state a full import gives. An
  address change re-keys the binding first. Many waiting events become one incremental
  member import instead of one call each.
"""

import hmac
import logging
import re

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tools import SQL

from ..services import mailchimp_errors as mce
from ..services.identity import member_key, subscriber_hash
from ..services.sync_rules import remote_names
from ..services.webhook_rules import (
    EVENT_TYPES,
    MAX_BODY_BYTES,
    MEMBER_EVENTS,
    Rejected,
    new_token,
    parse_delivery,
    token_hash,
    token_shape_ok,
    url_problem,
)
from .job_tools import delay, lock_audience_sync, mailchimp_job, retry_later
from .mailchimp_campaign import CAMPAIGN_FIELDS
from .mailchimp_live import notify_live
from .mailchimp_membership_mixin import MAILCHIMP_MANAGER_GROUP
from .mailchimp_sync_run import MEMBER_FIELDS
from .smart_buttons import related_action

_logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/mailchimp/webhook/"
#: events one job reads at most
WEBHOOK_BATCH = 200
#: more member events than this waiting for an audience: one incremental import instead
COALESCE_THRESHOLD = 100
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class _RedactWebhookToken(logging.Filter):
    """The access log (werkzeug's request line) never shows a webhook token."""

    _token = re.compile(r"(/mailchimp/webhook/)[A-Za-z0-9_\-]+")

    def filter(self, record):
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                self._token.sub(r"\1***", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        if isinstance(record.msg, str) and WEBHOOK_PATH in record.msg:
            record.msg = self._token.sub(r"\1***", record.msg)
        return True


_werkzeug_logger = logging.getLogger("werkzeug")
if not any(isinstance(f, _RedactWebhookToken) for f in _werkzeug_logger.filters):
    _werkzeug_logger.addFilter(_RedactWebhookToken())


def webhook_job_key(list_id):
    """The identity key of the event job of an audience (one waits at a time)."""
    return f"mailchimp-webhooks-{list_id}"


def coalesce_threshold():
    """Waiting member events above which one import replaces the reads (tests change it)."""
    return COALESCE_THRESHOLD


class MailchimpListWebhook(models.Model):
    _inherit = "mailchimp.list"

    webhook_secret = fields.Char(
        groups=MAILCHIMP_MANAGER_GROUP,
        copy=False,
        readonly=True,
        help="The secret part of the webhook URL (only Mailchimp and managers know it).",
    )
    webhook_token_hash = fields.Char(
        groups=MAILCHIMP_MANAGER_GROUP, copy=False, readonly=True, index=True
    )
    webhook_url = fields.Char(
        string="Webhook URL", compute="_compute_webhook_url", groups=MAILCHIMP_MANAGER_GROUP
    )
    webhook_mc_id = fields.Char(string="Mailchimp Webhook ID", readonly=True, copy=False)
    webhook_state = fields.Selection(
        [("none", "Not Registered"), ("registered", "Registered"), ("error", "Error")],
        default="none",
        required=True,
        readonly=True,
        copy=False,
    )
    webhook_error = fields.Text(readonly=True, copy=False)
    webhook_source_api = fields.Boolean(
        string="Webhook: changes made through the API",
        help="Also receive the changes made through Mailchimp's API (including this "
        "connector's own exports, which then come back as events and change nothing). Off by "
        "default. Takes effect at the next Generate Webhook URL.",
    )
    webhook_event_ids = fields.One2many("mailchimp.webhook.event", "list_id")
    webhook_last_event = fields.Datetime(
        string="Last Event Received", compute="_compute_webhook_stats"
    )
    webhook_received_count = fields.Integer(string="Waiting", compute="_compute_webhook_stats")
    webhook_done_count = fields.Integer(string="Applied", compute="_compute_webhook_stats")
    webhook_ignored_count = fields.Integer(string="Ignored", compute="_compute_webhook_stats")
    webhook_failed_count = fields.Integer(string="Failed", compute="_compute_webhook_stats")
    webhook_event_count = fields.Integer(string="Events", compute="_compute_webhook_stats")
    webhook_rejected_count = fields.Integer(
        string="Refused Deliveries",
        compute="_compute_webhook_rejections",
        groups=MAILCHIMP_MANAGER_GROUP,
        help="Deliveries to this audience's URL that were refused (malformed, too large, not "
        "a form): none is stored. A steady count means something other than Mailchimp "
        "posts to the URL (regenerate the secret) or Mailchimp changed its format.",
    )
    webhook_last_rejected_reason = fields.Char(
        string="Last Refusal",
        compute="_compute_webhook_rejections",
        groups=MAILCHIMP_MANAGER_GROUP,
        help="The reason code the last refused delivery was answered with.",
    )
    webhook_last_rejected_date = fields.Datetime(
        string="Last Refused On",
        compute="_compute_webhook_rejections",
        groups=MAILCHIMP_MANAGER_GROUP,
    )

    @api.depends("webhook_secret")
    def _compute_webhook_url(self):
        for audience in self:
            audience.webhook_url = audience._webhook_url() if audience.webhook_secret else False

    def _compute_webhook_stats(self):
        Event = self.env["mailchimp.webhook.event"].sudo()
        data = Event._read_group(
            [("list_id", "in", self.ids)], ["list_id", "state"], ["__count", "create_date:max"]
        )
        stats = {}
        for audience, state, count, last in data:
            entry = stats.setdefault(audience.id, {"last": False})
            entry[state] = count
            if last and (not entry["last"] or last > entry["last"]):
                entry["last"] = last
        for audience in self:
            entry = stats.get(audience.id, {"last": False})
            audience.webhook_last_event = entry["last"]
            audience.webhook_received_count = entry.get("received", 0)
            audience.webhook_done_count = entry.get("done", 0)
            audience.webhook_ignored_count = entry.get("ignored", 0)
            audience.webhook_failed_count = entry.get("failed", 0)
            audience.webhook_event_count = sum(
                entry.get(state, 0) for state in ("received", "done", "ignored", "failed")
            )

    def _compute_webhook_rejections(self):
        rows = self.env["mailchimp.webhook.rejection"].sudo().search([("list_id", "in", self.ids)])
        by_list = {row.list_id.id: row for row in rows}
        for audience in self:
            row = by_list.get(audience.id)
            audience.webhook_rejected_count = row.rejected_count if row else 0
            audience.webhook_last_rejected_reason = row.last_reason if row else False
            audience.webhook_last_rejected_date = row.last_date if row else False

    def action_view_webhook_events(self):
        return related_action(self, "action_mailchimp_webhook_event", "list_id")

    # ------------------------------------------------------------------
    # Secret and URL
    # ------------------------------------------------------------------
    def _webhook_url(self):
        self.ensure_one()
        base = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        return f"{base}{WEBHOOK_PATH}{self.sudo().webhook_secret}"

    def _set_webhook_secret(self):
        """A new secret per audience: the previous URL stops working at once."""
        for audience in self:
            token = new_token()
            audience.sudo().write(
                {"webhook_secret": token, "webhook_token_hash": token_hash(token)}
            )
        self.env.flush_all()

    def action_regenerate_webhook_secret(self):
        """Managers: a new secret; the webhook is registered again when it was."""
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        registered = self.filtered(lambda a: a.webhook_state == "registered")
        for audience in self:
            audience.message_post(
                body=self.env._("The webhook secret was replaced; the previous URL is refused.")
            )
        if registered:
            results = registered._register_webhooks(rotate=self)
            return registered._notify_webhook_results(results)
        self._in_own_transaction(lambda audiences: audiences._set_webhook_secret())
        return self._notification(
            self.env._("New webhook secret: register it with Generate Webhook URL."),
            kind="info",
        )

    # ------------------------------------------------------------------
    # Registration
    # ------------------------------------------------------------------
    def _webhook_body(self, url):
        self.ensure_one()
        return {
            "url": url,
            "events": dict.fromkeys(EVENT_TYPES, True),
            "sources": {"user": True, "admin": True, "api": bool(self.webhook_source_api)},
        }

    def _in_own_transaction(self, work):
        """Run ``work(audiences)`` in a transaction of its own, committed at its end (and
        after each ``commit`` it makes); return its result with records of ``self``'s env.

        Mailchimp checks a webhook URL (a GET from another connection to Odoo) while the
        registration is in flight: the secret must be committed by then. This transaction
        (repeatable read) would then conflict on the audience's row, so the registration is
        done entirely in the other one. Audiences this transaction created (not visible to
        another one yet: tests) are handled here."""
        self.env.flush_all()
        if not self or self.env.registry.in_test_mode():
            # HTTP tests: Odoo's test server shares this transaction (and its lock)
            return work(self)
        with self.env.registry.cursor() as cr:
            cr.execute("SELECT id FROM mailchimp_list WHERE id IN %s", (tuple(self.ids),))
            visible = {row[0] for row in cr.fetchall()}
            if visible != set(self.ids):
                return work(self)
            result = work(
                self.with_env(
                    self.env(cr=cr, context=dict(self.env.context, mailchimp_own_cr=True))
                )
            )
        self.invalidate_recordset()
        if isinstance(result, list):
            return [(self.browse(rec.id), *rest) for rec, *rest in result]
        return result

    def _register_webhooks(self, rotate=None):
        """Register each audience's webhook (replacing the previous one), in a transaction
        of its own (see :meth:`_in_own_transaction`); returns [(audience, ok, message)].
        A Mailchimp error is kept on the audience. ``rotate``: audiences that get a new
        secret first."""
        rotate_ids = set(rotate.ids) if rotate else set()
        return self._in_own_transaction(lambda audiences: audiences._do_register(rotate_ids))

    def _do_register(self, rotate_ids):
        results = []
        self.filtered(
            lambda a: a.id in rotate_ids or not a.sudo().webhook_secret
        )._set_webhook_secret()
        if self.env.context.get("mailchimp_own_cr"):
            # the secret must be visible to Mailchimp's check of the URL
            self.env.cr.commit()  # pylint: disable=invalid-commit
        for audience in self:
            sudo = audience.sudo()
            url = audience._webhook_url()
            client = audience.account_id._get_client()
            try:
                audience._delete_our_webhooks(client)
                hook = client.create_webhook(audience.mc_id, **audience._webhook_body(url))
            except mce.MailchimpError as exc:
                details = "; ".join(
                    str(err.get("message")) for err in exc.errors or () if isinstance(err, dict)
                )
                if isinstance(exc, mce.MailchimpInvalidResource):
                    message = self.env._(
                        "Mailchimp refused the webhook: %s", details or exc.detail or exc.title
                    )
                else:
                    message = audience.account_id._error_message(exc)
                _logger.warning(
                    "Mailchimp audience %s: webhook registration failed: %s", audience.mc_id, exc
                )
                sudo.write(
                    {"webhook_state": "error", "webhook_error": message, "webhook_mc_id": False}
                )
                results.append((audience, False, message))
                continue
            sudo.write(
                {
                    "webhook_state": "registered",
                    "webhook_error": False,
                    "webhook_mc_id": (hook or {}).get("id") or False,
                }
            )
            results.append((audience, True, self.env._("registered")))
        return results

    def _delete_our_webhooks(self, client):
        """Delete the audience's previous hook and any other hook calling this database's
        webhook path (an earlier secret): one hook per audience, never a pile."""
        self.ensure_one()
        base = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        ours = {self.webhook_mc_id} if self.webhook_mc_id else set()
        for hook in client.webhooks(self.mc_id):
            if (hook.get("url") or "").startswith(f"{base}{WEBHOOK_PATH}"):
                ours.add(hook.get("id"))
        for hook_id in sorted(filter(None, ours)):
            try:
                client.delete_webhook(self.mc_id, hook_id)
            except mce.MailchimpNotFound:
                continue

    def _unregister_webhooks(self):
        """Delete the registered hooks (Disconnect); errors are logged, never raised."""
        for audience in self.filtered("webhook_mc_id"):
            try:
                client = audience.account_id._get_client()
                audience._delete_our_webhooks(client)
            except mce.MailchimpError as exc:
                _logger.warning(
                    "Mailchimp audience %s: webhook not unregistered: %s", audience.mc_id, exc
                )
                audience.sudo().write(
                    {
                        "webhook_state": "error",
                        "webhook_error": audience.account_id._error_message(exc),
                    }
                )
                continue
            audience.sudo().write(
                {"webhook_state": "none", "webhook_mc_id": False, "webhook_error": False}
            )

    def _webhook_url_warning(self):
        """A translated warning when Mailchimp cannot reach this database's URL, or ""."""
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        problem = url_problem(base)
        if problem in ("localhost", "private"):
            return self.env._(
                "web.base.url is %s: a local or private address that Mailchimp cannot reach. "
                "Expose Odoo on a public https address and set web.base.url to it.",
                base,
            )
        if problem == "http":
            return self.env._(
                "web.base.url is %s (plain http): use a public https address in production.",
                base,
            )
        if problem == "invalid":
            return self.env._("web.base.url (%s) is not a valid URL.", base)
        return ""

    def _notify_webhook_results(self, results):
        lines = [
            f"{audience.name}: {message}" if ok else f"{audience.name}: ✗ {message}"
            for audience, ok, message in results
        ]
        warning = self.env["mailchimp.list"]._webhook_url_warning()
        if warning:
            lines.insert(0, warning)
        failed = any(not ok for _a, ok, _m in results)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Mailchimp webhooks"),
                "message": "\n".join(lines) or self.env._("No audience to register."),
                "type": "danger" if failed else ("warning" if warning else "success"),
                "sticky": failed or bool(warning),
            },
        }

    # ------------------------------------------------------------------
    # Reception (the controller's request: validate, store, queue; nothing else)
    # ------------------------------------------------------------------
    @api.model
    def _webhook_audience_row(self, token):
        """The active audience whose secret is ``token`` (constant-time compare), or None."""
        if not token_shape_ok(token):
            return None
        self.env.cr.execute(
            SQL(
                """SELECT l.id, l.mc_id, l.account_id, l.company_id, l.webhook_secret
                     FROM mailchimp_list l JOIN mailchimp_account a ON a.id = l.account_id
                    WHERE l.webhook_token_hash = %s AND l.active AND a.active
                    LIMIT 1""",
                token_hash(token),
            )
        )
        row = self.env.cr.dictfetchone()
        if not row or not hmac.compare_digest(
            (row["webhook_secret"] or "").encode(), token.encode()
        ):
            return None
        return row

    @api.model
    def _webhook_receive(self, token, method, content_type, content_length, pairs):
        """Handle one request to a webhook URL; returns (HTTP status, short text).
        ``pairs``: a callable returning the form pairs (read only once the token is valid)."""
        row = self._webhook_audience_row(token)
        if row is None:
            return 404, "Not Found"
        if method in ("GET", "HEAD"):
            return 200, "OK"  # Mailchimp's check of the URL
        if method != "POST":
            return 405, "Method Not Allowed"
        if content_length is not None and content_length > MAX_BODY_BYTES:
            return self._webhook_refuse(row, Rejected(413, "body too large"))
        if not content_length:
            return 200, "OK"  # an empty POST: Mailchimp's check of the URL
        if (content_type or "").split(";")[0].strip().lower() != FORM_CONTENT_TYPE:
            return self._webhook_refuse(row, Rejected(415, "not form-encoded"))
        try:
            delivery = parse_delivery(pairs(), row["mc_id"])
        except Rejected as exc:
            return self._webhook_refuse(row, exc)
        Event = self.env["mailchimp.webhook.event"].sudo()
        job_key = webhook_job_key(row["id"])
        try:
            event_id, job_waiting = Event._insert_delivery(row, delivery, job_key)
        except (pg_errors.DataError, ValueError):
            # a value the database refuses (validation should have caught it): nothing kept
            self.env.cr.rollback()
            return self._webhook_refuse(row, Rejected(400, "bad value"))
        if event_id and not job_waiting:
            # the audience's job is queued by the first delivery after it started: the ORM
            # and queue_job's machinery run once per job, not once per delivery
            self.browse(row["id"])._queue_webhook_job()
        return 200, "OK"

    @api.model
    def _webhook_refuse(self, row, exc):
        """A delivery to the audience of ``row`` refused: counted (nothing else kept)."""
        _logger.warning(
            "Mailchimp webhook of audience %s refused (HTTP %s): %s",
            row["mc_id"],
            exc.status,
            exc.reason,
        )
        self.env["mailchimp.webhook.rejection"].sudo()._count_rejection(row["id"], exc.reason)
        return exc.status, exc.reason

    def _queue_webhook_job(self):
        """Queue the audience's event job unless one is already waiting."""
        for audience in self:
            delay(
                audience,
                self.env._("Mailchimp: apply the webhook events of %s", audience.name),
                webhook_job_key(audience.id),
            )._job_apply_webhooks()

    # ------------------------------------------------------------------
    # Application (the job)
    # ------------------------------------------------------------------
    @mailchimp_job()
    def _job_apply_webhooks(self):
        """Apply the waiting events of the audience (a batch; the rest in the next job)."""
        self.ensure_one()
        lock_audience_sync(self, "Another job of this audience runs")
        Event = self.env["mailchimp.webhook.event"].sudo()
        events = Event.search(
            [("list_id", "=", self.id), ("state", "=", "received")],
            order="id",
            limit=WEBHOOK_BATCH,
        )
        if not events:
            return "no event waiting"
        _logger.debug(
            "job %s takes the webhook events %s of audience %s",
            self.env.context.get("job_uuid"),
            ",".join(map(str, events.ids)),
            self.id,
        )
        account = self.account_id
        if account.state != "connected":
            return "skipped: account not connected"
        client = account._get_client()
        note = ""
        # the audience's counts and its events list, on every open screen, at commit
        notify_live(events)
        self._notify_live()
        try:
            member_events = events.filtered(lambda e: e.event_type in MEMBER_EVENTS)
            if member_events:
                waiting = Event.search_count(
                    [
                        ("list_id", "=", self.id),
                        ("state", "=", "received"),
                        ("event_type", "in", MEMBER_EVENTS),
                    ]
                )
                if waiting > coalesce_threshold():
                    note = self._coalesce_member_events(client)
                    # those fired after the end of the import's window: read one by one
                    member_events = member_events.filtered(lambda e: e.state == "received")
            upemails = events.filtered(lambda e: e.event_type == "upemail")
            for event in upemails:
                self._webhook_rekey(event)
            counts = self._apply_member_events(client, member_events | upemails)
            self._apply_campaign_events(
                client, events.filtered(lambda e: e.event_type == "campaign")
            )
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            message = account._error_message(exc)
            events.filtered(lambda e: e.state == "received")._mark("failed", message[:250])
            _logger.warning("Mailchimp audience %s: webhook events failed: %s", self.mc_id, exc)
            return f"failed: {exc}"
        # always a next job after a batch: more events may wait, and a delivery stored while
        # this job started (it saw this job still waiting, so queued none) may be invisible
        # to this job's snapshot; the next job sees it (or finds nothing and stops)
        self._queue_webhook_job()
        return f"events applied: {len(events)} ({counts}){note}"

    def _coalesce_member_events(self, client):
        """A burst: the waiting member events are covered by one incremental import. An
        import already running may have read its window before these changes: the events
        wait for it to end (then a new import covers them).

        The import reads the members changed before the end of its window (a second before
        Mailchimp's clock when it starts): only the events fired before it are covered. The
        window is fixed here (the audience read its first page would make), and the events
        fired later (their member changed in the window's last second, or after it) stay
        waiting, to be read one by one: marked covered, their change would be lost."""
        if self.sudo()._running_member_imports():
            raise RetryableJobError(
                "A member import of this audience is running", seconds=5, ignore_retry=True
            )
        run = self._start_member_import(full=False)[:1]
        if not run.until:
            run._start(client)
        reason = self.env._("covered by member import #%s", run.id)
        self.env.cr.execute(
            SQL(
                "UPDATE mailchimp_webhook_event SET state = 'done', reason = %s, "
                "date_done = (now() at time zone 'UTC') "
                "WHERE list_id = %s AND state = 'received' AND event_type IN %s "
                "AND fired_at < %s",
                reason,
                self.id,
                MEMBER_EVENTS,
                run.until,
            )
        )
        covered = self.env.cr.rowcount
        self.env["mailchimp.webhook.event"].invalidate_model(["state", "reason", "date_done"])
        return f"; burst: {covered} {reason}"

    def _apply_member_events(self, client, events):
        """Re-read each address the events name (once) and apply it like an import page;
        an address Mailchimp no longer has marks its binding deleted."""
        if not events:
            return {}
        addresses = list(dict.fromkeys(e.email for e in events if e.email))
        found, gone = [], []
        for email in addresses:
            try:
                found.append(client.member(self.mc_id, email, fields=MEMBER_FIELDS))
            except mce.MailchimpNotFound:
                gone.append(email)
        counts, problems = self._apply_member_page(found)
        failed = {member_key(address): reason for address, reason in problems}
        if gone:
            bindings = (
                self.env["mailchimp.member"]
                .sudo()
                .search(
                    [
                        ("list_id", "=", self.id),
                        ("email_normalized", "in", gone),
                        ("status", "!=", "deleted"),
                    ]
                )
            )
            now = fields.Datetime.now()
            bindings.with_context(mailchimp_no_push=True)._mark_deleted(
                {
                    "last_changed": now,
                    "need_push": False,
                    "sync_error": self.env._("No longer in Mailchimp (deleted)."),
                }
            )
        gone_set = set(gone)
        kept_names = self._names_kept(found)
        for event in events:
            if event.email in failed:
                event._mark("failed", failed[event.email][:250])
            elif event.email in gone_set:
                event._mark("ignored", self.env._("not in Mailchimp any more"))
            elif event.event_type == "profile" and member_key(event.email) in kept_names:
                event._mark("done", kept_names[member_key(event.email)])
            else:
                event._mark("done")
        return counts

    def _names_kept(self, members):
        """{address: why}: the members whose name in Mailchimp differs from their Odoo
        contact's, which the import left as it is because the account does not override
        contact names: an event applied without changing the name says so."""
        account = self.account_id
        if account.override_contact_name or not members:
            return {}
        keys = {member_key(m.get("email_address")): m for m in members}
        bindings = (
            self.env["mailchimp.member"]
            .sudo()
            .search([("list_id", "=", self.id), ("email_normalized", "in", list(keys))])
        )
        kept = {}
        for binding in bindings:
            contact = binding.mailing_contact_id or binding.partner_id
            remote = keys.get(binding.email_normalized)
            if not contact or not remote:
                continue
            first, last = remote_names(remote)
            name = " ".join(part for part in (first, last) if part)
            if name and name != (contact.name or ""):
                kept[binding.email_normalized] = self.env._(
                    "no change to the name: contact names are not overridden (option "
                    '"Is Override Contact Name?" of account %(account)s is off); Odoo keeps '
                    "%(odoo)s, Mailchimp says %(mailchimp)s",
                    account=account.name,
                    odoo=contact.name or "",
                    mailchimp=name,
                )[:250]
        return kept

    def _webhook_rekey(self, event):
        """An address change: the binding (and its contact) moves from the old address to
        the new one, keeping its history; never a second binding for the new address."""
        Member = self.env["mailchimp.member"].sudo().with_context(mailchimp_no_push=True)
        old = Member.search(
            [("list_id", "=", self.id), ("email_normalized", "=", event.old_email)], limit=1
        )
        if not old:
            return  # unknown here: the re-read of the new address imports it
        new = Member.search(
            [("list_id", "=", self.id), ("email_normalized", "=", event.email)], limit=1
        )
        payload_new = (event._payload_data().get("new_email") or event.email).strip()
        contact = old.mailing_contact_id.with_context(mailchimp_no_push=True)
        if old.status == "deleted":
            # a read of the old address after the change (404) took it for a deletion: the
            # address change proves the member lives on; the re-read of the new address
            # decides its status
            old.write({"status": False, "status_changed": False, "sync_error": False})
        if new:
            # the new address was imported before the event: keep that binding, give it the
            # old one's history and contact, drop the old one
            self.env["mailchimp.campaign.activity"].sudo().search(
                [("member_id", "=", old.id)]
            ).write({"member_id": new.id})
            vals = {}
            if new.mailing_contact_id and new.mailing_contact_id != contact:
                # the import made a contact for the new address while this event waited: the
                # old contact keeps its address (moved too, it would be a second contact at
                # the new address)
                contact = contact.browse()
            if contact and not new.mailing_contact_id:
                vals["mailing_contact_id"] = contact.id
            if old.partner_id and not new.partner_id:
                vals["partner_id"] = old.partner_id.id
            if vals:
                new.write(vals)
            old.unlink()
        else:
            old.write(
                {
                    "email": payload_new,
                    "email_normalized": event.email,
                    "subscriber_hash": subscriber_hash(payload_new),
                }
            )
        if contact and member_key(contact.email) == event.old_email:
            contact.write({"email": payload_new})

    def _apply_campaign_events(self, client, events):
        """A campaign was sent: refresh it (and queue its report)."""
        if not events:
            return
        Campaign = self.env["mailchimp.campaign"].sudo()
        account = self.account_id
        for event in events:
            mc_id = event._payload_data().get("id")
            try:
                remote = client.campaign(mc_id, fields=CAMPAIGN_FIELDS)
            except mce.MailchimpNotFound:
                event._mark("ignored", self.env._("campaign not in Mailchimp any more"))
                continue
            campaign = Campaign._upsert(account, client, [remote])
            campaign._queue_reports()
            event._mark("done")


class MailchimpAccountWebhook(models.Model):
    _inherit = "mailchimp.account"

    def action_generate_webhook_urls(self):
        """Register (or replace) the webhook of every audience of the accounts."""
        self._check_manager()
        audiences = self.env["mailchimp.list"].search([("account_id", "in", self.ids)])
        results = audiences._register_webhooks()
        for account in self:
            lines = [
                f"{audience.name}: {message}"
                for audience, _ok, message in results
                if audience.account_id == account
            ]
            if lines:
                account.message_post(body=self.env._("Webhook registration: %s", "; ".join(lines)))
        return audiences._notify_webhook_results(results)

    def action_disconnect(self):
        self._check_manager()
        self.env["mailchimp.list"].sudo().search(
            [("account_id", "in", self.ids)]
        )._unregister_webhooks()
        return super().action_disconnect()
