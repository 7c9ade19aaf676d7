# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: the audience record with every flow's entry point on it (its options, the import
# buttons, its export job, the registration of its webhook): the fields those need are the
# audience's, and Odoo allows no _inherit of it elsewhere here (issue 25). The flows
# themselves live in their own models: mailchimp.member.import / .export, mailchimp.sync.run,
# mailchimp.webhook.event.
import ast
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..services import mailchimp_errors as mce
from ..services.identity import member_key
from ..services.mailchimp_data import (
    STATISTICS,
    audience_values,
    hook_id,
    hook_url,
    merge_field_values,
    remote_id,
)
from ..services.push_rules import (
    MAPPING_UNKNOWN_TAG,
    PushOptions,
    contact_email,
    mapping_problems,
)
from ..services.webhook_rules import (
    EVENT_TYPES,
    WEBHOOK_PATH,
    new_token,
    token_hash,
    url_problem,
)
from .erasure_tools import erased_at_by_key, scrub_fields
from .job_tools import delay, lock_audience_sync, mailchimp_job, retry_later
from .mailchimp_audit_log import audit, audit_write, settings_before
from .mailchimp_field_mapping import DEFAULT_MAPPING
from .mailchimp_membership_mixin import MAILCHIMP_MANAGER_GROUP
from .smart_buttons import related_action, set_counts
from .ui_text import count_text, notification

_logger = logging.getLogger(__name__)

#: bindings one export job sends (batch calls of 500)
PUSH_JOB_SIZE = 5000
#: seconds an opt-out or blacklisting made in Odoo waits before its own export job runs (the
#: edits of that moment go together: one job per audience)
WITHDRAWAL_DELAY = 30


