# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: the account record: its connection (API key, client, clock offset, the translated
# Mailchimp errors), its access checks and its buttons; no sync flow lives here.
import hashlib
import logging
import threading
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..services import mailchimp_errors as mce
from ..services.mailchimp_client import JOB_RETRY_LIMITS, MailchimpClient, parse_api_key
from ..services.mailchimp_data import account_values
from .erasure_tools import scrub_fields
from .job_tools import (
    JOB_CONTEXT_KEY,
    delay,
    lock_for_job,
    mailchimp_job,
    retry_later,
)
from .mailchimp_audit_log import audit, audit_write, settings_before
from .mailchimp_membership_mixin import MAILCHIMP_MANAGER_GROUP, MAILCHIMP_USER_GROUP
from .smart_buttons import related_action, set_counts
from .ui_text import count_text, notification

_logger = logging.getLogger(__name__)

# One HTTP session per account and worker process, rebuilt when the key or the URL changes.
_CLIENTS = {}
_CLIENTS_LOCK = threading.Lock()


def _odoo_clock():
    """The clock Odoo dates records with (naive UTC): Mailchimp's clock offset is measured
    against it, so that an Odoo date plus the offset compares with a Mailchimp date."""
    return fields.Datetime.now()


BASE_URL_PARAM = "mailchimp_connector.api_base_url"


