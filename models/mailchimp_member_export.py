# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo -> Mailchimp: the member export flow.

Changes made in Odoo mark bindings ``need_push``; an export job per audience sends them: the
rules of ``services/push_rules.py`` decide per binding, these methods gather the inputs and
send the answers (batch subscribe for new members and unsubscribes, PATCH for field updates
and address changes), then record Mailchimp's answer on each binding.
"""

import itertools
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import mailchimp_errors as mce
from ..services import push_rules as pr
from ..services.push_rules import (
    PUSH_CREATE,
    PUSH_SKIP,
    PUSH_UNSUBSCRIBE,
    PUSH_UPDATE,
    RESUBSCRIBE_NOT_NEEDED,
    LocalContact,
    PushOptions,
    contact_email,
    decide_push,
    resubscribe_request,
)
from ..services.sync_rules import (
    LocalMember,
    another_member,
    clean_merge_fields,
    left_again,
    normalize_email,
    opted_in_at,
    parse_mc_datetime,
    status_decided_at,
)
from . import job_tools
from .job_tools import delay, lock_audience_sync, mailchimp_job, retry_later
from .mailchimp_sync_run import MEMBER_FIELDS
from .ui_text import count_text

_logger = logging.getLogger(__name__)

#: bindings one export job sends (batch calls of 500)
PUSH_JOB_SIZE = 5000
#: archived members listed per call when an export checks its new addresses
MAX_ARCHIVED_PAGE = 1000


def push_reason_text(env, decision):
    """The push rules' reason code of ``decision`` as a translated sentence."""
    args = decision.reason_args
    texts = {
        pr.REASON_PUSHES_OFF: lambda: env._("pushes are off for this account"),
        pr.REASON_INVALID_EMAIL: lambda: env._("invalid email address %s", repr(args["email"])),
        pr.REASON_NEVER_AGAIN: lambda: env._("%s in Mailchimp: never sent again", args["status"]),
        pr.REASON_OPTED_OUT_NOT_ADDED: lambda: env._("opted out or blacklisted in Odoo: not added"),
        pr.REASON_UNSUBSCRIBES_OFF: lambda: env._("unsubscribes are not pushed for this audience"),
        pr.REASON_OPTED_OUT: lambda: env._("opted out in Odoo"),
        pr.REASON_NEW_OFF: lambda: env._("new records are not pushed for this audience"),
        pr.REASON_NEW_MEMBER: lambda: env._("new member"),
        pr.REASON_FIELDS_OFF: lambda: env._("fields are not pushed for this audience"),
        pr.REASON_NO_CONTACT: lambda: env._("no contact in Odoo: only an opt-out is sent"),
        pr.REASON_CHANGED: lambda: env._("changed in Odoo"),
        pr.REASON_ADDRESS_CHANGED: lambda: env._("address changed in Odoo"),
    }
    text = texts.get(decision.reason)
    return text() if text else decision.reason


def push_warnings_text(env, warnings):
    """The push rules' warnings ((code, args) pairs) as one translated line."""
    texts = []
    for code, args in warnings:
        if code == pr.WARNING_PHONE_NOT_UNDERSTOOD:
            texts.append(env._("phone %s not understood: not sent", repr(args["phone"])))
        elif code == pr.WARNING_PHONE_INVALID:
            texts.append(env._("phone %s is not a valid number: not sent", repr(args["phone"])))
        elif code == pr.WARNING_ADDRESS_INCOMPLETE:
            texts.append(env._("address incomplete: not sent"))
        else:
            texts.append(code)
    return "; ".join(texts)


class MailchimpListMemberExport(models.Model):
    _inherit = "mailchimp.list"

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
            raw = contact_email(partner.email, partner.parent_id.email)
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
        vals = self._values_from_remote(remote)
        self.sudo().write(
            {
                key: vals[key]
                for key in ("mc_member_count", "mc_unsubscribe_count", "mc_cleaned_count")
            }
        )

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
        """Says how many contacts wait for the export just queued, and reloads the view."""
        if not queued:
            return self._notification(
                self.env._("Nothing to export (check the account and audience options)."),
                close=True,
            )
        waiting = self.env["mailchimp.member"].search_count(
            [("list_id", "in", queued.ids), ("need_push", "=", True)]
        )
        names = ", ".join(queued.mapped("name"))
        return self._notification(
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
            "res_model": "mailchimp.export.existing",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }


class MailchimpMemberExport(models.Model):
    _inherit = "mailchimp.member"

    def _local_contact(self, consent=None):
        """The push rules' view of this binding: address, values and opt-out (``consent``:
        its OdooConsent, from ``mailchimp.list._odoo_consent``, the import's reading too)."""
        self.ensure_one()
        contact, partner = self.mailing_contact_id, self.partner_id
        if not contact and not partner:
            when = consent.opted_out_at if consent else None
            return LocalContact(
                email=self.email or "",
                opted_out=bool(when),
                opted_out_at=when,
                binding_status=self.status or None,
                binding_email=self.email or "",
                status_changed=self.status_changed,
                binding_only=True,
            )
        if contact:
            email = contact.email or ""
        else:
            # a child contact without its own address uses its parent's (the account holder)
            email = contact_email(partner.email, partner.parent_id.email)
        address_partner = partner if partner.street else partner.parent_id
        values = {
            "first_name": contact.first_name or False if contact else None,
            "last_name": contact.last_name or False if contact else None,
            "name": (contact.name if contact else partner.name) or "",
            "company_name": (contact.company_name if contact else partner.commercial_company_name)
            or "",
            "phone": partner.phone or partner.mobile or "",
            "country_code": (contact.country_id.code if contact and contact.country_id else None)
            or partner.country_id.code
            or None,
            "country": (contact.country_id.code if contact else partner.country_id.code) or "",
        }
        if contact and not contact.first_name and not contact.last_name:
            values["first_name"] = values["last_name"] = None
        if address_partner:
            values["address"] = {
                "addr1": address_partner.street or "",
                "addr2": address_partner.street2 or "",
                "city": address_partner.city or "",
                "state": address_partner.state_id.code or "",
                "zip": address_partner.zip or "",
                "country": address_partner.country_id.code or "",
            }
        when = consent.opted_out_at if consent else None
        return LocalContact(
            email=email,
            values=values,
            opted_out=bool(when),
            opted_out_at=when,
            own_opted_out_at=consent.own_opted_out_at if consent else None,
            binding_status=self.status or None,
            binding_email=self.email or "",
            status_changed=self.status_changed,
        )

    def _push(self, client, opts, mapping):
        """Send these bindings (one audience) to Mailchimp. New members and unsubscribes go
        by batch subscribe (<= 500 a call): a new member with ``status_if_new`` only (an
        existing member's status is never changed by it), an unsubscribe with its status.
        A field update goes alone by PATCH, without any status, so that a status Odoo saw
        before cannot re-subscribe a member unsubscribed or archived since. An address change
        is a PATCH under the old hash. Every binding ends with need_push off and its outcome
        in push_reason / sync_error. Returns (counts, skipped lines)."""
        audience = self.list_id
        audience.ensure_one()
        counts = {"created": 0, "updated": 0, "unsubscribed": 0, "skipped": 0, "errors": 0}
        skipped_lines = []
        # Odoo's opt-outs read as the import reads them (every contact of the address on the
        # list, a person's blacklisting, not a bounce), dated in Mailchimp's time
        consent = audience._odoo_consent(
            self.mapped("email"), self, audience.account_id._clock_offset()
        )
        batch, by_email, singles = [], {}, []
        # the unsubscribes, by the address of the member Mailchimp has: (binding, opted out at)
        unsubscribes = {}
        now = fields.Datetime.now()
        for binding in self:
            local = binding._local_contact(consent.get(binding.id))
            decision = decide_push(local, opts, mapping)
            note = push_warnings_text(self.env, decision.warnings)
            reason = push_reason_text(self.env, decision)
            if decision.action == PUSH_SKIP:
                counts["skipped"] += 1
                skipped_lines.append(f"{binding.email}: {reason}")
                binding.write({"need_push": False, "push_reason": reason, "last_push_date": now})
                continue
            email = normalize_email(local.email)
            if decision.action == PUSH_UNSUBSCRIBE:
                unsubscribes[decision.old_email or email] = (binding, local.opted_out_at)
            if decision.old_email or decision.action == PUSH_UPDATE:
                singles.append((binding, email, decision, note))
                continue
            item = {"email_address": email}
            if decision.status:
                item["status"] = decision.status
            if decision.status_if_new:
                item["status_if_new"] = decision.status_if_new
            if decision.merge_fields:
                item["merge_fields"] = decision.merge_fields
            batch.append(item)
            by_email[email] = (binding, decision, note)

        def learn_instead(found, reason):
            """Members whose unsubscribe is not sent: Mailchimp's newer state is applied as an
            import would apply it."""
            nonlocal batch, singles
            batch = [item for item in batch if item["email_address"] not in found]
            for target, member in found.items():
                binding = unsubscribes.pop(target)[0]
                by_email.pop(target, None)
                singles = [single for single in singles if single[0] != binding]
                counts["skipped"] += 1
                skipped_lines.append(f"{binding.email}: {reason}")
                binding.write({"need_push": False, "push_reason": reason, "last_push_date": now})
                audience._apply_member_page([dict(member, email_address=binding.email)])

        # opted in again in Mailchimp after the Odoo opt-out (not imported yet): the person's
        # newer decision stands
        since = {target: at for target, (_b, at) in unsubscribes.items() if at}
        learn_instead(
            self._resubscribed_since(client, audience, since),
            self.env._("re-subscribed in Mailchimp after the opt-out in Odoo"),
        )
        # unsubscribed in Mailchimp by the person since Odoo last read the member: that is
        # Mailchimp's decision, not this export's; recorded as the export's own, its consent
        # effects (the opt-out of the audience's list) would never reach Odoo
        since = {
            target: binding.last_changed
            for target, (binding, _at) in unsubscribes.items()
            if binding.status in ("subscribed", "pending") and binding.last_changed
        }
        learn_instead(
            self._unsubscribed_since(client, audience, since),
            self.env._("already unsubscribed in Mailchimp"),
        )
        creates = {email for email, (_b, d, _n) in by_email.items() if d.action == PUSH_CREATE}
        archived = self._archived_in_mailchimp(client, audience, creates) if creates else ()
        if archived:
            # batch subscribe re-adds an archived address as a new subscriber: an address
            # archived in Mailchimp (before Odoo read it) is never sent as a new member
            batch = [item for item in batch if item["email_address"] not in archived]
            reason = self.env._("archived in Mailchimp: not added again")
            for email in archived:
                binding, _decision, _note = by_email.pop(email)
                counts["skipped"] += 1
                skipped_lines.append(f"{binding.email}: {reason}")
                binding.write(
                    {
                        "need_push": False,
                        "status": "archived",
                        "push_reason": reason,
                        "last_push_date": now,
                    }
                )
        if batch:
            result = client.batch_subscribe(audience.mc_id, batch, update_existing=True)
            done = result.get("new_members", []) + result.get("updated_members", [])
            # the members this call created, not updated: the welcome email's (issue 30)
            added = {normalize_email(m.get("email_address")) for m in result.get("new_members", [])}
            welcome = False
            for member in done:
                email = normalize_email(member.get("email_address"))
                if email not in by_email:
                    continue
                binding, decision, note = by_email.pop(email)
                binding._record_push(member, decision, note, now)
                if email in added and decision.action == PUSH_CREATE:
                    welcome |= binding._note_added(member.get("status"))
                key = {PUSH_CREATE: "created", PUSH_UPDATE: "updated"}.get(
                    decision.action, "unsubscribed"
                )
                counts[key] += 1
            for error in result.get("errors", []):
                email = normalize_email(error.get("email_address"))
                if email not in by_email:
                    continue
                binding, decision, note = by_email.pop(email)
                message = error.get("error") or error.get("field_message") or "refused"
                counts["errors"] += 1
                binding._record_refusal(message, now)
            for binding, _decision, _note in by_email.values():  # neither done nor refused
                binding.write({"need_push": False, "push_reason": "no answer for this address"})
            if welcome:
                audience._queue_welcome()
        deadline = time.monotonic() + job_tools.CALLS_BUDGET_SECONDS
        for sent, (binding, email, decision, note) in enumerate(singles):
            if sent and time.monotonic() > deadline:
                break  # one call each: the rest keep need_push, for the next export job
            counts[binding._push_single(client, email, decision, note, now)] += 1
        return counts, skipped_lines

    @api.model
    def _resubscribed_since(self, client, audience, since_by_email):
        """{member key: member} of the addresses in ``since_by_email`` (member key -> when
        Odoo opted it out, in Mailchimp's time) that opted in again in Mailchimp after that
        time (usually one call)."""
        return self._members_since(
            client, audience, since_by_email, "subscribed", "since_timestamp_opt", opted_in_at
        )

    @api.model
    def _unsubscribed_since(self, client, audience, since_by_email):
        """{member key: member} of the addresses in ``since_by_email`` (member key -> the
        ``last_changed`` Odoo last read, Mailchimp's time) that are unsubscribed in Mailchimp
        with a change since (usually one call)."""
        return self._members_since(
            client,
            audience,
            since_by_email,
            "unsubscribed",
            "since_last_changed",
            lambda member: parse_mc_datetime(member.get("last_changed")),
        )

    @api.model
    def _members_since(self, client, audience, since_by_email, status, since_filter, moment):
        """The members of ``status`` whose ``moment`` (a function of the member) is after the
        time ``since_by_email`` gives their address: the members of that status are listed
        from the oldest of those times on (``since_filter``, Mailchimp's own filter)."""
        if not since_by_email:
            return {}
        found = {}
        pages = client.members_pages(
            audience.mc_id,
            status=status,
            fields=MEMBER_FIELDS,
            **{since_filter: min(since_by_email.values())},
        )
        for page in pages:
            for member in page.get("members") or []:
                email = normalize_email(member.get("email_address"))
                when = moment(member)
                if email in since_by_email and when and when > since_by_email[email]:
                    found[email] = member
        return found

    @api.model
    def _archived_in_mailchimp(self, client, audience, emails):
        """Which of ``emails`` (member keys) are archived in the audience: the archived
        members are listed (1,000 a call), or, when that would take more calls than there
        are addresses to check, each address is read on its own."""
        emails = set(emails)
        pages = client.members_pages(
            audience.mc_id, status="archived", fields=("email_address",), count=MAX_ARCHIVED_PAGE
        )
        first = next(pages)
        total = int(first.get("total_items") or 0)
        pages_left = -(-max(0, total - MAX_ARCHIVED_PAGE) // MAX_ARCHIVED_PAGE)
        found = set()
        if pages_left > len(emails):
            for email in sorted(emails):
                try:
                    member = client.member(audience.mc_id, email, fields=("status",))
                except mce.MailchimpNotFound:
                    continue
                if member.get("status") == "archived":
                    found.add(email)
            return found
        for page in itertools.chain([first], pages):
            members = page.get("members") or []
            found |= {normalize_email(m.get("email_address")) for m in members} & emails
        return found

    def _record_refusal(self, message, now):
        _logger.info(
            "Mailchimp audience %s refused %s: %s", self.list_id.mc_id, self.email, message
        )
        self.write(
            {
                "need_push": False,
                "sync_error": message,
                "push_reason": self.env._("Refused by Mailchimp"),
                "last_push_date": now,
            }
        )

    def _record_push(self, member, decision, note, now):
        contact = self.mailing_contact_id
        # status_changed dates consent decisions made in Mailchimp: set once, from the first
        # answer about a member Odoo did not know; a status this export sets later is Odoo's
        # own decision and leaves it alone
        status = member.get("status") or decision.status or self.status
        last_changed = parse_mc_datetime(member.get("last_changed")) or self.last_changed
        first_answer = not self.status and not self.status_changed
        learn = self._learned_from_answer(status, decision, member)
        vals = {
            "need_push": False,
            "sync_error": False,
            "push_reason": note or push_reason_text(self.env, decision),
            "last_push_date": now,
            "subscriber_hash": member.get("id") or self.subscriber_hash,
            # as the import stores them: Mailchimp's values may hold what PostgreSQL cannot (NUL)
            "merge_values": clean_merge_fields(member["merge_fields"])
            if member.get("merge_fields")
            else self.merge_values,
            "mc_web_id": str(member.get("web_id") or self.mc_web_id or ""),
            "mc_contact_id": member.get("contact_id") or self.mc_contact_id,
            "mc_unique_email_id": member.get("unique_email_id") or self.mc_unique_email_id,
        }
        if learn != "import":
            vals.update(status=status, last_changed=last_changed)
        if first_answer:
            # the member as Mailchimp first shows it to Odoo: when its status was decided
            vals["status_changed"] = status_decided_at(member) or last_changed
        if contact:
            vals["synced_first_name"] = contact.first_name or ""
            vals["synced_last_name"] = contact.last_name or ""
        self.write(vals)
        if learn:
            # Mailchimp's own decision, which Odoo had not read: Odoo learns it at once, as an
            # import would (the binding's status is only ever one whose consent effects Odoo
            # applied), so that Odoo's own mailings respect it too
            self.list_id._apply_member_page(
                [dict(member, email_address=self.email)], full=learn == "resync"
            )

    def _learned_from_answer(self, status, decision, member=None):
        """Whether Mailchimp's answer to this export shows a status that Mailchimp decided
        and Odoo had not read: "import" (the binding showed another status, or the same one
        reached again through an opt-in Odoo never read: the import applies the change,
        consent included), "resync" (Odoo had no status, or did not
        know of an unsubscribe or bounce that this export asked for again: recorded, then
        re-asserted as a Full Resync does), or False (the status is Odoo's own request, or
        one Odoo knew). An unsubscribe that Mailchimp had before an export asked for it
        again is found before the call (:meth:`_unsubscribed_since`)."""
        known = self.status
        if known and status != known and decision.status != status:
            return "import"
        seen = LocalMember(
            status=known, last_changed=self.last_changed, status_changed=self.status_changed
        )
        if member and decision.status != status and left_again(member, seen):
            # the same status, reached again through an opt-in Odoo never read (re-subscribed
            # and unsubscribed since): a new decision, applied as an import applies it
            # (seed 325153731), not recorded with this answer's last_changed as if known
            return "import"
        if status not in ("unsubscribed", "cleaned"):
            return False
        if decision.status != status:
            return "resync"
        return False

    def _push_single(self, client, email, decision, note, now):
        """A field update, or an address change (under the old hash): one PATCH without any
        status; or the unsubscribe of a member whose address changed in Odoo (under the old
        hash, with status unsubscribed, the address moved along when fields are pushed)."""
        old = decision.old_email or self.email_normalized or email
        moving = old != email and (decision.action != PUSH_UNSUBSCRIBE or decision.merge_fields)
        if moving:
            clash = self.search(
                [
                    ("list_id", "=", self.list_id.id),
                    ("email_normalized", "=", email),
                    ("id", "!=", self.id),
                ],
                limit=1,
            )
            taken = self.env._("%s is already a member of this audience", email)
            if clash and decision.action == PUSH_UNSUBSCRIBE and decision.opt_out_stays:
                # the address stays, the opt-out (the person's decision) goes all the same
                moving = False
                note = "; ".join(filter(None, [note, taken]))
            elif clash:
                self.write({"need_push": False, "push_reason": taken, "last_push_date": now})
                return "skipped"
        if old != email and self.mc_web_id and self._another_member_at(client, old):
            return "skipped"
        if not moving and old != email and not decision.opt_out_stays:
            # the opt-out is the new address's (another contact's there, its blacklisting),
            # and the member does not move to it: not this member's to receive
            reason = self.env._("the opt-out is of %s, where this member does not move", email)
            self.write({"need_push": False, "push_reason": reason, "last_push_date": now})
            return "skipped"
        body = {}
        if moving:
            body["email_address"] = email
        if decision.status == "unsubscribed":
            body["status"] = "unsubscribed"  # never any other: a PATCH re-subscribes nobody
        if decision.merge_fields:
            body["merge_fields"] = decision.merge_fields
        if not body:
            self.write(
                {
                    "need_push": False,
                    "push_reason": push_reason_text(self.env, decision),
                    "last_push_date": now,
                }
            )
            return "skipped"
        try:
            member = client.patch_member(self.list_id.mc_id, old, body)
        except mce.RETRYABLE_ERRORS:
            raise  # the job retries later; everything else is this member's own refusal
        except mce.MailchimpNotFound:
            # a member Odoo knew is gone from the audience: permanently deleted in Mailchimp
            # (an archived member is still found); the binding keeps it as a tombstone
            _logger.info(
                "Mailchimp audience %s has no member %s any more: marked deleted",
                self.list_id.mc_id,
                old,
            )
            self._mark_deleted(
                {
                    "need_push": False,
                    "push_reason": self.env._("Permanently deleted in Mailchimp: not sent"),
                    "last_push_date": now,
                }
            )
            return "skipped"
        except mce.MailchimpError as exc:
            refusal = exc.detail or exc.title or str(exc)
            if (
                decision.action != PUSH_UNSUBSCRIBE
                or set(body) == {"status"}
                or (old != email and not decision.opt_out_stays)
            ):
                self._record_refusal(refusal, now)
                return "errors"
            # the address or a field refused: the opt-out is the person's decision and goes
            # alone; what Mailchimp refused is reported on the binding
            try:
                member = client.patch_member(self.list_id.mc_id, old, {"status": "unsubscribed"})
            except mce.RETRYABLE_ERRORS:
                raise
            except mce.MailchimpError as again:
                self._record_refusal(again.detail or again.title or str(again), now)
                return "errors"
            moving = False
            note = "; ".join(filter(None, [note, self.env._("not sent with it: %s", refusal)]))
        if moving:
            self.write({"email": email, "email_normalized": email})
        self._record_push(member, decision, note, now)
        return "unsubscribed" if decision.action == PUSH_UNSUBSCRIBE else "updated"

    def _another_member_at(self, client, old):
        """Before a change sent under the address Odoo last synced (``old``) for a contact whose
        address changed in Odoo: whether Mailchimp's member at ``old`` is another one now (it
        changed its address or was deleted, and someone signed up with it). Then nothing is
        sent (it would reach the newcomer), the contact is unlinked and the next import links
        the member by its address (``another_member``). One read, for address changes only.

        The same member with a status Odoo has not read (unsubscribed since, say) is applied
        first, as an import would: its ``last_changed`` still dates that decision, which the
        answer to the PATCH (moved by the change itself) no longer does (seed 347742514)."""
        try:
            member = client.member(self.list_id.mc_id, old, fields=MEMBER_FIELDS)
        except mce.MailchimpNotFound:
            return False  # gone: the PATCH finds it gone too, and says so
        if not another_member(member, self.mc_web_id):
            if self.status and member.get("status") and member["status"] != self.status:
                self.list_id._apply_member_page([dict(member, email_address=self.email)])
            return False
        self._unlink_contact(self._another_member_reason(), need_push=False)
        return True

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
                    binding.list_id.mc_id, binding.email, {"status": "pending"}
                )
            except mce.MailchimpError as exc:
                raise UserError(account._error_message(exc)) from None
            last_changed = parse_mc_datetime(member.get("last_changed"))
            binding.sudo().write(
                {
                    "status": member.get("status") or "pending",
                    "last_changed": last_changed,
                    # a user's request, newer than the opt-out Odoo holds for this member:
                    # no export may unsubscribe the pending member because of that opt-out
                    # (the opt-out itself is lifted when the person confirms)
                    "status_changed": last_changed or fields.Datetime.now(),
                    "sync_error": False,
                    "push_reason": self.env._("Re-subscription requested (pending)"),
                }
            )
        return True
