# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: one page applied in batches, a bulk step per kind of record (bindings, contacts,
# partners, opt-outs, blacklist) and the consent reading they all decide with; the rules
# are in services/sync_rules.py.
"""Mailchimp -> Odoo: the member import flow.

An import run (``mailchimp.sync.run``) reads pages of members; each page is applied here:
the rules of ``services/sync_rules.py`` decide, these methods gather the inputs in bulk and
write the answers in batches (bindings, mailing contacts, partners, opt-outs, blacklist).
"""

import logging

from odoo import api, fields, models

from ..services.consent_rules import SOURCE_IMPORT, consent_state
from ..services.erasure_rules import refused_members
from ..services.identity import member_key
from ..services.mailchimp_data import binding_values, consent_proof, read_members
from ..services.push_rules import join_name
from ..services.sync_rules import (
    ACTION_CREATE,
    ACTION_SKIP,
    ACTION_UPDATE,
    NAMES_NOT_OVERRIDDEN,
    LocalMember,
    OdooConsent,
    PullOptions,
    blacklist_consent,
    decide_pull,
    parse_mc_datetime,
    remote_names,
    status_decided_at,
    synced_names,
)
from .erasure_tools import erased_at_by_key
from .job_tools import CONCURRENCY_ERRORS
from .odoo_identity import odoo_email_forms, stored_case_variants

_logger = logging.getLogger(__name__)


