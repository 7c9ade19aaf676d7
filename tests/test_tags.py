# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tags both ways: a member's Mailchimp tags and the Odoo tags of its contact and partner."""

from unittest.mock import patch

from odoo.tests import tagged

from ..services import tag_rules
from ..services.mailchimp_client import MailchimpClient
from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestTagsBothWays(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.add_member(self.list_mc_id, "ann@example.org", tags=["vip"])
        self.state.add_member(self.list_mc_id, "bob@example.org")
        self.state.add_member(self.list_mc_id, "cid@example.org", tags=["news"])
        self.audience = self.env["mailchimp.list"]._import_from_account(self.account)
        self.import_members(self.audience)
        self.Category = self.env["res.partner.category"]
        self.customer = self.Category.create({"name": "customer"})
        self.contact("bob@example.org").tag_ids = [(4, self.customer.id)]
        self.ann_partner = self.env["res.partner"].create(
            {"name": "Ann", "email": "ann@example.org"}
        )
        self.binding("ann@example.org").partner_id = self.ann_partner
        self.sent = []

    def contact(self, email):
        return self.binding(email).mailing_contact_id

    def binding(self, email):
        return self.audience.member_ids.filtered(lambda b: b.email_normalized == email)

    def names(self, records):
        return set(records.mapped("name"))

    def remote_tags(self, email):
        return {t["name"] for t in self.state.get_member(self.list_mc_id, email)["tags"]}

    def sync_tags(self):
        original = MailchimpClient.update_member_tags
        sent = self.sent

        def spy(client, list_id, email, body):
            sent.append((email, body))
            return original(client, list_id, email, body)

        with patch.object(MailchimpClient, "update_member_tags", spy):
            self.audience.with_user(self.manager).action_sync_tags_now()
            self.run_jobs()

    def test_turned_on_each_side_gets_the_other_sides_tags(self):
        self.assertTrue(self.binding("ann@example.org").tags)  # imported onto the member
        self.audience.sync_tags = True
        self.sync_tags()
        self.assertEqual(self.names(self.contact("ann@example.org").tag_ids), {"vip"})
        self.assertEqual(self.names(self.ann_partner.category_id), {"vip"})
        self.assertEqual(self.names(self.contact("cid@example.org").tag_ids), {"news"})
        self.assertEqual(self.remote_tags("bob@example.org"), {"customer"})
        # one call, for bob, as a sync (Mailchimp's tag automations do not fire)
        self.assertEqual(len(self.sent), 1)
        self.assertEqual(self.sent[0][1]["is_syncing"], True)
        self.assertIn("3 members", self.audience.last_tag_sync_result)

    def test_changes_go_both_ways_without_ping_pong(self):
        self.audience.sync_tags = True
        self.sync_tags()
        # Odoo: vip removed from Ann's contact, gold added
        gold = self.Category.create({"name": "gold"})
        vip = self.contact("ann@example.org").tag_ids
        self.contact("ann@example.org").tag_ids = [(3, vip.id), (4, gold.id)]
        self.assertTrue(self.binding("ann@example.org").tags_dirty)
        # Mailchimp: event added to Cid
        self.state.post_member_tags(
            self.list_mc_id, "cid@example.org", {"tags": [{"name": "event", "status": "active"}]}
        )
        self.import_members(self.audience)
        self.sent.clear()
        self.sync_tags()
        self.assertEqual(self.remote_tags("ann@example.org"), {"gold"})
        self.assertEqual(self.names(self.ann_partner.category_id), {"gold"})
        self.assertEqual(self.names(self.contact("cid@example.org").tag_ids), {"news", "event"})
        self.assertEqual(self.remote_tags("cid@example.org"), {"news", "event"})
        self.assertEqual([email for email, _body in self.sent], ["ann@example.org"])
        # both sides agree: an import and a tag sync change nothing more
        self.import_members(self.audience)
        self.sent.clear()
        self.sync_tags()
        self.assertEqual(self.sent, [])
        self.assertFalse(self.env["mailchimp.tag.sync"]._waiting(self.audience))
        self.assertIn("0 sent", self.audience.last_tag_sync_result)

    def test_both_sides_changed_each_change_wins(self):
        self.audience.sync_tags = True
        self.sync_tags()
        # Mailchimp adds x to Ann while Odoo removes vip from Ann's partner
        self.state.post_member_tags(
            self.list_mc_id, "ann@example.org", {"tags": [{"name": "x", "status": "active"}]}
        )
        self.ann_partner.category_id = [(5,)]
        self.import_members(self.audience)
        self.sync_tags()
        self.assertEqual(self.remote_tags("ann@example.org"), {"x"})
        self.assertEqual(self.names(self.contact("ann@example.org").tag_ids), {"x"})
        self.assertEqual(self.names(self.ann_partner.category_id), {"x"})

    def test_nothing_happens_when_off(self):
        self.contact("ann@example.org").tag_ids = [(4, self.customer.id)]
        self.assertFalse(self.binding("ann@example.org").tags_dirty)
        self.env["mailchimp.list"]._cron_sync_tags()
        self.assertFalse(self.mailchimp_jobs())
        self.assertEqual(self.remote_tags("ann@example.org"), {"vip"})

    def test_a_tag_on_many_members_goes_through_its_static_segment(self):
        self.audience.sync_tags = True
        self.sync_tags()
        gold = self.Category.create({"name": "gold"})
        contacts = self.audience.member_ids.mailing_contact_id
        self.assertEqual(len(contacts), 3)
        contacts.write({"tag_ids": [(4, gold.id)]})
        self.sent.clear()
        before = self.emulator.count_requests(path_prefix="/lists")
        with patch.object(tag_rules, "TAG_BATCH_THRESHOLD", 2):
            self.sync_tags()
        # the tags read, the tag made, one call for the three members: none one by one
        self.assertEqual(self.emulator.count_requests(path_prefix="/lists") - before, 3)
        self.assertEqual(self.sent, [])
        for email in ("ann@example.org", "bob@example.org", "cid@example.org"):
            self.assertIn("gold", self.remote_tags(email))
        self.import_members(self.audience)
        self.sync_tags()
        self.assertEqual(self.sent, [])
        self.assertFalse(self.env["mailchimp.tag.sync"]._waiting(self.audience))
