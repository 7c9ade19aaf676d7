# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .mailchimp_membership_mixin import ensure_email_normalized_index


class MailingContact(models.Model):
    _name = "mailing.contact"
    _inherit = ["mailing.contact", "mailchimp.membership.mixin"]
    _mailchimp_member_field = "mailing_contact_id"

    mailchimp_member_ids = fields.One2many(
        "mailchimp.member", "mailing_contact_id", string="Mailchimp Memberships"
    )

    def init(self):
        res = super().init()
        ensure_email_normalized_index(self)
        return res
