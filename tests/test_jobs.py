# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Job mechanics: row locks, retries handed to queue_job, skipped jobs, cron fan-out."""

import gc
import logging
import time
from contextlib import closing
from datetime import timedelta
from unittest import mock

import psycopg2

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.addons.queue_job.controllers.main import PG_RETRY, RunJobController
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.job_tools import delay, lock_audience_sync, lock_for_job, mailchimp_job, retry_later
from ..services import mailchimp_errors as mce
from ..services.gc_tuning import SERVER_THRESHOLDS
from .common import MailchimpCase

#: the longest Mailchimp outage a job must survive before it fails
OUTAGE_SURVIVED = timedelta(hours=4)


def pattern_wait(pattern, retry):
    """queue_job's delay before the next attempt once ``retry`` attempts ran."""
    wait = 0
    for count, seconds in sorted((int(count), seconds) for count, seconds in pattern.items()):
        if retry >= count:
            wait = seconds
    return wait


def mailchimp_job_methods(env):
    """(model, method) of every queue job method (``_job_*``) this addon defines."""
    found = set()
    for model_name in env.registry:
        model = env.registry[model_name]
        for name in dir(model):
            if not name.startswith("_job_"):
                continue
            module = getattr(getattr(model, name), "__module__", "") or ""
            if module.startswith("odoo.addons.mailchimp_connector."):
                found.add((model_name, name))
    return found


@tagged("post_install", "-at_install")
class TestServerProcess(TransactionCase):
    def test_garbage_collector_set_as_odoo_19_sets_it_at_load(self):
        """The manifest's post_load hook ran in this server process (started with Python's
        default thresholds by scripts/run-tests, without mailchimp_tune_gc)."""
        self.assertEqual(gc.get_threshold(), SERVER_THRESHOLDS)


@tagged("post_install", "-at_install")
class TestJobLock(TransactionCase):
    def test_job_lock_serializes_jobs_but_not_inserts_referencing_the_row(self):
        """Two real connections: the test's holds the job lock on a row (the main company,
        committed at install, nothing is committed here), a second one then inserts a row
        referencing it (foreign key check: FOR KEY SHARE) and tries the job lock itself."""
        company = self.env.ref("base.main_company")
        lock_for_job(company, "busy")
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr2:
            try:
                cr2.execute("SET LOCAL lock_timeout = '2s'")
                with mute_logger("odoo.sql_db"):
                    cr2.execute(
                        "INSERT INTO mailchimp_account (name, company_id, state) "
                        "VALUES ('lock probe', %s, 'draft') RETURNING id",
                        (company.id,),
                    )
                self.assertEqual(len(cr2.fetchall()), 1, "the insert went through")
                other = api.Environment(cr2, SUPERUSER_ID, {})["res.company"].browse(company.id)
                with self.assertRaises(RetryableJobError) as caught:
                    lock_for_job(other, "busy")
                self.assertTrue(caught.exception.ignore_retry)
                self.assertEqual(caught.exception.seconds, 10)
            finally:
                cr2.rollback()

    def test_one_member_sync_job_per_audience_and_never_on_a_stale_snapshot(self):
        """Issue 24: an import page job and a webhook job of one audience ran at the same
        time, and a job that took its lock after its snapshot re-read rows the previous job
        had just changed. Three real connections on an audience committed for the test: one
        holds the audience (a job running), so another's lock is busy; once it commits, a
        job whose snapshot predates that commit is sent back for a fresh one, not let in."""
        registry_cursor = sql_db.db_connect(self.env.cr.dbname).cursor
        with closing(registry_cursor()) as setup:
            setup.execute(
                "INSERT INTO mailchimp_account (name, company_id, state) "
                "VALUES ('lock probe', %s, 'draft') RETURNING id",
                (self.env.ref("base.main_company").id,),
            )
            account_id = setup.fetchone()[0]
            setup.execute(
                "INSERT INTO mailchimp_list (name, mc_id, account_id, sync_serial, webhook_state) "
                "VALUES ('probe', 'probe', %s, 0, 'none') RETURNING id",
                (account_id,),
            )
            list_id = setup.fetchone()[0]
            setup.commit()
        try:
            with closing(registry_cursor()) as running, closing(registry_cursor()) as late:
                env_running = api.Environment(running, SUPERUSER_ID, {})
                env_late = api.Environment(late, SUPERUSER_ID, {})
                env_late.cr.execute("SELECT 1")  # the late job's snapshot is taken here
                lock_audience_sync(env_running["mailchimp.list"].browse(list_id), "busy")
                with self.assertRaises(RetryableJobError) as busy:
                    lock_audience_sync(env_late["mailchimp.list"].browse(list_id), "busy")
                self.assertEqual((busy.exception.seconds, busy.exception.ignore_retry), (10, True))
                running.commit()
                with self.assertRaises(RetryableJobError) as stale:
                    lock_audience_sync(env_late["mailchimp.list"].browse(list_id), "busy")
                self.assertEqual((stale.exception.seconds, stale.exception.ignore_retry), (2, True))
                late.rollback()  # the job starts again, on a fresh snapshot: let in
                lock_audience_sync(env_late["mailchimp.list"].browse(list_id), "busy")
                late.execute("SELECT sync_serial FROM mailchimp_list WHERE id = %s", (list_id,))
                self.assertEqual(late.fetchone()[0], 2)
                late.rollback()
        finally:
            with closing(registry_cursor()) as cleanup:
                cleanup.execute("DELETE FROM mailchimp_list WHERE id = %s", (list_id,))
                cleanup.execute("DELETE FROM mailchimp_account WHERE id = %s", (account_id,))
                cleanup.commit()

    def test_lock_on_a_locked_row_raises_at_once(self):
        company = self.env.ref("base.main_company")
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr2:
            try:
                cr2.execute(
                    "SELECT id FROM res_company WHERE id = %s FOR NO KEY UPDATE", (company.id,)
                )
                started = time.monotonic()
                with self.assertRaises(RetryableJobError):
                    lock_for_job(company, "busy")
                self.assertLess(time.monotonic() - started, 2, "NOWAIT")
            finally:
                cr2.rollback()


