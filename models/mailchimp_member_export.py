# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: one export of an audience's bindings (batch subscribe, PATCHes, the guards before
# an unsubscribe and the answer recorded); the rules are in services/push_rules.py.
"""Odoo -> Mailchimp: the member export flow (``mailchimp.member.export``).

Changes made in Odoo mark bindings ``need_push``; an export job per audience
(``mailchimp.list._job_push``) hands them here: the rules of ``services/push_rules.py``
decide per binding, these methods gather the inputs and send the answers (batch subscribe for
new members and unsubscribes, PATCH for field updates and address changes), then record
Mailchimp's answer on each binding.
"""

import itertools
import logging
import time

from odoo import api, fields, models

from ..services import mailchimp_errors as mce
from ..services import push_rules as pr
from ..services.consent_rules import (
    SOURCE_EXPORT,
    SOURCE_IMPORT,
    consent_state,
)
from ..services.identity import member_key
from ..services.mailchimp_data import (
    ADDRESS_FIELDS,
    MEMBER_FIELDS,
    address_key,
    answer_values,
    at_address,
    batch_answer,
    consent_proof,
    member_status,
    page_members,
    patch_body,
    status_only,
    subscribe_item,
)
from ..services.push_rules import (
    LEARN_IMPORT,
    LEARN_RESYNC,
    PUSH_CREATE,
    PUSH_SKIP,
    PUSH_UNSUBSCRIBE,
    PUSH_UPDATE,
    LocalContact,
    contact_email,
    decide_push,
    learned_from_answer,
    resubscribed_after,
    unsubscribed_after,
)
from ..services.sync_rules import (
    LocalMember,
    another_member,
    status_decided_at,
)
from . import job_tools

_logger = logging.getLogger(__name__)

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