class MailchimpMemberImport(models.AbstractModel):
    """Applies pages of Mailchimp members to an audience (``audience``, each method's first
    argument): the owner of the import's writes, whoever read the members (an import run's
    page, a Full Resync's reconcile, a webhook batch, an export that learns a status)."""

    _name = "mailchimp.member.import"
    _description = "Mailchimp Member Import"

    def _pull_options(self, audience):
        audience.ensure_one()
        account = audience.account_id
        return PullOptions(
            import_new=audience.import_new,
            create_contact=account.auto_create_member,
            create_partner=account.auto_create_member and account.auto_create_partner,
            pull_fields=audience.import_pull_fields,
            import_unsubscribes=audience.import_unsubscribes,
            override_name=account.override_contact_name,
        )

    def _apply_member_page(self, audience, items, full=False, names_kept=None):
        """Apply one page of Mailchimp members: one query per kind of record read, one
        batched ``create`` per kind of record made. A member Odoo cannot take (not one valid
        address, or a value that fails) is named in ``problems`` and the others go on.
        ``full``: a Full Resync (consent state re-asserted for unchanged members too).
        ``names_kept``: a dict to fill with {address: (Odoo's name, Mailchimp's name)} for
        the members whose differing Mailchimp name was not written (the account does not
        override contact names: ``NAMES_NOT_OVERRIDDEN``).
        Returns (counts, problems): problems are (address, reason) pairs."""
        audience.ensure_one()
        counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        remotes, invalid = read_members(items)
        problems = [(value, self.env._("not one valid address")) for value in invalid]
        counts["skipped"] += len(invalid)
        # right to erasure: an erased address's old data never comes back (no problem line
        # names it); a sign-up dated after the erasure is a new member
        refused = refused_members(remotes, erased_at_by_key(self.env, remotes))
        for key in refused:
            del remotes[key]
        counts["skipped"] += len(refused)
        if not remotes:
            return counts, problems
        attempt = dict.fromkeys(counts, 0)
        try:
            with self.env.cr.savepoint():
                self._apply_members(audience, remotes, attempt, full, names_kept)
        except CONCURRENCY_ERRORS:
            raise  # a concurrent transaction, never a member's fault: the job tries again
        except Exception:  # pylint: disable=broad-except
            # one member the database refuses must not fail the page: one by one, each in
            # its own savepoint, the failing ones recorded with their reason
            self.env.invalidate_all()
            attempt = dict.fromkeys(counts, 0)
            for remote_key, remote in remotes.items():
                one = dict.fromkeys(counts, 0)
                try:
                    with self.env.cr.savepoint():
                        self._apply_members(audience, {remote_key: remote}, one, full, names_kept)
                except CONCURRENCY_ERRORS:
                    raise
                except Exception as exc:  # pylint: disable=broad-except
                    self.env.invalidate_all()
                    one = {"failed": 1}
                    reason = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
                    problems.append((remote.email, reason))
                    _logger.warning(
                        "Mailchimp audience %s: member %s not imported: %s",
                        audience.mc_id,
                        remote.email,
                        reason,
                    )
                for key, value in one.items():
                    attempt[key] += value
        for key, value in attempt.items():
            counts[key] += value
        # campaign activity read before these members arrived reaches them now
        self.env["mailchimp.campaign.activity"].sudo()._link_audience_members(
            audience, keys=list(remotes)
        )
        for address, reason in problems:
            _logger.info("Mailchimp audience %s: skipped %r: %s", audience.mc_id, address, reason)
        return counts, problems

    def _apply_members(self, audience, remotes, counts, full=False, names_kept=None):
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
        service, audience_su = self.with_env(env), audience.with_env(env)
        bindings = env["mailchimp.member"].search(
            [("list_id", "=", audience.id), ("email_normalized", "in", list(remotes))]
        )
        by_email = {binding.email_normalized: binding for binding in bindings}
        bindings._drop_moved_contacts(remotes)
        service._drop_links_to_moved_contacts(audience_su, remotes)
        offset = audience.account_id._clock_offset()  # Odoo's dates compared in Mailchimp's time
        consent = service._odoo_consent(
            audience_su, [remote.email for remote in remotes.values()], bindings, offset
        )
        elsewhere = env["mailchimp.member"]._members_elsewhere(audience, remotes)
        opts = service._pull_options(audience_su)
        decisions, locals_ = {}, {}
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
                    merge_fields=binding.merge_values,
                    web_id=binding.mc_web_id,
                    status_before_deleted=binding.status_before_deleted or None,
                    **vars(consent.get(binding.id) or OdooConsent()),
                )
            locals_[email] = local
            decisions[email] = decide_pull(
                remote,
                local,
                opts,
                full=full,
                odoo=consent.get(email),
                elsewhere=elsewhere.get(email),
            )
            if names_kept is not None and decisions[email].name_reason == NAMES_NOT_OVERRIDDEN:
                names_kept[email] = (
                    binding.mailing_contact_id.name or "",
                    join_name(*remote_names(remote)),
                )

        contacts = service._pull_contacts(audience_su, remotes, decisions, by_email)
        partners = service._pull_partners(remotes, decisions)
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
                binding = by_email.get(email)
                vals["mailing_contact_id"] = contact.id
                vals.update(
                    synced_names(
                        locals_[email],
                        contact.first_name,
                        contact.last_name,
                        bool(binding and binding.need_push),
                    )
                )
            if partners.get(email):
                vals["partner_id"] = partners[email].id
            if decision.action == ACTION_CREATE:
                # the audience's account and company given at once (no per-record compute)
                vals.update(
                    list_id=audience.id,
                    email_normalized=email,
                    account_id=audience.account_id.id,
                    company_id=audience.company_id.id,
                )
                new_bindings.append(vals)
                counts["created"] += 1
            else:
                by_email[email].write(vals)
                counts["updated"] += 1
        if new_bindings:
            env["mailchimp.member"]._insert_bindings(new_bindings)
        service._pull_consent(audience_su, remotes, decisions, contacts)
        service._record_consent(audience_su, remotes, decisions, by_email, locals_)
        # a name changed in Mailchimp shows on the partner of the member too (as on its
        # mailing contact, whose name Odoo computes from the first and last name)
        for email, decision in decisions.items():
            binding, contact = by_email.get(email), contacts.get(email)
            if (
                decision.action == ACTION_UPDATE
                and binding
                and binding.partner_id
                and contact
                and contact.name
                and {"first_name", "last_name"} & set(decision.contact_values or ())
                and binding.partner_id.name != contact.name
            ):
                binding.partner_id.name = contact.name
        env.flush_all()

    def _record_consent(self, audience, remotes, decisions, by_email, locals_):
        """The consent history of the status changes this page applied (one record each,
        none for a no-op: ``mailchimp.consent._record`` decides), dated at Mailchimp's
        decision, with its unsubscribe reason and its proof of consent."""
        changed = [
            email
            for email, decision in decisions.items()
            if decision.action != ACTION_SKIP and decision.status_changed
        ]
        if not changed:
            return
        missing = [email for email in changed if email not in by_email]
        bindings = dict(by_email)
        if missing:
            for binding in self.env["mailchimp.member"].search(
                [("list_id", "=", audience.id), ("email_normalized", "in", missing)]
            ):
                bindings[binding.email_normalized] = binding
        source = self.env.context.get("mailchimp_consent_source") or SOURCE_IMPORT
        changes = []
        for email in changed:
            remote, decision = remotes[email], decisions[email]
            status, local = remote.get("status"), locals_.get(email)
            changes.append(
                {
                    "member": bindings.get(email),
                    "state": consent_state(status),
                    # a decision Odoo had not seen: a new status, or the same one decided
                    # again (dated anew); else only a change the history lacks is written
                    "new_decision": local is None
                    or local.status != status
                    or bool(decision.decided_at and decision.decided_at != local.status_changed),
                    "status": status,
                    "source": source,
                    "decided_at": decision.decided_at
                    or parse_mc_datetime(remote.get("last_changed")),
                    "reason": remote.get("unsubscribe_reason"),
                    **consent_proof(remote),
                }
            )
        self.env["mailchimp.consent"]._record(changes)

    def _drop_links_to_moved_contacts(self, audience, remotes):
        """A contact is the member at its own address: when a contact whose address changed in
        Odoo (not sent to Mailchimp, or not yet) is at the address of a member of ``remotes``,
        its link to the binding of its old address in this audience is dropped. Else one
        contact would carry two members' decisions, and a re-subscription of the old address
        would lift an opt-out made for the new one. One query."""
        audience.ensure_one()
        forms = odoo_email_forms(remote.email for remote in remotes.values())
        if not forms:
            return
        bindings = self.env["mailchimp.member"].search(
            [
                ("list_id", "=", audience.id),
                ("mailing_contact_id.email_normalized", "in", list(forms)),
            ]
        )
        stale = bindings.filtered(
            lambda b: (
                member_key(b.mailing_contact_id.email) in remotes
                and member_key(b.mailing_contact_id.email) != b.email_normalized
            )
        )
        for binding in stale:
            _logger.info(
                "Mailchimp audience %s: contact %s is the member at its own address now, no "
                "longer %s",
                audience.mc_id,
                binding.mailing_contact_id.email,
                binding.email,
            )
        if stale:
            stale._unlink_contact(
                self.env._("The contact's new address is a member of this audience: unlinked")
            )

    def _odoo_consent(self, audience, addresses, bindings, offset):
        """Odoo's consent decisions, dated in Mailchimp's time (Odoo's date + ``offset``):
        {binding id: OdooConsent} for ``bindings`` and {member key: OdooConsent} for the
        ``addresses`` without a binding. Read from the blacklist (a person's entry is an
        opt-out, a bounce is not; an archived entry is an un-blacklisting) and from the
        subscriptions to the audience's mailing list of the contacts with those addresses or
        linked to those bindings (an opt-out, or the date an opt-out was lifted). Two
        queries."""
        audience.ensure_one()
        forms = set(odoo_email_forms(addresses))
        forms |= set(odoo_email_forms(c.email for c in bindings.mailing_contact_id if c.email))
        forms |= stored_case_variants(self.env, forms)
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
        mirrored = self.env.ref(
            "mailchimp_connector.optout_reason_mailchimp", raise_if_not_found=False
        )
        Blacklist = self.env["mail.blacklist"].sudo().with_context(active_test=False)
        for entry in Blacklist.search([("email", "in", list(forms))]) if forms else ():
            said = blacklist_consent(
                entry.active,
                bool(bounce) and entry.opt_out_reason_id == bounce,
                lift_counts=entry.mailchimp_lift_counts,
            )
            if said:
                note(member_key(entry.email), said, entry.write_date)
        contact_keys, own_out, own_in = {}, {}, {}
        if audience.mailing_list_id and (forms or bindings.mailing_contact_id):
            domain = [("contact_id.email_normalized", "in", list(forms))]
            if bindings.mailing_contact_id:
                domain = ["|", ("contact_id", "in", bindings.mailing_contact_id.ids), *domain]
            subscriptions = (
                self.env["mailing.subscription"]
                .sudo()
                .search([("list_id", "=", audience.mailing_list_id.id), *domain])
            )
            for sub in subscriptions:
                key = member_key(sub.contact_id.email)
                contact_keys[sub.contact_id.id] = key
                if sub.opt_out:
                    when = sub.opt_out_datetime or sub.write_date
                    note(key, "list_opted_out_at", when)
                    if mirrored and sub.opt_out_reason_id == mirrored:
                        note(key, "mirrored_opted_out_at", when)
                    else:
                        # an opt-out Odoo applied for Mailchimp is Mailchimp's decision on
                        # one member, not Odoo's to send (to another member of the address)
                        note(key, "opted_out_at", when)
                        own_out[sub.contact_id.id] = when + offset
                else:
                    note(key, "opted_in_at", sub.mailchimp_opt_in_date)
                    if sub.mailchimp_opt_in_date:
                        own_in[sub.contact_id.id] = sub.mailchimp_opt_in_date + offset
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
                    if attr == "unblacklisted_at" and key != binding.email_normalized:
                        # an un-blacklisting is about one address: that of the contact's
                        # other address does not lift a bounce of the member's (seed 12204278)
                        continue
                    if attr == "opted_in_at" and key != binding.email_normalized:
                        # at the address the contact moved to in Odoo, only its own opt-in
                        # lifts the member's opt-out, not another contact's there (the member
                        # is not at that address in Mailchimp; seed 130520859)
                        when = own_in.get(contact.id)
                    current = getattr(merged, attr)
                    if when and (not current or when > current):
                        setattr(merged, attr, when)
            own = [
                when
                for when in (
                    (by_key.get(binding.email_normalized) or OdooConsent()).opted_out_at,
                    own_out.get(contact.id),
                )
                if when
            ]
            merged.own_opted_out_at = max(own, default=None)
            result[binding.id] = merged
        return result

    @api.model
    def _binding_values(self, remote, decision=None):
        vals = dict(binding_values(remote), last_sync_date=fields.Datetime.now(), sync_error=False)
        last_changed = vals["last_changed"]
        if decision is None:
            vals["status_changed"] = status_decided_at(remote)
        elif decision.status_changed:
            vals["status_changed"] = decision.decided_at or last_changed
        return vals

    def _pull_contacts(self, audience, remotes, decisions, by_email):
        """Mailing contacts per email: linked existing ones, created missing ones, and the
        pulled field values written. Several contacts sharing an address: the one already on
        the audience's mailing list is linked (its subscription holds the person's decisions
        for this audience), else the oldest; none is duplicated."""
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
            forms = odoo_email_forms(remotes[email].email for email in wanted)
            found = Contact.search([("email_normalized", "in", list(forms))], order="id")
            on_list = set()
            if audience.mailing_list_id and len(found) > len(wanted):
                on_list = set(
                    self.env["mailing.subscription"]
                    .search(
                        [
                            ("list_id", "=", audience.mailing_list_id.id),
                            ("contact_id", "in", found.ids),
                        ]
                    )
                    .contact_id.ids
                )
            for contact in sorted(found, key=lambda c: (c.id not in on_list, c.id)):
                contacts.setdefault(member_key(contact.email_normalized), contact)
        mailing_list = audience.mailing_list_id
        to_create = []
        for email in wanted:
            decision = decisions[email]
            contact = contacts.get(email)
            if contact:
                if mailing_list and mailing_list not in contact.list_ids:
                    sub = {"list_id": mailing_list.id, "opt_out": decision.opt_out}
                    if decision.opt_out:
                        sub["opt_out_datetime"] = self._opt_out_date(audience, decision)
                    contact.write({"subscription_ids": [(0, 0, sub)]})
                continue
            vals = dict(decision.contact_values, email=remotes[email].email.strip())
            # the values Odoo would compute (the name from first and last name, the
            # opt-out date) given at once: no recompute for every created contact
            name = join_name(vals.get("first_name"), vals.get("last_name"))
            if name:
                vals["name"] = name
            if mailing_list:
                vals["subscription_ids"] = [
                    (
                        0,
                        0,
                        {
                            "list_id": mailing_list.id,
                            "opt_out": decision.opt_out,
                            "opt_out_datetime": self._opt_out_date(audience, decision)
                            if decision.opt_out
                            else False,
                        },
                    )
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
        forms = odoo_email_forms(remotes[email].email for email in wanted)
        for partner in Partner.search([("email_normalized", "in", list(forms))], order="id"):
            partners.setdefault(member_key(partner.email_normalized), partner)
        missing = [email for email in wanted if email not in partners]
        if missing:
            vals_list = []
            for email in missing:
                values = decisions[email].contact_values
                name = join_name(values.get("first_name"), values.get("last_name"))
                vals_list.append({"name": name or email, "email": remotes[email].email})
            for email, partner in zip(missing, Partner.create(vals_list), strict=True):
                partners[email] = partner
        return partners

    def _opt_out_date(self, audience, decision):
        """When an opt-out Odoo applies for Mailchimp was decided, on Odoo's clock: Mailchimp's
        decision time, not the time of the import that applied it (else a later import would
        take Mailchimp's own unsubscribe, applied late, for a newer decision made in Odoo)."""
        now = self.env.cr.now()
        if not decision.decided_at:
            return now
        return min(now, decision.decided_at - audience.account_id._clock_offset())

    def _pull_consent(self, audience, remotes, decisions, contacts):
        """Mailchimp's consent decisions on Odoo: opt-outs of the audience's mailing list,
        blacklist entries for cleaned (bounced) addresses, and the opt-out lifted when the
        person re-subscribed in Mailchimp after it. Only what is missing is written."""
        mailing_list = audience.mailing_list_id
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
            email_of = {contacts[e].id: e for e in opt_out_emails}
            by_date = {}
            for sub in subscriptions:
                when = self._opt_out_date(audience, decisions[email_of[sub.contact_id.id]])
                by_date[when] = by_date.get(when, Subscription) | sub
            for when, subs in by_date.items():
                subs.write(
                    {
                        "opt_out": True,
                        "opt_out_reason_id": reason.id if reason else False,
                        "opt_out_datetime": when,
                    }
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
            # a bounce the connector blacklisted is over once the person subscribes again,
            # unless the address is still cleaned (bouncing) in another audience
            still_cleaned = set(
                self.env["mailchimp.member"]
                .search(
                    [
                        ("email_normalized", "in", lift),
                        ("status", "=", "cleaned"),
                        ("list_id", "!=", audience.id),
                    ]
                )
                .mapped("email_normalized")
            )
            forms = odoo_email_forms(remotes[e].email for e in lift if e not in still_cleaned)
            Blacklist.search(
                [
                    ("email", "in", list(forms)),
                    ("active", "=", True),
                    ("opt_out_reason_id", "=", bounce.id),
                ]
            ).write({"active": False})
        blacklist = [e for e, d in decisions.items() if d.blacklist]
        if blacklist:
            forms = odoo_email_forms(remotes[e].email for e in blacklist)
            known = Blacklist.search([("email", "in", list(forms))])
            known_keys = {member_key(entry.email) for entry in known}
            # an entry lifted before is active again, now for this bounce
            known.filtered(lambda b: not b.active).write(
                {"active": True, "opt_out_reason_id": bounce.id if bounce else False}
            )
            missing = sorted(set(blacklist) - known_keys)
            if missing:
                Blacklist.create(
                    [
                        {
                            "email": remotes[email].email,
                            "opt_out_reason_id": bounce.id if bounce else False,
                        }
                        for email in missing
                    ]
                )
