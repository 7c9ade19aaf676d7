# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Segments: an Odoo selection kept as a Mailchimp static segment."""

from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..services import segment_rules
from .common import MailchimpCase, new_user


@tagged("post_install", "-at_install")
class TestSegments(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        for email in ("ann@keep.org", "bob@keep.org", "cid@keep.org", "dan@other.org"):
            self.state.add_member(self.list_mc_id, email)
        self.state.add_member(self.list_mc_id, "uma@keep.org", status="unsubscribed")
        self.state.add_member(self.list_mc_id, "cleo@keep.org", status="cleaned")
        self.audience = self.env["mailchimp.list"]._import_from_account(self.account)
        self.import_members(self.audience)
        self.assertEqual(len(self.audience.member_ids), 6)
        self.Contact = self.env["mailing.contact"]
        # in Odoo only: not in the audience
        self.Contact.create({"name": "Xena", "email": "xena@keep.org"})
        self.Segment = self.env["mailchimp.segment"]

    # helpers ---------------------------------------------------------------
    def new_segment(self, domain="[('email', 'ilike', '@keep.org')]", **vals):
        return self.Segment.create(
            dict({"name": "Keepers", "list_id": self.audience.id, "domain": domain}, **vals)
        )

    def sync(self, segments):
        segments.with_user(self.manager).action_sync_now()
        self.assertEqual(set(segments.mapped("state")), {"syncing"})
        self.run_jobs()

    def remote_members(self, segment):
        seg = self.state.lists[self.list_mc_id].segments[segment.mc_segment_id]
        by_web = self.state.lists[self.list_mc_id].by_web
        return {by_web[w]["email_address"] for w in seg["members"]}

    def skipped(self, segment):
        return {s.email: s.reason for s in segment.skip_ids}

    def segment_writes(self):
        return self.emulator.count_requests(method="POST", path_prefix="/lists")

    # tests -----------------------------------------------------------------
    def test_contacts_segment_holds_exactly_the_selected_members(self):
        segment = self.new_segment()
        self.assertEqual(segment.state, "pending")
        self.sync(segment)
        self.assertEqual(segment.state, "synced", segment.last_error)
        self.assertTrue(segment.mc_segment_id)
        self.assertEqual(
            self.remote_members(segment), {"ann@keep.org", "bob@keep.org", "cid@keep.org"}
        )
        self.assertEqual(segment.matched_count, 6)
        self.assertEqual(segment.member_count, 3)
        self.assertEqual(
            set(segment.member_ids.mapped("email_normalized")),
            {"ann@keep.org", "bob@keep.org", "cid@keep.org"},
        )
        # nobody re-subscribed, each left-out address with its reason
        self.assertEqual(
            self.skipped(segment),
            {
                "uma@keep.org": "unsubscribed",
                "cleo@keep.org": "cleaned",
                "xena@keep.org": "not_in_audience",
            },
        )
        self.assertEqual(segment.skipped_count, 3)
        self.assertIn("not in the audience", segment.skipped_summary)
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "uma@keep.org")["status"], "unsubscribed"
        )
        self.assertIsNone(self.state.get_member(self.list_mc_id, "xena@keep.org"))
        # the members are viewable from the segment, the segment counted on its audience
        action = segment.action_view_members()
        self.assertEqual(self.env["mailchimp.member"].search_count(action["domain"]), 3)
        self.assertEqual(self.audience.segment_count, 1)
        self.assertEqual(self.account.segment_count, 1)

    def test_a_sync_is_audited_and_its_skipped_addresses_erasable(self):
        segment = self.new_segment()
        self.sync(segment)
        rows = self.env["mailchimp.audit.log"].search(
            [("operation", "=", "segment_sync"), ("res_model", "=", "mailchimp.segment")]
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.res_id, segment.id)
        self.assertEqual((rows.count_done, rows.count_errors), (3, 0))
        self.assertEqual(rows.audience_name, "Newsletter")
        # the right to erasure reaches a segment's skipped lines (any case)
        self.env["mailchimp.segment.skip"].search(
            [("email", "=", "xena@keep.org")]
        ).sudo().email = "Xena@Keep.org"
        lines = self.env["mailchimp.segment.skip"]._mailchimp_erase(["xena@keep.org"])
        self.assertEqual(len(lines), 1)
        self.assertEqual(set(self.skipped(segment)), {"uma@keep.org", "cleo@keep.org"})

    def test_a_record_leaving_the_selection_is_removed_next_sync(self):
        segment = self.new_segment()
        self.sync(segment)
        self.Contact.search([("email", "=", "bob@keep.org")]).email = "bob@other.org"
        # a member added to the tag in Mailchimp by hand is not selected either
        self.state.segment_batch(
            self.list_mc_id, segment.mc_segment_id, {"members_to_add": ["dan@other.org"]}
        )
        self.sync(segment)
        self.assertEqual(segment.state, "synced")
        self.assertEqual(self.remote_members(segment), {"ann@keep.org", "cid@keep.org"})
        self.assertEqual(segment.member_count, 2)
        # no change: no write call at all
        before = self.segment_writes()
        self.sync(segment)
        self.assertEqual(self.segment_writes(), before)
        self.assertEqual(segment.state, "synced")

    def test_calls_carry_at_most_the_batch_limit(self):
        segment = self.new_segment()
        before = self.emulator.count_requests(method="POST", path_prefix="/lists")
        with patch.object(segment_rules, "SEGMENT_BATCH_LIMIT", 2):
            self.sync(segment)
        # one creation, then 3 additions in calls of 2
        self.assertEqual(
            self.emulator.count_requests(method="POST", path_prefix="/lists") - before, 3
        )
        self.assertEqual(segment.member_count, 3)

    def test_partner_segment_uses_the_parent_address_and_its_company(self):
        Partner = self.env["res.partner"]
        company = Partner.create({"name": "Keep Inc", "email": "ann@keep.org", "is_company": True})
        Partner.create({"name": "Child", "parent_id": company.id, "email": False})
        Partner.create({"name": "Bob", "email": "BOB@keep.org"})
        other_company = self.env["res.company"].create({"name": "Other Co"})
        Partner.create({"name": "Cid", "email": "cid@keep.org", "company_id": other_company.id})
        segment = self.new_segment(
            domain="[('name', 'in', ['Keep Inc', 'Child', 'Bob', 'Cid'])]",
            model_name="res.partner",
        )
        self.sync(segment)
        self.assertEqual(segment.state, "synced", segment.last_error)
        self.assertEqual(self.remote_members(segment), {"ann@keep.org", "bob@keep.org"})
        self.assertEqual(segment.matched_count, 3)  # the other company's partner is not
        self.assertEqual(segment.member_count, 2)

    def test_people_not_in_the_audience_are_pushed_first_when_it_pushes_new_records(self):
        self.audience.write({"push_new": True})
        segment = self.new_segment()
        self.sync(segment)
        self.assertEqual(segment.state, "synced", segment.last_error)
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "xena@keep.org")["status"], "subscribed"
        )
        self.assertEqual(
            self.remote_members(segment),
            {"ann@keep.org", "bob@keep.org", "cid@keep.org", "xena@keep.org"},
        )
        # those who left stay out, and stay unsubscribed / cleaned
        self.assertEqual(
            self.skipped(segment), {"uma@keep.org": "unsubscribed", "cleo@keep.org": "cleaned"}
        )
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "uma@keep.org")["status"], "unsubscribed"
        )
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "cleo@keep.org")["status"], "cleaned"
        )

    def test_a_mapping_the_export_cannot_use_puts_the_segment_in_error(self):
        self.audience.write({"push_new": True})
        self.audience._ensure_default_mappings()
        self.audience.merge_field_ids.filtered(lambda m: m.tag == "LNAME").required = True
        self.audience.mapping_ids.filtered(lambda m: m.merge_tag == "LNAME").unlink()
        segment = self.new_segment()
        self.sync(segment)
        self.assertEqual(segment.state, "error")
        self.assertIn("LNAME", segment.last_error)
        self.assertIsNone(self.state.get_member(self.list_mc_id, "xena@keep.org"))

    def test_errors_inside_the_200_are_recorded_per_address(self):
        segment = self.new_segment()
        # gone from Mailchimp without Odoo knowing yet: Mailchimp refuses it in its 200
        self.state.delete_permanent(self.list_mc_id, "cid@keep.org")
        self.sync(segment)
        self.assertEqual(segment.state, "synced")
        self.assertEqual(self.remote_members(segment), {"ann@keep.org", "bob@keep.org"})
        refused = segment.skip_ids.filtered(lambda s: s.reason == "refused")
        self.assertEqual(refused.mapped("email"), ["cid@keep.org"])
        self.assertEqual(refused.message, "Email addresses do not belong to this audience")
        self.assertEqual(segment.member_count, 2)

    def test_error_then_recovery(self):
        # a tag of that name exists in Mailchimp already: Mailchimp refuses the creation
        self.state.create_segment(self.list_mc_id, {"name": "Keepers", "static_segment": []})
        segment = self.new_segment()
        self.sync(segment)
        self.assertEqual(segment.state, "error")
        self.assertIn("already exists", segment.last_error)
        self.assertFalse(segment.mc_segment_id)
        segment.name = "Keepers from Odoo"
        self.assertEqual(segment.state, "pending")
        self.sync(segment)
        self.assertEqual(segment.state, "synced")
        self.assertFalse(segment.last_error)
        self.assertEqual(segment.member_count, 3)
        # renamed in Odoo: renamed in Mailchimp at the next sync
        segment.name = "Gold"
        self.sync(segment)
        self.assertEqual(self.state.segment(self.list_mc_id, segment.mc_segment_id)["name"], "Gold")

    def test_archive_keeps_and_delete_removes_the_mailchimp_segment(self):
        segment = self.new_segment()
        self.sync(segment)
        mc_id = segment.mc_segment_id
        segment.active = False
        self.assertIn(mc_id, self.state.lists[self.list_mc_id].segments)
        segment.with_user(self.manager).action_sync_now()
        self.assertFalse(self.mailchimp_jobs())
        segment.with_user(self.manager).action_delete_in_mailchimp()
        self.assertNotIn(mc_id, self.state.lists[self.list_mc_id].segments)
        self.assertFalse(segment.mc_segment_id)
        self.assertEqual(segment.state, "pending")
        self.assertFalse(segment.member_ids)
        # deleted in Mailchimp by hand: the next sync makes it again
        segment.active = True
        self.sync(segment)
        self.state.delete_segment(self.list_mc_id, segment.mc_segment_id)
        self.sync(segment)
        self.assertEqual(segment.state, "synced", segment.last_error)
        self.assertEqual(len(self.remote_members(segment)), 3)
        # members stay in the audience
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "ann@keep.org")["status"], "subscribed"
        )

    def test_daily_cron_fans_out_one_job_per_segment(self):
        cron = self.env.ref("mailchimp_connector.ir_cron_sync_segments")
        self.assertEqual((cron.nextcall.hour, cron.nextcall.minute), (5, 0))
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        first = self.new_segment()
        second = self.new_segment(name="Others", domain="[('email', 'ilike', '@other.org')]")
        self.new_segment(name="Archived", active=False)
        other_account = self.env["mailchimp.account"].create(
            {"name": "Off", "api_key": "0123456789abcdef0123456789abcdef-us6"}
        )
        self.assertNotEqual(other_account.state, "connected")
        self.env["mailchimp.segment"]._cron_sync_segments()
        jobs = self.mailchimp_jobs()
        self.assertEqual(len(jobs), 2)
        self.assertEqual(set(jobs.mapped("records")), set(first | second))
        self.run_jobs()
        self.assertEqual((first.state, second.state), ("synced", "synced"))
        self.assertEqual(self.remote_members(second), {"dan@other.org"})

    def test_a_mailing_sent_through_mailchimp_to_a_segment(self):
        segment = self.new_segment()
        mailing = self.mailchimp_mailing(
            self.audience, "Keepers only", mailchimp_segment_id=segment.id
        )
        # not in Mailchimp yet: refused before anything is sent
        with self.assertRaises(UserError):
            mailing.with_user(self.manager).action_mailchimp_check()
        self.sync(segment)
        mailing.with_user(self.manager).action_mailchimp_check()
        camp = self.state.campaign(mailing.mailchimp_campaign_id.mc_id)
        self.assertEqual(
            camp["info"]["recipients"]["segment_opts"],
            {"saved_segment_id": int(segment.mc_segment_id)},
        )
        mailing.with_user(self.manager).action_launch()
        self.run_jobs()
        self.assertEqual(mailing.state, "sending")
        # the send reaches the segment's members only
        recipients = self.state._campaign_recipients(self.state.campaign(camp["info"]["id"]))
        self.assertEqual(
            {m["email_address"] for m in recipients},
            {"ann@keep.org", "bob@keep.org", "cid@keep.org"},
        )
        # the segment taken off: the whole audience again
        mailing2 = mailing.copy({"mailchimp_segment_id": False})
        mailing2.with_user(self.manager).action_mailchimp_check()
        camp2 = self.state.campaign(mailing2.mailchimp_campaign_id.mc_id)
        self.assertFalse(camp2["info"]["recipients"].get("segment_opts"))

    def test_a_mailing_sent_through_mailchimp_to_a_tag(self):
        """A tag made in Mailchimp (a static segment there) as a mailing's recipients,
        named in any case; an unknown tag is refused before anything is created."""
        tag = self.state.create_segment(
            self.list_mc_id, {"name": "VIP", "static_segment": ["ann@keep.org", "dan@other.org"]}
        )
        unknown = self.mailchimp_mailing(self.audience, "Gold only", mailchimp_tag="Gold")
        with self.assertRaisesRegex(UserError, "no tag Gold"):
            unknown.with_user(self.manager).action_mailchimp_check()
        self.assertFalse(unknown.mailchimp_campaign_id)
        self.assertFalse(self.state.campaigns)
        mailing = self.mailchimp_mailing(self.audience, "VIPs only", mailchimp_tag=" vip ")
        mailing.with_user(self.manager).action_mailchimp_check()
        camp = self.state.campaign(mailing.mailchimp_campaign_id.mc_id)
        self.assertEqual(
            camp["info"]["recipients"]["segment_opts"], {"saved_segment_id": int(tag["id"])}
        )
        mailing.with_user(self.manager).action_launch()
        self.run_jobs()
        self.assertEqual(mailing.state, "sending")
        recipients = self.state._campaign_recipients(self.state.campaign(camp["info"]["id"]))
        self.assertEqual(
            {m["email_address"] for m in recipients}, {"ann@keep.org", "dan@other.org"}
        )

    def test_a_bad_domain_is_refused(self):
        with self.assertRaises(ValidationError):
            self.new_segment(domain="[('email', 'ilike'")

    def test_access_users_read_managers_sync(self):
        segment = self.new_segment()
        self.assertEqual(segment.with_user(self.mc_user).read(["name"])[0]["name"], "Keepers")
        with self.assertRaises(AccessError):
            segment.with_user(self.mc_user).action_sync_now()
        with self.assertRaises(AccessError):
            segment.with_user(self.mc_user).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            segment.with_user(self.mc_user).action_delete_in_mailchimp()
        self.new_segment(name="By a manager").with_user(self.manager).action_sync_now()

    def test_companies(self):
        segment = self.new_segment()
        self.sync(segment)
        company_b = self.env["res.company"].create({"name": "Company B"})
        manager_b = new_user(
            self.env,
            login="mc_seg_b",
            groups="base.group_user,mailchimp_connector.group_mailchimp_manager",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        self.assertEqual(segment.company_id, self.env.company)
        for model in ("mailchimp.segment", "mailchimp.segment.skip"):
            self.assertGreater(self.env[model].search_count([]), 0, model)
            self.assertEqual(self.env[model].with_user(manager_b).search_count([]), 0, model)
            self.assertGreater(self.env[model].with_user(self.manager).search_count([]), 0)
        with self.assertRaises(AccessError):
            segment.with_user(manager_b).action_sync_now()


@tagged("post_install", "-at_install")
class TestPartnersToPush(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.add_member(self.list_mc_id, "gone@vip.org", status="unsubscribed")
        self.audience = self.env["mailchimp.list"]._import_from_account(self.account)
        self.import_members(self.audience)
        self.audience.write({"push_new": True})
        Partner = self.env["res.partner"]
        self.vip = self.env["res.partner.category"].create({"name": "VIP"})
        tag = [(4, self.vip.id)]
        company = Partner.create(
            {"name": "Acme", "email": "acme@vip.org", "is_company": True, "category_id": tag}
        )
        Partner.create({"name": "Child", "parent_id": company.id, "category_id": tag})
        Partner.create({"name": "Ann", "email": "ann@vip.org", "category_id": tag})
        Partner.create({"name": "Ann again", "email": "ANN@vip.org", "category_id": tag})
        Partner.create({"name": "Gone", "email": "gone@vip.org", "category_id": tag})
        Partner.create({"name": "Black", "email": "black@vip.org", "category_id": tag})
        self.env["mail.blacklist"].create({"email": "black@vip.org"})
        Partner.create({"name": "Plain", "email": "plain@vip.org"})
        self.domain = f"[('category_id', 'in', [{self.vip.id}])]"

    def open_dialog(self):
        action = self.audience.with_user(self.manager).action_partners_to_push()
        return self.env["mailchimp.partner.push"].with_user(self.manager).browse(action["res_id"])

    def test_preview_then_export_with_the_export_rules(self):
        writes = self.emulator.count_requests(method="POST")
        dialog = self.open_dialog()
        dialog.domain = self.domain
        # 6 partners matched; new members: acme (and its child), ann (once)
        self.assertEqual(dialog.matched_count, 6)
        self.assertEqual(dialog.new_count, 2)
        self.assertEqual(self.emulator.count_requests(method="POST"), writes, "sent nothing")
        dialog.action_confirm()
        self.assertIn("2 new members", dialog.result)
        self.assertEqual(self.audience.partner_push_domain, self.domain)
        self.run_jobs()
        members = {m["email_address"]: m["status"] for m in self.state.members(self.list_mc_id)}
        self.assertEqual(
            members,
            {
                "gone@vip.org": "unsubscribed",
                "acme@vip.org": "subscribed",
                "ann@vip.org": "subscribed",
            },
        )
        # nothing new to add afterwards
        self.assertEqual(self.open_dialog().new_count, 0)

    def test_partners_coming_to_match_are_added_by_the_hourly_export(self):
        dialog = self.open_dialog()
        dialog.domain = self.domain
        dialog.action_confirm()
        self.run_jobs()
        self.env["res.partner"].create(
            {"name": "Late", "email": "late@vip.org", "category_id": [(4, self.vip.id)]}
        )
        self.env["mailchimp.list"]._cron_push()
        self.run_jobs()
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "late@vip.org")["status"], "subscribed"
        )
        self.assertIsNone(self.state.get_member(self.list_mc_id, "plain@vip.org"))

    def test_refused_when_the_audience_pushes_no_new_records(self):
        dialog = self.open_dialog()
        dialog.domain = self.domain
        self.audience.push_new = False
        with self.assertRaises(UserError):
            dialog.action_confirm()
        self.assertFalse(self.audience.partner_push_domain)
        with self.assertRaises(AccessError):
            self.audience.with_user(self.mc_user).action_partners_to_push()
