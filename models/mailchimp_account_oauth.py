# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: the whole OAuth2 connection of an account (the app settings, the signed state, the
# callback's checks, each refusal's message): one flow, kept together.
"""Connect with Mailchimp (OAuth2): an account authenticated by an access token instead of
an API key.

**Connect with Mailchimp** sends the user to Mailchimp's authorize page with a signed,
short-lived, single-use ``state`` bound to the database, the user and the account
(``services/oauth_rules.py``); the callback (``controllers/main.py``, thin) hands the
answer to :meth:`MailchimpAccountOAuth._oauth_callback`, which checks the state, exchanges
the code, reads the metadata (datacenter), checks the account and connects it. The token
never expires; a revoked one puts the account in error (``_note_auth_failure``) until it
is reconnected the same way. The app's client id and secret are system-wide
(``ir.config_parameter``), managers only; the token and the secret are never logged nor
posted.
"""

import hmac
import logging
import secrets
import time

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..services import mailchimp_errors as mce
from ..services import oauth_rules as rules
from ..services.mailchimp_client import MailchimpClient, MailchimpOAuth
from .mailchimp_account import _CLIENTS, _CLIENTS_LOCK
from .mailchimp_membership_mixin import MAILCHIMP_MANAGER_GROUP

_logger = logging.getLogger(__name__)

CLIENT_ID_PARAM = "mailchimp_connector.oauth_client_id"
CLIENT_SECRET_PARAM = "mailchimp_connector.oauth_client_secret"
#: login.mailchimp.com unless set (an emulator: demo, tests)
LOGIN_URL_PARAM = "mailchimp_connector.oauth_base_url"
CALLBACK_PATH = "/mailchimp/oauth/callback"