class MailchimpList(models.Model):
    _name = "mailchimp.list"
    _description = "Mailchimp Audience"
    _inherit = ["mail.thread", "mailchimp.live.mixin"]
    _order = "name, id"

    # welcome email: see mailchimp.welcome
    welcome_email = fields.Boolean(
        string="Send welcome email",
        help="Each member the connector adds to this audience as subscribed is queued to "
        "the automation email below, once (a double opt-in member once confirmed). Updated "
        "and refused members are not.",
    )
    welcome_automation_email_id = fields.Many2one(
        "mailchimp.automation.email",
        ondelete="set null",
        domain="[('account_id', '=', account_id), ('list_mc_id', '=', mc_id)]",
        help="An email of a classic automation of this audience (Load Automation Emails "
        "reads them from Mailchimp); the automation must be sending.",
    )
    welcome_waiting_count = fields.Integer(
        compute="_compute_welcome_waiting_count", string="Waiting for the Welcome Email"
    )

    def _live_targets(self):
        """The account's form counts its audiences' members."""
        return [self, self.account_id]

    name = fields.Char(required=True, tracking=True)
    mc_id = fields.Char(string="Mailchimp ID", required=True, readonly=True, copy=False)
    web_id = fields.Char(string="Web ID", readonly=True, copy=False)
    #: moved on by every member-sync job of the audience (job_tools.lock_audience_sync)
    sync_serial = fields.Integer(readonly=True, copy=False, default=0)
    account_id = fields.Many2one(
        "mailchimp.account", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    active = fields.Boolean(default=True)
    mailing_list_id = fields.Many2one(
        "mailing.list",
        ondelete="set null",
        help="The Odoo mailing list this audience is synced with (created on import).",
    )
    double_optin = fields.Boolean(
        string="Double Opt-in", help="New members pushed from Odoo are sent as pending."
    )

    # statistics, as Mailchimp reports them
    mc_member_count = fields.Integer(string="Subscribed (Mailchimp)", readonly=True)
    mc_unsubscribe_count = fields.Integer(string="Unsubscribed (Mailchimp)", readonly=True)
    mc_cleaned_count = fields.Integer(string="Cleaned (Mailchimp)", readonly=True)
    last_sync_date = fields.Datetime(string="Last Sync", readonly=True, copy=False)
    last_sync_result = fields.Text(readonly=True, copy=False)
    members_watermark = fields.Datetime(
        readonly=True,
        copy=False,
        help="Mailchimp server time at the start of the last complete member import; the "
        "next incremental import asks only for members changed after it (with an overlap).",
    )

    # per-audience sync options
    import_new = fields.Boolean(
        string="Import new records",
        default=True,
        help="Members Odoo does not know yet become mailing contacts of the mailing list.",
    )
    import_pull_fields = fields.Boolean(
        string="Import pull fields",
        default=True,
        help="Names changed in Mailchimp are copied to the Odoo contacts (unless changed in "
        "Odoo since the last sync: the Odoo change wins).",
    )
    import_unsubscribes = fields.Boolean(
        string="Import unsubscribes",
        default=True,
        help="Members who unsubscribed in Mailchimp are opted out of the mailing list in "
        "Odoo; bounced (cleaned) addresses are blacklisted.",
    )
    push_new = fields.Boolean(
        string="Push new records",
        help="Contacts added to the mailing list in Odoo are sent to Mailchimp as new "
        "members (one audience per account). Contacts that existed before are sent only by "
        "Export Existing Contacts.",
    )
    push_unsubscribes = fields.Boolean(
        string="Push unsubscribes",
        help="Opt-outs and blacklisting done in Odoo unsubscribe the member in Mailchimp.",
    )
    push_fields = fields.Boolean(
        string="Push fields",
        help="Changes of the mapped fields in Odoo (name, phone, address...) are sent to "
        "Mailchimp (with the account's Auto Update Contact option).",
    )
    sync_tags = fields.Boolean(
        string="Sync tags",
        help="A member's Mailchimp tags and the tags of its contact and partner in Odoo are "
        "kept the same, both ways (hourly, or Sync Tags Now): a tag added or removed on one "
        "side since the last tag sync is added or removed on the other. Tags sent to "
        "Mailchimp do not start its tag automations.",
    )
    last_tag_sync_result = fields.Char(readonly=True, copy=False)
    partner_push_domain = fields.Char(
        string="Partners to Push",
        readonly=True,
        copy=False,
        help="Contacts (partners) matching this filter are exported to this audience with "
        "the export's rules (set with the Partners to Push button, which first says how many "
        "it adds); the hourly export adds those that come to match it.",
    )
    sync_from = fields.Datetime(
        help="Only contacts created or changed after this date are pushed automatically (set "
        "when Push new records is turned on); Export existing contacts sends the others."
    )
    mapping_ids = fields.One2many("mailchimp.field.mapping", "list_id", string="Field Mapping")
    push_pending_count = fields.Integer(
        compute="_compute_push_pending_count", string="Waiting for Export"
    )
    last_push_date = fields.Datetime(string="Last Export", readonly=True, copy=False)
    last_push_result = fields.Text(string="Last Export Result", readonly=True, copy=False)
    push_skipped = fields.Text(
        string="Skipped Contacts",
        readonly=True,
        copy=False,
        help="The latest contacts that could not be exported, with the reason.",
    )

    merge_field_ids = fields.One2many("mailchimp.merge.field", "list_id", string="Merge Fields")
    member_ids = fields.One2many("mailchimp.member", "list_id", string="Members")
    member_count = fields.Integer(compute="_compute_member_count")
    run_ids = fields.One2many(
        "mailchimp.sync.run",
        "list_id",
        string="Import Runs",
        domain=[("kind", "=", "member_import")],
    )
    import_running = fields.Boolean(
        compute="_compute_import_progress", help="A member import of this audience is running."
    )
    import_progress = fields.Float(
        compute="_compute_import_progress",
        help="Members read by the running import out of those it has to read, in percent.",
    )
    import_progress_text = fields.Char(
        compute="_compute_import_progress",
        string="Members Read",
        help="Members read by the running import out of those it has to read.",
    )
    campaign_ids = fields.One2many("mailchimp.campaign", "list_id", string="Campaigns")
    campaign_count = fields.Integer(compute="_compute_campaign_count")
    segment_ids = fields.One2many("mailchimp.segment", "list_id", string="Segments")
    segment_count = fields.Integer(compute="_compute_segment_count")
    interest_ids = fields.One2many("mailchimp.interest", "list_id", string="Interests")
    interest_count = fields.Integer(compute="_compute_interest_count")
    last_interest_sync_result = fields.Char(readonly=True, copy=False)

    # webhook (registration here; deliveries are mailchimp.webhook.event's)
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

    _sql_constraints = [
        ("mc_id_account_uniq", "unique(account_id, mc_id)", "This audience is already imported."),
    ]

    def _compute_member_count(self):
        set_counts(self, "member_count", "mailchimp.member", "list_id")

    def _compute_import_progress(self):
        runs = self.env["mailchimp.sync.run"]._running_imports(self)
        latest = {}
        for run in runs:
            latest.setdefault(run.list_id.id, run)
        for audience in self:
            run = latest.get(audience.id)
            audience.import_running = bool(run)
            audience.import_progress = run.progress if run else 0.0
            audience.import_progress_text = (
                self.env._(
                    "%(processed)s / %(total)s",
                    processed=count_text(self.env, run.processed),
                    total=count_text(self.env, run.total_items) if run.total_items else "?",
                )
                if run
                else False
            )

    def _compute_push_pending_count(self):
        set_counts(
            self, "push_pending_count", "mailchimp.member", "list_id", [("need_push", "=", True)]
        )

    @api.constrains("push_new", "account_id")
    def _check_single_push_new(self):
        for audience in self.filtered("push_new"):
            other = self.with_context(active_test=False).search(
                [
                    ("account_id", "=", audience.account_id.id),
                    ("push_new", "=", True),
                    ("id", "!=", audience.id),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "Only one audience per account may push new records: %(other)s already "
                        "does for account %(account)s.",
                        other=other.name,
                        account=audience.account_id.name,
                    )
                )

    def write(self, vals):
        if vals.get("sync_tags"):
            # turned on: every member's tags are merged once (both sides' tags kept)
            turned_on = self.filtered(lambda a: not a.sync_tags)
            if turned_on:
                self.env["mailchimp.member"].sudo().search(
                    [("list_id", "in", turned_on.ids)]
                ).write({"tags_dirty": True})
        if vals.get("push_new") and not vals.get("sync_from"):
            # no initial push: what exists now is sent only by Export existing contacts
            for audience in self.filtered(lambda a: not a.push_new and not a.sync_from):
                audience.sync_from = fields.Datetime.now()
        before = settings_before(self, vals, "audience")
        result = super().write(vals)
        audit_write(self, vals, before, "audience")
        return result

    def _compute_campaign_count(self):
        set_counts(self, "campaign_count", "mailchimp.campaign", "list_id")

    def _compute_segment_count(self):
        set_counts(self, "segment_count", "mailchimp.segment", "list_id")

    def _compute_interest_count(self):
        set_counts(self, "interest_count", "mailchimp.interest", "list_id")

    # ------------------------------------------------------------------
    # Audiences import
    # ------------------------------------------------------------------
    @api.model
    def _import_from_account(self, account, statistics=True):
        """Create or update the audiences of ``account`` and their merge fields; an audience
        Odoo has gets only what changed. ``statistics``: its subscriber counts too (the
        hourly refresh leaves them to the member import it starts, which reads them under
        the audience's lock: every member-sync job of an audience writes its row, and a
        long job writing it on an older snapshot meets a serialization failure)."""
        client = account._get_client()
        existing = {
            rec.mc_id: rec
            for rec in self.with_context(active_test=False).search(
                [("account_id", "=", account.id)]
            )
        }
        result = self.browse()
        for remote in client.lists():
            vals = self._values_from_remote(remote)
            audience = existing.get(remote_id(remote))
            if audience:
                if not statistics:
                    for key in STATISTICS:
                        vals.pop(key)
                changed = {key: value for key, value in vals.items() if audience[key] != value}
                if changed:
                    audience.write(changed)
            else:
                vals.update(account_id=account.id, mc_id=remote_id(remote))
                audience = self.create(vals)
            result |= audience
        for audience in result:
            if not audience.mailing_list_id:
                audience.mailing_list_id = self.env["mailing.list"].create({"name": audience.name})
            audience._import_merge_fields(client)
            audience._ensure_default_mappings()
        return result

    @api.model
    def _values_from_remote(self, remote):
        return audience_values(remote)

    def _import_merge_fields(self, client):
        self.ensure_one()
        MergeField = self.env["mailchimp.merge.field"]
        existing = {mf.tag: mf for mf in self.merge_field_ids}
        seen = set()
        for remote in client.get_merge_fields(self.mc_id):
            vals = merge_field_values(remote)
            seen.add(vals["tag"])
            if vals["tag"] in existing:
                existing[vals["tag"]].write(vals)
            else:
                MergeField.create(dict(vals, list_id=self.id))
        (self.merge_field_ids.filtered(lambda mf: mf.tag not in seen)).unlink()

    # ------------------------------------------------------------------
    # Members import
    # ------------------------------------------------------------------
    def action_import_members(self):
        self.env["mailchimp.account"]._check_mailchimp_group()
        self.check_access("read")
        runs = self._start_member_import(full=False)
        return self._notify_queued(runs)

    def action_full_resync(self):
        self.env["mailchimp.account"]._check_mailchimp_group()
        self.check_access("read")
        runs = self._start_member_import(full=True)
        return self._notify_queued(runs)

    def _notify_queued(self, runs):
        if len(runs) == 1:
            message = self.env._(
                "Member import queued; contacts appear as the pages are processed."
            )
        else:
            message = self.env._(
                "%s member imports queued; contacts appear as the pages are processed.",
                count_text(self.env, len(runs)),
            )
        return notification(
            self.env._("Mailchimp"),
            message,
            kind="info",
            close=True,
        )

    def _next_sync_serial(self):
        """Move the audience's ``sync_serial`` on (a member-sync job took it: see
        ``job_tools.lock_audience_sync``); an UPDATE of the locked row, no ORM write, so that
        neither ``write_date`` nor the live screens move for it."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "UPDATE mailchimp_list SET sync_serial = COALESCE(sync_serial, 0) + 1 "
                "WHERE id = %s",
                self.id,
            )
        )
        self.invalidate_recordset(["sync_serial"])

    def _start_member_import(self, full=False):
        """Start (or resume) one member import per audience; return the runs (the sync run
        owns the import: ``mailchimp.sync.run._start_imports``)."""
        return self.env["mailchimp.sync.run"]._start_imports(self, full=full)

    def _record_remote(self, remote):
        """A member import's first read of the audience (``remote``: Mailchimp's list): its
        statistics and settings, not its name (the run asks; only the audience writes its
        fields)."""
        vals = self._values_from_remote(remote)
        vals.pop("name", None)
        self.write(vals)

    def _record_import_done(self, watermark, when, summary):
        """A complete member import: the next incremental one starts at ``watermark``."""
        self.write(
            {"members_watermark": watermark, "last_sync_date": when, "last_sync_result": summary}
        )
        # the interests read by the import reach the mapped mailing lists
        self.filtered(lambda a: a.interest_ids.filtered("mailing_list_id"))._queue_sync_interests()

    def _record_sync_error(self, exc):
        message = self.account_id._error_message(exc)
        self.sudo().write({"last_sync_result": message, "last_sync_date": fields.Datetime.now()})
        self.sudo().message_post(body=self.env._("Member import failed: %s", message))
        audit(
            self.env,
            "import",
            self.env._(
                "Member import of %(audience)s failed: %(error)s", audience=self.name, error=message
            ),
            self,
            counts=(0, 1),
        )
        return message

    @api.model
    def _cron_fetch_audiences(self):
        """Hourly: one job per account that has 'Auto Sync Member?', which refreshes its
        audiences and starts their incremental member imports. Only enqueues (no API call)."""
        accounts = self.env["mailchimp.account"].search(
            [("auto_sync_member", "=", True), ("state", "=", "connected")]
        )
        accounts._queue_fetch_audiences()
        return True

    def action_view_members(self):
        return related_action(self, "action_mailchimp_member", "list_id")

    def action_view_campaigns(self):
        return related_action(self, "action_mailchimp_campaign", "list_id")

    def action_view_segments(self):
        return related_action(
            self, "action_mailchimp_segment", "list_id", {"default_list_id": self.id}
        )

    # ------------------------------------------------------------------
    # Odoo -> Mailchimp export
    # ------------------------------------------------------------------
    def _push_options(self):
        self.ensure_one()
        account = self.account_id
        return PushOptions(
            push_contacts=account.push_contacts,
            push_new=self.push_new,
            push_unsubscribes=self.push_unsubscribes,
            push_fields=self.push_fields and account.auto_update_contact,
            double_optin=self.double_optin,
        )

    def _pushes_changes(self):
        """Whether this audience's options send Odoo's changes to Mailchimp."""
        self.ensure_one()
        return self.account_id.push_contacts and (
            self.push_new or self.push_unsubscribes or self.push_fields
        )

    def _pushes_anything(self):
        """Whether the export has anything to send here: the audience's push options, or a
        user's opt-in request (double opt-in), which goes whatever they are."""
        self.ensure_one()
        return self._pushes_changes() or bool(
            self.env["mailchimp.member"]
            .sudo()
            .search_count(
                [("list_id", "=", self.id), ("resubscribe_requested", "=", True)], limit=1
            )
        )

    def _bind_for_push(self, contacts=None, partners=None, only_new=False):
        """Bindings (created when missing) of these mailing contacts / partners in this
        audience, marked for export. Records without a valid address are returned as
        (record, reason) in the second value."""
        self.ensure_one()
        Member = self.env["mailchimp.member"].sudo()
        subjects, skipped = {}, []
        for contact in contacts or []:
            email = member_key(contact.email)
            if not email:
                skipped.append((contact, self.env._("no valid email address")))
                continue
            subjects.setdefault(email, {"mailing_contact_id": contact.id, "email": contact.email})
        for partner in partners or []:
            raw = contact_email(partner.email, partner.parent_id.email)
            email = member_key(raw)
            if not email:
                skipped.append((partner, self.env._("no valid email address")))
                continue
            subjects.setdefault(email, {"email": raw.strip()})
            subjects[email]["partner_id"] = partner.id
        if skipped:
            lines = [
                f"{rec.email or '-'}: {reason} ({rec.display_name})" for rec, reason in skipped
            ]
            previous = (self.push_skipped or "").splitlines()
            self.sudo().push_skipped = "\n".join((lines + previous)[:200])
        erased = erased_at_by_key(self.env, subjects)
        if erased:
            # right to erasure: an erased address is never sent again from Odoo's data (a
            # contact imported again from an old file); only its own sign-up brings it back
            for email in erased:
                subjects.pop(email)
            previous = (self.push_skipped or "").splitlines()
            line = self.env._("%s erased address(es) not sent (right to erasure)", len(erased))
            self.sudo().push_skipped = "\n".join(([line] + previous)[:200])
        if not subjects:
            return Member.browse(), skipped
        existing = Member.search(
            [("list_id", "=", self.id), ("email_normalized", "in", list(subjects))]
        )
        for binding in existing:
            vals = {} if only_new else {"need_push": True}
            links = subjects.pop(binding.email_normalized)
            for key in ("mailing_contact_id", "partner_id"):
                if links.get(key) and not binding[key]:
                    vals[key] = links[key]
            if vals:
                binding.write(vals)
        new = Member.create(
            [
                dict(
                    links,
                    list_id=self.id,
                    email_normalized=email,
                    account_id=self.account_id.id,
                    company_id=self.company_id.id,
                    need_push=True,
                )
                for email, links in subjects.items()
            ]
        )
        if new:
            self.env["mailchimp.campaign.activity"].sudo()._link_audience_members(
                self, keys=new.mapped("email_normalized")
            )
        return existing | new, skipped

    def _queue_push(self):
        """Enqueue one export job per audience that has something to send."""
        queued = self.browse()
        for audience in self:
            if not audience._pushes_anything() or audience.account_id.state != "connected":
                continue
            delay(
                audience,
                self.env._("Mailchimp: export contacts to %s", audience.name),
                f"mailchimp-push-{audience.id}",
            )._job_push()
            queued |= audience
        return queued

    def _queue_withdrawals(self):
        """An opt-out or blacklisting made in Odoo reaches Mailchimp within a minute: the
        audiences that push unsubscribes get their own export job, WITHDRAWAL_DELAY seconds
        later (one waiting per audience: the withdrawals of that moment go together)."""
        eta = fields.Datetime.now() + timedelta(seconds=WITHDRAWAL_DELAY)
        for audience in self:
            if not audience.push_unsubscribes or not audience._pushes_changes():
                continue
            if audience.account_id.state != "connected":
                continue
            delay(
                audience,
                self.env._("Mailchimp: send opt-outs to %s", audience.name),
                f"mailchimp-withdraw-{audience.id}",
                eta=eta,
            )._job_push()

    @mailchimp_job()
    def _job_push(self):
        """Send up to PUSH_JOB_SIZE waiting bindings (batch calls of 500), then enqueue the
        next job if more wait. Idempotent: a binding leaves the queue once answered."""
        self.ensure_one()
        lock_audience_sync(self, "Another job of this audience runs")
        if not self.exists() or not self.account_id.active:
            return "skipped: audience or account gone"
        if not self._pushes_anything():
            return "skipped: this audience pushes nothing"
        Member = self.env["mailchimp.member"].sudo()
        domain = [("list_id", "=", self.id), ("need_push", "=", True)]
        if not self._pushes_changes():
            # only the opt-in requests go; the other changes wait for the options
            domain.append(("resubscribe_requested", "=", True))
        bindings = Member.search(domain, limit=PUSH_JOB_SIZE, order="id")
        if not bindings:
            return "nothing to export"
        try:
            mapping = self._mapping_dict()
        except UserError as exc:
            self.sudo().write(
                {"last_push_result": str(exc), "last_push_date": fields.Datetime.now()}
            )
            self.sudo().message_post(body=self.env._("Export stopped: %s", exc))
            return f"failed: {exc}"
        client = self.account_id._get_client()
        try:
            counts, skipped = (
                self.env["mailchimp.member.export"]
                .sudo()
                ._push(bindings, client, self._push_options(), mapping)
            )
            self.account_id._clock_offset()  # keep the measured clock offset
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            message = self.account_id._error_message(exc)
            self.sudo().write(
                {"last_push_result": message, "last_push_date": fields.Datetime.now()}
            )
            audit(
                self.env,
                "export",
                self.env._(
                    "Export to %(audience)s failed: %(error)s", audience=self.name, error=message
                ),
                self,
                counts=(0, len(bindings)),
            )
            return f"failed: {exc}"
        summary = self.env._(
            "%(created)s added, %(updated)s updated, %(unsubscribed)s unsubscribed, "
            "%(errors)s refused, %(skipped)s skipped.",
            **counts,
        )
        audit(
            self.env,
            "export",
            self.env._("Export to %(audience)s: %(summary)s", audience=self.name, summary=summary),
            self,
            counts=(
                counts["created"] + counts["updated"] + counts["unsubscribed"],
                counts["errors"],
            ),
        )
        if skipped:
            summary += "\n" + "\n".join(skipped[:50])
        self.sudo().write({"last_push_result": summary, "last_push_date": fields.Datetime.now()})
        if counts.get("created") or counts.get("unsubscribed"):
            self._refresh_statistics(client)
        if Member.search_count([("list_id", "=", self.id), ("need_push", "=", True)], limit=1):
            self._queue_push()
        return summary

    def _refresh_statistics(self, client):
        """The audience's subscriber counts, read again after an export changed them (one
        call); a failure only leaves them as they were until the next import."""
        self.ensure_one()
        try:
            remote = client.get_list(self.mc_id)
        except mce.MailchimpError as exc:
            _logger.warning("Mailchimp audience %s: statistics not refreshed: %s", self.mc_id, exc)
            return
        vals = audience_values(remote)
        self.sudo().write({key: vals[key] for key in STATISTICS})

    @api.model
    def _cron_push(self):
        """Hourly: bind the partners that came to match an audience's Partners to Push, then
        enqueue the export of every audience with bindings waiting (found through the
        need-push flag's partial index, no scan of the contacts)."""
        self._bind_partner_selections()
        audiences = self.browse(self.env["mailchimp.member"]._audiences_waiting_push()).exists()
        return len(audiences._queue_push())

    # ------------------------------------------------------------------
    # Tags both ways (the flow: mailchimp.tag.sync)
    # ------------------------------------------------------------------
    @api.model
    def _cron_sync_tags(self):
        """Hourly: one tag-sync job per audience with Sync tags of a connected account."""
        audiences = self.search([("sync_tags", "=", True), ("account_id.state", "=", "connected")])
        return len(audiences._queue_sync_tags())

    def _queue_sync_tags(self):
        for audience in self:
            delay(
                audience,
                self.env._("Mailchimp: sync the tags of %s", audience.name),
                f"mailchimp-tags-{audience.id}",
            )._job_sync_tags()
        return self

    def action_sync_tags_now(self):
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        audiences = self.filtered("sync_tags")
        audiences.sudo()._queue_sync_tags()
        return notification(
            self.env._("Mailchimp"),
            self.env._("Tag sync queued for %s.", ", ".join(audiences.mapped("name")))
            if audiences
            else self.env._("Sync tags is off for this audience."),
            close=True,
        )

    @mailchimp_job()
    def _job_sync_tags(self):
        """Merge the tags of the members changed on either side (mailchimp.tag.sync), under
        the audience's lock; the next job is queued while more wait."""
        self.ensure_one()
        if not self.sync_tags:
            return "skipped: Sync tags is off"
        lock_audience_sync(self, "Another job of this audience runs")
        client = self.account_id._get_client()
        try:
            done, calls, more = self.env["mailchimp.tag.sync"]._sync(self, client)
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        summary = f"{done} members' tags merged, {calls} sent to Mailchimp"
        self.sudo().last_tag_sync_result = summary
        if more:
            self._queue_sync_tags()
        return summary

    # ------------------------------------------------------------------
    # Interest groups <-> mailing lists (the flow: mailchimp.interest.sync)
    # ------------------------------------------------------------------
    def _refresh_interests(self):
        """The audience refresh's read of the interest categories and interests (a
        refusal of one audience does not stop the others)."""
        for audience in self:
            try:
                self.env["mailchimp.interest"]._import_for(
                    audience, audience.account_id._get_client()
                )
            except mce.RETRYABLE_ERRORS:
                raise
            except mce.MailchimpError as exc:
                _logger.warning("audience %s: interests not read: %s", audience.id, exc)

    def action_import_interests(self):
        """*Import Interests*: read the interest categories and interests, then offer to
        create the mailing lists of the interests without one."""
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        self.ensure_one()
        try:
            interests = self.env["mailchimp.interest"]._import_for(
                self.sudo(), self.account_id.sudo()._get_client()
            )
        except mce.MailchimpError as exc:
            raise UserError(self.account_id.sudo()._error_message(exc)) from None
        action = related_action(
            self, "action_mailchimp_interest", "list_id", {"default_list_id": self.id}
        )
        unmapped = interests.filtered(lambda i: not i.mailing_list_id)
        if unmapped:
            action["help"] = self.env._(
                "%s interests have no mailing list yet: select them and use Create the "
                "mailing lists.",
                len(unmapped),
            )
        return action

    def action_view_interests(self):
        return related_action(
            self, "action_mailchimp_interest", "list_id", {"default_list_id": self.id}
        )

    @api.model
    def _cron_sync_interests(self):
        """Hourly: one interest-sync job per audience with a mapped interest."""
        audiences = self.search(
            [
                ("interest_ids.mailing_list_id", "!=", False),
                ("account_id.state", "=", "connected"),
            ]
        )
        return len(audiences._queue_sync_interests())

    def _queue_sync_interests(self):
        for audience in self:
            delay(
                audience,
                self.env._("Mailchimp: sync the interests of %s", audience.name),
                f"mailchimp-interests-{audience.id}",
            )._job_sync_interests()
        return self

    def action_sync_interests_now(self):
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        audiences = self.filtered(lambda a: a.interest_ids.filtered("mailing_list_id"))
        audiences.sudo()._queue_sync_interests()
        return notification(
            self.env._("Mailchimp"),
            self.env._("Interest sync queued for %s.", ", ".join(audiences.mapped("name")))
            if audiences
            else self.env._("No interest of this audience is mapped to a mailing list."),
            close=True,
        )

    @mailchimp_job()
    def _job_sync_interests(self):
        """Merge the interests of the members changed on either side
        (mailchimp.interest.sync), under the audience's lock; the next job is queued while
        more wait."""
        self.ensure_one()
        lock_audience_sync(self, "Another job of this audience runs")
        client = self.account_id._get_client()
        try:
            done, calls, more = self.env["mailchimp.interest.sync"]._sync(self, client)
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        summary = f"{done} members' interests merged, {calls} calls to Mailchimp"
        self.sudo().last_interest_sync_result = summary
        if more:
            self._queue_sync_interests()
        return summary

    def _partners_to_push(self, domain):
        """(the partners matching ``domain`` (a list) in this audience's company or shared,
        those of them whose address would be a new member: no binding in this audience yet,
        not blacklisted; one partner per address)."""
        self.ensure_one()
        company = [("company_id", "in", [False, self.company_id.id])]
        Partner = self.env["res.partner"].sudo()
        matched = Partner.search(["&", *company, *domain] if domain else company, order="id")
        keys = {p.id: member_key(contact_email(p.email, p.parent_id.email)) for p in matched}
        wanted = {key for key in keys.values() if key}
        bound = set(
            self.env["mailchimp.member"]
            .sudo()
            .search([("list_id", "=", self.id), ("email_normalized", "in", list(wanted))])
            .mapped("email_normalized")
        )
        blacklisted = set(
            self.env["mail.blacklist"]
            .sudo()
            .search([("email", "in", list(wanted - bound))])
            .mapped("email")
        )
        new, seen = Partner.browse(), set()
        for partner in matched:
            key = keys[partner.id]
            if key and key not in bound and key not in blacklisted and key not in seen:
                seen.add(key)
                new |= partner
        return matched, new

    def _bind_partner_selections(self):
        """Bind the partners newly matching the Partners to Push of the audiences that push
        new records (their export is queued by the hourly cron)."""
        audiences = self.search(
            [
                ("partner_push_domain", "!=", False),
                ("push_new", "=", True),
                ("account_id.push_contacts", "=", True),
            ]
        )
        for audience in audiences:
            try:
                domain = ast.literal_eval(audience.partner_push_domain)
            except (ValueError, SyntaxError):
                _logger.warning("audience %s: Partners to Push is not a domain", audience.id)
                continue
            _matched, partners = audience._partners_to_push(domain)
            if partners:
                audience._bind_for_push(partners=partners, only_new=True)
        return audiences

    def action_partners_to_push(self):
        """Open the dialog that sets Partners to Push and says how many it would add."""
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        wizard = self.env["mailchimp.partner.push"].create(
            {"list_id": self.id, "domain": self.partner_push_domain or "[]"}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Partners to Push"),
            "res_model": "mailchimp.partner.push",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_push_now(self):
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        queued = self.sudo()._queue_push()
        return self._notify_queued_push(queued)

    def _notify_queued_push(self, queued):
        """Says how many contacts wait for the export just queued, and reloads the view."""
        if not queued:
            return notification(
                self.env._("Mailchimp"),
                self.env._("Nothing to export (check the account and audience options)."),
                close=True,
            )
        waiting = self.env["mailchimp.member"].search_count(
            [("list_id", "in", queued.ids), ("need_push", "=", True)]
        )
        names = ", ".join(queued.mapped("name"))
        return notification(
            self.env._("Mailchimp"),
            self.env._("Nothing to export in %s: Odoo and Mailchimp agree.", names)
            if not waiting
            else self.env._("Export queued for %s: 1 contact waiting to be sent.", names)
            if waiting == 1
            else self.env._(
                "Export queued for %(audiences)s: %(count)s contacts waiting to be sent.",
                audiences=names,
                count=count_text(self.env, waiting),
            ),
            kind="success",
            close=True,
        )

    def _existing_contacts_to_export(self):
        """Contacts of the mailing list, not opted out, without a binding yet."""
        self.ensure_one()
        if not self.mailing_list_id:
            return self.env["mailing.contact"]
        subs = self.env["mailing.subscription"].search(
            [("list_id", "=", self.mailing_list_id.id), ("opt_out", "=", False)]
        )
        contacts = subs.contact_id
        bound = set(
            self.env["mailchimp.member"]
            .search([("list_id", "=", self.id), ("mailing_contact_id", "in", contacts.ids)])
            .mapped("mailing_contact_id")
            .ids
        )
        return contacts.filtered(lambda c: c.id not in bound and not c.is_blacklisted)

    def action_export_existing(self):
        """Open the confirmation that says how many contacts would be sent."""
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        wizard = self.env["mailchimp.export.existing"].create({"list_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Export Existing Contacts"),
            "res_model": "mailchimp.export.existing",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _ensure_default_mappings(self):
        """FNAME/LNAME/EMAIL/PHONE/ADDRESS lines for an audience that has none yet (only the
        tags the audience has)."""
        Mapping = self.env["mailchimp.field.mapping"]
        for audience in self.filtered(lambda a: not a.mapping_ids):
            tags = set(audience.merge_field_ids.mapped("tag")) | {"EMAIL"}
            Mapping.create(
                [
                    {"list_id": audience.id, "merge_tag": tag, "source": source, "sequence": i}
                    for i, (tag, source) in enumerate(DEFAULT_MAPPING)
                    if tag in tags
                ]
            )

    def _mapping_dict(self):
        """{merge tag: source}, checked against the audience's merge fields: an unknown tag
        or a required merge field left unmapped raises a UserError naming it."""
        self.ensure_one()
        mapping = {line.merge_tag: line.source for line in self.mapping_ids}
        merge_fields = {mf.tag: mf.required for mf in self.merge_field_ids}
        for code, tags in mapping_problems(mapping, merge_fields):
            if code == MAPPING_UNKNOWN_TAG:
                raise UserError(
                    self.env._(
                        "Audience %(audience)s: Mailchimp has no merge field %(tags)s.",
                        audience=self.name,
                        tags=", ".join(tags),
                    )
                )
            raise UserError(
                self.env._(
                    "Audience %(audience)s: the required merge field %(tags)s is not mapped.",
                    audience=self.name,
                    tags=", ".join(tags),
                )
            )
        return mapping

    # ------------------------------------------------------------------
    # Welcome email: the audience's button, cron and job (the flow: mailchimp.welcome)
    # ------------------------------------------------------------------
    def _compute_welcome_waiting_count(self):
        counts = dict(
            self.env["mailchimp.member"]._read_group(
                [("list_id", "in", self.ids), ("welcome_state", "=", "waiting")],
                ["list_id"],
                ["__count"],
            )
        )
        for audience in self:
            audience.welcome_waiting_count = counts.get(audience, 0)

    def action_import_automation_emails(self):
        """Load the account's classic automations and their emails from Mailchimp."""
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        return self.env["mailchimp.welcome"]._import_emails(self)

    def _queue_welcome(self, eta=None):
        return self.env["mailchimp.welcome"]._queue(self, eta=eta)

    @api.model
    def _cron_welcome(self):
        """Hourly: a welcome job for every audience with members due (confirmed since)."""
        Welcome = self.env["mailchimp.welcome"]
        audiences = self.search([("welcome_email", "=", True)])
        due = audiences.filtered(lambda a: a.account_id.state == "connected" and Welcome._due(a))
        due._queue_welcome()
        return len(due)

    @mailchimp_job()
    def _job_send_welcome(self):
        self.ensure_one()
        return self.env["mailchimp.welcome"]._send_due(self)

    # ------------------------------------------------------------------
    # Webhooks: the registration of the audience's URL, and its job
    # ------------------------------------------------------------------

    @mailchimp_job()
    def _job_apply_webhooks(self):
        """Queue job of the audience's waiting webhook events (one waits at a time: its
        identity key); the event model applies them."""
        self.ensure_one()
        return self.env["mailchimp.webhook.event"]._apply_waiting(self)

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
        for audience in self:
            audit(
                self.env,
                "webhook_rotated",
                self.env._("Webhook secret of %s replaced", audience.name),
                audience,
            )
        return notification(
            self.env._("Mailchimp"),
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
                    "webhook_mc_id": hook_id(hook) or False,
                }
            )
            results.append((audience, True, self.env._("registered")))
            audit(
                self.env,
                "webhook_rotated" if audience.id in rotate_ids else "webhook_registered",
                self.env._("Webhook of %s registered", audience.name)
                if audience.id not in rotate_ids
                else self.env._("Webhook secret of %s replaced and registered", audience.name),
                audience,
            )
        return results

    def _delete_our_webhooks(self, client):
        """Delete the audience's previous hook and any other hook calling this database's
        webhook path (an earlier secret): one hook per audience, never a pile."""
        self.ensure_one()
        base = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        ours = {self.webhook_mc_id} if self.webhook_mc_id else set()
        for hook in client.webhooks(self.mc_id):
            if hook_url(hook).startswith(f"{base}{WEBHOOK_PATH}"):
                ours.add(hook_id(hook))
        for mc_hook_id in sorted(filter(None, ours)):
            try:
                client.delete_webhook(self.mc_id, mc_hook_id)
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
            audit(
                self.env,
                "webhook_removed",
                self.env._("Webhook of %s removed", audience.name),
                audience,
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
        return notification(
            self.env._("Mailchimp webhooks"),
            "\n".join(lines) or self.env._("No audience to register."),
            kind="danger" if failed else ("warning" if warning else "success"),
            sticky=failed or bool(warning),
        )

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: an import's or export's result naming one of these addresses."""
        names = ["last_sync_result", "last_push_result", "push_skipped", "webhook_error"]
        return scrub_fields(self, names, keys, preview)
