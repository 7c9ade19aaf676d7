# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Webhooks end to end: the emulator POSTs to Odoo's test HTTP server, the job applies."""

import random
from contextlib import closing
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import urlencode

import requests

from odoo import SUPERUSER_ID, api, sql_db
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import config, mute_logger

from ..models import mailchimp_webhook
from ..services.identity import subscriber_hash
from ..services.webhook_rules import new_token, parse_delivery
from .common import MailchimpCommon

QUIET = ("odoo.addons.mailchimp_connector.models.mailchimp_webhook", "werkzeug")


@tagged("post_install", "-at_install")
class TestWebhooks(MailchimpCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_mailchimp()

    def setUp(self):
        super().setUp()
        self.emulator = self._start_emulator(validate_webhooks=True)
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.audience = self.import_audiences()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.Event = self.env["mailchimp.webhook.event"]
        self.Rejection = self.env["mailchimp.webhook.rejection"]
        # the first request builds the routing map (seconds on a busy machine): not during
        # Mailchimp's check of the URL, which gives up after 5 seconds
        self.url_open("/web/health", timeout=60)

    # helpers ---------------------------------------------------------------
    def register(self):
        self.account.action_generate_webhook_urls()
        self.assertEqual(self.audience.webhook_state, "registered", self.audience.webhook_error)
        return self.audience.webhook_url

    def post(self, body, url=None, content_type="application/x-www-form-urlencoded", **kw):
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kw.pop("headers", {}))
        return requests.post(
            url or self.audience.webhook_url, data=body, headers=headers, timeout=20, **kw
        )

    def body(self, type_, data, fired_at="2026-03-26 21:35:57"):
        pairs = [("type", type_), ("fired_at", fired_at)]
        data = dict(data)
        data.setdefault("list_id", self.list_mc_id)

        def flat(node, prefix):
            for key, value in node.items():
                if isinstance(value, dict):
                    yield from flat(value, f"{prefix}[{key}]")
                else:
                    yield f"{prefix}[{key}]", value

        return urlencode(pairs + list(flat(data, "data")))

    def fire(self, type_, email, **extra):
        result = self.emulator.fire_member_webhook(self.list_mc_id, type_, email, **extra)
        self.assertEqual([status for _url, status in result], [200])

    def binding(self, email):
        return self.env["mailchimp.member"].search(
            [("list_id", "=", self.audience.id), ("email_normalized", "=", email.lower())]
        )

    def member_reads(self):
        return self.emulator.count_requests(
            method="GET", path_prefix=f"/lists/{self.list_mc_id}/members/"
        )

    def writes(self):
        return sum(
            self.emulator.count_requests(method=m, path_prefix="/lists")
            for m in ("POST", "PUT", "PATCH", "DELETE")
        )

    # registration ------------------------------------------------------------
    def test_registration_checks_the_url_and_replaces_the_previous_hook(self):
        url = self.register()
        hooks = list(self.state.lists[self.list_mc_id].webhooks.values())
        self.assertEqual(len(hooks), 1)
        self.assertEqual(hooks[0]["url"], url)
        self.assertEqual(hooks[0]["id"], self.audience.webhook_mc_id)
        self.assertTrue(all(hooks[0]["events"].values()))
        self.assertEqual(hooks[0]["sources"], {"user": True, "admin": True, "api": False})
        token = url.rsplit("/", 1)[1]
        self.assertGreaterEqual(len(token), 43, "32 random bytes, URL-safe")
        # Mailchimp's checks of the URL: a GET and an empty POST answer 200, write nothing
        self.assertEqual(requests.get(url, timeout=20).status_code, 200)
        self.assertEqual(self.post(b"", content_type=None).status_code, 200)
        self.assertEqual(self.Event.search_count([]), 0)
        # again: the previous hook is deleted, not piled up
        self.audience.webhook_source_api = True
        self.register()
        hooks = list(self.state.lists[self.list_mc_id].webhooks.values())
        self.assertEqual(len(hooks), 1)
        self.assertEqual(hooks[0]["id"], self.audience.webhook_mc_id)
        self.assertTrue(hooks[0]["sources"]["api"])

    def test_unreachable_url_is_reported_with_mailchimps_words(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "http://127.0.0.1:9/odoo")
        with mute_logger(*QUIET):
            action = self.account.action_generate_webhook_urls()
        self.assertEqual(self.audience.webhook_state, "error")
        self.assertIn("verify", self.audience.webhook_error)
        self.assertIn("Mailchimp cannot reach", action["params"]["message"])
        self.assertEqual(self.state.lists[self.list_mc_id].webhooks, {})

    def test_disconnect_unregisters(self):
        self.register()
        self.account.action_disconnect()
        self.assertEqual(self.state.lists[self.list_mc_id].webhooks, {})
        self.assertEqual(self.audience.webhook_state, "none")
        self.assertFalse(self.audience.webhook_mc_id)

    def test_regenerated_secret_refuses_the_old_url(self):
        old_url = self.register()
        self.audience.action_regenerate_webhook_secret()
        new_url = self.audience.webhook_url
        self.assertNotEqual(old_url, new_url)
        hooks = list(self.state.lists[self.list_mc_id].webhooks.values())
        self.assertEqual([h["url"] for h in hooks], [new_url], "re-registered, one hook")
        self.state.add_member(self.list_mc_id, "a@example.org")
        body = self.body("subscribe", {"email": "a@example.org"})
        with mute_logger(*QUIET):
            self.assertEqual(self.post(body, url=old_url).status_code, 404)
        self.assertEqual(self.Event.search_count([]), 0)
        self.assertEqual(self.post(body, url=new_url).status_code, 200)
        self.assertEqual(self.Event.search_count([]), 1)

    def test_basic_user_cannot_read_the_secret(self):
        self.register()
        as_user = self.audience.with_user(self.mc_user)
        for field in ("webhook_secret", "webhook_url", "webhook_token_hash"):
            with self.assertRaises(AccessError):
                as_user.read([field])
        self.assertNotIn("webhook_secret", as_user.fields_get())
        with self.assertRaises(AccessError):
            as_user.action_regenerate_webhook_secret()
        with self.assertRaises(AccessError):
            self.Event.with_user(self.mc_user).search([])
        as_manager = self.audience.with_user(self.manager)
        self.assertEqual(as_manager.webhook_url, self.audience.webhook_url)

    # refusals ----------------------------------------------------------------
    def test_wrong_or_unknown_token_is_a_plain_404_writing_nothing(self):
        url = self.register()
        base = url.rsplit("/", 1)[0]
        body = self.body("subscribe", {"email": "a@example.org"})
        events_before = self.Event.search_count([])
        jobs_before = len(self.mailchimp_jobs())
        right = url.rsplit("/", 1)[1]
        # the right token with its last character changed (to "A", or "B" when it is an "A":
        # replaced by "A" alone, 1 token in 64 stayed the right one)
        wrong = right[:-1] + ("B" if right.endswith("A") else "A")
        self.assertNotEqual(wrong, right)
        for token in (new_token(), wrong, "short", "x" * 200):
            with mute_logger(*QUIET):
                response = self.post(body, url=f"{base}/{token}")
                get = requests.get(f"{base}/{token}", timeout=20)
            self.assertEqual(response.status_code, 404, token)
            self.assertEqual(get.status_code, 404, token)
            self.assertEqual(response.text, "Not Found")
        self.assertEqual(self.Event.search_count([]), events_before)
        self.assertEqual(len(self.mailchimp_jobs()), jobs_before)
        self.assertFalse(self.Rejection.search([]), "no audience, nothing counted")

    def test_corpus_of_malformed_deliveries_all_4xx_nothing_written(self):
        self.register()
        corpus = self.malformed_corpus()
        self.assertGreaterEqual(len(corpus), 200)
        self.env.flush_all()
        audience_written = self.audience.write_date
        statuses = {}
        last = None
        with mute_logger(*QUIET):
            for body, content_type in corpus:
                response = self.post(body, content_type=content_type)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                self.assertTrue(400 <= response.status_code < 500, (response, body[:200]))
                last = response.text
        self.assertEqual(self.Event.search_count([]), 0)
        self.assertEqual(len(self.mailchimp_jobs()), 0)
        self.assertIn(400, statuses)
        self.assertIn(413, statuses)
        self.assertIn(415, statuses)
        # only the audience's count of refused deliveries, with the last reason and time
        rejection = self.Rejection.search([])
        self.assertEqual(rejection.list_id, self.audience)
        self.assertEqual(rejection.rejected_count, len(corpus))
        self.audience.invalidate_recordset()
        self.assertEqual(self.audience.write_date, audience_written, "the audience untouched")
        as_manager = self.audience.with_user(self.manager)
        self.assertEqual(as_manager.webhook_rejected_count, len(corpus))
        self.assertEqual(as_manager.webhook_last_rejected_reason, last)
        self.assertTrue(as_manager.webhook_last_rejected_date)
        with self.assertRaises(AccessError):
            self.audience.with_user(self.mc_user).read(["webhook_rejected_count"])
        # a valid delivery is not counted
        self.state.add_member(self.list_mc_id, "fine@example.org")
        self.fire("subscribe", "fine@example.org")
        self.assertEqual(self.Rejection.search([]).rejected_count, len(corpus))

    def malformed_corpus(self):
        rng = random.Random(7)
        good = {
            "type": "subscribe",
            "fired_at": "2026-03-26 21:35:57",
            "data[list_id]": self.list_mc_id,
            "data[email]": "ok@example.org",
            "data[merges][FNAME]": "Ok",
        }
        corpus = []

        def add(pairs, content_type="application/x-www-form-urlencoded"):
            corpus.append((urlencode(pairs) if isinstance(pairs, list) else pairs, content_type))

        # each required field missing, for each type
        required = {
            "subscribe": ["type", "fired_at", "data[list_id]", "data[email]"],
            "upemail": ["type", "fired_at", "data[list_id]", "data[old_email]", "data[new_email]"],
            "campaign": ["type", "fired_at", "data[list_id]", "data[id]"],
        }
        for type_, keys in required.items():
            full = dict(good, type=type_)
            if type_ == "upemail":
                full.update(
                    {"data[old_email]": "a@example.org", "data[new_email]": "b@example.org"}
                )
            if type_ == "campaign":
                full["data[id]"] = "abc123"
            for key in keys:
                add([(k, v) for k, v in full.items() if k != key])
        bad_values = {
            "type": ["", "SUBSCRIBE", "delete", "x" * 50, "subscribe\x00"],
            "fired_at": [
                "",
                "yesterday",
                "2026-13-01 00:00:00",
                "2026-03-26T21:35:57",
                "1900-01-01 00:00:00",
                "2026-03-26 25:00:00",
                "0",
            ],
            "data[list_id]": ["", "another0list", "../etc", "x" * 80, "a b"],
            "data[email]": ["", "not-an-address", "a@", "@b", "a@@b.com", "a b@c.com", "x" * 900],
            "data[action]": ["remove", "DELETE"],
        }
        for key, values in bad_values.items():
            for value in values:
                pairs = dict(good)
                if key == "data[action]":
                    pairs["type"] = "unsubscribe"
                pairs[key] = value
                add(list(pairs.items()))
        # wrong shapes: a group where a value is expected, and the reverse; repeated keys
        add([*good.items(), ("data[email][x]", "1")])
        add([(k, v) for k, v in good.items() if k != "data[email]"] + [("data[email][0]", "a")])
        add([*good.items(), ("data[merges]", "flat")])
        add(
            [(k, v) for k, v in good.items() if k != "data[merges][FNAME]"]
            + [("data[merges]", "x")]
        )
        add([*good.items(), ("type", "profile")])
        add([*good.items(), ("data[email]", "other@example.org")])
        add([*good.items(), ("data", "x")])
        add([*good.items(), ("extra", "1")])
        add([*good.items(), ("data[a][b][c][d][e]", "deep")])
        add([*good.items(), ("data[]", "x")])
        add([*good.items(), ("data[a b]", "x")])
        add([*good.items(), ("1abc", "x")])
        # bad encoding: invalid UTF-8, raw bytes, NUL
        for raw in (b"%ff%fe", b"%c3%28", b"%e2%82", b"%ed%a0%80", b"\xff\xfe", b"%00"):
            base = urlencode([(k, v) for k, v in good.items() if k != "data[merges][FNAME]"])
            corpus.append((base.encode() + b"&data%5Bmerges%5D%5BFNAME%5D=" + raw, None))
            corpus[-1] = (corpus[-1][0], "application/x-www-form-urlencoded")
        # too big: a long value, many fields, a megabyte body
        add([*good.items(), ("data[merges][LNAME]", "x" * 5000)])
        add([*good.items(), *((f"data[merges][F{i}]", "1") for i in range(300))])
        corpus.append((b"a=" + b"x" * (1024 * 1024), "application/x-www-form-urlencoded"))
        corpus.append((urlencode(good) + "&data%5Bmerges%5D%5BBIG%5D=" + "y" * 40000, None))
        corpus[-1] = (corpus[-1][0], "application/x-www-form-urlencoded")
        # not a form
        for content_type in ("application/json", "text/plain", "multipart/form-data; boundary=x"):
            add('{"type": "subscribe"}', content_type)
        # random garbage bodies and random mutations of a good one
        alphabet = "abc[]=&%=+;\\/\"'<>{}\x01é"
        for _i in range(60):
            garbage = "".join(rng.choice(alphabet) for _j in range(rng.randint(1, 80)))
            add(garbage)
        keys = list(good)
        for _i in range(80):
            pairs = dict(good)
            victim = rng.choice(keys)
            mutation = rng.choice(["drop", "empty", "junk", "rename"])
            if mutation == "drop":
                pairs.pop(victim)
            elif mutation == "empty":
                pairs[victim] = ""
            elif mutation == "junk":
                pairs[victim] = "".join(rng.choice("!#$%^*()") for _j in range(5))
            else:
                pairs[victim + "]"] = pairs.pop(victim)
            if victim == "data[merges][FNAME]" and mutation != "rename":
                pairs["data[email]"] = "@"  # keep it malformed
            add(list(pairs.items()))
        return corpus

    # events ------------------------------------------------------------------
    def test_subscribe_creates_the_contact_through_the_import_rules(self):
        self.register()
        self.state.add_member(
            self.list_mc_id, "New@Example.org", merge_fields={"FNAME": "Ann", "LNAME": "Lee"}
        )
        self.fire("subscribe", "New@Example.org")
        event = self.Event.search([])
        self.assertEqual(len(event), 1)
        self.assertEqual(
            (event.state, event.event_type, event.email),
            ("received", "subscribe", "new@example.org"),
        )
        self.assertEqual(len(self.mailchimp_jobs()), 1)
        with self.assertMailchimpCalls(
            1, method="GET", path_prefix=f"/lists/{self.list_mc_id}/members/"
        ):
            self.run_jobs()
        self.assertEqual(event.state, "done")
        binding = self.binding("new@example.org")
        self.assertEqual(binding.status, "subscribed")
        contact = binding.mailing_contact_id
        self.assertEqual((contact.first_name, contact.last_name), ("Ann", "Lee"))
        self.assertIn(self.audience.mailing_list_id, contact.list_ids)
        self.assertFalse(binding.need_push)
        self.audience.invalidate_recordset()
        self.assertEqual(self.audience.webhook_done_count, 1)
        self.assertTrue(self.audience.webhook_last_event)

    def test_subscribe_respects_the_import_options(self):
        self.register()
        self.audience.import_new = False
        self.state.add_member(self.list_mc_id, "skip@example.org")
        self.fire("subscribe", "skip@example.org")
        self.run_jobs()
        self.assertFalse(self.env["mailing.contact"].search([("email", "=", "skip@example.org")]))

    def test_duplicate_delivery_is_stored_once(self):
        self.register()
        self.state.add_member(self.list_mc_id, "twice@example.org")
        body = self.body("subscribe", {"email": "twice@example.org"})
        self.assertEqual(self.post(body).status_code, 200)
        self.assertEqual(self.post(body).status_code, 200)
        self.assertEqual(self.Event.search_count([]), 1)
        self.assertEqual(len(self.mailchimp_jobs()), 1)
        self.run_jobs()
        self.assertEqual(len(self.binding("twice@example.org")), 1)

    def test_unsubscribe_then_older_profile_ends_unsubscribed(self):
        self.register()
        self.state.add_member(self.list_mc_id, "pat@example.org", merge_fields={"FNAME": "Pat"})
        self.import_members(self.audience)
        binding = self.binding("pat@example.org")
        self.assertEqual(binding.status, "subscribed")
        self.state.update_member(
            self.list_mc_id,
            "pat@example.org",
            status="unsubscribed",
            unsubscribe_reason="N/A (Unsubscribed by admin)",
        )
        self.fire("unsubscribe", "pat@example.org")
        # a profile change fired before the unsubscribe arrives after it
        older = self.body("profile", {"email": "pat@example.org"}, fired_at="2020-01-01 00:00:00")
        self.assertEqual(self.post(older).status_code, 200)
        self.assertEqual(self.Event.search_count([]), 2)
        with self.assertMailchimpCalls(
            1, method="GET", path_prefix=f"/lists/{self.list_mc_id}/members/"
        ):
            self.run_jobs()
        self.assertEqual(binding.status, "unsubscribed")
        self.assertEqual(binding.unsubscribe_reason, "N/A (Unsubscribed by admin)")
        sub = binding.mailing_contact_id.subscription_ids.filtered(
            lambda s: s.list_id == self.audience.mailing_list_id
        )
        self.assertTrue(sub.opt_out)
        self.assertEqual(set(self.Event.search([]).mapped("state")), {"done"})
        # the same state a full import gives
        self.import_members(self.audience, full=True)
        self.assertEqual(binding.status, "unsubscribed")
        self.assertTrue(sub.opt_out)

    def test_unsubscribe_delete_action_archives(self):
        self.register()
        self.state.add_member(self.list_mc_id, "del@example.org")
        self.import_members(self.audience)
        self.state.archive_member(self.list_mc_id, "del@example.org")
        self.fire("unsubscribe", "del@example.org", action="delete")
        self.run_jobs()
        self.assertEqual(self.binding("del@example.org").status, "archived")

    def test_profile_pulls_fields(self):
        self.register()
        self.account.override_contact_name = True
        self.state.add_member(self.list_mc_id, "sam@example.org", merge_fields={"FNAME": "Sam"})
        self.import_members(self.audience)
        self.state.advance(60)
        self.state.update_member(
            self.list_mc_id, "sam@example.org", merge_fields={"FNAME": "Samuel"}
        )
        self.fire("profile", "sam@example.org")
        self.run_jobs()
        self.assertEqual(self.binding("sam@example.org").mailing_contact_id.first_name, "Samuel")

    def test_a_profile_event_that_changes_no_name_says_why(self):
        """Contact names are not overridden (the account's option is off): the profile event
        is applied and says that the name was kept, and which setting decides it."""
        self.register()
        self.account.override_contact_name = False
        self.state.add_member(self.list_mc_id, "kept@example.org", merge_fields={"FNAME": "Kim"})
        self.import_members(self.audience)
        contact = self.binding("kept@example.org").mailing_contact_id
        self.assertEqual(contact.name, "Kim")
        self.state.advance(60)
        self.state.update_member(
            self.list_mc_id, "kept@example.org", merge_fields={"FNAME": "Kimberly"}
        )
        self.fire("profile", "kept@example.org")
        self.run_jobs()
        event = self.Event.search([("email", "=", "kept@example.org")], limit=1)
        self.assertEqual(event.state, "done")
        self.assertEqual(contact.name, "Kim")
        self.assertIn("contact names are not overridden", event.reason)
        self.assertIn('"Is Override Contact Name?"', event.reason)
        self.assertIn("Kimberly", event.reason)
        # with the option on, the name changes and the event needs no explanation
        self.account.override_contact_name = True
        self.state.advance(60)
        self.state.update_member(self.list_mc_id, "kept@example.org", merge_fields={"FNAME": "Kit"})
        self.fire("profile", "kept@example.org")
        self.run_jobs()
        event = self.Event.search([("email", "=", "kept@example.org")], limit=1)
        self.assertEqual((event.state, event.reason), ("done", False))
        self.assertEqual(contact.name, "Kit")
        self.assertEqual(event.display_name, f"Profile Update: kept@example.org ({event.fired_at})")

    def test_a_second_change_in_the_same_second_is_applied(self):
        """Mailchimp's last_changed has whole seconds: a profile change made in the second
        the job read the member in leaves it equal, and is still applied."""
        self.register()
        self.account.override_contact_name = True
        self.state.add_member(self.list_mc_id, "quick@example.org", merge_fields={"FNAME": "Rosa"})
        self.import_members(self.audience)
        binding = self.binding("quick@example.org")
        self.state.advance(60)
        member = self.state.update_member(
            self.list_mc_id, "quick@example.org", merge_fields={"FNAME": "Rose"}
        )
        self.fire("profile", "quick@example.org")
        self.run_jobs()
        self.assertEqual(binding.mailing_contact_id.first_name, "Rose")
        # changed again within that second
        self.state.update_member(
            self.list_mc_id,
            "quick@example.org",
            merge_fields={"FNAME": "Rosie"},
            last_changed=member["last_changed"],
        )
        self.fire("profile", "quick@example.org")
        self.run_jobs()
        self.assertEqual(binding.mailing_contact_id.first_name, "Rosie")
        self.assertEqual(binding.merge_values["FNAME"], "Rosie")
        # and read again, nothing changes any more
        self.fire("profile", "quick@example.org")
        with self.assertMailchimpCalls(0, method="PATCH"):
            self.run_jobs()
        self.assertEqual(self.Event.search([], limit=1).state, "done")

    def test_cleaned_blacklists_with_the_bounce_reason(self):
        self.register()
        self.state.add_member(self.list_mc_id, "bounce@example.org")
        self.import_members(self.audience)
        self.state.update_member(self.list_mc_id, "bounce@example.org", status="cleaned")
        self.fire("cleaned", "bounce@example.org", reason="hard", campaign_id="c1")
        self.run_jobs()
        self.assertEqual(self.binding("bounce@example.org").status, "cleaned")
        entry = self.env["mail.blacklist"].search([("email", "=", "bounce@example.org")])
        self.assertEqual(len(entry), 1)
        self.assertEqual(
            entry.opt_out_reason_id,
            self.env.ref("mailchimp_connector.optout_reason_mailchimp_cleaned"),
        )

    def test_upemail_rekeys_binding_and_contact_without_duplicate(self):
        self.register()
        self.state.add_member(self.list_mc_id, "old@example.org", merge_fields={"FNAME": "Kim"})
        self.import_members(self.audience)
        binding = self.binding("old@example.org")
        contact = binding.mailing_contact_id
        self.state.update_member(
            self.list_mc_id, "old@example.org", email_address="new@example.org"
        )
        result = self.emulator.fire_webhook(
            self.list_mc_id,
            "upemail",
            {"old_email": "old@example.org", "new_email": "new@example.org", "new_id": "x"},
        )
        self.assertEqual([s for _u, s in result], [200])
        self.run_jobs()
        bindings = self.env["mailchimp.member"].search([("list_id", "=", self.audience.id)])
        self.assertEqual(bindings, binding, "the same binding, re-keyed")
        self.assertEqual(binding.email_normalized, "new@example.org")
        self.assertEqual(binding.subscriber_hash, subscriber_hash("new@example.org"))
        self.assertEqual(binding.mailing_contact_id, contact)
        self.assertEqual(contact.email, "new@example.org")
        self.assertEqual(
            self.env["mailing.contact"].search_count(
                [("email", "in", ["old@example.org", "new@example.org"])]
            ),
            1,
        )
        self.assertFalse(binding.need_push)
        # a full import afterwards finds the same single binding
        self.import_members(self.audience, full=True)
        self.assertEqual(
            self.env["mailchimp.member"].search([("list_id", "=", self.audience.id)]), binding
        )

    def test_upemail_applied_after_an_import_of_the_new_address_makes_no_duplicate(self):
        """Issue 24: the upemail job waited behind the audience's lock while an incremental
        import read the new address and made its binding and contact; the upemail then moved
        the old contact to the same address: two contacts for one address. The import's
        binding stays, the old contact keeps its address (it is another record of that
        person, not a second contact at the new address)."""
        self.register()
        self.state.add_member(self.list_mc_id, "old@example.org", merge_fields={"FNAME": "Kim"})
        self.import_members(self.audience)
        old_contact = self.binding("old@example.org").mailing_contact_id
        self.state.update_member(
            self.list_mc_id, "old@example.org", email_address="new@example.org"
        )
        self.import_members(self.audience)  # the import reads the new address first
        new_binding = self.binding("new@example.org")
        self.assertTrue(new_binding.mailing_contact_id)
        self.emulator.fire_webhook(
            self.list_mc_id,
            "upemail",
            {"old_email": "old@example.org", "new_email": "new@example.org", "new_id": "x"},
        )
        self.run_jobs()
        self.assertEqual(
            self.env["mailing.contact"].search_count([("email", "=", "new@example.org")]), 1
        )
        self.assertEqual(old_contact.email, "old@example.org")
        self.assertEqual(
            self.env["mailchimp.member"].search([("list_id", "=", self.audience.id)]),
            new_binding,
            "one binding, the import's",
        )

    def test_upemail_after_an_event_of_the_old_address_read_as_gone(self):
        """An unsubscribe of the old address applied after the change (the read answers
        404) must not leave the member deleted once the upemail arrives."""
        self.register()
        self.state.add_member(self.list_mc_id, "was@example.org")
        self.import_members(self.audience)
        binding = self.binding("was@example.org")
        self.fire("profile", "was@example.org")
        self.state.update_member(
            self.list_mc_id, "was@example.org", email_address="now@example.org"
        )
        self.run_jobs()
        self.assertEqual(binding.status, "deleted", "the old address is gone from Mailchimp")
        self.emulator.fire_webhook(
            self.list_mc_id,
            "upemail",
            {"old_email": "was@example.org", "new_email": "now@example.org", "new_id": "x"},
        )
        self.run_jobs()
        bindings = self.env["mailchimp.member"].search([("list_id", "=", self.audience.id)])
        self.assertEqual(bindings, binding)
        self.assertEqual(
            (binding.email_normalized, binding.status), ("now@example.org", "subscribed")
        )

    def test_campaign_event_refreshes_the_campaign(self):
        self.register()
        cid = self.state.add_campaign(self.list_mc_id, title="Spring", status="sent")
        result = self.emulator.fire_webhook(
            self.list_mc_id,
            "campaign",
            {"id": cid, "subject": "Spring", "status": "sent", "reason": ""},
        )
        self.assertEqual([s for _u, s in result], [200])
        self.run_jobs()
        campaign = self.env["mailchimp.campaign"].search([("mc_id", "=", cid)])
        self.assertEqual(campaign.status, "sent")
        self.assertTrue(campaign.last_report_date, "its report was read")

    def test_member_gone_from_mailchimp(self):
        self.register()
        self.state.add_member(self.list_mc_id, "gone@example.org")
        self.import_members(self.audience)
        self.fire("unsubscribe", "gone@example.org", action="delete")
        self.state.delete_permanent(self.list_mc_id, "gone@example.org")
        self.run_jobs()
        self.assertEqual(self.binding("gone@example.org").status, "deleted")
        self.assertEqual(self.Event.search([]).state, "ignored")

    def test_echo_of_an_export_writes_nothing_more_to_mailchimp(self):
        self.audience.write(
            {
                "push_new": True,
                "push_fields": True,
                "push_unsubscribes": True,
                "webhook_source_api": True,
            }
        )
        self.account.auto_update_contact = True
        self.register()
        contact = self.env["mailing.contact"].create(
            {
                "name": "Echo Person",
                "email": "echo@example.org",
                "list_ids": [(4, self.audience.mailing_list_id.id)],
            }
        )
        self.audience._queue_push()
        self.run_jobs()
        self.assertTrue(self.state.get_member(self.list_mc_id, "echo@example.org"))
        binding = self.binding("echo@example.org")
        self.assertFalse(binding.need_push)
        writes = self.writes()
        for type_ in ("subscribe", "profile"):
            self.fire(type_, "echo@example.org", source="api")
        self.run_jobs()
        self.assertEqual(self.Event.search_count([("state", "=", "done")]), 2)
        self.assertEqual(self.writes(), writes, "no write to Mailchimp caused by the echo")
        self.assertFalse(binding.need_push)
        self.assertEqual(contact.email, "echo@example.org")
        self.assertEqual(len(self.mailchimp_jobs()), 0)

    def test_echo_applied_after_a_newer_odoo_change_keeps_the_odoo_change(self):
        """The echo of an export arrives after Odoo changed the member again (a name edit
        and an opt-out): Odoo keeps its newer change, the echo writes nothing to Mailchimp,
        and the next export sends the newer change."""
        self.audience.write(
            {
                "push_new": True,
                "push_fields": True,
                "push_unsubscribes": True,
                "webhook_source_api": True,
            }
        )
        self.account.write({"auto_update_contact": True, "override_contact_name": True})
        self.register()
        contact = self.env["mailing.contact"].create(
            {
                "name": "Echo Person",
                "email": "echo2@example.org",
                "list_ids": [(4, self.audience.mailing_list_id.id)],
            }
        )
        self.audience._queue_push()
        self.run_jobs()
        binding = self.binding("echo2@example.org")
        self.assertFalse(binding.need_push)
        # an exported name edit: its echo will come back
        contact.name = "Edited Once"
        self.assertTrue(binding.need_push)
        self.audience._queue_push()
        self.run_jobs()
        remote = self.state.get_member(self.list_mc_id, "echo2@example.org")
        self.assertEqual(
            (remote["merge_fields"]["FNAME"], remote["merge_fields"]["LNAME"]), ("Edited", "Once")
        )
        self.assertFalse(binding.need_push)
        # Mailchimp delivers the echo (stored, its job queued) ...
        self.fire("profile", "echo2@example.org", source="api")
        self.assertEqual(len(self.mailchimp_jobs()), 1, "the webhook job only")
        # ... and Odoo changes the member again before the job applies it
        self.state.advance(5)
        contact.name = "Newer Name"
        subscription = contact.subscription_ids.filtered(
            lambda s: s.list_id == self.audience.mailing_list_id
        )
        subscription.opt_out = True
        self.dated_now(subscription)
        self.assertTrue(binding.need_push)
        requests_before = self.emulator.count_requests()
        writes = self.writes()
        reads = self.member_reads()
        # (the opt-out's own export job waits its short delay: issue 26)
        withdrawal = self.mailchimp_jobs().filtered(
            lambda j: (j.identity_key or "").startswith("mailchimp-withdraw-")
        )
        self.assertEqual(len(withdrawal), 1, "the opt-out's own export, 30 s later")
        jobs = self.mailchimp_jobs() - withdrawal
        self.assertEqual(
            jobs.mapped("method_name"), ["_job_apply_webhooks"], "no export queued yet"
        )
        self.run_jobs()
        self.assertEqual(self.Event.search([]).mapped("state"), ["done"])
        self.assertEqual(self.writes(), writes, "the echo wrote nothing to Mailchimp")
        self.assertEqual(self.member_reads(), reads + 1, "one re-read of the member")
        self.assertEqual(self.emulator.count_requests(), requests_before + 1, "nothing else")
        self.assertEqual(self.mailchimp_jobs(), withdrawal, "the echo queued no export")
        # Odoo kept its newer change: fields and consent
        contact.invalidate_recordset()
        self.assertEqual(
            (contact.name, contact.first_name, contact.last_name),
            ("Newer Name", "Newer", "Name"),
        )
        self.assertTrue(subscription.opt_out)
        self.assertTrue(binding.need_push, "still waiting for the export")
        remote = self.state.get_member(self.list_mc_id, "echo2@example.org")
        self.assertEqual(remote["status"], "subscribed", "Mailchimp untouched by the echo")
        # the next export sends the newer change
        self.audience._queue_push()
        self.run_jobs()
        remote = self.state.get_member(self.list_mc_id, "echo2@example.org")
        self.assertEqual(
            (remote["merge_fields"]["FNAME"], remote["merge_fields"]["LNAME"]), ("Newer", "Name")
        )
        self.assertEqual(remote["status"], "unsubscribed")
        self.assertFalse(binding.need_push)
        # and the echoes of that export change nothing either
        writes = self.writes()
        for type_ in ("profile", "unsubscribe"):
            self.fire(type_, "echo2@example.org", source="api")
        self.run_jobs()
        self.assertEqual(self.writes(), writes)
        self.assertEqual((contact.first_name, contact.last_name), ("Newer", "Name"))
        self.assertTrue(subscription.opt_out)
        self.assertFalse(binding.need_push)
        self.assertEqual(self.mailchimp_jobs(), withdrawal, "only the opt-out's, still waiting")

    def test_odoo_change_waiting_for_the_export_survives_webhook_updates(self):
        """Members changed in Mailchimp meanwhile (events applied by the job) while an Odoo
        name edit waits for the export: the first update must not record Odoo's unsent name
        as synced, or the second overwrites it and the export sends Mailchimp's back."""
        self.audience.write({"push_new": True, "push_fields": True})
        self.account.write({"auto_update_contact": True, "override_contact_name": True})
        self.register()
        contact = self.env["mailing.contact"].create(
            {
                "name": "Echo Person",
                "email": "wait@example.org",
                "list_ids": [(4, self.audience.mailing_list_id.id)],
            }
        )
        self.audience._queue_push()
        self.run_jobs()
        binding = self.binding("wait@example.org")
        contact.name = "Newer Name"
        self.assertTrue(binding.need_push)
        for tag in ("first", "second"):  # a change of the member in Mailchimp, not its name
            self.state.advance(5)
            self.state.update_member(self.list_mc_id, "wait@example.org", tags=[tag])
            self.fire("profile", "wait@example.org")
            self.run_jobs()
            self.assertEqual(binding.tags, tag, "the event was applied")
            contact.invalidate_recordset()
            self.assertEqual(contact.name, "Newer Name")
            self.assertTrue(binding.need_push)
        self.audience._queue_push()
        self.run_jobs()
        remote = self.state.get_member(self.list_mc_id, "wait@example.org")
        self.assertEqual(
            (remote["merge_fields"]["FNAME"], remote["merge_fields"]["LNAME"]), ("Newer", "Name")
        )
        self.assertEqual((binding.synced_first_name, binding.synced_last_name), ("Newer", "Name"))

    def test_burst_becomes_one_incremental_import(self):
        self.register()
        self.import_members(self.audience)
        for i in range(12):  # added now, as an import in Mailchimp's UI does
            self.state.add_member(self.list_mc_id, f"burst{i}@example.org")
        for member in self.state.members(self.list_mc_id):
            self.fire("subscribe", member["email_address"])
        self.assertEqual(self.Event.search_count([]), 12)
        with patch.object(mailchimp_webhook, "coalesce_threshold", return_value=5):
            reads = self.member_reads()
            self.run_jobs()
        self.assertEqual(self.member_reads(), reads, "no per-member read")
        self.assertEqual(
            self.env["mailchimp.member"].search_count([("list_id", "=", self.audience.id)]), 12
        )
        self.assertEqual(set(self.Event.search([]).mapped("state")), {"done"})
        self.assertIn("member import", self.Event.search([], limit=1).reason)

    def test_burst_leaves_the_last_second_to_one_by_one_reads(self):
        """The import covering a burst reads the members changed before the end of its
        window (a second before Mailchimp's clock when it starts): the events fired in that
        last second are read one by one, not marked covered (their change would be lost)."""
        self.register()
        self.state.freeze()
        self.import_members(self.audience)
        self.state.advance(5)
        for i in range(6):
            self.state.add_member(self.list_mc_id, f"early{i}@example.org")
            self.fire("subscribe", f"early{i}@example.org")
        self.state.advance(5)
        for i in range(2):  # in the second the import's window will end in
            self.state.add_member(self.list_mc_id, f"late{i}@example.org")
            self.fire("subscribe", f"late{i}@example.org")
        with patch.object(mailchimp_webhook, "coalesce_threshold", return_value=5):
            reads = self.member_reads()
            # at once: Mailchimp's clock has not moved since the last changes
            self.env["queue.job"]._mailchimp_run_pending()
        self.assertEqual(self.member_reads() - reads, 2, "the two late ones, one by one")
        bound = self.env["mailchimp.member"].search([("list_id", "=", self.audience.id)])
        self.assertEqual(len(bound), 8, bound.mapped("email"))
        events = self.Event.search([])
        self.assertEqual(set(events.mapped("state")), {"done"})
        covered = events.filtered(lambda e: e.reason and "member import" in e.reason)
        early = [f"early{i}@example.org" for i in range(6)]
        self.assertEqual(sorted(covered.mapped("email")), early)

    def test_maintenance_cron_purges_old_handled_events(self):
        self.register()
        self.state.add_member(self.list_mc_id, "a@example.org")
        self.fire("subscribe", "a@example.org")
        self.run_jobs()
        self.state.add_member(self.list_mc_id, "b@example.org")
        self.fire("subscribe", "b@example.org")
        self.env.cr.execute(
            "UPDATE mailchimp_webhook_event SET create_date = create_date - interval '40 days'"
        )
        self.mailchimp_jobs().unlink()
        self.Event._cron_webhook_maintenance()
        events = self.Event.search([])
        self.assertEqual(events.mapped("email"), ["b@example.org"], "the waiting one is kept")
        self.assertEqual(len(self.mailchimp_jobs()), 1, "its job queued again")

    # multi-database ------------------------------------------------------------
    def test_multi_database_server_routes_by_dbfilter(self):
        """Two databases on the server: without a dbfilter Odoo cannot tell which database
        a cookie-less Mailchimp request is for (404, nothing written); with the documented
        ``dbfilter = ^%d$`` the host name chooses it and the delivery is stored."""
        url = self.register()
        db = self.env.cr.dbname
        path = url.split("/", 3)[3]
        port = url.split("/")[2].split(":")[1]
        self.state.add_member(self.list_mc_id, "multi@example.org")
        body = self.body("subscribe", {"email": "multi@example.org"})
        with patch.dict(config.options, {"db_name": f"{db},mc_other_database", "dbfilter": ""}):
            response = self.post(body, url=f"http://127.0.0.1:{port}/{path}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.Event.search_count([]), 0)
        with patch.dict(config.options, {"db_name": f"{db},mc_other_database", "dbfilter": "^%d$"}):
            with patch("odoo.service.db.list_dbs", return_value=[db, "mc_other_database"]):
                response = self.post(
                    body,
                    url=f"http://127.0.0.1:{port}/{path}",
                    headers={"Host": f"{db}.example.test"},
                )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.Event.search_count([]), 1)

    def test_old_fired_at_is_accepted_and_ordered_by_reread(self):
        """A delivery retried much later is still applied from what Mailchimp says now."""
        self.register()
        self.state.add_member(self.list_mc_id, "late@example.org", merge_fields={"FNAME": "Now"})
        old = (self.state.now() - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
        body = self.body(
            "subscribe", {"email": "late@example.org", "merges": {"FNAME": "Then"}}, old
        )
        self.assertEqual(self.post(body).status_code, 200)
        self.run_jobs()
        self.assertEqual(self.binding("late@example.org").mailing_contact_id.first_name, "Now")


@tagged("post_install", "-at_install")
class TestDeliveryRace(TransactionCase):
    """Two real connections (rows committed here are deleted at the end)."""

    def test_same_delivery_committed_meanwhile_is_stored_once_without_error(self):
        """Mailchimp retries a delivery that was slow to answer: two requests store it at
        once, and the first one commits after the second one's snapshot. The second then
        stores nothing, raises nothing and logs no error (PostgreSQL's serialization failure
        on ON CONFLICT is handled where it happens, not by Odoo's retry of the request)."""
        db = sql_db.db_connect(self.env.cr.dbname)
        with closing(db.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            account = env["mailchimp.account"].create(
                {"name": "Race", "api_key": "0123456789abcdef0123456789abcdef-us6"}
            )
            audience = env["mailchimp.list"].create(
                {"name": "Race", "mc_id": "race00001", "account_id": account.id}
            )
            row = {
                "id": audience.id,
                "mc_id": audience.mc_id,
                "account_id": account.id,
                "company_id": account.company_id.id,
            }
            cr.commit()
        delivery = parse_delivery(
            [
                ("type", "unsubscribe"),
                ("fired_at", "2026-03-26 21:35:57"),
                ("data[list_id]", "race00001"),
                ("data[email]", "race@example.org"),
                ("data[action]", "unsub"),
            ],
            "race00001",
        )
        try:
            with closing(db.cursor()) as cr_first, closing(db.cursor()) as cr_second:
                second = api.Environment(cr_second, SUPERUSER_ID, {})["mailchimp.webhook.event"]
                cr_second.execute("SELECT 1 FROM mailchimp_list")  # its snapshot: now
                first = api.Environment(cr_first, SUPERUSER_ID, {})["mailchimp.webhook.event"]
                first_id, _waiting = first._insert_delivery(row, delivery, "race-job")
                cr_first.commit()
                with self.assertNoLogs("odoo.sql_db", "ERROR"):
                    second_result = second._insert_delivery(row, delivery, "race-job")
                cr_second.commit()
                cr_second.execute(
                    "SELECT id FROM mailchimp_webhook_event WHERE list_id = %s", (row["id"],)
                )
                stored = [event_id for (event_id,) in cr_second.fetchall()]
            self.assertTrue(first_id)
            self.assertEqual(second_result, (None, False), "the same delivery: nothing new")
            self.assertEqual(stored, [first_id])
        finally:
            with closing(db.cursor()) as cr:
                cr.execute("DELETE FROM mailchimp_account WHERE id = %s", (row["account_id"],))
                cr.commit()
