# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Job mechanics: row locks, retries handed to queue_job, skipped jobs, cron fan-out."""

import time
from contextlib import closing

from odoo import SUPERUSER_ID, api, sql_db
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.job_tools import lock_for_job


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
