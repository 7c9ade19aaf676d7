# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import MailchimpCommon


@tagged("post_install", "-at_install")
class TestAccountTour(MailchimpCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_mailchimp()
        cls.account.name = "Tour Account"

    def test_account_tour_test_connection(self):
        emulator = self._start_emulator()
        self.assertEqual(self.account.state, "draft")
        self.start_tour(
            "/odoo/action-mailchimp_connector.action_mailchimp_account",
            "mailchimp_connector_account_tour",
            login="admin",
        )
        self.assertEqual(self.account.state, "connected")
        self.assertGreaterEqual(emulator.count_requests(path_prefix="/3.0/ping"), 1)
