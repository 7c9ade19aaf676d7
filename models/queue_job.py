# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Run pending Mailchimp jobs in-process when no queue_job runner serves them.

The cron "Process Queue Jobs (MailChimp)" calls it, so a server started without the
queue_job runner (``--load=web,queue_job``) still makes progress. Each job goes through
queue_job's own code of ``/queue_job/runjob`` (``RunJobController``): its
``_try_perform_job`` (started, committed, performed, done, committed), the concurrency errors
it retries (PostgreSQL's serialization failure, deadlock, lock not available: postponed
``PG_RETRY`` seconds), its ``RetryableJobError`` postponement, its failure values and its
dependent jobs. Only what ties ``runjob`` to an HTTP request is not reused: the job row is
claimed here (``FOR UPDATE SKIP LOCKED`` on a pending job, so it never races the runner), and
a job's outcome is written on the same cursor after the rollback instead of a second one.
"""

import logging
import threading
import time
import traceback
from contextlib import closing
from datetime import timedelta

from psycopg2 import OperationalError

from odoo import api, fields, models
from odoo.addons.queue_job.controllers.main import PG_RETRY, RunJobController
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import PENDING, Job
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.sql_db import TestCursor

from .job_tools import JOB_CHANNEL

_logger = logging.getLogger(__name__)

#: a runner that enqueued a job in the last minutes is taken to serve the database
RUNNER_ALIVE = 10


class QueueJob(models.Model):
    _inherit = "queue.job"

    @api.model
    def _mailchimp_pending_domain(self, min_age_seconds):
        now = fields.Datetime.now()
        domain = [
            ("channel", "=", JOB_CHANNEL),
            ("state", "=", PENDING),
            "|",
            ("eta", "=", False),
            ("eta", "<=", now),
        ]
        if min_age_seconds:
            domain.append(("date_created", "<=", now - timedelta(seconds=min_age_seconds)))
        return domain

    @api.model
    def _mailchimp_run_pending(self, max_jobs=None, time_budget=None, min_age_seconds=0):
        """Perform pending Mailchimp jobs, including the ones they enqueue, until none is
        left, ``max_jobs`` ran or ``time_budget`` seconds passed. Returns the count run.

        queue_job's code commits (after a job's start, after its end): in a test, the jobs
        run on a test cursor over the test's transaction, whose commits are savepoints."""
        if not getattr(threading.current_thread(), "testing", False):
            return self._mailchimp_run_loop(max_jobs, time_budget, min_age_seconds)
        self.env.flush_all()
        registry = self.env.registry
        if registry.in_test_mode():  # an HttpCase: its server's requests share the lock
            cursor = registry.cursor()
        else:
            cursor = TestCursor(self.env.cr, threading.RLock(), False)
        with closing(cursor) as cr:
            ran = self.with_env(self.env(cr=cr))._mailchimp_run_loop(
                max_jobs, time_budget, min_age_seconds
            )
            # a test cursor: its commit is a savepoint of the test's transaction
            cr.commit()  # pylint: disable=invalid-commit
        # the jobs wrote through another environment: the caller's cache is stale
        self.env.invalidate_all()
        return ran

    @api.model
    def _mailchimp_run_loop(self, max_jobs, time_budget, min_age_seconds):
        deadline = time.monotonic() + time_budget if time_budget else None
        ran = 0
        while max_jobs is None or ran < max_jobs:
            if deadline and time.monotonic() > deadline:
                break
            uuid = self._mailchimp_lock_next(min_age_seconds)
            if not uuid:
                break
            self._mailchimp_perform(uuid)
            ran += 1
        return ran

    @api.model
    def _mailchimp_lock_next(self, min_age_seconds):
        job = self.sudo().search(
            self._mailchimp_pending_domain(min_age_seconds),
            order="priority, date_created, id",
            limit=1,
        )
        if not job:
            return None
        self.env.cr.execute(
            "SELECT uuid FROM queue_job WHERE id = %s AND state = %s FOR UPDATE SKIP LOCKED",
            (job.id, PENDING),
        )
        row = self.env.cr.fetchone()
        return row and row[0]

    @api.model
    def _mailchimp_perform(self, uuid):
        """Run the job ``uuid`` (its row locked by this transaction) as queue_job's
        ``/queue_job/runjob`` does, through ``RunJobController``'s own methods; commits."""
        env = self.env(su=True)
        controller = RunJobController()
        job = Job.load(env, uuid)
        try:
            try:
                controller._try_perform_job(env, job)
            except OperationalError as err:
                # runjob: PostgreSQL's concurrency errors are tried again a moment later
                if err.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    raise
                raise RetryableJobError(err.pgerror, seconds=PG_RETRY) from err
        except RetryableJobError as err:
            # runjob's retry_postpone: the job's work is rolled back, the job waits
            env.cr.rollback()
            job.postpone(result=str(err), seconds=err.seconds)
            job.set_pending(reset_retry=False)
            job.store()
            env.flush_all()
            env.cr.commit()
            _logger.debug("%s postponed", job)
            return
        except Exception as exc:  # pylint: disable=broad-except
            # runjob: the traceback logged, the job failed with queue_job's failure values
            traceback_txt = traceback.format_exc()
            _logger.error(traceback_txt)
            env.cr.rollback()
            job.set_failed(**controller._get_failure_values(job, traceback_txt, exc))
            job.store()
            env.flush_all()
            env.cr.commit()
            return
        controller._enqueue_dependent_jobs(env, job)
        env.flush_all()
        env.cr.commit()

    @api.model
    def _mailchimp_runner_serves(self):
        """Whether a queue_job runner serves this database: it enqueued a job (of any
        channel) in the last RUNNER_ALIVE minutes. The fallback never enqueues (it starts the
        jobs it runs), so its own work does not count."""
        since = fields.Datetime.now() - timedelta(minutes=RUNNER_ALIVE)
        return bool(self.sudo().search_count([("date_enqueued", ">=", since)], limit=1))

    @api.model
    def _cron_mailchimp_process_jobs(self):
        """Every 10 minutes: run the Mailchimp jobs the queue_job runner left waiting for
        more than a minute (none when the runner is serving)."""
        if self._mailchimp_runner_serves():
            # a queue_job runner serves this database: the channels' capacities are its to
            # keep; a job waiting there waits for a free place, not for this cron
            return 0
        ran = self._mailchimp_run_pending(time_budget=240, min_age_seconds=60)
        remaining = self.sudo().search_count(self._mailchimp_pending_domain(60))
        # remaining > 0 makes Odoo run the cron again right away
        self.env["ir.cron"]._notify_progress(done=ran, remaining=remaining)
        return ran
