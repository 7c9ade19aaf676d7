# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Connect with Mailchimp (OAuth2), end to end: the user's browser goes through the
emulator's consent page and back to Odoo's test server, the callback connects the account,
then imports and exports run over the token."""

import logging
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..models import mailchimp_account_oauth as oauth
from .common import MailchimpCommon, new_user

CALLBACK_LOGGER = "odoo.addons.mailchimp_connector.models.mailchimp_account_oauth"


class _Capture(logging.Handler):
    """Every log record of the process, formatted as a handler would; but the SQL layer's
    DEBUG lines (``--log-sql``: every statement with its values, a developer's option that
    shows any stored secret, the API key too)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        if not record.name.startswith("odoo.sql_db"):
            self.lines.append(self.format(record))


@tagged("post_install", "-at_install")
class TestOAuthConnect(MailchimpCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_mailchimp()

    def setUp(self):
        super().setUp()
        self.emulator = self._start_emulator()
        self.state = self.emulator.state
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("web.base.url", self.base_url())
        params.set_param(oauth.LOGIN_URL_PARAM, self.emulator.root_url)
        self.client_id, self.secret = self.emulator.oauth.register_app(
            self.base_url() + oauth.CALLBACK_PATH
        )
        self.account.with_user(self.manager).write(
            {
                "auth_type": "oauth",
                "api_key": False,
                "oauth_client_id": self.client_id,
                "oauth_client_secret": self.secret,
            }
        )
        # the emulator accepts no API key any more: every call goes with the token
        self.emulator.api_keys = ("ffffffffffffffffffffffffffffffff-us6",)
        self.url_open("/web/health", timeout=60)
        self.authenticate("mc_manager", "mc_manager")

    # helpers ---------------------------------------------------------------
    def start(self, user=None):
        """Connect with Mailchimp as ``user`` (the manager): the authorize URL."""
        action = self.account.with_user(user or self.manager).action_oauth_connect()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["url"].startswith(self.emulator.root_url + "/oauth2/authorize?"))
        return action["url"]

    def consent(self, url, decision="allow"):
        """The browser on Mailchimp's consent page: Allow or Deny; returns the URL Mailchimp
        redirects it to (Odoo's callback)."""
        page = requests.get(url, timeout=10)
        self.assertEqual(page.status_code, 200)
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
        answer = requests.post(
            self.emulator.root_url + "/oauth2/authorize",
            data=dict(fields, decision=decision),
            allow_redirects=False,
            timeout=10,
        )
        self.assertEqual(answer.status_code, 302)
        location = answer.headers["Location"]
        self.assertTrue(location.startswith(self.base_url() + oauth.CALLBACK_PATH + "?"))
        return location

    def callback(self, location, status=303, quiet=True):
        with mute_logger(*((CALLBACK_LOGGER, "werkzeug") if quiet else ())):
            response = self.url_open(location, allow_redirects=False, timeout=60)
        self.assertEqual(response.status_code, status, response.text[:500])
        self.account.invalidate_recordset()
        return response

    def connect(self):
        response = self.callback(self.consent(self.start()))
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/odoo/action-mailchimp_connector.action_mailchimp_account/{self.account.id}"
            )
        )
        return response

    def refused_message(self, response):
        return re.sub(
            r"\s+", " ", response.text.split('id="mailchimp_oauth_message">')[1].split("</div>")[0]
        ).strip()

    def token(self):
        return self.account.sudo().oauth_token

    def query(self, location):
        return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    # tests -----------------------------------------------------------------
    def test_connect_then_import_and_export_over_the_token(self):
        self.connect()
        account = self.account
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.auth_type, "oauth")
        self.assertEqual(account.datacenter, "us6")
        self.assertEqual(account.mc_account_name, "Emulated Account")
        self.assertEqual(account.mc_login_email, "owner@emulated.example")
        self.assertIn(self.token(), self.emulator.oauth.tokens)
        self.assertIn(
            "Connected with Mailchimp (OAuth2)", " ".join(account.message_ids.mapped("body"))
        )
        # an import
        self.list_mc_id = self.state.add_list(name="Newsletter")
        for i in range(3):
            self.state.add_member(self.list_mc_id, f"m{i}@example.org")
        audience = self.import_audiences()
        self.import_members(audience)
        self.assertEqual(audience.member_count, 3)
        # an export
        audience.push_new = True
        self.env["mailing.contact"].create(
            {
                "name": "New",
                "email": "new@example.org",
                "list_ids": [(4, audience.mailing_list_id.id)],
            }
        )
        audience._queue_push()
        self.run_jobs()
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "new@example.org")["status"], "subscribed"
        )
        refused = [r for r in self.emulator.request_log() if r["status"] == 401]
        self.assertFalse(refused, "every call went with the token")
        # Refresh Status works the same on a token
        self.account.with_user(self.manager).action_refresh_status()
        self.assertEqual(self.account.state, "connected")

    def test_deny_changes_nothing(self):
        location = self.consent(self.start(), decision="deny")
        self.assertEqual(self.query(location)["error"], "access_denied")
        response = self.callback(location, status=400)
        self.assertIn("Access was denied in Mailchimp", self.refused_message(response))
        self.assertEqual(self.account.state, "draft")
        self.assertFalse(self.token())
        self.assertFalse(self.emulator.oauth.tokens)

    def test_bad_or_replayed_state_changes_nothing(self):
        location = self.consent(self.start())
        query = self.query(location)
        forged = dict(
            query, state=query["state"][:-2] + ("00" if query["state"][-2:] != "00" else "11")
        )
        base = self.base_url() + oauth.CALLBACK_PATH
        response = self.callback(f"{base}?{urlencode(forged)}", status=400)
        self.assertIn("not valid or has expired", self.refused_message(response))
        for broken in ({"code": query["code"]}, {"code": query["code"], "state": "x.y"}):
            self.callback(f"{base}?{urlencode(broken)}", status=400)
        self.assertEqual(self.account.state, "draft")
        self.assertFalse(self.emulator.oauth.tokens, "the code was never exchanged")
        # the genuine answer still goes through, once
        self.callback(location)
        self.assertEqual(self.account.state, "connected")
        token = self.token()
        response = self.callback(location, status=400)
        self.assertIn("already used", self.refused_message(response))
        self.assertEqual(self.token(), token)
        # a newer request replaces an older one
        older = self.consent(self.start())
        newer = self.consent(self.start())
        self.assertIn("already used", self.refused_message(self.callback(older, status=400)))
        self.callback(newer)

    def test_reused_or_expired_code_changes_nothing(self):
        location = self.consent(self.start())
        code = self.query(location)["code"]
        # somebody exchanged the code first (it is single-use)
        requests.post(
            self.emulator.root_url + "/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "client_id": self.client_id,
                "client_secret": self.secret,
                "redirect_uri": self.base_url() + oauth.CALLBACK_PATH,
                "code": code,
            },
            timeout=10,
        )
        response = self.callback(location, status=400)
        self.assertIn("already used or has expired", self.refused_message(response))
        self.assertEqual(self.account.state, "draft")
        self.assertFalse(self.token())
        location = self.consent(self.start())
        self.state.advance(120)
        self.callback(location, status=400)
        self.assertFalse(self.token())

    def test_callback_opened_by_another_user_changes_nothing(self):
        new_user(
            self.env,
            "mc_other_mgr",
            "base.group_user,mailchimp_connector.group_mailchimp_manager",
            password="mc_other_mgr",
        )
        location = self.consent(self.start())
        self.authenticate("mc_other_mgr", "mc_other_mgr")
        response = self.callback(location, status=400)
        self.assertIn("started by another user", self.refused_message(response))
        self.assertEqual(self.account.state, "draft")
        self.assertFalse(self.emulator.oauth.tokens)
        # not logged in: Odoo's login first, nothing else
        self.logout()
        response = self.url_open(location, allow_redirects=False, timeout=60)
        self.assertIn("/web/login", response.headers["Location"])

    def test_metadata_for_another_datacenter_changes_nothing(self):
        self.connect()
        token = self.token()
        self.emulator.oauth.metadata_dc = "us19"
        response = self.callback(self.consent(self.start()), status=400)
        self.assertIn("datacenter us19", self.refused_message(response))
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(self.account.datacenter, "us6")
        self.assertEqual(self.token(), token)

    def test_revoked_token_puts_the_account_in_error_then_reconnect(self):
        self.connect()
        self.emulator.oauth.revoke()
        # a job meets the revoked token: the account goes in error, nothing more is synced
        self.account._queue_fetch_audiences()
        self.run_jobs()
        self.assertEqual(self.account.state, "error")
        self.assertIn("revoked", self.account.last_error)
        self.assertIn("Reconnect with Mailchimp", self.account.last_error)
        # Refresh Status says the same
        self.account.with_user(self.manager).action_refresh_status()
        self.assertEqual(self.account.state, "error")
        self.connect()
        self.assertEqual(self.account.state, "connected")
        self.assertFalse(self.account.last_error)
        self.account.with_user(self.manager).action_refresh_status()
        self.assertEqual(self.account.state, "connected")

    def test_secrets_never_logged_nor_in_chatter(self):
        capture = _Capture()
        capture.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        root, sql = logging.getLogger(), logging.getLogger("odoo.sql_db")
        old_level, old_sql = root.level, sql.level
        root.addHandler(capture)
        root.setLevel(logging.DEBUG)
        sql.setLevel(logging.INFO)
        try:
            self.connect()
            self.account.with_user(self.manager).action_refresh_status()
            self.callback(self.consent(self.start(), decision="deny"), status=400, quiet=False)
            self.emulator.oauth.revoke()
            self.account.with_user(self.manager).action_refresh_status()
        finally:
            root.removeHandler(capture)
            root.setLevel(old_level)
            sql.setLevel(old_sql)
        token = self.token()
        text = "\n".join(capture.lines)
        self.assertIn("Mailchimp OAuth2 callback refused", text)
        self.assertNotIn(token, text)
        self.assertNotIn(self.secret, text)
        bodies = " ".join(self.account.message_ids.mapped("body"))
        self.assertNotIn(token, bodies)
        self.assertNotIn(self.secret, bodies)
        tracked = self.account.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertFalse({"oauth_token", "oauth_client_secret", "oauth_nonce_hash"} & set(tracked))

    def test_only_managers_connect_and_see_secrets(self):
        account = self.account.with_user(self.mc_user)
        with self.assertRaises(AccessError):
            account.action_oauth_connect()
        for name in ("oauth_token", "oauth_client_secret", "oauth_client_id"):
            with self.assertRaises(AccessError):
                account.read([name])
            self.assertNotIn(name, account.fields_get())
        self.assertEqual(self.account.with_user(self.manager).oauth_client_secret, self.secret)

    def test_switching_the_kind_of_credentials_disconnects_until_connected_again(self):
        self.account.write({"auth_type": "key", "api_key": self.emulator.api_key})
        self.emulator.api_keys = (self.emulator.api_key,)
        self.account.with_user(self.manager).action_test_connection()
        self.assertEqual(self.account.state, "connected")
        self.account.with_user(self.manager).auth_type = "oauth"
        self.assertEqual(self.account.state, "draft", "no token yet: not connected")
        self.account._queue_fetch_audiences()
        self.run_jobs()
        job = self.mailchimp_jobs(states=("done",))
        self.assertEqual(job.result, "skipped: account not connected", "nothing is synced")
        self.connect()
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(self.account.auth_type, "oauth")

    def test_app_not_configured(self):
        self.account.with_user(self.manager).write({"oauth_client_secret": False})
        with self.assertRaises(UserError):
            self.account.with_user(self.manager).action_oauth_connect()
        self.assertEqual(self.account.oauth_redirect_url, self.base_url() + oauth.CALLBACK_PATH)
