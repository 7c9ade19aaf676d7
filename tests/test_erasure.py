# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The right to erasure: delete-permanent in every audience of every account, the
connector's data removed, a tombstone that no old data undoes, a job that resumes."""

import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import MailchimpCase

JANE = "jane@example.org"


@tagged("post_install", "-at_install")
class TestErasure(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.add_member(self.list_mc_id, "Jane@Example.org", merge_fields={"FNAME": "Jane"})
        self.state.add_member(self.list_mc_id, "bob@example.org")
        self.account.action_test_connection()
        self.audience = self.env["mailchimp.list"]._import_from_account(self.account)
        self.mailing_list = self.env["mailing.list"].create({"name": "News"})
        self.audience.write(
            {"push_new": True, "push_unsubscribes": True, "mailing_list_id": self.mailing_list.id}
        )
        # a second account, on an emulator of its own, with the address too
        self.emulator2 = self._start_emulator(seed=7)
        self.account.api_base_url = self.emulator.base_url
        self.account.api_key = self.emulator.api_key
        self.account2 = self.env["mailchimp.account"].create(
            {
                "name": "Second",
                "api_key": self.emulator2.api_key,
                "api_base_url": self.emulator2.base_url,
            }
        )
        self.account2.action_test_connection()
        self.list2_mc_id = self.emulator2.state.add_list(name="Other")
        self.emulator2.state.add_member(self.list2_mc_id, JANE)
        self.audience2 = self.env["mailchimp.list"]._import_from_account(self.account2)
        for audience in self.audience | self.audience2:
            audience._start_member_import()
        self.run_jobs()
        self.assertEqual(
            len(self.env["mailchimp.member"].search([("email_normalized", "=", JANE)])), 2
        )

    def run_jobs(self, max_jobs=None):
        self.emulator2.state.advance(2)  # the second account's clock moves on too
        return super().run_jobs(max_jobs=max_jobs)

    def erase(self, email=JANE):
        wizard = self.env["mailchimp.erasure.wizard"].create({"email": email})
        self.assertIn("Newsletter", wizard.preview)
        action = wizard.action_confirm()
        return self.env["mailchimp.erasure"].browse(action["res_id"])

    def connector_text_columns(self):
        """(table, column) of every char/text/json column of the connector's models."""
        columns = []
        for name in self.env.registry:
            model = self.env[name]
            if not name.startswith("mailchimp.") or model._abstract or not model._auto:
                continue
            for field in model._fields.values():
                if field.store and field.column_type and field.type in ("char", "text", "json"):
                    columns.append((model._table, field.name))
        return columns

    def assertNoTrace(self, address=JANE):
        self.env.flush_all()
        found = []
        for table, column in self.connector_text_columns():
            self.env.cr.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',  # noqa: S608
                (f"%{address}%",),
            )
            if self.env.cr.fetchone()[0]:
                found.append(f"{table}.{column}")
        self.assertEqual(found, [], "the address is still in the connector's tables")

    def test_erasure_in_two_audiences_of_two_accounts(self):
        contact = self.env["mailing.contact"].create(
            {"name": "Jane", "email": JANE, "list_ids": [(4, self.mailing_list.id)]}
        )
        partner = self.env["res.partner"].create({"name": "Jane Doe", "email": JANE})
        # a partner other documents refer to (a company's own): anonymized, not deleted
        company = self.env["res.company"].create({"name": "Jane Ltd", "email": "JANE@example.org"})
        campaign = self.env["mailchimp.campaign"].create(
            {
                "name": "Sent",
                "mc_id": "camp01",
                "account_id": self.account.id,
                "list_id": self.audience.id,
                "status": "sent",
            }
        )
        self.env["mailchimp.campaign.activity"].create(
            {
                "campaign_id": campaign.id,
                "email": "Jane@Example.org",
                "email_normalized": JANE,
                "action": "open",
                "timestamp": fields.Datetime.now() - timedelta(days=1),
                "identity_key": "k1",
            }
        )
        self.env["mailchimp.webhook.event"].create(
            {
                "list_id": self.audience.id,
                "event_type": "profile",
                "email": JANE,
                "payload": json.dumps({"data[email]": JANE}),
                "dedup_key": "d1",
                "state": "done",
            }
        )
        run = self.audience.run_ids[:1]
        run.problems = f"{JANE}: refused"
        self.audience.sudo().push_skipped = "Jane@Example.org: no valid name\nbob@example.org: x"
        Consent = self.env["mailchimp.consent"]
        consents = Consent.search([("email_normalized", "=", JANE)])
        self.assertEqual(len(consents), 2, "Jane's consent, read with each audience")
        request = self.erase()
        self.assertEqual(len(request.line_ids), 2)
        self.assertEqual(request.state, "queued")
        self.run_jobs()
        self.assertEqual(request.state, "done")
        self.assertEqual(sorted(request.line_ids.mapped("state")), ["erased", "erased"])
        # Mailchimp: 404 on both, and re-adding through the API is refused
        self.assertIsNone(self.state.get_member(self.list_mc_id, JANE))
        self.assertIsNone(self.emulator2.state.get_member(self.list2_mc_id, JANE))
        self.assertTrue(self.state.is_forgotten(self.list_mc_id, JANE))
        self.assertTrue(self.emulator2.state.is_forgotten(self.list2_mc_id, JANE))
        # Odoo: nothing left of the address, bob untouched
        self.assertFalse(contact.exists())
        self.assertFalse(partner.exists())
        self.assertTrue(company.partner_id.exists())
        self.assertFalse(company.partner_id.email)
        self.assertNoTrace()
        # the consent history keeps the facts, anonymized
        consents.invalidate_recordset()
        self.assertEqual(len(consents.exists()), 2)
        self.assertEqual(set(consents.mapped("email")), {"j***@e******.org"})
        self.assertEqual(set(consents.mapped("kind")), {"given"})
        self.assertFalse(consents.mapped("member_id") or consents.mapped("mailing_contact_id"))
        self.assertIn("bob@example.org", self.audience.push_skipped)
        self.assertEqual(self.audience.member_ids.mapped("email_normalized"), ["bob@example.org"])
        # a tombstone (a hash, no address), the privacy log, the audit rows
        self.assertEqual(self.env["mailchimp.erasure.tombstone"].search_count([]), 1)
        self.assertFalse(request.email)
        self.assertEqual(request.email_anonymized, "j***@e******.org")
        self.assertTrue(request.privacy_log_id)
        self.assertNotIn(JANE, request.privacy_log_id.anonymized_email)
        audits = self.env["mailchimp.audit.log"].search([("operation", "like", "erasure_")])
        self.assertEqual(sorted(audits.mapped("operation")), ["erasure_done", "erasure_requested"])
        # a second request is harmless: 404s are the expected state
        again = self.erase()
        self.assertNotEqual(again, request)
        self.run_jobs()
        self.assertEqual(again.state, "done")
        self.assertEqual(again.line_ids.mapped("state"), ["absent", "absent"])
        self.assertEqual(self.env["mailchimp.erasure.tombstone"].search_count([]), 1)

    def test_old_data_brings_nothing_back_a_new_signup_does(self):
        old_member = dict(self.state.get_member(self.list_mc_id, JANE))
        request = self.erase()
        self.run_jobs()
        self.assertEqual(request.state, "done")
        Member = self.env["mailchimp.member"]
        # an import of old data (the member as it was read before the erasure)
        counts, problems = self.env["mailchimp.member.import"]._apply_member_page(
            self.audience, [old_member]
        )
        self.assertEqual((counts["created"], counts["skipped"], problems), (0, 1, []))
        self.import_members(self.audience, full=True)
        # an export of a contact re-created from an old file
        self.env["mailing.contact"].create(
            {"name": "Jane", "email": JANE, "list_ids": [(4, self.mailing_list.id)]}
        )
        with self.assertMailchimpCalls(0, method="POST"):
            self.env["mailchimp.export.existing"].create(
                {"list_id": self.audience.id}
            ).action_confirm()
            self.run_jobs()
        # an old webhook delivery, fired before the erasure, applied after it
        self.env["mailchimp.webhook.event"].create(
            {
                "list_id": self.audience.id,
                "event_type": "subscribe",
                "fired_at": fields.Datetime.now() - timedelta(hours=1),
                "email": JANE,
                "payload": json.dumps({"data[email]": JANE}),
                "dedup_key": "old1",
            }
        )
        self.audience._job_apply_webhooks()
        self.assertFalse(Member.search([("email_normalized", "=", JANE)]))
        self.env["mailing.contact"].search([("email", "=", JANE)]).unlink()
        self.assertNoTrace()
        self.assertTrue(self.state.is_forgotten(self.list_mc_id, JANE))
        # the person signs up again through Mailchimp's own form: a new member
        self.state.advance(5)
        self.state.add_member(self.list_mc_id, JANE, source="Hosted Signup Form")
        self.import_members(self.audience)
        member = Member.search([("email_normalized", "=", JANE)])
        self.assertEqual(len(member), 1)
        self.assertEqual(member.status, "subscribed")

    def test_erasure_interrupted_by_503_resumes_and_completes(self):
        request = self.erase()
        self.emulator2.faults.fail_next(1000, 503)
        self.run_jobs()
        by_account = {line.account_id: line.state for line in request.line_ids}
        self.assertEqual(by_account, {self.account: "erased", self.account2: "retry"})
        self.assertEqual(request.state, "waiting")
        self.assertIn("503", request.last_error)
        self.assertFalse(request.local_done)
        self.assertTrue(self.env["mailchimp.member"].search([("email_normalized", "=", JANE)]))
        self.assertTrue(self.emulator2.state.get_member(self.list2_mc_id, JANE))
        # Mailchimp is back: the next attempt (queued, at its time) completes it
        self.emulator2.faults.clear()
        jobs = self.mailchimp_jobs()
        self.assertEqual(len(jobs), 1)
        jobs.eta = False
        self.run_jobs()
        self.assertEqual(request.state, "done")
        self.assertEqual(sorted(request.line_ids.mapped("state")), ["erased", "erased"])
        self.assertIsNone(self.emulator2.state.get_member(self.list2_mc_id, JANE))
        self.assertNoTrace()

    def test_a_disconnected_account_stops_the_erasure_visibly(self):
        self.account2.action_disconnect()
        request = self.erase()
        self.run_jobs()
        self.assertEqual(request.state, "failed")
        line = request.line_ids.filtered(lambda ln: ln.list_id == self.audience2)
        self.assertEqual(line.state, "error")
        self.assertIn("disconnected", request.last_error)
        self.assertFalse(request.local_done)  # nothing removed in Odoo before Mailchimp
        self.assertTrue(self.env["mailchimp.member"].search([("email_normalized", "=", JANE)]))
        self.account2.action_reconnect()
        request.action_retry()
        self.run_jobs()
        self.assertEqual(request.state, "done")
        self.assertIsNone(self.emulator2.state.get_member(self.list2_mc_id, JANE))

    def test_only_managers_erase(self):
        with self.assertRaises(AccessError):
            self.env["mailchimp.erasure.wizard"].with_user(self.mc_user).create({"email": JANE})
        with self.assertRaises(AccessError):
            self.env["mailchimp.erasure"].with_user(self.mc_user)._request(JANE)
        with self.assertRaises(AccessError):
            self.env["mailchimp.erasure"].with_user(self.mc_user).search([])
        member = self.env["mailchimp.member"].search([("email_normalized", "=", JANE)], limit=1)
        action = (
            self.env["mailchimp.erasure.wizard"].with_user(self.manager).action_open_for(member)
        )
        wizard = self.env["mailchimp.erasure.wizard"].browse(action["res_id"])
        self.assertIn("Mailchimp Audience Member", wizard.preview)
        bound = self.env.ref("mailchimp_connector.action_server_erase_partner")
        self.assertEqual(
            bound.groups_id, self.env.ref("mailchimp_connector.group_mailchimp_manager")
        )

    def test_privacy_lookup_lists_the_connector_records_and_offers_the_erasure(self):
        lookup = self.env["privacy.lookup.wizard"].create({"name": "Jane", "email": JANE})
        lookup.action_lookup()
        models = set(lookup.line_ids.mapped("res_model"))
        self.assertIn("mailchimp.member", models)
        names = lookup.line_ids.filtered(lambda ln: ln.res_model == "mailchimp.member").mapped(
            "res_name"
        )
        self.assertTrue(any(JANE in n.lower() and "(Newsletter)" in n for n in names), names)
        # deleting a member line there is handled (the binding only; Mailchimp untouched)
        line = lookup.line_ids.filtered(lambda ln: ln.res_model == "mailchimp.member")[:1]
        line.action_unlink()
        self.assertTrue(line.is_unlinked)
        action = lookup.action_mailchimp_erase()
        self.assertTrue(lookup.log_id)
        wizard = self.env["mailchimp.erasure.wizard"].browse(action["res_id"])
        request = self.env["mailchimp.erasure"].browse(wizard.action_confirm()["res_id"])
        self.run_jobs()
        self.assertEqual(request.state, "done")
        self.assertEqual(request.privacy_log_id, lookup.log_id)
        self.assertIn("Erased in 2 audiences", lookup.log_id.execution_details)
