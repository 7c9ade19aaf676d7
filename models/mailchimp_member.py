# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

STATUSES = [
    ("subscribed", "Subscribed"),
    ("unsubscribed", "Unsubscribed"),
    ("cleaned", "Cleaned"),
    ("pending", "Pending"),
    ("transactional", "Transactional"),
    ("archived", "Archived"),
    ("deleted", "Permanently Deleted"),
]


class MailchimpMember(models.Model):
    """The binding: one (audience, normalized email) pair and what Odoo last saw of it."""

    _name = "mailchimp.member"
    _description = "Mailchimp Audience Member"
    _order = "list_id, email_normalized"
    _rec_name = "email"

    # no index of its own: the unique (list_id, email_normalized) index serves list_id too
    list_id = fields.Many2one(
        "mailchimp.list", string="Audience", required=True, ondelete="cascade"
    )
    account_id = fields.Many2one(related="list_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="list_id.company_id", store=True, index=True)
    email = fields.Char(required=True)
    email_normalized = fields.Char(required=True, index=True)
    subscriber_hash = fields.Char(index=True, copy=False)
    mc_web_id = fields.Char(string="Web ID", copy=False)
    mc_contact_id = fields.Char(string="Mailchimp Contact ID", copy=False)
    mc_unique_email_id = fields.Char(string="Unique Email ID", copy=False)
    status = fields.Selection(STATUSES, copy=False)
    last_changed = fields.Datetime(
        string="Last Changed (Mailchimp)", copy=False, help="Mailchimp's last_changed of the member"
    )
    merge_values = fields.Json(copy=False)
    tags = fields.Char(copy=False)
    unsubscribe_reason = fields.Char(copy=False)
    mailing_contact_id = fields.Many2one("mailing.contact", ondelete="set null", index=True)
    partner_id = fields.Many2one("res.partner", string="Contact", ondelete="set null", index=True)
    # the Odoo values at the last sync: a differing current value is an Odoo-side change
    synced_first_name = fields.Char(copy=False)
    synced_last_name = fields.Char(copy=False)
    last_sync_date = fields.Datetime(copy=False)
    sync_error = fields.Text(copy=False)

    _sql_constraints = [
        (
            "list_email_uniq",
            "unique(list_id, email_normalized)",
            "An address is a member of an audience only once.",
        ),
    ]

    @api.depends("email", "list_id.name")
    def _compute_display_name(self):
        for member in self:
            member.display_name = f"{member.email} ({member.list_id.name})"