class MailchimpAccountOAuth(models.Model):
    _inherit = "mailchimp.account"

    auth_type = fields.Selection(
        [("key", "API Key"), ("oauth", "Connect with Mailchimp (OAuth2)")],
        string="Authentication",
        default="key",
        # not required in the database: rows written without it (SQL, older code) are keys
        help="API Key: paste a key of the Mailchimp account. Connect with Mailchimp: a "
        "Mailchimp user allows Odoo's Mailchimp app in their browser (OAuth2), no key is "
        "copied around.",
    )
    oauth_token = fields.Char(
        string="Access Token",
        groups=MAILCHIMP_MANAGER_GROUP,
        copy=False,
        readonly=True,
        help="The OAuth2 access token Mailchimp gave (it does not expire).",
    )
    oauth_dc = fields.Char(
        string="OAuth2 Datacenter",
        readonly=True,
        copy=False,
        help="The datacenter Mailchimp named when the account was connected with OAuth2.",
    )
    oauth_nonce_hash = fields.Char(groups=MAILCHIMP_MANAGER_GROUP, copy=False, readonly=True)
    oauth_redirect_url = fields.Char(
        string="Redirect URL",
        compute="_compute_oauth_redirect_url",
        help="Register this URL as the Redirect URI of the Mailchimp app.",
    )
    oauth_client_id = fields.Char(
        string="App Client ID",
        compute="_compute_oauth_app",
        inverse="_inverse_oauth_client_id",
        groups=MAILCHIMP_MANAGER_GROUP,
        help="Client ID of the Mailchimp app registered for this Odoo (shared by all accounts).",
    )
    oauth_client_secret = fields.Char(
        string="App Client Secret",
        compute="_compute_oauth_app",
        inverse="_inverse_oauth_client_secret",
        groups=MAILCHIMP_MANAGER_GROUP,
        help="Client secret of the Mailchimp app (shared by all accounts).",
    )

    def write(self, vals):
        if "auth_type" in vals and "state" not in vals:
            # another kind of credentials: connected again with them (Test Connection, or
            # Connect with Mailchimp), not on the other kind's connection
            changed = self.filtered(
                lambda a: (
                    (a.auth_type or "key") != (vals["auth_type"] or "key") and a.state != "draft"
                )
            )
            if changed:
                super(MailchimpAccountOAuth, changed).write({"state": "draft"})
        return super().write(vals)

    @api.depends("auth_type")
    def _compute_oauth_redirect_url(self):
        url = self._oauth_redirect_url()
        for account in self:
            account.oauth_redirect_url = url

    def _compute_oauth_app(self):
        params = self.env["ir.config_parameter"].sudo()
        client_id = params.get_param(CLIENT_ID_PARAM) or False
        secret = params.get_param(CLIENT_SECRET_PARAM) or False
        for account in self:
            account.oauth_client_id = client_id
            account.oauth_client_secret = secret

    def _set_app_param(self, key, value):
        self._check_manager()
        self.env["ir.config_parameter"].sudo().set_param(key, (value or "").strip() or False)

    def _inverse_oauth_client_id(self):
        for account in self[:1]:
            account._set_app_param(CLIENT_ID_PARAM, account.oauth_client_id)

    def _inverse_oauth_client_secret(self):
        for account in self[:1]:
            account._set_app_param(CLIENT_SECRET_PARAM, account.oauth_client_secret)

    @api.model
    def _oauth_redirect_url(self):
        base = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        return base + CALLBACK_PATH

    @api.model
    def _oauth_app(self):
        """The Mailchimp app (UserError when its client id or secret is missing)."""
        params = self.env["ir.config_parameter"].sudo()
        client_id = (params.get_param(CLIENT_ID_PARAM) or "").strip()
        secret = (params.get_param(CLIENT_SECRET_PARAM) or "").strip()
        if not client_id or not secret:
            raise UserError(
                self.env._(
                    "Enter the Client ID and Client Secret of the Mailchimp app first "
                    "(Connection: Mailchimp app)."
                )
            )
        timeout = (
            float(params.get_param("mailchimp_connector.connect_timeout", 5)),
            float(params.get_param("mailchimp_connector.read_timeout", 60)),
        )
        return MailchimpOAuth(
            client_id,
            secret,
            base_url=(params.get_param(LOGIN_URL_PARAM) or "").strip() or None,
            timeout=timeout,
        )

    def _credentials(self):
        """(API key, access token, datacenter) of the account's kind, for its client;
        UserError when the account has none yet."""
        self.ensure_one()
        account = self.sudo()
        if account.auth_type == "oauth":
            if not account.oauth_token or not account.oauth_dc:
                raise UserError(
                    self.env._(
                        "Account '%s' connects through OAuth2: press Connect with Mailchimp first.",
                        self.name,
                    )
                )
            return None, account.oauth_token, account.oauth_dc
        key = (account.api_key or "").strip()
        if not key:
            raise UserError(self.env._("Enter the API key of account '%s' first.", self.name))
        return key, None, None

    # ------------------------------------------------------------------
    # The authorization request and its callback
    # ------------------------------------------------------------------
    def _state_secret(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.secret") or ""

    def action_oauth_connect(self):
        """Send the user to Mailchimp's authorize page (Connect / Reconnect with Mailchimp)."""
        self.ensure_one()
        self._check_manager()
        if not self.active:
            raise UserError(self.env._("Reconnect the archived account first."))
        app = self._oauth_app()
        nonce = secrets.token_urlsafe(24)
        # a newer request replaces an older one: only the last state is accepted, once
        self.sudo().write({"oauth_nonce_hash": rules.nonce_hash(nonce), "auth_type": "oauth"})
        state = rules.sign_state(
            self._state_secret(),
            db=self.env.cr.dbname,
            uid=self.env.uid,
            account_id=self.id,
            nonce=nonce,
            issued_at=int(time.time()),
        )
        return {
            "type": "ir.actions.act_url",
            "url": app.authorize_url(self._oauth_redirect_url(), state),
            "target": "self",
        }

    def _oauth_refusal(self, reason, message):
        """A refused callback: a specific log line (never the code, state or token) and the
        user's message; nothing of the account changed."""
        _logger.warning(
            "Mailchimp OAuth2 callback refused: %s (user %s, account %s)",
            reason,
            self.env.uid,
            self.id or "?",
        )
        return {"ok": False, "message": message, "account_id": self.id or False}

    def _state_refusal_message(self, reason):
        if reason == rules.STATE_OTHER_USER:
            return self.env._(
                "This Mailchimp authorization was started by another user: only that user "
                "can complete it. Press Connect with Mailchimp yourself."
            )
        return self.env._(
            "This Mailchimp authorization is not valid or has expired (it can be used once, "
            "within 10 minutes). Press Connect with Mailchimp again."
        )

    @api.model
    def _oauth_callback(self, params):
        """Mailchimp's redirect after the user allowed (``code``) or denied (``error``) the
        app. Returns {"ok", "message", "account_id"}; a refusal changes nothing of the
        account but spends the request's state."""
        try:
            data = rules.read_state(
                self._state_secret(),
                params.get("state"),
                db=self.env.cr.dbname,
                uid=self.env.uid,
                now=int(time.time()),
            )
        except rules.StateError as exc:
            return self.browse()._oauth_refusal(
                f"state {exc.reason}", self._state_refusal_message(exc.reason)
            )
        account = self.browse(data["account_id"]).exists()
        if not account:
            return self.browse()._oauth_refusal(
                "account gone", self.env._("This Mailchimp account no longer exists in Odoo.")
            )
        try:
            account._check_manager()
        except AccessError:
            return account._oauth_refusal(
                "not a manager of the account",
                self.env._("Only Mailchimp managers can connect or disconnect accounts."),
            )
        stored = account.sudo().oauth_nonce_hash or ""
        if not stored or not hmac.compare_digest(stored, rules.nonce_hash(data["nonce"])):
            return account._oauth_refusal(
                "state already used or replaced",
                self.env._(
                    "This Mailchimp authorization was already used, or replaced by a newer "
                    "one. Press Connect with Mailchimp again."
                ),
            )
        account.sudo().oauth_nonce_hash = False  # single-use, whatever follows
        if params.get("error"):
            return account._oauth_refusal(
                "access denied in Mailchimp",
                self.env._(
                    "Access was denied in Mailchimp: account %s is unchanged.", account.name
                ),
            )
        code = params.get("code")
        if not isinstance(code, str) or not code or len(code) > 512:
            return account._oauth_refusal(
                "no code", self.env._("Mailchimp's answer carried no authorization code.")
            )
        return account._oauth_connect(code)

    def _oauth_connect(self, code):
        """Exchange the code, read and check the metadata and the account, then connect."""
        self.ensure_one()
        override = self._get_base_url_override()
        try:
            app = self._oauth_app()
            token = app.exchange_code(code, self._oauth_redirect_url())
            metadata = app.metadata(token)
            dc = rules.check_metadata(
                metadata,
                known_dc=self.oauth_dc if self.mc_account_id else None,
                check_endpoint=not override,
            )
            client = MailchimpClient(
                None,
                base_url=override,
                access_token=token,
                dc=dc,
                timeout=app.timeout,
                logger=_logger,
                max_retries=0,
            )
            try:
                info = client.account_info(retry=False)
            finally:
                client.close()
        except UserError as exc:
            return self._oauth_refusal("app not configured", str(exc))
        except rules.MetadataError as exc:
            if exc.reason == rules.METADATA_OTHER_DATACENTER:
                message = self.env._(
                    "This authorization is for a Mailchimp account of datacenter %(dc)s, "
                    "but account %(name)s is connected to datacenter %(known)s: nothing was "
                    "changed. Connect the same Mailchimp account, or create another account "
                    "in Odoo for this one.",
                    dc=exc.dc,
                    name=self.name,
                    known=self.oauth_dc,
                )
            else:
                message = self.env._(
                    "Mailchimp's description of the account (its datacenter) was not "
                    "understood: nothing was changed."
                )
            return self._oauth_refusal(f"metadata {exc.reason}", message)
        except mce.MailchimpOAuthError as exc:
            if exc.title == "invalid_client":
                message = self.env._(
                    "Mailchimp refused the app's Client ID or Client Secret: check them on "
                    "the account form."
                )
            else:
                message = self.env._(
                    "Mailchimp refused the authorization code: it was already used or has "
                    "expired. Press Connect with Mailchimp again."
                )
            return self._oauth_refusal(f"token {exc.title}", message)
        except mce.MailchimpError as exc:
            return self._oauth_refusal(f"Mailchimp error {exc.code}", self._error_message(exc))
        if self.mc_account_id and info.get("account_id") != self.mc_account_id:
            return self._oauth_refusal(
                "another Mailchimp account",
                self.env._(
                    "This authorization is for another Mailchimp account (%(other)s) than the "
                    "one account %(name)s is connected to (%(current)s): nothing was changed.",
                    other=info.get("account_name") or info.get("account_id"),
                    name=self.name,
                    current=self.mc_account_name or self.mc_account_id,
                ),
            )
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "auth_type": "oauth",
                "oauth_token": token,
                "oauth_dc": dc,
                "state": "connected",
                "mc_account_id": info.get("account_id"),
                "mc_account_name": info.get("account_name") or metadata.get("accountname"),
                "mc_login_email": info.get("email")
                or (metadata.get("login") or {}).get("login_email"),
                "last_error": False,
                "last_error_date": False,
                "last_check_date": now,
            }
        )
        message = self.env._(
            "Connected with Mailchimp (OAuth2) to account %(name)s (%(email)s), datacenter %(dc)s.",
            name=self.mc_account_name,
            email=self.mc_login_email,
            dc=dc,
        )
        self.message_post(body=message)
        _logger.info("Mailchimp account %s connected through OAuth2 (dc %s)", self.id, dc)
        return {"ok": True, "message": message, "account_id": self.id}

    # ------------------------------------------------------------------
    # A credential refused while a job ran
    # ------------------------------------------------------------------
    def _note_auth_failure(self):
        """After a job: when Mailchimp refused the account's key or token during it (a
        revoked token, a deleted key), the account goes in error with the reason, so that
        nothing more is synced until a manager reconnects it."""
        for account in self:
            with _CLIENTS_LOCK:
                cached = _CLIENTS.get((self.env.cr.dbname, account.id, True))
            client = cached[1] if cached else None
            exc = getattr(client, "auth_error", None)
            if exc is None:
                continue
            client.auth_error = None
            if account.state != "connected":
                continue
            message = account._error_message(exc)
            _logger.warning(
                "Mailchimp account %s: credentials refused during a job (%s): account in error",
                account.id,
                exc.status,
            )
            account.sudo().write(
                {
                    "state": "error",
                    "last_error": message,
                    "last_error_date": fields.Datetime.now(),
                }
            )
