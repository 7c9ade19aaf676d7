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
from odoo.exceptions import UserError
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


@tagged("post_install", "-at_install")
class TestWithdrawalReachesMailchimp(MailchimpCase):
    """An opt-out or blacklisting made in Odoo goes to Mailchimp within a minute, by its own
    short-delayed export job (one waiting per audience), and the contact shows it waiting."""

    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        for email in ("ann@example.org", "bob@example.org", "cid@example.org"):
            self.state.add_member(self.list_mc_id, email)
        self.audience = self.import_audiences()
        self.import_members(self.audience)
        self.audience.push_unsubscribes = True
        self.Member = self.env["mailchimp.member"]

    def binding(self, email):
        return self.Member.search(
            [("list_id", "=", self.audience.id), ("email_normalized", "=", email)]
        )

    def withdrawal_jobs(self):
        return self.mailchimp_jobs().filtered(
            lambda j: j.identity_key == f"mailchimp-withdraw-{self.audience.id}"
        )

    def test_an_opt_out_is_pushed_by_its_own_short_delayed_job(self):
        ann, bob = self.binding("ann@example.org"), self.binding("bob@example.org")
        sub = ann.mailing_contact_id.subscription_ids.filtered(
            lambda s: s.list_id == self.audience.mailing_list_id
        )
        sub.opt_out = True
        self.dated_now(sub)
        self.assertTrue(ann.withdrawal_waiting)
        self.assertTrue(ann.mailing_contact_id.mailchimp_optout_waiting, "the form says so")
        self.assertFalse(bob.mailing_contact_id.mailchimp_optout_waiting)
        jobs = self.withdrawal_jobs()
        self.assertEqual(len(jobs), 1)
        self.assertLessEqual(jobs.eta, fields.Datetime.now() + timedelta(minutes=1))
        # a blacklisting a moment later joins the same job
        self.dated_now(self.env["mail.blacklist"]._add("bob@example.org"))
        self.assertTrue(bob.withdrawal_waiting)
        self.assertEqual(len(self.withdrawal_jobs()), 1, "one waiting job per audience")
        self.run_jobs()
        self.assertEqual(self.withdrawal_jobs(), jobs, "not before its delay")
        jobs.eta = fields.Datetime.now() - timedelta(seconds=1)
        self.run_jobs()
        self.assertEqual(jobs.state, "done")
        for email in ("ann@example.org", "bob@example.org"):
            self.assertEqual(
                self.state.get_member(self.list_mc_id, email)["status"], "unsubscribed"
            )
            self.assertFalse(self.binding(email).withdrawal_waiting)
        self.assertFalse(ann.mailing_contact_id.mailchimp_optout_waiting)
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "cid@example.org")["status"], "subscribed"
        )

    def test_no_withdrawal_job_where_unsubscribes_are_not_pushed(self):
        self.audience.push_unsubscribes = False
        self.env["mail.blacklist"]._add("ann@example.org")
        self.assertFalse(self.withdrawal_jobs())
        self.assertFalse(self.binding("ann@example.org").withdrawal_waiting)


