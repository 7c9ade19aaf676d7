# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers shared by the Mailchimp jobs (no model here)."""

import psycopg2

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tools import SQL, mute_logger


def retry_later(exc):
    """The job error that makes queue_job retry after Mailchimp's wait (429) or a minute."""
    return RetryableJobError(str(exc), seconds=int(exc.retry_after or 60))


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
