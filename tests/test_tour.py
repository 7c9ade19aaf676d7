# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextlib
import functools
import logging
import os
import shutil
import tempfile
import threading
import time
from datetime import timedelta
from types import SimpleNamespace
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, tagged
from odoo.tests import common as odoo_test_common

from .common import MailchimpCommon

_logger = logging.getLogger(__name__)

#: the per-site storage of a Chrome profile (not its HTTP and code caches)
STORAGE_DIRS = (
    "Local Storage",
    "Session Storage",
    "IndexedDB",
    "Service Worker",
    "WebStorage",
    "Cookies",
    "Cookies-journal",
)


@tagged("post_install", "-at_install")
class TestTours(MailchimpCommon, HttpCase):
    """The main journeys of the first hour, clicked through as a user would: connect an
    account (a key with a typo first: Test Connection fails, then succeeds), import an
    audience's members (from its form and with the Operations wizard), edit and export a
    contact, read a campaign's report.
    Each checks in the database (and the emulator) what the clicks did. One class: the
    tours share one browser profile."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_mailchimp()
        cls.account.name = "Tour Account"
        cls._share_chrome_profile()

    @classmethod
    def _share_chrome_profile(cls):
        """Odoo starts each tour's Chrome on a new, empty profile, so Chrome compiles the
        whole web client again for every tour: most of the suite's CPU on a small machine.
        The tours of this class share one profile (its HTTP and code caches), still a new
        Chrome each time, and the profile is removed with the class. Odoo's test module names
        ``tempfile`` and ``shutil`` are patched for that, for this class only."""
        if not all(hasattr(odoo_test_common, name) for name in ("tempfile", "shutil")):
            return  # another Odoo: each tour keeps its own new profile
        profile = tempfile.mkdtemp(suffix="_chrome_mailchimp_tours")
        cls.addClassCleanup(shutil.rmtree, profile, ignore_errors=True)

        def mkdtemp(*args, **kwargs):
            if kwargs.get("suffix") != "_chrome_odoo":
                return tempfile.mkdtemp(*args, **kwargs)
            # the port file of the previous Chrome would be read as the new one's
            port_file = os.path.join(profile, "DevToolsActivePort")
            if os.path.exists(port_file):
                os.remove(port_file)
            # only the caches are shared: the pages' storage (where the tour service keeps
            # the running tour) starts empty, else a tour that ended while the machine was
            # busy resumed in the next one's browser ("describeMe" of undefined)
            for storage in STORAGE_DIRS:
                shutil.rmtree(os.path.join(profile, "Default", storage), ignore_errors=True)
            return profile

        def rmtree(path, *args, **kwargs):
            if path != profile:
                shutil.rmtree(path, *args, **kwargs)

        for name, shim in (
            ("tempfile", SimpleNamespace(**{**vars(tempfile), "mkdtemp": mkdtemp})),
            ("shutil", SimpleNamespace(**{**vars(shutil), "rmtree": rmtree})),
        ):
            patcher = patch.object(odoo_test_common, name, shim)
            patcher.start()
            cls.addClassCleanup(patcher.stop)

    def start(self, **kwargs):
        self.emulator = self._start_emulator(**kwargs)
        return self.emulator

    def connect(self):
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected")

    def list_writes(self):
        return sum(
            self.emulator.count_requests(method=method, path_prefix="/lists")
            for method in ("POST", "PUT", "PATCH", "DELETE")
        )

    def test_operation_wizard_imports_audiences_members_and_campaigns(self):
        emulator = self._start_emulator()
        seeded = emulator.seed("Tour Audience", members=30, campaigns=2)
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected")
        self.start_tour(
            "/odoo/action-mailchimp_connector.action_mailchimp_operation",
            "mailchimp_connector_operation_tour",
            login="admin",
        )
        audience = self.env["mailchimp.list"].search([("mc_id", "=", seeded["list_id"])])
        self.assertEqual(audience.name, "Tour Audience")
        campaigns = self.env["mailchimp.campaign"].search([("account_id", "=", self.account.id)])
        self.assertEqual(sorted(campaigns.mapped("mc_id")), sorted(seeded["campaigns"]))
        self.assertTrue(all(campaigns.mapped("template_id")), "campaigns linked to templates")
        self.env["queue.job"]._mailchimp_run_pending()
        self.assertEqual(
            self.env["mailchimp.member"].search_count([("list_id", "=", audience.id)]),
            seeded["member_count"],
        )

    def test_connect_an_account_from_scratch(self):
        emulator = self.start()
        # a deployment that talks to an emulator routes every account to it (no field)
        self.env["ir.config_parameter"].sudo().set_param(
            "mailchimp_connector.api_base_url", emulator.base_url
        )
        Account = self.env["mailchimp.account"]
        self.assertFalse(Account.search([("name", "=", "Newsletter account")]))
        self.start_tour(
            "/odoo/action-mailchimp_connector.action_mailchimp_account",
            "mailchimp_connector_connect_account_tour",
            login="mc_manager",
        )
        account = Account.search([("name", "=", "Newsletter account")])
        self.assertEqual(len(account), 1)
        self.assertRecordValues(
            account.sudo(),
            [
                {
                    "api_key": emulator.api_key,
                    "api_base_url": False,
                    "datacenter": "us6",
                    "state": "connected",
                    "mc_account_name": "Emulated Account",
                    "last_error": False,
                }
            ],
        )
        self.assertTrue(account.mc_account_id)
        # one refused test (the key with a typo), one accepted
        self.assertEqual(emulator.count_requests(path_prefix="/3.0/ping"), 2)

    def test_import_members_from_the_audience_form(self):
        emulator = self.start()
        seeded = emulator.seed("Tour Audience", members=30)
        self.list_mc_id = seeded["list_id"]
        self.connect()
        audience = self.import_audiences()
        self.assertFalse(audience.member_count, "only the audience is imported yet")
        self.start_tour(
            "/odoo/action-mailchimp_connector.action_mailchimp_list",
            "mailchimp_connector_audience_import_tour",
            login="mc_user",
        )
        runs = self.env["mailchimp.sync.run"].search([("list_id", "=", audience.id)])
        self.assertEqual(len(runs), 1, "the button started one import")
        self.assertEqual(runs.state, "running")
        self.assertTrue(self.mailchimp_jobs(), "the import is queued")
        self.run_jobs()
        audience.invalidate_recordset()
        self.assertEqual(runs.state, "done")
        self.assertEqual(audience.member_count, seeded["member_count"])
        self.assertEqual(len(audience.mailing_list_id.contact_ids), seeded["member_count"])
        self.assertEqual(
            audience.last_sync_result,
            "30 members read: 30 new, 0 updated. 30 members in sync.",
        )

    def audience_exporting_fields(self, name):
        """An audience ``name`` of 3 subscribers, imported, whose contacts' field changes
        are exported: (audience, the binding of member00001, bound to a mailing contact,
        nothing waiting to be sent)."""
        emulator = self.start()
        seeded = emulator.seed(name, members=3, statuses=["subscribed"])
        self.list_mc_id = seeded["list_id"]
        self.connect()
        self.account.auto_update_contact = True
        audience = self.import_audiences()
        audience.write({"push_new": True, "push_fields": True})
        self.import_members(audience)
        binding = self.env["mailchimp.member"].search(
            [("list_id", "=", audience.id), ("email_normalized", "=", "member00001@example.org")]
        )
        self.assertTrue(binding.mailing_contact_id, "the member is bound to a mailing contact")
        self.assertFalse(binding.need_push)
        self.assertFalse(self.mailchimp_jobs())
        return audience, binding

    def test_edit_a_contact_and_export_it(self):
        _audience, binding = self.audience_exporting_fields("Tour Audience")
        email = binding.email_normalized
        self.assertNotEqual(
            self.emulator.state.get_member(self.list_mc_id, email)["merge_fields"]["FNAME"], "Ada"
        )
        self.start_tour(
            "/odoo/action-mass_mailing.action_view_mass_mailing_contacts",
            "mailchimp_connector_contact_export_tour",
            login="mc_manager",
        )
        contact = binding.mailing_contact_id
        self.assertEqual(contact.name, "Ada Lovelace")
        self.assertEqual((contact.first_name, contact.last_name), ("Ada", "Lovelace"))
        self.assertTrue(binding.need_push)
        self.assertEqual(
            self.mailchimp_jobs().mapped("name"),
            ["Mailchimp: export contacts to Tour Audience"],
            "the export button queued the export",
        )
        writes_before = self.list_writes()
        self.run_jobs()
        self.assertEqual(self.list_writes() - writes_before, 1, "one call sends the contact")
        remote = self.emulator.state.get_member(self.list_mc_id, email)
        self.assertEqual(remote["merge_fields"]["FNAME"], "Ada")
        self.assertEqual(remote["merge_fields"]["LNAME"], "Lovelace")
        self.assertEqual(remote["status"], "subscribed")
        self.assertFalse(binding.need_push)
        self.assertFalse(binding.sync_error)

    def campaign_read_once(self):
        """A campaign sent to 20 subscribers, imported with its report (two opens); since,
        in Mailchimp, a third reader, a second open and two clickers. Returns the campaign
        and its id in the emulator."""
        emulator = self.start()
        state = emulator.state
        self.list_mc_id = state.add_list("Tour Audience")
        state.seed_members(self.list_mc_id, 20, statuses=["subscribed"])
        emails = [f"member{i:05d}@example.org" for i in range(20)]
        cid = state.add_campaign(
            self.list_mc_id,
            title="Spring news",
            subject="Hello spring",
            send_time=state.now() - timedelta(days=1),
            recipients=emails,
        )
        # read once (the import and its report jobs): two opens
        for email in emails[:2]:
            state.add_campaign_event(cid, email, "open")
        self.connect()
        self.env["mailchimp.operation"].create(
            {"account_ids": [(6, 0, self.account.ids)], "import_campaigns": True}
        ).action_process()
        self.run_jobs()
        campaign = self.env["mailchimp.campaign"].search([("mc_id", "=", cid)])
        self.assertRecordValues(campaign, [{"emails_sent": 20, "unique_opens": 2}])
        self.assertEqual(campaign.activity_count, 2)
        # since: a third reader, a second open, two clickers
        state.advance(60)
        state.add_campaign_event(cid, emails[2], "open")
        state.add_campaign_event(cid, emails[0], "open")
        for email in emails[:2]:
            state.add_campaign_event(cid, email, "click", url="https://www.example.org/spring")
        return campaign, cid

    def test_read_a_campaign_report(self):
        campaign, cid = self.campaign_read_once()
        state = self.emulator.state
        self.start_tour(
            "/odoo/action-mailchimp_connector.action_mailchimp_campaign",
            "mailchimp_connector_campaign_report_tour",
            login="mc_user",
        )
        campaign.invalidate_recordset()
        summary = state.campaign_aggregates(state.campaign(cid))["summary"]
        self.assertRecordValues(
            campaign,
            [
                {
                    "emails_sent": 20,
                    "opens_total": 4,
                    "unique_opens": 3,
                    "open_rate": 0.15,
                    "clicks_total": 2,
                    "unique_subscriber_clicks": 2,
                    "click_rate": 0.1,
                }
            ],
        )
        for field in ("emails_sent", "opens_total", "unique_opens", "clicks_total"):
            self.assertEqual(campaign[field], summary[field], field)
        # the refresh queued the recipients' activity: the new events arrive with it
        self.run_jobs()
        activity = self.env["mailchimp.campaign.activity"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(sorted(activity.mapped("action")), ["click"] * 2 + ["open"] * 4)

    @contextlib.contextmanager
    def jobs_in_background(self, model, method, delay=1.0, mailchimp=None):
        """queue_job's runner, as in production, while a tour runs: the Mailchimp jobs queued
        by the tour's clicks run ``delay`` seconds after they appear (after the click's own
        screen update), each batch in its own transaction; then the bus tells the open
        screens, as its NOTIFY would after a real commit (a test's commits are savepoints:
        Odoo's bus does not notify during tests). The runner starts when the tour first calls
        ``method`` of ``model`` (the button that queues the jobs, or the screen it opens):
        before that, the test's own thread uses the database cursor they share.

        ``mailchimp``: what Mailchimp does meanwhile, {(model, method): callable}: the
        callable runs once, in the runner's thread (a webhook delivery is an HTTP request to
        Odoo, which the tour's own requests would block), after the tour first calls that
        method (its screen is open), before the jobs it queues run. Yields the jobs run per
        batch, as a list, so the test can check that they ran during the tour."""
        from odoo.addons.bus.models.bus import dispatch
        from odoo.addons.bus.websocket import WebsocketConnectionHandler

        # Odoo refuses websockets during tests unless a test opens them (as its bus tests do)
        self.startPatcher(
            patch.object(WebsocketConnectionHandler, "websocket_allowed", return_value=True)
        )
        stop, called, batches, errors = threading.Event(), threading.Event(), [], []
        actions = {(model, method): None, **(mailchimp or {})}
        seen, waiting = set(), []  # the triggers called, those whose action is still to run
        registry = self.env.registry

        def watch(key):
            cls = type(self.env[key[0]])
            original = getattr(cls, key[1])

            # wraps: the method's markers (api.model, readonly) are kept for the RPC dispatch
            @functools.wraps(original)
            def watched(records, *args, **kwargs):
                result = original(records, *args, **kwargs)
                if key not in seen:
                    seen.add(key)
                    waiting.append(key)
                    called.set()
                return result

            self.startPatcher(patch.object(cls, key[1], watched))

        for key in actions:
            watch(key)

        def pending(env):
            return env["queue.job"].search_count(
                [("channel", "=", "root.mailchimp"), ("state", "=", "pending")]
            )

        def loop():
            threading.current_thread().testing = True
            while not called.wait(0.2):
                if stop.is_set():
                    return
            while not stop.is_set():
                try:
                    while waiting:
                        action = actions[waiting.pop(0)]
                        if action:
                            action()
                    with registry.cursor() as cr:
                        found = pending(api.Environment(cr, SUPERUSER_ID, {}))
                    if not found:
                        time.sleep(0.2)
                        continue
                    time.sleep(delay)
                    self.emulator.state.advance(2)
                    with registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        batches.append(env["queue.job"]._mailchimp_run_pending())
                    _logger.info("tour: %s Mailchimp job(s) ran in the background", batches[-1])
                    for sockets in list(dispatch._channels_to_ws.values()):
                        for websocket in list(sockets):
                            websocket.trigger_notification_dispatching()
                except Exception as exc:  # noqa: BLE001 - reported by the test below
                    errors.append(exc)
                    return

        thread = threading.Thread(target=loop, name="mailchimp-tour-jobs", daemon=True)
        thread.start()
        try:
            yield batches
        finally:
            stop.set()
            thread.join(30)
        self.assertFalse(errors, "the background jobs failed")

    def test_audience_figures_follow_the_import_live(self):
        """Import Members on the audience form: the running import, then its figures (the
        member count, the last result) appear on the open form as its jobs commit, without
        any reload; the same on the audiences' kanban."""
        emulator = self.start()
        seeded = emulator.seed("Live Audience", members=30, statuses=["subscribed"])
        self.list_mc_id = seeded["list_id"]
        self.connect()
        audience = self.import_audiences()
        self.assertFalse(audience.member_count)
        with self.jobs_in_background("mailchimp.list", "action_import_members") as batches:
            self.start_tour(
                "/odoo/action-mailchimp_connector.action_mailchimp_list",
                "mailchimp_connector_live_import_tour",
                login="mc_user",
            )
        self.assertTrue(batches and sum(batches) >= 1, "the jobs ran while the tour waited")
        audience.invalidate_recordset()
        self.assertEqual(audience.member_count, seeded["member_count"])
        self.assertEqual(
            audience.last_sync_result,
            "30 members read: 30 new, 0 updated. 30 members in sync.",
        )

    def test_export_result_follows_export_now_live(self):
        """Export Now on the audience form: the contacts waiting turn to zero and the last
        export result appears on the open form as the export job commits, no reload."""
        audience, binding = self.audience_exporting_fields("Live Export")
        binding.mailing_contact_id.write({"first_name": "Ada", "last_name": "Lovelace"})
        self.assertTrue(binding.need_push)
        self.assertEqual(audience.push_pending_count, 1)
        with self.jobs_in_background("mailchimp.list", "action_push_now") as batches:
            self.start_tour(
                "/odoo/action-mailchimp_connector.action_mailchimp_list",
                "mailchimp_connector_live_export_tour",
                login="mc_manager",
            )
        self.assertTrue(batches and sum(batches) >= 1, "the export ran while the tour waited")
        remote = self.emulator.state.get_member(self.list_mc_id, "member00001@example.org")
        self.assertEqual(remote["merge_fields"]["FNAME"], "Ada")
        audience.invalidate_recordset()
        self.assertEqual(audience.push_pending_count, 0)

    def test_webhook_events_show_live(self):
        """Webhook deliveries while the audience's form, then its events list, are open: the
        member and event counts, then the new event with its reason, appear without any
        reload (the emulator delivers to Odoo's test server; the jobs run in the
        background)."""
        emulator = self.start()
        state = emulator.state
        seeded = emulator.seed("Webhook Audience", members=3, statuses=["subscribed"])
        self.list_mc_id = seeded["list_id"]
        self.connect()
        audience = self.import_audiences()
        self.import_members(audience)
        self.assertEqual(audience.member_count, 3)
        self.assertFalse(self.account.override_contact_name)
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        # the first request builds the routing map: not during Mailchimp's check of the URL
        self.url_open("/web/health", timeout=60)
        self.account.action_generate_webhook_urls()
        self.assertEqual(audience.webhook_state, "registered", audience.webhook_error)

        def deliver(type_, email):
            result = emulator.fire_member_webhook(self.list_mc_id, type_, email)
            if [status for _url, status in result] != [200]:
                raise AssertionError(f"{type_} delivery refused: {result}")

        def subscribe():  # while the audience's form is open
            state.add_member(
                self.list_mc_id, "newcomer@example.org", merge_fields={"FNAME": "Nova"}
            )
            deliver("subscribe", "newcomer@example.org")

        def profile():  # while the events list is open
            state.advance(60)
            state.update_member(
                self.list_mc_id, "member00001@example.org", merge_fields={"FNAME": "Renamed"}
            )
            deliver("profile", "member00001@example.org")

        with self.jobs_in_background(
            "mailchimp.list",
            "web_read",
            mailchimp={
                ("mailchimp.list", "web_read"): subscribe,
                ("mailchimp.webhook.event", "web_search_read"): profile,
            },
        ) as batches:
            self.start_tour(
                "/odoo/action-mailchimp_connector.action_mailchimp_list",
                "mailchimp_connector_live_webhook_tour",
                login="mc_manager",  # the Webhook Events button is the managers'
            )
        self.assertGreaterEqual(len(batches), 2, "each delivery applied while the tour waited")
        events = self.env["mailchimp.webhook.event"].search([("list_id", "=", audience.id)])
        self.assertEqual(sorted(events.mapped("event_type")), ["profile", "subscribe"])
        self.assertEqual(set(events.mapped("state")), {"done"})
        audience.invalidate_recordset()
        self.assertEqual(audience.member_count, 4)

    def test_full_resync_figures_follow_live(self):
        """Full Resync on the audience form: the new members and the resync's result appear
        on the open form as its jobs commit, no reload."""
        emulator = self.start()
        seeded = emulator.seed("Resync Audience", members=30, statuses=["subscribed"])
        self.list_mc_id = seeded["list_id"]
        self.connect()
        audience = self.import_audiences()
        self.import_members(audience)
        self.assertEqual(audience.member_count, 30)
        emulator.state.advance(60)
        for email in ("late1@example.org", "late2@example.org"):
            emulator.state.add_member(self.list_mc_id, email)
        with self.jobs_in_background("mailchimp.list", "action_full_resync") as batches:
            self.start_tour(
                "/odoo/action-mailchimp_connector.action_mailchimp_list",
                "mailchimp_connector_live_resync_tour",
                login="mc_manager",
            )
        self.assertTrue(batches and sum(batches) >= 1, "the resync ran while the tour waited")
        audience.invalidate_recordset()
        self.assertEqual(audience.member_count, 32)
        self.assertIn("32 members read: 2 new", audience.last_sync_result)
        runs = self.env["mailchimp.sync.run"].search([("list_id", "=", audience.id)])
        self.assertEqual(len(runs), 2, "the first import, then the resync")
        self.assertEqual(set(runs.mapped("state")), {"done"})

    def test_report_refresh_follows_live(self):
        """Refresh All Reports (the campaigns' gear menu): the report's new figures appear in
        the open list as its job commits, no reload."""
        campaign, _cid = self.campaign_read_once()
        with self.jobs_in_background("mailchimp.campaign", "action_refresh_all_reports") as batches:
            self.start_tour(
                "/odoo/action-mailchimp_connector.action_mailchimp_campaign",
                "mailchimp_connector_live_report_tour",
                login="mc_user",
            )
        self.assertTrue(batches and sum(batches) >= 1, "the report was read while the tour waited")
        campaign.invalidate_recordset()
        self.assertRecordValues(campaign, [{"unique_opens": 3, "unique_subscriber_clicks": 2}])

    def test_segment_sync_follows_live(self):
        """Sync Now on a segment's form: its status and member count follow the sync job as
        it commits, no reload."""
        emulator = self.start()
        state = emulator.state
        self.list_mc_id = state.add_list("Segment Audience")
        for email in ("ann@keep.org", "bob@keep.org", "cid@keep.org", "dan@other.org"):
            state.add_member(self.list_mc_id, email)
        state.add_member(self.list_mc_id, "uma@keep.org", status="unsubscribed")
        self.connect()
        audience = self.import_audiences()
        self.import_members(audience)
        segment = self.env["mailchimp.segment"].create(
            {
                "name": "Live Keepers",
                "list_id": audience.id,
                "domain": "[('email', 'ilike', '@keep.org')]",
            }
        )
        with self.jobs_in_background("mailchimp.segment", "action_sync_now") as batches:
            self.start_tour(
                "/odoo/action-mailchimp_connector.action_mailchimp_segment",
                "mailchimp_connector_live_segment_tour",
                login="mc_manager",
            )
        self.assertTrue(batches and sum(batches) >= 1, "the sync ran while the tour waited")
        segment.invalidate_recordset()
        self.assertRecordValues(segment, [{"state": "synced", "member_count": 3}])

    def test_send_a_mailing_through_mailchimp(self):
        """Compose in Odoo's editor, send through Mailchimp, read the figures back."""
        emulator = self.start()
        state = emulator.state
        list_mc_id = state.add_list("Tour Audience")
        state.seed_members(list_mc_id, 20, statuses=["subscribed"])
        self.connect()
        self.env["mailchimp.operation"].create(
            {"account_ids": [(6, 0, self.account.ids)], "import_members": False}
        ).action_process()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://erp.example.org")
        self.manager.write({"email": "news@example.org", "tz": "UTC"})
        self.start_tour(
            "/odoo/action-mass_mailing.mailing_mailing_action_mail",
            "mailchimp_connector_mailing_send_tour",
            login="mc_manager",
        )
        mailing = self.env["mailing.mailing"].search([("subject", "=", "Spring news, rescheduled")])
        self.assertEqual(mailing.send_with, "mailchimp")
        self.assertEqual(mailing.state, "in_queue")
        mc_id = mailing.mailchimp_campaign_id.mc_id
        camp = state.campaign(mc_id)
        self.assertEqual(camp["tests"][0]["emails"], ["qa@example.org"])
        self.assertIn("*|UNSUB|*", camp["html"])
        self.assertEqual(camp["info"]["settings"]["subject_line"], "Spring news, rescheduled")
        paths = [r["path"][4:] for r in emulator.request_log()]
        schedules = [p for p in paths if p.endswith("/actions/schedule")]
        self.assertEqual(len(schedules), 2, "scheduled, then rescheduled after the edit")
        self.assertIn(f"/campaigns/{mc_id}/actions/unschedule", paths)
        self.assertEqual(
            paths.count(f"/campaigns/{mc_id}/actions/unschedule"), 2, "edit, then Cancel"
        )
        self.run_jobs()
        self.assertEqual(camp["sends"], 1)
        # sent: the hourly refresh of open campaigns reads it, then its report
        state.advance(120)
        self.env["mailchimp.campaign"]._cron_refresh_campaigns()
        self.run_jobs()
        self.start_tour(
            "/odoo/action-mass_mailing.mailing_mailing_action_mail",
            "mailchimp_connector_mailing_report_tour",
            login="mc_manager",
        )
        mailing.invalidate_recordset()
        self.assertEqual(mailing.state, "done")
        self.assertEqual(mailing.sent, 20)
        self.assertEqual(mailing.sent, state.campaign_aggregates(camp)["summary"]["emails_sent"])
        self.assertEqual(mailing.opened, mailing.mailchimp_campaign_id.unique_opens)
        self.assertGreater(mailing.opened_ratio, 0)
