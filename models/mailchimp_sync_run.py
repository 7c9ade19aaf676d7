# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A member import run: the checkpoint that makes a big import resumable.

A run pages ``GET /lists/{id}/members`` sorted by ``last_changed`` inside a fixed window
(``since`` .. ``until``, ``until`` being Mailchimp's clock when the run started). Each page
is one queue job; the job commits the page and the next offset together, so a crash loses
at most the page in flight and a re-run of a page job is a no-op.
"""

import logging
from datetime import timedelta

from odoo import fields, models

from ..services import mailchimp_errors as mce
from ..services.sync_rules import format_mc_datetime
from .job_tools import JOB_MAX_RETRIES, lock_for_job, mailchimp_job, retry_later

_logger = logging.getLogger(__name__)

PAGE_SIZE = 1000
JOB_CHANNEL = "root.mailchimp"
MEMBER_FIELDS = (
    "id",
    "email_address",
    "status",
    "last_changed",
    "merge_fields",
    "web_id",
    "contact_id",
    "unique_email_id",
    "unsubscribe_reason",
    "tags",
)


class MailchimpSyncRun(models.Model):
    _name = "mailchimp.sync.run"
    _description = "Mailchimp Member Import Run"
    _order = "id desc"

    list_id = fields.Many2one("mailchimp.list", required=True, ondelete="cascade", index=True)
    account_id = fields.Many2one(related="list_id.account_id", store=True)
    company_id = fields.Many2one(related="list_id.company_id", store=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="running",
        required=True,
        index=True,
    )
    full = fields.Boolean(string="Full Import")
    since = fields.Datetime(help="Only members changed after this time are read.")
    until = fields.Datetime(help="Mailchimp's time at the start of the run: the next watermark.")
    next_offset = fields.Integer(help="Checkpoint: the offset of the next page to read.")
    total_items = fields.Integer()
    page_count = fields.Integer()
    processed = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    skipped = fields.Integer()
    date_start = fields.Datetime(default=fields.Datetime.now)
    date_end = fields.Datetime()
    last_error = fields.Text()

    def _compute_display_name(self):
        for run in self:
            run.display_name = self.env._(
                "%(list)s import #%(id)s", list=run.list_id.name, id=run.id
            )

    def _ensure_job(self):
        """Enqueue the job of the next page unless one is already waiting."""
        for run in self.filtered(lambda r: r.state == "running"):
            run.with_delay(
                channel=JOB_CHANNEL,
                max_retries=JOB_MAX_RETRIES,
                description=self.env._("Mailchimp: import members of %s", run.list_id.name),
                identity_key=f"mailchimp-run-{run.id}-{run.next_offset}",
            )._job_import_page(run.next_offset)

    def _lock(self):
        lock_for_job(self, "Another worker is importing this page")

    @mailchimp_job()
    def _job_import_page(self, offset):
        """Import one page of members; idempotent (re-running it changes nothing)."""
        self.ensure_one()
        self._lock()
        if self.state != "running" or self.next_offset != offset:
            return f"skipped: run {self.state}, checkpoint at {self.next_offset}"
        audience = self.list_id
        client = audience.account_id._get_client()
        try:
            if not self.until:
                self._start(client)
            page = client.get(f"/lists/{audience.mc_id}/members", params=self._page_params(offset))
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            message = audience._record_sync_error(exc)
            self.write(
                {"state": "failed", "last_error": message, "date_end": fields.Datetime.now()}
            )
            _logger.warning("Mailchimp member import %s failed: %s", self.id, exc)
            return f"failed: {exc}"

        items = page.get("members") or []
        total = page.get("total_items") or 0
        counts = audience._apply_member_page(items)
        # members that changed during the run leave the window and shift later pages back:
        # step back by as much so that nobody is skipped (re-reading is harmless)
        drift = max(0, self.total_items - total) if self.page_count else 0
        next_offset = max(0, offset + len(items) - drift)
        done = not items or next_offset >= total
        self.write(
            {
                "next_offset": next_offset,
                "total_items": total,
                "page_count": self.page_count + 1,
                "processed": self.processed + len(items),
                "created": self.created + counts["created"],
                "updated": self.updated + counts["updated"],
                "skipped": self.skipped + counts["skipped"],
            }
        )
        if done:
            self._finish()
        else:
            self._ensure_job()
        return self.env._(
            "page at %(offset)s: %(n)s members (%(created)s created, %(updated)s updated)",
            offset=offset,
            n=len(items),
            created=counts["created"],
            updated=counts["updated"],
        )

    def _start(self, client):
        """First call of a run: read the audience (its statistics and Mailchimp's clock)."""
        audience = self.list_id
        remote = client.get(f"/lists/{audience.mc_id}")
        vals = audience._values_from_remote(remote)
        vals.pop("name", None)
        audience.write(vals)
        self.until = client.last_server_time or fields.Datetime.now()

    def _page_params(self, offset):
        params = {
            "count": PAGE_SIZE,
            "offset": offset,
            "fields": ",".join([f"members.{f}" for f in MEMBER_FIELDS] + ["total_items"]),
            "sort_field": "last_changed",
            "sort_dir": "ASC",
            # Mailchimp's Date header has whole seconds: members changed within the second
            # of ``until`` are read now and again by the next run (overlap), never skipped
            "before_last_changed": format_mc_datetime(self.until + timedelta(seconds=1)),
        }
        if self.since and not self.full:
            params["since_last_changed"] = format_mc_datetime(self.since)
        return params

    def _finish(self):
        audience = self.list_id
        now = fields.Datetime.now()
        self.write({"state": "done", "date_end": now})
        audience.write(
            {
                "members_watermark": self.until,
                "last_sync_date": now,
                "last_sync_result": self.env._(
                    "%(processed)s members read: %(created)s new, %(updated)s updated.",
                    processed=self.processed,
                    created=self.created,
                    updated=self.updated,
                ),
            }
        )