@tagged("post_install", "-at_install")
class TestConsentHistory(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.add_member(
            self.list_mc_id, "ada@example.org", ip_signup="192.0.2.7", ip_opt="192.0.2.8"
        )
        self.audience = self.import_audiences()
        self.import_members(self.audience)
        self.audience.push_unsubscribes = True
        self.binding = self.env["mailchimp.member"].search([("list_id", "=", self.audience.id)])
        self.Consent = self.env["mailchimp.consent"]

    def history(self):
        return self.Consent.search([("email_normalized", "=", "ada@example.org")], order="id")

    def push_now(self):
        self.audience._queue_push()
        self.run_jobs()

    def test_the_history_of_a_person_reads_right(self):
        first = self.history()
        self.assertEqual(first.mapped("kind"), ["given"])
        self.assertEqual(first.source, "mailchimp_import")
        self.assertEqual((first.ip_signup, first.ip_opt), ("192.0.2.7", "192.0.2.8"))
        self.assertTrue(first.timestamp_signup)
        contact = self.binding.mailing_contact_id
        self.assertEqual(contact.mailchimp_consent_count, 1, "the smart button")
        self.import_members(self.audience)
        self.import_members(self.audience, full=True)
        self.assertEqual(len(self.history()), 1, "no record for a no-op")
        # opted out in Odoo by a user, pushed: one withdrawal
        sub = contact.subscription_ids.filtered(
            lambda s: s.list_id == self.audience.mailing_list_id
        )
        sub.with_user(self.manager).sudo().write({"opt_out": True})
        self.dated_now(sub)
        self.push_now()
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "ada@example.org")["status"], "unsubscribed"
        )
        self.import_members(self.audience)
        withdrawn = self.history()[1:]
        self.assertEqual(withdrawn.mapped("kind"), ["withdrawn"])
        self.assertEqual(withdrawn.source, "odoo_opt_out")
        self.assertEqual(withdrawn.user_id, self.manager)
        self.assertTrue(self.binding.consent_withdrawn_at)
        # re-invited by a user (double opt-in), then confirmed by the person
        sub.with_user(self.manager).sudo().write({"opt_out": False})
        self.push_now()
        self.assertEqual(self.history().mapped("kind"), ["given", "withdrawn", "pending"])
        self.state.advance(60)
        sub.opt_out_datetime = sub.opt_out_datetime - timedelta(hours=1)
        self.assertEqual(len(self.history()), 3, "dating an opt-out back is no withdrawal")
        self.state.update_member(self.list_mc_id, "ada@example.org", status="subscribed")
        self.import_members(self.audience)
        history = self.history()
        self.assertEqual(
            history.mapped("kind"),
            ["given", "withdrawn", "pending", "confirmed"],
            history.mapped("source"),
        )
        self.assertEqual(history.mapped("source")[2:], ["double_opt_in", "mailchimp_import"])
        self.assertFalse(sub.opt_out)
        self.assertEqual(self.binding.consent_given_at, history[3].decided_at)

    def test_the_history_is_append_only(self):
        record = self.history()
        with self.assertRaises(UserError):
            record.write({"kind": "withdrawn"})
        with self.assertRaises(UserError):
            record.unlink()
        with self.assertRaises(UserError):
            self.Consent.create(
                {
                    "list_id": self.audience.id,
                    "email": "x@example.org",
                    "email_normalized": "x@example.org",
                    "kind": "given",
                    "source": "odoo_user",
                    "decided_at": fields.Datetime.now(),
                }
            )
        with self.assertRaises(UserError):
            record.with_user(self.mc_user).write({"reason": "x"})

    def test_users_read_their_companies_history_only(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.mc_user.write({"company_ids": [(4, other.id)]})
        self.assertEqual(len(self.history().with_user(self.mc_user)), 1)
        self.assertEqual(
            self.Consent.with_user(self.mc_user)
            .with_context(allowed_company_ids=[other.id])
            .search_count([]),
            0,
        )


@tagged("post_install", "-at_install")
class TestUpdateConsent(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.add_member(self.list_mc_id, "eve@example.org")
        self.state.add_member(self.list_mc_id, "gone@example.org", status="unsubscribed")
        self.state.add_member(self.list_mc_id, "bounce@example.org", status="cleaned")
        self.audience = self.import_audiences()
        self.import_members(self.audience)
        self.audience.push_unsubscribes = True

    def binding(self, email):
        return self.env["mailchimp.member"].search(
            [("list_id", "=", self.audience.id), ("email_normalized", "=", email)]
        )

    def wizard(self, record, **values):
        return (
            self.env["mailchimp.consent.update"]
            .with_user(self.manager)
            .with_context(active_model=record._name, active_ids=record.ids)
            .create(values)
        )

    def test_opt_out_with_a_reason_is_pushed_and_recorded(self):
        contact = self.binding("eve@example.org").mailing_contact_id
        reason = self.env["mailing.subscription.optout"].search([], limit=1)
        wizard = self.wizard(contact, action="opt_out", reason_id=reason.id, note="by phone")
        self.assertEqual(wizard.member_ids, self.binding("eve@example.org"))
        wizard.action_apply()
        sub = contact.subscription_ids.filtered(
            lambda s: s.list_id == self.audience.mailing_list_id
        )
        self.assertTrue(sub.opt_out)
        record = self.env["mailchimp.consent"].search(
            [("email_normalized", "=", "eve@example.org"), ("kind", "=", "withdrawn")]
        )
        self.assertEqual(len(record), 1)
        self.assertEqual(record.reason, reason.name)
        self.assertEqual(record.user_id, self.manager)
        self.assertIn("by phone", contact.message_ids[0].body)
        # the audit log: one row, by the user, naming the audience, not the address
        audit = self.env["mailchimp.audit.log"].search([("operation", "=", "consent_update")])
        self.assertEqual(len(audit), 1)
        self.assertEqual((audit.actor, audit.user_id), ("user", self.manager))
        self.assertIn(self.audience.name, audit.summary)
        self.assertNotIn("eve@example.org", audit.summary)

    def test_opt_in_of_an_unsubscribed_member_is_a_request(self):
        binding = self.binding("gone@example.org")
        self.wizard(binding, action="opt_in").action_apply()
        sub = binding.mailing_contact_id.subscription_ids.filtered(
            lambda s: s.list_id == self.audience.mailing_list_id
        )
        self.assertTrue(sub.opt_out, "no silent re-subscription")
        self.assertTrue(binding.resubscribe_requested)
        self.audience._queue_push()
        self.run_jobs()
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "gone@example.org")["status"], "pending"
        )

    def test_opt_in_of_a_bounce_is_refused(self):
        with self.assertRaises(UserError):
            self.wizard(self.binding("bounce@example.org"), action="opt_in").action_apply()
