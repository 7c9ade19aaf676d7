# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import TransactionCase, tagged
from odoo.tools import email_normalize

from ..models import mailchimp_sync_run as sync_run_module
from ..models.mailchimp_membership_mixin import batch_default_get
from ..models.odoo_identity import odoo_email_forms
from ..services.identity import member_key
from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestMemberImport(MailchimpCase):
    #: members per page in these tests: the paging proofs at a tenth of the data and time
    PAGE = 10

    def setUp(self):
        super().setUp()
        pages = patch.object(sync_run_module, "PAGE_SIZE", self.PAGE)
        pages.start()
        self.addCleanup(pages.stop)
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")

    # helpers ---------------------------------------------------------------
    def remote_by_email(self):
        return {m["email_address"].lower(): m for m in self.state.members(self.list_mc_id)}

    def assertMatchesEmulator(self, audience):
        members = self.env["mailchimp.member"].search([("list_id", "=", audience.id)])
        remote = self.remote_by_email()
        self.assertEqual(len(members), len(remote), "one binding per Mailchimp member")
        self.assertEqual(set(members.mapped("email_normalized")), set(remote))
        for member in members:
            self.assertEqual(member.status, remote[member.email_normalized]["status"])
        return members

    # tests -----------------------------------------------------------------
    def test_wizard_imports_audience_mailing_list_and_merge_fields(self):
        wizard = self.env["mailchimp.operation"].create(
            {"account_ids": [(6, 0, self.account.ids)], "import_members": True}
        )
        wizard.action_process()
        audience = self.env["mailchimp.list"].search([("mc_id", "=", self.list_mc_id)])
        self.assertEqual(audience.name, "Newsletter")
        self.assertEqual(audience.mailing_list_id.name, "Newsletter")
        self.assertEqual(
            set(audience.merge_field_ids.mapped("tag")), {"FNAME", "LNAME", "ADDRESS", "PHONE"}
        )
        self.assertIn("1 member import started", wizard.result)
        jobs = self.mailchimp_jobs()
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.channel, "root.mailchimp")

    def test_import_creates_contacts_and_respects_statuses(self):
        mix = ["subscribed"] * 6 + ["unsubscribed", "subscribed", "cleaned", "subscribed"]
        self.state.seed_members(self.list_mc_id, 25, statuses=mix)
        self.state.add_member(self.list_mc_id, "Gone@Example.org", status="archived")
        audience = self.import_audiences()
        with self.assertMailchimpCalls(count=1 + 3, method="GET"):
            self.import_members(audience)
        members = self.assertMatchesEmulator(audience)
        remote = self.remote_by_email()
        self.assertEqual(members.account_id, self.account)
        self.assertEqual(members.company_id, self.account.company_id)
        subscribed = members.filtered(lambda m: m.status == "subscribed")
        self.assertTrue(subscribed)
        self.assertTrue(all(subscribed.mapped("mailing_contact_id")))
        for member in subscribed[:50]:
            merges = remote[member.email_normalized]["merge_fields"]
            self.assertEqual(member.mailing_contact_id.first_name, merges.get("FNAME") or False)
            subscription = member.mailing_contact_id.subscription_ids.filtered(
                lambda s: s.list_id == audience.mailing_list_id
            )
            self.assertFalse(subscription.opt_out)
        unsubscribed = members.filtered(lambda m: m.status == "unsubscribed")
        self.assertTrue(unsubscribed)
        for member in unsubscribed:
            subscription = member.mailing_contact_id.subscription_ids.filtered(
                lambda s: s.list_id == audience.mailing_list_id
            )
            self.assertTrue(subscription.opt_out, "unsubscribed in Mailchimp = opted out")
        cleaned = members.filtered(lambda m: m.status == "cleaned")
        self.assertTrue(cleaned)
        blacklisted = self.env["mail.blacklist"].search(
            [("email", "in", cleaned.mapped("email_normalized"))]
        )
        self.assertEqual(len(blacklisted), len(cleaned))
        archived = members.filtered(lambda m: m.status == "archived")
        self.assertEqual(archived.email_normalized, "gone@example.org")
        self.assertFalse(archived.mailing_contact_id, "archived members are not imported")
        run = audience.run_ids
        self.assertEqual(run.state, "done")
        self.assertEqual(run.processed, 26)
        self.assertTrue(audience.members_watermark)

    def test_import_options_off_create_bindings_only(self):
        self.state.seed_members(self.list_mc_id, 30)
        audience = self.import_audiences()
        audience.import_new = False
        self.import_members(audience)
        members = self.assertMatchesEmulator(audience)
        self.assertFalse(members.mapped("mailing_contact_id"))

    def test_unsubscribes_not_imported_when_option_off(self):
        self.state.add_member(self.list_mc_id, "out@example.org", status="unsubscribed")
        audience = self.import_audiences()
        audience.import_unsubscribes = False
        self.import_members(audience)
        member = self.env["mailchimp.member"].search([("list_id", "=", audience.id)])
        self.assertEqual(member.status, "unsubscribed")
        self.assertFalse(member.mailing_contact_id, "never created as a subscriber")

    def test_auto_create_customers_finds_or_creates_partners(self):
        self.account.auto_create_partner = True
        existing = self.env["res.partner"].create({"name": "Known", "email": "KNOWN@example.org"})
        self.state.add_member(self.list_mc_id, "known@example.org", merge_fields={"FNAME": "K"})
        self.state.add_member(
            self.list_mc_id, "new@example.org", merge_fields={"FNAME": "Ann", "LNAME": "Lee"}
        )
        audience = self.import_audiences()
        self.import_members(audience)
        members = self.env["mailchimp.member"].search([("list_id", "=", audience.id)])
        by_email = {m.email_normalized: m for m in members}
        self.assertEqual(by_email["known@example.org"].partner_id, existing)
        self.assertEqual(by_email["new@example.org"].partner_id.name, "Ann Lee")

    def test_existing_contacts_are_linked_not_duplicated_case_insensitively(self):
        Contact = self.env["mailing.contact"]
        first = Contact.create({"name": "First", "email": "Shared@Example.org"})
        Contact.create({"name": "Second", "email": "shared@example.ORG"})
        self.state.add_member(self.list_mc_id, "SHARED@example.org")
        audience = self.import_audiences()
        self.import_members(audience)
        member = self.env["mailchimp.member"].search([("list_id", "=", audience.id)])
        self.assertEqual(member.mailing_contact_id, first)
        self.assertEqual(Contact.search_count([("email_normalized", "=", "shared@example.org")]), 2)
        self.assertIn(audience.mailing_list_id, first.subscription_ids.list_id)

    def test_incremental_resync_updates_only_the_changed_member(self):
        self.state.seed_members(self.list_mc_id, 12)
        audience = self.import_audiences()
        self.import_members(audience)
        members = self.env["mailchimp.member"].search([("list_id", "=", audience.id)])
        target = members.filtered(lambda m: m.status == "subscribed")[0]
        self.state.advance(3600)
        self.state.update_member(
            self.list_mc_id, target.email, merge_fields={"FNAME": "Changed", "LNAME": "Name"}
        )
        self.account.override_contact_name = True
        self.env.flush_all()
        before = {m.id: m.write_date for m in members}
        self.env.cr.execute("UPDATE mailchimp_member SET write_date = '2000-01-01'")
        self.env.invalidate_all()
        with self.assertMailchimpCalls(count=2, method="GET"):
            runs = self.import_members(audience)
        self.assertFalse(runs.full)
        params = self.emulator.requests[-1]["query"]
        self.assertIn("since_last_changed", params)
        written = members.filtered(lambda m: str(m.write_date) != "2000-01-01 00:00:00")
        self.assertEqual(written, target, "only the changed member is written")
        self.assertEqual(target.mailing_contact_id.first_name, "Changed")
        self.assertTrue(before)

    def test_no_change_resync_writes_nothing(self):
        self.state.seed_members(self.list_mc_id, 30)
        audience = self.import_audiences()
        self.import_members(audience)
        self.env.flush_all()
        self.env.cr.execute("UPDATE mailchimp_member SET write_date = '2000-01-01'")
        self.env.cr.execute("SELECT count(*) FROM mailing_contact")
        contacts_before = self.env.cr.fetchone()[0]
        with self.assertMailchimpCalls(count=2):
            self.import_members(audience)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM mailchimp_member WHERE write_date != '2000-01-01'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.env.cr.execute("SELECT count(*) FROM mailing_contact")
        self.assertEqual(self.env.cr.fetchone()[0], contacts_before)

    def test_pull_fields_odoo_change_wins_untouched_field_follows_mailchimp(self):
        self.account.override_contact_name = True
        self.state.add_member(
            self.list_mc_id, "pat@example.org", merge_fields={"FNAME": "Pat", "LNAME": "Old"}
        )
        audience = self.import_audiences()
        self.import_members(audience)
        member = self.env["mailchimp.member"].search([("list_id", "=", audience.id)])
        contact = member.mailing_contact_id
        contact.first_name = "Patricia"  # changed in Odoo since the last sync
        self.state.advance(60)
        self.state.update_member(
            self.list_mc_id, "pat@example.org", merge_fields={"FNAME": "Patrick", "LNAME": "New"}
        )
        self.import_members(audience)
        self.assertEqual(contact.first_name, "Patricia", "the Odoo change wins")
        self.assertEqual(contact.last_name, "New", "an untouched field follows Mailchimp")

    def test_pull_fields_off_and_override_off_keep_odoo_names(self):
        self.state.add_member(
            self.list_mc_id, "sam@example.org", merge_fields={"FNAME": "Sam", "LNAME": "One"}
        )
        audience = self.import_audiences()
        self.import_members(audience)
        contact = (
            self.env["mailchimp.member"].search([("list_id", "=", audience.id)]).mailing_contact_id
        )
        self.state.advance(60)
        self.state.update_member(
            self.list_mc_id, "sam@example.org", merge_fields={"FNAME": "Samuel"}
        )
        self.account.override_contact_name = False
        self.import_members(audience)
        self.assertEqual(contact.first_name, "Sam", "without override a differing name stays")
        self.account.override_contact_name = True
        audience.import_pull_fields = False
        self.state.advance(60)
        self.state.update_member(
            self.list_mc_id, "sam@example.org", merge_fields={"FNAME": "Sammy"}
        )
        self.import_members(audience)
        self.assertEqual(contact.first_name, "Sam", "pull fields off: nothing pulled")

    def test_unsubscribe_and_clean_after_import_flow_into_odoo(self):
        self.state.add_member(self.list_mc_id, "u@example.org")
        self.state.add_member(self.list_mc_id, "c@example.org")
        audience = self.import_audiences()
        self.import_members(audience)
        self.state.advance(60)
        self.state.update_member(self.list_mc_id, "u@example.org", status="unsubscribed")
        self.state.update_member(self.list_mc_id, "c@example.org", status="cleaned")
        self.import_members(audience)
        members = self.env["mailchimp.member"].search([("list_id", "=", audience.id)])
        by_email = {m.email_normalized: m for m in members}
        sub = by_email["u@example.org"].mailing_contact_id.subscription_ids
        self.assertTrue(sub.opt_out)
        self.assertEqual(
            sub.opt_out_reason_id, self.env.ref("mailchimp_connector.optout_reason_mailchimp")
        )
        self.assertTrue(sub.opt_out_datetime)
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", "c@example.org")]))

    def test_import_converges_with_injected_faults(self):
        self.state.seed_members(self.list_mc_id, 22)
        audience = self.import_audiences()
        self.env["ir.config_parameter"].set_param("mailchimp_connector.backoff_base", "0.01")
        self.emulator.faults.configure(rate_429=0.1, rate_5xx=0.1, retry_after=0, seed=7)
        runs = audience._start_member_import()
        for _round in range(30):
            self.run_jobs()
            # the retryable failures the client gave up on wait for their eta: make it now
            pending = self.mailchimp_jobs()
            if not pending:
                break
            pending.write({"eta": False})
        self.emulator.faults.clear()
        self.assertEqual(runs.state, "done")
        self.assertMatchesEmulator(audience)

    def test_killed_import_resumes_without_duplicates_or_gaps(self):
        self.state.seed_members(self.list_mc_id, 35)
        audience = self.import_audiences()
        self.env["ir.config_parameter"].set_param("mailchimp_connector.max_retries", "1")
        self.env["ir.config_parameter"].set_param("mailchimp_connector.backoff_base", "0.01")
        run = audience._start_member_import()
        self.run_jobs(max_jobs=2)  # two pages, then the worker "dies"
        self.assertEqual(run.state, "running")
        self.assertEqual(run.next_offset, 2 * self.PAGE)
        # the job in flight dies on a dropped connection and is left behind
        self.emulator.faults.fail_next(50, status="drop")
        self.run_jobs(max_jobs=1)
        self.emulator.faults.clear()
        self.assertEqual(
            run.next_offset, 2 * self.PAGE, "a failed page leaves the checkpoint alone"
        )
        self.mailchimp_jobs(states=("pending", "failed", "started")).unlink()
        # resuming continues from the checkpoint
        resumed = audience._start_member_import()
        self.assertEqual(resumed, run)
        self.run_jobs()
        self.assertEqual(run.state, "done")
        self.assertMatchesEmulator(audience)

    def test_page_job_is_idempotent(self):
        self.state.seed_members(self.list_mc_id, 15)
        audience = self.import_audiences()
        run = audience._start_member_import()
        self.run_jobs(max_jobs=1)
        count = self.env["mailchimp.member"].search_count([("list_id", "=", audience.id)])
        with self.assertMailchimpCalls(count=0):
            result = run._job_import_page(0)
        self.assertIn("skipped", result)
        self.assertEqual(
            self.env["mailchimp.member"].search_count([("list_id", "=", audience.id)]), count
        )

    def test_hourly_cron_only_for_auto_sync_accounts(self):
        self.state.add_member(self.list_mc_id, "a@example.org")
        cron = self.env.ref("mailchimp_connector.ir_cron_fetch_audiences")
        with trap_jobs() as trap, self.assertMailchimpCalls(count=0):
            cron.method_direct_trigger()
            trap.assert_jobs_count(0)
        self.account.auto_sync_member = True
        with trap_jobs() as trap, self.assertMailchimpCalls(count=0):
            cron.method_direct_trigger()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(self.account._job_fetch_audiences)
        cron.method_direct_trigger()
        self.run_jobs()
        self.assertEqual(
            self.env["mailchimp.member"].search([("account_id", "=", self.account.id)]).email,
            "a@example.org",
        )

    def test_fallback_cron_leaves_fresh_jobs_to_the_runner(self):
        self.state.add_member(self.list_mc_id, "a@example.org")
        audience = self.import_audiences()
        audience._start_member_import()
        ran = self.env["queue.job"]._cron_mailchimp_process_jobs()
        self.assertEqual(ran, 0, "a job younger than a minute is the runner's")
        self.env.cr.execute(
            "UPDATE queue_job SET date_created = now() at time zone 'utc' - interval '5 min'"
        )
        self.env.invalidate_all()
        self.assertGreaterEqual(self.env["queue.job"]._cron_mailchimp_process_jobs(), 1)

    def test_fallback_cron_stands_aside_while_a_runner_serves_the_database(self):
        """Issue 24: the fallback ran jobs past the channels' capacities while a runner was
        serving; a job the runner enqueued in the last minutes says it serves."""
        self.state.add_member(self.list_mc_id, "a@example.org")
        audience = self.import_audiences()
        audience._start_member_import()
        self.env.cr.execute(
            "UPDATE queue_job SET date_created = now() at time zone 'utc' - interval '5 min'"
        )
        self.env.invalidate_all()
        # a job of another channel, which a runner enqueued and ran a moment ago
        served = self.account.with_delay(channel="root")._job_fetch_audiences().db_record()
        served.write({"state": "done", "date_enqueued": fields.Datetime.now()})
        self.assertEqual(self.env["queue.job"]._cron_mailchimp_process_jobs(), 0)
        served.date_enqueued = fields.Datetime.now() - timedelta(minutes=11)
        self.assertGreaterEqual(self.env["queue.job"]._cron_mailchimp_process_jobs(), 1)

    def test_crons_are_restored_by_upgrade(self):
        for xmlid in ("ir_cron_fetch_audiences", "ir_cron_process_jobs"):
            data = self.env["ir.model.data"].search(
                [("module", "=", "mailchimp_connector"), ("name", "=", xmlid)]
            )
            self.assertFalse(data.noupdate, f"{xmlid} must be recreated by -u")


