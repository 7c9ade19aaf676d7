# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize

from ..services import mailchimp_errors as mce
from ..services.identity import member_key
from ..services.push_rules import PushOptions
from ..services.sync_rules import (
    ACTION_CREATE,
    ACTION_SKIP,
    LocalMember,
    OdooConsent,
    PullOptions,
    clean_merge_fields,
    clean_text,
    decide_pull,
    normalize_email,
    parse_mc_datetime,
    status_decided_at,
)
from .job_tools import delay, lock_for_job, mailchimp_job, retry_later
from .mailchimp_field_mapping import DEFAULT_MAPPING

_logger = logging.getLogger(__name__)

#: a plain ASCII address, which Odoo's email_normalize only lower-cases
_PLAIN_EMAIL = re.compile(r"^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)+$", re.I)


def odoo_email_forms(addresses):
    """The forms Odoo stores these addresses under (``email_normalized`` of contacts and
    partners, ``mail.blacklist.email``) besides their member keys: Odoo keeps the case of a
    non-ASCII local part, so ``ÉLODIE@exämple.fr`` must be looked up as both."""
    forms = set()
    for address in addresses:
        address = (address or "").strip()
        key = member_key(address)
        if key:
            forms.add(key)
        if address and not _PLAIN_EMAIL.match(address):
            odoo_form = email_normalize(address)
            if odoo_form and member_key(odoo_form) == key:
                forms.add(odoo_form)
    return forms


