# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: the reception (a few queries a delivery) and the application of webhook events,
# one model's two halves; the delivery's rules are in services/webhook_rules.py.
"""Mailchimp -> Odoo in real time: the deliveries of the audiences' webhooks, received and
applied by ``mailchimp.webhook.event`` (the audience keeps the registration of its URL:
``models/mailchimp_list.py``).

- Reception (``controllers/main.py`` calls :meth:`MailchimpWebhookEventFlow._receive`): the
  token checked in constant time (:meth:`MailchimpWebhookEventFlow._audience_row`), the delivery
  validated (``services/webhook_rules.py``), stored once, the audience's job queued. Nothing
  else happens in the request.
- Application (:meth:`MailchimpWebhookEventFlow._apply_waiting`, the body of the audience's
  job ``_job_apply_webhooks``): an event is a hint. The job re-reads each member it names
  (one call per address, whatever the number of its events) and applies what Mailchimp says
  now through ``mailchimp.member.import._apply_member_page``: same rules, and late, repeated
  or out-of-order deliveries end in the state a full import gives. An address change
  re-keys the binding first. Many waiting events become one incremental member import
  instead of one call each.
"""

import hmac
import logging
import re

from psycopg2 import errors as pg_errors

from odoo import api, models
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tools import SQL

from ..services import mailchimp_errors as mce
from ..services.consent_rules import SOURCE_WEBHOOK
from ..services.identity import member_key, subscriber_hash
from ..services.mailchimp_campaigns import (
    CAMPAIGN_FIELDS,
)
from ..services.mailchimp_data import (
    MEMBER_FIELDS,
    delivery_campaign_id,
    delivery_new_email,
)
from ..services.webhook_rules import (
    MAX_BODY_BYTES,
    MEMBER_EVENTS,
    WEBHOOK_PATH,
    Rejected,
    parse_delivery,
    token_hash,
    token_shape_ok,
)
from .job_tools import delay, lock_audience_sync, retry_later
from .mailchimp_live import notify_live

_logger = logging.getLogger(__name__)

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


