# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The core sync under real conditions: each test is a defect reproduced on an earlier main
(members lost by the paged import, archived members re-subscribed, one address with two
bindings, a Mailchimp re-subscription undone, a bounce pushed as an unsubscribe, one poisoned
member failing a page, skipped addresses not named)."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..models import mailchimp_sync_run as sync_run_module
from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestSyncCorrectness(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.Member = self.env["mailchimp.member"]

    # helpers ---------------------------------------------------------------
    def small_pages(self, size):
        return patch.object(sync_run_module, "PAGE_SIZE", size)

    def bindings(self, audience):
        return self.Member.search([("list_id", "=", audience.id)])

    def binding(self, audience, email):
        return self.Member.search(
            [("list_id", "=", audience.id), ("email_normalized", "=", email.lower())]
        )

    def remote(self, email):
        return self.state.get_member(self.list_mc_id, email)

    def assertBoundOnce(self, audience):
        """Every Mailchimp member bound exactly once, with its status."""
        remote = {m["email_address"].lower(): m for m in self.state.members(self.list_mc_id)}
        bindings = self.bindings(audience).filtered(lambda b: b.status != "deleted")
        self.assertEqual(len(bindings), len(remote), "one binding per Mailchimp member")
        self.assertEqual(set(bindings.mapped("email_normalized")), set(remote))
        for binding in bindings:
            self.assertEqual(binding.status, remote[binding.email_normalized]["status"])

    def subscription(self, audience, contact):
        return contact.subscription_ids.filtered(lambda s: s.list_id == audience.mailing_list_id)

    def push(self, audience):
        audience._queue_push()
        self.run_jobs()

    # members lost by the paged import ---------------------------------------
    def test_members_changing_during_a_paged_import_are_all_read(self):
        """60 of 300 members change in Mailchimp between page jobs (the ones already read
        and others): every member that existed at the start is imported by this run, the
        changed ones (with their new values) at the latest by the next incremental one."""
        self.state.seed_members(self.list_mc_id, 300)
        emails = [m["email_address"] for m in self.state.members(self.list_mc_id)]
        audience = self.import_audiences()
        self.account.override_contact_name = True
        with self.small_pages(50):
            run = audience._start_member_import()
            self.run_jobs(max_jobs=2)
            self.assertEqual(run.next_offset, 100)
            self.state.advance(5)
            changed = emails[:40] + emails[150:170]
            for email in changed:
                self.state.update_member(self.list_mc_id, email, merge_fields={"FNAME": "Moved"})
            self.run_jobs()
            self.assertEqual(run.state, "done")
            bound = set(self.bindings(audience).mapped("email_normalized"))
            unchanged = {e.lower() for e in emails} - {e.lower() for e in changed}
            self.assertEqual(unchanged - bound, set(), "nobody lost by the shifting pages")
            self.import_members(audience)
        self.assertBoundOnce(audience)
        for email in changed:
            contact = self.binding(audience, email).mailing_contact_id
            self.assertEqual(contact.first_name, "Moved", email)

    def test_a_killed_import_resumed_after_changes_loses_nobody(self):
        self.state.seed_members(self.list_mc_id, 400)
        emails = [m["email_address"] for m in self.state.members(self.list_mc_id)]
        audience = self.import_audiences()
        with self.small_pages(50):
            run = audience._start_member_import()
            self.run_jobs(max_jobs=3)
            # the worker dies; meanwhile members already read change in Mailchimp
            self.mailchimp_jobs(states=("pending", "enqueued", "started")).unlink()
            self.state.advance(5)
            read = set(self.bindings(audience).mapped("email_normalized"))
            changed = [e for e in emails if e.lower() in read][:12]
            for email in changed:
                self.state.update_member(self.list_mc_id, email, merge_fields={"LNAME": "X"})
            resumed = audience._start_member_import()
            self.assertEqual(resumed, run, "the run resumes from its checkpoint")
            self.run_jobs()
        self.assertEqual(run.state, "done")
        bound = set(self.bindings(audience).mapped("email_normalized"))
        self.assertEqual({e.lower() for e in emails} - bound, set(), "nobody lost")

    def test_full_resync_restores_lost_consent_and_notices_deleted_members(self):
        self.state.add_member(self.list_mc_id, "out@example.org", status="unsubscribed")
        self.state.add_member(self.list_mc_id, "bounced@example.org", status="cleaned")
        self.state.add_member(self.list_mc_id, "erased@example.org")
        self.state.add_member(self.list_mc_id, "stays@example.org")
        audience = self.import_audiences()
        self.import_members(audience)
        out = self.binding(audience, "out@example.org").mailing_contact_id
        # Odoo loses the opt-out and the blacklist entry (an unrelated edit, a clean-up)
        self.subscription(audience, out).with_context(mailchimp_no_push=True).opt_out = False
        self.env["mail.blacklist"].search([("email", "=", "bounced@example.org")]).unlink()
        self.state.delete_permanent(self.list_mc_id, "erased@example.org")
        self.import_members(audience)  # incremental: nothing changed in Mailchimp
        self.assertFalse(self.subscription(audience, out).opt_out)
        self.import_members(audience, full=True)
        self.assertTrue(self.subscription(audience, out).opt_out, "opt-out restored")
        self.assertTrue(
            self.env["mail.blacklist"].search([("email", "=", "bounced@example.org")]),
            "blacklist entry restored",
        )
        erased = self.binding(audience, "erased@example.org")
        self.assertEqual(erased.status, "deleted", "the binding says it is gone")
        self.assertEqual(self.binding(audience, "stays@example.org").status, "subscribed")
        # nothing re-creates it: neither an import nor an export
        with self.assertMailchimpCalls(count=0, method="POST"):
            self.import_members(audience, full=True)
            erased.mailing_contact_id.first_name = "Changed"
            audience.write({"push_fields": True, "push_unsubscribes": True})
            self.push(audience)
        self.assertIsNone(self.remote("erased@example.org"))
        self.assertEqual(erased.status, "deleted")

    # nobody re-subscribed, nobody unsubscribed by mistake ------------------
    def test_a_field_update_never_resubscribes_an_archived_member(self):
        self.state.add_member(self.list_mc_id, "arch@example.org", merge_fields={"FNAME": "A"})
        audience = self.import_audiences()
        self.import_members(audience)
        audience.write({"push_fields": True})
        self.account.auto_update_contact = True
        binding = self.binding(audience, "arch@example.org")
        self.assertEqual(binding.status, "subscribed")
        self.state.archive_member(self.list_mc_id, "arch@example.org")  # Odoo does not know yet
        binding.mailing_contact_id.first_name = "Edited"
        self.assertTrue(binding.need_push)
        self.push(audience)
        self.assertEqual(self.remote("arch@example.org")["status"], "archived")
        self.assertEqual(self.remote("arch@example.org")["merge_fields"]["FNAME"], "Edited")
        self.assertEqual(binding.status, "archived", "Odoo learns the status from the answer")

    def test_one_identity_for_unicode_case_and_no_merge_of_other_addresses(self):
        self.state.add_member(self.list_mc_id, "ÉLODIE@exämple.fr")
        self.state.add_member(self.list_mc_id, "ÄRCHIV@exämple.org", status="archived")
        self.state.add_member(self.list_mc_id, "b@example.org")
        audience = self.import_audiences()
        self.import_members(audience)
        self.assertEqual(len(self.bindings(audience)), 3)
        audience.write({"push_new": True, "push_fields": True, "sync_from": False})
        self.account.auto_update_contact = True
        Contact = self.env["mailing.contact"]
        contacts = Contact.create(
            [
                {"name": "Élodie", "email": "élodie@EXÄMPLE.fr"},
                {"name": "Ärchiv", "email": "ärchiv@exämple.org"},
                {"name": "Comma", "email": "a,b@example.org"},
                {"name": "Space", "email": "a b@example.org"},
            ]
        )
        contacts.write({"list_ids": [(4, audience.mailing_list_id.id)]})
        self.push(audience)
        bindings = self.bindings(audience)
        self.assertEqual(len(bindings), 3, "no second binding for a unicode-case variant")
        self.assertEqual(self.remote("ärchiv@exämple.org")["status"], "archived")
        self.assertEqual(len(self.state.members(self.list_mc_id)), 3)
        b = self.binding(audience, "b@example.org")
        self.assertNotIn(b.mailing_contact_id, contacts[2:], "a,b@ is not b@'s contact")
        self.assertIn("a,b@example.org", audience.push_skipped)
        self.assertIn("a b@example.org", audience.push_skipped)

    def test_a_resubscription_in_mailchimp_is_not_undone_by_odoo(self):
        self.state.add_member(self.list_mc_id, "back@example.org", merge_fields={"FNAME": "B"})
        audience = self.import_audiences()
        self.import_members(audience)
        audience.write({"push_fields": True, "push_unsubscribes": True})
        self.account.auto_update_contact = True
        binding = self.binding(audience, "back@example.org")
        contact = binding.mailing_contact_id
        subscription = self.subscription(audience, contact)
        subscription.opt_out = True  # opted out in Odoo...
        self.dated_now(subscription)
        self.push(audience)
        self.assertEqual(self.remote("back@example.org")["status"], "unsubscribed")
        # ... an hour ago (the emulator's clock jumps, Odoo's does not: the opt-out is dated
        # back instead, which is what an hour passing on both sides looks like)
        subscription.opt_out_datetime = fields.Datetime.now() - timedelta(hours=1)
        self.state.advance(60)
        # the person subscribes again in Mailchimp: their own, newer decision
        self.state.update_member(self.list_mc_id, "back@example.org", status="subscribed")
        self.import_members(audience)
        self.assertFalse(self.subscription(audience, contact).opt_out, "Odoo follows")
        contact.first_name = "Renamed"  # an unrelated edit in Odoo
        self.push(audience)
        member = self.remote("back@example.org")
        self.assertEqual(member["status"], "subscribed", "a name edit never changes a status")
        self.assertEqual(member["merge_fields"]["FNAME"], "Renamed")

    def test_an_odoo_opt_out_newer_than_the_mailchimp_status_is_pushed(self):
        self.state.add_member(self.list_mc_id, "leave@example.org")
        audience = self.import_audiences()
        self.import_members(audience)
        audience.write({"push_unsubscribes": True})
        contact = self.binding(audience, "leave@example.org").mailing_contact_id
        self.subscription(audience, contact).opt_out = True
        self.dated_now(self.subscription(audience, contact))
        self.import_members(audience)  # nothing new in Mailchimp: the opt-out stays
        self.assertTrue(self.subscription(audience, contact).opt_out)
        self.push(audience)
        self.assertEqual(self.remote("leave@example.org")["status"], "unsubscribed")

    def test_a_bounce_is_not_pushed_as_an_unsubscribe_to_another_audience(self):
        other_mc_id = self.state.add_list(name="Other")
        for list_id in (self.list_mc_id, other_mc_id):
            self.state.add_member(list_id, "bounce@example.org", merge_fields={"FNAME": "B"})
        self.import_audiences()
        audiences = self.env["mailchimp.list"].search([("account_id", "=", self.account.id)])
        first = audiences.filtered(lambda a: a.mc_id == self.list_mc_id)
        other = audiences - first
        for audience in audiences:
            self.import_members(audience)
        other.write({"push_unsubscribes": True, "push_fields": True})
        self.account.auto_update_contact = True
        self.state.advance(60)
        self.state.update_member(self.list_mc_id, "bounce@example.org", status="cleaned")
        self.import_members(first)
        self.assertTrue(
            self.env["mail.blacklist"].search([("email", "=", "bounce@example.org")]),
            "a bounced address is blacklisted in Odoo",
        )
        binding = self.binding(other, "bounce@example.org")
        binding.mailing_contact_id.first_name = "Still"
        binding.need_push = True
        self.push(other)
        member = self.state.get_member(other_mc_id, "bounce@example.org")
        self.assertEqual(member["status"], "subscribed", "a bounce is not an unsubscribe")
        # a person's own blacklisting is an opt-out, and is pushed
        self.env["mail.blacklist"]._add("bounce@example.org")  # already there: no change
        entry = self.env["mail.blacklist"].search([("email", "=", "bounce@example.org")])
        entry.write({"opt_out_reason_id": False})
        self.dated_now(entry)
        binding.need_push = True
        self.push(other)
        member = self.state.get_member(other_mc_id, "bounce@example.org")
        self.assertEqual(member["status"], "unsubscribed")

    # one poisoned member must not block a page --------------------------------
    def test_hostile_values_are_cleaned_and_the_page_goes_on(self):
        self.state.add_member(self.list_mc_id, "nul@example.org", merge_fields={"FNAME": "A\x00B"})
        self.state.add_member(self.list_mc_id, "num@example.org", merge_fields={"FNAME": 42})
        self.state.add_member(
            self.list_mc_id, "long@example.org", merge_fields={"FNAME": "<b>x</b>" * 500}
        )
        self.state.seed_members(self.list_mc_id, 20)
        audience = self.import_audiences()
        run = self.import_members(audience)
        self.assertEqual(run.state, "done")
        self.assertBoundOnce(audience)
        self.assertEqual(
            self.binding(audience, "nul@example.org").mailing_contact_id.first_name, "AB"
        )
        self.assertEqual(
            self.binding(audience, "num@example.org").mailing_contact_id.first_name, "42"
        )
        long_name = self.binding(audience, "long@example.org").mailing_contact_id.first_name
        self.assertEqual(len(long_name), 1000)

    def test_one_failing_member_is_recorded_and_the_others_are_imported(self):
        self.state.add_member(self.list_mc_id, "poison@example.org")
        self.state.seed_members(self.list_mc_id, 30)
        audience = self.import_audiences()
        service = type(self.env["mailchimp.member.import"])
        original = service._apply_members

        def apply_members(recs, audience, remotes, counts, *args):
            if "poison@example.org" in remotes:
                raise ValueError("A string literal cannot contain NUL (0x00) characters.")
            return original(recs, audience, remotes, counts, *args)

        with patch.object(service, "_apply_members", apply_members):
            run = self.import_members(audience)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.failed, 1)
        self.assertEqual(len(self.bindings(audience)), 30)
        self.assertIn("poison@example.org: A string literal cannot contain NUL", run.problems)
        self.assertIn("poison@example.org", audience.last_sync_result)

    def test_skipped_addresses_are_named(self):
        self.state.add_member(self.list_mc_id, "ok@example.org")
        # Mailchimp-side data Odoo cannot take as one address
        self.state.add_member(self.list_mc_id, "two,addresses@example.org")
        audience = self.import_audiences()
        run = self.import_members(audience)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.skipped, 1)
        self.assertIn("two,addresses@example.org: not one valid address", run.problems)
        self.assertIn("two,addresses@example.org", audience.last_sync_result)
        self.assertEqual(self.bindings(audience).email_normalized, "ok@example.org")