@tagged("post_install", "-at_install")
class TestJobRetries(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.seed_members(self.list_mc_id, 20)
        self.audience = self.env["mailchimp.list"]._import_from_account(self.account)

    def test_retry_later_keeps_mailchimps_wait_only(self):
        throttled = retry_later(mce.MailchimpRateLimited("Too Many", status=429, retry_after=120))
        self.assertEqual(throttled.seconds, 120)
        self.assertFalse(throttled.ignore_retry)
        down = retry_later(mce.MailchimpServerError("Down", status=503))
        self.assertIsNone(down.seconds, "no wait given: the job's retry pattern decides")
        self.assertFalse(down.ignore_retry)

    def test_a_concurrent_transaction_is_tried_again_never_a_members_problem(self):
        """Issue 24: a serialization failure (or a row inserted meanwhile) in a page job was
        caught as "member not imported", or failed the job; it is the job's to retry, its
        retry counted (bounded), the run's checkpoint unmoved and no member blamed."""
        run = self.audience._start_member_import()
        model = type(self.env["mailchimp.member.import"])
        conflicts = [
            psycopg2.errors.SerializationFailure("could not serialize access"),
            psycopg2.errors.UniqueViolation("duplicate key value violates unique constraint"),
        ]

        def conflict(service, audience, remotes, counts, *args):
            raise conflicts[0]

        for _attempt in range(2):
            with (
                mock.patch.object(model, "_apply_members", conflict),
                self.assertRaises(RetryableJobError) as caught,
            ):
                run._job_import_page(0)
            self.assertFalse(caught.exception.ignore_retry, "counted: no retry storm")
            self.assertTrue(2 <= caught.exception.seconds <= 12)
            conflicts.pop(0)
        self.assertEqual((run.next_offset, run.failed, run.problems), (0, 0, False))
        # through the queue: postponed with one retry counted, then done
        conflicts.append(psycopg2.errors.DeadlockDetected("deadlock detected"))
        with mock.patch.object(model, "_apply_members", conflict):
            self.run_jobs(max_jobs=1)
        job = self.mailchimp_jobs()
        self.assertEqual((len(job), job.state, job.retry), (1, "pending", 1))
        job.eta = False
        self.run_jobs()
        self.assertEqual(run.state, "done")
        self.assertEqual((run.created, run.failed, run.problems), (20, 0, False))
        self.assertFalse(self.mailchimp_jobs(states=("failed",)))

    def test_a_retried_conflict_is_no_error_in_the_log(self):
        """Issue 24: every retried conflict left an ERROR "bad query" of Odoo's SQL layer in
        the server log. Inside a Mailchimp job it is logged at INFO; elsewhere, and for any
        other failed statement, the ERROR stays."""
        sql_logger = logging.getLogger("odoo.sql_db")
        conflict = "could not serialize access due to concurrent update"

        def bad_query(reason):
            sql_logger.error("bad query: %s\nERROR: %s", "UPDATE mailchimp_member ...", reason)

        @mailchimp_job(account_field=None)
        def job(records, reason):
            bad_query(reason)
            return "done"

        with self.assertNoLogs("odoo.sql_db", level="ERROR"):
            self.assertEqual(job(self.account, conflict), "done")
        with self.assertLogs("odoo.sql_db", level="ERROR"):
            job(self.account, 'relation "nowhere" does not exist')
        with self.assertLogs("odoo.sql_db", level="ERROR"):
            bad_query(conflict)  # outside a job: not ours to judge

    def test_outage_backs_off_along_the_retry_pattern(self):
        self.env["ir.config_parameter"].set_param("mailchimp_connector.backoff_base", "0.01")
        self.emulator.faults.fail_next(1000, 503)
        run = self.audience._start_member_import()
        with self.assertMailchimpCalls(count=3):  # the job's client retries twice at most
            self.run_jobs()
        job = self.mailchimp_jobs()
        self.assertEqual(len(job), 1)
        self.assertEqual((job.retry, job.state), (1, "pending"))
        pattern = job.job_function_id.retry_pattern
        wait = (job.eta - fields.Datetime.now()).total_seconds()
        self.assertAlmostEqual(wait, pattern_wait(pattern, 1), delta=5)
        self.assertEqual(run.state, "running")
        self.assertEqual(run.next_offset, 0)

    def test_every_job_survives_hours_of_outage(self):
        methods = mailchimp_job_methods(self.env)
        self.assertIn(("mailchimp.sync.run", "_job_import_page"), methods)
        for model_name, method in sorted(methods):
            function = self.env["queue.job.function"].search(
                [("name", "=", f"<{model_name}>.{method}")]
            )
            self.assertEqual(len(function), 1, f"{model_name}.{method} has no job function")
            self.assertEqual(function.channel, "root.mailchimp")
        # the jobs as they are enqueued: their retry count and their function's pattern
        self.audience._start_member_import()
        self.audience.push_new = True
        self.env["mailing.contact"].create(
            {"email": "new@example.org", "list_ids": [(4, self.audience.mailing_list_id.id)]}
        )
        self.audience._queue_push()
        jobs = self.mailchimp_jobs()
        self.assertEqual(
            set(jobs.mapped("method_name")), {"_job_import_page", "_job_push"}, "both queued"
        )
        for job in jobs:
            pattern = job.job_function_id.retry_pattern
            self.assertLessEqual(pattern_wait(pattern, 1), 60, "the first retry is quick")
            total = sum(pattern_wait(pattern, r) for r in range(1, job.max_retries))
            self.assertGreaterEqual(
                timedelta(seconds=total), OUTAGE_SURVIVED, f"{job.method_name} fails too soon"
            )

    def test_429_with_retry_after_goes_back_to_the_queue_at_once(self):
        run = self.audience._start_member_import()
        self.emulator.faults.configure(retry_after=120)
        self.emulator.faults.fail_next(1, 429)
        started = time.monotonic()
        with self.assertMailchimpCalls(count=1), self.assertRaises(RetryableJobError) as caught:
            run._job_import_page(0)
        self.assertLess(time.monotonic() - started, 5, "no sleeping inside the job")
        self.assertEqual(caught.exception.seconds, 120)
        # through the queue: the job waits for Mailchimp's delay
        self.emulator.faults.fail_next(1, 429)
        self.run_jobs()
        job = self.mailchimp_jobs()
        self.assertEqual(len(job), 1)
        wait = (job.eta - fields.Datetime.now()).total_seconds()
        self.assertAlmostEqual(wait, 120, delta=5)

    def test_job_client_is_short_interactive_client_is_not(self):
        self.assertEqual(self.account._get_client().max_retries, 6)
        job_client = self.account.with_context(mailchimp_job=True)._get_client()
        self.assertLessEqual(job_client.max_retries, 2)
        self.assertLessEqual(job_client.max_retry_time, 5)
        self.assertLessEqual(job_client.max_sleep, 2)
        self.assertIs(self.account._get_client(for_job=True), job_client)
        self.assertIsNot(self.account._get_client(), job_client)


@tagged("post_install", "-at_install")
class TestJobsOfGoneAccounts(MailchimpCase):
    JOB_METHODS = {
        "_job_fetch_audiences",
        "_job_import_page",
        "_job_push",
        "_job_fetch_report",
        "_job_fetch_activity_page",
        "_job_refresh_status",
        "_job_reconcile",
        "_job_apply_webhooks",
        "_job_send_welcome",
        "_job_mailchimp_send",
        "_job_sync",
        "_job_sync_tags",
        "_job_sync_interests",
    }

    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.seed_members(self.list_mc_id, 20)
        self.audience = self.env["mailchimp.list"]._import_from_account(self.account)

    def enqueue_every_job(self):
        audience = self.audience
        self.account._queue_fetch_audiences()
        audience._start_member_import()
        audience.push_new = True
        self.env["mailing.contact"].create(
            {"email": "new@example.org", "list_ids": [(4, audience.mailing_list_id.id)]}
        )
        audience._queue_push()
        Campaign = self.env["mailchimp.campaign"]
        common = {"account_id": self.account.id, "list_id": audience.id}
        sent = Campaign.create(
            dict(common, name="Sent", mc_id="c1", status="sent", send_time=fields.Datetime.now())
        )
        sent._queue_reports()
        reading = Campaign.create(dict(common, name="Reading", mc_id="c2", status="sent"))
        self.env["mailchimp.sync.run"].create(
            {
                "kind": "campaign_activity",
                "campaign_id": reading.id,
                "phase": "activity",
                "next_offset": 0,
            }
        )._ensure_job()
        Campaign.create(dict(common, name="Later", mc_id="c3", status="schedule"))
        # a mailing sent through Mailchimp, its send queued
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Through Mailchimp",
                "send_with": "mailchimp",
                "mailchimp_list_id": audience.id,
                "body_html": "<p>Hello</p>",
            }
        )
        mailing.with_context(mailchimp_internal=True).write(
            {
                "mailchimp_campaign_id": Campaign.create(
                    dict(common, name="Mailing", mc_id="c4", status="save", mailing_id=mailing.id)
                ).id,
                "state": "in_queue",
            }
        )
        delay(mailing, "send", f"mailchimp-mailing-send-{mailing.id}")._job_mailchimp_send()
        Campaign._cron_refresh_campaigns()
        # a Full Resync's check of members gone from Mailchimp
        old = self.env["mailchimp.member"].create(
            {
                "list_id": audience.id,
                "email": "old@example.org",
                "email_normalized": "old@example.org",
                "status": "subscribed",
            }
        )
        full = self.env["mailchimp.sync.run"].create(
            {
                "list_id": audience.id,
                "full": True,
                "known_until_id": old.id,
                "state": "done",
            }
        )
        full._queue_reconcile()
        self.env["mailchimp.webhook.event"]._queue_jobs(audience)
        audience._queue_welcome()
        # a segment's sync, the audience's tag sync
        self.env["mailchimp.segment"].create(
            {"name": "Everyone", "list_id": audience.id, "domain": "[]"}
        )._queue_sync()
        audience.sync_tags = True
        audience._queue_sync_tags()
        audience._queue_sync_interests()
        jobs = self.mailchimp_jobs()
        self.assertEqual(set(jobs.mapped("method_name")), self.JOB_METHODS)
        return jobs

    def test_the_list_covers_every_job(self):
        found = {method for _model, method in mailchimp_job_methods(self.env)}
        # an erasure request is no account's job: it spans every account, and an archived
        # account's audience is a step in error on it (tests/test_erasure.py)
        self.assertEqual(found - {"_job_erase"}, self.JOB_METHODS)

    def assertAllSkipped(self, jobs):
        with self.assertMailchimpCalls(count=0):
            self.run_jobs()
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("result"))
        for job in jobs:
            self.assertTrue(job.result.startswith("skipped"), f"{job.method_name}: {job.result}")
        self.assertFalse(self.mailchimp_jobs(states=("pending", "enqueued", "failed")))

    def test_archived_account_skips_its_jobs(self):
        jobs = self.enqueue_every_job()
        self.account.active = False
        self.assertAllSkipped(jobs)

    def test_deleted_account_skips_its_jobs(self):
        jobs = self.enqueue_every_job()
        self.account.unlink()
        self.assertAllSkipped(jobs)


