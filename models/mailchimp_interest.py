# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An interest of an audience's interest categories (Mailchimp's groups), mapped to an Odoo
mailing list (``mailchimp.interest``).

Read by the audience refresh and the audience's *Import Interests* button (``_import_for``);
*Create the mailing lists* makes a mailing list for each interest without one. The
membership of the mapped list and the member's interest are kept equal both ways by
``mailchimp.interest.sync`` (``models/mailchimp_interest_sync.py``).
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services import mailchimp_errors as mce
from ..services.mailchimp_data import (
    category_values,
    interest_body,
    interest_category_body,
    interest_values,
)
from .ui_text import notification

_logger = logging.getLogger(__name__)

CATEGORY_TYPES = [
    ("checkboxes", "Checkboxes"),
    ("dropdown", "Dropdown"),
    ("radio", "Radio Buttons"),
    ("hidden", "Hidden"),
]


class MailchimpInterest(models.Model):
    _name = "mailchimp.interest"
    _description = "Mailchimp Interest"
    _order = "list_id, category_name, name, id"

    name = fields.Char(required=True, readonly=True, help="The interest's name in Mailchimp.")
    list_id = fields.Many2one(
        "mailchimp.list", string="Audience", required=True, ondelete="cascade", index=True
    )
    account_id = fields.Many2one(related="list_id.account_id", store=True, string="Account")
    company_id = fields.Many2one(related="list_id.company_id", store=True, index=True)
    mc_category_id = fields.Char(string="Category ID", required=True, readonly=True)
    category_name = fields.Char(string="Category", readonly=True)
    category_type = fields.Selection(CATEGORY_TYPES, readonly=True, default="checkboxes")
    mc_interest_id = fields.Char(string="Interest ID", required=True, readonly=True)
    mailing_list_id = fields.Many2one(
        "mailing.list",
        ondelete="set null",
        help="Membership of this mailing list (not opted out) and the member's interest in "
        "Mailchimp are kept equal both ways, the newest change winning; an opt-out from the "
        "list turns the interest off (the member stays subscribed to the audience).",
    )
    member_count = fields.Integer(
        string="Subscribers", readonly=True, help="Subscribed members with this interest."
    )

    _sql_constraints = [
        (
            "interest_uniq",
            "unique(list_id, mc_interest_id)",
            "An interest is read once per audience.",
        ),
        (
            "mailing_list_uniq",
            "unique(list_id, mailing_list_id)",
            "A mailing list is mapped to one interest of an audience.",
        ),
    ]

    @api.depends("name", "category_name")
    def _compute_display_name(self):
        for interest in self:
            interest.display_name = (
                f"{interest.category_name} / {interest.name}"
                if interest.category_name
                else interest.name
            )

    @api.constrains("mailing_list_id", "list_id")
    def _check_mailing_list(self):
        for interest in self:
            if (
                interest.mailing_list_id
                and interest.mailing_list_id == interest.list_id.sudo().mailing_list_id
            ):
                raise ValidationError(
                    self.env._(
                        "The mailing list %(list)s is the audience's own: an interest needs a "
                        "list of its own (leaving it must not unsubscribe from the audience).",
                        list=interest.mailing_list_id.name,
                    )
                )

    def write(self, vals):
        res = super().write(vals)
        if vals.get("mailing_list_id"):
            # a new mapping: its members are merged once (the newest side wins)
            self.env["mailchimp.interest.sync"]._mark_audiences(self.list_id)
        return res

    # ------------------------------------------------------------------ import
    @api.model
    def _import_for(self, audience, client):
        """The interest categories and interests of ``audience`` read from Mailchimp (every
        page), created or updated; those gone from Mailchimp removed. Returns the audience's
        interests."""
        existing = {
            i.mc_interest_id: i for i in self.sudo().search([("list_id", "=", audience.id)])
        }
        seen = self.browse()
        for category in client.interest_categories(audience.mc_id):
            cat_vals = category_values(category)
            for remote in client.interests(audience.mc_id, cat_vals["mc_category_id"]):
                vals = dict(cat_vals, **interest_values(remote))
                interest = existing.get(vals["mc_interest_id"])
                if interest:
                    changed = {k: v for k, v in vals.items() if interest[k] != v}
                    if changed:
                        interest.sudo().write(changed)
                else:
                    interest = self.sudo().create(dict(vals, list_id=audience.id))
                seen |= interest
        gone = self.sudo().browse([i.id for i in existing.values()]) - seen
        if gone:
            _logger.info("audience %s: %s interests gone from Mailchimp", audience.id, len(gone))
            gone.unlink()
        return seen

    # ------------------------------------------------------------------ buttons
    def action_create_mailing_lists(self):
        """A mailing list for each of these interests without one, named after it."""
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        self.check_access("write")
        missing = self.filtered(lambda i: not i.mailing_list_id)
        for interest in missing:
            interest.mailing_list_id = self.env["mailing.list"].create({"name": interest.name})
        return notification(
            self.env._("Mailchimp"),
            self.env._("%s mailing lists created.", len(missing))
            if missing
            else self.env._("Every interest already has its mailing list."),
            kind="success" if missing else "info",
            close=True,
        )

    @api.model
    def _create_remote(self, audience, category_title, category_type, mailing_lists):
        """Interests made in Mailchimp for ``mailing_lists`` (one each, in the category
        ``category_title``, made when missing), each mapped to its list. Mailchimp's refusal
        (past 60 interests per audience) stops the rest: returns (interests made, Mailchimp's
        words or '')."""
        client = audience.account_id._get_client()
        self._import_for(audience, client)
        interests = self.sudo().search([("list_id", "=", audience.id)])
        category = interests.filtered(lambda i: i.category_name == category_title)[:1]
        made, words = self.browse(), ""
        try:
            if category:
                cat_vals = {
                    "mc_category_id": category.mc_category_id,
                    "category_name": category.category_name,
                    "category_type": category.category_type,
                }
            else:
                cat_vals = category_values(
                    client.create_interest_category(
                        audience.mc_id, interest_category_body(category_title, category_type)
                    )
                )
            for mailing_list in mailing_lists:
                remote = client.create_interest(
                    audience.mc_id, cat_vals["mc_category_id"], interest_body(mailing_list.name)
                )
                made |= self.sudo().create(
                    dict(
                        cat_vals,
                        **interest_values(remote),
                        list_id=audience.id,
                        mailing_list_id=mailing_list.id,
                    )
                )
        except mce.RETRYABLE_ERRORS:
            raise
        except mce.MailchimpError as exc:
            words = audience.account_id._error_message(exc)
            _logger.warning("audience %s: interest not created: %s", audience.id, exc)
        return made, words
