# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .mailchimp_membership_mixin import MAILCHIMP_USER_GROUP


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "mailchimp.membership.mixin"]
    _mailchimp_member_field = "partner_id"

    mailchimp_member_ids = fields.One2many(
        "mailchimp.member",
        "partner_id",
        string="Mailchimp Memberships",
        groups=MAILCHIMP_USER_GROUP,
    )

    _mailchimp_push_fields = frozenset(
        {
            "name",
            "email",
            "phone",
            "mobile",
            "street",
            "street2",
            "city",
            "state_id",
            "zip",
            "country_id",
            "parent_id",
        }
    )

    def write(self, vals):
        res = super().write(vals)
        if self._mailchimp_push_fields.intersection(vals):
            self._mailchimp_mark_changed()
        return res

    def action_mailchimp_export(self):
        """Server action "Export to Mailchimp": bind these partners in the audience that
        pushes new records (one per account) and queue the exports. Mailchimp users
        only, into the audiences of their companies."""
        self.env["mailchimp.account"]._check_mailchimp_group()
        self.check_access("read")
        audiences = (
            self.env["mailchimp.list"]
            .search([("push_new", "=", True), ("account_id.push_contacts", "=", True)])
            .sudo()
        )
        for audience in audiences:
            audience._bind_for_push(partners=self)
        queued = audiences._queue_push()
        return queued._notify_queued_push(queued)
