# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers shared by the Mailchimp jobs (no model here)."""

import functools
import logging
import math
import random
import threading

import psycopg2

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tools import SQL, mute_logger

_logger = logging.getLogger(__name__)

JOB_CHANNEL = "root.mailchimp"
#: PostgreSQL's answers to two transactions meeting on the same rows: never a member's or a
#: job's fault, always tried again (serialization failure, deadlock, lock not available, and
#: a row inserted meanwhile by another transaction under a unique constraint)
CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.UniqueViolation,
)
#: a job meeting a concurrent transaction tries again after this many seconds (spread, so
#: that two jobs that met do not meet again), counted against JOB_MAX_RETRIES: bounded
CONCURRENCY_RETRY_SECONDS = (2, 12)
#: context key of the job entry points: the API client then keeps its retries short
JOB_CONTEXT_KEY = "mailchimp_job"
#: seconds a job spends on Mailchimp calls made one by one (an export's field updates, one
#: PATCH each) before it leaves the rest to its next job: Mailchimp answers in about 0.2 s,
#: and a job must end well within Odoo's limit_time_real (120 s by default), or the worker
#: is killed before the job commits anything, every time it is tried again
CALLS_BUDGET_SECONDS = 40
#: attempts of a job before it fails; with the retry pattern of data/queue_job_data.xml
#: (10 s, then 1, 5, 15, 30 minutes, then hourly) that is about 11 hours of outage
JOB_MAX_RETRIES = 24


_in_job = threading.local()


class _RetriedConflictFilter(logging.Filter):
    """Odoo logs every failed statement as ERROR ("bad query"); inside a Mailchimp job, one
    failed by a concurrent transaction is tried again (``concurrency_retry``) and is no error
    for an operator: it is logged at INFO instead. Every other failure keeps its ERROR."""

    MARKERS = (
        "could not serialize access",
        "deadlock detected",
        "could not obtain lock",
        "duplicate key value violates unique constraint",
    )

    def filter(self, record):
        if record.levelno < logging.ERROR or not getattr(_in_job, "active", False):
            return True
        if not str(record.msg).startswith("bad query"):
            return True
        text = record.getMessage()
        if not any(marker in text for marker in self.MARKERS):
            return True
        if any(isinstance(h, mute_logger) for h in logging.getLogger(record.name).handlers):
            return True  # muted where it is expected (lock_for_job's NOWAIT): not a conflict
        query = text.split("\nERROR: ", 1)[0].removeprefix("bad query: ")
        _logger.info(
            "statement met a concurrent transaction (the job tries again): %s [%s]",
            text.rsplit("ERROR: ", 1)[-1].strip().splitlines()[0],
            " ".join(query.split())[:160],
        )
        return False


logging.getLogger("odoo.sql_db").addFilter(_RetriedConflictFilter())


def mailchimp_job(account_field="account_id"):
    """Decorate a queue job method of a Mailchimp model: the job runs only while its
    records exist and their account is active (else it returns "skipped: ..." without
    calling Mailchimp), with the short-retry API client of the jobs (``JOB_CONTEXT_KEY``).
    ``account_field``: the account of the records, None when they are the accounts."""

    def decorate(method):
        @functools.wraps(method)
        def job(self, *args, **kwargs):
            records = self.with_context(**{JOB_CONTEXT_KEY: True}).exists()
            if not records:
                return "skipped: record deleted"
            accounts = records[account_field] if account_field else records
            if not accounts or not all(accounts.mapped("active")):
                return "skipped: account archived"
            outer = getattr(_in_job, "active", False), getattr(_in_job, "audience", None)
            _in_job.active, _in_job.audience = True, None
            outcome = "done"
            try:
                result = method(records, *args, **kwargs)
                # a key or token Mailchimp refused meanwhile puts the account in error
                accounts.filtered("active")._note_auth_failure()
                # the job's writes reach the database here, where a conflict is still ours
                # to turn into a retry (queue_job's own flush after it would fail the job)
                records.env.flush_all()
                return result
            except CONCURRENCY_ERRORS as exc:
                outcome = type(exc).__name__
                raise concurrency_retry(exc) from None
            except Exception as exc:
                outcome = type(exc).__name__
                raise
            finally:
                if _in_job.audience:
                    # still held until the transaction ends: logged before it is released
                    _logger.debug(
                        "audience %s released by job %s: %s",
                        _in_job.audience,
                        records.env.context.get("job_uuid"),
                        outcome,
                    )
                _in_job.active, _in_job.audience = outer

        return job

    return decorate


