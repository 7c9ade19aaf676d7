# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import tagged

from ..models.mailchimp_live import LIVE_NOTIFICATION
from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestLiveScreens(MailchimpCase):
    """What the web client is told when a job commits (the tour test_tour
    ``test_audience_figures_follow_the_import_live`` shows the screens following it)."""

    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.list_mc_id = self.emulator.seed("Live", members=12, statuses=["subscribed"])["list_id"]
        self.env["mailchimp.operation"].create(
            {"account_ids": [(6, 0, self.account.ids)], "import_members": False}
        ).action_process()
        self.audience = self.env["mailchimp.list"].search([("mc_id", "=", self.list_mc_id)])
        self.env.cr.precommit.run()  # what the set-up changed is told now, not below

    def told(self):
        """The live messages stored since the last call: [(channel, payload)]."""
        self.env.cr.precommit.run()
        found = self.env["bus.bus"].sudo().search([("id", ">", self.last_id)], order="id")
        self.last_id = max(found.ids, default=self.last_id)
        messages = []
        for row in found:
            message = json.loads(row.message)
            if message["type"] == LIVE_NOTIFICATION:
                messages.append((json.loads(row.channel), message["payload"]))
        return messages

    def test_an_import_tells_each_screen_once_per_transaction_without_data(self):
        self.last_id = max(self.env["bus.bus"].sudo().search([]).ids, default=0)
        runs = self.audience._start_member_import()
        group = self.env.ref("mailchimp_connector.group_mailchimp_user")
        started = self.told()
        # the button's transaction: the new run and its audience, one message each
        self.assertEqual(
            sorted(p["model"] for _c, p in started), ["mailchimp.list", "mailchimp.sync.run"]
        )
        for channel, payload in started:
            # to the connector's users, by their group; only the model and the ids
            self.assertEqual(channel[1:], ["res.groups", group.id])
            self.assertEqual(sorted(payload), ["ids", "model"])
        self.assertIn(
            {"model": "mailchimp.list", "ids": self.audience.ids}, [p for _c, p in started]
        )
        self.run_jobs()
        self.assertEqual(runs.state, "done")
        ended = self.told()
        payloads = [p for _c, p in ended]
        self.assertIn({"model": "mailchimp.list", "ids": self.audience.ids}, payloads)
        self.assertIn({"model": "mailchimp.sync.run", "ids": runs.ids}, payloads)
        self.assertIn({"model": "mailchimp.account", "ids": self.account.ids}, payloads)
        # one message per model and transaction (queue_job commits as a job starts and as it
        # ends), never one per written record
        per_model = {}
        for _c, payload in ended:
            per_model[payload["model"]] = per_model.get(payload["model"], 0) + 1
        jobs = self.env["queue.job"].search([("channel", "=", "root.mailchimp")])
        self.assertLessEqual(per_model["mailchimp.list"], 2 * len(jobs))
        self.assertFalse(self.told(), "nothing more once the jobs are done")

    def test_a_rolled_back_change_tells_nothing(self):
        self.last_id = max(self.env["bus.bus"].sudo().search([]).ids, default=0)
        self.audience.write({"name": "Renamed"})
        self.env.cr.precommit.clear()  # what a rollback does
        self.assertFalse(self.told())

    def test_a_segment_sync_tells_the_segment_screens(self):
        segment = self.env["mailchimp.segment"].create(
            {"name": "Live ones", "list_id": self.audience.id, "domain": "[]"}
        )
        self.last_id = max(self.env["bus.bus"].sudo().search([]).ids, default=0)
        segment.action_sync_now()
        self.assertIn(
            {"model": "mailchimp.segment", "ids": segment.ids}, [p for _c, p in self.told()]
        )
        self.run_jobs()
        self.assertEqual(segment.state, "synced", segment.last_error)
        self.assertIn(
            {"model": "mailchimp.segment", "ids": segment.ids}, [p for _c, p in self.told()]
        )
