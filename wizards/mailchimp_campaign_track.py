# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class MailchimpCampaignTrack(models.TransientModel):
    _name = "mailchimp.campaign.track"
    _description = "Track a Mailchimp Campaign"

    def _compute_display_name(self):
        # the dialog's title and breadcrumb, never "mailchimp.campaign.track,<id>"
        for wizard in self:
            wizard.display_name = self.env._("Track a Campaign")

    @api.model
    def _default_account(self):
        return self.env["mailchimp.account"].search([("state", "=", "connected")], limit=1)

    account_id = fields.Many2one(
        "mailchimp.account",
        required=True,
        default=lambda self: self._default_account(),
        domain=[("state", "=", "connected")],
    )
    mc_id = fields.Char(
        string="Mailchimp Campaign ID",
        required=True,
        help="The campaign id of the API (e.g. 42694e9e57), not the web id shown in URLs.",
    )

    def action_track(self):
        """Import that one campaign and its report, then open it."""
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group()
        self.account_id.check_access("read")
        account = self.account_id.sudo()
        if not account.active or account.state != "connected":
            raise UserError(self.env._("The account '%s' is not connected.", account.name))
        campaign = self.env["mailchimp.campaign"].sudo()._track(account, self.mc_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailchimp.campaign",
            "res_id": campaign.id,
            "view_mode": "form",
            "target": "current",
        }
