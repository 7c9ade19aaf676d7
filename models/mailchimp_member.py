# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: the binding record (its ~45 fields, most of them Mailchimp's member as last read) and
# the SQL on its own table the flows ask of it (the page's INSERT, the seen marks, the
# tombstone); the flows themselves live in the import, export and webhook models.
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..services import mailchimp_errors as mce
from ..services.identity import member_key
from ..services.mailchimp_data import member_web_id, patch_body
from ..services.push_rules import RESUBSCRIBE_NOT_NEEDED, resubscribe_request
from ..services.statuses import STATUS_SELECTION, tombstone
from ..services.sync_rules import MemberElsewhere, stale_contact_link
from .erasure_tools import erase_records
from .mailchimp_audit_log import audit
from .mailchimp_membership_mixin import batch_default_get

_logger = logging.getLogger(__name__)


#: the statuses' one vocabulary (services/statuses.py)
STATUSES = STATUS_SELECTION


class MailchimpMember(models.Model):
    """The binding: one (audience, normalized email) pair and what Odoo last saw of it."""

    _name = "mailchimp.member"
    _description = "Mailchimp Audience Member"
    _order = "list_id, email_normalized"
    _rec_name = "email"

    # no index of its own: the unique (list_id, email_normalized) index serves list_id too
    list_id = fields.Many2one(
        "mailchimp.list", string="Audience", required=True, ondelete="cascade"
    )
    # the audience's, stored for the company rules and searches; computed (not related) and
    # editable so that the import, which gives both with each new binding, keeps them as
    # given instead of recomputing them for every one (a related field given in ``create``
    # is recomputed anyway)
    account_id = fields.Many2one(
        "mailchimp.account",
        compute="_compute_account_company",
        store=True,
        readonly=False,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_account_company",
        store=True,
        readonly=False,
        index=True,
    )
    email = fields.Char(required=True)
    email_normalized = fields.Char(required=True, index=True)
    subscriber_hash = fields.Char(index=True, copy=False)
    mc_web_id = fields.Char(string="Web ID", copy=False)
    mc_contact_id = fields.Char(string="Mailchimp Contact ID", copy=False)
    mc_unique_email_id = fields.Char(string="Unique Email ID", copy=False)
    status = fields.Selection(STATUSES, copy=False)
    status_before_deleted = fields.Selection(
        STATUSES,
        copy=False,
        readonly=True,
        help="Technical: the status Odoo last read of the member before it was taken for "
        "permanently deleted (it may have moved to another address and come back).",
    )
    last_changed = fields.Datetime(
        string="Last Changed (Mailchimp)", copy=False, help="Mailchimp's last_changed of the member"
    )
    status_changed = fields.Datetime(
        string="Status Changed (Mailchimp)",
        copy=False,
        help="When Mailchimp's status of the member last changed, as Odoo saw it: the newer "
        "of this and an opt-out made in Odoo is the consent decision that stands.",
    )
    seen_run_id = fields.Integer(
        copy=False, help="Technical: the last Full Resync that read this member."
    )
    merge_values = fields.Json(copy=False)
    tags = fields.Char(copy=False)
    synced_tags = fields.Char(copy=False)  # the tags both sides had at the last tag sync
    tags_dirty = fields.Boolean(copy=False)  # its records' Odoo tags changed since then
    # interest groups: Mailchimp's interests map as last read (JSON), that map at the last
    # interest sync, the merged values of that sync ({"interest:list": bool}), and whether
    # its contact's subscriptions to mapped lists changed in Odoo since
    mc_interests = fields.Text(copy=False)
    synced_interests = fields.Text(copy=False)
    interest_base = fields.Text(copy=False)
    interests_dirty = fields.Boolean(copy=False)
    segment_ids = fields.Many2many(
        "mailchimp.segment",
        "mailchimp_segment_member_rel",
        "member_id",
        "segment_id",
        string="Segments",
        readonly=True,
        copy=False,
    )
    unsubscribe_reason = fields.Char(copy=False)
    mailing_contact_id = fields.Many2one("mailing.contact", ondelete="set null", index=True)
    partner_id = fields.Many2one("res.partner", string="Contact", ondelete="set null", index=True)
    # the Odoo values at the last sync: a differing current value is an Odoo-side change
    name_source = fields.Char(
        string="Name Sent to Mailchimp",
        compute="_compute_name_source",
        help="Which Odoo record's name the export sends: the mailing contact's when the member "
        "has one, else the partner's. A partner renamed renames the member's mailing contact; "
        "a mailing contact renamed renames the member's partner when the account's option "
        '"Auto Create Customers In Odoo?" is on (else the partner keeps its own name).',
    )
    synced_first_name = fields.Char(copy=False)
    synced_last_name = fields.Char(copy=False)
    last_sync_date = fields.Datetime(copy=False)
    sync_error = fields.Text(copy=False)
    # Odoo -> Mailchimp
    need_push = fields.Boolean(
        copy=False, help="Changed in Odoo: sent to Mailchimp by the next export job."
    )
    push_reason = fields.Char(
        string="Last Export", readonly=True, copy=False, help="What the last export did or why not."
    )
    last_push_date = fields.Datetime(string="Last Export Date", readonly=True, copy=False)

    _sql_constraints = [
        (
            "list_email_uniq",
            "unique(list_id, email_normalized)",
            "An address is a member of an audience only once.",
        ),
    ]

    @api.model
    def default_get(self, fields_list):
        """Bulk creates (a page of 1,000 imported members) ask the same defaults once: with
        ``mailchimp_defaults_cache`` in the context the answer is computed once per batch."""
        return batch_default_get(self, fields_list, super().default_get)

    @api.model
    def _insert_bindings(self, vals_list):
        """Create bindings from ``vals_list`` (stored column values only, the audience's
        account and company given) in one INSERT: the rows ``create`` would store, without
        its per-record work (defaults, cache, SQL composition), which was a third of an
        import page job (bench/run-member-import, py-spy). For the import's new members;
        ``create`` stays the way for everything else. Returns the new records (not cached:
        read on demand), with the fields that depend on them marked to recompute."""
        if not vals_list:
            return self.browse()
        self.check_access("create")
        names = sorted({name for vals in vals_list for name in vals})
        fields_ = [self._fields[name] for name in names]
        for field in fields_:
            if not (field.store and field.column_type) or field.name in models.LOG_ACCESS_COLUMNS:
                raise ValueError(f"_insert_bindings: {field.name} is not a plain stored column")
        missing = {"list_id", "account_id", "company_id", "email", "email_normalized"} - set(names)
        if missing:
            raise ValueError(f"_insert_bindings: {sorted(missing)} not given")
        uid, now = self.env.uid, self.env.cr.now()
        rows = [
            (
                *(
                    field.convert_to_column_insert(vals.get(field.name), self, vals)
                    if field.name in vals
                    else None
                    for field in fields_
                ),
                uid,
                now,
                uid,
                now,
            )
            for vals in vals_list
        ]
        columns = [*names, "create_uid", "create_date", "write_uid", "write_date"]
        query = SQL(
            "INSERT INTO %s (%s) VALUES %%s RETURNING id",
            SQL.identifier(self._table),
            SQL(", ").join(map(SQL.identifier, columns)),
        )
        ids = [
            id_
            for (id_,) in self.env.cr.execute_values(
                query.code, rows, page_size=len(rows), fetch=True
            )
        ]
        records = self.browse(ids)
        # what ``create`` does for the records' neighbours: the one2many of the linked
        # audiences, contacts and partners (maybe in cache) and the fields depending on them
        for field in fields_:
            for inverse in self.pool.field_inverses[field]:
                self.env[inverse.model_name].invalidate_model([inverse.name])
        computed = [field for field in fields_ if field.compute]
        with self.env.protecting(computed, records):
            records.modified(names, create=True)
        return records

    @api.model
    def _store_synced_tags(self, texts):
        """A tag sync's outcome ({tags text: binding ids}): the tags as the bindings' own and
        as the base of the next merge, nothing left to send. One UPDATE per list of tags
        (no ORM write: the binding's change hooks must not mark it to export again)."""
        self.flush_model()
        for text, binding_ids in texts.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE mailchimp_member SET tags = %s, synced_tags = %s, "
                    "tags_dirty = false WHERE id = ANY(%s)",
                    text,
                    text,
                    binding_ids,
                )
            )
        self.invalidate_model(["tags", "synced_tags", "tags_dirty"])

    def _mark_deleted(self, vals):
        """Mark these bindings permanently deleted in Mailchimp (``vals``: the rest to write),
        keeping the status each had (``status_before_deleted``) and when it was decided
        (``status_changed``, left alone): a member taken for deleted may have moved, and its
        status when it comes back is only new if it differs."""
        for status in set(self.mapped("status")):
            self.filtered(lambda b, s=status: b.status == s).write(dict(vals, **tombstone(status)))

    def _mark_gone(self, **extra):
        """These bindings' members are gone from Mailchimp (a read answered 404: permanently
        deleted): the tombstone (:meth:`_mark_deleted`), dated now, nothing left to export."""
        self._mark_deleted(
            {
                "last_changed": fields.Datetime.now(),
                "need_push": False,
                "sync_error": self.env._("No longer in Mailchimp (deleted)."),
                **extra,
            }
        )

    @api.model
    def _mark_seen(self, audience, run_id, keys):
        """Full Resync: the bindings of ``audience`` at ``keys`` (member keys) were read by
        the run ``run_id``, Mailchimp still has them (one statement a page)."""
        if not keys:
            return
        self.env.cr.execute(
            "UPDATE mailchimp_member SET seen_run_id = %s "
            "WHERE list_id = %s AND email_normalized = ANY(%s)",
            (run_id, audience.id, keys),
        )
        self.invalidate_model(["seen_run_id"])

    @api.model
    def _unseen_by(self, audience, run_id, known_until_id, limit=None):
        """The bindings of ``audience`` known to Mailchimp (a status) when the Full Resync
        ``run_id`` started (ids up to ``known_until_id``) that it did not read."""
        self.flush_model(["list_id", "status", "seen_run_id"])
        self.env.cr.execute(
            """SELECT id FROM mailchimp_member
                WHERE list_id = %s AND status IS NOT NULL AND status != 'deleted'
                  AND COALESCE(seen_run_id, 0) != %s AND id <= %s
             ORDER BY id LIMIT %s""",
            (audience.id, run_id, known_until_id, limit),
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _members_elsewhere(self, audience, remotes):
        """What Odoo last read of the members of ``remotes`` (member key -> Mailchimp member)
        at another address of ``audience``, where each was before it moved to its address
        now (same ``web_id``): member key -> :class:`MemberElsewhere`. One query."""
        web_ids = {member_web_id(r): key for key, r in remotes.items() if member_web_id(r)}
        if not web_ids:
            return {}
        others = self.search(
            [
                ("list_id", "=", audience.id),
                ("mc_web_id", "in", list(web_ids)),
                ("status", "!=", False),
                ("email_normalized", "not in", list(remotes)),
            ],
            order="last_changed desc, id desc",
        )
        found = {}
        # a binding Odoo still holds first; else the status one taken for deleted had then
        for other in others.filtered(lambda b: b.status != "deleted"):
            key = web_ids[other.mc_web_id]
            found.setdefault(key, MemberElsewhere(other.status, other.status_changed))
        for other in others.filtered(lambda b: b.status == "deleted"):
            if other.status_before_deleted:
                found.setdefault(
                    web_ids[other.mc_web_id],
                    MemberElsewhere(other.status_before_deleted, other.status_changed),
                )
        return found

    def _drop_moved_contacts(self, remotes):
        """Bindings (one audience) whose member at their address is another person now, while
        their contact moved to another address in Odoo (``stale_contact_link``): the contact
        and partner links are dropped before the import applies ``remotes`` (member key ->
        Mailchimp member), so that neither person's decisions reach the other."""
        for binding in self:
            remote = remotes.get(binding.email_normalized)
            contact = binding.mailing_contact_id
            if not remote or not contact:
                continue
            if not stale_contact_link(
                remote, binding.mc_web_id, binding.email_normalized, member_key(contact.email)
            ):
                continue
            _logger.info(
                "Mailchimp audience %s: %s is another member now and its contact moved to %s in "
                "Odoo: link dropped",
                binding.list_id.mc_id,
                binding.email,
                contact.email,
            )
            binding._unlink_contact(binding._another_member_reason())

    def _another_member_reason(self):
        return self.env._(
            "Another member holds this address in Mailchimp and the contact's "
            "address changed in Odoo: unlinked"
        )

    def _unlink_contact(self, reason, **vals):
        """Drop these bindings' contact and partner links (the member is not their person
        any more), saying why on the binding."""
        self.write(
            {"mailing_contact_id": False, "partner_id": False, "push_reason": reason, **vals}
        )

    def action_resubscribe_pending(self):
        """Explicit user action: ask Mailchimp to send an opt-in confirmation (status
        pending) to an unsubscribed member. Cleaned, archived or erased members cannot."""
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("read")
        self.list_id.check_access("write")
        for binding in self:
            refusal = resubscribe_request(binding.status)
            if refusal == RESUBSCRIBE_NOT_NEEDED:
                continue
            if refusal:
                raise UserError(
                    self.env._(
                        "%(email)s is %(status)s in Mailchimp and cannot be re-subscribed.",
                        email=binding.email,
                        status=binding.status or self.env._("not a member"),
                    )
                )
            account = binding.list_id.account_id
            client = account._get_client()
            try:
                member = client.patch_member(
                    binding.list_id.mc_id, binding.email, patch_body(status="pending")
                )
            except mce.MailchimpError as exc:
                raise UserError(account._error_message(exc)) from None
            binding.sudo()._note_pending(member, self.env.user)
            summary = self.env._("Opt-in confirmation asked in %s", binding.list_id.name)
            audit(self.env, "resubscribe", summary, binding, counts=(1, 0))
        return True

    @api.model
    def _audiences_waiting_push(self):
        """The ids of the audiences with bindings waiting for export (found through the
        need-push flag's partial index, no scan of the contacts)."""
        self.env.cr.execute("SELECT DISTINCT list_id FROM mailchimp_member WHERE need_push")
        return [row[0] for row in self.env.cr.fetchall()]

    @api.depends("list_id.account_id", "list_id.company_id")
    def _compute_account_company(self):
        for member in self:
            member.account_id = member.list_id.account_id
            member.company_id = member.list_id.company_id

    @api.depends("mailing_contact_id.name", "partner_id.name")
    def _compute_name_source(self):
        for member in self:
            if member.mailing_contact_id:
                member.name_source = self.env._(
                    "%(name)s (the mailing contact)", name=member.mailing_contact_id.name or ""
                )
            elif member.partner_id:
                member.name_source = self.env._(
                    "%(name)s (the contact)", name=member.partner_id.name or ""
                )
            else:
                member.name_source = False

    @api.model
    def get_empty_list_help(self, help_message):
        """The action's help ("No Mailchimp member yet…") only when there is none at all:
        when members exist, an empty list means the search found none."""
        if self.search_count([], limit=1):
            return Markup('<p class="o_view_nocontent_empty_folder">%s</p><p>%s</p>') % (
                self.env._("No Mailchimp member matches this search"),
                self.env._(
                    "Search members by address, by name, by their mailing contact or partner, "
                    "or by audience."
                ),
            )
        return super().get_empty_list_help(help_message)

    @api.depends("email", "list_id.name")
    def _compute_display_name(self):
        for member in self:
            member.display_name = f"{member.email} ({member.list_id.name})"

    def init(self):
        res = super().init()
        # the export reads the bindings waiting to be pushed: a small partial index
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS mailchimp_member_need_push_idx "
            "ON mailchimp_member (list_id) WHERE need_push"
        )
        return res

    # ------------------------------------------------------------------
    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: the bindings of these addresses."""
        return erase_records(self.search([("email_normalized", "in", list(keys))]), preview)
