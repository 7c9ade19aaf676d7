# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..services.erasure_rules import refused_dated
from ..services.mailchimp_campaigns import (
    email_activity_rows,
    unsubscribe_rows,
)
from .erasure_tools import erase_records, erased_at_by_key

_logger = logging.getLogger(__name__)

ACTIONS = [
    ("open", "Open"),
    ("click", "Click"),
    ("bounce", "Bounce"),
    ("unsubscribe", "Unsubscribe"),
]


class MailchimpCampaignActivity(models.Model):
    """One open, click, bounce or unsubscribe of one recipient of a campaign."""

    _name = "mailchimp.campaign.activity"
    _description = "Mailchimp Campaign Activity"
    _order = "timestamp desc, id desc"
    _rec_name = "email"

    campaign_id = fields.Many2one(
        "mailchimp.campaign", required=True, ondelete="cascade", index=True, readonly=True
    )
    account_id = fields.Many2one(related="campaign_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    list_id = fields.Many2one(related="campaign_id.list_id", string="Audience")
    email = fields.Char(required=True, readonly=True)
    email_normalized = fields.Char(required=True, index=True, readonly=True)
    action = fields.Selection(ACTIONS, required=True, index=True, readonly=True)
    timestamp = fields.Datetime(required=True, readonly=True)
    url = fields.Char(string="URL", readonly=True)
    bounce_type = fields.Selection([("hard", "Hard"), ("soft", "Soft")], readonly=True)
    ip = fields.Char(string="IP", readonly=True)
    reason = fields.Char(string="Unsubscribe Reason", readonly=True)
    identity_key = fields.Char(
        required=True,
        readonly=True,
        help="Hash of (email, action, timestamp, url, bounce type): what makes an event unique.",
    )
    member_id = fields.Many2one("mailchimp.member", ondelete="set null", index=True, readonly=True)
    mailing_contact_id = fields.Many2one(
        related="member_id.mailing_contact_id", store=True, index=True, string="Mailing Contact"
    )
    partner_id = fields.Many2one(
        related="member_id.partner_id", store=True, index=True, string="Contact"
    )

    _sql_constraints = [
        (
            "identity_uniq",
            "unique(campaign_id, identity_key)",
            "This Mailchimp activity is already recorded.",
        ),
    ]

    @api.depends("action", "email", "campaign_id.name")
    def _compute_display_name(self):
        labels = dict(ACTIONS)
        for activity in self:
            activity.display_name = (
                f"{labels.get(activity.action, '')}: {activity.email} ({activity.campaign_id.name})"
            )

    # ------------------------------------------------------------------
    # Batched storage of report pages
    # ------------------------------------------------------------------
    @api.model
    def _store_email_activity(self, campaign, items):
        """Store one ``/email-activity`` page (recipients with their events)."""
        return self._store_rows(campaign, email_activity_rows(items))

    @api.model
    def _store_unsubscribes(self, campaign, items):
        """Store one ``/unsubscribed`` page."""
        return self._store_rows(campaign, unsubscribe_rows(items))

    @api.model
    def _store_rows(self, campaign, rows):
        """Create the rows not stored yet, linked to their audience member: one query for
        the known events, one for the members, one batched create. Returns the count."""
        rows = list({row["identity_key"]: row for row in rows}.values())
        if not rows:
            return 0
        known = {
            rec.identity_key
            for rec in self.search_fetch(
                [
                    ("campaign_id", "=", campaign.id),
                    ("identity_key", "in", [row["identity_key"] for row in rows]),
                ],
                ["identity_key"],
            )
        }
        erased = erased_at_by_key(self.env, [row["email_normalized"] for row in rows])
        rows = [
            row
            for row in rows
            if row["identity_key"] not in known
            and not refused_dated(row["email_normalized"], row.get("timestamp"), erased)
        ]
        if not rows:
            return 0
        members = {}
        if campaign.list_id:
            members = {
                member.email_normalized: member.id
                for member in self.env["mailchimp.member"].search_fetch(
                    [
                        ("list_id", "=", campaign.list_id.id),
                        ("email_normalized", "in", list({row["email_normalized"] for row in rows})),
                    ],
                    ["email_normalized"],
                )
            }
        for row in rows:
            row.update(campaign_id=campaign.id, member_id=members.get(row["email_normalized"]))
        self.create(rows)
        return len(rows)

    @api.model
    def _link_audience_members(self, audience, keys=None):
        """Link the unlinked rows of every campaign of ``audience`` to the members that now
        exist (of ``keys`` only, member keys, when given): one UPDATE, whatever came first,
        the campaign reports or the members. Called at the end of each page of members
        imported or bound for export, so that activity read before its members (a campaign
        past its report window is never read again) still reaches the contacts."""
        if not audience:
            return 0
        if keys is not None and not keys:
            return 0
        self.env.flush_all()
        key_filter = SQL("AND a.email_normalized = ANY(%s)", list(keys)) if keys else SQL()
        self.env.cr.execute(
            SQL(
                """
                UPDATE mailchimp_campaign_activity a
                   SET member_id = m.id,
                       mailing_contact_id = m.mailing_contact_id,
                       partner_id = m.partner_id
                  FROM mailchimp_member m, mailchimp_campaign c
                 WHERE c.id = a.campaign_id
                   AND c.list_id = %(list)s
                   AND a.member_id IS NULL
                   %(key_filter)s
                   AND m.list_id = %(list)s
                   AND m.email_normalized = a.email_normalized
                """,
                list=audience.id,
                key_filter=key_filter,
            )
        )
        linked = self.env.cr.rowcount
        if linked:
            self.invalidate_model(["member_id", "mailing_contact_id", "partner_id"])
            _logger.info("Mailchimp audience %s: %s activity rows linked", audience.mc_id, linked)
        return linked

    @api.model
    def _link_members(self, campaign):
        """Link the rows stored before their member was imported (one UPDATE)."""
        if not campaign.list_id:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE mailchimp_campaign_activity a
               SET member_id = m.id,
                   mailing_contact_id = m.mailing_contact_id,
                   partner_id = m.partner_id
              FROM mailchimp_member m
             WHERE a.campaign_id = %s
               AND a.member_id IS NULL
               AND m.list_id = %s
               AND m.email_normalized = a.email_normalized
            """,
            (campaign.id, campaign.list_id.id),
        )
        linked = self.env.cr.rowcount
        if linked:
            self.invalidate_model(["member_id", "mailing_contact_id", "partner_id"])
        return linked

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: the activity rows of these addresses."""
        return erase_records(self.search([("email_normalized", "in", list(keys))]), preview)