class MailchimpAccount(models.Model):
    _name = "mailchimp.account"
    _description = "Mailchimp Account"
    _inherit = ["mail.thread", "mailchimp.live.mixin"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    api_key = fields.Char(
        string="API Key",
        groups="mailchimp_connector.group_mailchimp_manager",
        copy=False,
        help="Mailchimp API key, shaped like 'xxxxxxxxxxxxxxxx-us6': the part after the dash "
        "is the datacenter.",
    )
    api_base_url = fields.Char(
        string="API Base URL Override",
        groups="mailchimp_connector.group_mailchimp_manager",
        copy=False,
        help="Leave empty to reach https://<datacenter>.api.mailchimp.com/3.0. "
        "Set it only to talk to a Mailchimp emulator (demo, tests).",
    )
    datacenter = fields.Char(compute="_compute_datacenter", store=True, copy=False)
    mc_clock_offset = fields.Integer(
        string="Mailchimp Clock Offset",
        readonly=True,
        copy=False,
        groups="base.group_no_one",
        help="Technical: Mailchimp's clock minus Odoo's, in seconds, as last measured.",
    )
    state = fields.Selection(
        [("draft", "Not Connected"), ("connected", "Connected"), ("error", "Error")],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
    )
    mc_account_id = fields.Char(string="Mailchimp Account ID", readonly=True, copy=False)
    mc_account_name = fields.Char(string="Mailchimp Account Name", readonly=True, copy=False)
    mc_login_email = fields.Char(string="Login Email", readonly=True, copy=False)
    last_check_date = fields.Datetime(string="Last Checked", readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    last_error_date = fields.Datetime(readonly=True, copy=False)
    same_login_warning = fields.Char(
        compute="_compute_same_login_warning",
        help="Another account of Odoo (maybe disconnected) reaches the same Mailchimp account.",
    )

    # Member options (their behaviour is implemented by the sync flows).
    auto_create_member = fields.Boolean(
        string="Auto Create Member In Odoo?",
        default=True,
        help="Unknown Mailchimp members become mailing contacts when audiences are imported.",
    )
    auto_create_partner = fields.Boolean(
        string="Auto Create Customers In Odoo?",
        help="Also find (by email) or create a contact (res.partner) for imported members.",
    )
    auto_sync_member = fields.Boolean(
        string="Auto Sync Member?",
        help="Fetch the audiences of this account every hour (only the changes).",
    )
    auto_update_contact = fields.Boolean(
        string="Auto Update Contact in MailChimp?",
        help="Push changes of mapped Odoo fields to Mailchimp.",
    )
    override_contact_name = fields.Boolean(
        string="Is Override Contact Name?",
        help="When importing, replace a differing Odoo name with the Mailchimp name.",
    )
    push_contacts = fields.Boolean(
        string="Push contacts to this integration",
        default=True,
        help="When off, nothing is ever sent to Mailchimp from this account.",
    )
    campaign_report_days = fields.Integer(
        string="Campaign Report (days)",
        default=5,
        help="Campaign reports are refreshed during this many days after the send time.",
    )

    list_ids = fields.One2many("mailchimp.list", "account_id", string="Audiences")
    list_count = fields.Integer(compute="_compute_counts", string="Audience Count")
    member_count = fields.Integer(
        compute="_compute_counts",
    )
    campaign_count = fields.Integer(
        compute="_compute_content_counts",
    )
    template_count = fields.Integer(
        compute="_compute_content_counts",
    )
    segment_count = fields.Integer(compute="_compute_content_counts")

    _sql_constraints = [
        (
            "campaign_report_days_positive",
            "CHECK(campaign_report_days >= 0)",
            "The campaign report window cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        for account in accounts:
            audit(
                self.env, "account_created", self.env._("Account %s created", account.name), account
            )
        return accounts

    def write(self, vals):
        before = settings_before(self, vals, "account")
        result = super().write(vals)
        audit_write(self, vals, before, "account")
        return result

    @api.depends("mc_account_id", "mc_login_email", "active")
    def _compute_same_login_warning(self):
        Account = self.sudo().with_context(active_test=False)
        for account in self:
            others = Account.browse()
            # a disconnected account syncs nothing: no warning on it (the connected one still
            # names it, as long as it could be connected again)
            if account.active and (account.mc_account_id or account.mc_login_email):
                domain = [("id", "!=", account.id or 0)]
                if account.mc_account_id:
                    domain.append(("mc_account_id", "=", account.mc_account_id))
                else:
                    domain.append(("mc_login_email", "=ilike", account.mc_login_email))
                others = Account.search(domain)
            disconnected = self.env._("(disconnected)")
            names = ", ".join(
                other.name if other.active else f"{other.name} {disconnected}" for other in others
            )
            account.same_login_warning = (
                self.env._(
                    "Another account in Odoo uses the same Mailchimp login (%(login)s): "
                    "%(names)s. Both would sync the same audiences; keep one and disconnect "
                    "the other.",
                    login=account.mc_login_email or account.mc_account_id,
                    names=names,
                )
                if others
                else False
            )

    @api.depends("api_key", "auth_type", "oauth_dc")
    def _compute_datacenter(self):
        for account in self:
            if account.auth_type == "oauth":
                # the datacenter Mailchimp's metadata gave when the account was connected
                account.datacenter = account.oauth_dc or False
                continue
            key = account.sudo().api_key
            try:
                account.datacenter = parse_api_key(key) if key else False
            except mce.MailchimpConfigError:
                account.datacenter = False

    def _compute_counts(self):
        set_counts(self, "list_count", "mailchimp.list", "account_id")
        set_counts(self, "member_count", "mailchimp.member", "account_id")

    def _compute_content_counts(self):
        set_counts(self, "campaign_count", "mailchimp.campaign", "account_id")
        set_counts(self, "template_count", "mailchimp.template", "account_id")
        set_counts(self, "segment_count", "mailchimp.segment", "account_id")

    @api.constrains("api_key")
    def _check_api_key_format(self):
        """A malformed key is refused on save, as the field's help says, not only by Test
        Connection later."""
        for account in self.sudo():
            key = (account.api_key or "").strip()
            if not key:
                continue
            try:
                parse_api_key(key)
            except mce.MailchimpConfigError:
                _logger.info(
                    "Mailchimp account %s (id %s): malformed API key refused on save",
                    account.name,
                    account.id,
                )
                raise ValidationError(
                    self.env._(
                        "This API key is malformed: a Mailchimp API key ends with a dash and "
                        "its datacenter, e.g. 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-us6'. Copy it "
                        "again from Mailchimp (Profile, Extras, API keys)."
                    )
                ) from None

    @api.onchange("api_key")
    def _onchange_api_key(self):
        key = (self.api_key or "").strip()
        if key and "-" not in key and self.auth_type != "oauth":
            return {
                "warning": {
                    "title": self.env._("Malformed API key"),
                    "message": self._error_message(mce.MailchimpConfigError("malformed key")),
                }
            }
        return None

    # ------------------------------------------------------------------
    # Client
    # ------------------------------------------------------------------
    def _get_base_url_override(self):
        self.ensure_one()
        account = self.sudo()
        url = account.api_base_url or self.env["ir.config_parameter"].sudo().get_param(
            BASE_URL_PARAM
        )
        return (url or "").strip() or None

    def _clock_offset(self):
        """Seconds to add to an Odoo time to compare it with a Mailchimp time: measured on
        the account's last answer from Mailchimp (kept on the account between workers)."""
        self.ensure_one()
        client = self._get_client()
        if client.clock_offset is None:
            return timedelta(seconds=self.sudo().mc_clock_offset or 0)
        offset = round(client.clock_offset)
        if abs(offset - (self.sudo().mc_clock_offset or 0)) > 2:
            self.sudo().mc_clock_offset = offset
        return timedelta(seconds=offset)

    def _get_client(self, for_job=None):
        """Return the API client of this account (one HTTP session per account and mode).

        ``for_job`` (default: the ``mailchimp_job`` context key the job entry points set):
        the client of the jobs, whose in-process retries stay within a few seconds; a
        longer wait (429 Retry-After, an outage) is raised to the job, which hands it to
        queue_job instead of sleeping with its transaction and row lock open."""
        self.ensure_one()
        if for_job is None:
            for_job = bool(self.env.context.get(JOB_CONTEXT_KEY))
        key, token, dc = self._credentials()
        base_url = self._get_base_url_override()
        params = self.env["ir.config_parameter"].sudo()
        timeout = (
            float(params.get_param("mailchimp_connector.connect_timeout", 5)),
            float(params.get_param("mailchimp_connector.read_timeout", 60)),
        )
        retry = {
            "max_retries": int(params.get_param("mailchimp_connector.max_retries", 6)),
            "backoff_base": float(params.get_param("mailchimp_connector.backoff_base", 0.5)),
        }
        if for_job:
            retry.update(JOB_RETRY_LIMITS)
            retry["max_retries"] = min(
                JOB_RETRY_LIMITS["max_retries"],
                int(params.get_param("mailchimp_connector.max_retries", 6)),
            )
        fingerprint = hashlib.sha256(
            f"{key}\n{token}\n{dc}\n{base_url}\n{timeout}\n{sorted(retry.items())}".encode()
        ).hexdigest()
        cache_key = (self.env.cr.dbname, self.id, for_job)
        with _CLIENTS_LOCK:
            cached = _CLIENTS.get(cache_key)
            if cached and cached[0] == fingerprint:
                return cached[1]
            client = MailchimpClient(
                key,
                base_url=base_url,
                access_token=token,
                dc=dc,
                timeout=timeout,
                logger=_logger,
                clock=_odoo_clock,
                **retry,
            )
            if cached:
                cached[1].close()
            _CLIENTS[cache_key] = (fingerprint, client)
            return client

    @api.model
    def _error_message(self, exc):
        """A translated, user-facing message for a Mailchimp error."""
        if isinstance(exc, mce.MailchimpConfigError):
            return self.env._(
                "The API key is malformed: it must end with a dash and the datacenter, "
                "like 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-us6'."
            )
        if isinstance(exc, mce.MailchimpAuthError) and self.auth_type == "oauth":
            return self.env._(
                "Mailchimp refused the access of this account (HTTP %(status)s): it was "
                "revoked in Mailchimp, or the app was removed. Press Reconnect with Mailchimp "
                "to connect it again.",
                status=exc.status or 401,
            )
        if isinstance(exc, mce.MailchimpAuthError):
            return self.env._(
                "Mailchimp rejected the API key (HTTP %(status)s). Check that the key is "
                "complete, not revoked, and belongs to datacenter %(dc)s.",
                status=exc.status or 401,
                dc=self.datacenter or "?",
            )
        if isinstance(exc, mce.MailchimpTimeout):
            return self.env._(
                "Mailchimp did not answer in time. Try again later; if it persists, check "
                "the server's network."
            )
        if isinstance(exc, mce.MailchimpNetworkError):
            return self.env._(
                "Mailchimp cannot be reached (%(reason)s). Check the server's network and "
                "the datacenter of the key.",
                reason=exc.detail or exc.title or "network error",
            )
        if isinstance(exc, mce.MailchimpRateLimited):
            return self.env._(
                "Mailchimp is limiting the request rate; the operation will be retried."
            )
        if isinstance(exc, mce.MailchimpServerError):
            return self.env._(
                "Mailchimp had an internal error (HTTP %s). Try again later.", exc.status
            )
        if isinstance(exc, mce.MailchimpComplianceError):
            return self.env._(
                "Mailchimp refused: the member is unsubscribed, cleaned or under compliance "
                "review and can only be re-added as pending (confirmation email)."
            )
        if isinstance(exc, mce.MailchimpForgottenError):
            return self.env._(
                "Mailchimp refused: this address was permanently deleted (GDPR) and cannot "
                "be re-imported by the API."
            )
        if isinstance(exc, mce.MailchimpMergeFieldError):
            fields_txt = ", ".join(
                f"{err.get('field')}: {err.get('message')}" for err in exc.errors or []
            )
            return self.env._("Mailchimp refused the merge fields: %s", fields_txt or exc.detail)
        if isinstance(exc, mce.MailchimpInvalidResource):
            return self.env._("Mailchimp refused the data: %s", exc.detail or exc.title)
        if isinstance(exc, mce.MailchimpNotFound):
            return self.env._(
                "Mailchimp does not know this resource (HTTP 404): %s", exc.detail or ""
            )
        return self.env._("Mailchimp error: %s", exc.detail or exc.title or str(exc))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.model
    def _check_mailchimp_group(self, manager=False):
        """AccessError unless the user is a Mailchimp user (``manager``: a Mailchimp
        manager). Every public method that makes Mailchimp write, or starts an import,
        calls it before going sudo; superuser mode (crons, jobs) passes."""
        if self.env.su:
            return
        group = MAILCHIMP_MANAGER_GROUP if manager else MAILCHIMP_USER_GROUP
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._("Only Mailchimp managers can do this.")
                if manager
                else self.env._("Only Mailchimp users can do this.")
            )

    def _check_manager(self):
        """A Mailchimp manager who may edit these accounts (their company's)."""
        if not self.env.su and not self.env.user.has_group(MAILCHIMP_MANAGER_GROUP):
            raise AccessError(
                self.env._("Only Mailchimp managers can connect or disconnect accounts.")
            )
        self.check_access("write")

    def _test_connection(self):
        """Ping the API and read the account. Returns (ok, message); never raises for
        Mailchimp errors: the account keeps the reason."""
        self.ensure_one()
        now = fields.Datetime.now()
        if self.auth_type == "oauth" and not self.sudo().oauth_token:
            return False, self.env._(
                "Account '%s' connects through OAuth2: press Connect with Mailchimp first.",
                self.name,
            )
        try:
            if self.auth_type != "oauth":
                key = (self.sudo().api_key or "").strip()
                if not key:
                    raise mce.MailchimpConfigError("missing API key")
                parse_api_key(key)
            client = self._get_client()
            # a person is waiting: no retries, the error is shown at once
            client.ping(retry=False)
            info = client.account_info(retry=False)
        except mce.MailchimpError as exc:
            message = self._error_message(exc)
            _logger.warning(
                "Mailchimp account %s (id %s): connection test failed: %s",
                self.name,
                self.id,
                exc,
            )
            self.sudo().write(
                {
                    "state": "error",
                    "last_error": message,
                    "last_error_date": now,
                    "last_check_date": now,
                }
            )
            return False, message
        self.sudo().write(
            {
                "state": "connected",
                **account_values(info),
                "last_error": False,
                "last_error_date": False,
                "last_check_date": now,
            }
        )
        return True, self.env._(
            "Connected to Mailchimp account %(name)s (%(email)s), datacenter %(dc)s.",
            name=self.mc_account_name,
            email=self.mc_login_email,
            dc=self.datacenter,
        )

    def action_test_connection(self):
        self._check_manager()
        results = [(account, *account._test_connection()) for account in self]
        for account, ok, message in results:
            account.message_post(
                body=message if ok else self.env._("Connection failed: %s", message)
            )
        failed = [message for _account, ok, message in results if not ok]
        # reload the form either way: its status banner and check time changed
        return notification(
            self.env._("Mailchimp connection"),
            "\n".join(failed) if failed else results[0][2],
            kind="danger" if failed else "success",
            sticky=bool(failed),
            close=True,
        )

    def action_refresh_status(self):
        """Same check as Test Connection, without the chatter message; says what it found
        and reloads the form."""
        self._check_manager()
        results = [(account, *account._test_connection()) for account in self]
        failed = [message for _account, ok, message in results if not ok]
        lines = [message for _account, _ok, message in results]
        audiences = self.env["mailchimp.list"].search_count([("account_id", "in", self.ids)])
        if not failed:
            lines.append(
                self.env._("1 audience in Odoo.")
                if audiences == 1
                else self.env._("%s audiences in Odoo.", count_text(self.env, audiences))
            )
        return notification(
            self.env._("Mailchimp status"),
            "\n".join(lines),
            kind="danger" if failed else "success",
            sticky=bool(failed),
            close=True,
        )

    def action_disconnect(self):
        """Archive the account: nothing is synced any more, all synced data stays."""
        self._check_manager()
        for account in self:
            account.message_post(
                body=self.env._("Disconnected: the account is archived, data is kept.")
            )
        self.write({"active": False, "state": "draft"})
        for account in self:
            for for_job in (False, True):
                with _CLIENTS_LOCK:
                    cached = _CLIENTS.pop((self.env.cr.dbname, account.id, for_job), None)
                if cached:
                    cached[1].close()
        return True

    def action_reconnect(self):
        self._check_manager()
        self.write({"active": True})
        return self.action_test_connection()

    # ------------------------------------------------------------------
    # Audience refresh (hourly cron)
    # ------------------------------------------------------------------
    def _queue_fetch_audiences(self):
        """Enqueue one audience refresh job per account."""
        for account in self:
            delay(
                account,
                self.env._("Mailchimp: refresh the audiences of %s", account.name),
                f"mailchimp-audiences-{account.id}",
            )._job_fetch_audiences()
        return self

    @mailchimp_job(account_field=None)
    def _job_fetch_audiences(self):
        """Refresh the audiences of this account and their merge fields, then start their
        incremental member imports (one job per page)."""
        self.ensure_one()
        lock_for_job(self, "Another audience refresh of this account runs")
        if self.state != "connected":
            return "skipped: account not connected"
        try:
            # the counts: read by the member imports started below, under each audience's lock
            audiences = self.env["mailchimp.list"]._import_from_account(self, statistics=False)
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        except mce.MailchimpError as exc:
            _logger.warning("Mailchimp account %s: audience refresh failed: %s", self.id, exc)
            return f"failed: {exc}"
        audiences._refresh_interests()
        runs = audiences._start_member_import(full=False)
        return f"audiences refreshed: {len(audiences)}, member imports queued: {len(runs)}"

    def action_view_lists(self):
        return related_action(
            self, "action_mailchimp_list", "account_id", {"default_account_id": self.id}
        )

    def action_view_members(self):
        return related_action(self, "action_mailchimp_member", "account_id")

    def action_view_campaigns(self):
        return related_action(self, "action_mailchimp_campaign", "account_id")

    def action_view_templates(self):
        return related_action(self, "action_mailchimp_template", "account_id")

    def action_view_segments(self):
        return related_action(self, "action_mailchimp_segment", "account_id")

    def action_view_crons(self):
        """The scheduled actions of the connector (audience refresh, exports, campaign
        refresh and reports, the fallback job runner) with their next run."""
        crons = self.env["ir.model.data"].search(
            [("module", "=", "mailchimp_connector"), ("model", "=", "ir.cron")]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mailchimp Scheduled Actions"),
            "res_model": "ir.cron",
            "view_mode": "list,form",
            "domain": [("id", "in", crons.mapped("res_id"))],
            "context": {"active_test": False},
        }

    def action_track_campaign(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mailchimp_connector.action_mailchimp_campaign_track"
        )
        action["context"] = {"default_account_id": self.id}
        return action

    def _mailchimp_erase(self, keys, preview=False):
        """Right to erasure: an account's last error naming one of these addresses."""
        return scrub_fields(self, ["last_error"], keys, preview)
