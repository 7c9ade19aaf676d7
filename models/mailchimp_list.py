# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..services.push_rules import MAPPING_UNKNOWN_TAG, mapping_problems
from .mailchimp_field_mapping import DEFAULT_MAPPING
from .smart_buttons import related_action, set_counts
from .ui_text import count_text

_logger = logging.getLogger(__name__)

#: an audience's subscriber counts, as Mailchimp gives them (``_values_from_remote``)
STATISTICS = ("mc_member_count", "mc_unsubscribe_count", "mc_cleaned_count")


class MailchimpList(models.Model):
    _name = "mailchimp.list"
    _description = "Mailchimp Audience"
    _inherit = ["mail.thread", "mailchimp.live.mixin"]
    _order = "name, id"

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

    _sql_constraints = [
        ("mc_id_account_uniq", "unique(account_id, mc_id)", "This audience is already imported."),
    ]

    def _compute_member_count(self):
        set_counts(self, "member_count", "mailchimp.member", "list_id")

    def _running_member_imports(self):
        """The running member imports of these audiences, newest first."""
        return self.env["mailchimp.sync.run"].search(
            [
                ("list_id", "in", self.ids),
                ("kind", "=", "member_import"),
                ("state", "=", "running"),
            ],
            order="id desc",
        )

    def _compute_import_progress(self):
        runs = self._running_member_imports()
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
        if vals.get("push_new") and not vals.get("sync_from"):
            # no initial push: what exists now is sent only by Export existing contacts
            for audience in self.filtered(lambda a: not a.push_new and not a.sync_from):
                audience.sync_from = fields.Datetime.now()
        return super().write(vals)

    def _compute_campaign_count(self):
        set_counts(self, "campaign_count", "mailchimp.campaign", "list_id")

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
            audience = existing.get(remote["id"])
            if audience:
                if not statistics:
                    for key in STATISTICS:
                        vals.pop(key)
                changed = {key: value for key, value in vals.items() if audience[key] != value}
                if changed:
                    audience.write(changed)
            else:
                vals.update(account_id=account.id, mc_id=remote["id"])
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
        stats = remote.get("stats") or {}
        return {
            "name": remote.get("name") or remote["id"],
            "web_id": str(remote.get("web_id") or ""),
            "double_optin": bool(remote.get("double_optin")),
            "mc_member_count": stats.get("member_count", 0),
            "mc_unsubscribe_count": stats.get("unsubscribe_count", 0),
            "mc_cleaned_count": stats.get("cleaned_count", 0),
        }

    def _import_merge_fields(self, client):
        self.ensure_one()
        MergeField = self.env["mailchimp.merge.field"]
        existing = {mf.tag: mf for mf in self.merge_field_ids}
        seen = set()
        for remote in client.get_merge_fields(self.mc_id):
            vals = {
                "name": remote.get("name") or remote["tag"],
                "tag": remote["tag"],
                "merge_id": remote.get("merge_id"),
                "field_type": remote.get("type") or "text",
                "required": bool(remote.get("required")),
            }
            seen.add(remote["tag"])
            if remote["tag"] in existing:
                existing[remote["tag"]].write(vals)
            else:
                MergeField.create(dict(vals, list_id=self.id))
        (self.merge_field_ids.filtered(lambda mf: mf.tag not in seen)).unlink()

    # ------------------------------------------------------------------
    # Members import
    # ------------------------------------------------------------------
    def _notification(self, message, kind=None, close=False):
        """The toast a Mailchimp button answers with (``close``: and the dialog it came from)."""
        params = {"title": self.env._("Mailchimp"), "message": message}
        if kind:
            params["type"] = kind
        if close:
            params["next"] = {"type": "ir.actions.act_window_close"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

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

    # ------------------------------------------------------------------
    # Odoo -> Mailchimp export
    # ------------------------------------------------------------------
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