@tagged("post_install", "-at_install")
class TestEmailNormalization(TransactionCase):
    def test_odoo_forms_find_what_odoo_stores_for_one_address_only(self):
        """Contacts and blacklist entries are stored under Odoo's email_normalize, which keeps
        a non-ASCII local part's case: the import looks them up under both forms, and never
        under the form of another address (Odoo reads ``a,b@x`` as ``b@x``)."""
        addresses = [
            "Jane.Doe@Example.COM",
            "  x+tag@sub.example.org ",
            "o'brien@example.org",
            "Name <Name@Example.org>",
            "ÉLODIE@exämple.fr",
            "user@EXÄMPLE.org",
            "a,b@example.org",
            "a b@example.org",
            "not an address",
            "",
        ]
        for address in addresses:
            forms = odoo_email_forms([address])
            key = member_key(address)
            self.assertEqual(bool(forms), bool(key), address)
            for form in forms:
                self.assertEqual(member_key(form), key, f"{address!r} -> {form!r}")
            if key and email_normalize(address):
                self.assertIn(email_normalize(address), forms, address)

    def test_contact_and_partner_addresses_are_indexed(self):
        for table in ("mailing_contact", "res_partner"):
            self.env.cr.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s "
                "AND indexdef LIKE '%%USING btree (email_normalized)%%'",
                (table,),
            )
            self.assertTrue(self.env.cr.fetchall(), f"no index on {table}.email_normalized")


