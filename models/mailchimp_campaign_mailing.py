# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A campaign made from an Odoo mailing: the mailing's state follows the campaign's status
however the status is learnt (the hourly refresh of open campaigns, a webhook, a report)."""

from odoo import models


class MailchimpCampaignMailing(models.Model):
    _inherit = "mailchimp.campaign"

    def write(self, vals):
        result = super().write(vals)
        if "status" in vals or "send_time" in vals:
            mailings = self.sudo().mailing_id.filtered(
                lambda m: m.send_with == "mailchimp" and m.mailchimp_campaign_id
            )
            mailings._mailchimp_follow_status()
        return result
