# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from ..models import job_tools
from ..services import mailchimp_client
from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestContactExport(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.account.auto_update_contact = True
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.audience = self.env["mailchimp.list"]._import_from_account(self.account)
        self.audience.write({"push_new": True, "push_unsubscribes": True, "push_fields": True})
        self.mlist = self.audience.mailing_list_id
        self.Contact = self.env["mailing.contact"]

    # helpers ---------------------------------------------------------------
    def add_contacts(self, emails, **vals):
        return self.Contact.create(
            [
                dict(
                    {"name": f"Contact {i}", "email": email, "list_ids": [(4, self.mlist.id)]},
                    **vals,
                )
                for i, email in enumerate(emails)
            ]
        )

    def remote(self, email):
        return self.state.get_member(self.list_mc_id, email)

    def binding(self, email):
        return self.env["mailchimp.member"].search(
            [("list_id", "=", self.audience.id), ("email_normalized", "=", email.lower())]
        )

    def push(self):
        self.audience._queue_push()
        self.run_jobs()

    def writes(self):
        return sum(
            self.emulator.count_requests(method=m, path_prefix="/lists")
            for m in ("POST", "PUT", "PATCH", "DELETE")
        )

    # tests -----------------------------------------------------------------
    def test_default_mapping_follows_the_audience_merge_fields(self):
        tags = set(self.audience.mapping_ids.mapped("merge_tag"))
        self.assertTrue({"EMAIL", "FNAME", "LNAME"} <= tags)
        self.assertEqual(self.audience._mapping_dict()["FNAME"], "first_name")

    def test_new_contacts_are_sent_in_batches(self):
        # Mailchimp takes 500 members a call; the same paging proven with batches of 5
        self.assertEqual(mailchimp_client.BATCH_LIMIT, 500)
        emails = [f"new{i}@example.org" for i in range(12)]
        self.add_contacts(emails, first_name="Ann", last_name="Lee")
        self.assertEqual(self.audience.push_pending_count, 12)
        with (
            patch.object(mailchimp_client, "BATCH_LIMIT", 5),
            self.assertMailchimpCalls(count=3, method="POST", path_prefix="/lists"),
        ):
            self.push()
        for email in (emails[0], emails[-1]):
            member = self.remote(email)
            self.assertEqual(member["status"], "subscribed")
            self.assertEqual(member["merge_fields"]["FNAME"], "Ann")
            self.assertEqual(self.binding(email).status, "subscribed")
        self.assertEqual(len(self.state.members(self.list_mc_id)), 12)
        self.audience.invalidate_recordset(["push_pending_count"])
        self.assertEqual(self.audience.push_pending_count, 0)
        with self.assertMailchimpCalls(count=0):
            self.push()  # a no-change run writes nothing

    def test_an_export_job_leaves_the_updates_it_has_no_time_for_to_the_next_job(self):
        """Issue 24, found by the multi-process suite with Mailchimp's latency: a field update
        goes alone (one PATCH), and an export job took up to 5,000 of them: 1,000 s at 0.2 s
        a call, killed by limit_time_real before it committed anything, each time it was tried
        again. A job starts no such call past its budget (one at least); the next job sends
        the rest."""
        contacts = self.add_contacts([f"slow{i}@example.org" for i in range(3)])
        self.push()
        for i, contact in enumerate(contacts):
            contact.name = f"Renamed {i}"
        self.assertEqual(self.audience.push_pending_count, 3)
        with (
            patch.object(job_tools, "CALLS_BUDGET_SECONDS", 0),
            self.assertMailchimpCalls(count=3, method="PATCH"),
        ):
            self.audience._queue_push()
            self.assertEqual(self.run_jobs(), 3, "one update a job, then the next job")
        self.assertEqual(self.remote("slow2@example.org")["merge_fields"]["FNAME"], "Renamed")
        self.assertFalse(self.mailchimp_jobs())

    def test_existing_contacts_are_not_pushed_until_exported_explicitly(self):
        self.audience.write({"push_new": False, "sync_from": False})
        old = self.add_contacts(["old1@example.org", "old2@example.org", "bad-address"])
        self.audience.push_new = True
        self.assertTrue(self.audience.sync_from, "turning push on sets 'sync from'")
        self.push()
        self.assertIsNone(self.remote("old1@example.org"), "no initial push")
        wizard = self.env["mailchimp.export.existing"].create({"list_id": self.audience.id})
        self.assertEqual(wizard.contact_count, 3, "counted before sending")
        wizard.action_confirm()
        self.assertIn("bad-address", wizard.result, "skipped contacts are listed")
        self.run_jobs()
        self.assertEqual(self.remote("old2@example.org")["status"], "subscribed")
        self.assertEqual(len(old), 3)

    def test_only_one_audience_per_account_pushes_new_records(self):
        self.state.add_list(name="Second")
        audiences = self.env["mailchimp.list"]._import_from_account(self.account)
        second = audiences.filtered(lambda a: a.name == "Second")
        with self.assertRaises(ValidationError) as error:
            second.push_new = True
        self.assertIn("Newsletter", str(error.exception))

    def test_refused_and_invalid_addresses_are_recorded_once_valid_ones_exported(self):
        # 5 % of 100: unsubscribed in Mailchimp (compliance), permanently deleted, invalid
        self.state.add_member(self.list_mc_id, "gone0@example.org", status="unsubscribed")
        self.state.add_member(self.list_mc_id, "gone1@example.org", status="unsubscribed")
        self.state.add_member(self.list_mc_id, "erased@example.org")
        self.state.delete_permanent(self.list_mc_id, "erased@example.org")
        bad = ["gone0@example.org", "gone1@example.org", "erased@example.org", "x@", "y@@z"]
        good = [f"ok{i}@example.org" for i in range(95)]
        self.add_contacts(good + bad)
        self.push()
        for email in good:
            self.assertEqual(self.remote(email)["status"], "subscribed")
        erased = self.binding("erased@example.org")
        self.assertTrue(erased.sync_error, "Mailchimp's message kept")
        self.assertFalse(erased.need_push)
        for email in bad[:2]:
            # already unsubscribed in Mailchimp: the new contact is added with status_if_new,
            # which leaves the status alone, and Odoo learns the opt-out at once
            binding = self.binding(email)
            self.assertEqual(binding.status, "unsubscribed")
            self.assertFalse(binding.need_push)
            subscription = binding.mailing_contact_id.subscription_ids.filtered(
                lambda s: s.list_id == self.audience.mailing_list_id
            )
            self.assertTrue(subscription.opt_out, email)
        self.assertEqual(self.remote("gone0@example.org")["status"], "unsubscribed")
        self.assertIsNone(self.remote("erased@example.org"))
        self.assertIn("x@: no valid email address", self.audience.push_skipped)
        self.assertIn("y@@z: no valid email address", self.audience.push_skipped)
        with self.assertMailchimpCalls(count=0):
            self.push()  # failures are not retried forever
            self.env["mailchimp.list"]._cron_push()
            self.run_jobs()

    def test_unsubscribed_in_mailchimp_and_edited_in_odoo_stays_unsubscribed(self):
        contact = self.add_contacts(["ann@example.org"], first_name="Ann")
        self.push()
        self.state.update_member(self.list_mc_id, "ann@example.org", status="unsubscribed")
        self.audience._start_member_import(full=False)
        self.run_jobs()
        self.assertEqual(self.binding("ann@example.org").status, "unsubscribed")
        contact.first_name = "Annie"
        self.push()
        member = self.remote("ann@example.org")
        self.assertEqual(member["status"], "unsubscribed")
        self.assertEqual(member["merge_fields"]["FNAME"], "Annie")

    def test_opt_out_and_blacklist_unsubscribe_in_mailchimp(self):
        contacts = self.add_contacts(["a@example.org", "b@example.org"])
        self.push()
        contacts[0].subscription_ids.opt_out = True
        self.dated_now(contacts[0].subscription_ids)
        self.dated_now(self.env["mail.blacklist"]._add("b@example.org"))
        self.push()
        self.assertEqual(self.remote("a@example.org")["status"], "unsubscribed")
        self.assertEqual(self.remote("b@example.org")["status"], "unsubscribed")

    def test_email_change_updates_the_member_under_its_old_hash(self):
        contact = self.add_contacts(["old@example.org"])
        self.push()
        contact.email = "New@Example.org"
        with self.assertMailchimpCalls(count=1, method="PATCH"):
            self.push()
        self.assertIsNone(self.remote("old@example.org"))
        self.assertEqual(self.remote("new@example.org")["status"], "subscribed")
        self.assertEqual(len(self.state.members(self.list_mc_id)), 1)
        self.assertEqual(self.binding("new@example.org").mailing_contact_id, contact)

    def test_double_optin_sends_new_members_as_pending(self):
        self.audience.double_optin = True
        self.add_contacts(["dbl@example.org"])
        self.push()
        self.assertEqual(self.remote("dbl@example.org")["status"], "pending")

    def test_account_push_switch_off_sends_nothing(self):
        self.account.push_contacts = False
        self.add_contacts(["quiet@example.org"])
        with self.assertMailchimpCalls(count=0):
            self.push()
            self.env["mailchimp.list"]._cron_push()
            self.run_jobs()
        self.assertIsNone(self.remote("quiet@example.org"))

    def test_partner_phone_in_e164_and_address_only_when_complete(self):
        us = self.env.ref("base.us")
        state = self.env.ref("base.state_us_5")
        full = self.env["res.partner"].create(
            {
                "name": "Full Address",
                "email": "full@example.org",
                "phone": "(650) 253-0000",
                "street": "1 Main St",
                "city": "Springfield",
                "state_id": state.id,
                "zip": "62701",
                "country_id": us.id,
            }
        )
        partial = self.env["res.partner"].create(
            {"name": "No Zip", "email": "nozip@example.org", "phone": "garbage", "city": "X"}
        )
        (full | partial).action_mailchimp_export()
        self.run_jobs()
        merges = self.remote("full@example.org")["merge_fields"]
        self.assertEqual(merges["PHONE"], "+16502530000")
        self.assertEqual(merges["ADDRESS"]["zip"], "62701")
        self.assertEqual(merges["FNAME"], "Full")
        other = self.remote("nozip@example.org")
        self.assertEqual(other["status"], "subscribed", "still synced without the address")
        self.assertFalse(other["merge_fields"].get("PHONE"), "unparsable phone not sent raw")
        self.assertIn("phone", self.binding("nozip@example.org").push_reason)

    def test_child_contact_without_email_uses_its_parent_address(self):
        parent = self.env["res.partner"].create(
            {"name": "Acme", "email": "billing@acme.example.org", "is_company": True}
        )
        child = self.env["res.partner"].create({"name": "Bob", "parent_id": parent.id})
        child.action_mailchimp_export()
        self.run_jobs()
        self.assertEqual(self.remote("billing@acme.example.org")["status"], "subscribed")
        self.assertEqual(self.binding("billing@acme.example.org").partner_id, child)

    def test_mapping_errors_name_the_merge_tag(self):
        with self.assertRaises(ValidationError) as error:
            self.env["mailchimp.field.mapping"].create(
                {"list_id": self.audience.id, "merge_tag": "nope", "source": "name"}
            )
        self.assertIn("NOPE", str(error.exception))
        self.audience.merge_field_ids.filtered(lambda m: m.tag == "LNAME").required = True
        self.audience.mapping_ids.filtered(lambda m: m.merge_tag == "LNAME").unlink()
        with self.assertRaises(UserError) as error:
            self.audience._mapping_dict()
        self.assertIn("LNAME", str(error.exception))

    def test_rate_limit_postpones_the_export_job(self):
        self.env["ir.config_parameter"].set_param("mailchimp_connector.backoff_base", "0.01")
        self.add_contacts(["later@example.org"])
        self.emulator.faults.configure(rate_429=1.0, retry_after=0)
        self.audience._queue_push()
        self.run_jobs()
        self.emulator.faults.clear()
        job = self.mailchimp_jobs(states=("pending", "enqueued"))
        self.assertTrue(job, "429: the job waits for a retry, it is not failed")
        self.assertIsNone(self.remote("later@example.org"))
        job.write({"eta": fields.Datetime.now() - timedelta(seconds=1)})
        self.run_jobs()
        self.assertEqual(self.remote("later@example.org")["status"], "subscribed")

    def test_resubscribe_is_explicit_and_pending(self):
        self.state.add_member(self.list_mc_id, "back@example.org", status="unsubscribed")
        self.audience._start_member_import(full=True)
        self.run_jobs()
        binding = self.binding("back@example.org")
        self.assertEqual(binding.status, "unsubscribed")
        binding.action_resubscribe_pending()
        self.assertEqual(self.remote("back@example.org")["status"], "pending")
        self.assertEqual(binding.status, "pending")

    def test_name_edited_in_the_form_reaches_mailchimp_and_back(self):
        self.account.write({"auto_create_partner": True, "override_contact_name": True})
        self.state.add_member(
            self.list_mc_id, "name@example.org", merge_fields={"FNAME": "Jane", "LNAME": "Doe"}
        )
        self.audience._start_member_import(full=True)
        self.run_jobs()
        binding = self.binding("name@example.org")
        contact, partner = binding.mailing_contact_id, binding.partner_id
        self.assertEqual((contact.name, partner.name), ("Jane Doe", "Jane Doe"))
        # Odoo -> Mailchimp: the contact form edits Name only
        with Form(contact) as form:
            form.name = "Janet van Dyke"
        self.assertEqual((contact.first_name, contact.last_name), ("Janet", "van Dyke"))
        # the account links members to partners: the member's partner follows its contact
        self.assertEqual(partner.name, "Janet van Dyke")
        self.assertTrue(binding.need_push)
        self.push()
        merges = self.remote("name@example.org")["merge_fields"]
        self.assertEqual((merges["FNAME"], merges["LNAME"]), ("Janet", "van Dyke"))
        # the partner form's Name reaches Mailchimp too (through the member's contact)
        with Form(partner) as form:
            form.name = "Jo March"
        self.assertEqual(
            (contact.first_name, contact.last_name, contact.name), ("Jo", "March", "Jo March")
        )
        self.push()
        merges = self.remote("name@example.org")["merge_fields"]
        self.assertEqual((merges["FNAME"], merges["LNAME"]), ("Jo", "March"))
        # Mailchimp -> Odoo: a name changed there (a moment later) shows in both forms
        self.state.advance(2)
        self.state.update_member(
            self.list_mc_id, "name@example.org", merge_fields={"FNAME": "Amy", "LNAME": "Laurence"}
        )
        self.audience._start_member_import(full=False)
        self.run_jobs()
        self.assertEqual(contact.name, "Amy Laurence")
        self.assertEqual(partner.name, "Amy Laurence")
        self.assertFalse(binding.need_push, "the import's own write is not sent back")

    def test_a_renamed_contact_leaves_the_partner_where_the_account_does_not_link_them(self):
        """The mailing contact holds the name Mailchimp receives; its partner (found by the
        import while the account linked partners) keeps its own name once the account no
        longer creates partners for members, and the member says which name goes."""
        self.account.auto_create_partner = True
        self.state.add_member(
            self.list_mc_id, "own@example.org", merge_fields={"FNAME": "Beth", "LNAME": "March"}
        )
        self.audience._start_member_import(full=True)
        self.run_jobs()
        binding = self.binding("own@example.org")
        contact, partner = binding.mailing_contact_id, binding.partner_id
        self.assertEqual((contact.name, partner.name), ("Beth March", "Beth March"))
        self.account.auto_create_partner = False
        contact.name = "Elizabeth March"
        self.assertEqual(partner.name, "Beth March", "the partner keeps its own name")
        self.assertEqual(binding.name_source, "Elizabeth March (the mailing contact)")
        self.push()
        merges = self.remote("own@example.org")["merge_fields"]
        self.assertEqual((merges["FNAME"], merges["LNAME"]), ("Elizabeth", "March"))

    def test_name_of_a_partner_only_member_reaches_mailchimp(self):
        partner = self.env["res.partner"].create({"name": "Meg March", "email": "meg@example.org"})
        self.audience._bind_for_push(partners=partner)
        self.push()
        partner.name = "Margaret Brooke"
        self.push()
        merges = self.remote("meg@example.org")["merge_fields"]
        self.assertEqual((merges["FNAME"], merges["LNAME"]), ("Margaret", "Brooke"))

    def test_round_trip_is_stable(self):
        for i in range(20):
            self.state.add_member(
                self.list_mc_id, f"rt{i}@example.org", merge_fields={"FNAME": f"R{i}"}
            )
        self.audience._start_member_import(full=True)
        self.run_jobs()
        contact = self.binding("rt3@example.org").mailing_contact_id
        contact.first_name = "Edited"
        self.push()
        self.assertEqual(self.remote("rt3@example.org")["merge_fields"]["FNAME"], "Edited")
        self.audience._start_member_import(full=False)
        self.run_jobs()
        self.assertEqual(contact.first_name, "Edited")
        # a second full cycle changes nothing on either side
        bindings = self.env["mailchimp.member"].search([("list_id", "=", self.audience.id)])
        self.env.flush_all()
        before = {b.id: (b.write_date, b.status, b.need_push) for b in bindings}
        writes = self.writes()
        self.push()
        self.audience._start_member_import(full=False)
        self.run_jobs()
        self.push()
        self.assertEqual(self.writes(), writes, "no write to Mailchimp")
        self.env.invalidate_all()
        after = {b.id: (b.write_date, b.status, b.need_push) for b in bindings}
        self.assertEqual(after, before, "no binding changed in Odoo")
