# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Interest groups <-> mailing lists (``mailchimp.interest.sync``, taking the audience): a
member's ``interests`` in Mailchimp (read by every import onto the binding's
``mc_interests``) and the subscriptions of its mailing contact to the mapped mailing lists.

A binding is looked at when Mailchimp's map differs from the one of its last interest sync
(``synced_interests``) or a subscription of its contact to a mapped list changed in Odoo
(``interests_dirty``, set by ``mailing.subscription``). ``services/interest_rules.py``
decides (the side that changed since the base wins; both changed: the newest). Odoo's
subscriptions are written without marking anything (an interest off is an opt-out of the
list, never of the audience); Mailchimp's members get their interests through the export's
batch subscribe (500 a call, ``update_existing``, status untouched); the merged values
become the base, so the next sync sends nothing.
"""

import json
import logging

from odoo import models
from odoo.tools import SQL

from ..services.identity import member_key
from ..services.interest_rules import merge_member
from ..services.mailchimp_data import (
    batch_answer,
    dump_interests,
    interests_item,
    load_interests,
)
from ..services.statuses import STATUS_ARCHIVED, STATUS_DELETED

_logger = logging.getLogger(__name__)

#: bindings one interest-sync job looks at
INTEREST_JOB_SIZE = 5000


def base_key(interest):
    """The base's key of a mapped interest: its id and its list's (a new mapping has no
    base: its first merge is decided by the newest change)."""
    return f"{interest.mc_interest_id}:{interest.mailing_list_id.id}"


class MailchimpInterestSync(models.AbstractModel):
    _name = "mailchimp.interest.sync"
    _description = "Mailchimp Interest Sync"

    def _mapped(self, audience):
        return (
            self.env["mailchimp.interest"]
            .sudo()
            .search([("list_id", "=", audience.id), ("mailing_list_id", "!=", False)])
        )

    def _mark_audiences(self, audiences):
        """Every binding of ``audiences`` waits for the next interest sync."""
        if audiences:
            self.env["mailchimp.member"].sudo().search(
                [("list_id", "in", audiences.ids), ("interests_dirty", "=", False)]
            ).write({"interests_dirty": True})

    def _mark_subscriptions(self, subscriptions):
        """The bindings of the contacts of ``subscriptions`` (of lists mapped to an
        interest) wait for the next interest sync."""
        interests = (
            self.env["mailchimp.interest"]
            .sudo()
            .search([("mailing_list_id", "in", subscriptions.list_id.ids)])
        )
        if not interests:
            return
        self.env["mailchimp.member"].sudo().search(
            [
                ("list_id", "in", interests.list_id.ids),
                ("mailing_contact_id", "in", subscriptions.contact_id.ids),
                ("interests_dirty", "=", False),
            ]
        ).write({"interests_dirty": True})

    def _waiting(self, audience, limit=INTEREST_JOB_SIZE):
        """The bindings of ``audience`` whose interests changed on either side since their
        last interest sync (linked to a mailing contact, in Mailchimp)."""
        self.env["mailchimp.member"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM mailchimp_member WHERE list_id = %s"
                " AND mailing_contact_id IS NOT NULL"
                " AND status IS NOT NULL AND status NOT IN %s"
                " AND (interests_dirty OR COALESCE(mc_interests, '')"
                " <> COALESCE(synced_interests, ''))"
                " ORDER BY id LIMIT %s",
                audience.id,
                (STATUS_ARCHIVED, STATUS_DELETED),
                limit,
            )
        )
        return self.env["mailchimp.member"].sudo().browse(r[0] for r in self.env.cr.fetchall())

    def _odoo_sides(self, bindings, mapped):
        """{(contact id, list id): mailing.subscription} of the bindings' contacts on the
        mapped lists (one search)."""
        subscriptions = (
            self.env["mailing.subscription"]
            .sudo()
            .search(
                [
                    ("contact_id", "in", bindings.mailing_contact_id.ids),
                    ("list_id", "in", mapped.mailing_list_id.ids),
                ]
            )
        )
        return {(s.contact_id.id, s.list_id.id): s for s in subscriptions}

    def _sync(self, audience, client):
        """Merge the interests of the waiting bindings (at most INTEREST_JOB_SIZE). Returns
        (bindings done, calls made, whether more wait)."""
        mapped = self._mapped(audience)
        bindings = self._waiting(audience)
        if not mapped:
            bindings.write({"interests_dirty": False})
            return 0, 0, False
        subscriptions = self._odoo_sides(bindings, mapped)
        offset = audience.account_id._clock_offset()
        by_id = {i.mc_interest_id: i for i in mapped}
        results, items = {}, {}
        for binding in bindings:
            contact = binding.mailing_contact_id
            mailchimp = load_interests(binding.mc_interests)
            stored_base = load_interests(binding.interest_base)
            base, remote, odoo, odoo_at = {}, {}, {}, {}
            for interest_id, interest in by_id.items():
                key = base_key(interest)
                if key in stored_base:
                    base[interest_id] = stored_base[key]
                if interest_id in mailchimp:
                    remote[interest_id] = mailchimp[interest_id]
                sub = subscriptions.get((contact.id, interest.mailing_list_id.id))
                odoo[interest_id] = bool(sub and not sub.opt_out)
                odoo_at[interest_id] = sub.write_date + offset if sub else None
            merged, send, write = merge_member(base, remote, odoo, binding.last_changed, odoo_at)
            results[binding] = (merged, send, write)
            if send:
                items[member_key(binding.email)] = (binding, interests_item(binding.email, send))
        failed, calls = set(), 0
        if items:
            answer = client.batch_subscribe(
                audience.mc_id, [item for _b, item in items.values()], update_existing=True
            )
            calls = -(-len(items) // 500)
            for key, words in batch_answer(answer)[1]:
                binding = items.get(key, (None,))[0]
                if binding:
                    failed.add(binding)
                    binding.write({"sync_error": words, "interests_dirty": False})
                    _logger.warning("member %s: interests not sent: %s", binding.id, words)
        done = {b: r for b, r in results.items() if b not in failed}
        self._apply(done, by_id, subscriptions)
        return len(done), calls, len(bindings) >= INTEREST_JOB_SIZE

    def _apply(self, done, by_id, subscriptions):
        """The merged interests on the contacts' subscriptions (subscribed, or opted out
        of the list) and as the bindings' new base."""
        Subscription = self.env["mailing.subscription"].sudo().with_context(mailchimp_no_push=True)
        to_create, opt_in, opt_out = [], [], []
        for binding, (_merged, _send, write) in done.items():
            contact = binding.mailing_contact_id
            for interest_id, value in write.items():
                list_id = by_id[interest_id].mailing_list_id.id
                sub = subscriptions.get((contact.id, list_id))
                if value and not sub:
                    to_create.append({"contact_id": contact.id, "list_id": list_id})
                elif value:
                    opt_in.append(sub.id)
                elif sub:
                    opt_out.append(sub.id)
        if to_create:
            Subscription.create(to_create)
        if opt_in:
            Subscription.browse(opt_in).write({"opt_out": False})
        if opt_out:
            Subscription.browse(opt_out).write({"opt_out": True})
        for binding, (merged, send, _write) in done.items():
            mailchimp = load_interests(binding.mc_interests)
            mailchimp.update(send)
            text = dump_interests(mailchimp)
            base = load_interests(binding.interest_base)
            base.update({base_key(by_id[i]): v for i, v in merged.items()})
            binding.write(
                {
                    "mc_interests": text,
                    "synced_interests": text,
                    "interest_base": json.dumps(base, sort_keys=True),
                    "interests_dirty": False,
                }
            )
