# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..services import segment_rules as sr
from .erasure_tools import erase_records

SKIP_REASON_SELECTION = [
    (sr.SKIP_NO_EMAIL, "No valid email address"),
    (sr.SKIP_NOT_IN_AUDIENCE, "Not in the audience"),
    (sr.SKIP_WAITING_EXPORT, "Waiting for its export"),
    (sr.SKIP_UNSUBSCRIBED, "Unsubscribed"),
    (sr.SKIP_CLEANED, "Cleaned (bounced)"),
    (sr.SKIP_ARCHIVED, "Archived in Mailchimp"),
    (sr.SKIP_DELETED, "Permanently deleted"),
    (sr.SKIP_TRANSACTIONAL, "Transactional only"),
    (sr.SKIP_REFUSED, "Refused by Mailchimp"),
]


class MailchimpSegmentSkip(models.Model):
    """An address a segment selects that its last sync left out of the Mailchimp segment,
    and why (rewritten by each sync: :meth:`_replace_for`)."""

    _name = "mailchimp.segment.skip"
    _description = "Mailchimp Segment: Skipped Address"
    _order = "reason, email"
    _rec_name = "email"

    segment_id = fields.Many2one(
        "mailchimp.segment", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    email = fields.Char(readonly=True)
    reason = fields.Selection(SKIP_REASON_SELECTION, readonly=True)
    message = fields.Char(string="Mailchimp's Words", readonly=True)

    @api.model
    def _replace_for(self, segment, skipped, refused):
        """The skipped lines of ``segment`` after a sync: ``skipped`` {address: reason},
        ``refused`` {address: Mailchimp's words}. The previous lines go and these come in two
        statements (a 50,000-address segment may skip thousands)."""
        cr = self.env.cr
        self.flush_model()
        cr.execute(SQL("DELETE FROM mailchimp_segment_skip WHERE segment_id = %s", segment.id))
        if skipped:
            rows = sorted(skipped.items())
            cr.execute(
                SQL(
                    "INSERT INTO mailchimp_segment_skip "
                    "(segment_id, company_id, email, reason, message, create_uid, create_date,"
                    " write_uid, write_date) "
                    "SELECT %s, %s, e, r, NULLIF(m, ''), %s, now() at time zone 'UTC', %s,"
                    " now() at time zone 'UTC' "
                    "FROM unnest(%s::varchar[], %s::varchar[], %s::text[]) AS t(e, r, m)",
                    segment.id,
                    segment.company_id.id or None,
                    self.env.uid,
                    self.env.uid,
                    [key for key, _r in rows],
                    [reason for _k, reason in rows],
                    [refused.get(key, "") for key, _r in rows],
                )
            )

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: the skipped lines of these addresses (any case)."""
        keys = list(keys)
        if not keys:
            return []
        domain = ["|"] * (len(keys) - 1) + [("email", "=ilike", key) for key in keys]
        return erase_records(self.search(domain), preview)
