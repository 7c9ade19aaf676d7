# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..models import mailchimp_sync_run
from .common import MailchimpCase

SUMMARY_FIELDS = {
    # Odoo field: key of the emulator's aggregated report
    "emails_sent": "emails_sent",
    "opens_total": "opens_total",
    "unique_opens": "unique_opens",
    "open_rate": "open_rate",
    "clicks_total": "clicks_total",
    "unique_clicks": "unique_clicks",
    "unique_subscriber_clicks": "unique_subscriber_clicks",
    "click_rate": "click_rate",
    "hard_bounces": "hard_bounces",
    "soft_bounces": "soft_bounces",
    "unsubscribed": "unsubscribed",
}


@tagged("post_install", "-at_install")
class TestCampaigns(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.Campaign = self.env["mailchimp.campaign"]
        self.Activity = self.env["mailchimp.campaign.activity"]

    # helpers ---------------------------------------------------------------
    def add_sent_campaign(self, recipients=40, days_ago=1, **kwargs):
        kwargs.setdefault("title", "Spring news")
        cid = self.state.add_campaign(
            self.list_mc_id, send_time=self.state.now() - timedelta(days=days_ago), **kwargs
        )
        if recipients:
            self.state.seed_campaign_activity(
                cid, recipients, open_rate=0.6, click_rate=0.3, bounce_rate=0.05, unsub_rate=0.05
            )
        return cid

    def process(self, **flags):
        vals = {"account_ids": [(6, 0, self.account.ids)], "import_campaigns": True}
        vals.update(flags)
        wizard = self.env["mailchimp.operation"].create(vals)
        wizard.action_process()
        return wizard

    def campaign(self, mc_id):
        return self.Campaign.search([("mc_id", "=", mc_id)])

    def aggregates(self, mc_id):
        camp = self.state.campaign(mc_id)
        return self.state.campaign_aggregates(camp)

    def remote_events(self, mc_id):
        """Counter of (email, action) of the emulator's activity, unsubscribes included."""
        camp = self.state.campaign(mc_id)
        by_hash = {h: entry["email"].lower() for h, entry in camp["sent"].items()}
        events = Counter((by_hash[e["hash"]], e["action"]) for e in camp["events"])
        events.update((u["email"].lower(), "unsubscribe") for u in camp["unsubs"])
        return events

    def local_events(self, campaign):
        return Counter(
            (a.email_normalized, a.action)
            for a in self.Activity.search([("campaign_id", "=", campaign.id)])
        )

    def snapshot(self, campaign):
        campaign.invalidate_recordset()
        figures = campaign.read(list(SUMMARY_FIELDS) + ["abuse_reports", "status"])[0]
        rows = sorted(
            self.Activity.search([("campaign_id", "=", campaign.id)]).mapped(
                lambda a: (
                    a.id,
                    a.email_normalized,
                    a.action,
                    a.timestamp,
                    a.url or "",
                    a.bounce_type or "",
                    a.member_id.id,
                )
            )
        )
        return figures, rows

    # import ----------------------------------------------------------------
    def test_campaigns_tick_templates_in_the_form_and_on_the_server(self):
        with Form(self.env["mailchimp.operation"]) as form:
            form.import_campaigns = True
            self.assertTrue(form.import_templates, "ticking Campaigns ticks Templates")
        self.state.add_template("Lonely template")
        wizard = self.process(import_templates=False)
        self.assertTrue(wizard.import_templates)
        self.assertEqual(
            self.env["mailchimp.template"].search([("account_id", "=", self.account.id)]).name,
            "Lonely template",
        )
        self.assertIn("1 template imported.", wizard.result)

    def test_templates_only_import_no_campaign(self):
        self.state.add_template("Newsletter", category="news", thumbnail="https://x/t.png")
        self.add_sent_campaign(recipients=0)
        wizard = self.process(import_campaigns=False, import_templates=True)
        template = self.env["mailchimp.template"].search([("account_id", "=", self.account.id)])
        self.assertRecordValues(
            template,
            [
                {
                    "name": "Newsletter",
                    "template_type": "user",
                    "category": "news",
                    "active": True,
                    "thumbnail": "https://x/t.png",
                }
            ],
        )
        self.assertTrue(template.date_created)
        self.assertFalse(self.Campaign.search([]))
        self.assertNotIn("campaign", wizard.result)

    def test_import_links_each_campaign_to_its_audience_and_template(self):
        news = self.state.add_template("Newsletter", category="news")
        promo = self.state.add_template("Promo", category="sales")
        sent = self.add_sent_campaign(template_id=news, title="Sent one", subject="Hello")
        scheduled = self.state.add_campaign(
            self.list_mc_id,
            template_id=promo,
            title="Later",
            status="schedule",
            send_time=self.state.now() + timedelta(days=1),
        )
        draft = self.state.add_campaign(self.list_mc_id, title="Draft", status="save")
        wizard = self.process()
        self.assertIn("3 campaigns imported, 1 report being read.", wizard.result)
        audience = self.env["mailchimp.list"].search([("mc_id", "=", self.list_mc_id)])
        templates = self.env["mailchimp.template"].search([("account_id", "=", self.account.id)])
        by_mc_id = {t.mc_id: t for t in templates}
        self.assertRecordValues(
            self.campaign(sent) | self.campaign(scheduled) | self.campaign(draft),
            [
                {
                    "name": "Sent one",
                    "subject": "Hello",
                    "status": "sent",
                    "list_id": audience.id,
                    "template_id": by_mc_id[str(news)].id,
                    "web_id": str(self.state.campaign(sent)["info"]["web_id"]),
                    "from_name": "Emulated Company",
                    "reply_to": "news@emulated.example",
                    "campaign_type": "regular",
                },
                {
                    "name": "Later",
                    "subject": "News from the emulator",
                    "status": "schedule",
                    "list_id": audience.id,
                    "template_id": by_mc_id[str(promo)].id,
                    "web_id": str(self.state.campaign(scheduled)["info"]["web_id"]),
                    "from_name": "Emulated Company",
                    "reply_to": "news@emulated.example",
                    "campaign_type": "regular",
                },
                {
                    "name": "Draft",
                    "subject": "News from the emulator",
                    "status": "save",
                    "list_id": audience.id,
                    "template_id": False,
                    "web_id": str(self.state.campaign(draft)["info"]["web_id"]),
                    "from_name": "Emulated Company",
                    "reply_to": "news@emulated.example",
                    "campaign_type": "regular",
                },
            ],
        )
        # smart buttons
        self.assertEqual(self.account.campaign_count, 3)
        self.assertEqual(self.account.template_count, 2)
        self.assertEqual(audience.campaign_count, 3)
        self.assertEqual(by_mc_id[str(news)].campaign_count, 1)
        action = self.account.action_view_campaigns()
        self.assertEqual(self.Campaign.search(action["domain"]), self.Campaign.search([]))
        self.assertEqual(
            self.env["mailchimp.template"].search(self.account.action_view_templates()["domain"]),
            templates,
        )
        self.assertEqual(len(self.Campaign.search(audience.action_view_campaigns()["domain"])), 3)
        # re-import updates, never duplicates
        self.process()
        self.assertEqual(self.Campaign.search_count([("account_id", "=", self.account.id)]), 3)

    def test_campaign_of_an_audience_not_imported_yet_imports_it(self):
        self.add_sent_campaign(recipients=0)
        campaign = self.Campaign._import_from_account(self.account)
        self.assertEqual(campaign.list_id.mc_id, self.list_mc_id)
        self.assertTrue(campaign.list_id.mailing_list_id)

    # reports ---------------------------------------------------------------
    def test_report_figures_and_activity_equal_the_emulator(self):
        self.account.auto_create_partner = True
        cid = self.add_sent_campaign(recipients=80)
        self.process(import_members=True)
        self.run_jobs()
        campaign = self.campaign(cid)
        agg = self.aggregates(cid)
        for field, key in SUMMARY_FIELDS.items():
            self.assertAlmostEqual(campaign[field], agg[key], places=4, msg=field)
        self.assertTrue(campaign.last_report_date)
        self.assertEqual(campaign.activity_run_ids.mapped("state"), ["done"])
        self.assertTrue(campaign.last_activity_read)
        self.assertFalse(self.mailchimp_jobs(), "the chain of activity pages is complete")
        remote = self.remote_events(cid)
        self.assertEqual(self.local_events(campaign), remote)
        self.assertEqual(campaign.activity_count, sum(remote.values()))
        clicks = self.Activity.search([("campaign_id", "=", campaign.id), ("action", "=", "click")])
        self.assertTrue(clicks)
        self.assertTrue(
            all(url.startswith("https://www.example.com/") for url in clicks.mapped("url"))
        )
        self.assertEqual(
            set(
                self.Activity.search(
                    [("campaign_id", "=", campaign.id), ("action", "=", "bounce")]
                ).mapped("bounce_type")
            ),
            {"hard", "soft"} & {s["status"] for s in self.state.campaign(cid)["sent"].values()},
        )
        # the activity of one recipient shows on its mailing contact and its partner
        clicker = clicks.filtered(lambda a: a.member_id.status == "subscribed")[0].email_normalized
        contact = self.env["mailing.contact"].search([("email_normalized", "=", clicker)])
        partner = self.env["res.partner"].search([("email_normalized", "=", clicker)])
        mine = Counter({k: v for k, v in remote.items() if k[0] == clicker})
        self.assertEqual(contact.mailchimp_activity_count, sum(mine.values()))
        self.assertEqual(partner.mailchimp_activity_count, sum(mine.values()))
        action = contact.action_view_mailchimp_activity()
        # an engagement timeline: newest first, not grouped, and per day in a graph
        self.assertEqual(action["view_mode"], "list,graph,form")
        self.assertFalse(action["context"])
        self.assertEqual(
            action["name"], f"Mailchimp Engagement of {contact.display_name or contact.email}"
        )
        shown = self.Activity.search(action["domain"])
        self.assertEqual(shown.mapped("timestamp"), sorted(shown.mapped("timestamp"), reverse=True))
        self.assertEqual(Counter((a.email_normalized, a.action) for a in shown), mine)
        self.assertEqual(shown.campaign_id, campaign)
        self.assertEqual(shown.member_id.mailing_contact_id, contact)
        self.assertEqual(
            self.Activity.search(campaign.action_view_activity()["domain"]),
            self.Activity.search([("campaign_id", "=", campaign.id)]),
        )

    def test_activity_read_before_members_is_linked_when_they_arrive(self):
        cid = self.add_sent_campaign(recipients=30)
        self.process()
        self.run_jobs()
        campaign = self.campaign(cid)
        rows = self.Activity.search([("campaign_id", "=", campaign.id)])
        self.assertTrue(rows)
        self.assertFalse(rows.member_id, "no member imported yet")
        audience = campaign.list_id
        audience._start_member_import()
        self.run_jobs()
        campaign.action_refresh_report()
        self.run_jobs()
        self.assertFalse(rows.filtered(lambda r: not r.member_id))
        self.assertTrue(all(rows.mapped("mailing_contact_id")))
        self.assertEqual(rows.member_id.list_id, audience)

    def test_reports_before_members_link_at_the_member_import(self):
        """The demo's order: reports read first (a campaign past its window is never read
        again), then the members: every row reaches its contact and partner at the import,
        no report refresh needed."""
        self.account.write({"auto_create_partner": True, "campaign_report_days": 5})
        old = self.add_sent_campaign(recipients=30, days_ago=10, title="Old")
        recent = self.add_sent_campaign(recipients=30, days_ago=1, title="Recent")
        self.process()
        self.run_jobs()
        rows = self.Activity.search(
            [("campaign_id", "in", (self.campaign(old) | self.campaign(recent)).ids)]
        )
        self.assertTrue(rows)
        self.assertFalse(rows.member_id, "no member imported yet")
        self.assertTrue(self.campaign(old).report_done)
        audience = self.campaign(old).list_id
        with self.assertMailchimpCalls(count=0, path_prefix="/reports/"):
            self.import_members(audience)
        rows.invalidate_recordset()
        self.assertEqual(len(rows.filtered(lambda r: not r.member_id)), 0)
        self.assertEqual(len(rows.filtered(lambda r: not r.mailing_contact_id)), 0)
        self.assertEqual(len(rows.filtered(lambda r: not r.partner_id)), 0)
        self.assertEqual(rows.member_id.list_id, audience)
        # the Campaign Activity button of one recipient counts all its rows
        email = rows[0].email_normalized
        mine = rows.filtered(lambda r: r.email_normalized == email)
        contact = self.env["mailing.contact"].search([("email_normalized", "=", email)])
        partner = self.env["res.partner"].search([("email_normalized", "=", email)])
        self.assertEqual(contact.mailchimp_activity_count, len(mine))
        self.assertEqual(partner.mailchimp_activity_count, len(mine))
        self.assertEqual(
            self.Activity.search_count(contact.action_view_mailchimp_activity()["domain"]),
            len(mine),
        )

    def test_activity_stored_during_a_member_page_is_linked_by_the_next_run(self):
        """A report job and a member page committing at the same time do not see each other:
        the rows stay unlinked until the end of the next import run links the audience."""
        cid = self.add_sent_campaign(recipients=10)
        self.process(import_members=True)
        self.run_jobs()
        campaign = self.campaign(cid)
        rows = self.Activity.search([("campaign_id", "=", campaign.id)])
        self.assertTrue(rows)
        self.assertEqual(len(rows.filtered(lambda r: not r.member_id)), 0)
        # the race, reproduced: the rows lose their link as if stored concurrently
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mailchimp_campaign_activity SET member_id = NULL, partner_id = NULL, "
            "mailing_contact_id = NULL WHERE id IN %s",
            (tuple(rows.ids),),
        )
        rows.invalidate_recordset()
        runs = self.import_members(campaign.list_id)  # nothing new in Mailchimp
        self.assertEqual(runs.processed, 0, "no member page links them")
        rows.invalidate_recordset()
        self.assertEqual(len(rows.filtered(lambda r: not r.member_id)), 0)
        self.assertEqual(len(rows.filtered(lambda r: not r.mailing_contact_id)), 0)

    def test_activity_links_to_a_member_bound_by_the_export(self):
        cid = self.add_sent_campaign(recipients=10)
        self.process()
        self.run_jobs()
        campaign = self.campaign(cid)
        row = self.Activity.search([("campaign_id", "=", campaign.id)], limit=1)
        self.assertFalse(row.member_id)
        contact = self.env["mailing.contact"].create({"name": "Late", "email": row.email})
        binding, _skipped = campaign.list_id._bind_for_push(contacts=contact)
        row.invalidate_recordset()
        self.assertEqual(row.member_id, binding)
        self.assertEqual(row.mailing_contact_id, contact)
        self.assertEqual(
            contact.mailchimp_activity_count,
            self.Activity.search_count(
                [("campaign_id", "=", campaign.id), ("email_normalized", "=", row.email_normalized)]
            ),
        )

    def test_campaign_past_its_report_window_is_never_polled_again(self):
        self.account.campaign_report_days = 5
        old = self.add_sent_campaign(recipients=20, days_ago=10, title="Old")
        recent = self.add_sent_campaign(recipients=20, days_ago=1, title="Recent")
        self.process()
        self.run_jobs()
        old_campaign, recent_campaign = self.campaign(old), self.campaign(recent)
        # first import: the old report is read once, its final figures
        self.assertTrue(old_campaign.last_report_date)
        self.assertTrue(old_campaign.report_done)
        self.assertEqual(old_campaign.opens_total, self.aggregates(old)["opens_total"])
        self.assertFalse(recent_campaign.report_done)
        with (
            self.assertMailchimpCalls(count=0, path_prefix=f"/reports/{old}"),
            self.assertMailchimpCalls(count=3, path_prefix=f"/reports/{recent}"),
        ):
            # the recent one is polled: report, activity page, unsubscribes page
            self.Campaign._cron_fetch_reports()
            self.run_jobs()
        with self.assertMailchimpCalls(count=0, path_prefix=f"/campaigns/{old}"):
            self.Campaign._cron_refresh_campaigns()
            self.run_jobs()
        # even a job queued earlier does nothing once the window is closed
        with self.assertMailchimpCalls(count=0):
            result = old_campaign._job_fetch_report()
        self.assertIn("skipped", result)

    def test_report_window_closes_with_one_final_fetch(self):
        cid = self.add_sent_campaign(recipients=10, days_ago=2)
        self.account.campaign_report_days = 5
        self.process()
        self.run_jobs()
        campaign = self.campaign(cid)
        self.assertFalse(campaign.report_done)
        # time passes: the last fetch was inside the window, which is now closed
        campaign.last_report_date = campaign.send_time + timedelta(hours=12)
        self.account.campaign_report_days = 1
        self.assertLess(campaign.report_until, campaign.create_date)
        self.assertFalse(campaign.report_done, "one final fetch is due")
        # the final fetch: the report, its activity page and its unsubscribes page
        with self.assertMailchimpCalls(count=3, path_prefix=f"/reports/{cid}"):
            self.Campaign._cron_fetch_reports()
            self.run_jobs()
        self.assertTrue(campaign.report_done)
        with self.assertMailchimpCalls(count=0):
            self.Campaign._cron_fetch_reports()
            self.run_jobs()
        self.assertFalse(self.mailchimp_jobs())

    def test_fetching_the_same_report_twice_leaves_identical_data(self):
        cid = self.add_sent_campaign(recipients=60)
        self.process(import_members=True)
        self.run_jobs()
        campaign = self.campaign(cid)
        first = self.snapshot(campaign)
        self.assertTrue(first[1])
        # a full re-read (no watermark) and an incremental one: nothing doubles
        campaign.sudo().activity_run_ids.unlink()
        with self.assertMailchimpCalls(count=1, path_prefix=f"/reports/{cid}/email-activity"):
            campaign.action_refresh_report()
            self.run_jobs()
        self.assertEqual(self.snapshot(campaign), first)
        self.Campaign._cron_fetch_reports()
        self.run_jobs()
        self.assertEqual(self.snapshot(campaign), first)
        # re-running an old page job is a no-op too
        with self.assertMailchimpCalls(count=0):
            result = campaign.activity_run_ids[:1]._job_fetch_activity_page("activity", 0)
        self.assertIn("skipped", result)
        self.assertEqual(self.snapshot(campaign), first)

    def test_identical_events_of_one_second_are_all_kept_once(self):
        cid = self.add_sent_campaign(recipients=5)
        email = next(iter(self.state.campaign(cid)["sent"].values()))["email"]
        when = self.state.now() - timedelta(hours=1)
        for _i in range(2):
            self.state.add_campaign_event(cid, email, "open", timestamp=when)
        self.process()
        self.run_jobs()
        campaign = self.campaign(cid)
        self.assertEqual(self.local_events(campaign), self.remote_events(cid))
        at = when.replace(tzinfo=None, microsecond=0)
        twins = self.Activity.search(
            [
                ("campaign_id", "=", campaign.id),
                ("email_normalized", "=", email.lower()),
                ("action", "=", "open"),
                ("timestamp", "=", at),
            ]
        )
        self.assertEqual(len(twins), 2)
        campaign.sudo().activity_run_ids.unlink()
        campaign.action_refresh_report()
        self.run_jobs()
        self.assertEqual(self.local_events(campaign), self.remote_events(cid))

    def test_incremental_read_asks_only_for_new_activity(self):
        cid = self.add_sent_campaign(recipients=50)
        self.process()
        self.run_jobs()
        campaign = self.campaign(cid)
        before = campaign.activity_count
        self.state.advance(3600)
        email = next(iter(self.state.campaign(cid)["sent"].values()))["email"]
        self.state.add_campaign_event(cid, email, "click", url="https://www.example.com/late")
        self.Campaign._cron_fetch_reports()
        jobs_before = len(self.mailchimp_jobs(states=("done",)))
        self.run_jobs()
        calls = [
            r
            for r in self.emulator.requests
            if r["path"].endswith(f"/reports/{cid}/email-activity")
        ]
        self.assertIn("since", calls[-1]["query"])
        campaign.invalidate_recordset(["activity_count"])
        self.assertEqual(campaign.activity_count, before + 1)
        late = self.Activity.search([("url", "=", "https://www.example.com/late")])
        self.assertEqual(late.email_normalized, email.lower())
        self.assertEqual(campaign.clicks_total, self.aggregates(cid)["clicks_total"])
        # report + one activity page + one unsubscribed page
        self.assertEqual(len(self.mailchimp_jobs(states=("done",))) - jobs_before, 3)

    def test_large_activity_is_read_one_page_per_job(self):
        cid = self.add_sent_campaign(recipients=250)
        with patch.object(mailchimp_sync_run, "ACTIVITY_PAGE_SIZE", 100):
            self.process()
            with self.assertMailchimpCalls(
                count=3, method="GET", path_prefix=f"/reports/{cid}/email-activity"
            ):
                done = self.run_jobs()
        # report, 3 activity pages, 1 unsubscribe page
        self.assertEqual(done, 5)
        jobs = self.mailchimp_jobs(states=("done",))
        self.assertEqual(
            sorted(jobs.mapped("method_name")),
            ["_job_fetch_activity_page"] * 4 + ["_job_fetch_report"],
        )
        # jobs are found by their channel: what can fail is their job function (its retry
        # pattern), which is the connector's only when the function record exists
        self.assertEqual(jobs.job_function_id.mapped("channel"), ["root.mailchimp"] * 2)
        campaign = self.campaign(cid)
        self.assertEqual(self.local_events(campaign), self.remote_events(cid))

    def test_killed_activity_read_resumes_from_its_run_checkpoint(self):
        """An activity read is a sync run of kind campaign_activity: killed on its second
        page, the next report fetch resumes it there, without reading page one again."""
        self.env["ir.config_parameter"].set_param("mailchimp_connector.max_retries", "1")
        self.env["ir.config_parameter"].set_param("mailchimp_connector.backoff_base", "0.01")
        cid = self.add_sent_campaign(recipients=250)
        activity_path = f"/reports/{cid}/email-activity"
        with patch.object(mailchimp_sync_run, "ACTIVITY_PAGE_SIZE", 100):
            self.process()
            with self.assertMailchimpCalls(count=1, path_prefix=activity_path):
                self.run_jobs(max_jobs=2)  # the report, the first page
            campaign = self.campaign(cid)
            run = campaign.activity_run_ids
            self.assertEqual(len(run), 1)
            self.assertEqual(
                (run.kind, run.state, run.phase, run.next_offset),
                ("campaign_activity", "running", "activity", 100),
            )
            # the second page's job dies on dropped connections and is left behind
            self.emulator.faults.fail_next(50, status="drop", paths=[activity_path])
            self.run_jobs(max_jobs=1)
            self.emulator.faults.clear()
            self.assertEqual((run.state, run.phase, run.next_offset), ("running", "activity", 100))
            self.mailchimp_jobs(states=("pending", "failed", "started")).unlink()
            read_before = len(self.emulator.request_log())
            # the next report fetch resumes the run: pages two and three, then unsubscribes
            with (
                self.assertMailchimpCalls(count=2, path_prefix=activity_path),
                self.assertMailchimpCalls(count=1, path_prefix=f"/reports/{cid}/unsubscribed"),
            ):
                campaign._queue_reports(force=True)
                self.run_jobs()
        offsets = [
            r["query"].get("offset")
            for r in self.emulator.request_log()[read_before:]
            if r["path"].endswith(activity_path)
        ]
        self.assertEqual(offsets, ["100", "200"], "page one is not read again")
        self.assertEqual(campaign.activity_run_ids, run, "the same run, resumed")
        self.assertEqual(self.local_events(campaign), self.remote_events(cid))
        # the read as a sync run, with its counts
        runs = self.env["mailchimp.sync.run"].with_user(self.mc_user)
        self.assertEqual(
            runs.search([("kind", "=", "campaign_activity"), ("campaign_id", "=", campaign.id)]),
            run,
        )
        self.assertFalse(runs.search([("kind", "=", "member_import")]))
        unsubscribes = len(self.state.campaign(cid)["unsubs"])
        self.assertTrue(unsubscribes)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.page_count, 4, "three activity pages, one of unsubscribes")
        self.assertEqual(run.processed, 250 + unsubscribes)
        self.assertEqual(run.total_items, 250 + unsubscribes)
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(run.created, campaign.activity_count)
        self.assertEqual(run.company_id, self.account.company_id)
        self.assertFalse(run.list_id)
        self.assertEqual(campaign.last_activity_read, run.until)

    def test_server_errors_postpone_the_job_and_keep_the_checkpoint(self):
        self.env["ir.config_parameter"].sudo().set_param("mailchimp_connector.max_retries", 0)
        cid = self.add_sent_campaign(recipients=10)
        self.process()
        self.emulator.faults.fail_next(1, 503, paths=[f"/reports/{cid}"])
        self.run_jobs()
        campaign = self.campaign(cid)
        job = self.mailchimp_jobs()
        self.assertEqual(len(job), 1, "the report job waits for its retry")
        self.assertEqual(job.method_name, "_job_fetch_report")
        self.assertFalse(campaign.last_report_date)
        job.eta = False
        self.run_jobs()
        self.assertTrue(campaign.last_report_date)
        self.assertEqual(self.local_events(campaign), self.remote_events(cid))

    # refresh of campaigns not sent yet -----------------------------------------
    def test_scheduled_campaign_status_is_refreshed_until_sent(self):
        sent = self.add_sent_campaign(recipients=0, title="Done")
        cid = self.state.add_campaign(
            self.list_mc_id,
            title="Tomorrow",
            status="schedule",
            send_time=self.state.now() + timedelta(hours=1),
        )
        self.process()
        self.run_jobs()
        campaign = self.campaign(cid)
        self.assertEqual(campaign.status, "schedule")
        self.assertFalse(campaign.last_report_date)
        # Mailchimp sends it
        self.state.campaign(cid)["info"]["status"] = "sent"
        self.state.campaign(cid)["info"]["send_time"] = self.state.now_str()
        self.state.seed_campaign_activity(cid, 20)
        with self.assertMailchimpCalls(count=0, path_prefix=f"/campaigns/{sent}"):
            self.Campaign._cron_refresh_campaigns()
            self.run_jobs()
        self.assertEqual(campaign.status, "sent")
        self.assertEqual(campaign.opens_total, self.aggregates(cid)["opens_total"])
        self.assertEqual(self.local_events(campaign), self.remote_events(cid))
        # sent: no longer refreshed
        with self.assertMailchimpCalls(count=0, path_prefix="/campaigns"):
            self.Campaign._cron_refresh_campaigns()
            self.run_jobs()

    # track by id -----------------------------------------------------------------
    def test_track_a_campaign_by_its_mailchimp_id(self):
        template = self.state.add_template("Tracked template")
        cid = self.add_sent_campaign(recipients=25, template_id=template, days_ago=30)
        wizard = self.env["mailchimp.campaign.track"].create(
            {"account_id": self.account.id, "mc_id": f" {cid} "}
        )
        action = wizard.action_track()
        campaign = self.Campaign.browse(action["res_id"])
        self.assertEqual(campaign.mc_id, cid)
        self.assertEqual(campaign.template_id.name, "Tracked template")
        self.assertEqual(campaign.list_id.mc_id, self.list_mc_id)
        self.assertEqual(campaign.unique_opens, self.aggregates(cid)["unique_opens"])
        self.run_jobs()
        self.assertEqual(self.local_events(campaign), self.remote_events(cid))
        self.assertEqual(self.Campaign.search_count([]), 1, "only that campaign is imported")
        with self.assertRaisesRegex(UserError, "no campaign"):
            self.env["mailchimp.campaign.track"].create(
                {"account_id": self.account.id, "mc_id": "doesnotexist"}
            ).action_track()

    def test_account_track_button_opens_the_wizard_for_this_account(self):
        action = self.account.action_track_campaign()
        self.assertEqual(action["res_model"], "mailchimp.campaign.track")
        self.assertEqual(action["context"]["default_account_id"], self.account.id)

    # access ----------------------------------------------------------------------
    def test_users_read_campaigns_managers_edit_them(self):
        cid = self.add_sent_campaign(recipients=10)
        self.process()
        self.run_jobs()
        campaign = self.campaign(cid)
        mailing = self.env["mailing.mailing"].create({"subject": "Odoo twin"})
        as_user = campaign.with_user(self.mc_user)
        self.assertEqual(as_user.name, "Spring news")
        self.assertTrue(as_user.activity_ids)
        with self.assertRaises(AccessError):
            as_user.mailing_id = mailing
        campaign.with_user(self.manager).mailing_id = mailing
        self.assertEqual(campaign.mailing_id, mailing)
        other_company = self.env["res.company"].create({"name": "Elsewhere"})
        self.mc_user.write({"company_ids": [(4, other_company.id)], "company_id": other_company.id})
        hidden = (
            self.Campaign.with_user(self.mc_user)
            .with_context(allowed_company_ids=[other_company.id])
            .search([("id", "=", campaign.id)])
        )
        self.assertFalse(hidden, "campaigns follow their account's company")