class MailchimpWebhookEventFlow(models.Model):
    """Reception and application of the webhook deliveries: the event model owns both, and
    only it writes its table. The audience keeps the registration (its URL and secret) and
    the entry point of the queue job (``mailchimp.list._job_apply_webhooks``), whose record
    it is; the job's body is :meth:`_apply_waiting`."""

    _inherit = "mailchimp.webhook.event"

    # ------------------------------------------------------------------
    # Reception (the controller's request: validate, store, queue; nothing else)
    # ------------------------------------------------------------------
    @api.model
    def _audience_row(self, token):
        """The active audience whose secret is ``token`` (constant-time compare), as a dict
        (id, mc_id, account_id, company_id), or None. One query."""
        if not token_shape_ok(token):
            return None
        audience = (
            self.env["mailchimp.list"]
            .sudo()
            .search_fetch(
                [
                    ("webhook_token_hash", "=", token_hash(token)),
                    ("active", "=", True),
                    ("account_id.active", "=", True),
                ],
                ["mc_id", "account_id", "company_id", "webhook_secret"],
                limit=1,
            )
        )
        if not audience or not hmac.compare_digest(
            (audience.webhook_secret or "").encode(), token.encode()
        ):
            return None
        return {
            "id": audience.id,
            "mc_id": audience.mc_id,
            "account_id": audience.account_id.id,
            "company_id": audience.company_id.id,
        }

    @api.model
    def _receive(self, token, method, content_type, content_length, pairs):
        """Handle one request to a webhook URL; returns (HTTP status, short text).
        ``pairs``: a callable returning the form pairs (read only once the token is valid)."""
        row = self._audience_row(token)
        if row is None:
            return 404, "Not Found"
        if method in ("GET", "HEAD"):
            return 200, "OK"  # Mailchimp's check of the URL
        if method != "POST":
            return 405, "Method Not Allowed"
        if content_length is not None and content_length > MAX_BODY_BYTES:
            return self._refuse(row, Rejected(413, "body too large"))
        if not content_length:
            return 200, "OK"  # an empty POST: Mailchimp's check of the URL
        if (content_type or "").split(";")[0].strip().lower() != FORM_CONTENT_TYPE:
            return self._refuse(row, Rejected(415, "not form-encoded"))
        try:
            delivery = parse_delivery(pairs(), row["mc_id"])
        except Rejected as exc:
            return self._refuse(row, exc)
        job_key = webhook_job_key(row["id"])
        try:
            event_id, job_waiting = self.sudo()._insert_delivery(row, delivery, job_key)
        except (pg_errors.DataError, ValueError):
            # a value the database refuses (validation should have caught it): nothing kept
            self.env.cr.rollback()
            return self._refuse(row, Rejected(400, "bad value"))
        if event_id and not job_waiting:
            # the audience's job is queued by the first delivery after it started: the ORM
            # and queue_job's machinery run once per job, not once per delivery
            self._queue_jobs(self.env["mailchimp.list"].browse(row["id"]))
        return 200, "OK"

    @api.model
    def _refuse(self, row, exc):
        """A delivery to the audience of ``row`` refused: counted (nothing else kept)."""
        _logger.warning(
            "Mailchimp webhook of audience %s refused (HTTP %s): %s",
            row["mc_id"],
            exc.status,
            exc.reason,
        )
        self.env["mailchimp.webhook.rejection"].sudo()._count_rejection(row["id"], exc.reason)
        return exc.status, exc.reason

    @api.model
    def _queue_jobs(self, audiences):
        """Queue the audience's event job unless one is already waiting."""
        for audience in audiences:
            delay(
                audience,
                self.env._("Mailchimp: apply the webhook events of %s", audience.name),
                webhook_job_key(audience.id),
            )._job_apply_webhooks()

    # ------------------------------------------------------------------
    # Application (the body of the audience's queue job)
    # ------------------------------------------------------------------
    @api.model
    def _apply_waiting(self, audience):
        """Apply the waiting events of ``audience`` (a batch; the rest in the next job): the
        body of its queue job (``mailchimp.list._job_apply_webhooks``)."""
        audience.ensure_one()
        lock_audience_sync(audience, "Another job of this audience runs")
        Event = self.sudo()
        events = Event.search(
            [("list_id", "=", audience.id), ("state", "=", "received")],
            order="id",
            limit=WEBHOOK_BATCH,
        )
        if not events:
            return "no event waiting"
        events = events._drop_erased()
        if not events:
            self._queue_jobs(audience)  # more may wait behind the ones dropped
            return "events of erased addresses dropped"
        _logger.debug(
            "job %s takes the webhook events %s of audience %s",
            self.env.context.get("job_uuid"),
            ",".join(map(str, events.ids)),
            audience.id,
        )
        account = audience.account_id
        if account.state != "connected":
            return "skipped: account not connected"
        client = account._get_client()
        note = ""
        # the audience's counts and its events list, on every open screen, at commit
        notify_live(events)
        audience._notify_live()
        try:
            member_events = events.filtered(lambda e: e.event_type in MEMBER_EVENTS)
            if member_events:
                waiting = Event.search_count(
                    [
                        ("list_id", "=", audience.id),
                        ("state", "=", "received"),
                        ("event_type", "in", MEMBER_EVENTS),
                    ]
                )
                if waiting > coalesce_threshold():
                    note = self._coalesce_member_events(audience, client)
                    # those fired after the end of the import's window: read one by one
                    member_events = member_events.filtered(lambda e: e.state == "received")
            upemails = events.filtered(lambda e: e.event_type == "upemail")
            for event in upemails:
                self._rekey(audience, event)
            counts = self._apply_member_events(audience, client, member_events | upemails)
            self._apply_campaign_events(
                audience, client, events.filtered(lambda e: e.event_type == "campaign")
            )
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            message = account._error_message(exc)
            events.filtered(lambda e: e.state == "received")._mark("failed", message[:250])
            _logger.warning("Mailchimp audience %s: webhook events failed: %s", audience.mc_id, exc)
            return f"failed: {exc}"
        # always a next job after a batch: more events may wait, and a delivery stored while
        # this job started (it saw this job still waiting, so queued none) may be invisible
        # to this job's snapshot; the next job sees it (or finds nothing and stops)
        self._queue_jobs(audience)
        return f"events applied: {len(events)} ({counts}){note}"

    def _coalesce_member_events(self, audience, client):
        """A burst: the waiting member events are covered by one incremental import. An
        import already running may have read its window before these changes: the events
        wait for it to end (then a new import covers them).

        The import reads the members changed before the end of its window (a second before
        Mailchimp's clock when it starts): only the events fired before it are covered. The
        window is fixed here (the audience read its first page would make), and the events
        fired later (their member changed in the window's last second, or after it) stay
        waiting, to be read one by one: marked covered, their change would be lost."""
        if self.env["mailchimp.sync.run"].sudo()._running_imports(audience):
            raise RetryableJobError(
                "A member import of this audience is running", seconds=5, ignore_retry=True
            )
        run = self.env["mailchimp.sync.run"]._start_imports(audience, full=False)[:1]
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
                audience.id,
                MEMBER_EVENTS,
                run.until,
            )
        )
        covered = self.env.cr.rowcount
        self.invalidate_model(["state", "reason", "date_done"])
        return f"; burst: {covered} {reason}"

    def _apply_member_events(self, audience, client, events):
        """Re-read each address the events name (once) and apply it like an import page;
        an address Mailchimp no longer has marks its binding deleted."""
        if not events:
            return {}
        addresses = list(dict.fromkeys(e.email for e in events if e.email))
        found, gone = [], []
        for email in addresses:
            try:
                found.append(client.member(audience.mc_id, email, fields=MEMBER_FIELDS))
            except mce.MailchimpNotFound:
                gone.append(email)
        kept_names = {}
        counts, problems = (
            self.env["mailchimp.member.import"]
            .with_context(mailchimp_consent_source=SOURCE_WEBHOOK)
            ._apply_member_page(audience, found, names_kept=kept_names)
        )
        failed = {member_key(address): reason for address, reason in problems}
        if gone:
            bindings = (
                self.env["mailchimp.member"]
                .sudo()
                .search(
                    [
                        ("list_id", "=", audience.id),
                        ("email_normalized", "in", gone),
                        ("status", "!=", "deleted"),
                    ]
                )
            )
            bindings.with_context(mailchimp_no_push=True)._mark_gone()
        gone_set = set(gone)
        for event in events:
            if event.email in failed:
                event._mark("failed", failed[event.email][:250])
            elif event.email in gone_set:
                event._mark("ignored", self.env._("not in Mailchimp any more"))
            elif event.event_type == "profile" and member_key(event.email) in kept_names:
                event._mark(
                    "done", self._name_kept_reason(audience, *kept_names[member_key(event.email)])
                )
            else:
                event._mark("done")
        return counts

    def _name_kept_reason(self, audience, odoo_name, mailchimp_name):
        """Why an applied profile event left the contact's name (the import's name rule said
        ``NAMES_NOT_OVERRIDDEN``: the account does not override contact names)."""
        return self.env._(
            "no change to the name: contact names are not overridden (option "
            '"Is Override Contact Name?" of account %(account)s is off); Odoo keeps '
            "%(odoo)s, Mailchimp says %(mailchimp)s",
            account=audience.account_id.name,
            odoo=odoo_name,
            mailchimp=mailchimp_name,
        )[:250]

    def _rekey(self, audience, event):
        """An address change: the binding (and its contact) moves from the old address to
        the new one, keeping its history; never a second binding for the new address."""
        Member = self.env["mailchimp.member"].sudo().with_context(mailchimp_no_push=True)
        old = Member.search(
            [("list_id", "=", audience.id), ("email_normalized", "=", event.old_email)], limit=1
        )
        if not old:
            return  # unknown here: the re-read of the new address imports it
        new = Member.search(
            [("list_id", "=", audience.id), ("email_normalized", "=", event.email)], limit=1
        )
        payload_new = (delivery_new_email(event._payload_data()) or event.email).strip()
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

    def _apply_campaign_events(self, audience, client, events):
        """A campaign was sent: refresh it (and queue its report)."""
        if not events:
            return
        Campaign = self.env["mailchimp.campaign"].sudo()
        account = audience.account_id
        for event in events:
            mc_id = delivery_campaign_id(event._payload_data())
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
