# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.ui_text import count_text
from ..services import mailchimp_errors as mce

_logger = logging.getLogger(__name__)


class MailchimpOperation(models.TransientModel):
    _name = "mailchimp.operation"
    _description = "MailChimp Operations"

    def _compute_display_name(self):
        # the dialog's title and breadcrumb, never "mailchimp.operation,<id>"
        for wizard in self:
            wizard.display_name = self.env._("MailChimp Operations")

    @api.model
    def _default_accounts(self):
        return self.env["mailchimp.account"].search([("state", "=", "connected")])

    account_ids = fields.Many2many(
        "mailchimp.account",
        string="Accounts",
        default=lambda self: self._default_accounts(),
        required=True,
    )
    import_audiences = fields.Boolean(
        string="Audiences",
        default=True,
        help="Import the audiences of the accounts (each becomes an Odoo mailing list).",
    )
    import_members = fields.Boolean(
        string="Members",
        help="Also import the members of the audiences, in the background, page by page "
        "(only those changed since the previous import).",
    )
    full_resync = fields.Boolean(help="Re-read every member instead of only the changed ones.")
    import_templates = fields.Boolean(
        string="Templates", help="Import the accounts' email templates."
    )
    import_campaigns = fields.Boolean(
        string="Campaigns",
        help="Also imports the templates (a campaign references its template) and queues the "
        "reports of the sent campaigns.",
    )
    result = fields.Text(readonly=True)
    result_list_ids = fields.Many2many(
        "mailchimp.list", "mailchimp_operation_result_list_rel", string="Imported Audiences"
    )
    result_campaign_ids = fields.Many2many(
        "mailchimp.campaign",
        "mailchimp_operation_result_campaign_rel",
        string="Imported Campaigns",
    )

    @api.onchange("import_members")
    def _onchange_import_members(self):
        if self.import_members:
            self.import_audiences = True

    @api.onchange("import_campaigns")
    def _onchange_import_campaigns(self):
        if self.import_campaigns:
            self.import_templates = True

    def action_process(self):
        """Import the audiences now (quick), enqueue the member imports, say what."""
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group()
        if not (
            self.import_audiences
            or self.import_members
            or self.import_templates
            or self.import_campaigns
        ):
            raise UserError(self.env._("Tick at least one thing to import."))
        if self.import_campaigns:
            self.import_templates = True
        self.account_ids.check_access("read")
        lines = []
        for account in self.account_ids.sudo():
            if not account.active or account.state != "connected":
                lines.append(self.env._("%s: skipped, the account is not connected.", account.name))
                continue
            try:
                audiences = self.env["mailchimp.list"].sudo()._import_from_account(account)
            except mce.MailchimpError as exc:
                _logger.warning("Mailchimp account %s: audience import failed: %s", account.id, exc)
                lines.append(
                    self.env._(
                        "%(account)s: %(error)s",
                        account=account.name,
                        error=account._error_message(exc),
                    )
                )
                continue
            self.result_list_ids |= audiences
            lines.append(
                self.env._("%s: 1 audience imported.", account.name)
                if len(audiences) == 1
                else self.env._(
                    "%(account)s: %(count)s audiences imported.",
                    account=account.name,
                    count=count_text(self.env, len(audiences)),
                )
            )
            if self.import_members:
                runs = audiences._start_member_import(full=self.full_resync)
                lines.append(
                    self.env._(
                        "%s: 1 member import started (members appear page by page).",
                        account.name,
                    )
                    if len(runs) == 1
                    else self.env._(
                        "%(account)s: %(count)s member imports started (members appear page "
                        "by page).",
                        account=account.name,
                        count=count_text(self.env, len(runs)),
                    )
                )
            if self.import_templates:
                lines.extend(self._import_campaign_content(account))
        self.result = "\n".join(lines)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mailchimp import started"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _import_campaign_content(self, account):
        """Import the templates, then the campaigns (now: they are few) and queue the
        reports of the sent ones. Returns the result lines."""
        lines = []
        try:
            templates = self.env["mailchimp.template"].sudo()._import_from_account(account)
            lines.append(
                self.env._("%s: 1 template imported.", account.name)
                if len(templates) == 1
                else self.env._(
                    "%(account)s: %(count)s templates imported.",
                    account=account.name,
                    count=count_text(self.env, len(templates)),
                )
            )
            if self.import_campaigns:
                campaigns = self.env["mailchimp.campaign"].sudo()._import_from_account(account)
                queued = campaigns._queue_reports()
                self.result_campaign_ids |= campaigns
                imported = (
                    self.env._("1 campaign imported")
                    if len(campaigns) == 1
                    else self.env._("%s campaigns imported", count_text(self.env, len(campaigns)))
                )
                reports = (
                    self.env._("1 report being read")
                    if len(queued) == 1
                    else self.env._("%s reports being read", count_text(self.env, len(queued)))
                )
                lines.append(
                    self.env._(
                        "%(account)s: %(imported)s, %(reports)s.",
                        account=account.name,
                        imported=imported,
                        reports=reports,
                    )
                )
        except mce.MailchimpError as exc:
            _logger.warning("Mailchimp account %s: campaign import failed: %s", account.id, exc)
            lines.append(
                self.env._(
                    "%(account)s: %(error)s",
                    account=account.name,
                    error=account._error_message(exc),
                )
            )
        return lines

    def action_open_audiences(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mailchimp_connector.action_mailchimp_list"
        )
        action["domain"] = [("id", "in", self.result_list_ids.ids)]
        return action

    def action_open_campaigns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mailchimp_connector.action_mailchimp_campaign"
        )
        action["domain"] = [("id", "in", self.result_campaign_ids.ids)]
        return action
