# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: the campaign record (its Mailchimp fields, the report's figures with one name each,
# the rates in percent for the pivot) and its import and status refresh jobs; the report and
# the activity reads live in their own files.
"""Mailchimp campaigns: the records, their import and the hourly refresh of open ones.

The report and per-recipient activity flow is in ``mailchimp_campaign_report.py``.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import mailchimp_errors as mce
from ..services.mailchimp_campaigns import (
    CAMPAIGN_FIELDS,
    campaign_audience,
    campaign_template,
    campaign_template_raw,
    campaign_values,
)
from ..services.mailchimp_data import remote_id
from .job_tools import delay, mailchimp_job, retry_later
from .smart_buttons import related_action, set_counts

_logger = logging.getLogger(__name__)


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


class MailchimpCampaign(models.Model):
    _name = "mailchimp.campaign"
    _description = "Mailchimp Campaign"
    _inherit = ["mail.thread", "mailchimp.live.mixin"]
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
    # One name per figure, the same in every view: the funnel counts recipients at every
    # step (sent, opened, clicked); Mailchimp's "unique clicks" (once per link and
    # recipient) is a click count, not a number of people, and says so.
    emails_sent = fields.Integer(string="Recipients Sent", readonly=True)
    opens_total = fields.Integer(string="Opens", readonly=True, help="Every open, repeats included")
    unique_opens = fields.Integer(
        string="Recipients Who Opened",
        readonly=True,
        help="Recipients who opened at least once (Mailchimp's unique opens)",
    )
    open_rate = fields.Float(
        readonly=True,
        digits=(16, 4),
        aggregator="avg",
        help="Recipients who opened / recipients delivered",
    )
    clicks_total = fields.Integer(
        string="Clicks", readonly=True, help="Every click on a link, repeats included"
    )
    unique_clicks = fields.Integer(
        string="Unique Link Clicks",
        readonly=True,
        help="Clicks counted once per link and recipient (Mailchimp's unique clicks): a "
        "recipient who clicked two links counts twice. Not a number of recipients: see "
        "Recipients Who Clicked.",
    )
    unique_subscriber_clicks = fields.Integer(
        string="Recipients Who Clicked",
        readonly=True,
        help="Recipients who clicked at least one link (Mailchimp's unique subscriber clicks)",
    )
    click_rate = fields.Float(
        readonly=True,
        digits=(16, 4),
        aggregator="avg",
        help="Recipients who clicked / recipients delivered",
    )
    # the rates in percent, for the pivot and the graph (which show numbers as they are)
    open_rate_percent = fields.Float(
        string="Open Rate (%)",
        compute="_compute_rate_percent",
        store=True,
        digits=(16, 2),
        aggregator="avg",
    )
    click_rate_percent = fields.Float(
        string="Click Rate (%)",
        compute="_compute_rate_percent",
        store=True,
        digits=(16, 2),
        aggregator="avg",
    )
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
    report_window_closed = fields.Boolean(
        compute="_compute_report_window_closed",
        help="The report window of this sent campaign has closed: its figures are no longer "
        "refreshed by themselves (Refresh Report reads them again).",
    )
    last_error = fields.Text(readonly=True, copy=False)

    # per-recipient activity, read by runs of kind campaign_activity
    activity_ids = fields.One2many(
        "mailchimp.campaign.activity",
        "campaign_id",
    )
    activity_count = fields.Integer(compute="_compute_activity_count")
    activity_run_ids = fields.One2many(
        "mailchimp.sync.run",
        "campaign_id",
        string="Activity Reads",
        domain=[("kind", "=", "campaign_activity")],
        readonly=True,
    )
    last_activity_read = fields.Datetime(
        compute="_compute_last_activity_read",
        help="Mailchimp's time at the start of the last complete read of the recipients' "
        "activity: the next read asks only for activity after it (with an overlap).",
    )

    _sql_constraints = [
        ("mc_id_account_uniq", "unique(account_id, mc_id)", "This campaign is already imported."),
    ]

    @api.depends("open_rate", "click_rate")
    def _compute_rate_percent(self):
        for campaign in self:
            campaign.open_rate_percent = round((campaign.open_rate or 0.0) * 100, 2)
            campaign.click_rate_percent = round((campaign.click_rate or 0.0) * 100, 2)

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

    @api.depends("status", "report_until")
    def _compute_report_window_closed(self):
        now = fields.Datetime.now()
        for campaign in self:
            campaign.report_window_closed = bool(
                campaign.status in REPORT_STATUSES
                and campaign.report_until
                and campaign.report_until <= now
            )

    @api.depends("activity_run_ids.state", "activity_run_ids.until")
    def _compute_last_activity_read(self):
        data = (
            self.env["mailchimp.sync.run"]
            .sudo()
            ._read_group(
                [
                    ("campaign_id", "in", self.ids),
                    ("kind", "=", "campaign_activity"),
                    ("state", "=", "done"),
                ],
                ["campaign_id"],
                ["until:max"],
            )
        )
        last = {campaign.id: until for campaign, until in data}
        for campaign in self:
            campaign.last_activity_read = last.get(campaign.id, False)

    def _compute_activity_count(self):
        set_counts(self, "activity_count", "mailchimp.campaign.activity", "campaign_id")

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    @api.model
    def _values_from_remote(self, remote):
        return campaign_values(
            remote, dict(self._fields["campaign_type"].selection), dict(STATUSES)
        )

    @api.model
    def _upsert(self, account, client, remotes):
        """Create or update campaigns of ``account`` from Mailchimp's dicts, linked to their
        audience and template (unknown audiences are imported, unknown templates read)."""
        remotes = {remote_id(remote): remote for remote in remotes}
        if not remotes:
            return self.browse()
        list_ids = {campaign_audience(r) for r in remotes.values()}
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
            for audience in Audience._import_from_account(account, statistics=False):
                audiences[audience.mc_id] = audience
        templates = self.env["mailchimp.template"]._ensure_templates(
            account,
            client,
            {campaign_template_raw(r) for r in remotes.values()},
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
            audience = audiences.get(campaign_audience(remote))
            template = templates.get(campaign_template(remote))
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
        remotes = client.campaigns(fields=CAMPAIGN_FIELDS)
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
            remote = client.campaign(mc_id, fields=CAMPAIGN_FIELDS)
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
    # Crons (they only enqueue jobs)
    # ------------------------------------------------------------------
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
                remotes.append(client.campaign(campaign.mc_id, fields=CAMPAIGN_FIELDS))
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
            "campaigns refreshed: %(n)s, deleted in Mailchimp: %(gone)s",
            n=len(refreshed),
            gone=len(gone),
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_activity(self):
        return related_action(
            self,
            "action_mailchimp_campaign_activity",
            "campaign_id",
            {"search_default_group_action": 1},
        )
