# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: both kinds of resumable paged read (member import, campaign activity) share the
# checkpoint, the job of each page and the run's end; split, each would copy them.
"""A sync run: the checkpoint that makes a long paged read of Mailchimp resumable.

Each page is one queue job; the job commits the page and the next offset together, so a
crash loses at most the page in flight and a re-run of a page job is a no-op. A run is of
one ``kind``:

- ``member_import`` (this file): pages ``GET /lists/{id}/members`` sorted by
  ``last_changed`` inside a fixed window (``since`` .. ``until``, ``until`` being Mailchimp's
  clock when the run started);
- ``campaign_activity``: a campaign's per-recipient activity (``/email-activity``, changed
  after ``since``), then its unsubscribes (``phase``); the campaign starts it
  (``mailchimp_campaign_report.py``).
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import mailchimp_errors as mce
from ..services.mailchimp_campaigns import (
    EMAIL_ACTIVITY_FIELDS,
    UNSUBSCRIBE_FIELDS,
    activity_page,
)
from ..services.mailchimp_data import (
    MEMBER_FIELDS,
    address_key,
    page_members,
)
from .erasure_tools import scrub_fields
from .job_tools import delay, lock_audience_sync, lock_for_job, mailchimp_job, retry_later
from .mailchimp_audit_log import audit
from .ui_text import count_text

_logger = logging.getLogger(__name__)

PAGE_SIZE = 1000
#: recipients read per campaign activity page
ACTIVITY_PAGE_SIZE = 1000
#: times a page is read again when members left the window before it, before a retry
MAX_REFETCH = 5
#: bindings a Full Resync reconcile job reads one by one
RECONCILE_BATCH = 200
#: addresses a run names as not imported
MAX_PROBLEMS = 200
#: how far back an incremental pull re-reads before the previous watermark
WATERMARK_OVERLAP = timedelta(minutes=5)


def page_size():
    """Members per page (a function so that tests can make pages small)."""
    return PAGE_SIZE


def sync_summary(env, processed, created, updated, in_sync):
    """The audience's last result in words: what this import changed, and how many members
    Odoo and Mailchimp now share ("Up to date: 2,000 members in sync." after an hourly import
    that found nothing new). ``processed`` counts the members read, unchanged ones too."""
    if in_sync == 1:
        shared = env._("1 member in sync.")
    else:
        shared = env._("%s members in sync.", count_text(env, in_sync))
    if not created and not updated:
        # an hourly import re-reads its overlap, unchanged: nothing new is the news
        return env._("Up to date: %s", shared)
    if processed == 1:
        read = env._("1 member read")
    else:
        read = env._("%s members read", count_text(env, processed))
    return env._(
        "%(read)s: %(created)s new, %(updated)s updated. %(shared)s",
        read=read,
        created=count_text(env, created),
        updated=count_text(env, updated),
        shared=shared,
    )


class MailchimpSyncRun(models.Model):
    _name = "mailchimp.sync.run"
    _description = "Mailchimp Sync Run"
    _inherit = ["mailchimp.live.mixin"]
    _order = "id desc"

    def _live_targets(self):
        """A run's progress shows on its audience's or campaign's form too."""
        return [self, self.list_id, self.campaign_id]

    kind = fields.Selection(
        [("member_import", "Member Import"), ("campaign_activity", "Campaign Activity")],
        default="member_import",
        required=True,
        readonly=True,
        index=True,
    )
    list_id = fields.Many2one(
        "mailchimp.list", string="Audience", ondelete="cascade", index=True, readonly=True
    )
    campaign_id = fields.Many2one(
        "mailchimp.campaign", ondelete="cascade", index="btree_not_null", readonly=True
    )
    account_id = fields.Many2one(
        "mailchimp.account",
        compute="_compute_account_id",
        store=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="running",
        required=True,
        index=True,
    )
    full = fields.Boolean(string="Full Import")
    since = fields.Datetime(
        help="Only what changed after this time is read (members; a campaign's activity)."
    )
    until = fields.Datetime(help="Mailchimp's time at the start of the run: the next watermark.")
    phase = fields.Selection(
        [("activity", "Email Activity"), ("unsubscribed", "Unsubscribes")],
        readonly=True,
        help="Campaign activity: what is being read, the recipients' activity first, then "
        "the unsubscribes.",
    )
    next_offset = fields.Integer(help="Checkpoint: the offset of the next page to read.")
    total_items = fields.Integer(help="Items this run has to read (known so far).")
    page_count = fields.Integer()
    processed = fields.Integer(help="Items read: members, or recipients of a campaign.")
    created = fields.Integer(help="Members created, or a campaign's new activity rows.")
    updated = fields.Integer()
    skipped = fields.Integer()
    known_until_id = fields.Integer(
        help="Technical: a Full Resync's last binding known to Mailchimp when it started (0: "
        "none, or not a Full Resync); it marks the members it reads, to find those gone."
    )
    failed = fields.Integer(help="Members Odoo could not take (named in Not Imported).")
    problems = fields.Text(
        string="Not Imported", help="The addresses this run did not import, with the reason."
    )
    progress = fields.Float(
        compute="_compute_progress",
        help="Items read out of those this run has to read, in percent.",
    )
    date_start = fields.Datetime(default=fields.Datetime.now)
    date_end = fields.Datetime()
    last_error = fields.Text()

    _sql_constraints = [
        (
            "kind_target",
            "CHECK((kind = 'member_import' AND list_id IS NOT NULL) OR "
            "(kind = 'campaign_activity' AND campaign_id IS NOT NULL))",
            "A member import reads an audience, a campaign activity read a campaign.",
        ),
    ]

    @api.depends("list_id.account_id", "campaign_id.account_id")
    def _compute_account_id(self):
        for run in self:
            run.account_id = run.list_id.account_id or run.campaign_id.account_id

    @api.depends("state", "processed", "total_items")
    def _compute_progress(self):
        for run in self:
            if run.state == "done":
                run.progress = 100.0
            elif run.total_items:
                run.progress = min(100.0, 100.0 * run.processed / run.total_items)
            else:
                run.progress = 0.0

    def _compute_display_name(self):
        for run in self:
            if run.kind == "campaign_activity":
                run.display_name = self.env._(
                    "%(campaign)s activity read #%(id)s", campaign=run.campaign_id.name, id=run.id
                )
            else:
                run.display_name = self.env._(
                    "%(list)s import #%(id)s", list=run.list_id.name, id=run.id
                )

    @api.model
    def _running_imports(self, audiences):
        """The running member imports of ``audiences``, newest first."""
        return self.search(
            [
                ("list_id", "in", audiences.ids),
                ("kind", "=", "member_import"),
                ("state", "=", "running"),
            ],
            order="id desc",
        )

    @api.model
    def _start_imports(self, audiences, full=False):
        """Start (or resume) one member import per audience; return the runs."""
        Run = self.sudo()
        runs = Run.browse()
        for audience in audiences:
            if not audience.account_id.active:
                raise UserError(
                    self.env._("The account of audience '%s' is disconnected.", audience.name)
                )
            running = Run._running_imports(audience)[:1]
            if running:
                running._ensure_job()
                runs |= running
                continue
            since = False
            if not full and audience.members_watermark:
                since = audience.members_watermark - WATERMARK_OVERLAP
            run = Run.create({"list_id": audience.id, "full": full or not since, "since": since})
            run._ensure_job()
            runs |= run
        return runs

    def _ensure_job(self):
        """Enqueue the job of the run's next page unless one is already waiting."""
        for run in self.filtered(lambda r: r.state == "running"):
            if run.kind == "campaign_activity":
                phase, offset = run.phase, run.next_offset
                delay(
                    run,
                    self.env._("Mailchimp: activity of campaign %s", run.campaign_id.name),
                    f"mailchimp-run-{run.id}-{phase}-{offset}",
                )._job_fetch_activity_page(phase, offset)
                continue
            delay(
                run,
                self.env._("Mailchimp: import members of %s", run.list_id.name),
                f"mailchimp-run-{run.id}-{run.next_offset}",
            )._job_import_page(run.next_offset)

    def _lock(self):
        lock_for_job(self, "Another worker is reading this page")

    def _save_page(self, vals, done):
        """The end of a page job, of either kind: the page's counts and the next checkpoint
        (``vals``), then the run's end (``done``) or the job of its next page."""
        self.write(vals)
        if not done:
            self._ensure_job()
        elif self.kind == "campaign_activity":
            self._finish_activity_read()
        else:
            self._finish()

    def _fail(self, message):
        """Mailchimp refused the read for good: the run stops, with the reason."""
        self.write({"state": "failed", "last_error": message, "date_end": fields.Datetime.now()})

    @mailchimp_job()
    def _job_import_page(self, offset):
        """Import one page of members; idempotent (re-running it changes nothing)."""
        self.ensure_one()
        self._lock()
        if self.kind != "member_import":
            return f"skipped: a {self.kind} run"
        lock_audience_sync(self.list_id, "Another job of this audience runs")
        if self.state != "running" or self.next_offset != offset:
            return f"skipped: run {self.state}, checkpoint at {self.next_offset}"
        audience = self.list_id
        client = audience.account_id._get_client()
        try:
            if not self.until:
                self._start(client)
            start, page = self._fetch_page(client, offset)
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            self._fail(audience._record_sync_error(exc))
            _logger.warning("Mailchimp member import %s failed: %s", self.id, exc)
            return f"failed: {exc}"

        items, total = page_members(page)
        counts, problems = self.env["mailchimp.member.import"]._apply_member_page(
            audience, items, full=self.full
        )
        if self.known_until_id:
            self._mark_seen(items)
        next_offset = start + len(items)
        done = not items or next_offset >= total
        vals = {
            "next_offset": next_offset,
            "total_items": total,
            "page_count": self.page_count + 1,
            "processed": self.processed + len(items),
            "created": self.created + counts["created"],
            "updated": self.updated + counts["updated"],
            "skipped": self.skipped + counts["skipped"],
            "failed": self.failed + counts["failed"],
        }
        if problems:
            lines = [f"{address}: {reason}" for address, reason in problems]
            vals["problems"] = "\n".join(
                ((self.problems or "").splitlines() + lines)[-MAX_PROBLEMS:]
            )
        self._save_page(vals, done)
        return self.env._(
            "page at %(offset)s: %(n)s members (%(created)s created, %(updated)s updated)",
            offset=start,
            n=len(items),
            created=counts["created"],
            updated=counts["updated"],
        )

    def _fetch_page(self, client, offset):
        """The page at ``offset`` of the run's window, corrected for members that left the
        window since the previous page: returns (offset actually read, page).

        The window (``since`` .. ``until``, sorted by ``last_changed``) only shrinks while the
        run goes on: a member changed now gets a ``last_changed`` after ``until`` and leaves
        it (the next incremental run reads it), and nobody can enter it. A member that leaves
        from before ``offset`` shifts every later member one place back, so that reading at
        ``offset`` would skip one. ``total_items`` tells how many left since the previous page
        (the checkpoint keeps it, so this holds after a crash too): the page is read again
        from that many places earlier until the count of departures is covered. Members read
        twice are applied twice, which changes nothing."""
        expected = self.total_items if self.page_count else None
        back = 0
        for _attempt in range(MAX_REFETCH):
            start = max(0, offset - back)
            page = client.members_page(
                self.list_id.mc_id,
                count=page_size(),
                offset=start,
                fields=MEMBER_FIELDS,
                since_last_changed=self.since if self.since and not self.full else None,
                before_last_changed=self.until,
                sort_field="last_changed",
                sort_dir="ASC",
            )
            total = page_members(page)[1]
            left = (expected - total) if expected is not None else 0
            if left <= back or start == 0:
                return start, page
            back = left
        raise mce.MailchimpServerError(
            self.env._("The audience keeps changing faster than it can be read; retrying.")
        )

    def _mark_seen(self, items):
        """Full Resync: remember which bindings Mailchimp still has (one statement a page)."""
        keys = [address_key(item) for item in items]
        self.env["mailchimp.member"]._mark_seen(self.list_id, self.id, [key for key in keys if key])

    def _start(self, client):
        """First call of a run: read the audience (its statistics and Mailchimp's clock).
        The window ends one second before Mailchimp's clock (whole seconds): whatever changes
        from now on is after it, whether Mailchimp's ``before_last_changed`` includes its bound
        or not, so nobody enters the window during the run."""
        audience = self.list_id
        audience._record_remote(client.get_list(audience.mc_id))
        self.until = (client.last_server_time or fields.Datetime.now()) - timedelta(seconds=1)
        # a Full Resync of an audience Odoo already knows looks for members gone since:
        # those of the bindings that exist now (ids up to the last one) that it does not read
        if self.full:
            known = (
                self.env["mailchimp.member"]
                .sudo()
                .search(
                    [("list_id", "=", audience.id), ("status", "not in", (False, "deleted"))],
                    order="id desc",
                    limit=1,
                )
            )
            self.known_until_id = known.id or 0
        audience.account_id._clock_offset()  # keep the measured clock offset

    def _finish(self):
        audience = self.list_id
        now = fields.Datetime.now()
        self.write({"state": "done", "date_end": now})
        in_sync = self.env["mailchimp.member"].search_count(
            [("list_id", "=", audience.id), ("status", "not in", (False, "deleted"))]
        )
        summary = sync_summary(self.env, self.processed, self.created, self.updated, in_sync)
        not_imported = len((self.problems or "").splitlines())
        if not_imported:
            summary += "\n" + self.env._(
                "%(n)s not imported:\n%(lines)s", n=not_imported, lines=self.problems
            )
        audit(
            self.env,
            "import",
            self.env._(
                "Member import of %(audience)s%(full)s: %(summary)s",
                audience=audience.name,
                full=self.env._(" (Full Resync)") if self.full else "",
                summary=sync_summary(self.env, self.processed, self.created, self.updated, in_sync),
            ),
            audience,
            counts=(self.processed, not_imported),
        )
        audience._record_import_done(self.until, now, summary)
        # activity stored by a report job running at the same time as a member page (neither
        # transaction saw the other's rows) is linked here, or at the next run's end
        self.env["mailchimp.campaign.activity"].sudo()._link_audience_members(audience)
        if self.known_until_id:
            self._queue_reconcile()

    # ------------------------------------------------------------------
    # Full Resync: members Odoo has and Mailchimp no longer lists
    # ------------------------------------------------------------------
    def _unseen_bindings(self, limit=None):
        """Bindings of the audience known to Mailchimp (a status) when this Full Resync
        started that it did not read: permanently deleted since, or changed during the run."""
        return (
            self.env["mailchimp.member"]
            .sudo()
            ._unseen_by(self.list_id, self.id, self.known_until_id or 0, limit=limit)
        )

    def _queue_reconcile(self):
        if self.kind == "member_import" and self._unseen_bindings(limit=1):
            delay(
                self,
                self.env._("Mailchimp: check members gone from %s", self.list_id.name),
                f"mailchimp-reconcile-{self.id}",
            )._job_reconcile()

    @mailchimp_job()
    def _job_reconcile(self):
        """Read each unseen binding's member: 404 → permanently deleted (the binding says so
        and nothing re-creates it); found → applied like any imported member."""
        self.ensure_one()
        self._lock()
        if self.kind != "member_import":
            return f"skipped: a {self.kind} run"
        lock_audience_sync(self.list_id, "Another job of this audience runs")
        audience = self.list_id
        client = audience.account_id._get_client()
        bindings = self._unseen_bindings(limit=RECONCILE_BATCH)
        found, gone = [], 0
        try:
            for binding in bindings:
                try:
                    found.append(client.member(audience.mc_id, binding.email, fields=MEMBER_FIELDS))
                except mce.MailchimpNotFound:
                    binding._mark_gone(seen_run_id=self.id)
                    gone += 1
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        if found:
            self.env["mailchimp.member.import"]._apply_member_page(audience, found, full=True)
            self._mark_seen(found)
        if len(bindings) == RECONCILE_BATCH:
            self._queue_reconcile()
        return f"{len(found)} found, {gone} permanently deleted"

    # ------------------------------------------------------------------
    # Campaign activity read (kind campaign_activity): ``phase`` (email activity, then
    # unsubscribes) and ``next_offset`` are the checkpoint, ``since`` the previous complete
    # read's ``until`` less an overlap
    # ------------------------------------------------------------------
    def _activity_page(self, client, phase, offset):
        """One page of the activity read: (items, total_items)."""
        if phase == "activity":
            page = client.email_activity_page(
                self.campaign_id.mc_id,
                offset=offset,
                count=ACTIVITY_PAGE_SIZE,
                fields=EMAIL_ACTIVITY_FIELDS,
                since=self.since or None,
            )
            return activity_page(page, phase)
        page = client.unsubscribes_page(
            self.campaign_id.mc_id,
            offset=offset,
            count=ACTIVITY_PAGE_SIZE,
            fields=UNSUBSCRIBE_FIELDS,
        )
        return activity_page(page, phase)

    @mailchimp_job()
    def _job_fetch_activity_page(self, phase, offset):
        """Read and store one page of activity; idempotent (a re-run changes nothing)."""
        self.ensure_one()
        self._lock()
        if self.kind != "campaign_activity":
            return f"skipped: a {self.kind} run"
        if self.state != "running" or self.phase != phase or self.next_offset != offset:
            return f"skipped: run {self.state}, checkpoint at {self.phase} {self.next_offset}"
        campaign = self.campaign_id
        try:
            items, total = self._activity_page(campaign.account_id._get_client(), phase, offset)
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            self._fail(campaign._record_error(exc))
            return f"failed: {exc}"
        Activity = self.env["mailchimp.campaign.activity"].sudo()
        if phase == "activity":
            created = Activity._store_email_activity(campaign, items)
        else:
            created = Activity._store_unsubscribes(campaign, items)
        next_offset = offset + len(items)
        vals = {
            # what the earlier phase read plus this phase's total
            "total_items": self.processed - offset + total,
            "page_count": self.page_count + 1,
            "processed": self.processed + len(items),
            "created": self.created + created,
        }
        done = False
        if items and next_offset < total:
            vals["next_offset"] = next_offset
        elif phase == "activity":
            vals.update(phase="unsubscribed", next_offset=0)
        else:
            done = True
        self._save_page(vals, done)
        return self.env._(
            "%(phase)s page at %(offset)s: %(n)s recipients, %(created)s new activity rows",
            phase=phase,
            offset=offset,
            n=len(items),
            created=created,
        )

    def _finish_activity_read(self):
        """The read is complete: its ``until`` is the campaign's Last Activity Read."""
        self.write({"state": "done", "date_end": fields.Datetime.now()})
        self.env["mailchimp.campaign.activity"].sudo()._link_members(self.campaign_id)

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: a run's problems or error naming one of these addresses."""
        return scrub_fields(self, ["problems", "last_error"], keys, preview)
