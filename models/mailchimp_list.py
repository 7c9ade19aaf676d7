# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from ..services import mailchimp_errors as mce
from ..services.sync_rules import (
    ACTION_CREATE,
    ACTION_SKIP,
    LocalMember,
    PullOptions,
    decide_pull,
    parse_mc_datetime,
)

_logger = logging.getLogger(__name__)

#: a plain ASCII address, which Odoo's email_normalize only lower-cases
_PLAIN_EMAIL = re.compile(r"^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)+$", re.I)


def fast_email_normalize(address):
    """``email_normalize`` with a shortcut for the plain addresses Mailchimp sends (the
    full parser costs more than the rest of a member's import)."""
    address = (address or "").strip()
    if _PLAIN_EMAIL.match(address):
        return address.lower()
    return email_normalize(address)


#: how far back an incremental pull re-reads before the previous watermark
WATERMARK_OVERLAP = timedelta(minutes=5)


class MailchimpList(models.Model):
    _name = "mailchimp.list"
    _description = "Mailchimp Audience"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    mc_id = fields.Char(string="Mailchimp ID", required=True, readonly=True, copy=False)
    web_id = fields.Char(string="Web ID", readonly=True, copy=False)
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
    import_new = fields.Boolean(string="Import new records", default=True)
    import_pull_fields = fields.Boolean(string="Import pull fields", default=True)
    import_unsubscribes = fields.Boolean(string="Import unsubscribes", default=True)
    push_new = fields.Boolean(string="Push new records")
    push_unsubscribes = fields.Boolean(string="Push unsubscribes")
    push_fields = fields.Boolean(string="Push fields")
    sync_from = fields.Datetime(help="Only contacts created or changed after this date are pushed.")

    merge_field_ids = fields.One2many("mailchimp.merge.field", "list_id", string="Merge Fields")
    member_ids = fields.One2many("mailchimp.member", "list_id", string="Members")
    member_count = fields.Integer(compute="_compute_member_count")
    run_ids = fields.One2many("mailchimp.sync.run", "list_id", string="Import Runs")
    campaign_ids = fields.One2many("mailchimp.campaign", "list_id", string="Campaigns")
    campaign_count = fields.Integer(compute="_compute_campaign_count")

    _sql_constraints = [
        ("mc_id_account_uniq", "unique(account_id, mc_id)", "This audience is already imported."),
    ]

    def _compute_member_count(self):
        data = self.env["mailchimp.member"]._read_group(
            [("list_id", "in", self.ids)], ["list_id"], ["__count"]
        )
        counts = {audience.id: count for audience, count in data}
        for audience in self:
            audience.member_count = counts.get(audience.id, 0)

    def _compute_campaign_count(self):
        data = self.env["mailchimp.campaign"]._read_group(
            [("list_id", "in", self.ids)], ["list_id"], ["__count"]
        )
        counts = {audience.id: count for audience, count in data}
        for audience in self:
            audience.campaign_count = counts.get(audience.id, 0)

    # ------------------------------------------------------------------
    # Audiences import
    # ------------------------------------------------------------------
    @api.model
    def _import_from_account(self, account):
        """Create or update the audiences of ``account`` and their merge fields."""
        client = account._get_client()
        existing = {
            rec.mc_id: rec
            for rec in self.with_context(active_test=False).search(
                [("account_id", "=", account.id)]
            )
        }
        result = self.browse()
        for remote in client.iter_pages("/lists", "lists"):
            vals = self._values_from_remote(remote)
            audience = existing.get(remote["id"])
            if audience:
                audience.write(vals)
            else:
                vals.update(account_id=account.id, mc_id=remote["id"])
                audience = self.create(vals)
            result |= audience
        for audience in result:
            if not audience.mailing_list_id:
                audience.mailing_list_id = self.env["mailing.list"].create({"name": audience.name})
            audience._import_merge_fields(client)
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
    def action_import_members(self):
        runs = self._start_member_import(full=False)
        return self._notify_queued(runs)

    def action_full_resync(self):
        runs = self._start_member_import(full=True)
        return self._notify_queued(runs)

    def _notify_queued(self, runs):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Mailchimp"),
                "message": self.env._(
                    "%s member import(s) queued; contacts appear as the pages are processed.",
                    len(runs),
                ),
                "type": "info",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _start_member_import(self, full=False):
        """Start (or resume) one member import per audience; return the runs."""
        Run = self.env["mailchimp.sync.run"].sudo()
        runs = Run.browse()
        for audience in self:
            if not audience.account_id.active:
                raise UserError(
                    self.env._("The account of audience '%s' is disconnected.", audience.name)
                )
            running = Run.search(
                [("list_id", "=", audience.id), ("state", "=", "running")], limit=1
            )
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

    def _pull_options(self):
        self.ensure_one()
        account = self.account_id
        return PullOptions(
            import_new=self.import_new,
            create_contact=account.auto_create_member,
            create_partner=account.auto_create_member and account.auto_create_partner,
            pull_fields=self.import_pull_fields,
            import_unsubscribes=self.import_unsubscribes,
            override_name=account.override_contact_name,
        )

    def _apply_member_page(self, items):
        """Apply one page of Mailchimp members: one query per kind of record read, one
        batched ``create`` per kind of record made. Returns counts."""
        self.ensure_one()
        env = self.env(
            context=dict(
                self.env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
            ),
            su=True,
        )
        audience = self.with_env(env)
        counts = {"created": 0, "updated": 0, "skipped": 0}
        remotes = {}
        for item in items:
            email = fast_email_normalize(item.get("email_address"))
            if not email:
                _logger.info("Mailchimp audience %s: skipped invalid address", self.mc_id)
                counts["skipped"] += 1
                continue
            remotes[email] = item
        if not remotes:
            return counts
        bindings = env["mailchimp.member"].search(
            [("list_id", "=", self.id), ("email_normalized", "in", list(remotes))]
        )
        by_email = {binding.email_normalized: binding for binding in bindings}
        opts = audience._pull_options()
        decisions = {}
        for email, remote in remotes.items():
            binding = by_email.get(email)
            local = None
            if binding:
                contact = binding.mailing_contact_id
                local = LocalMember(
                    status=binding.status,
                    last_changed=binding.last_changed,
                    has_contact=bool(contact),
                    first_name=contact.first_name or "",
                    last_name=contact.last_name or "",
                    synced_first_name=binding.synced_first_name or "",
                    synced_last_name=binding.synced_last_name or "",
                )
            decisions[email] = decide_pull(remote, local, opts)

        contacts = audience._pull_contacts(remotes, decisions, by_email)
        partners = audience._pull_partners(remotes, decisions)
        new_bindings = []
        for email, decision in decisions.items():
            remote = remotes[email]
            if decision.action == ACTION_SKIP:
                counts["skipped"] += 1
                continue
            vals = self._binding_values(remote)
            contact = contacts.get(email)
            if contact:
                vals["mailing_contact_id"] = contact.id
                vals["synced_first_name"] = contact.first_name or ""
                vals["synced_last_name"] = contact.last_name or ""
            if partners.get(email):
                vals["partner_id"] = partners[email].id
            if decision.action == ACTION_CREATE:
                # the stored related fields given at once: no per-record recompute
                vals.update(
                    list_id=self.id,
                    email_normalized=email,
                    account_id=self.account_id.id,
                    company_id=self.company_id.id,
                )
                new_bindings.append(vals)
                counts["created"] += 1
            else:
                by_email[email].write(vals)
                counts["updated"] += 1
        if new_bindings:
            env["mailchimp.member"].create(new_bindings)
        audience._pull_unsubscribes(remotes, decisions, contacts)
        return counts

    @api.model
    def _binding_values(self, remote):
        tags = remote.get("tags") or []
        return {
            "email": (remote.get("email_address") or "").strip(),
            "subscriber_hash": remote.get("id"),
            "status": remote.get("status"),
            "last_changed": parse_mc_datetime(remote.get("last_changed")),
            "merge_values": remote.get("merge_fields") or {},
            "tags": ", ".join(tag.get("name", "") for tag in tags) or False,
            "mc_web_id": str(remote.get("web_id") or ""),
            "mc_contact_id": remote.get("contact_id"),
            "mc_unique_email_id": remote.get("unique_email_id"),
            "unsubscribe_reason": remote.get("unsubscribe_reason") or False,
            "last_sync_date": fields.Datetime.now(),
            "sync_error": False,
        }

    def _pull_contacts(self, remotes, decisions, by_email):
        """Mailing contacts per email: linked existing ones, created missing ones, and the
        pulled field values written. Several contacts sharing an address: the oldest is
        linked, none is duplicated."""
        Contact = self.env["mailing.contact"]
        contacts = {}
        for email, binding in by_email.items():
            if binding.mailing_contact_id:
                contacts[email] = binding.mailing_contact_id
        wanted = [
            email
            for email, decision in decisions.items()
            if decision.create_contact and email not in contacts
        ]
        if wanted:
            for contact in Contact.search([("email_normalized", "in", wanted)], order="id"):
                contacts.setdefault(contact.email_normalized, contact)
        mailing_list = self.mailing_list_id
        to_create = []
        for email in wanted:
            decision = decisions[email]
            contact = contacts.get(email)
            if contact:
                if mailing_list and mailing_list not in contact.list_ids:
                    contact.write(
                        {
                            "subscription_ids": [
                                (0, 0, {"list_id": mailing_list.id, "opt_out": decision.opt_out})
                            ]
                        }
                    )
                continue
            vals = dict(decision.contact_values, email=remotes[email]["email_address"].strip())
            if mailing_list:
                vals["subscription_ids"] = [
                    (0, 0, {"list_id": mailing_list.id, "opt_out": decision.opt_out})
                ]
            to_create.append((email, vals))
        if to_create:
            created = Contact.create([vals for _email, vals in to_create])
            for (email, _vals), contact in zip(to_create, created, strict=True):
                contacts[email] = contact
        for email, decision in decisions.items():
            if decision.action != ACTION_CREATE and decision.contact_values and email in contacts:
                contacts[email].write(decision.contact_values)
        return contacts

    def _pull_partners(self, remotes, decisions):
        """res.partner per email for the members that ask for one: found or created."""
        wanted = [email for email, decision in decisions.items() if decision.create_partner]
        if not wanted:
            return {}
        Partner = self.env["res.partner"]
        partners = {}
        for partner in Partner.search([("email_normalized", "in", wanted)], order="id"):
            partners.setdefault(partner.email_normalized, partner)
        missing = [email for email in wanted if email not in partners]
        if missing:
            vals_list = []
            for email in missing:
                values = decisions[email].contact_values
                name = " ".join(
                    part for part in (values.get("first_name"), values.get("last_name")) if part
                )
                vals_list.append({"name": name or email, "email": remotes[email]["email_address"]})
            for email, partner in zip(missing, Partner.create(vals_list), strict=True):
                partners[email] = partner
        return partners

    def _pull_unsubscribes(self, remotes, decisions, contacts):
        """Opt-outs on the audience's mailing list and blacklist entries for cleaned ones."""
        opt_out_emails = [e for e, d in decisions.items() if d.opt_out and e in contacts]
        if opt_out_emails and self.mailing_list_id:
            subscriptions = self.env["mailing.subscription"].search(
                [
                    ("list_id", "=", self.mailing_list_id.id),
                    ("contact_id", "in", [contacts[e].id for e in opt_out_emails]),
                    ("opt_out", "=", False),
                ]
            )
            reason = self.env.ref(
                "mailchimp_connector.optout_reason_mailchimp", raise_if_not_found=False
            )
            subscriptions.write(
                {"opt_out": True, "opt_out_reason_id": reason.id if reason else False}
            )
        blacklist = [e for e, d in decisions.items() if d.blacklist]
        if blacklist:
            Blacklist = self.env["mail.blacklist"].with_context(active_test=False)
            known = Blacklist.search([("email", "in", blacklist)])
            for entry in known.filtered(lambda b: not b.active):
                entry.active = True
            missing = set(blacklist) - set(known.mapped("email"))
            if missing:
                Blacklist.create([{"email": email} for email in sorted(missing)])

    def _record_sync_error(self, exc):
        message = self.account_id._error_message(exc)
        self.sudo().write({"last_sync_result": message, "last_sync_date": fields.Datetime.now()})
        self.sudo().message_post(body=self.env._("Member import failed: %s", message))
        return message

    @api.model
    def _cron_fetch_audiences(self):
        """Hourly: incremental member import of every audience of the accounts that have
        'Auto Sync Member?'. Only enqueues jobs."""
        accounts = self.env["mailchimp.account"].search(
            [("auto_sync_member", "=", True), ("state", "=", "connected")]
        )
        for done, account in enumerate(accounts, start=1):
            try:
                audiences = self._import_from_account(account)
            except mce.MailchimpError as exc:
                _logger.warning(
                    "Mailchimp account %s: audience refresh failed: %s", account.id, exc
                )
            else:
                audiences._start_member_import(full=False)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(accounts) - done)
        return True

    def action_view_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mailchimp_connector.action_mailchimp_member"
        )
        action["domain"] = [("list_id", "=", self.id)]
        return action

    def action_view_campaigns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mailchimp_connector.action_mailchimp_campaign"
        )
        action["domain"] = [("list_id", "=", self.id)]
        return action
