# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import mute_logger

from ..services.push_rules import split_name
from .erasure_tools import erase_line, erase_records
from .mailchimp_membership_mixin import MAILCHIMP_USER_GROUP
from .odoo_identity import odoo_email_forms


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
        if "category_id" in vals:
            self._mailchimp_mark_tags_changed()
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

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: the partners at these addresses, deleted; a partner other
        documents refer to (its deletion refused) is anonymized instead; a user's partner
        is kept (said so)."""
        partners = self.search([("email_normalized", "in", list(odoo_email_forms(keys)))])
        users = partners.filtered("user_ids")
        partners -= users
        lines = [erase_line(users, preview, "keep")] if users else []
        if preview:
            return lines + erase_records(partners, preview)
        deleted, anonymized = self.browse(), self.browse()
        for partner in partners:
            try:
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    partner.unlink()
                    self.env.flush_all()
                deleted |= partner
            except Exception:  # pylint: disable=broad-except
                # referenced by documents that must stay (invoices, orders...)
                self.env.invalidate_all()
                partner.write(
                    {
                        "name": self.env._("Erased Contact"),
                        "email": False,
                        "phone": False,
                        "mobile": False,
                        "street": False,
                        "street2": False,
                        "city": False,
                        "zip": False,
                        "website": False,
                        "comment": False,
                        "vat": False,
                        "function": False,
                        "image_1920": False,
                    }
                )
                anonymized |= partner
        for records, action in ((deleted, "delete"), (anonymized, "anonymize")):
            if records:
                lines.append(erase_line(records, False, action))
        return lines
