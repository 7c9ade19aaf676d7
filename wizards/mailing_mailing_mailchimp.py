# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's mailing wizards for a mailing sent with Mailchimp: the test email goes through
Mailchimp's ``actions/test``; the schedule dialog says the quarter hour Mailchimp sends at."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import mailing_content as mcontent


class MailingMailingTest(models.TransientModel):
    _inherit = "mailing.mailing.test"

    def send_mail_test(self):
        mailing = self.mass_mailing_id
        if mailing.send_with != "mailchimp":
            return super().send_mail_test()
        emails = []
        for candidate in (self.email_to or "").splitlines():
            _name, address = mcontent.parse_from(candidate)
            if address:
                emails.append(address)
        if not emails:
            raise UserError(self.env._("Enter the addresses the test is sent to."))
        mailing._mailchimp_send_test(emails)
        return True


class MailingMailingScheduleDate(models.TransientModel):
    _inherit = "mailing.mailing.schedule.date"

    mailchimp_schedule_time = fields.Datetime(
        compute="_compute_mailchimp_schedule_time",
        help="Mailchimp schedules sends on the quarter hour (UTC): the first quarter hour at "
        "or after the date chosen.",
    )

    @api.depends("schedule_date", "mass_mailing_id.send_with")
    def _compute_mailchimp_schedule_time(self):
        for wizard in self:
            wizard.mailchimp_schedule_time = (
                mcontent.quarter_hour(wizard.schedule_date)
                if wizard.schedule_date and wizard.mass_mailing_id.send_with == "mailchimp"
                else False
            )
