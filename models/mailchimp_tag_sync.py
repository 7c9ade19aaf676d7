# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tags both ways (``mailchimp.tag.sync``, taking the audience): a member's Mailchimp tags
(read by every import onto the binding's ``tags``) and the Odoo tags of its mailing contact
(``tag_ids``) and partner (``category_id``), for an audience with *Sync tags*.

A binding is looked at when Mailchimp's tags differ from those of the last tag sync
(``synced_tags``) or its records' tags changed in Odoo (``tags_dirty``, set by their
``write``). The three-way merge of ``services/tag_rules.py`` decides; Odoo's records are
written without marking anything, Mailchimp's member gets one ``POST …/tags`` with
``is_syncing`` (its tag automations do not fire), and the merged tags become the base.
"""

import logging
import time

from odoo import models
from odoo.tools import SQL

from ..services import mailchimp_errors as mce
from ..services.identity import member_key
from ..services.mailchimp_data import (
    member_tags_body,
    segment_answer,
    segment_body,
    segment_members_body,
    segment_values,
)
from ..services.segment_rules import segment_calls
from ..services.statuses import STATUS_ARCHIVED, STATUS_DELETED
from ..services.tag_rules import (
    group_changes,
    join_tags,
    merge_tags,
    parse_tags,
    same_tags,
    tag_changes,
)
from .job_tools import CALLS_BUDGET_SECONDS

_logger = logging.getLogger(__name__)

#: bindings one tag-sync job looks at
TAG_JOB_SIZE = 5000
#: the field holding the Odoo tags of each linked record
TAG_FIELDS = (("mailing_contact_id", "tag_ids"), ("partner_id", "category_id"))


class MailchimpTagSync(models.AbstractModel):
    _name = "mailchimp.tag.sync"
    _description = "Mailchimp Tag Sync"

    def _waiting(self, audience, limit=TAG_JOB_SIZE):
        """The bindings of ``audience`` whose tags changed on either side since their last
        tag sync (linked to a record, in Mailchimp)."""
        self.env["mailchimp.member"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM mailchimp_member WHERE list_id = %s"
                " AND (mailing_contact_id IS NOT NULL OR partner_id IS NOT NULL)"
                " AND status IS NOT NULL AND status NOT IN %s"
                " AND (tags_dirty OR COALESCE(tags, '') <> COALESCE(synced_tags, ''))"
                " ORDER BY id LIMIT %s",
                audience.id,
                (STATUS_ARCHIVED, STATUS_DELETED),
                limit,
            )
        )
        return self.env["mailchimp.member"].sudo().browse(r[0] for r in self.env.cr.fetchall())

    def _categories(self, names):
        """{lower-cased name: res.partner.category}, created when missing."""
        Category = self.env["res.partner.category"].sudo()
        found = {}
        for category in Category.search([("name", "in", list(names))], order="id"):
            found.setdefault(category.name.lower(), category)
        for name in names:
            if name.lower() not in found:
                found[name.lower()] = Category.create({"name": name})
        return found

    def _sync(self, audience, client):
        """Merge the tags of the waiting bindings (at most TAG_JOB_SIZE). A tag changed on
        many members goes through its static segment (500 a call); the other changes one
        call per member (``is_syncing``), within CALLS_BUDGET_SECONDS. Returns (bindings
        done, calls made, whether more wait)."""
        bindings = self._waiting(audience)
        merged_of, changes = {}, {}
        for binding in bindings:
            mailchimp = parse_tags(binding.tags)
            base = parse_tags(binding.synced_tags)
            odoo_sides = [
                set(binding[link][field].mapped("name"))
                for link, field in TAG_FIELDS
                if binding[link]
            ]
            merged_of[binding] = merged = merge_tags(base, mailchimp, *odoo_sides)
            active, inactive = tag_changes(mailchimp, merged)
            if active or inactive:
                changes[binding] = (active, inactive)
        bulk, single = group_changes(changes)
        failed, calls = set(), 0
        if bulk:
            calls += self._send_bulk(audience, client, bulk, failed)
        started, left = time.monotonic(), False
        items = list(single.items())
        for index, (binding, (active, inactive)) in enumerate(items):
            if binding in failed:
                continue
            if time.monotonic() - started > CALLS_BUDGET_SECONDS:
                # the rest waits for the next job (their bindings stay as they are)
                left = True
                failed.update(b for b, _change in items[index:])
                break
            try:
                client.update_member_tags(
                    audience.mc_id, binding.email, member_tags_body(active, inactive)
                )
                calls += 1
            except mce.RETRYABLE_ERRORS:
                raise
            except mce.MailchimpError as exc:
                failed.add(binding)
                binding.write({"sync_error": str(exc), "tags_dirty": False})
                _logger.warning("member %s: tags not sent: %s", binding.id, exc)
        done = {b: m for b, m in merged_of.items() if b not in failed}
        self._apply(done)
        return len(done), calls, left or len(bindings) >= TAG_JOB_SIZE

    def _send_bulk(self, audience, client, bulk, failed):
        """The tags changed on many members, through their static segments (made when
        missing); the members Mailchimp refused join ``failed``. Returns the calls made."""
        segments = {
            str(seg.get("name") or "").lower(): seg.get("id")
            for seg in client.static_segments(audience.mc_id)
        }
        calls = 1
        for key, (name, adds, removes) in bulk.items():
            segment_id = segments.get(key)
            if not segment_id:
                if not adds:
                    continue
                segment_id = segment_values(
                    client.create_segment(audience.mc_id, segment_body(name))
                )["mc_segment_id"]
                calls += 1
            by_key = {member_key(b.email): b for b in adds + removes}
            for add, remove in segment_calls([b.email for b in adds], [b.email for b in removes]):
                answer = client.update_segment_members(
                    audience.mc_id, segment_id, segment_members_body(add, remove)
                )
                calls += 1
                for email_key, words in segment_answer(answer)[2].items():
                    binding = by_key.get(email_key)
                    if binding:
                        failed.add(binding)
                        binding.write({"sync_error": words, "tags_dirty": False})
        return calls

    def _apply(self, merged_of):
        """The merged tags ({binding: names}) on the bindings' records and as their new
        base: one write per distinct set of tags and field, one UPDATE per stored list."""
        names = set().union(*merged_of.values()) if merged_of else set()
        categories = self._categories(names) if names else {}
        targets, texts = {}, {}
        for binding, merged in merged_of.items():
            for link, field in TAG_FIELDS:
                record = binding[link]
                if record and not same_tags(record[field].mapped("name"), merged):
                    ids = tuple(sorted(categories[name.lower()].id for name in merged))
                    targets.setdefault((record._name, field, ids), []).append(record.id)
            # Mailchimp's spelling of the list is kept while it holds the merged tags, so
            # that the next import (which writes it again) finds nothing changed
            text = (
                binding.tags if same_tags(parse_tags(binding.tags), merged) else join_tags(merged)
            )
            texts.setdefault(text or None, []).append(binding.id)
        for (model, field, ids), record_ids in targets.items():
            self.env[model].sudo().browse(record_ids).with_context(mailchimp_no_push=True).write(
                {field: [(6, 0, list(ids))]}
            )
        self.env["mailchimp.member"]._store_synced_tags(texts)
