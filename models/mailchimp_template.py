# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models

from ..services import mailchimp_errors as mce
from ..services.mailchimp_campaigns import (
    TEMPLATE_FIELDS,
    template_values,
)
from ..services.mailchimp_data import remote_id
from .smart_buttons import related_action, set_counts

_logger = logging.getLogger(__name__)


class MailchimpTemplate(models.Model):
    _name = "mailchimp.template"
    _description = "Mailchimp Template"
    _order = "name, id"

    name = fields.Char(required=True)
    mc_id = fields.Char(string="Mailchimp ID", required=True, readonly=True, copy=False)
    account_id = fields.Many2one(
        "mailchimp.account", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    template_type = fields.Selection(
        [("user", "User"), ("base", "Base"), ("gallery", "Gallery")],
        string="Type",
        readonly=True,
    )
    category = fields.Char(readonly=True)
    active = fields.Boolean(default=True, help="Inactive templates are deleted in Mailchimp.")
    date_created = fields.Datetime(string="Created (Mailchimp)", readonly=True, copy=False)
    date_edited = fields.Datetime(string="Edited (Mailchimp)", readonly=True, copy=False)
    drag_and_drop = fields.Boolean(readonly=True)
    responsive = fields.Boolean(readonly=True)
    thumbnail = fields.Char(
        string="Preview", readonly=True, copy=False, help="URL of Mailchimp's preview image."
    )
    share_url = fields.Char(string="Share URL", readonly=True, copy=False)
    campaign_ids = fields.One2many("mailchimp.campaign", "template_id", string="Campaigns")
    campaign_count = fields.Integer(compute="_compute_campaign_count")

    _sql_constraints = [
        ("mc_id_account_uniq", "unique(account_id, mc_id)", "This template is already imported."),
    ]

    def _compute_campaign_count(self):
        set_counts(self, "campaign_count", "mailchimp.campaign", "template_id")

    @api.model
    def _values_from_remote(self, remote):
        return template_values(remote)

    @api.model
    def _upsert(self, account, remotes):
        """Create or update templates of ``account`` from Mailchimp's dicts; return them."""
        remotes = {remote_id(remote): remote for remote in remotes}
        existing = {
            rec.mc_id: rec
            for rec in self.with_context(active_test=False).search(
                [("account_id", "=", account.id), ("mc_id", "in", list(remotes))]
            )
        }
        result = self.browse()
        to_create = []
        for mc_id, remote in remotes.items():
            vals = self._values_from_remote(remote)
            if mc_id in existing:
                existing[mc_id].write(vals)
                result |= existing[mc_id]
            else:
                to_create.append(dict(vals, account_id=account.id, mc_id=mc_id))
        return result | self.create(to_create)

    @api.model
    def _import_from_account(self, account):
        """Import every template of ``account`` (one call per 1000 templates)."""
        client = account._get_client()
        remotes = client.templates(fields=TEMPLATE_FIELDS)
        return self._upsert(account, list(remotes))

    @api.model
    def _ensure_templates(self, account, client, mc_ids):
        """Templates of ``account`` by Mailchimp id; the unknown ones are read one by one
        (a campaign may use a template the listing did not show). Returns {mc_id: record}."""
        mc_ids = {str(mc_id) for mc_id in mc_ids if mc_id}
        if not mc_ids:
            return {}
        found = {
            rec.mc_id: rec
            for rec in self.with_context(active_test=False).search(
                [("account_id", "=", account.id), ("mc_id", "in", list(mc_ids))]
            )
        }
        fetched = []
        for mc_id in sorted(mc_ids - set(found)):
            try:
                fetched.append(client.template(mc_id, fields=TEMPLATE_FIELDS))
            except mce.MailchimpNotFound:
                _logger.info("Mailchimp template %s of account %s is gone", mc_id, account.id)
        for rec in self._upsert(account, fetched):
            found[rec.mc_id] = rec
        return found

    def action_view_campaigns(self):
        return related_action(self, "action_mailchimp_campaign", "template_id")
