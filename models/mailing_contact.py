# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..services.push_rules import split_name
from .erasure_tools import erase_records
from .mailchimp_membership_mixin import (
    MAILCHIMP_USER_GROUP,
    batch_default_get,
)
from .odoo_identity import odoo_email_forms, stored_case_variants


class MailingContact(models.Model):
    _name = "mailing.contact"
    _inherit = ["mailing.contact", "mailchimp.membership.mixin"]
    _mailchimp_member_field = "mailing_contact_id"

    mailchimp_member_ids = fields.One2many(
        "mailchimp.member",
        "mailing_contact_id",
        string="Mailchimp Memberships",
        groups=MAILCHIMP_USER_GROUP,
    )

    #: changes of these fields are exported (when the audience pushes fields)
    _mailchimp_push_fields = frozenset(
        {"name", "first_name", "last_name", "email", "company_name", "country_id"}
    )

    @api.model
    def default_get(self, fields_list):
        return batch_default_get(self, fields_list, super().default_get)

    @api.model_create_multi
    def create(self, vals_list):
        contacts = super().create(vals_list)
        # list_ids writes the subscription table directly (no mailing.subscription.create)
        contacts._mailchimp_mark_subscriptions()
        return contacts

    def write(self, vals):
        if "name" in vals and "first_name" not in vals and "last_name" not in vals:
            # the form edits Name; Mailchimp gets First/Last Name (FNAME/LNAME): a new name
            # written alone becomes the first and last name, so the edit reaches Mailchimp
            # (and first/last never contradict the name the user sees)
            changed = self.filtered(lambda c: (c.name or "") != (vals["name"] or ""))
            if changed:
                first, last = split_name(vals["name"])
                super(MailingContact, changed).write(
                    dict(vals, first_name=first or False, last_name=last or False)
                )
                rest = self - changed
                res = super(MailingContact, rest).write(vals) if rest else True
                changed._mailchimp_after_write(vals)
                rest._mailchimp_after_write(vals)
                return res
        res = super().write(vals)
        self._mailchimp_after_write(vals)
        return res

    def _mailchimp_after_write(self, vals):
        if not self:
            return
        if self._mailchimp_push_fields.intersection(vals):
            self._mailchimp_mark_changed()
        if {"name", "first_name", "last_name"} & set(vals):
            self._mailchimp_share_name()
        if "list_ids" in vals or "subscription_ids" in vals:
            self._mailchimp_mark_subscriptions()
        if "tag_ids" in vals:
            self._mailchimp_mark_tags_changed()

    def _mailchimp_share_name(self):
        """The mailing contact's name is the one Mailchimp receives (FNAME/LNAME): renamed, it
        reaches the partner of the same Mailchimp member where the member's account links
        members to partners (its option "Auto Create Customers In Odoo?"), so that one
        person has one name in Odoo (a partner's new name reaches the contact in any case:
        ``res.partner._mailchimp_share_name``). Elsewhere a partner, a record of sales and
        invoices too, keeps its own name; the member's *Name Sent to Mailchimp* says which
        name goes. Never while the import writes (it renames both itself)."""
        if self.env.context.get("mailchimp_no_push"):
            return
        bindings = (
            self.env["mailchimp.member"]
            .sudo()
            .search(
                [
                    ("mailing_contact_id", "in", self.ids),
                    ("partner_id", "!=", False),
                    ("list_id.account_id.auto_create_partner", "=", True),
                ]
            )
        )
        for contact in self.filtered("name"):
            partners = bindings.filtered(lambda b, c=contact: b.mailing_contact_id == c).partner_id
            partners = partners.filtered(lambda p, c=contact: p.name != c.name)
            if partners:
                # the partner's own rule would split the name again: told not to come back
                partners.with_context(mailchimp_name_from_contact=True).write(
                    {"name": contact.name}
                )

    def _mailchimp_mark_subscriptions(self):
        if self.env.context.get("mailchimp_no_push") or not self:
            return
        self.env.flush_all()
        # list_ids and subscription_ids share a table: the cache of one misses the other
        self.invalidate_recordset(["subscription_ids", "list_ids"])
        self.subscription_ids._mailchimp_mark()

    def action_mailchimp_export(self):
        """Server action "Export to Mailchimp": bind these contacts in the audiences of their
        mailing lists that push new records, and queue the exports. Mailchimp users only,
        into the audiences of their companies."""
        self.env["mailchimp.account"]._check_mailchimp_group()
        self.check_access("read")
        audiences = (
            self.env["mailchimp.list"]
            .search([("mailing_list_id", "in", self.list_ids.ids), ("push_new", "=", True)])
            .sudo()
        )
        for audience in audiences:
            members = self.filtered(lambda c, a=audience: a.mailing_list_id in c.list_ids)
            audience._bind_for_push(contacts=members)
        queued = audiences._queue_push()
        return queued._notify_queued_push(queued)

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: the mailing contacts at these addresses (their subscriptions
        go with them)."""
        forms = odoo_email_forms(keys)
        forms |= stored_case_variants(self.env, forms)
        return erase_records(self.search([("email_normalized", "in", list(forms))]), preview)