def delay(records, description, identity_key, eta=None):
    """``records.with_delay(...)`` for a Mailchimp job: on the channel, with the retry budget
    of the jobs, deduplicated by ``identity_key`` (a job already waiting is not queued twice);
    ``eta``: not before then (a datetime)."""
    return records.with_delay(
        channel=JOB_CHANNEL,
        max_retries=JOB_MAX_RETRIES,
        description=description,
        identity_key=identity_key,
        eta=eta,
    )


def concurrency_retry(exc):
    """The job error for a conflict with a concurrent transaction (``CONCURRENCY_ERRORS``):
    the job's transaction is rolled back and the job tried again a few seconds later, its
    retry counted (so bounded by JOB_MAX_RETRIES). Logged at INFO: nothing is broken."""
    reason = type(exc).__name__
    _logger.info("Mailchimp job met a concurrent transaction (%s): tried again", reason)
    return RetryableJobError(
        f"concurrent update ({reason}): tried again",
        seconds=random.randint(*CONCURRENCY_RETRY_SECONDS),
    )


def retry_later(exc):
    """The job error that hands a retryable Mailchimp error back to queue_job: after
    Mailchimp's own wait when it gave one (429 Retry-After), else after the next step of
    the job function's retry pattern."""
    if exc.retry_after:
        return RetryableJobError(str(exc), seconds=max(1, math.ceil(exc.retry_after)))
    return RetryableJobError(str(exc))


def lock_for_job(record, busy_message):
    """Lock ``record``'s row for the job in flight (NOWAIT). When another worker holds it,
    queue_job tries again in 10 seconds, without counting a retry.

    FOR NO KEY UPDATE: it excludes the other jobs on the row (and its updates) but not the
    FOR KEY SHARE that inserting a row referencing it takes (a member into the audience)."""
    try:
        with mute_logger("odoo.sql_db"), record.env.cr.savepoint():
            record.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                    SQL.identifier(record._table),
                    record.id,
                )
            )
    except psycopg2.errors.LockNotAvailable:
        raise RetryableJobError(busy_message, seconds=10, ignore_retry=True) from None
    except psycopg2.errors.SerializationFailure:
        # the row changed after this job's snapshot (another job of it committed meanwhile):
        # a wait, not an error; the job starts again on a fresh snapshot
        raise RetryableJobError(
            f"{busy_message} (it just committed)", seconds=2, ignore_retry=True
        ) from None


def lock_audience_sync(audience, busy_message):
    """One member-sync job per audience at a time: import pages, a Full Resync's reconcile,
    an export, a batch of webhook events. The audience's row is locked (``lock_for_job``: a
    busy audience is tried again 10 s later, uncounted) and its ``sync_serial`` moved on, so
    that a job whose snapshot predates the commit of the previous one meets a serialization
    failure at this very lock (tried again 2 s later on a fresh snapshot) instead of reading
    rows that job changed as they were before it. Different audiences run in parallel."""
    lock_for_job(audience, busy_message)
    audience._next_sync_serial()
    if getattr(_in_job, "active", False) and not _in_job.audience:
        # who holds which audience when (DEBUG): the multi-process suite proves with these
        # lines that no two jobs of one audience ever held it at once
        _in_job.audience = audience.id
        _logger.debug(
            "audience %s taken by job %s", audience.id, audience.env.context.get("job_uuid")
        )
