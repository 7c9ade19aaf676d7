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
from ..services.mailchimp_data import member_tags_body
from ..services.statuses import STATUS_ARCHIVED, STATUS_DELETED
from ..services.tag_rules import join_tags, merge_tags, parse_tags, same_tags, tag_changes
from .job_tools import CALLS_BUDGET_SECONDS

_logger = logging.getLogger(__name__)

#: bindings one tag-sync job looks at
TAG_JOB_SIZE = 2000
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
        """Merge the tags of the waiting bindings (at most TAG_JOB_SIZE, and the Mailchimp
        calls within CALLS_BUDGET_SECONDS). Returns (bindings done, calls made, whether more
        wait)."""
        bindings = self._waiting(audience)
        started, calls, done = time.monotonic(), 0, 0
        for binding in bindings:
            if time.monotonic() - started > CALLS_BUDGET_SECONDS:
                return done, calls, True
            mailchimp = parse_tags(binding.tags)
            base = parse_tags(binding.synced_tags)
            records = [binding[link][field] for link, field in TAG_FIELDS if binding[link]]
            odoo_sides = [set(tags.mapped("name")) for tags in records]
            merged = merge_tags(base, mailchimp, *odoo_sides)
            active, inactive = tag_changes(mailchimp, merged)
            if active or inactive:
                try:
                    client.update_member_tags(
                        audience.mc_id, binding.email, member_tags_body(active, inactive)
                    )
                    calls += 1
                except mce.RETRYABLE_ERRORS:
                    raise
                except mce.MailchimpError as exc:
                    binding.write({"sync_error": str(exc), "tags_dirty": False})
                    _logger.warning("member %s: tags not sent: %s", binding.id, exc)
                    continue
            categories = self._categories(merged) if merged else {}
            wanted = [categories[name.lower()].id for name in merged]
            for link, field in TAG_FIELDS:
                record = binding[link]
                if record and not same_tags(record[field].mapped("name"), merged):
                    record.with_context(mailchimp_no_push=True).sudo().write(
                        {field: [(6, 0, wanted)]}
                    )
            # Mailchimp's spelling of the list is kept while it holds the merged tags, so that
            # the next import (which writes it again) finds nothing changed
            text = binding.tags if same_tags(mailchimp, merged) else join_tags(merged)
            binding.write({"tags": text, "synced_tags": text, "tags_dirty": False})
            done += 1
        return done, calls, len(bindings) >= TAG_JOB_SIZE
