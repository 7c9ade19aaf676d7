# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The audit log: one row per change, in the change's transaction, append-only, managers
only, never a key, token or secret."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestAuditLog(MailchimpCase):
    def setUp(self):
        super().setUp()
        self.Log = self.env["mailchimp.audit.log"]
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.add_member(self.list_mc_id, "member@example.org")

    def rows(self, operation, record=None):
        domain = [("operation", "=", operation)]
        if record:
            domain += [("res_model", "=", record._name), ("res_id", "=", record.id)]
        return self.Log.search(domain)

    def all_text(self):
        rows = self.Log.search([])
        return " ".join(f"{r.summary} {r.values_before or ''} {r.values_after or ''}" for r in rows)

    def test_each_logged_operation_writes_its_row_and_no_secret(self):
        secrets = []
        account = self.env["mailchimp.account"].create(
            {"name": "Second", "api_key": "fedcba9876543210fedcba9876543210-us6"}
        )
        secrets.append("fedcba9876543210fedcba9876543210-us6")
        self.assertEqual(
            len(self.rows("account_created").filtered(lambda r: r.res_id == account.id)), 1
        )
        account.api_key = "00000000000000000000000000000000-us6"
        secrets.append("00000000000000000000000000000000-us6")
        self.assertEqual(len(self.rows("key_changed", account)), 1)
        account.write({"push_contacts": False, "campaign_report_days": 7})
        options = self.rows("account_options", account)
        self.assertEqual(len(options), 1)
        self.assertIn('"push_contacts": true', options.values_before)
        self.assertIn('"campaign_report_days": 7', options.values_after)
        # connected / disconnected (the emulated account)
        self.account.action_test_connection()
        self.assertEqual(len(self.rows("connected", self.account)), 1)
        self.account.action_test_connection()  # no change: no second row
        self.assertEqual(len(self.rows("connected", self.account)), 1)
        audience = self.env["mailchimp.list"]._import_from_account(self.account)
        mark = self.Log.search([], limit=1, order="id desc").id
        audience.write({"push_new": True, "push_unsubscribes": True})
        rows = self.rows("audience_options").filtered(lambda r: r.id > mark)
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows.audience_name, rows.account_name), (audience.name, "Emulated"))
        # import: counts
        audience._start_member_import()
        self.run_jobs()
        imports = self.rows("import")
        self.assertEqual(len(imports), 1)
        self.assertEqual((imports.count_done, imports.count_errors), (1, 0))
        self.assertEqual(imports.actor, "job")
        # export existing and export
        mailing_list = self.env["mailing.list"].create({"name": "ML"})
        self.env["mailing.contact"].create(
            {"name": "New", "email": "new@example.org", "list_ids": [(4, mailing_list.id)]}
        )
        audience.mailing_list_id = mailing_list
        wizard = self.env["mailchimp.export.existing"].create({"list_id": audience.id})
        wizard.action_confirm()
        self.assertEqual(self.rows("export_existing").count_done, 1)
        self.run_jobs()
        exports = self.rows("export")
        self.assertEqual(len(exports), 1)
        self.assertEqual(exports.count_done, 1)
        # webhook registration, then rotation
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://odoo.example.com")
        self.emulator.validate_webhooks = False  # no Odoo server to answer its check here
        audience._register_webhooks()
        self.assertEqual(len(self.rows("webhook_registered")), 1)
        audience.action_regenerate_webhook_secret()
        self.assertEqual(len(self.rows("webhook_rotated")), 1)
        secrets += [audience.sudo().webhook_secret, audience.sudo().webhook_token_hash]
        # disconnected
        account.action_disconnect()
        self.assertEqual(len(self.rows("disconnected", account)), 1)
        text = self.all_text()
        for secret in secrets:
            self.assertNotIn(secret, text)
        self.assertNotIn("member@example.org", text)
        self.assertNotIn("new@example.org", text)

    def test_a_change_rolled_back_leaves_no_row(self):
        before = self.Log.search_count([])
        try:
            with self.env.cr.savepoint():
                self.account.write({"push_contacts": False})
                self.assertEqual(self.Log.search_count([]), before + 1)
                raise UserError("rolled back")
        except UserError:
            pass
        self.env.invalidate_all()
        self.assertEqual(self.Log.search_count([]), before)
        self.assertTrue(self.account.push_contacts)

    def test_rows_cannot_change_nor_go_but_by_retention(self):
        row = self.Log.search([], limit=1)
        self.assertTrue(row)
        for env in (self.env, self.env(user=self.manager)):
            with self.assertRaises(UserError):
                row.with_env(env).write({"summary": "edited"})
            with self.assertRaises(UserError):
                row.with_env(env).unlink()
        # retention: rows older than the setting go, the others stay
        old = fields.Datetime.now() - timedelta(days=40)
        self.env.cr.execute("UPDATE mailchimp_audit_log SET date = %s WHERE id = %s", (old, row.id))
        self.env["ir.config_parameter"].sudo().set_param(
            "mailchimp_connector.audit_retention_days", "30"
        )
        count = self.Log.search_count([])
        self.assertEqual(self.Log._cron_purge(), 1)
        self.assertFalse(row.exists())
        self.assertEqual(self.Log.search_count([]), count - 1)
        self.env["ir.config_parameter"].sudo().set_param(
            "mailchimp_connector.audit_retention_days", "nonsense"
        )
        self.assertEqual(self.Log._retention_days(), 365)

    def test_managers_read_the_log_users_do_not(self):
        self.assertTrue(self.Log.with_user(self.manager).search_count([]))
        with self.assertRaises(AccessError):
            self.Log.with_user(self.mc_user).search([])
        with self.assertRaises(AccessError):
            self.Log.with_user(self.manager).create(
                {"operation": "import", "summary": "forged", "actor": "user"}
            )
        menu = self.env.ref("mailchimp_connector.menu_mailchimp_audit_log")
        self.assertTrue(menu.with_user(self.manager)._filter_visible_menus())
        self.assertFalse(menu.with_user(self.mc_user)._filter_visible_menus())
