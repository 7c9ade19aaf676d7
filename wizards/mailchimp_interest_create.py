# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..models.mailchimp_interest import CATEGORY_TYPES
from ..models.ui_text import notification


class MailchimpInterestCreate(models.TransientModel):
    """Interests made in Mailchimp for Odoo mailing lists (one each, in a category made when
    missing), each mapped to its list. Mailchimp's refusal past 60 interests per audience
    is shown in its words; the interests made before it stay."""

    _name = "mailchimp.interest.create"
    _description = "Mailchimp: Create Interests"

    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._("Create Interests in Mailchimp")

    list_id = fields.Many2one("mailchimp.list", string="Audience", required=True)
    category_name = fields.Char(string="Category", required=True, default="Mailing Lists")
    category_type = fields.Selection(CATEGORY_TYPES, required=True, default="checkboxes")
    mailing_list_ids = fields.Many2many("mailing.list", string="Mailing Lists", required=True)

    def action_create(self):
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.list_id.check_access("write")
        made, words = self.env["mailchimp.interest"]._create_remote(
            self.list_id.sudo(), self.category_name, self.category_type, self.mailing_list_ids
        )
        message = self.env._("%s interests created in Mailchimp.", len(made))
        if words:
            message = self.env._(
                "%(made)s interests created in Mailchimp; Mailchimp refused the rest: %(words)s",
                made=len(made),
                words=words,
            )
        return notification(
            self.env._("Mailchimp"),
            message,
            kind="warning" if words else "success",
            sticky=bool(words),
            close=True,
        )
