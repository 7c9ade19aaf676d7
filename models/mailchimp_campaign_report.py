# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mailchimp -> Odoo: a sent campaign's report and its per-recipient activity.

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
from ..services.sync_rules import parse_mc_datetime
from .job_tools import delay, lock_for_job, mailchimp_job, retry_later
from .mailchimp_campaign import REPORT_STATUSES
from .ui_text import count_text

_logger = logging.getLogger(__name__)

#: recipients read per activity page
PAGE_SIZE = 1000
#: how far back an incremental activity read starts before the previous watermark
ACTIVITY_OVERLAP = timedelta(minutes=5)
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


class MailchimpCampaignReport(models.Model):
    _inherit = "mailchimp.campaign"

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
            "report read: opens %(opens)s, clicks %(clicks)s",
            opens=self.opens_total,
            clicks=self.clicks_total,
        )

    def _fetch_report(self, client):
        self.ensure_one()
        report = client.report(self.mc_id, fields=REPORT_FIELDS)
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

    def _activity_page(self, client, phase, offset):
        """One page of the activity read: (items, total_items)."""
        if phase == "activity":
            since = None
            if self.activity_watermark:
                since = self.activity_watermark - ACTIVITY_OVERLAP
            page = client.email_activity_page(
                self.mc_id,
                offset=offset,
                count=PAGE_SIZE,
                fields=("email_address", "activity"),
                since=since,
            )
            return page.get("emails") or [], page.get("total_items") or 0
        page = client.unsubscribes_page(
            self.mc_id,
            offset=offset,
            count=PAGE_SIZE,
            fields=("email_address", "timestamp", "reason"),
        )
        return page.get("unsubscribes") or [], page.get("total_items") or 0

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
        try:
            items, total = self._activity_page(self.account_id._get_client(), phase, offset)
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            self.write({"activity_state": "idle"})
            self._record_error(exc)
            return f"failed: {exc}"
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
    def action_refresh_all_reports(self):
        """One click: queue a fresh read of the report of every sent campaign of the user's
        accounts, those past their report window included."""
        self.env["mailchimp.account"]._check_mailchimp_group()
        campaigns = self.search(
            [
                ("status", "in", REPORT_STATUSES),
                ("account_id.active", "=", True),
                ("account_id.state", "=", "connected"),
            ]
        )
        queued = campaigns.sudo()._queue_reports(force=True)
        if not queued:
            message = self.env._("No sent campaign to refresh (is the account connected?).")
        elif len(queued) == 1:
            message = self.env._("The report of 1 campaign is being read again.")
        else:
            message = self.env._(
                "The reports of %s campaigns are being read again.",
                count_text(self.env, len(queued)),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Mailchimp reports"),
                "message": message,
                "type": "success" if queued else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

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
        if len(self) == 1:
            message = self.env._(
                "Report of %(name)s refreshed. Sent: %(sent)s, opens: %(opens)s, clicks: "
                "%(clicks)s, unsubscribes: %(unsubs)s. The recipients' activity is being read.",
                name=self.name,
                sent=count_text(self.env, self.emails_sent),
                opens=count_text(self.env, self.opens_total),
                clicks=count_text(self.env, self.clicks_total),
                unsubs=count_text(self.env, self.unsubscribed),
            )
        else:
            message = self.env._(
                "%s campaign reports refreshed. The recipients' activity is being read.",
                count_text(self.env, len(self)),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Mailchimp report"),
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
