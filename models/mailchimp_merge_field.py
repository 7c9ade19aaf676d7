# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailchimpMergeField(models.Model):
    _name = "mailchimp.merge.field"
    _description = "Mailchimp Audience Merge Field"
    _order = "list_id, merge_id, id"

    list_id = fields.Many2one("mailchimp.list", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="list_id.company_id", store=True)
    name = fields.Char(required=True)
    tag = fields.Char(required=True, help="The merge tag, e.g. FNAME")
    merge_id = fields.Integer(string="Mailchimp Merge ID")
    field_type = fields.Char(string="Type")
    required = fields.Boolean()

    _sql_constraints = [
        ("tag_list_uniq", "unique(list_id, tag)", "A merge tag appears once per audience."),
    ]
