# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import socket

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ADDON_ROOT, MailchimpCase, new_user


def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@tagged("post_install", "-at_install")
class TestAccountConnection(MailchimpCase):
    def test_connect_fills_account_name_email_and_datacenter(self):
        action = self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(self.account.datacenter, "us6")
        root = self.emulator.state.account()
        self.assertEqual(self.account.mc_account_name, root["account_name"])
        self.assertEqual(self.account.mc_login_email, root["email"])
        self.assertFalse(self.account.last_error)
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(root["account_name"], action["params"]["message"])
        self.assertEqual(self.emulator.count_requests(path_prefix="/3.0/ping"), 1)

    def test_malformed_key_is_refused_on_save(self):
        key = self.account.sudo().api_key
        for malformed in ("0123456789abcdef0123456789abcdef", "abc-", "-us6", "abc-us 6"):
            with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                self.account.api_key = malformed
                self.env.flush_all()
            self.assertIn("ends with a dash and its datacenter", str(caught.exception))
        self.assertEqual(self.account.sudo().api_key, key, "the stored key is unchanged")
        self.account.api_key = "  0123456789abcdef0123456789abcdef-us9  "  # pasted with blanks
        self.assertEqual(self.account.datacenter, "us9")

    def test_malformed_key_sets_error_with_its_own_message(self):
        # stored before keys were checked on save
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mailchimp_account SET api_key = %s, datacenter = NULL WHERE id = %s",
            ("0123456789abcdef0123456789abcdef", self.account.id),
        )
        self.account.invalidate_recordset()
        self.assertFalse(self.account.datacenter)
        action = self.account.action_test_connection()
        self.assertEqual(self.account.state, "error")
        self.assertIn("malformed", self.account.last_error)
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.emulator.count_requests(), 0, "a malformed key is never sent")

    def test_rejected_key_sets_error_with_its_own_message(self):
        self.account.api_key = "ffffffffffffffffffffffffffffffff-us6"
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "error")
        self.assertIn("rejected the API key", self.account.last_error)

    def test_wrong_datacenter_is_rejected(self):
        self.account.api_key = "0123456789abcdef0123456789abcdef-us9"
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "error")
        self.assertIn("rejected the API key", self.account.last_error)

    def test_unreachable_host_sets_error_with_its_own_message(self):
        self.account.api_base_url = f"http://127.0.0.1:{closed_port()}/3.0"
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "error")
        self.assertIn("cannot be reached", self.account.last_error)

    def test_timeout_sets_error_with_its_own_message(self):
        self.env["ir.config_parameter"].set_param("mailchimp_connector.read_timeout", "0.3")
        self.emulator.faults.configure(delay=1.5)
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "error")
        self.assertIn("did not answer in time", self.account.last_error)

    def test_error_then_success_clears_the_error(self):
        self.account.api_key = "ffffffffffffffffffffffffffffffff-us6"
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "error")
        self.account.api_key = self.emulator.api_key
        self.account.action_refresh_status()
        self.assertEqual(self.account.state, "connected")
        self.assertFalse(self.account.last_error)

    def test_key_never_in_chatter_nor_logs(self):
        key = self.emulator.api_key
        with self.assertLogs("odoo.addons.mailchimp_connector", level="DEBUG") as logs:
            self.account.api_key = key.replace("0", "1")
            self.account.action_test_connection()
            self.account.api_key = key
            self.account.action_test_connection()
        for line in logs.output:
            self.assertNotIn(key, line)
            self.assertNotIn(key.replace("0", "1"), line)
        bodies = " ".join(self.account.message_ids.mapped("body"))
        self.assertTrue(bodies)
        self.assertNotIn(key[:20], bodies)
        tracked = self.account.message_ids.tracking_value_ids
        self.assertNotIn("api_key", tracked.field_id.mapped("name"))

    def test_disconnect_archives_and_keeps_data_reconnect_reverses(self):
        self.account.action_test_connection()
        audience = self.env["mailchimp.list"].create(
            {"name": "Kept", "mc_id": "kept01", "account_id": self.account.id}
        )
        self.account.with_user(self.manager).action_disconnect()
        self.assertFalse(self.account.active)
        self.assertEqual(self.account.state, "draft")
        self.assertTrue(audience.exists())
        self.account.with_user(self.manager).action_reconnect()
        self.assertTrue(self.account.active)
        self.assertEqual(self.account.state, "connected")

    def test_key_revoked_while_a_job_runs_puts_the_account_in_error(self):
        self.account.action_test_connection()
        self.emulator.api_keys = ("ffffffffffffffffffffffffffffffff-us6",)
        self.account._queue_fetch_audiences()
        with mute_logger("odoo.addons.mailchimp_connector.models.mailchimp_account_oauth"):
            self.run_jobs()
        self.assertEqual(self.account.state, "error")
        self.assertIn("rejected the API key", self.account.last_error)
        self.account._queue_fetch_audiences()
        before = self.emulator.count_requests()
        self.run_jobs()
        self.assertEqual(self.emulator.count_requests(), before, "nothing more is synced")

    def test_neutralized_copy_keeps_no_secret(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("mailchimp_connector.oauth_client_id", "1234")
        params.set_param("mailchimp_connector.oauth_client_secret", "s3cr3t")
        self.account.sudo().write(
            {"auth_type": "oauth", "oauth_token": "t0k3n", "oauth_dc": "us6", "state": "connected"}
        )
        self.env.flush_all()
        path = os.path.join(ADDON_ROOT, "data", "neutralize.sql")
        with open(path, encoding="utf-8") as sql:
            self.env.cr.execute(sql.read())
        self.env.invalidate_all()
        self.env.registry.clear_cache()  # the system parameters' cache
        self.assertFalse(self.account.sudo().oauth_token)
        self.assertEqual(self.account.state, "draft")
        self.assertFalse(params.get_param("mailchimp_connector.oauth_client_secret"))

    def test_base_url_from_datacenter_without_override(self):
        self.account.api_base_url = False
        client = self.account._get_client()
        self.assertEqual(client.base_url, "https://us6.api.mailchimp.com/3.0")

    def test_system_parameter_overrides_base_url(self):
        self.account.api_base_url = False
        self.env["ir.config_parameter"].set_param(
            "mailchimp_connector.api_base_url", self.emulator.base_url
        )
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected")


@tagged("post_install", "-at_install")
class TestAccountAccess(MailchimpCase):
    def test_user_cannot_read_api_key(self):
        account = self.account.with_user(self.mc_user)
        self.assertEqual(account.name, "Emulated")
        with self.assertRaises(AccessError):
            account.read(["api_key"])
        self.assertNotIn("api_key", account.fields_get())

    def test_user_cannot_configure_nor_test(self):
        account = self.account.with_user(self.mc_user)
        with self.assertRaises(AccessError):
            account.write({"name": "Renamed"})
        with self.assertRaises(UserError):
            account.action_test_connection()

    def test_manager_reads_key(self):
        account = self.account.with_user(self.manager)
        self.assertEqual(account.api_key, self.emulator.api_key)

    def test_other_company_account_is_invisible(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["mailchimp.account"].create(
            {"name": "Foreign", "company_id": other.id, "api_key": "abc-us6"}
        )
        user = new_user(
            self.env,
            login="mc_mgr_main",
            groups="base.group_user,mailchimp_connector.group_mailchimp_manager",
            company_id=self.env.company.id,
            company_ids=[self.env.company.id],
        )
        visible = self.env["mailchimp.account"].with_user(user).search([])
        self.assertIn(self.account, visible)
        self.assertNotIn(foreign, visible)
        with self.assertRaises(AccessError):
            foreign.with_user(user).read(["name"])

    def test_every_mailchimp_menu_opens_an_existing_action(self):
        root = self.env.ref("mailchimp_connector.menu_mailchimp_root")
        menus = self.env["ir.ui.menu"].search([("id", "child_of", root.id), ("id", "!=", root.id)])
        names = set(menus.mapped("name"))
        for expected in ("Accounts", "Audiences", "MailChimp Operations"):
            self.assertIn(expected, names)
        for menu in menus.filtered(lambda m: not m.child_id):  # a folder (Configuration) has none
            self.assertTrue(menu.action, f"menu {menu.name} has no action")
            self.assertIn(menu.action.res_model, self.env, f"menu {menu.name}: missing model")