@tagged("post_install", "-at_install")
class TestAudienceCron(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.seed_members(self.list_mc_id, 5)

    def add_account(self, name, **vals):
        account = self.env["mailchimp.account"].create(
            dict(
                {
                    "name": name,
                    "api_key": self.emulator.api_key,
                    "api_base_url": self.emulator.base_url,
                    "auto_sync_member": True,
                    "state": "connected",
                },
                **vals,
            )
        )
        return account

    def test_cron_enqueues_one_job_per_account_which_starts_the_imports(self):
        self.account.auto_sync_member = True
        second = self.add_account("Second")
        self.add_account("Manual", auto_sync_member=False)
        self.add_account("Broken", state="error")
        self.add_account("Archived", active=False)
        Audience = self.env["mailchimp.list"]
        with trap_jobs() as trap:
            with self.assertMailchimpCalls(count=0):
                Audience._cron_fetch_audiences()
            trap.assert_jobs_count(2)
            for account in (self.account, second):
                trap.assert_enqueued_job(
                    account._job_fetch_audiences,
                    properties={
                        "channel": "root.mailchimp",
                        "identity_key": f"mailchimp-audiences-{account.id}",
                    },
                )
            self.assertFalse(Audience.search([]), "no audience imported by the cron itself")
            trap.perform_enqueued_jobs()
            for account in (self.account, second):
                audience = Audience.search([("account_id", "=", account.id)])
                self.assertEqual(audience.mapped("mc_id"), [self.list_mc_id], account.name)
                run = self.env["mailchimp.sync.run"].search([("list_id", "=", audience.id)])
                self.assertEqual(len(run), 1)
                self.assertEqual(run.state, "running")
                trap.assert_jobs_count(1, only=run._job_import_page)
            trap.assert_jobs_count(2)

    def test_audience_job_reports_and_retries_mailchimp_errors(self):
        self.emulator.faults.configure(retry_after=30)
        self.emulator.faults.fail_next(1, 429)
        with self.assertRaises(RetryableJobError) as caught:
            self.account._job_fetch_audiences()
        self.assertEqual(caught.exception.seconds, 30)
        self.assertFalse(self.env["mailchimp.list"].search([]))
        result = self.account._job_fetch_audiences()
        audience = self.env["mailchimp.list"].search([])
        self.assertEqual(audience.mc_id, self.list_mc_id)
        self.assertEqual(result, "audiences refreshed: 1, member imports queued: 1")
        self.assertEqual(len(self.mailchimp_jobs()), 1, "its member import is queued")


@tagged("post_install", "-at_install")
class TestFallbackRunsQueueJobsOwnPath(MailchimpCase):
    """Issue 24: the fallback cron re-implemented ``/queue_job/runjob`` and dropped what
    queue_job does there. It now runs each job through ``RunJobController``'s own methods,
    with runjob's outcomes. (queue_job 18.0 has no ``NothingToDoJob`` any more: its runjob
    handles RetryableJobError, PostgreSQL's concurrency errors and failures, as tested here.)"""

    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.list_mc_id = self.emulator.state.add_list(name="Newsletter")
        self.audience = self.env["mailchimp.list"]._import_from_account(self.account)
        self.Audience = type(self.env["mailchimp.list"])

    def queue_job(self, body, **options):
        """A queued Mailchimp job of the audience whose work is ``body(records)``."""
        job = self.audience.with_delay(channel="root.mailchimp", **options)._job_push()
        body.__name__ = "_job_push"  # queue_job loads a job by its method's name
        patcher = mock.patch.object(self.Audience, "_job_push", body)
        patcher.start()
        self.addCleanup(patcher.stop)
        return job.db_record()

    def test_jobs_run_through_queue_jobs_controller(self):
        record = self.queue_job(lambda records: "pushed")
        with mock.patch.object(
            RunJobController,
            "_try_perform_job",
            autospec=True,
            side_effect=RunJobController._try_perform_job,
        ) as performed:
            self.assertEqual(self.run_jobs(), 1)
        self.assertEqual(performed.call_count, 1)
        self.assertEqual((record.state, record.result), ("done", "pushed"))
        self.assertTrue(record.date_started and record.date_done)

    def test_a_concurrency_error_outside_the_jobs_guard_is_tried_again_not_failed(self):
        """A serialization failure that escapes the job's own handling (queue_job's flush of
        the job's end, say) is retried by runjob PG_RETRY seconds later, counted: the
        fallback did the same only for the errors it listed, and failed the job on others."""

        def conflict(records):
            records.env.cr.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'probe' USING ERRCODE = 'serialization_failure'; "
                "END $$"
            )

        record = self.queue_job(conflict)
        with mute_logger("odoo.sql_db"):
            self.run_jobs()
        self.assertEqual((record.state, record.retry, record.exc_name), ("pending", 1, False))
        wait = (record.eta - fields.Datetime.now()).total_seconds()
        self.assertAlmostEqual(wait, PG_RETRY, delta=2)

    def test_a_retryable_error_postpones_and_an_uncounted_one_keeps_the_retries(self):
        errors = [
            RetryableJobError("busy", seconds=10, ignore_retry=True),
            RetryableJobError("Mailchimp down", seconds=60),
        ]

        def retry(records):
            raise errors.pop(0)

        record = self.queue_job(retry)
        self.run_jobs()
        self.assertEqual((record.state, record.retry, record.result), ("pending", 0, "busy"))
        record.eta = False
        self.run_jobs()
        self.assertEqual((record.state, record.retry), ("pending", 1))
        wait = (record.eta - fields.Datetime.now()).total_seconds()
        self.assertAlmostEqual(wait, 60, delta=5)

    def test_a_failing_job_fails_with_queue_jobs_failure_values(self):
        def boom(records):
            raise ValueError("boom")

        record = self.queue_job(boom)
        with self.assertLogs("odoo.addons.mailchimp_connector.models.queue_job", "ERROR"):
            self.run_jobs()
        self.assertEqual(record.state, "failed")
        self.assertEqual((record.exc_name, record.exc_message), ("ValueError", "boom"))
        self.assertIn("Traceback", record.exc_info)

    def test_retries_exhausted_fail_the_job(self):
        def down(records):
            raise RetryableJobError("Mailchimp down")

        record = self.queue_job(down, max_retries=1)
        with self.assertLogs("odoo.addons.mailchimp_connector.models.queue_job", "ERROR"):
            self.run_jobs()
        self.assertEqual(record.state, "failed")
        self.assertEqual(record.exc_name, "odoo.addons.queue_job.exception.FailedJobError")


@tagged("post_install", "-at_install")
class TestAudienceRefreshBesideSyncJobs(MailchimpCase):
    def test_the_hourly_refresh_meets_no_member_sync_job_of_its_audiences(self):
        """Issue 24, found by the multi-process suite with Mailchimp's latency: the hourly
        audience refresh (an account job, 11 s there) rewrote every audience's row, counts
        included, on its snapshot; every member-sync job of an audience writes that row
        (``lock_audience_sync``), so the refresh met a serialization failure and started over,
        three times in a row, each retry counted. It writes only what changed, and leaves
        the counts to the member imports it starts. Real connections: the account and its
        audience committed, a sync job of the audience commits during the refresh."""
        cursor = sql_db.db_connect(self.env.cr.dbname).cursor
        state = self.emulator.state
        list_mc_id = state.add_list(name="Refreshed")
        state.seed_members(list_mc_id, 5)
        with closing(cursor()) as setup:
            env = api.Environment(setup, SUPERUSER_ID, {})
            account = env["mailchimp.account"].create(
                {
                    "name": "Refresh probe",
                    "api_key": self.emulator.api_key,
                    "api_base_url": self.emulator.base_url,
                    "state": "connected",
                }
            )
            audience = env["mailchimp.list"]._import_from_account(account)
            ids = (account.id, audience.id, audience.mailing_list_id.id)
            setup.commit()
        try:
            state.seed_members(list_mc_id, 3, prefix="later")  # the counts change meanwhile
            with closing(cursor()) as job, closing(cursor()) as sync:
                job.execute("SELECT 1")  # the refresh job's snapshot
                lock_audience_sync(
                    api.Environment(sync, SUPERUSER_ID, {})["mailchimp.list"].browse(ids[1]),
                    "busy",
                )
                sync.commit()  # a member-sync job of the audience ends
                env = api.Environment(job, SUPERUSER_ID, {})
                with mute_logger("odoo.sql_db"):
                    result = env["mailchimp.account"].browse(ids[0])._job_fetch_audiences()
                self.assertEqual(result, "audiences refreshed: 1, member imports queued: 1")
                job.rollback()  # its run and job with it: nothing of it is kept
        finally:
            with closing(cursor()) as cleanup:
                cleanup.execute("DELETE FROM mailchimp_list WHERE id = %s", (ids[1],))
                cleanup.execute("DELETE FROM mailing_list WHERE id = %s", (ids[2],))
                cleanup.execute("DELETE FROM mailchimp_account WHERE id = %s", (ids[0],))
                cleanup.commit()
