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

    def test_failed_test_connection_reloads_the_form(self):
        self._start_emulator()
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected")
        self.account.api_key = "ffffffffffffffffffffffffffffffff-us6"
        self.start_tour(
            "/odoo/action-mailchimp_connector.action_mailchimp_account",
            "mailchimp_connector_failed_connection_tour",
            login="admin",
        )
        self.assertEqual(self.account.state, "error")


@tagged("post_install", "-at_install")
class TestOperationTour(MailchimpCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_mailchimp()
        cls.account.name = "Tour Account"

    def test_operation_wizard_imports_audiences_members_and_campaigns(self):
        emulator = self._start_emulator()
        seeded = emulator.seed("Tour Audience", members=30, campaigns=2)
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected")
        self.start_tour(
            "/odoo/action-mailchimp_connector.action_mailchimp_operation",
            "mailchimp_connector_operation_tour",
            login="admin",
        )
        audience = self.env["mailchimp.list"].search([("mc_id", "=", seeded["list_id"])])
        self.assertEqual(audience.name, "Tour Audience")
        campaigns = self.env["mailchimp.campaign"].search([("account_id", "=", self.account.id)])
        self.assertEqual(sorted(campaigns.mapped("mc_id")), sorted(seeded["campaigns"]))
        self.assertTrue(all(campaigns.mapped("template_id")), "campaigns linked to templates")
        self.env["queue.job"]._mailchimp_run_pending()
        self.assertEqual(
            self.env["mailchimp.member"].search_count([("list_id", "=", audience.id)]),
            seeded["member_count"],
        )
