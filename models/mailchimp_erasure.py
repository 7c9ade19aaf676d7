# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The right to erasure: a request per address, run as a job that resumes.

Steps, each visible on the request: (1) ``delete-permanent`` in every audience of every
account (one line per audience: erased, absent, waiting for Mailchimp, or an error to act
on); (2) once all are erased or absent, the connector's personal data removed
(``erasure_tools.erase_local``: every model holding addresses removes its own), the address
cleared from the request, the ``privacy.log`` written. The tombstone (a keyed hash, no
address) is written when the request is made, so no import, webhook or export brings the
address back meanwhile.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..services import mailchimp_errors as mce
from ..services.erasure_rules import (
    STEP_DONE,
    STEP_ERASED,
    STEP_ERROR,
    STEP_PENDING,
    STEP_RETRY,
    anonymized,
    step_outcome,
)
from ..services.identity import member_key
from .erasure_tools import erase_local, tombstone_hashes
from .job_tools import JOB_CHANNEL, JOB_CONTEXT_KEY
from .mailchimp_audit_log import audit
from .mailchimp_membership_mixin import MAILCHIMP_MANAGER_GROUP

_logger = logging.getLogger(__name__)

#: waits between the attempts of a request Mailchimp could not answer (seconds), then hourly;
#: after MAX_ATTEMPTS the request is marked failed (shown, a manager retries it)
RETRY_WAITS = (10, 60, 300, 900, 1800)
MAX_ATTEMPTS = 24

STATES = [
    ("queued", "Queued"),
    ("waiting", "Waiting for Mailchimp"),
    ("failed", "Needs Attention"),
    ("done", "Erased"),
]
STEP_STATES = [
    (STEP_PENDING, "To erase"),
    (STEP_ERASED, "Erased in Mailchimp"),
    ("absent", "Not in Mailchimp"),
    (STEP_RETRY, "Waiting for Mailchimp"),
    (STEP_ERROR, "Error"),
]


class MailchimpErasureTombstone(models.Model):
    """An erased address, as a keyed hash only (HMAC under the database's secret)."""

    _name = "mailchimp.erasure.tombstone"
    _description = "Mailchimp Erased Address"
    _log_access = False

    hash = fields.Char(required=True, readonly=True, index=True)
    erased_at = fields.Datetime(
        required=True,
        readonly=True,
        help="When the address was erased (Mailchimp's time): its data dated before is "
        "refused; a sign-up dated after is a new member.",
    )

    _sql_constraints = [("hash_uniq", "unique(hash)", "An address is tombstoned once.")]

    @api.depends("erased_at")
    def _compute_display_name(self):
        # never the hash, which names nobody but is no title either
        for tombstone in self:
            tombstone.display_name = self.env._(
                "Address erased on %s", fields.Datetime.to_string(tombstone.erased_at) or "?"
            )


