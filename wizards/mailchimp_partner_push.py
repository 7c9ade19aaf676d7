# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.ui_text import count_text


class MailchimpPartnerPush(models.TransientModel):
    """An audience's *Partners to push*: the domain on contacts (partners) whose people the
    audience exports, with the export's rules. Says how many new members the domain would
    add before anything is sent; on confirmation the domain is kept on the audience (the
    hourly export then adds the partners that come to match it) and the first export is
    queued."""

    _name = "mailchimp.partner.push"
    _description = "Mailchimp: Partners to Push"

    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._("Partners to Push")

    list_id = fields.Many2one("mailchimp.list", string="Audience", required=True, readonly=True)
    domain = fields.Char(string="Partners to Push", default="[]", required=True)
    new_count = fields.Integer(compute="_compute_counts", string="New Members")
    matched_count = fields.Integer(compute="_compute_counts", string="Partners Matched")
    result = fields.Text(readonly=True)

    def _parsed_domain(self):
        try:
            domain = ast.literal_eval(self.domain or "[]")
        except (ValueError, SyntaxError) as exc:
            raise UserError(self.env._("This domain is not valid: %s", exc)) from None
        if not isinstance(domain, list):
            raise UserError(self.env._("This domain is not valid: %s", self.domain))
        return domain

    @api.depends("list_id", "domain")
    def _compute_counts(self):
        for wizard in self:
            try:
                domain = wizard._parsed_domain()
            except UserError:
                wizard.new_count = wizard.matched_count = 0
                continue
            matched, new = wizard.list_id._partners_to_push(domain)
            wizard.matched_count = len(matched)
            wizard.new_count = len(new)

    def action_confirm(self):
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group(manager=True)
        audience = self.list_id
        audience.check_access("write")
        if not (audience.push_new and audience.account_id.push_contacts):
            raise UserError(
                self.env._(
                    "Audience %s does not push new records: turn Push new records on first "
                    "(one audience per account).",
                    audience.name,
                )
            )
        domain = self._parsed_domain()
        audience.sudo().partner_push_domain = repr(domain) if domain else False
        _matched, partners = audience._partners_to_push(domain)
        bindings, skipped = audience.sudo()._bind_for_push(partners=partners, only_new=True)
        audience.sudo()._queue_push()
        lines = [
            self.env._(
                "%(count)s new members queued for export to %(audience)s.",
                count=count_text(self.env, len(bindings)),
                audience=audience.name,
            )
        ]
        lines += [f"{rec.display_name} ({rec.email or '-'}): {why}" for rec, why in skipped]
        self.result = "\n".join(lines)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Partners to Push"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
