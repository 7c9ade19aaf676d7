# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The audit log: who changed what in the connector, append-only.

One function writes its rows, :func:`audit`, called by the few places that change things
(account and audience options, connection, imports, exports, webhook registration, erasure),
in the same transaction as the change: a change rolled back takes its row with it. The ORM
refuses to change or delete a row, to everyone; only the retention cron deletes, in SQL.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..services.audit_rules import (
    ACCOUNT_OPTIONS,
    AUDIENCE_OPTIONS,
    CREDENTIAL_FIELDS,
    as_text,
    settings_change,
    summary_text,
)
from .job_tools import JOB_CONTEXT_KEY

_logger = logging.getLogger(__name__)

#: ir.config_parameter holding the days a row is kept (365 when unset or not a number)
RETENTION_PARAM = "mailchimp_connector.audit_retention_days"
RETENTION_DEFAULT_DAYS = 365
#: context key naming who acts when it is no user (the webhook batches)
ACTOR_CONTEXT_KEY = "mailchimp_actor"

OPERATIONS = [
    ("account_created", "Account created"),
    ("key_changed", "Key changed"),
    ("connected", "Connected"),
    ("disconnected", "Disconnected"),
    ("account_options", "Account options changed"),
    ("audience_options", "Audience options changed"),
    ("import", "Import"),
    ("export", "Export"),
    ("export_existing", "Export existing contacts"),
    ("resubscribe", "Re-subscribe request"),
    ("webhook_registered", "Webhook registered"),
    ("webhook_rotated", "Webhook secret rotated"),
    ("webhook_removed", "Webhook removed"),
    ("erasure_requested", "Erasure requested"),
    ("erasure_done", "Erasure completed"),
    ("segment_sync", "Segment sync"),
    ("consent_update", "Consent updated by a user"),
]
#: the models a row's record may be
RECORD_MODELS = [
    "mailchimp.account",
    "mailchimp.list",
    "mailchimp.member",
    "mailchimp.erasure",
    "mailchimp.segment",
]
ACTORS = [
    ("user", "User"),
    ("job", "Job"),
    ("webhook", "Webhook"),
    ("cron", "Scheduled action"),
    ("system", "System"),
]


def actor_of(env):
    """Who acts in ``env``: a webhook batch, a job, the superuser's scheduled work, a user."""
    if env.context.get(ACTOR_CONTEXT_KEY):
        return env.context[ACTOR_CONTEXT_KEY]
    if env.context.get(JOB_CONTEXT_KEY) or env.context.get("job_uuid"):
        return "job"
    if env.uid == api.SUPERUSER_ID or env.user._is_public():
        return "system"
    return "user"


def audit(env, operation, summary, record=None, counts=None, before=None, after=None):
    """Write one audit row in ``env``'s transaction. ``record``: the record changed (its
    account and audience are found from it); ``counts``: (done, errors); ``before`` /
    ``after``: settings dicts (credentials dropped by ``as_text``). ``summary`` must name
    no address nor credential (the callers pass counts and names of records)."""
    done, errors = counts or (0, 0)
    actor = actor_of(env)
    vals = {
        "operation": operation,
        "summary": summary_text(summary),
        "actor": actor,
        "user_id": env.uid if actor == "user" else False,
        "count_done": done or 0,
        "count_errors": errors or 0,
        "values_before": as_text(before or {}),
        "values_after": as_text(after or {}),
    }
    if record:
        record = record[:1]
        vals.update(res_model=record._name, res_id=record.id)
        account = (
            record
            if record._name == "mailchimp.account"
            else record["account_id"]
            if "account_id" in record._fields
            else record.env["mailchimp.account"]
        )
        if record._name == "mailchimp.list":
            vals["audience_name"] = record.name
        elif "list_id" in record._fields and record["list_id"]._name == "mailchimp.list":
            vals["audience_name"] = record["list_id"].name
        vals["account_name"] = account.name or False
        vals["company_id"] = account.company_id.id or env.company.id
    return env["mailchimp.audit.log"].sudo().create(vals)


def settings_of(record, names):
    """The values of ``names`` on ``record`` as a row shows them (a relation by its name)."""
    values = {}
    for name in names:
        value = record[name]
        if isinstance(value, models.BaseModel):
            value = ", ".join(value.mapped("display_name"))
        elif value is False and record._fields[name].type != "boolean":
            value = ""
        values[name] = value if isinstance(value, (bool, int, float, str)) else str(value)
    return values