#: bindings one export job sends (batch calls of 500)
PUSH_JOB_SIZE = 5000

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

    def _compute_push_pending_count(self):
        data = self.env["mailchimp.member"]._read_group(
            [("list_id", "in", self.ids), ("need_push", "=", True)], ["list_id"], ["__count"]
        )
        counts = {audience.id: count for audience, count in data}
        for audience in self:
            audience.push_pending_count = counts.get(audience.id, 0)

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

    def _notification(self, message, kind=None, close=False):
        """The toast a Mailchimp button answers with (``close``: and the dialog it came from)."""
        params = {"title": self.env._("Mailchimp"), "message": message}
        if kind:
            params["type"] = kind
        if close:
            params["next"] = {"type": "ir.actions.act_window_close"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    def _notify_queued(self, runs):
        return self._notification(
            self.env._(
                "%s member import(s) queued; contacts appear as the pages are processed.",
                len(runs),
            ),
            kind="info",
            close=True,
        )

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

    def _apply_member_page(self, items, full=False):
        """Apply one page of Mailchimp members: one query per kind of record read, one
        batched ``create`` per kind of record made. A member Odoo cannot take (not one valid
        address, or a value that fails) is named in ``problems`` and the others go on.
        ``full``: a Full Resync (consent state re-asserted for unchanged members too).
        Returns (counts, problems): problems are (address, reason) pairs."""
        self.ensure_one()
        counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        problems = []
        remotes = {}
        for item in items:
            raw = item.get("email_address")
            email = member_key(raw) if isinstance(raw, str) else ""
            if not email:
                problems.append((clean_text(raw) or "-", self.env._("not one valid address")))
                counts["skipped"] += 1
                continue
            remotes[email] = dict(
                item,
                email_address=clean_text(raw),
                merge_fields=clean_merge_fields(item.get("merge_fields")),
            )
        if not remotes:
            return counts, problems
        attempt = dict.fromkeys(counts, 0)
        try:
            with self.env.cr.savepoint():
                self._apply_members(remotes, attempt, full)
        except Exception:  # pylint: disable=broad-except
            # one member the database refuses must not fail the page: one by one, each in
            # its own savepoint, the failing ones recorded with their reason
            self.env.invalidate_all()
            attempt = dict.fromkeys(counts, 0)
            for remote_key, remote in remotes.items():
                one = dict.fromkeys(counts, 0)
                try:
                    with self.env.cr.savepoint():
                        self._apply_members({remote_key: remote}, one, full)
                except Exception as exc:  # pylint: disable=broad-except
                    self.env.invalidate_all()
                    one = {"failed": 1}
                    reason = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
                    problems.append((remote["email_address"], reason))
                    _logger.warning(
                        "Mailchimp audience %s: member %s not imported: %s",
                        self.mc_id,
                        remote["email_address"],
                        reason,
                    )
                for key, value in one.items():
                    attempt[key] += value
        for key, value in attempt.items():
            counts[key] += value
        for address, reason in problems:
            _logger.info("Mailchimp audience %s: skipped %r: %s", self.mc_id, address, reason)
        return counts, problems

    def _apply_members(self, remotes, counts, full=False):
        """The body of :meth:`_apply_member_page` for members with a valid key."""
        env = self.env(
            context=dict(
                self.env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
                mailchimp_no_push=True,
            ),
            su=True,
        )
        audience = self.with_env(env)
        bindings = env["mailchimp.member"].search(
            [("list_id", "=", self.id), ("email_normalized", "in", list(remotes))]
        )
        by_email = {binding.email_normalized: binding for binding in bindings}
        offset = self.account_id._clock_offset()  # Odoo's dates compared in Mailchimp's time
        consent = audience._odoo_consent(
            [remote["email_address"] for remote in remotes.values()], bindings, offset
        )
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
                    status_changed=binding.status_changed,
                    **vars(consent.get(binding.id) or OdooConsent()),
                )
            decisions[email] = decide_pull(remote, local, opts, full=full, odoo=consent.get(email))

        contacts = audience._pull_contacts(remotes, decisions, by_email)
        partners = audience._pull_partners(remotes, decisions)
        new_bindings = []
        for email, decision in decisions.items():
            remote = remotes[email]
            if decision.action == ACTION_SKIP:
                counts["skipped"] += 1
                if decision.push_opt_out and not by_email[email].need_push:
                    by_email[email].need_push = True
                continue
            vals = self._binding_values(remote, decision)
            if decision.push_opt_out:
                vals["need_push"] = True
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
            env["mailchimp.member"].with_context(mailchimp_defaults_cache={}).create(new_bindings)
        audience._pull_consent(remotes, decisions, contacts)
        env.flush_all()

    def _odoo_consent(self, addresses, bindings, offset):
        """Odoo's consent decisions, dated in Mailchimp's time (Odoo's date + ``offset``):
        {binding id: OdooConsent} for ``bindings`` and {member key: OdooConsent} for the
        ``addresses`` without a binding. Read from the blacklist (a person's entry is an
        opt-out, a bounce is not; an archived entry is an un-blacklisting) and from the
        subscriptions to the audience's mailing list of the contacts with those addresses or
        linked to those bindings (an opt-out, or the date an opt-out was lifted). Two
        queries."""
        self.ensure_one()
        forms = set(odoo_email_forms(addresses))
        forms |= set(odoo_email_forms(c.email for c in bindings.mailing_contact_id if c.email))
        by_key = {}

        def note(key, attr, when):
            if not key or not when:
                return
            consent = by_key.setdefault(key, OdooConsent())
            when = when + offset
            current = getattr(consent, attr)
            setattr(consent, attr, max(when, current) if current else when)

        bounce = self.env.ref(
            "mailchimp_connector.optout_reason_mailchimp_cleaned", raise_if_not_found=False
        )
        Blacklist = self.env["mail.blacklist"].sudo().with_context(active_test=False)
        for entry in Blacklist.search([("email", "in", list(forms))]) if forms else ():
            key = member_key(entry.email)
            if not entry.active:
                note(key, "unblacklisted_at", entry.write_date)
            elif not bounce or entry.opt_out_reason_id != bounce:
                note(key, "opted_out_at", entry.write_date)
        contact_keys = {}
        if self.mailing_list_id and (forms or bindings.mailing_contact_id):
            domain = [("contact_id.email_normalized", "in", list(forms))]
            if bindings.mailing_contact_id:
                domain = ["|", ("contact_id", "in", bindings.mailing_contact_id.ids), *domain]
            subscriptions = (
                self.env["mailing.subscription"]
                .sudo()
                .search([("list_id", "=", self.mailing_list_id.id), *domain])
            )
            for sub in subscriptions:
                key = member_key(sub.contact_id.email)
                contact_keys[sub.contact_id.id] = key
                if sub.opt_out:
                    note(key, "opted_out_at", sub.opt_out_datetime or sub.write_date)
                else:
                    note(key, "opted_in_at", sub.mailchimp_opt_in_date)
        result = dict(by_key)
        for binding in bindings:
            keys = {binding.email_normalized}
            contact = binding.mailing_contact_id
            if contact:
                keys.add(contact_keys.get(contact.id) or member_key(contact.email))
            merged = OdooConsent()
            for key in keys:
                found = by_key.get(key)
                if not found:
                    continue
                for attr, when in vars(found).items():
                    current = getattr(merged, attr)
                    if when and (not current or when > current):
                        setattr(merged, attr, when)
            result[binding.id] = merged
        return result

    @api.model
    def _binding_values(self, remote, decision=None):
        tags = remote.get("tags") or []
        last_changed = parse_mc_datetime(remote.get("last_changed"))
        vals = {
            "email": (remote.get("email_address") or "").strip(),
            "subscriber_hash": remote.get("id"),
            "status": remote.get("status"),
            "last_changed": last_changed,
            "merge_values": remote.get("merge_fields") or {},
            "tags": ", ".join(clean_text(t.get("name")) for t in tags if isinstance(t, dict))
            or False,
            "mc_web_id": str(remote.get("web_id") or ""),
            "mc_contact_id": remote.get("contact_id"),
            "mc_unique_email_id": remote.get("unique_email_id"),
            "unsubscribe_reason": clean_text(remote.get("unsubscribe_reason")) or False,
            "last_sync_date": fields.Datetime.now(),
            "sync_error": False,
        }
        if decision is None:
            vals["status_changed"] = status_decided_at(remote)
        elif decision.status_changed:
            vals["status_changed"] = decision.decided_at or last_changed
        return vals

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
            forms = odoo_email_forms(remotes[email]["email_address"] for email in wanted)
            for contact in Contact.search([("email_normalized", "in", list(forms))], order="id"):
                contacts.setdefault(member_key(contact.email_normalized), contact)
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
            created = (
                Contact.with_context(mailchimp_defaults_cache={})
                .create([vals for _email, vals in to_create])
                .with_env(Contact.env)
            )
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
        forms = odoo_email_forms(remotes[email]["email_address"] for email in wanted)
        for partner in Partner.search([("email_normalized", "in", list(forms))], order="id"):
            partners.setdefault(member_key(partner.email_normalized), partner)
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

    def _pull_consent(self, remotes, decisions, contacts):
        """Mailchimp's consent decisions on Odoo: opt-outs of the audience's mailing list,
        blacklist entries for cleaned (bounced) addresses, and the opt-out lifted when the
        person re-subscribed in Mailchimp after it. Only what is missing is written."""
        mailing_list = self.mailing_list_id
        Subscription = self.env["mailing.subscription"]
        opt_out_emails = [e for e, d in decisions.items() if d.opt_out and e in contacts]
        if opt_out_emails and mailing_list:
            subscriptions = Subscription.search(
                [
                    ("list_id", "=", mailing_list.id),
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
        lift = [e for e, d in decisions.items() if d.clear_opt_out and e in contacts]
        if lift and mailing_list:
            Subscription.search(
                [
                    ("list_id", "=", mailing_list.id),
                    ("contact_id", "in", [contacts[e].id for e in lift]),
                    ("opt_out", "=", True),
                ]
            ).write({"opt_out": False, "opt_out_reason_id": False})
        bounce = self.env.ref(
            "mailchimp_connector.optout_reason_mailchimp_cleaned", raise_if_not_found=False
        )
        Blacklist = self.env["mail.blacklist"].with_context(active_test=False)
        if lift and bounce:
            # a bounce the connector blacklisted is over once the person subscribes again
            forms = odoo_email_forms(remotes[e]["email_address"] for e in lift)
            Blacklist.search(
                [
                    ("email", "in", list(forms)),
                    ("active", "=", True),
                    ("opt_out_reason_id", "=", bounce.id),
                ]
            ).write({"active": False})
        blacklist = [e for e, d in decisions.items() if d.blacklist]
        if blacklist:
            forms = odoo_email_forms(remotes[e]["email_address"] for e in blacklist)
            known = Blacklist.search([("email", "in", list(forms))])
            known_keys = {member_key(entry.email) for entry in known}
            known.filtered(lambda b: not b.active).write({"active": True})
            missing = sorted(set(blacklist) - known_keys)
            if missing:
                Blacklist.create(
                    [
                        {
                            "email": remotes[email]["email_address"],
                            "opt_out_reason_id": bounce.id if bounce else False,
                        }
                        for email in missing
                    ]
                )

    def _record_sync_error(self, exc):
        message = self.account_id._error_message(exc)
        self.sudo().write({"last_sync_result": message, "last_sync_date": fields.Datetime.now()})
        self.sudo().message_post(body=self.env._("Member import failed: %s", message))
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
        known = {mf.tag: mf for mf in self.merge_field_ids}
        if known:
            unknown = sorted(set(mapping) - set(known) - {"EMAIL"})
            if unknown:
                raise UserError(
                    self.env._(
                        "Audience %(audience)s: Mailchimp has no merge field %(tags)s.",
                        audience=self.name,
                        tags=", ".join(unknown),
                    )
                )
            missing = sorted(t for t, mf in known.items() if mf.required and t not in mapping)
            if missing:
                raise UserError(
                    self.env._(
                        "Audience %(audience)s: the required merge field %(tags)s is not mapped.",
                        audience=self.name,
                        tags=", ".join(missing),
                    )
                )
        return mapping

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

    def _pushes_anything(self):
        self.ensure_one()
        return self.account_id.push_contacts and (
            self.push_new or self.push_unsubscribes or self.push_fields
        )

    def _bind_for_push(self, contacts=None, partners=None, only_new=False):
        """Bindings (created when missing) of these mailing contacts / partners in this
        audience, marked for export. Records without a valid address are returned as
        (record, reason) in the second value."""
        self.ensure_one()
        Member = self.env["mailchimp.member"].sudo()
        subjects, skipped = {}, []
        for contact in contacts or []:
            email = normalize_email(contact.email)
            if not email:
                skipped.append((contact, self.env._("no valid email address")))
                continue
            subjects.setdefault(email, {"mailing_contact_id": contact.id, "email": contact.email})
        for partner in partners or []:
            raw = partner.email or partner.parent_id.email
            email = normalize_email(raw)
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

    @mailchimp_job()
    def _job_push(self):
        """Send up to PUSH_JOB_SIZE waiting bindings (batch calls of 500), then enqueue the
        next job if more wait. Idempotent: a binding leaves the queue once answered."""
        self.ensure_one()
        lock_for_job(self, "Another export of this audience runs")
        if not self.exists() or not self.account_id.active:
            return "skipped: audience or account gone"
        if not self._pushes_anything():
            return "skipped: this audience pushes nothing"
        Member = self.env["mailchimp.member"].sudo()
        bindings = Member.search(
            [("list_id", "=", self.id), ("need_push", "=", True)], limit=PUSH_JOB_SIZE, order="id"
        )
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
            counts, skipped = bindings._push(client, self._push_options(), mapping)
            self.account_id._clock_offset()  # keep the measured clock offset
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            message = self.account_id._error_message(exc)
            self.sudo().write(
                {"last_push_result": message, "last_push_date": fields.Datetime.now()}
            )
            return f"failed: {exc}"
        summary = self.env._(
            "%(created)s added, %(updated)s updated, %(unsubscribed)s unsubscribed, "
            "%(errors)s refused, %(skipped)s skipped.",
            **counts,
        )
        if skipped:
            summary += "\n" + "\n".join(skipped[:50])
        self.sudo().write({"last_push_result": summary, "last_push_date": fields.Datetime.now()})
        if Member.search_count([("list_id", "=", self.id), ("need_push", "=", True)], limit=1):
            self._queue_push()
        return summary

    @api.model
    def _cron_push(self):
        """Hourly: enqueue the export of every audience with bindings waiting (found through
        the need-push flag's partial index, no scan of the contacts)."""
        self.env.cr.execute("SELECT DISTINCT list_id FROM mailchimp_member WHERE need_push")
        audiences = self.browse([row[0] for row in self.env.cr.fetchall()]).exists()
        return len(audiences._queue_push())

    def action_push_now(self):
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        queued = self.sudo()._queue_push()
        return self._notify_queued_push(queued)

    def _notify_queued_push(self, queued):
        return self._notification(
            self.env._("Export queued for %s audience(s).", len(queued))
            if queued
            else self.env._("Nothing to export (check the account and audience options).")
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
            "res_model": "mailchimp.export.existing",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }
