# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Run pending Mailchimp jobs in-process when no queue_job runner serves them.

The cron "Process Queue Jobs (MailChimp)" calls it, so a server started without the
queue_job runner (``--load=web,queue_job``) still makes progress. It runs a job exactly as
queue_job's ``/queue_job/runjob`` controller does (started -> perform -> done, retryable
errors postponed, others failed), locking each job row so it never races the real runner.
"""

import logging
import threading
import time
import traceback
from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import PENDING, Job

from .job_tools import CONCURRENCY_ERRORS, JOB_CHANNEL, concurrency_retry

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
        left, ``max_jobs`` ran or ``time_budget`` seconds passed. Returns the count run."""
        testing = getattr(threading.current_thread(), "testing", False)
        deadline = time.monotonic() + time_budget if time_budget else None
        ran = 0
        while max_jobs is None or ran < max_jobs:
            if deadline and time.monotonic() > deadline:
                break
            uuid = self._mailchimp_lock_next(min_age_seconds)
            if not uuid:
                break
            self._mailchimp_perform(uuid, commit=not testing)
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
    def _mailchimp_perform(self, uuid, commit=True):
        env = self.env(su=True)
        job = Job.load(env, uuid)
        job.set_started()
        job.store()
        if commit:
            env.cr.commit()
        try:
            with env.cr.savepoint():
                job.perform()
                env.flush_all()
        except CONCURRENCY_ERRORS as exc:  # met in the final flush: tried again
            env.invalidate_all(flush=False)
            retry = concurrency_retry(exc)
            job.postpone(result=str(retry), seconds=retry.seconds)
            job.set_pending(reset_retry=False)
            job.store()
        except RetryableJobError as exc:
            env.invalidate_all()
            job.postpone(result=str(exc), seconds=exc.seconds)
            job.set_pending(reset_retry=False)
            job.store()
            _logger.info("Mailchimp job %s postponed: %s", uuid, exc)
        except Exception as exc:  # pylint: disable=broad-except
            env.invalidate_all()
            job.set_failed(
                exc_info=traceback.format_exc(),
                exc_name=type(exc).__name__,
                exc_message=str(exc),
            )
            job.store()
            _logger.warning("Mailchimp job %s failed: %s", uuid, exc)
        else:
            job.set_done()
            job.store()
            job.enqueue_waiting()
        env.flush_all()
        if commit:
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
