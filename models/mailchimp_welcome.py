# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The welcome email: an audience option that queues each member the connector *adds* to
the audience as subscribed to a classic automation email of the account, once
(``POST /automations/{workflow_id}/emails/{workflow_email_id}/queue``).

The export's batch subscribe says which members it created (``new_members``): those added
as subscribed wait for the welcome (``welcome_state`` "waiting"), those added as pending
(double opt-in) wait for their confirmation ("confirm", queued once an import or a webhook
reads them subscribed); updated, re-sent and refused members never wait. A job of the
audience (after the export's commit, under the audience's lock) queues them one call each
and records the outcome on the member: "queued" with its date, or "refused" with
Mailchimp's reason in ``sync_error``, like the export's refusals. A member is welcomed once,
whatever happens to it later.
"""

import logging
import time

from odoo import api, fields, models

from ..services import mailchimp_errors as mce
from .job_tools import (
    CALLS_BUDGET_SECONDS,
    JOB_CHANNEL,
    JOB_MAX_RETRIES,
    delay,
    lock_audience_sync,
)
from .ui_text import notification

_logger = logging.getLogger(__name__)

#: members one welcome job queues at most (one call each, within CALLS_BUDGET_SECONDS)
WELCOME_JOB_SIZE = 500
#: seconds before a welcome job interrupted by an outage goes on
WELCOME_RETRY_SECONDS = 60

WELCOME_STATES = [
    ("waiting", "Waiting"),
    ("confirm", "Waiting for Confirmation"),
    ("queued", "Queued"),
    ("refused", "Refused"),
]


class MailchimpAutomationEmail(models.Model):
    """An email of a classic automation of the account, as Mailchimp lists it."""

    _name = "mailchimp.automation.email"
    _description = "Mailchimp Automation Email"
    _order = "account_id, workflow_title, position, id"

    account_id = fields.Many2one(
        "mailchimp.account", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    workflow_id = fields.Char(string="Automation ID", required=True, readonly=True)
    email_id = fields.Char(string="Email ID", required=True, readonly=True)
    workflow_title = fields.Char(string="Automation", readonly=True)
    subject = fields.Char(readonly=True)
    position = fields.Integer(readonly=True)
    status = fields.Char(
        readonly=True, help="Mailchimp's status of the email (sending, paused...)."
    )
    list_mc_id = fields.Char(string="Audience ID", readonly=True)

    _sql_constraints = [
        (
            "email_uniq",
            "unique(account_id, workflow_id, email_id)",
            "This automation email is already imported.",
        ),
    ]

    @api.depends("workflow_title", "subject", "position", "status")
    def _compute_display_name(self):
        for email in self:
            name = f"{email.workflow_title or email.workflow_id}: {email.subject or email.email_id}"
            if email.status and email.status != "sending":
                name += f" ({email.status})"
            email.display_name = name

    @api.model
    def _import_from_account(self, account):
        """The account's classic automations and their emails (created, updated, gone ones
        removed). Returns the emails."""
        client = account._get_client()
        existing = {
            (rec.workflow_id, rec.email_id): rec
            for rec in self.search([("account_id", "=", account.id)])
        }
        seen = self.browse()
        for workflow in client.automations():
            title = (workflow.get("settings") or {}).get("title") or workflow["id"]
            list_mc_id = (workflow.get("recipients") or {}).get("list_id") or False
            for email in client.automation_emails(workflow["id"]):
                vals = {
                    "workflow_title": title,
                    "subject": (email.get("settings") or {}).get("subject_line") or False,
                    "position": email.get("position") or 0,
                    "status": email.get("status") or False,
                    "list_mc_id": list_mc_id,
                }
                record = existing.pop((workflow["id"], email["id"]), None)
                if record:
                    record.write(
                        {key: value for key, value in vals.items() if record[key] != value}
                    )
                else:
                    record = self.create(
                        dict(
                            vals,
                            account_id=account.id,
                            workflow_id=workflow["id"],
                            email_id=email["id"],
                        )
                    )
                seen |= record
        for gone in existing.values():
            gone.unlink()
        return seen


class MailchimpWelcome(models.AbstractModel):
    """The welcome email of the members the connector adds to an audience: the bodies of the
    audience's button, cron and job (``mailchimp.list.action_import_automation_emails``,
    ``_cron_welcome``, ``_job_send_welcome``), each taking the audience."""

    _name = "mailchimp.welcome"
    _description = "Mailchimp Welcome Email"

    @api.model
    def _import_emails(self, audience):
        """Load the account's classic automations and their emails from Mailchimp."""
        account = audience.account_id
        try:
            emails = self.env["mailchimp.automation.email"].sudo()._import_from_account(account)
        except mce.MailchimpError as exc:
            _logger.warning("Mailchimp account %s: automations not read: %s", account.id, exc)
            return notification(self.env._("Mailchimp"), account._error_message(exc), kind="danger")
        mine = emails.filtered(lambda e: e.list_mc_id == audience.mc_id)
        return notification(
            self.env._("Mailchimp"),
            self.env._(
                "%(count)s automation emails of this audience in Mailchimp.", count=len(mine)
            )
            if mine
            else self.env._(
                "Mailchimp has no classic automation for this audience: create one (with an "
                "API trigger) in Mailchimp first."
            ),
            kind="success" if mine else "warning",
        )

    @api.model
    def _due(self, audience):
        """The bindings of ``audience`` due for the welcome email."""
        audience.ensure_one()
        return (
            self.env["mailchimp.member"]
            .sudo()
            .search(
                [
                    ("list_id", "=", audience.id),
                    "|",
                    ("welcome_state", "=", "waiting"),
                    "&",
                    ("welcome_state", "=", "confirm"),
                    ("status", "=", "subscribed"),
                ],
                limit=WELCOME_JOB_SIZE,
                order="id",
            )
        )

    @api.model
    def _queue(self, audiences, eta=None):
        for audience in audiences:
            description = self.env._("Mailchimp: welcome emails of %s", audience.name)
            key = f"mailchimp-welcome-{audience.id}"
            if eta:
                audience.with_delay(
                    channel=JOB_CHANNEL,
                    max_retries=JOB_MAX_RETRIES,
                    description=description,
                    identity_key=key,
                    eta=eta,
                )._job_send_welcome()
            else:
                delay(audience, description, key)._job_send_welcome()
        return audiences

    @api.model
    def _send_due(self, audience):
        """Queue the due members to the welcome email, one call each; a member leaves the
        queue once answered. An outage stops the job: what was queued stays recorded, the
        rest goes on a minute later."""
        audience.ensure_one()
        lock_audience_sync(audience, "Another job of this audience runs")
        bindings = self._due(audience)
        if not bindings:
            return "nothing to queue"
        email = audience.welcome_automation_email_id
        if not audience.welcome_email or not email:
            bindings.write({"welcome_state": False})
            return "skipped: no welcome email for this audience"
        client = audience.account_id._get_client()
        counts = {"queued": 0, "refused": 0, "skipped": 0}
        deadline = time.monotonic() + CALLS_BUDGET_SECONDS
        for done, binding in enumerate(bindings):
            if done and time.monotonic() > deadline:
                self._queue(audience)
                break
            if binding.status != "subscribed":
                # unsubscribed (or gone) before its welcome: never queued
                binding.write({"welcome_state": False})
                counts["skipped"] += 1
                continue
            try:
                client.queue_automation_email(email.workflow_id, email.email_id, binding.email)
            except mce.RETRYABLE_ERRORS as exc:
                _logger.info(
                    "Mailchimp audience %s: welcome emails interrupted (%s), go on later",
                    audience.mc_id,
                    exc.code,
                )
                self._queue(audience, eta=WELCOME_RETRY_SECONDS)
                break
            except mce.MailchimpError as exc:
                reason = exc.detail or exc.title or str(exc)
                _logger.info(
                    "Mailchimp audience %s refused the welcome email of %s: %s",
                    audience.mc_id,
                    binding.email,
                    reason,
                )
                binding.write(
                    {
                        "welcome_state": "refused",
                        "sync_error": self.env._("Welcome email not queued: %s", reason),
                    }
                )
                counts["refused"] += 1
            else:
                binding.write({"welcome_state": "queued", "welcome_date": fields.Datetime.now()})
                counts["queued"] += 1
        return "welcome emails: {queued} queued, {refused} refused, {skipped} skipped".format(
            **counts
        )


class MailchimpMemberWelcome(models.Model):
    _inherit = "mailchimp.member"

    welcome_state = fields.Selection(
        WELCOME_STATES,
        string="Welcome Email",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The audience's welcome email for a member the connector added: waiting, "
        "waiting for the member's confirmation (double opt-in), queued in Mailchimp, or "
        "refused (the reason is in Sync Error).",
    )
    welcome_date = fields.Datetime(string="Welcome Email Queued", readonly=True, copy=False)

    def _note_added(self, status):
        """The export just added this member to its audience with ``status``: it waits for
        the welcome email (or for its confirmation), when the audience sends one and the
        member never had it."""
        self.ensure_one()
        audience = self.list_id
        if not audience.welcome_email or not audience.welcome_automation_email_id:
            return False
        if self.welcome_state or status not in ("subscribed", "pending"):
            return False
        self.welcome_state = "waiting" if status == "subscribed" else "confirm"
        return status == "subscribed"