@tagged("post_install", "-at_install")
class TestBatchDefaults(TransactionCase):
    def test_batch_defaults_are_computed_once_and_handed_out_as_copies(self):
        """The import's creates share defaults computed once per batch; each record gets
        its own copy, deep enough that one create changing an x2many command's values
        leaves the next record's defaults as they were."""
        model = self.env["mailing.contact"].with_context(mailchimp_defaults_cache={})
        computed = []

        def compute(fields_list):
            computed.append(fields_list)
            return {"name": "Ann", "tag_ids": [(6, 0, [1])], "meta": {"ids": [1]}}

        first = batch_default_get(model, ["name", "tag_ids"], compute)
        first["name"] = "Bob"
        first["tag_ids"].append((4, 2))
        first["meta"]["ids"].append(2)
        second = batch_default_get(model, ["name", "tag_ids"], compute)
        self.assertEqual(second, {"name": "Ann", "tag_ids": [(6, 0, [1])], "meta": {"ids": [1]}})
        self.assertEqual(len(computed), 1)
        # without the context key: computed every time
        batch_default_get(self.env["mailing.contact"], ["name"], compute)
        self.assertEqual(len(computed), 2)


@tagged("post_install", "-at_install")
class TestInsertBindings(MailchimpCase):
    """The import's bulk insert of new bindings stores what ``create`` stores."""

    def test_insert_stores_what_create_stores(self):
        audience = self.env["mailchimp.list"].create(
            {"name": "Bulk", "mc_id": "bulk00001", "account_id": self.account.id}
        )
        contact = self.env["mailing.contact"].create({"email": "bulk@example.org"})
        partner = self.env["res.partner"].create({"name": "Bulk", "email": "bulk@example.org"})
        # read before: the one2many of the contact, partner and audience are in cache
        self.assertFalse(contact.mailchimp_member_ids | partner.mailchimp_member_ids)
        self.assertFalse(audience.member_ids)
        last_changed = datetime(2026, 3, 26, 21, 35, 57)

        def values(email, **extra):
            return dict(
                {
                    "list_id": audience.id,
                    "account_id": self.account.id,
                    "company_id": audience.company_id.id,
                    "email": email.upper(),
                    "email_normalized": email,
                    "subscriber_hash": "0" * 32,
                    "status": "unsubscribed",
                    "last_changed": last_changed,
                    "status_changed": last_changed,
                    "merge_values": {"FNAME": "Élodie 🎉", "N": 3, "L": ["a", None]},
                    "tags": False,
                    "mc_web_id": "42",
                    "unsubscribe_reason": "N/A (Unsubscribed by admin)",
                    "last_sync_date": last_changed,
                    "sync_error": False,
                    "need_push": True,
                    "mailing_contact_id": contact.id,
                    "partner_id": partner.id,
                    "synced_first_name": "Élodie",
                },
                **extra,
            )

        Member = self.env["mailchimp.member"]
        created = Member.create([values("a@example.org"), values("c@example.org", tags="x")])
        inserted = Member._insert_bindings(
            [values("b@example.org"), values("d@example.org", tags="x")]
        )
        self.assertEqual(len(inserted), 2)
        self.env.invalidate_all()
        skip = {"id", "email", "email_normalized", "display_name", "create_date", "write_date"}
        names = [name for name in Member._fields if name not in skip]
        for orm, bulk in zip(created, inserted, strict=True):
            orm_values, bulk_values = orm.read(names)[0], bulk.read(names)[0]
            self.assertEqual((orm_values.pop("id"), bulk_values.pop("id")), (orm.id, bulk.id))
            self.assertEqual(bulk_values, orm_values)
        self.assertEqual(inserted.mapped("email_normalized"), ["b@example.org", "d@example.org"])
        self.assertTrue(all(inserted.mapped("create_date")))

    def test_inverse_one2many_in_cache_see_the_inserted_binding(self):
        audience = self.env["mailchimp.list"].create(
            {"name": "Bulk", "mc_id": "bulk00002", "account_id": self.account.id}
        )
        contact = self.env["mailing.contact"].create({"email": "cached@example.org"})
        self.assertFalse(contact.mailchimp_member_ids)  # in cache now
        self.assertFalse(audience.member_ids)
        inserted = self.env["mailchimp.member"]._insert_bindings(
            [
                {
                    "list_id": audience.id,
                    "account_id": self.account.id,
                    "company_id": audience.company_id.id,
                    "email": "cached@example.org",
                    "email_normalized": "cached@example.org",
                    "mailing_contact_id": contact.id,
                }
            ]
        )
        self.assertEqual(contact.mailchimp_member_ids, inserted)
        self.assertEqual(audience.member_ids, inserted)
        self.assertEqual(contact.mailchimp_member_count, 1)

    def test_insert_refuses_what_it_cannot_store_as_create_would(self):
        Member = self.env["mailchimp.member"]
        with self.assertRaises(ValueError):
            Member._insert_bindings([{"email": "x@example.org", "display_name": "x"}])
        with self.assertRaises(ValueError):  # the audience's account and company not given
            Member._insert_bindings([{"email": "x@example.org", "email_normalized": "x"}])