class MailchimpErasure(models.Model):
    _name = "mailchimp.erasure"
    _description = "Mailchimp Erasure Request"
    _order = "id desc"

    name = fields.Char(string="Address", compute="_compute_name", store=True)
    email = fields.Char(
        string="Address to Erase",
        readonly=True,
        copy=False,
        groups=MAILCHIMP_MANAGER_GROUP,
        help="Kept only while the request runs; cleared once it is done.",
    )
    email_anonymized = fields.Char(string="Erased Address", readonly=True)
    person_name = fields.Char(readonly=True, groups=MAILCHIMP_MANAGER_GROUP)
    state = fields.Selection(STATES, default="queued", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Requested By", default=lambda self: self.env.user, readonly=True
    )
    line_ids = fields.One2many("mailchimp.erasure.line", "erasure_id", readonly=True)
    local_done = fields.Boolean(string="Odoo Data Removed", readonly=True)
    details = fields.Text(string="What Was Erased", readonly=True)
    last_error = fields.Text(readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(readonly=True)
    date_done = fields.Datetime(string="Completed On", readonly=True)
    privacy_log_id = fields.Many2one("privacy.log", readonly=True, ondelete="set null")

    @api.depends("email_anonymized")
    def _compute_name(self):
        for request in self:
            request.name = self.env._("Erasure of %s", request.email_anonymized or "")

    # ------------------------------------------------------------------
    @api.model
    def _request(self, email, person_name=None, privacy_log=None):
        """A request for ``email`` (managers): the open one when there is one, else a new
        one, its tombstone written and its job queued."""
        self._check_manager()
        key = member_key(email)
        if not key:
            raise UserError(self.env._("%s is not one valid email address.", email or "-"))
        Request = self.sudo()
        for request in Request.search([("state", "!=", "done")]):
            if member_key(request.email) == key:
                return request
        request = Request.create(
            {
                "email": key,
                "person_name": person_name or False,
                "email_anonymized": anonymized(key),
                "privacy_log_id": privacy_log.id if privacy_log else False,
                "line_ids": [
                    (0, 0, {"list_id": audience.id, "audience_name": audience.display_name})
                    for audience in self.env["mailchimp.list"]
                    .sudo()
                    .with_context(active_test=False)
                    .search([("mc_id", "!=", False)])
                ],
            }
        )
        request._tombstone(fields.Datetime.now())
        audit(
            self.env,
            "erasure_requested",
            self.env._(
                "Erasure of %(address)s requested in %(count)s audiences",
                address=request.email_anonymized,
                count=len(request.line_ids),
            ),
            request,
            counts=(len(request.line_ids), 0),
        )
        request._queue()
        return request

    def _tombstone(self, erased_at):
        Tombstone = self.env["mailchimp.erasure.tombstone"].sudo()
        for request in self:
            for value in tombstone_hashes(self.env, [request.email]):
                row = Tombstone.search([("hash", "=", value)])
                if row:
                    row.write({"erased_at": max(row.erased_at, erased_at)})
                else:
                    Tombstone.create({"hash": value, "erased_at": erased_at})

    def _queue(self, eta=None):
        for request in self:
            request.with_delay(
                channel=JOB_CHANNEL,
                eta=eta,
                description=self.env._("Mailchimp: %s", request.name),
                identity_key=f"mailchimp-erasure-{request.id}",
            )._job_erase()

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(MAILCHIMP_MANAGER_GROUP):
            raise AccessError(self.env._("Only Mailchimp managers erase personal data."))

    def action_retry(self):
        self._check_manager()
        for request in self.sudo().filtered(lambda r: r.state != "done"):
            request.write({"state": "queued", "attempts": 0, "last_error": False})
            request._queue()
        return True

    # ------------------------------------------------------------------
    def _job_erase(self):
        """One attempt: every audience not erased yet, then (all erased or absent) the
        connector's data. Idempotent: a step done answers 404 when tried again."""
        request = self.sudo().with_context(**{JOB_CONTEXT_KEY: True}).exists()
        if not request or request.state == "done":
            return "skipped: nothing to erase"
        request.ensure_one()
        erased_at = None
        for line in request.line_ids.filtered(lambda ln: ln.state not in STEP_DONE):
            when = request._erase_remote(line)
            erased_at = max(filter(None, [erased_at, when]), default=None)
        if erased_at:
            request._tombstone(erased_at)
        waiting = request.line_ids.filtered(lambda ln: ln.state not in STEP_DONE)
        if waiting:
            return request._wait(waiting)
        if not request.local_done:
            request._erase_local()
        return "done"

    def _erase_remote(self, line):
        """``delete-permanent`` in the audience of ``line``; returns Mailchimp's time of
        an erasure (None otherwise)."""
        email = self.email
        audience = line.list_id
        if not audience:
            # its account deleted in Odoo: Odoo cannot reach it any more (said on the line)
            line.write(
                {"state": "absent", "message": self.env._("audience deleted in Odoo: not asked")}
            )
            return None
        account = audience.account_id
        if not account.active:
            line.write(
                {
                    "state": STEP_ERROR,
                    "message": self.env._(
                        "account %s is disconnected: reconnect it, then retry", account.name
                    ),
                }
            )
            return None
        code, retryable, message = None, False, ""
        client = None
        try:
            client = account._get_client()
            client.delete_member_permanent(audience.mc_id, email)
        except mce.MailchimpError as exc:
            code, retryable = exc.code, exc.retryable
            message = account._error_message(exc)
        outcome = step_outcome(code, retryable)
        line.write(
            {
                "state": outcome,
                "message": message if outcome in (STEP_RETRY, STEP_ERROR) else False,
                "date": fields.Datetime.now(),
            }
        )
        if outcome == STEP_ERASED:
            return (client.last_server_time if client else None) or fields.Datetime.now()
        return None

    def _wait(self, waiting):
        errors = waiting.filtered(lambda ln: ln.state == STEP_ERROR)
        attempts = self.attempts + 1
        message = "\n".join(f"{ln.audience_name}: {ln.message}" for ln in waiting)
        if errors or attempts >= MAX_ATTEMPTS:
            self.write({"state": "failed", "attempts": attempts, "last_error": message})
            _logger.warning("Mailchimp erasure %s needs attention: %s", self.id, message)
            return f"failed: {message}"
        wait = RETRY_WAITS[attempts - 1] if attempts <= len(RETRY_WAITS) else 3600
        eta = fields.Datetime.now() + timedelta(seconds=wait)
        self.write(
            {"state": "waiting", "attempts": attempts, "last_error": message, "next_attempt": eta}
        )
        self._queue(eta=eta)
        return f"waiting: {message}"

    def _erase_local(self):
        keys = [self.email]
        lines = erase_local(self.env, keys)
        details = "\n".join(lines) or self.env._("No personal data held in Odoo.")
        remote = self.line_ids
        summary = self.env._(
            "Erased in %(erased)s audiences (not present in %(absent)s).",
            erased=len(remote.filtered(lambda ln: ln.state == STEP_ERASED)),
            absent=len(remote.filtered(lambda ln: ln.state == "absent")),
        )
        details = f"{summary}\n{details}"
        log = self.privacy_log_id
        if log:
            log.write(
                {"execution_details": "\n".join(filter(None, [log.execution_details, details]))}
            )
        else:
            log = self.env["privacy.log"].create(
                {
                    "anonymized_name": self.person_name or self.email,
                    "anonymized_email": self.email,
                    "execution_details": details,
                    "records_description": self.env._("Mailchimp erasure request #%s", self.id),
                }
            )
        self.write(
            {
                "state": "done",
                "local_done": True,
                "details": details,
                "email": False,
                "person_name": False,
                "last_error": False,
                "date_done": fields.Datetime.now(),
                "privacy_log_id": log.id,
            }
        )
        audit(
            self.env,
            "erasure_done",
            self.env._(
                "Erasure of %(address)s completed. %(summary)s",
                address=self.email_anonymized,
                summary=summary,
            ),
            self,
            counts=(len(remote), 0),
        )


class MailchimpErasureLine(models.Model):
    """One audience of an erasure request and what Mailchimp answered there."""

    _name = "mailchimp.erasure.line"
    _description = "Mailchimp Erasure Step"
    _order = "erasure_id, id"
    _rec_name = "audience_name"

    erasure_id = fields.Many2one("mailchimp.erasure", required=True, ondelete="cascade")
    list_id = fields.Many2one("mailchimp.list", string="Audience", ondelete="set null")
    audience_name = fields.Char(readonly=True)
    account_id = fields.Many2one(related="list_id.account_id", string="Account")
    state = fields.Selection(STEP_STATES, default=STEP_PENDING, required=True)
    message = fields.Char(readonly=True)
    date = fields.Datetime(string="Answered On", readonly=True)
