# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mailchimp campaigns, their reports and the per-recipient activity fetch.

A sent campaign's report (``GET /reports/{id}``) is fetched every hour until
``campaign_report_days`` after its send time, plus once after that window closes (the final
figures); then it is never polled again. Each report fetch reads the recipients' activity
(``/email-activity``, only what happened since the previous complete read, then
``/unsubscribed``) one page per queue job, the campaign row holding the checkpoint.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import mailchimp_errors as mce
from ..services.sync_rules import format_mc_datetime, parse_mc_datetime
from .job_tools import delay, lock_for_job, mailchimp_job, retry_later

_logger = logging.getLogger(__name__)

PAGE_SIZE = 1000
#: how far back an incremental activity read starts before the previous watermark
ACTIVITY_OVERLAP = timedelta(minutes=5)

STATUSES = [
    ("save", "Draft"),
    ("paused", "Paused"),
    ("schedule", "Scheduled"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("canceling", "Canceling"),
    ("canceled", "Canceled"),
    ("archived", "Archived"),
]
#: statuses that can still change by themselves: refreshed every hour
OPEN_STATUSES = ("save", "paused", "schedule", "sending", "canceling")
#: only sent campaigns have a report worth polling
REPORT_STATUSES = ("sent",)

CAMPAIGN_FIELDS = (
    "id",
    "web_id",
    "type",
    "status",
    "create_time",
    "send_time",
    "emails_sent",
    "archive_url",
    "recipients.list_id",
    "settings.title",
    "settings.subject_line",
    "settings.preview_text",
    "settings.from_name",
    "settings.reply_to",
    "settings.template_id",
    "report_summary",
)
REPORT_FIELDS = (
    "id",
    "emails_sent",
    "abuse_reports",
    "unsubscribed",
    "send_time",
    "bounces",
    "opens",
    "clicks",
)
#: phases of an activity read, in order, with their endpoint and item key
ACTIVITY_PHASES = {
    "activity": ("email-activity", "emails"),
    "unsubscribed": ("unsubscribed", "unsubscribes"),
}


def _fields_param(key, names):
    return ",".join([f"{key}.{name}" for name in names] + ["total_items"])


class MailchimpCampaign(models.Model):
    _name = "mailchimp.campaign"
    _description = "Mailchimp Campaign"
    _inherit = ["mail.thread"]
    _order = "send_time desc, id desc"

    name = fields.Char(string="Title", required=True)
    mc_id = fields.Char(string="Mailchimp ID", required=True, readonly=True, copy=False)
    web_id = fields.Char(string="Web ID", readonly=True, copy=False)
    account_id = fields.Many2one(
        "mailchimp.account", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    subject = fields.Char(readonly=True)
    preview_text = fields.Char(readonly=True)
    from_name = fields.Char(readonly=True)
    reply_to = fields.Char(string="Reply-To", readonly=True)
    campaign_type = fields.Selection(
        [
            ("regular", "Regular"),
            ("plaintext", "Plain Text"),
            ("absplit", "A/B Split"),
            ("rss", "RSS"),
            ("variate", "Multivariate"),
        ],
        string="Type",
        readonly=True,
    )
    status = fields.Selection(STATUSES, readonly=True, index=True, tracking=True)
    list_id = fields.Many2one(
        "mailchimp.list", string="Audience", ondelete="set null", index=True, readonly=True
    )
    template_id = fields.Many2one(
        "mailchimp.template", ondelete="set null", index=True, readonly=True
    )
    mailing_id = fields.Many2one(
        "mailing.mailing",
        string="Odoo Mailing",
        ondelete="set null",
        help="The Odoo mailing this campaign represents, if any.",
    )
    create_time = fields.Datetime(string="Created (Mailchimp)", readonly=True)
    send_time = fields.Datetime(readonly=True, index=True)
    archive_url = fields.Char(string="Archive URL", readonly=True)

    # report figures
    emails_sent = fields.Integer(readonly=True)
    opens_total = fields.Integer(string="Opens", readonly=True)
    unique_opens = fields.Integer(readonly=True)
    open_rate = fields.Float(readonly=True, digits=(16, 4), help="Unique opens / delivered")
    clicks_total = fields.Integer(string="Clicks", readonly=True)
    unique_clicks = fields.Integer(readonly=True)
    unique_subscriber_clicks = fields.Integer(readonly=True)
    click_rate = fields.Float(readonly=True, digits=(16, 4), help="Unique clickers / delivered")
    hard_bounces = fields.Integer(readonly=True)
    soft_bounces = fields.Integer(readonly=True)
    unsubscribed = fields.Integer(string="Unsubscribes", readonly=True)
    abuse_reports = fields.Integer(readonly=True)
    last_open = fields.Datetime(readonly=True)
    last_click = fields.Datetime(readonly=True)
    last_report_date = fields.Datetime(string="Last Report Fetch", readonly=True, copy=False)
    report_until = fields.Datetime(
        string="Report Window End",
        compute="_compute_report_window",
        store=True,
        help="Reports are refreshed until this time (send time + the account's Campaign "
        "Report days), and fetched once more after it.",
    )
    report_done = fields.Boolean(
        compute="_compute_report_window",
        store=True,
        index=True,
        help="The report was fetched after its window closed: it is never polled again.",
    )
    last_error = fields.Text(readonly=True, copy=False)

    # activity read checkpoint
    activity_ids = fields.One2many(
        "mailchimp.campaign.activity",
        "campaign_id",
    )
    activity_count = fields.Integer(compute="_compute_activity_count")
    activity_state = fields.Selection(
        [("idle", "Idle"), ("running", "Reading")],
        default="idle",
        required=True,
        readonly=True,
        copy=False,
    )
    activity_phase = fields.Selection(
        [("activity", "Email Activity"), ("unsubscribed", "Unsubscribes")],
        readonly=True,
        copy=False,
    )
    activity_offset = fields.Integer(readonly=True, copy=False)
    activity_until = fields.Datetime(
        readonly=True, copy=False, help="Mailchimp's time when the running activity read began."
    )
    activity_watermark = fields.Datetime(
        readonly=True,
        copy=False,
        help="Mailchimp's time at the start of the last complete activity read: the next "
        "read asks only for activity after it (with an overlap).",
    )

    _sql_constraints = [
        ("mc_id_account_uniq", "unique(account_id, mc_id)", "This campaign is already imported."),
    ]

    @api.depends("send_time", "account_id.campaign_report_days", "last_report_date")
    def _compute_report_window(self):
        for campaign in self:
            until = False
            if campaign.send_time:
                until = campaign.send_time + timedelta(
                    days=campaign.account_id.campaign_report_days
                )
            campaign.report_until = until
            campaign.report_done = bool(
                until and campaign.last_report_date and campaign.last_report_date >= until
            )

    def _compute_activity_count(self):
        data = self.env["mailchimp.campaign.activity"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]
        )
        counts = {campaign.id: count for campaign, count in data}
        for campaign in self:
            campaign.activity_count = counts.get(campaign.id, 0)

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    @api.model
    def _values_from_remote(self, remote):
        settings = remote.get("settings") or {}
        summary = remote.get("report_summary") or {}
        ctype = remote.get("type")
        vals = {
            "name": settings.get("title") or settings.get("subject_line") or remote["id"],
            "web_id": str(remote.get("web_id") or ""),
            "subject": settings.get("subject_line") or False,
            "preview_text": settings.get("preview_text") or False,
            "from_name": settings.get("from_name") or False,
            "reply_to": settings.get("reply_to") or False,
            "campaign_type": ctype
            if ctype in dict(self._fields["campaign_type"].selection)
            else False,
            "status": remote.get("status") if remote.get("status") in dict(STATUSES) else False,
            "create_time": parse_mc_datetime(remote.get("create_time")),
            "send_time": parse_mc_datetime(remote.get("send_time")),
            "archive_url": remote.get("archive_url") or False,
            "emails_sent": remote.get("emails_sent") or 0,
        }
        if summary:
            vals.update(
                opens_total=summary.get("opens", 0),
                unique_opens=summary.get("unique_opens", 0),
                open_rate=summary.get("open_rate", 0),
                clicks_total=summary.get("clicks", 0),
                unique_subscriber_clicks=summary.get("subscriber_clicks", 0),
                click_rate=summary.get("click_rate", 0),
            )
        return vals

    @api.model
    def _upsert(self, account, client, remotes):
        """Create or update campaigns of ``account`` from Mailchimp's dicts, linked to their
        audience and template (unknown audiences are imported, unknown templates read)."""
        remotes = {remote["id"]: remote for remote in remotes}
        if not remotes:
            return self.browse()
        list_ids = {(r.get("recipients") or {}).get("list_id") for r in remotes.values()}
        list_ids.discard(None)
        list_ids.discard("")
        Audience = self.env["mailchimp.list"].with_context(active_test=False)
        audiences = {
            a.mc_id: a
            for a in Audience.search(
                [("account_id", "=", account.id), ("mc_id", "in", list(list_ids))]
            )
        }
        if list_ids - set(audiences):
            for audience in Audience._import_from_account(account):
                audiences[audience.mc_id] = audience
        templates = self.env["mailchimp.template"]._ensure_templates(
            account,
            client,
            {(r.get("settings") or {}).get("template_id") for r in remotes.values()},
        )
        existing = {
            rec.mc_id: rec
            for rec in self.search(
                [("account_id", "=", account.id), ("mc_id", "in", list(remotes))]
            )
        }
        result = self.browse()
        to_create = []
        for mc_id, remote in remotes.items():
            vals = self._values_from_remote(remote)
            audience = audiences.get((remote.get("recipients") or {}).get("list_id"))
            template = templates.get(str((remote.get("settings") or {}).get("template_id") or ""))
            vals.update(list_id=audience.id if audience else False)
            vals.update(template_id=template.id if template else False)
            if mc_id in existing:
                existing[mc_id].write(vals)
                result |= existing[mc_id]
            else:
                to_create.append(dict(vals, account_id=account.id, mc_id=mc_id))
        # no "created" message nor follower per imported campaign; status changes are tracked
        new = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(
            to_create
        )
        return result | new

    @api.model
    def _import_from_account(self, account):
        """Import every campaign of ``account`` (the caller queues their reports)."""
        client = account._get_client()
        remotes = client.iter_pages("/campaigns", "campaigns", fields=CAMPAIGN_FIELDS)
        return self._upsert(account, client, list(remotes))

    @api.model
    def _track(self, account, mc_id):
        """Import the campaign ``mc_id`` of ``account`` and its report now (its recipients'
        activity is read by queued jobs). Returns the campaign."""
        mc_id = (mc_id or "").strip()
        if not mc_id:
            raise UserError(self.env._("Enter the Mailchimp ID of the campaign to track."))
        client = account._get_client()
        try:
            remote = client.get(f"/campaigns/{mc_id}", params={"fields": ",".join(CAMPAIGN_FIELDS)})
            campaign = self._upsert(account, client, [remote])
            if campaign.status in REPORT_STATUSES:
                campaign._fetch_report(client)
        except mce.MailchimpNotFound:
            raise UserError(
                self.env._("Mailchimp has no campaign with the ID '%s' in this account.", mc_id)
            ) from None
        except mce.MailchimpError as exc:
            raise UserError(account._error_message(exc)) from None
        return campaign

    # ------------------------------------------------------------------
    # Report polling
    # ------------------------------------------------------------------
    def _report_due(self):
        """Whether the report of this campaign is still worth fetching."""
        self.ensure_one()
        return (
            self.status in REPORT_STATUSES
            and self.account_id.active
            and self.account_id.state == "connected"
            and not self.report_done
        )

    def _queue_reports(self, force=False):
        """Enqueue one report job per campaign whose report is due (all with ``force``)."""
        queued = self.browse()
        for campaign in self:
            if campaign.status not in REPORT_STATUSES:
                continue
            if not force and not campaign._report_due():
                continue
            delay(
                campaign,
                self.env._("Mailchimp: report of campaign %s", campaign.name),
                f"mailchimp-campaign-report-{campaign.id}",
            )._job_fetch_report(force=force)
            queued |= campaign
        return queued

    @mailchimp_job()
    def _job_fetch_report(self, force=False):
        """Fetch the report and start the activity read; a no-op (no API call) once the
        report window has closed and the final report was read."""
        self.ensure_one()
        if not force and not self._report_due():
            return "skipped: report no longer polled"
        client = self.account_id._get_client()
        try:
            self._fetch_report(client)
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            self._record_error(exc)
            return f"failed: {exc}"
        return self.env._(
            "report: %(opens)s opens, %(clicks)s clicks",
            opens=self.opens_total,
            clicks=self.clicks_total,
        )

    def _fetch_report(self, client):
        self.ensure_one()
        report = client.get(f"/reports/{self.mc_id}", params={"fields": ",".join(REPORT_FIELDS)})
        vals = self._report_values(report)
        vals.update(last_report_date=fields.Datetime.now(), last_error=False)
        self.write(vals)
        self._start_activity_read(client)

    @api.model
    def _report_values(self, report):
        opens = report.get("opens") or {}
        clicks = report.get("clicks") or {}
        bounces = report.get("bounces") or {}
        vals = {
            "emails_sent": report.get("emails_sent") or 0,
            "abuse_reports": report.get("abuse_reports") or 0,
            "unsubscribed": report.get("unsubscribed") or 0,
            "hard_bounces": bounces.get("hard_bounces") or 0,
            "soft_bounces": bounces.get("soft_bounces") or 0,
            "opens_total": opens.get("opens_total") or 0,
            "unique_opens": opens.get("unique_opens") or 0,
            "open_rate": opens.get("open_rate") or 0,
            "last_open": parse_mc_datetime(opens.get("last_open")),
            "clicks_total": clicks.get("clicks_total") or 0,
            "unique_clicks": clicks.get("unique_clicks") or 0,
            "unique_subscriber_clicks": clicks.get("unique_subscriber_clicks") or 0,
            "click_rate": clicks.get("click_rate") or 0,
            "last_click": parse_mc_datetime(clicks.get("last_click")),
        }
        if report.get("send_time"):
            vals["send_time"] = parse_mc_datetime(report["send_time"])
        return vals

    def _record_error(self, exc):
        message = self.account_id._error_message(exc)
        _logger.warning("Mailchimp campaign %s (id %s): %s", self.mc_id, self.id, exc)
        self.sudo().write({"last_error": message})
        self.sudo().message_post(body=self.env._("Report fetch failed: %s", message))
        return message

    # ------------------------------------------------------------------
    # Activity read: one job per page, checkpoint on the campaign
    # ------------------------------------------------------------------
    def _start_activity_read(self, client):
        self.ensure_one()
        if self.activity_state != "running":
            self.write(
                {
                    "activity_state": "running",
                    "activity_phase": "activity",
                    "activity_offset": 0,
                    "activity_until": client.last_server_time or fields.Datetime.now(),
                }
            )
        self._ensure_activity_job()

    def _ensure_activity_job(self):
        """Enqueue the job of the next activity page unless one is already waiting."""
        for campaign in self.filtered(lambda c: c.activity_state == "running"):
            phase, offset = campaign.activity_phase, campaign.activity_offset
            delay(
                campaign,
                self.env._("Mailchimp: activity of campaign %s", campaign.name),
                f"mailchimp-campaign-{campaign.id}-{phase}-{offset}",
            )._job_fetch_activity_page(phase, offset)

    def _lock(self):
        lock_for_job(self, "Another worker is reading this campaign")

    def _activity_params(self, phase, offset):
        endpoint, key = ACTIVITY_PHASES[phase]
        if phase == "activity":
            item_fields = ("email_address", "activity")
        else:
            item_fields = ("email_address", "timestamp", "reason")
        params = {"count": PAGE_SIZE, "offset": offset, "fields": _fields_param(key, item_fields)}
        if phase == "activity" and self.activity_watermark:
            params["since"] = format_mc_datetime(self.activity_watermark - ACTIVITY_OVERLAP)
        return f"/reports/{self.mc_id}/{endpoint}", key, params

    @mailchimp_job()
    def _job_fetch_activity_page(self, phase, offset):
        """Read and store one page of activity; idempotent (a re-run changes nothing)."""
        self.ensure_one()
        self._lock()
        if (
            self.activity_state != "running"
            or self.activity_phase != phase
            or self.activity_offset != offset
        ):
            return f"skipped: checkpoint at {self.activity_phase} {self.activity_offset}"
        path, key, params = self._activity_params(phase, offset)
        try:
            page = self.account_id._get_client().get(path, params=params)
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            self.write({"activity_state": "idle"})
            self._record_error(exc)
            return f"failed: {exc}"
        items = page.get(key) or []
        total = page.get("total_items") or 0
        Activity = self.env["mailchimp.campaign.activity"].sudo()
        if phase == "activity":
            created = Activity._store_email_activity(self, items)
        else:
            created = Activity._store_unsubscribes(self, items)
        next_offset = offset + len(items)
        if items and next_offset < total:
            self.activity_offset = next_offset
        elif phase == "activity":
            self.write({"activity_phase": "unsubscribed", "activity_offset": 0})
        else:
            self._finish_activity_read()
        self._ensure_activity_job()
        return self.env._(
            "%(phase)s page at %(offset)s: %(n)s recipients, %(created)s new activity rows",
            phase=phase,
            offset=offset,
            n=len(items),
            created=created,
        )

    def _finish_activity_read(self):
        self.write(
            {
                "activity_state": "idle",
                "activity_phase": False,
                "activity_offset": 0,
                "activity_watermark": self.activity_until,
            }
        )
        self.env["mailchimp.campaign.activity"].sudo()._link_members(self)

    # ------------------------------------------------------------------
    # Crons (they only enqueue jobs)
    # ------------------------------------------------------------------
    @api.model
    def _cron_fetch_reports(self):
        """Hourly: one report job per sent campaign still in (or just past) its window."""
        campaigns = self.search(
            [
                ("status", "in", REPORT_STATUSES),
                ("report_done", "=", False),
                ("account_id.active", "=", True),
                ("account_id.state", "=", "connected"),
            ]
        )
        return bool(campaigns._queue_reports())

    @api.model
    def _cron_refresh_campaigns(self):
        """Hourly: one job per account re-reading its campaigns that can still change."""
        campaigns = self.search(
            [
                ("status", "in", OPEN_STATUSES),
                ("account_id.active", "=", True),
                ("account_id.state", "=", "connected"),
            ]
        )
        for account in campaigns.account_id:
            delay(
                campaigns.filtered(lambda c, a=account: c.account_id == a),
                self.env._("Mailchimp: refresh open campaigns of %s", account.name),
                f"mailchimp-campaign-refresh-{account.id}",
            )._job_refresh_status()
        return True

    @mailchimp_job()
    def _job_refresh_status(self):
        """Re-read the campaigns that are still open; queue the report of the newly sent."""
        campaigns = self.exists().filtered(lambda c: c.status in OPEN_STATUSES)
        if not campaigns:
            return "skipped: no open campaign"
        account = campaigns.account_id
        account.ensure_one()
        client = account._get_client()
        remotes = []
        gone = self.browse()
        for campaign in campaigns:
            try:
                remotes.append(
                    client.get(
                        f"/campaigns/{campaign.mc_id}",
                        params={"fields": ",".join(CAMPAIGN_FIELDS)},
                    )
                )
            except mce.MailchimpNotFound:
                gone |= campaign
            except mce.RETRYABLE_ERRORS as exc:
                raise retry_later(exc) from None
        refreshed = self._upsert(account, client, remotes)
        if gone:
            # deleted in Mailchimp: stop polling, keep the record
            gone.write({"status": "canceled", "last_error": self.env._("Deleted in Mailchimp.")})
        refreshed._queue_reports()
        return self.env._(
            "%(n)s campaign(s) refreshed, %(gone)s gone", n=len(refreshed), gone=len(gone)
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_refresh_report(self):
        """Fetch the report now (inside or outside the window) and queue the activity."""
        self.env["mailchimp.account"]._check_mailchimp_group()
        self.check_access("read")
        for campaign in self:
            if campaign.status not in REPORT_STATUSES:
                raise UserError(self.env._("Campaign '%s' has not been sent yet.", campaign.name))
            client = campaign.account_id._get_client()
            try:
                campaign.sudo()._fetch_report(client)
            except mce.MailchimpError as exc:
                raise UserError(campaign.account_id._error_message(exc)) from None
        return True

    def action_view_activity(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mailchimp_connector.action_mailchimp_campaign_activity"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"search_default_group_action": 1}
        return action
