# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mailchimp -> Odoo: a sent campaign's report and its per-recipient activity.

A sent campaign's report (``GET /reports/{id}``) is fetched every hour until
``campaign_report_days`` after its send time, plus once after that window closes (the final
figures); then it is never polled again. Each report fetch reads the recipients' activity
(``/email-activity``, only what happened since the previous complete read, then
``/unsubscribed``) one page per queue job: a ``mailchimp.sync.run`` of kind
``campaign_activity`` holds the checkpoint (its page job is in ``mailchimp_sync_run.py``).
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import mailchimp_errors as mce
from ..services.mailchimp_campaigns import (
    report_values,
)
from .job_tools import delay, mailchimp_job, retry_later
from .mailchimp_campaign import REPORT_STATUSES
from .ui_text import count_text, notification

_logger = logging.getLogger(__name__)

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
        return report_values(report)

    def _record_error(self, exc):
        message = self.account_id._error_message(exc)
        _logger.warning("Mailchimp campaign %s (id %s): %s", self.mc_id, self.id, exc)
        self.sudo().write({"last_error": message})
        self.sudo().message_post(body=self.env._("Report fetch failed: %s", message))
        return message

    def _start_activity_read(self, client):
        """Start the read of the recipients' activity (resume the one running): a run of
        kind ``campaign_activity`` that asks only for activity after the previous complete
        read (with an overlap)."""
        self.ensure_one()
        Run = self.env["mailchimp.sync.run"].sudo()
        run = Run.search(
            [
                ("campaign_id", "=", self.id),
                ("kind", "=", "campaign_activity"),
                ("state", "=", "running"),
            ],
            limit=1,
        )
        if not run:
            watermark = self.last_activity_read
            run = Run.create(
                {
                    "kind": "campaign_activity",
                    "campaign_id": self.id,
                    "phase": "activity",
                    "next_offset": 0,
                    "since": watermark - ACTIVITY_OVERLAP if watermark else False,
                    "until": client.last_server_time or fields.Datetime.now(),
                }
            )
        run._ensure_job()
        return run

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
        return notification(
            self.env._("Mailchimp reports"),
            message,
            kind="success" if queued else "warning",
            close=True,
        )

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
        return notification(self.env._("Mailchimp report"), message, kind="success", close=True)
