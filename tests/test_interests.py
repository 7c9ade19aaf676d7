# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Interest groups <-> mailing lists: the interests of an audience's categories imported and
mapped to Odoo mailing lists, membership kept both ways (newest change wins, no ping-pong),
an opt-out of a list an interest off (never an unsubscribe), Mailchimp's 60 limit, access
and companies, a mailing sent to an interest."""

from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..services.mailchimp_client import MailchimpClient
from .common import MailchimpCase, new_user


@tagged("post_install", "-at_install")
class TestInterests(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.ids = self.state.add_interest_category(
            self.list_mc_id, "Topics", interests=("News", "Products")
        )
        self.state.add_member(
            self.list_mc_id, "ann@example.org", interests={self.ids["News"]: True}
        )
        self.state.add_member(self.list_mc_id, "bob@example.org")
        self.audience = self.env["mailchimp.list"]._import_from_account(self.account)
        self.import_members(self.audience)
        self.sent = []

    def contact(self, email):
        return self.binding(email).mailing_contact_id

    def binding(self, email):
        return self.audience.member_ids.filtered(lambda b: b.email_normalized == email)

    def remote_interests(self, email):
        return self.state.get_member(self.list_mc_id, email)["interests"]

    def interest(self, name):
        return self.audience.interest_ids.filtered(lambda i: i.name == name)

    def on_list(self, email, interest):
        subs = self.contact(email).subscription_ids.filtered(
            lambda s: s.list_id == interest.mailing_list_id
        )
        return bool(subs) and not subs.opt_out

    def map_all(self):
        self.audience.with_user(self.manager).action_import_interests()
        self.audience.interest_ids.with_user(self.manager).action_create_mailing_lists()

    def sync(self):
        original = MailchimpClient.batch_subscribe
        sent = self.sent

        def spy(client, list_id, members, **kwargs):
            sent.extend(members)
            return original(client, list_id, members, **kwargs)

        with patch.object(MailchimpClient, "batch_subscribe", spy):
            self.audience.with_user(self.manager).action_sync_interests_now()
            self.run_jobs()

    def test_import_interests_and_create_the_lists(self):
        action = self.audience.with_user(self.manager).action_import_interests()
        interests = self.audience.interest_ids
        self.assertEqual(len(interests), 2)
        self.assertEqual(set(interests.mapped("name")), {"News", "Products"})
        self.assertEqual(set(interests.mapped("category_name")), {"Topics"})
        self.assertEqual(set(interests.mapped("category_type")), {"checkboxes"})
        self.assertEqual(self.interest("News").member_count, 1)
        self.assertIn("2 interests have no mailing list", action["help"])
        interests.with_user(self.manager).action_create_mailing_lists()
        self.assertEqual(interests.mailing_list_id.mapped("name"), ["News", "Products"])
        self.assertEqual(self.audience.interest_count, 2)
        # a second import changes nothing, an interest gone from Mailchimp goes
        lists = interests.mailing_list_id
        self.audience.with_user(self.manager).action_import_interests()
        self.assertEqual(self.audience.interest_ids, interests)
        self.assertEqual(self.audience.interest_ids.mailing_list_id, lists)
        category = self.state.lists[self.list_mc_id].interest_categories[self.ids[None]]
        del category["interests"][self.ids["Products"]]
        self.audience._refresh_interests()
        self.assertEqual(self.audience.interest_ids.mapped("name"), ["News"])

    def test_interest_on_in_mailchimp_puts_the_contact_on_the_list(self):
        self.assertIn(self.ids["News"], self.binding("ann@example.org").mc_interests)
        self.map_all()
        news = self.interest("News")
        self.sync()
        self.assertTrue(self.on_list("ann@example.org", news))
        self.assertFalse(self.on_list("bob@example.org", news))
        self.assertEqual(self.sent, [])  # Odoo had nothing newer: nothing sent
        # Bob turns News on in Mailchimp
        self.state.update_member(
            self.list_mc_id, "bob@example.org", interests={self.ids["News"]: True}
        )
        self.import_members(self.audience)
        self.sync()
        self.assertTrue(self.on_list("bob@example.org", news))
        self.assertEqual(self.sent, [])

    def test_opt_out_of_the_list_turns_the_interest_off_not_the_audience(self):
        self.map_all()
        news = self.interest("News")
        self.sync()
        sub = self.contact("ann@example.org").subscription_ids.filtered(
            lambda s: s.list_id == news.mailing_list_id
        )
        sub.opt_out = True
        self.assertTrue(self.binding("ann@example.org").interests_dirty)
        self.sync()
        self.assertIs(self.remote_interests("ann@example.org")[self.ids["News"]], False)
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "ann@example.org")["status"], "subscribed"
        )
        self.assertEqual(self.binding("ann@example.org").status, "subscribed")
        self.assertEqual(len(self.sent), 1)
        self.assertEqual(self.sent[0]["interests"], {self.ids["News"]: False})
        self.assertNotIn("status", self.sent[0])
        # joining a mapped list in Odoo turns the interest on
        self.env["mailing.subscription"].create(
            {
                "contact_id": self.contact("bob@example.org").id,
                "list_id": self.interest("Products").mailing_list_id.id,
            }
        )
        self.sync()
        self.assertIs(self.remote_interests("bob@example.org")[self.ids["Products"]], True)

    def test_no_ping_pong_a_second_sync_sends_nothing(self):
        self.map_all()
        self.sync()
        sub = self.contact("ann@example.org").subscription_ids.filtered(
            lambda s: s.list_id == self.interest("News").mailing_list_id
        )
        sub.opt_out = True
        self.sync()
        self.assertEqual(len(self.sent), 1)
        self.import_members(self.audience)
        self.sent.clear()
        calls_before = self.emulator.count_requests(method="POST")
        self.sync()
        self.assertEqual(self.sent, [])
        self.assertEqual(self.emulator.count_requests(method="POST"), calls_before)
        self.assertFalse(self.env["mailchimp.interest.sync"]._waiting(self.audience))
        self.assertFalse(self.on_list("ann@example.org", self.interest("News")))

    def test_newest_change_wins_when_both_sides_changed(self):
        self.map_all()
        news = self.interest("News")
        # never synced: Ann is on News in Mailchimp; Odoo puts her on the list then opts
        # her out, after Mailchimp's change: Odoo's is newer and wins
        sub = self.env["mailing.subscription"].create(
            {
                "contact_id": self.contact("ann@example.org").id,
                "list_id": news.mailing_list_id.id,
                "opt_out": True,
            }
        )
        self.dated_now(sub)
        # Mailchimp's last change of Ann (News on) is older
        self.binding("ann@example.org").last_changed = "2020-01-01 00:00:00"
        self.sync()
        self.assertIs(self.remote_interests("ann@example.org")[self.ids["News"]], False)
        self.assertFalse(self.on_list("ann@example.org", news))
        # Bob: on the Products list in Odoo long ago, Products turned off... then on in
        # Mailchimp now: Mailchimp's change is the newest
        products = self.interest("Products")
        old = self.env["mailing.subscription"].create(
            {
                "contact_id": self.contact("bob@example.org").id,
                "list_id": products.mailing_list_id.id,
                "opt_out": True,
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mailing_subscription SET write_date = write_date - interval '2 days' "
            "WHERE id = %s",
            [old.id],
        )
        old.invalidate_recordset()
        self.binding("bob@example.org").interest_base = False
        self.state.update_member(
            self.list_mc_id, "bob@example.org", interests={self.ids["Products"]: True}
        )
        self.import_members(self.audience)
        self.sync()
        self.assertIs(self.remote_interests("bob@example.org")[self.ids["Products"]], True)
        self.assertTrue(self.on_list("bob@example.org", products))

    def test_sixty_interests_refused_in_words(self):
        lists = self.env["mailing.list"].create([{"name": f"List {n}"} for n in range(60)])
        wizard = (
            self.env["mailchimp.interest.create"]
            .with_user(self.manager)
            .create(
                {
                    "list_id": self.audience.id,
                    "category_name": "Lists",
                    "mailing_list_ids": [(6, 0, lists.ids)],
                }
            )
        )
        result = wizard.action_create()
        message = result["params"]["message"]
        self.assertIn("58 interests created", message)
        self.assertIn("Cannot have more than 60 interests per list", message)
        self.assertEqual(len(self.audience.interest_ids), 60)
        self.assertEqual(len(self.audience.interest_ids.filtered("mailing_list_id")), 58)
        self.assertEqual(len(self.state.lists[self.list_mc_id].interest_categories), 2)

    def test_access_and_companies(self):
        self.map_all()
        user = self.mc_user
        self.assertEqual(self.env["mailchimp.interest"].with_user(user).search_count([]), 2)
        with self.assertRaises(AccessError):
            self.audience.interest_ids.with_user(user).write({"mailing_list_id": False})
        with self.assertRaises(AccessError):
            self.audience.with_user(user).action_import_interests()
        with self.assertRaises(AccessError):
            self.audience.interest_ids.with_user(user).action_create_mailing_lists()
        other = self.env["res.company"].create({"name": "Other Co"})
        outsider = new_user(
            self.env,
            "mc_other",
            "base.group_user,mailchimp_connector.group_mailchimp_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertEqual(self.env["mailchimp.interest"].with_user(outsider).search_count([]), 0)

    def test_a_mailing_sent_to_an_interest(self):
        self.map_all()
        self.state.add_member(
            self.list_mc_id, "cid@example.org", interests={self.ids["Products"]: True}
        )
        mailing = self.mailchimp_mailing(
            self.audience, "News only", mailchimp_interest_id=self.interest("News").id
        )
        mailing.with_user(self.manager).action_mailchimp_check()
        camp = self.state.campaign(mailing.mailchimp_campaign_id.mc_id)
        condition = camp["info"]["recipients"]["segment_opts"]["conditions"][0]
        self.assertEqual(condition["condition_type"], "Interests")
        self.assertEqual(condition["field"], f"interests-{self.ids[None]}")
        self.assertEqual(condition["value"], [self.ids["News"]])
        mailing.with_user(self.manager).action_launch()
        self.run_jobs()
        recipients = self.state._campaign_recipients(self.state.campaign(camp["info"]["id"]))
        self.assertEqual({m["email_address"] for m in recipients}, {"ann@example.org"})
