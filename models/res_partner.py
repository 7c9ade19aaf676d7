# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..services.push_rules import split_name
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
        if (
            vals.get("name")
            and not self.env.context.get("mailchimp_no_push")
            and not self.env.context.get("mailchimp_name_from_contact")
        ):
            self._mailchimp_share_name()
        return res

    def _mailchimp_share_name(self):
        """A name edited on a partner reaches the mailing contacts of the same Mailchimp
        members (split into first and last name), whose names the export sends as
        FNAME/LNAME: the partner and the mailing contact of one member carry one name."""
        bindings = (
            self.env["mailchimp.member"]
            .sudo()
            .search([("partner_id", "in", self.ids), ("mailing_contact_id", "!=", False)])
        )
        for partner in self:
            first, last = split_name(partner.name)
            contacts = bindings.filtered(lambda b, p=partner: b.partner_id == p).mailing_contact_id
            contacts = contacts.filtered(
                lambda c, f=first, la=last: (c.first_name or "", c.last_name or "") != (f, la)
            )
            if contacts:
                contacts.write({"first_name": first or False, "last_name": last or False})

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