class MailchimpMemberExport(models.AbstractModel):
    """Sends bindings to Mailchimp (``bindings``/``binding``: each method's first argument)
    and records Mailchimp's answer on them: the audience's export job
    (``mailchimp.list._job_push``) hands it the bindings waiting, with the audience's options
    and mapping. A status Mailchimp decided that the answer shows is applied by the import
    (``mailchimp.member.import``), as an import would."""

    _name = "mailchimp.member.export"
    _description = "Mailchimp Member Export"

    def _local_contact(self, binding, consent=None):
        """The push rules' view of this binding: address, values and opt-out (``consent``:
        its OdooConsent, from ``mailchimp.member.import._odoo_consent``, the import's
        reading too)."""
        binding.ensure_one()
        contact, partner = binding.mailing_contact_id, binding.partner_id
        if not contact and not partner:
            when = consent.opted_out_at if consent else None
            return LocalContact(
                email=binding.email or "",
                opted_out=bool(when),
                opted_out_at=when,
                binding_status=binding.status or None,
                binding_email=binding.email or "",
                status_changed=binding.status_changed,
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
            list_opted_out=bool(consent and consent.list_opted_out_at),
            binding_status=binding.status or None,
            binding_email=binding.email or "",
            status_changed=binding.status_changed,
        )

    def _push(self, bindings, client, opts, mapping):
        """Send these bindings (one audience) to Mailchimp. New members and unsubscribes go
        by batch subscribe (<= 500 a call): a new member with ``status_if_new`` only (an
        existing member's status is never changed by it), an unsubscribe with its status.
        A field update goes alone by PATCH, without any status, so that a status Odoo saw
        before cannot re-subscribe a member unsubscribed or archived since. An address change
        is a PATCH under the old hash. Every binding ends with need_push off and its outcome
        in push_reason / sync_error. Returns (counts, skipped lines)."""
        audience = bindings.list_id
        audience.ensure_one()
        counts = {"created": 0, "updated": 0, "unsubscribed": 0, "skipped": 0, "errors": 0}
        self._send_opt_in_requests(bindings.filtered("resubscribe_requested"), client)
        skipped_lines = []
        # Odoo's opt-outs read as the import reads them (every contact of the address on the
        # list, a person's blacklisting, not a bounce), dated in Mailchimp's time
        consent = self.env["mailchimp.member.import"]._odoo_consent(
            audience, bindings.mapped("email"), bindings, audience.account_id._clock_offset()
        )
        batch, by_email, singles = [], {}, []
        # the unsubscribes, by the address of the member Mailchimp has: (binding, opted out at)
        unsubscribes = {}
        now = fields.Datetime.now()
        for binding in bindings:
            local = self._local_contact(binding, consent.get(binding.id))
            decision = decide_push(local, opts, mapping)
            note = push_warnings_text(self.env, decision.warnings)
            reason = push_reason_text(self.env, decision)
            if decision.action == PUSH_SKIP:
                counts["skipped"] += 1
                skipped_lines.append(f"{binding.email}: {reason}")
                binding.write({"need_push": False, "push_reason": reason, "last_push_date": now})
                continue
            email = member_key(local.email)
            if decision.action == PUSH_UNSUBSCRIBE:
                unsubscribes[decision.old_email or email] = (binding, local.opted_out_at)
            if decision.old_email or decision.action == PUSH_UPDATE:
                singles.append((binding, email, decision, note))
                continue
            batch.append(
                subscribe_item(
                    email,
                    status=decision.status,
                    status_if_new=decision.status_if_new,
                    merge_fields=decision.merge_fields,
                )
            )
            by_email[email] = (binding, decision, note)

        def learn_instead(found, reason):
            """Members whose unsubscribe is not sent: Mailchimp's newer state is applied as an
            import would apply it."""
            nonlocal batch, singles
            batch = [item for item in batch if address_key(item) not in found]
            for target, member in found.items():
                binding = unsubscribes.pop(target)[0]
                by_email.pop(target, None)
                singles = [single for single in singles if single[0] != binding]
                counts["skipped"] += 1
                skipped_lines.append(f"{binding.email}: {reason}")
                binding.write({"need_push": False, "push_reason": reason, "last_push_date": now})
                self.env["mailchimp.member.import"]._apply_member_page(
                    audience, [at_address(member, binding.email)]
                )

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
            batch = [item for item in batch if address_key(item) not in archived]
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
            done, refused = batch_answer(result)
            # the members this call created, not updated: the welcome email's (issue 30)
            added = {address_key(m) for m in result.get("new_members", [])}
            welcome = False
            for member in done:
                email = address_key(member)
                if email not in by_email:
                    continue
                binding, decision, note = by_email.pop(email)
                self._record_push(binding, member, decision, note, now)
                if email in added and decision.action == PUSH_CREATE:
                    welcome |= binding._note_added(member.get("status"))
                key = {PUSH_CREATE: "created", PUSH_UPDATE: "updated"}.get(
                    decision.action, "unsubscribed"
                )
                counts[key] += 1
            for email, message in refused:
                if email not in by_email:
                    continue
                binding, decision, note = by_email.pop(email)
                counts["errors"] += 1
                self._record_refusal(binding, message, now)
            for binding, _decision, _note in by_email.values():  # neither done nor refused
                binding.write({"need_push": False, "push_reason": "no answer for this address"})
            if welcome:
                self.env["mailchimp.welcome"]._queue(audience)
        deadline = time.monotonic() + job_tools.CALLS_BUDGET_SECONDS
        for sent, (binding, email, decision, note) in enumerate(singles):
            if sent and time.monotonic() > deadline:
                break  # one call each: the rest keep need_push, for the next export job
            counts[self._push_single(binding, client, email, decision, note, now)] += 1
        # an opt-out waiting for Mailchimp is sent (or had nothing to send) once its binding
        # leaves the queue
        bindings.filtered(lambda b: b.withdrawal_waiting and not b.need_push).write(
            {"withdrawal_waiting": False}
        )
        return counts, skipped_lines

    def _send_opt_in_requests(self, bindings, client):
        """A user's opt-in of an unsubscribed person is only a request: Mailchimp is asked
        to email them a confirmation (PATCH to pending, one call each, after a read that
        checks the member is still unsubscribed: a status Mailchimp decided meanwhile is
        applied as an import applies it, and the request dropped)."""
        for binding in bindings:
            audience = binding.list_id
            try:
                member = client.member(audience.mc_id, binding.email, fields=MEMBER_FIELDS)
                if member_status(member) != "unsubscribed":
                    binding.write({"resubscribe_requested": False})
                    self.env["mailchimp.member.import"]._apply_member_page(
                        audience, [at_address(member, binding.email)]
                    )
                    continue
                member = client.patch_member(
                    audience.mc_id, binding.email, patch_body(status="pending")
                )
            except mce.RETRYABLE_ERRORS:
                raise
            except mce.MailchimpError as exc:
                binding.write(
                    {
                        "resubscribe_requested": False,
                        "sync_error": exc.detail or exc.title or str(exc),
                        "push_reason": self.env._("Opt-in request refused by Mailchimp"),
                    }
                )
                continue
            binding._note_pending(member)

    @api.model
    def _resubscribed_since(self, client, audience, since_by_email):
        """{member key: member} of the addresses in ``since_by_email`` (member key -> when
        Odoo opted it out, in Mailchimp's time) that opted in again in Mailchimp after that
        time (usually one call)."""
        return self._members_since(
            client,
            audience,
            since_by_email,
            "subscribed",
            "since_timestamp_opt",
            resubscribed_after,
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
            unsubscribed_after,
        )

    @api.model
    def _members_since(self, client, audience, since_by_email, status, since_filter, after):
        """The members of ``status`` that changed after the time ``since_by_email`` gives
        their address (``after(member, time)``, a rule of push_rules): the members of that
        status are listed from the oldest of those times on (``since_filter``, Mailchimp's own
        filter)."""
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
            for member in page_members(page)[0]:
                email = address_key(member)
                if email in since_by_email and after(member, since_by_email[email]):
                    found[email] = member
        return found

    @api.model
    def _archived_in_mailchimp(self, client, audience, emails):
        """Which of ``emails`` (member keys) are archived in the audience: the archived
        members are listed (1,000 a call), or, when that would take more calls than there
        are addresses to check, each address is read on its own."""
        emails = set(emails)
        pages = client.members_pages(
            audience.mc_id, status="archived", fields=ADDRESS_FIELDS, count=MAX_ARCHIVED_PAGE
        )
        first = next(pages)
        total = int(page_members(first)[1])
        pages_left = -(-max(0, total - MAX_ARCHIVED_PAGE) // MAX_ARCHIVED_PAGE)
        found = set()
        if pages_left > len(emails):
            for email in sorted(emails):
                try:
                    member = client.member(audience.mc_id, email, fields=("status",))
                except mce.MailchimpNotFound:
                    continue
                if member_status(member) == "archived":
                    found.add(email)
            return found
        for page in itertools.chain([first], pages):
            members = page_members(page)[0]
            found |= {address_key(m) for m in members} & emails
        return found

    def _record_refusal(self, binding, message, now):
        _logger.info(
            "Mailchimp audience %s refused %s: %s", binding.list_id.mc_id, binding.email, message
        )
        binding.write(
            {
                "need_push": False,
                "sync_error": message,
                "push_reason": self.env._("Refused by Mailchimp"),
                "last_push_date": now,
            }
        )

    def _record_push(self, binding, member, decision, note, now):
        contact = binding.mailing_contact_id
        # status_changed dates consent decisions made in Mailchimp: set once, from the first
        # answer about a member Odoo did not know; a status this export sets later is Odoo's
        # own decision and leaves it alone
        answer = answer_values(
            member,
            {
                "subscriber_hash": binding.subscriber_hash,
                "merge_values": binding.merge_values,
                "mc_web_id": binding.mc_web_id,
                "mc_contact_id": binding.mc_contact_id,
                "mc_unique_email_id": binding.mc_unique_email_id,
                "status": decision.status or binding.status,
                "last_changed": binding.last_changed,
            },
        )
        status, last_changed = answer.pop("status"), answer.pop("last_changed")
        first_answer = not binding.status and not binding.status_changed
        seen = LocalMember(
            status=binding.status,
            last_changed=binding.last_changed,
            status_changed=binding.status_changed,
        )
        learn = learned_from_answer(seen, status, decision.status, member)
        vals = {
            "need_push": False,
            "sync_error": False,
            "push_reason": note or push_reason_text(self.env, decision),
            "last_push_date": now,
            **answer,
        }
        if learn != LEARN_IMPORT:
            vals.update(status=status, last_changed=last_changed)
        if first_answer:
            # the member as Mailchimp first shows it to Odoo: when its status was decided
            vals["status_changed"] = status_decided_at(member) or last_changed
        if contact:
            vals["synced_first_name"] = contact.first_name or ""
            vals["synced_last_name"] = contact.last_name or ""
        binding.write(vals)
        if learn != LEARN_IMPORT:
            # the opt status Mailchimp answers, in the consent history when it changed (a new
            # member, or a status the answer taught Odoo; an unsubscribe this export sent was
            # written when it was made in Odoo)
            self.env["mailchimp.consent"]._record(
                [
                    {
                        "member": binding,
                        "state": consent_state(binding.status),
                        "status": binding.status,
                        "new_decision": bool(learn),
                        "source": SOURCE_IMPORT if learn else SOURCE_EXPORT,
                        "decided_at": last_changed,
                        "reason": member.get("unsubscribe_reason"),
                        **consent_proof(member),
                    }
                ]
            )
        if learn:
            # Mailchimp's own decision, which Odoo had not read: Odoo learns it at once, as an
            # import would (the binding's status is only ever one whose consent effects Odoo
            # applied), so that Odoo's own mailings respect it too
            self.env["mailchimp.member.import"]._apply_member_page(
                binding.list_id, [at_address(member, binding.email)], full=learn == LEARN_RESYNC
            )

    def _push_single(self, binding, client, email, decision, note, now):
        """A field update, or an address change (under the old hash): one PATCH without any
        status; or the unsubscribe of a member whose address changed in Odoo (under the old
        hash, with status unsubscribed, the address moved along when fields are pushed)."""
        old = decision.old_email or binding.email_normalized or email
        moving = old != email and (decision.action != PUSH_UNSUBSCRIBE or decision.merge_fields)
        if moving:
            clash = binding.search(
                [
                    ("list_id", "=", binding.list_id.id),
                    ("email_normalized", "=", email),
                    ("id", "!=", binding.id),
                ],
                limit=1,
            )
            taken = self.env._("%s is already a member of this audience", email)
            if clash and decision.action == PUSH_UNSUBSCRIBE and decision.opt_out_stays:
                # the address stays, the opt-out (the person's decision) goes all the same
                moving = False
                note = "; ".join(filter(None, [note, taken]))
            elif clash:
                binding.write({"need_push": False, "push_reason": taken, "last_push_date": now})
                return "skipped"
        if old != email and binding.mc_web_id and self._another_member_at(binding, client, old):
            return "skipped"
        if not moving and old != email and not decision.opt_out_stays:
            # the opt-out is the new address's (another contact's there, its blacklisting),
            # and the member does not move to it: not this member's to receive
            reason = self.env._("the opt-out is of %s, where this member does not move", email)
            binding.write({"need_push": False, "push_reason": reason, "last_push_date": now})
            return "skipped"
        body = patch_body(
            email=email if moving else None,
            # never any other status: a PATCH re-subscribes nobody
            status="unsubscribed" if decision.status == "unsubscribed" else None,
            merge_fields=decision.merge_fields,
        )
        if not body:
            binding.write(
                {
                    "need_push": False,
                    "push_reason": push_reason_text(self.env, decision),
                    "last_push_date": now,
                }
            )
            return "skipped"
        try:
            member = client.patch_member(binding.list_id.mc_id, old, body)
        except mce.RETRYABLE_ERRORS:
            raise  # the job retries later; everything else is this member's own refusal
        except mce.MailchimpNotFound:
            # a member Odoo knew is gone from the audience: permanently deleted in Mailchimp
            # (an archived member is still found); the binding keeps it as a tombstone
            _logger.info(
                "Mailchimp audience %s has no member %s any more: marked deleted",
                binding.list_id.mc_id,
                old,
            )
            binding._mark_deleted(
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
                or status_only(body)
                or (old != email and not decision.opt_out_stays)
            ):
                self._record_refusal(binding, refusal, now)
                return "errors"
            # the address or a field refused: the opt-out is the person's decision and goes
            # alone; what Mailchimp refused is reported on the binding
            try:
                member = client.patch_member(
                    binding.list_id.mc_id, old, patch_body(status="unsubscribed")
                )
            except mce.RETRYABLE_ERRORS:
                raise
            except mce.MailchimpError as again:
                self._record_refusal(binding, again.detail or again.title or str(again), now)
                return "errors"
            moving = False
            note = "; ".join(filter(None, [note, self.env._("not sent with it: %s", refusal)]))
        if moving:
            binding.write({"email": email, "email_normalized": email})
        self._record_push(binding, member, decision, note, now)
        return "unsubscribed" if decision.action == PUSH_UNSUBSCRIBE else "updated"

    def _another_member_at(self, binding, client, old):
        """Before a change sent under the address Odoo last synced (``old``) for a contact whose
        address changed in Odoo: whether Mailchimp's member at ``old`` is another one now (it
        changed its address or was deleted, and someone signed up with it). Then nothing is
        sent (it would reach the newcomer), the contact is unlinked and the next import links
        the member by its address (``another_member``). One read, for address changes only.

        The same member with a status Odoo has not read (unsubscribed since, say) is applied
        first, as an import would: its ``last_changed`` still dates that decision, which the
        answer to the PATCH (moved by the change itself) no longer does (seed 347742514)."""
        try:
            member = client.member(binding.list_id.mc_id, old, fields=MEMBER_FIELDS)
        except mce.MailchimpNotFound:
            return False  # gone: the PATCH finds it gone too, and says so
        if not another_member(member, binding.mc_web_id):
            status = member_status(member)
            if binding.status and status and status != binding.status:
                self.env["mailchimp.member.import"]._apply_member_page(
                    binding.list_id, [at_address(member, binding.email)]
                )
            return False
        binding._unlink_contact(binding._another_member_reason(), need_push=False)
        return True
