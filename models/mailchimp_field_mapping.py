# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services.push_rules import MAPPING_UNKNOWN_TAG, mapping_problems

SOURCES = [
    ("email", "Email"),
    ("first_name", "First Name"),
    ("last_name", "Last Name"),
    ("name", "Full Name"),
    ("company_name", "Company Name"),
    ("phone", "Phone (E.164)"),
    ("address", "Address"),
    ("country", "Country Code"),
]
#: the lines an audience starts with, when it has these merge fields
DEFAULT_MAPPING = [
    ("EMAIL", "email"),
    ("FNAME", "first_name"),
    ("LNAME", "last_name"),
    ("PHONE", "phone"),
    ("ADDRESS", "address"),
]


class MailchimpFieldMapping(models.Model):
    """One line "Odoo field -> merge tag" of an audience's export mapping."""

    _name = "mailchimp.field.mapping"
    _description = "Mailchimp Field Mapping"
    _order = "list_id, sequence, id"

    sequence = fields.Integer(default=10)
    list_id = fields.Many2one(
        "mailchimp.list", string="Audience", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="list_id.company_id", store=True)
    source = fields.Selection(SOURCES, string="Odoo Field", required=True)
    merge_tag = fields.Char(required=True, help="The audience's merge tag, e.g. FNAME")

    @api.depends("source", "merge_tag")
    def _compute_display_name(self):
        sources = dict(self._fields["source"]._description_selection(self.env))
        for mapping in self:
            mapping.display_name = f"{sources.get(mapping.source, '')} → {mapping.merge_tag or ''}"

    _sql_constraints = [
        ("list_tag_uniq", "unique(list_id, merge_tag)", "A merge tag is mapped only once."),
    ]

    @api.constrains("merge_tag", "list_id")
    def _check_merge_tag(self):
        for line in self:
            merge_fields = {mf.tag: False for mf in line.list_id.merge_field_ids}
            for code, tags in mapping_problems([line.merge_tag], merge_fields):
                if code == MAPPING_UNKNOWN_TAG:
                    raise ValidationError(
                        self.env._(
                            "The audience %(audience)s has no merge field %(tag)s "
                            "(it has: %(known)s).",
                            audience=line.list_id.name,
                            tag=", ".join(tags),
                            known=", ".join(sorted(set(merge_fields) | {"EMAIL"})),
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("merge_tag"):
                vals["merge_tag"] = vals["merge_tag"].strip().upper()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("merge_tag"):
            vals["merge_tag"] = vals["merge_tag"].strip().upper()
        return super().write(vals)
