# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An Odoo mailing sent through Mailchimp (issue 29): the campaign made from the mailing,
the checklist, test email, schedule at the quarter hour, send; never sent by Odoo; sent once
whatever is pressed twice or retried; every bad input refused with nothing sent."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..services import mailchimp_errors as mce
from ..services.mailchimp_client import MailchimpClient
from .common import MailchimpCase, new_user

BODY = (
    '<div><p>Hello <t t-out="object.name">friend</t>,</p><p>Spring is here.</p>'
    '<img src="/web/image/res.company/1/logo"/>'
    '<a href="/view">View online</a> <a href="/unsubscribe_from_list">Unsubscribe</a></div>'
)


@tagged("post_install", "-at_install")
class TestMailingMailchimp(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.seed_members(self.list_mc_id, 30)
        self.subscribed = self.state.list_stats(self.list_mc_id)["member_count"]
        self.audience = self.import_audiences()
        self.import_members(self.audience)
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://erp.example.org")
        self.mailing = self.new_mailing()

    def new_mailing(self, **values):
        vals = {
            "name": "Spring newsletter",
            "subject": "Spring news",
            "preview": "What is new",
            "body_arch": BODY,
            "body_html": BODY,
            "email_from": '"Shop" <news@example.org>',
            "reply_to": "news@example.org",
            "send_with": "mailchimp",
            "mailchimp_list_id": self.audience.id,
            "mailing_model_id": self.env.ref("mass_mailing.model_mailing_list").id,
            "contact_list_ids": [(6, 0, self.audience.mailing_list_id.ids)],
        }
        vals.update(values)
        return self.env["mailing.mailing"].with_user(self.manager).create(vals)

    def camp(self, mailing=None):
        return self.state.campaign((mailing or self.mailing).mailchimp_campaign_id.mc_id)

    def sends(self, mailing=None):
        return self.camp(mailing).get("sends", 0)

    def api_calls(self):
        return [(r["method"], r["path"][4:]) for r in self.emulator.request_log()]

    # ------------------------------------------------------------------ the loop
    def test_send_check_test_report(self):
        mailing = self.mailing
        # Check with Mailchimp: the campaign is made from the mailing, the checklist shown
        mailing.action_mailchimp_check()
        self.assertTrue(mailing.mailchimp_campaign_id)
        info = self.camp()["info"]
        self.assertEqual(info["type"], "regular")
        self.assertEqual(info["recipients"]["list_id"], self.list_mc_id)
        self.assertEqual(info["settings"]["subject_line"], "Spring news")
        self.assertEqual(info["settings"]["preview_text"], "What is new")
        self.assertEqual(info["settings"]["title"], "Spring newsletter")
        self.assertEqual(info["settings"]["from_name"], "Shop")
        self.assertEqual(info["settings"]["reply_to"], "news@example.org")
        html = self.camp()["html"]
        self.assertIn('href="*|UNSUB|*"', html)
        self.assertIn('href="*|ARCHIVE|*"', html)
        self.assertIn("*|HTML:LIST_ADDRESS_HTML|*", html)
        self.assertIn("*|IF:FNAME|*", html)
        self.assertIn('src="https://erp.example.org/web/image/res.company/1/logo"', html)
        self.assertNotIn("unsubscribe_from_list", html)
        self.assertTrue(mailing.mailchimp_ready)
        self.assertIn("Content", mailing.mailchimp_checklist_html)
        self.assertEqual(mailing.state, "draft")
        # Odoo's Test button: Mailchimp's actions/test, no Odoo mail
        mails_before = self.env["mail.mail"].sudo().search_count([])
        wizard = (
            self.env["mailing.mailing.test"]
            .with_user(self.manager)
            .create({"mass_mailing_id": mailing.id, "email_to": "qa@example.org"})
        )
        wizard.send_mail_test()
        self.assertEqual(self.camp()["tests"][-1]["emails"], ["qa@example.org"])
        self.assertEqual(self.camp()["tests"][-1]["send_type"], "html")
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails_before)
        # Send: the campaign, then the send job; calls from Send to "sending" counted
        self.emulator.reset_requests()
        mailing.with_user(self.manager).action_launch()
        self.assertEqual(mailing.state, "in_queue")
        self.run_jobs()
        calls = self.api_calls()
        # checked before: its status is read before it is updated (one call more than a
        # send without a check, test_send_calls)
        self.assertLessEqual(len(calls), 7, calls)
        self.assertEqual(mailing.state, "sending")
        self.assertEqual(mailing.mailchimp_campaign_id.status, "sending")
        self.assertEqual(self.sends(), 1)
        # sent: the refresh of open campaigns brings the status, the report the figures
        self.state.advance(120)
        mailing.with_user(self.manager).action_mailchimp_refresh()
        self.assertEqual(mailing.state, "done")
        self.assertTrue(mailing.sent_date)
        self.run_jobs()
        campaign = mailing.mailchimp_campaign_id
        self.assertEqual(campaign.emails_sent, self.subscribed)
        mailing.invalidate_recordset()
        self.assertEqual(mailing.sent, self.subscribed)
        self.assertEqual(mailing.expected, self.subscribed)
        self.assertEqual(mailing.opened, campaign.unique_opens)
        self.assertEqual(mailing.clicked, campaign.unique_subscriber_clicks)
        self.assertEqual(mailing.bounced, campaign.hard_bounces + campaign.soft_bounces)
        self.assertEqual(mailing.mailchimp_unsubscribed, campaign.unsubscribed)
        self.assertGreater(mailing.opened_ratio, 0)
        # the per-recipient activity, linked to the mailing's recipients
        action = mailing.with_user(self.manager).action_view_opened()
        activity = self.env[action["res_model"]].search(action["domain"])
        self.assertTrue(activity)
        self.assertEqual(set(activity.mapped("action")), {"open"})
        self.assertTrue(all(a.mailing_contact_id or a.member_id for a in activity))
        # Send again: nothing sent again
        with self.assertRaises(UserError):
            mailing.with_user(self.manager).action_launch()
        self.assertEqual(self.sends(), 1)

    def test_campaign_id_stored_before_anything_else(self):
        seen = []

        def commit(mailing):
            mailing.env.flush_all()
            seen.append((mailing.mailchimp_campaign_id.mc_id, list(self.api_calls())))

        with patch.object(type(self.env["mailing.mailing"]), "_mailchimp_commit", commit):
            self.mailing.action_mailchimp_check()
        [(mc_id, calls)] = seen
        self.assertEqual(mc_id, self.mailing.mailchimp_campaign_id.mc_id)
        self.assertEqual(calls[-1], ("POST", "/campaigns"))
        self.assertNotIn("PUT", [method for method, _path in calls])

    # ------------------------------------------------------------------ never by Odoo
    def test_odoo_queue_and_send_skip_a_mailchimp_mailing(self):
        odoo_mailing = self.new_mailing(send_with="odoo", name="Odoo's own", subject="Own")
        self.mailing.action_launch()
        self.assertEqual(self.mailing.state, "in_queue")
        odoo_mailing.action_put_in_queue()
        mails_before = self.env["mail.mail"].sudo().search_count([])
        traces_before = self.env["mailing.trace"].sudo().search_count([])
        self.env["mailing.mailing"]._process_mass_mailing_queue()
        # Odoo's own mailing went out through Odoo, the Mailchimp one was not touched
        self.assertEqual(odoo_mailing.state, "done")
        self.assertEqual(self.mailing.state, "in_queue")
        self.assertFalse(
            self.env["mailing.trace"].sudo().search([("mass_mailing_id", "=", self.mailing.id)])
        )
        self.assertGreater(self.env["mailing.trace"].sudo().search_count([]), traces_before)
        # sending it directly does nothing either
        mails_mid = self.env["mail.mail"].sudo().search_count([])
        self.mailing._action_send_mail()
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails_mid)
        self.assertGreaterEqual(mails_mid, mails_before)
        self.assertFalse(
            self.env["mail.mail"].sudo().search([("mailing_id", "=", self.mailing.id)])
        )
        self.run_jobs()
        self.assertEqual(self.sends(), 1)
        self.assertEqual(self.mailing.state, "sending")

    # ------------------------------------------------------------------ exactly once
    def test_send_twice_and_two_jobs_send_once(self):
        self.mailing.action_launch()
        with self.assertRaises(UserError):
            self.mailing.action_launch()
        # a second job for the same mailing (another server queued it): one send
        self.mailing.with_delay(channel="root.mailchimp")._job_mailchimp_send()
        self.assertEqual(len(self.mailchimp_jobs()), 2)
        self.run_jobs()
        self.assertEqual(self.sends(), 1)
        self.assertEqual(
            self.emulator.count_requests(
                "POST", f"/campaigns/{self.camp()['info']['id']}/actions/send"
            ),
            1,
        )
        self.assertEqual(self.mailing.state, "sending")

    def test_lost_answer_sends_once(self):
        """Mailchimp applies the send and the answer is lost: the job reads the status,
        finds "sending" and does not send again."""
        self.mailing.action_launch()
        mc_id = self.mailing.mailchimp_campaign_id.mc_id
        self.emulator.faults.fail_next(1, "apply_drop", paths=[f"/campaigns/{mc_id}/actions"])
        self.run_jobs()
        self.assertEqual(self.sends(), 1)
        self.assertEqual(
            self.emulator.count_requests("POST", f"/campaigns/{mc_id}/actions/send"), 1
        )
        self.assertEqual(self.mailing.state, "sending")
        self.assertEqual(self.mailchimp_jobs(states=("pending", "failed")), self.env["queue.job"])

    def test_send_calls(self):
        """From Send to "sending": create, content, checklist, status, send, status."""
        self.emulator.reset_requests()
        self.mailing.action_launch()
        self.run_jobs()
        calls = self.api_calls()
        self.assertEqual(len(calls), 6, calls)
        self.assertEqual(self.mailing.state, "sending")

    def test_lost_answer_then_retry_sends_once(self):
        """The send is applied, its answer lost, and the status read after it fails too:
        the job is tried again later, reads "sending" first and sends nothing more."""
        self.mailing.action_launch()
        mc_id = self.mailing.mailchimp_campaign_id.mc_id
        self.emulator.faults.fail_next(1, "apply_drop", paths=[f"/campaigns/{mc_id}/actions"])
        real_campaign = MailchimpClient.campaign
        reads = []

        def campaign(client, campaign_id, **kw):
            reads.append(campaign_id)
            if len(reads) == 2:  # the read after the lost answer
                raise mce.MailchimpNetworkError("Network error", "connection dropped")
            return real_campaign(client, campaign_id, **kw)

        with patch.object(MailchimpClient, "campaign", campaign):
            self.run_jobs()
        job = self.mailchimp_jobs()
        self.assertEqual(len(job), 1, "the job waits for its retry")
        self.assertEqual(self.sends(), 1)
        self.assertEqual(self.mailing.state, "in_queue")
        job.sudo().write({"eta": fields.Datetime.now() - timedelta(seconds=1)})
        self.run_jobs()
        self.assertEqual(self.sends(), 1)
        self.assertEqual(
            self.emulator.count_requests("POST", f"/campaigns/{mc_id}/actions/send"), 1
        )
        self.assertEqual(self.mailing.state, "sending")

    def test_lost_creation_answer_adopts_the_draft(self):
        self.emulator.faults.fail_next(1, "apply_drop", paths=["/campaigns"])
        self.mailing.action_mailchimp_check()
        self.assertEqual(len(self.state.campaigns), 1)
        self.assertEqual(self.mailing.mailchimp_campaign_id.mc_id, next(iter(self.state.campaigns)))

    # ------------------------------------------------------------------ schedule
    def test_schedule_quarter_hour_edit_reschedules_cancel_unschedules(self):
        now = fields.Datetime.now().replace(microsecond=0)
        asked = (now + timedelta(hours=2)).replace(minute=7, second=0)
        self.mailing.write({"schedule_type": "scheduled", "schedule_date": asked})
        quarter = asked.replace(minute=15)
        self.assertEqual(self.mailing.mailchimp_schedule_time, quarter)
        wizard = self.env["mailing.mailing.schedule.date"].create(
            {"mass_mailing_id": self.mailing.id, "schedule_date": asked}
        )
        self.assertEqual(wizard.mailchimp_schedule_time, quarter)
        wizard.action_schedule_date()
        self.assertEqual(self.mailing.state, "in_queue")
        info = self.camp()["info"]
        self.assertEqual(info["status"], "schedule")
        self.assertEqual(info["send_time"], quarter.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
        self.assertEqual(self.mailing.schedule_date, quarter)
        # edited while scheduled: unscheduled, updated, scheduled again
        self.emulator.reset_requests()
        self.mailing.write({"subject": "Spring news, updated"})
        paths = [path for _method, path in self.api_calls()]
        mc_id = self.mailing.mailchimp_campaign_id.mc_id
        self.assertIn(f"/campaigns/{mc_id}/actions/unschedule", paths)
        self.assertLess(
            paths.index(f"/campaigns/{mc_id}/actions/unschedule"),
            paths.index(f"/campaigns/{mc_id}/content"),
        )
        self.assertEqual(paths[-1], f"/campaigns/{mc_id}/actions/schedule")
        self.assertEqual(self.camp()["info"]["settings"]["subject_line"], "Spring news, updated")
        self.assertEqual(self.camp()["info"]["status"], "schedule")
        # Cancel: unscheduled, the mailing a draft again
        self.mailing.action_cancel()
        self.assertEqual(self.camp()["info"]["status"], "save")
        self.assertEqual(self.mailing.state, "draft")
        self.assertEqual(self.sends(), 0)

    def test_scheduled_campaign_sent_by_mailchimp_is_followed(self):
        self.mailing.write(
            {
                "schedule_type": "scheduled",
                "schedule_date": fields.Datetime.now() + timedelta(minutes=20),
            }
        )
        self.mailing.action_put_in_queue()
        self.assertEqual(self.mailing.state, "in_queue")
        # Odoo's queue cron does not send it when its date passes
        self.mailing.with_context(mailchimp_internal=True).schedule_date = (
            fields.Datetime.now() - timedelta(minutes=1)
        )
        self.env["mailing.mailing"]._process_mass_mailing_queue()
        self.assertEqual(self.mailing.state, "in_queue")
        self.state.advance(3600)
        self.env["mailchimp.campaign"]._cron_refresh_campaigns()
        self.run_jobs()
        self.assertEqual(self.mailing.state, "done")
        self.assertEqual(self.sends(), 1)

    def test_cancel_while_sending(self):
        self.mailing.action_launch()
        self.run_jobs()
        self.state.pro_enabled = False
        with self.assertRaisesRegex(UserError, "Mailchimp Pro"):
            self.mailing.action_cancel()
        self.assertEqual(self.mailing.state, "sending")
        self.state.pro_enabled = True
        self.mailing.action_cancel()
        self.assertEqual(self.camp()["info"]["status"], "canceling")

    # ------------------------------------------------------------------ bad input
    def assertRefused(self, mailing, pattern, action="action_launch"):
        before = len(self.emulator.request_log())
        state = mailing.state
        with self.assertRaisesRegex(UserError, pattern):
            getattr(mailing, action)()
        self.assertEqual(mailing.state, state)
        self.assertFalse(self.mailchimp_jobs())
        for camp in self.state.campaigns.values():
            self.assertFalse(camp.get("sends"))
        return self.emulator.request_log()[before:]

    def test_no_reply_to(self):
        mailing = self.new_mailing(email_from="Shop", reply_to=False)
        calls = self.assertRefused(mailing, "reply-to")
        self.assertEqual(calls, [])

    def test_unverified_sender_domain(self):
        mailing = self.new_mailing(
            email_from="news@unverified-shop.example.net.uk",
            reply_to="news@unverified-shop.example.net.uk",
        )
        self.assertRefused(mailing, "not ready to send.*Domain verification")
        self.assertIn("Domain verification", mailing.mailchimp_checklist_html)
        self.assertFalse(mailing.mailchimp_ready)

    def test_empty_audience(self):
        empty = self.state.add_list(name="Empty")
        audience = self.import_audiences().search([("mc_id", "=", empty)])
        mailing = self.new_mailing(mailchimp_list_id=audience.id)
        self.assertRefused(mailing, "not ready to send.*List")

    def test_schedule_in_the_past(self):
        self.mailing.write(
            {
                "schedule_type": "scheduled",
                "schedule_date": fields.Datetime.now() - timedelta(hours=1),
            }
        )
        calls = self.assertRefused(self.mailing, "past", action="action_put_in_queue")
        self.assertEqual(calls, [])

    def test_edited_while_sending(self):
        self.mailing.action_launch()
        self.run_jobs()
        with self.assertRaisesRegex(UserError, "being sent"):
            self.mailing.write({"subject": "Too late"})
        self.assertEqual(self.camp()["info"]["settings"]["subject_line"], "Spring news")

    def test_account_disconnected(self):
        self.account.state = "error"
        calls = self.assertRefused(self.mailing, "not connected")
        self.assertEqual(calls, [])

    def test_content_refused(self):
        big = "<p>" + "x" * (1024 * 1024) + "</p>"
        mailing = self.new_mailing(body_arch=big, body_html=big)
        self.assertRefused(mailing, "Mailchimp refused")

    # ------------------------------------------------------------------ access
    def test_only_mailchimp_users_send_through_mailchimp(self):
        marketer = new_user(
            self.env, "marketer", "base.group_user,mass_mailing.group_mass_mailing_user"
        )
        Mailing = self.env["mailing.mailing"].with_user(marketer)
        with self.assertRaises(AccessError):
            Mailing.create({"subject": "x", "send_with": "mailchimp"})
        with self.assertRaises(AccessError):
            self.mailing.with_user(marketer).action_launch()
        own = Mailing.create({"subject": "Odoo's", "body_html": "<p>x</p>"})
        self.assertEqual(own.send_with, "odoo")

    def test_audience_of_another_company(self):
        other = self.env["res.company"].create({"name": "Other Shop"})
        outsider = new_user(
            self.env,
            "outsider",
            "base.group_user,mass_mailing.group_mass_mailing_user,"
            "mailchimp_connector.group_mailchimp_user",
            company_id=other.id,
        )
        mailing = self.mailing.with_user(outsider).with_context(allowed_company_ids=other.ids)
        with self.assertRaises(AccessError):
            mailing.action_launch()
        self.assertFalse(self.mailing.mailchimp_campaign_id)
        self.assertEqual(self.state.campaigns, {})
