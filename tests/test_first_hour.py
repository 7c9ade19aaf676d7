# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a new user meets in the first hour: buttons that say what they did, progress, the
truth in the audience's last result, the scheduled actions."""

from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from ..models import mailchimp_sync_run
from .common import MailchimpCase

CLOSE = {"type": "ir.actions.act_window_close"}


@tagged("post_install", "-at_install")
class TestFirstHour(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")

    def connect(self):
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected")

    # 4. nothing stale, nothing silent -------------------------------------
    def test_failed_test_connection_reloads_the_form_like_a_successful_one(self):
        ok = self.account.action_test_connection()
        self.assertEqual(ok["params"]["type"], "success")
        self.assertEqual(ok["params"]["next"], CLOSE)
        self.account.api_key = "ffffffffffffffffffffffffffffffff-us6"
        failed = self.account.action_test_connection()
        self.assertEqual(failed["params"]["type"], "danger")
        self.assertEqual(failed["params"]["next"], CLOSE, "the form reloads: new banner, time")
        self.assertEqual(self.account.state, "error")

    def test_refresh_status_says_what_it_found(self):
        self.connect()
        audience = self.import_audiences()
        self.assertTrue(audience)
        result = self.account.action_refresh_status()
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("1 audience in Odoo.", result["params"]["message"])
        self.assertEqual(result["params"]["next"], CLOSE)
        self.account.api_key = "ffffffffffffffffffffffffffffffff-us6"
        result = self.account.action_refresh_status()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertEqual(result["params"]["message"], self.account.last_error)

    def test_refresh_report_says_the_figures(self):
        self.connect()
        cid = self.state.add_campaign(
            self.list_mc_id, send_time=self.state.now() - timedelta(days=1), title="Spring"
        )
        self.state.seed_campaign_activity(cid, 20, open_rate=0.5, click_rate=0.2)
        self.env["mailchimp.campaign"]._import_from_account(self.account)
        campaign = self.env["mailchimp.campaign"].search([("mc_id", "=", cid)])
        result = campaign.action_refresh_report()
        message = result["params"]["message"]
        self.assertIn(f"Sent: {campaign.emails_sent:,}, ", message)
        self.assertIn(f"opens: {campaign.opens_total:,}, ", message)
        self.assertIn(f"clicks: {campaign.clicks_total:,}, ", message)
        self.assertEqual(result["params"]["next"], CLOSE)

    def test_export_now_says_how_many_contacts_wait(self):
        self.connect()
        audience = self.import_audiences()
        audience.write({"push_new": True, "push_fields": True})
        contacts = self.env["mailing.contact"].create(
            [
                {
                    "name": f"New {i}",
                    "email": f"new{i}@example.org",
                    "list_ids": [(4, audience.mailing_list_id.id)],
                }
                for i in range(3)
            ]
        )
        audience._bind_for_push(contacts=contacts)
        self.assertEqual(audience.push_pending_count, 3)
        result = audience.action_push_now()
        self.assertIn("3 contacts waiting to be sent", result["params"]["message"])
        self.assertEqual(result["params"]["next"], CLOSE, "the form reloads its counts")
        self.assertEqual(audience.mc_member_count, 0)
        self.run_jobs()
        audience.invalidate_recordset()
        self.assertEqual(audience.push_pending_count, 0)
        self.assertEqual(audience.mc_member_count, 3, "the subscriber count follows the export")
        result = audience.action_push_now()
        self.assertIn("Nothing to export", result["params"]["message"])

    # 5. progress and the truth in the last result -------------------------
    def test_import_progress_and_last_result(self):
        self.connect()
        for i in range(7):
            self.state.add_member(self.list_mc_id, f"m{i}@example.org")
        audience = self.import_audiences()
        with patch.object(mailchimp_sync_run, "page_size", return_value=3):
            runs = audience._start_member_import()
            self.assertTrue(audience.import_running)
            self.assertEqual(audience.import_progress, 0.0)
            self.run_jobs(max_jobs=1)
            audience.invalidate_recordset()
            runs.invalidate_recordset()
            self.assertEqual((runs.processed, runs.total_items), (3, 7))
            self.assertAlmostEqual(runs.progress, 300 / 7)
            self.assertAlmostEqual(audience.import_progress, 300 / 7)
            self.assertEqual(audience.import_progress_text, "3 / 7")
            self.run_jobs()
        audience.invalidate_recordset()
        self.assertFalse(audience.import_running)
        self.assertEqual(runs.progress, 100.0)
        self.assertEqual(
            audience.last_sync_result, "7 members read: 7 new, 0 updated. 7 members in sync."
        )
        # the hourly import that finds nothing new tells the truth
        self.import_members(audience)
        audience.invalidate_recordset()
        self.assertEqual(audience.last_sync_result, "Up to date: 7 members in sync.")

    def test_summary_plurals_and_thousands(self):
        summary = mailchimp_sync_run.sync_summary
        self.assertEqual(
            summary(self.env, 2000, 2000, 0, 2000),
            "2,000 members read: 2,000 new, 0 updated. 2,000 members in sync.",
        )
        self.assertEqual(
            summary(self.env, 1, 0, 1, 1), "1 member read: 0 new, 1 updated. 1 member in sync."
        )
        self.assertEqual(summary(self.env, 0, 0, 0, 2000), "Up to date: 2,000 members in sync.")
        self.assertEqual(summary(self.env, 40, 0, 0, 2000), "Up to date: 2,000 members in sync.")

    # 6. scheduled actions ---------------------------------------------------
    def test_scheduled_actions_button_lists_the_mailchimp_crons(self):
        action = self.account.action_view_crons()
        crons = self.env["ir.cron"].with_context(active_test=False).search(action["domain"])
        xmlids = set(crons.get_external_id().values())
        self.assertEqual(
            xmlids,
            {
                "mailchimp_connector.ir_cron_fetch_audiences",
                "mailchimp_connector.ir_cron_fetch_campaign_reports",
                "mailchimp_connector.ir_cron_refresh_campaigns",
                "mailchimp_connector.ir_cron_push_contacts",
                "mailchimp_connector.ir_cron_process_jobs",
                "mailchimp_connector.ir_cron_webhook_maintenance",
                "mailchimp_connector.ir_cron_welcome_emails",
                "mailchimp_connector.ir_cron_sync_interests",
                "mailchimp_connector.ir_cron_sync_tags",
                "mailchimp_connector.ir_cron_sync_segments",
                "mailchimp_connector.ir_cron_audit_log_retention",
            },
        )
        self.assertTrue(all(crons.mapped("nextcall")))

    # 7. same Mailchimp login on two accounts ----------------------------------
    def test_second_account_on_the_same_login_is_warned(self):
        self.connect()
        self.assertFalse(self.account.same_login_warning)
        other = self.env["mailchimp.account"].create(
            {"name": "Copy", "api_key": self.emulator.api_key}
        )
        other.api_base_url = self.emulator.base_url
        other.action_test_connection()
        self.assertIn("Emulated", other.same_login_warning)
        self.account.invalidate_recordset()
        self.assertIn("Copy", self.account.same_login_warning)
        other.action_disconnect()
        self.account.invalidate_recordset()
        self.assertIn("Copy (disconnected)", self.account.same_login_warning)
        # the disconnected account itself syncs nothing: no warning on its form
        other.invalidate_recordset()
        self.assertFalse(other.same_login_warning)

    # 8. old campaigns --------------------------------------------------------
    def test_closed_report_window_is_said_and_all_reports_refresh_in_one_click(self):
        self.connect()
        self.account.campaign_report_days = 5
        old = [
            self.state.add_campaign(
                self.list_mc_id,
                send_time=self.state.now() - timedelta(days=20 + i),
                title=f"Old {i}",
            )
            for i in range(2)
        ]
        self.env["mailchimp.operation"].create(
            {"account_ids": [(6, 0, self.account.ids)], "import_campaigns": True}
        ).action_process()
        self.run_jobs()
        campaigns = self.env["mailchimp.campaign"].search([("mc_id", "in", old)])
        self.assertEqual(campaigns.mapped("report_window_closed"), [True, True])
        self.assertEqual(campaigns.mapped("report_done"), [True, True])
        self.state.seed_campaign_activity(old[0], 10, open_rate=1.0)
        self.state.advance(5)
        result = self.env["mailchimp.campaign"].action_refresh_all_reports()
        self.assertIn(
            "The reports of 2 campaigns are being read again.", result["params"]["message"]
        )
        with self.assertMailchimpCalls(count=6, path_prefix="/3.0/reports/"):
            self.run_jobs()
        campaigns.invalidate_recordset()
        first = campaigns.filtered(lambda c: c.mc_id == old[0])
        self.assertEqual(first.unique_opens, 10)

    # 9. results you can see ------------------------------------------------
    def test_results_views_and_reporting_menu(self):
        menu = self.env.ref("mailchimp_connector.menu_mailchimp_campaign_report")
        self.assertEqual(menu.parent_id, self.env.ref("mass_mailing.menu_mass_mailing_report"))
        action = self.env.ref("mailchimp_connector.action_mailchimp_campaign_report")
        self.assertEqual(action.view_mode.split(",")[:2], ["graph", "pivot"])
        Campaign = self.env["mailchimp.campaign"]
        self.assertIn("unique_opens", Campaign.get_view(view_type="graph")["arch"])
        pivot = Campaign.get_view(view_type="pivot")["arch"]
        for measure in (
            "unique_opens",
            "unique_subscriber_clicks",
            "open_rate_percent",
            "hard_bounces",
            "unsubscribed",
        ):
            self.assertIn(measure, pivot)
        form = Campaign.get_view(view_type="form")["arch"]
        self.assertIn('name="funnel"', form)
        audiences = self.env.ref("mailchimp_connector.action_mailchimp_list")
        self.assertEqual(audiences.view_mode.split(",")[0], "kanban")
        kanban = self.env["mailchimp.list"].get_view(view_type="kanban")["arch"]
        for name in ("mc_member_count", "last_sync_date", "push_skipped"):
            self.assertIn(name, kanban)

    # 7. the wizard's result window --------------------------------------------
    def test_operation_result_has_a_title_and_links_to_what_it_imported(self):
        self.connect()
        cid = self.state.add_campaign(
            self.list_mc_id, send_time=self.state.now() - timedelta(days=1), title="Spring"
        )
        wizard = self.env["mailchimp.operation"].create(
            {"account_ids": [(6, 0, self.account.ids)], "import_campaigns": True}
        )
        action = wizard.action_process()
        self.assertEqual(action["name"], "Mailchimp import started")
        self.assertIn("Emulated: 1 audience imported.", wizard.result)
        self.assertIn("Emulated: 1 campaign imported, 1 report being read.", wizard.result)
        audiences = self.env["mailchimp.list"].search(wizard.action_open_audiences()["domain"])
        self.assertEqual(audiences.mapped("mc_id"), [self.list_mc_id])
        campaigns = self.env["mailchimp.campaign"].search(wizard.action_open_campaigns()["domain"])
        self.assertEqual(campaigns.mapped("mc_id"), [cid])

    def test_rates_average_in_the_pivot(self):
        Campaign = self.env["mailchimp.campaign"]
        vals = {"account_id": self.account.id, "status": "sent"}
        Campaign.create(
            [
                dict(vals, name="A", mc_id="a", open_rate=0.2, click_rate=0.1),
                dict(vals, name="B", mc_id="b", open_rate=0.4, click_rate=0.3),
            ]
        )
        groups = Campaign.read_group(
            [("account_id", "=", self.account.id)], ["open_rate", "click_rate"], []
        )
        self.assertAlmostEqual(groups[0]["open_rate"], 0.3)
        self.assertAlmostEqual(groups[0]["click_rate"], 0.2)
