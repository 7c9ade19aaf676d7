# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Anyone may withdraw consent; only the person may give it (issue 26).

An Odoo user's opt-in (an opt-out lifted, a blacklist entry removed) for an address Mailchimp
says unsubscribed is only a request: Mailchimp is asked for a double opt-in (pending) and
Odoo keeps the opt-out until the person confirms. A bounce (cleaned) is a fact: the
blacklist stays while Mailchimp says cleaned. The person's own decisions (Odoo's unsubscribe
page, a Mailchimp form) stay "newest wins"."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestConsentRules(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.add_member(self.list_mc_id, "un.sub@example.org", status="unsubscribed")
        self.state.add_member(self.list_mc_id, "cleaned.bounce@example.org", status="cleaned")
        self.audience = self.import_audiences()
        self.import_members(self.audience)
        self.Blacklist = self.env["mail.blacklist"].with_context(active_test=False)

    def binding(self, email):
        return self.env["mailchimp.member"].search(
            [("list_id", "=", self.audience.id), ("email_normalized", "=", email)]
        )

    def subscription(self, email):
        contact = self.binding(email).mailing_contact_id
        return contact.subscription_ids.filtered(
            lambda s: s.list_id == self.audience.mailing_list_id
        )

    def remote(self, email):
        return self.state.get_member(self.list_mc_id, email)

    def blacklisted(self, email):
        return bool(self.env["mail.blacklist"].search([("email", "=", email)]))

    def public_env(self):
        """The person on Odoo's own unsubscribe page: the public user, with sudo (as the
        mass_mailing controller runs)."""
        return self.env(user=self.env.ref("base.public_user"), su=True)

    # ------------------------------------------------------------------ unsubscribed
    def test_a_user_opt_in_of_an_unsubscribed_person_is_a_double_opt_in_request(self):
        sub = self.subscription("un.sub@example.org")
        self.assertTrue(sub.opt_out, "Mailchimp's unsubscribe is applied")
        sub.with_user(self.manager).sudo().write({"opt_out": False})
        self.assertTrue(sub.opt_out, "Odoo keeps the opt-out until the person confirms")
        binding = self.binding("un.sub@example.org")
        self.assertTrue(binding.resubscribe_requested)
        self.audience._queue_push()
        self.run_jobs()
        self.assertEqual(self.remote("un.sub@example.org")["status"], "pending")
        self.assertEqual(binding.status, "pending")
        self.assertFalse(binding.resubscribe_requested)
        self.import_members(self.audience)
        self.import_members(self.audience, full=True)
        self.assertTrue(sub.opt_out, "pending is not consent: the opt-out stays")
        # the person confirms, an hour later: Mailchimp says subscribed, and Odoo follows
        # (the emulator's clock jumps, Odoo's does not: the opt-out is dated back instead)
        sub.opt_out_datetime = fields.Datetime.now() - timedelta(hours=1)
        self.state.advance(60)
        self.state.update_member(self.list_mc_id, "un.sub@example.org", status="subscribed")
        self.import_members(self.audience)
        self.assertFalse(sub.opt_out, "the person's confirmation lifts the opt-out")
        self.assertEqual(binding.status, "subscribed")

    def test_a_full_resync_restores_the_opt_out_a_user_lifted(self):
        sub = self.subscription("un.sub@example.org")
        # an opt-out lifted without the connector's say (a data fix, another module)
        sub.with_context(mailchimp_no_push=True).write({"opt_out": False})
        self.import_members(self.audience, full=True)
        self.assertTrue(sub.opt_out, "Mailchimp's status implies the opt-out")
        self.assertEqual(self.remote("un.sub@example.org")["status"], "unsubscribed")

    def test_an_unread_unsubscribe_is_not_undone_by_a_user_opt_in(self):
        self.state.add_member(self.list_mc_id, "late@example.org")
        self.import_members(self.audience)
        sub = self.subscription("late@example.org")
        sub.write({"opt_out": True})
        sub.write({"opt_out_datetime": fields.Datetime.now() - timedelta(hours=2)})
        # the person unsubscribes in Mailchimp; Odoo has not read it when a user opts the
        # contact back in, a minute later
        self.state.advance(30)
        self.state.update_member(self.list_mc_id, "late@example.org", status="unsubscribed")
        sub.write({"opt_out": False})
        if sub.mailchimp_opt_in_date:  # dated (in Odoo's time) a minute after the unsubscribe
            later = self.state.now().replace(tzinfo=None, microsecond=0) + timedelta(minutes=1)
            sub.mailchimp_opt_in_date = later - self.account._clock_offset()
        self.assertFalse(sub.opt_out, "Odoo knew of no unsubscribe: the opt-in applies")
        self.import_members(self.audience)
        self.assertEqual(self.binding("late@example.org").status, "unsubscribed")
        self.assertTrue(sub.opt_out, "the person's unsubscribe wins over a user's opt-in")

    def test_the_persons_own_opt_in_in_odoo_is_newest_wins(self):
        sub = self.subscription("un.sub@example.org")
        self.state.advance(60)
        sub.with_env(self.public_env()).write({"opt_out": False})
        self.assertFalse(sub.opt_out, "the person's own decision applies")
        self.assertFalse(self.binding("un.sub@example.org").resubscribe_requested)
        self.import_members(self.audience, full=True)
        self.assertFalse(sub.opt_out, "newest wins: not undone by an older unsubscribe")

    # ------------------------------------------------------------------ cleaned
    def test_a_user_cannot_remove_the_blacklisting_of_a_cleaned_address(self):
        self.assertTrue(self.blacklisted("cleaned.bounce@example.org"))
        self.env["mail.blacklist"].with_user(self.manager).sudo()._remove(
            "cleaned.bounce@example.org"
        )
        self.assertTrue(self.blacklisted("cleaned.bounce@example.org"), "a bounce is a fact")
        self.import_members(self.audience, full=True)
        self.assertTrue(self.blacklisted("cleaned.bounce@example.org"))
        self.assertEqual(self.remote("cleaned.bounce@example.org")["status"], "cleaned")

    def test_a_full_resync_restores_the_blacklisting_of_a_cleaned_address(self):
        entry = self.Blacklist.search([("email", "=", "cleaned.bounce@example.org")])
        # lost without the connector's say (a data fix in SQL, another module)
        self.env.cr.execute("UPDATE mail_blacklist SET active = false WHERE id = %s", [entry.id])
        entry.invalidate_recordset()
        self.assertFalse(self.blacklisted("cleaned.bounce@example.org"))
        self.import_members(self.audience, full=True)
        self.assertTrue(self.blacklisted("cleaned.bounce@example.org"), "restored")

    def test_a_user_opt_in_of_a_cleaned_member_list_is_kept(self):
        sub = self.subscription("cleaned.bounce@example.org")
        self.assertTrue(sub.opt_out)
        sub.write({"opt_out": False})
        self.assertTrue(sub.opt_out, "a bounce cannot be re-subscribed")
        self.assertFalse(self.binding("cleaned.bounce@example.org").resubscribe_requested)

    def test_a_user_unblacklisting_an_unsubscribed_address_asks_for_a_double_opt_in(self):
        self.state.add_member(self.list_mc_id, "listed@example.org")
        self.import_members(self.audience)
        self.audience.write({"push_unsubscribes": True})
        self.dated_now(self.env["mail.blacklist"]._add("listed@example.org"))
        self.audience._queue_push()
        self.run_jobs()
        self.assertEqual(self.remote("listed@example.org")["status"], "unsubscribed")
        self.state.advance(60)
        self.env["mail.blacklist"]._remove("listed@example.org")
        sub = self.subscription("listed@example.org")
        self.assertTrue(sub.opt_out, "the audience's opt-out Mailchimp's status implies")
        self.assertTrue(self.binding("listed@example.org").resubscribe_requested)
        self.audience._queue_push()
        self.run_jobs()
        self.assertEqual(self.remote("listed@example.org")["status"], "pending")
        self.import_members(self.audience, full=True)
        self.assertTrue(sub.opt_out)
