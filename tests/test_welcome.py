# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The welcome email: each member the connector adds as subscribed is queued to the
audience's automation email once; updates, re-sends, pending members before their
confirmation and refused members never are."""

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import MailchimpCase

WELCOME_LOGGER = "odoo.addons.mailchimp_connector.models.mailchimp_welcome"


@tagged("post_install", "-at_install")
class TestWelcomeEmail(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.other_mc_id = self.state.add_list(name="Other")
        self.workflow = self.state.add_automation(
            self.list_mc_id, title="Welcome series", emails=("Welcome!", "Day 2")
        )
        self.state.add_automation(self.other_mc_id, title="Other series", emails=("Hi",))
        self.audience = (
            self.env["mailchimp.list"]
            ._import_from_account(self.account)
            .filtered(lambda a: a.mc_id == self.list_mc_id)
        )
        action = self.audience.with_user(self.manager).action_import_automation_emails()
        self.assertIn("2 automation emails", action["params"]["message"])
        self.email = self.env["mailchimp.automation.email"].search(
            [("workflow_id", "=", self.workflow), ("position", "=", 1)]
        )
        self.assertEqual(self.email.display_name, "Welcome series: Welcome!")
        self.assertEqual(
            len(
                self.env["mailchimp.automation.email"].search(
                    [("account_id", "=", self.account.id)]
                )
            ),
            3,
        )
        self.audience.write(
            {
                "push_new": True,
                "push_fields": True,
                "welcome_email": True,
                "welcome_automation_email_id": self.email.id,
            }
        )
        self.account.auto_update_contact = True
        self.mlist = self.audience.mailing_list_id

    # helpers ---------------------------------------------------------------
    def add_contacts(self, emails):
        return self.env["mailing.contact"].create(
            [
                {"name": e.split("@")[0], "email": e, "list_ids": [(4, self.mlist.id)]}
                for e in emails
            ]
        )

    def push(self):
        self.audience._queue_push()
        self.run_jobs()

    def queued(self):
        return sorted(address for _w, _e, address in self.state.queued_addresses(self.workflow))

    def binding(self, email):
        return self.env["mailchimp.member"].search(
            [("list_id", "=", self.audience.id), ("email_normalized", "=", email)]
        )

    def queue_calls(self):
        return self.emulator.count_requests(method="POST", path_prefix="/automations")

    # tests -----------------------------------------------------------------
    def test_members_added_as_subscribed_are_queued_once(self):
        emails = ["ann@example.org", "bob@example.org", "cy@example.org"]
        self.add_contacts(emails)
        self.push()
        self.assertEqual(self.queued(), emails)
        self.assertEqual(self.queue_calls(), 3)
        for email in emails:
            binding = self.binding(email)
            self.assertEqual(binding.welcome_state, "queued")
            self.assertTrue(binding.welcome_date)
            self.assertFalse(binding.sync_error)
        # a field update, a re-run of the job, the hourly cron: nothing more is queued
        contact = self.env["mailing.contact"].search([("email", "=", "ann@example.org")])
        contact.name = "Ann Lee"
        self.push()
        self.audience._queue_welcome()
        self.env["mailchimp.list"]._cron_welcome()
        self.run_jobs()
        self.assertEqual(self.queue_calls(), 3)
        self.assertEqual(self.queued(), emails)

    def test_members_mailchimp_already_had_are_updates_not_queued(self):
        self.state.add_member(self.list_mc_id, "known@example.org")
        self.add_contacts(["known@example.org", "new@example.org"])
        self.push()
        self.assertEqual(self.queued(), ["new@example.org"])
        self.assertFalse(self.binding("known@example.org").welcome_state)

    def test_pending_members_wait_for_their_confirmation(self):
        self.audience.double_optin = True
        self.add_contacts(["dora@example.org", "eve@example.org"])
        self.push()
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "dora@example.org")["status"], "pending"
        )
        self.assertEqual(self.queued(), [])
        self.assertEqual(self.binding("dora@example.org").welcome_state, "confirm")
        self.assertEqual(self.env["mailchimp.list"]._cron_welcome(), 0)
        # Dora confirms in Mailchimp; Odoo reads it; the hourly cron queues her, once
        self.state.update_member(self.list_mc_id, "dora@example.org", status="subscribed")
        self.import_members(self.audience)
        self.assertEqual(self.binding("dora@example.org").status, "subscribed")
        self.assertEqual(self.env["mailchimp.list"]._cron_welcome(), 1)
        self.run_jobs()
        self.assertEqual(self.queued(), ["dora@example.org"])
        self.assertEqual(self.binding("eve@example.org").welcome_state, "confirm")
        self.env["mailchimp.list"]._cron_welcome()
        self.run_jobs()
        self.assertEqual(self.queue_calls(), 1)

    def test_refused_members_are_not_queued_and_refusals_are_recorded(self):
        with mute_logger("odoo.addons.mailchimp_connector.models.mailchimp_member_export"):
            self.add_contacts(["fake.person@example.com", "gil@example.org"])
            self.push()
        self.assertEqual(
            self.binding("fake.person@example.com").push_reason, "Refused by Mailchimp"
        )
        self.assertFalse(self.binding("fake.person@example.com").welcome_state)
        self.assertEqual(self.queued(), ["gil@example.org"])
        # the automation paused in Mailchimp: Mailchimp's refusal is the member's
        self.state.set_automation_status(self.workflow, "paused")
        with mute_logger(WELCOME_LOGGER):
            self.add_contacts(["hal@example.org"])
            self.push()
        hal = self.binding("hal@example.org")
        self.assertEqual(hal.status, "subscribed")
        self.assertEqual(hal.welcome_state, "refused")
        self.assertIn("Welcome email not queued", hal.sync_error)
        self.assertIn("sending", hal.sync_error)
        self.state.set_automation_status(self.workflow, "sending")
        self.env["mailchimp.list"]._cron_welcome()
        self.run_jobs()
        self.assertEqual(self.queued(), ["gil@example.org"], "a refused member is not tried again")

    def test_an_outage_delays_the_welcome_never_doubles_it(self):
        self.emulator.faults.fail_next(10, status=503, paths=["/3.0/automations"])
        with mute_logger(WELCOME_LOGGER):
            self.add_contacts(["ivy@example.org", "jo@example.org"])
            self.push()
        self.assertEqual(self.queued(), [])
        self.assertEqual(self.binding("ivy@example.org").welcome_state, "waiting")
        later = self.mailchimp_jobs().filtered(lambda j: j.method_name == "_job_send_welcome")
        self.assertEqual(len(later), 1)
        self.emulator.faults.clear()
        later.eta = False
        self.run_jobs()
        self.assertEqual(self.queued(), ["ivy@example.org", "jo@example.org"])
        self.assertEqual(self.binding("jo@example.org").welcome_state, "queued")

    def test_no_welcome_without_the_option(self):
        self.audience.welcome_email = False
        self.add_contacts(["kim@example.org"])
        self.push()
        self.assertEqual(self.queue_calls(), 0)
        self.assertFalse(self.binding("kim@example.org").welcome_state)