def settings_before(records, vals, kind):
    """What :func:`audit_write` compares with after a ``write(vals)`` of accounts or
    audiences (``kind``: "account" or "audience"): the recorded settings it touches, and the
    account's state and activity. Nothing is read when ``vals`` touches none of them."""
    options = ACCOUNT_OPTIONS if kind == "account" else AUDIENCE_OPTIONS
    names = [name for name in options if name in vals]
    if not names and not {"state", "active"} & set(vals):
        return {}
    return {
        record.id: (settings_of(record, names), record["state"] if kind == "account" else None)
        for record in records
    }


def audit_write(records, vals, before, kind):
    """The rows of a ``write(vals)`` of accounts or audiences: a credential changed (the fact
    only), the options changed (before/after), an account connected or disconnected."""
    env = records.env
    for record in records:
        if kind == "account" and set(CREDENTIAL_FIELDS) & set(vals):
            audit(env, "key_changed", env._("Credentials of %s changed", record.name), record)
        if record.id not in before:
            continue
        old, old_state = before[record.id]
        new = settings_of(record, list(old))
        changed_before, changed_after = settings_change(old, new)
        if changed_before:
            audit(
                env,
                "account_options" if kind == "account" else "audience_options",
                env._(
                    "Options of %(name)s changed: %(names)s",
                    name=record.name,
                    names=", ".join(sorted(changed_after)),
                ),
                record,
                before=changed_before,
                after=changed_after,
            )
        if kind != "account":
            continue
        if vals.get("state") == "connected" and old_state != "connected":
            audit(env, "connected", env._("Account %s connected", record.name), record)
        elif "active" in vals and not vals["active"]:
            audit(env, "disconnected", env._("Account %s disconnected", record.name), record)


class MailchimpAuditLog(models.Model):
    _name = "mailchimp.audit.log"
    _description = "Mailchimp Audit Log"
    _order = "date desc, id desc"
    _rec_name = "summary"

    date = fields.Datetime(
        string="When", default=fields.Datetime.now, required=True, readonly=True, index=True
    )
    actor = fields.Selection(ACTORS, string="Acted By", required=True, readonly=True)
    user_id = fields.Many2one("res.users", readonly=True, ondelete="set null")
    operation = fields.Selection(OPERATIONS, required=True, readonly=True, index=True)
    summary = fields.Char(required=True, readonly=True)
    res_model = fields.Char(string="Record Model", readonly=True)
    res_id = fields.Integer(string="Record ID", readonly=True)
    record_ref = fields.Reference(
        selection="_selection_record_ref", string="Record", compute="_compute_record_ref"
    )
    # names, not relations: a row outlives the account or audience it is about (and a
    # deletion cascading from an account to its audiences must not touch the log)
    account_name = fields.Char(string="Account", readonly=True, index=True)
    audience_name = fields.Char(string="Audience", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, ondelete="set null")
    count_done = fields.Integer(string="Done", readonly=True)
    count_errors = fields.Integer(string="Errors", readonly=True)
    values_before = fields.Text(string="Before", readonly=True)
    values_after = fields.Text(string="After", readonly=True)

    @api.model
    def _selection_record_ref(self):
        return [
            (model.model, model.name)
            for model in self.env["ir.model"].sudo().search([("model", "in", RECORD_MODELS)])
        ]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for row in self:
            model = row.res_model
            if model in self.env and row.res_id and self.env[model].browse(row.res_id).exists():
                row.record_ref = f"{model},{row.res_id}"
            else:
                row.record_ref = False

    def write(self, vals):
        if self:  # an empty recordset's write changes nothing
            raise UserError(
                self.env._("The Mailchimp audit log is append-only: rows cannot change.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "The Mailchimp audit log is append-only: rows are deleted only by its "
                "retention, after %s days.",
                self._retention_days(),
            )
        )

    @api.model
    def _retention_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM)
        try:
            days = int(value)
        except (TypeError, ValueError):
            return RETENTION_DEFAULT_DAYS
        return days if days > 0 else RETENTION_DEFAULT_DAYS

    @api.model
    def _cron_purge(self):
        """Daily: delete the rows older than the retention (in SQL: the ORM refuses)."""
        days = self._retention_days()
        self.env.cr.execute(
            SQL(
                "DELETE FROM mailchimp_audit_log WHERE date < "
                "(now() at time zone 'UTC') - make_interval(days => %s)",
                days,
            )
        )
        deleted = self.env.cr.rowcount
        self.invalidate_model()
        _logger.info("Mailchimp audit log: %s rows older than %s days deleted", deleted, days)
        return deleted
