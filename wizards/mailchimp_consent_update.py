# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Update Consent (issue 26): a user opts a person out of audiences (or of all email), with
a reason and a note, or opts them in again, which for someone Mailchimp says unsubscribed is
only a double opt-in request, and for someone it says bounced is refused. The consent rules
are the models' (``mailing.subscription``, ``mail.blacklist``): the wizard only asks them."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.mailchimp_audit_log import audit
from ..services.identity import member_key

OPT_OUT = "opt_out"
BLACKLIST = "blacklist"
OPT_IN = "opt_in"


class MailchimpConsentUpdate(models.TransientModel):
    _name = "mailchimp.consent.update"
    _description = "Update Consent"

    mailing_contact_id = fields.Many2one("mailing.contact", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    member_ids = fields.Many2many(
        "mailchimp.member",
        string="Memberships",
        help="The Mailchimp audiences the change applies to.",
    )
    action = fields.Selection(
        [
            (OPT_OUT, "Opt out of these audiences"),
            (BLACKLIST, "Opt out of all email (blacklist)"),
            (OPT_IN, "Opt in again (the person is asked to confirm)"),
        ],
        required=True,
        default=OPT_OUT,
    )
    reason_id = fields.Many2one("mailing.subscription.optout")
    note = fields.Text(help="Why, and how the person asked (kept in the record's chatter).")

    def _compute_display_name(self):
        # the dialog's title and breadcrumb, never "mailchimp.consent.update,<id>"
        for wizard in self:
            wizard.display_name = self.env._("Update Consent")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, ids = self.env.context.get("active_model"), self.env.context.get("active_ids")
        if not ids:
            return values
        Member = self.env["mailchimp.member"]
        if model == "mailchimp.member":
            members = Member.browse(ids)
            values["member_ids"] = [(6, 0, members.ids)]
            values["mailing_contact_id"] = members.mailing_contact_id[:1].id
            values["partner_id"] = members.partner_id[:1].id
        elif model == "mailing.contact":
            values["mailing_contact_id"] = ids[0]
            values["member_ids"] = [
                (6, 0, Member.search([("mailing_contact_id", "=", ids[0])]).ids)
            ]
        elif model == "res.partner":
            values["partner_id"] = ids[0]
            values["member_ids"] = [(6, 0, Member.search([("partner_id", "=", ids[0])]).ids)]
        return values

    def _subscriptions(self):
        """The subscriptions to the chosen audiences' mailing lists of the person's contacts."""
        contacts = self.mailing_contact_id | self.member_ids.mailing_contact_id
        lists = self.member_ids.list_id.mailing_list_id
        return contacts.subscription_ids.filtered(lambda s: s.list_id in lists)

    def _addresses(self):
        return {
            member_key(email)
            for email in (
                self.mailing_contact_id.email,
                self.partner_id.email,
                *self.member_ids.mapped("email"),
            )
            if email and member_key(email)
        }

    def action_apply(self):
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group()
        self.member_ids.check_access("read")
        if not self.member_ids and self.action != BLACKLIST:
            raise UserError(self.env._("Choose the Mailchimp memberships to update."))
        if self.action == OPT_OUT:
            subs = self._subscriptions()
            if not subs:
                raise UserError(
                    self.env._(
                        "No mailing contact of this person is on these audiences' lists: use "
                        "'Opt out of all email' instead."
                    )
                )
            subs.sudo().write({"opt_out": True, "opt_out_reason_id": self.reason_id.id})
            done = self.env._("Opted out of %s.", ", ".join(self.member_ids.list_id.mapped("name")))
        elif self.action == BLACKLIST:
            Blacklist = self.env["mail.blacklist"].sudo()
            for email in sorted(self._addresses()):
                entry = Blacklist._add(email)
                if self.reason_id:
                    entry.opt_out_reason_id = self.reason_id
            done = self.env._("Blacklisted: no email from Odoo or Mailchimp.")
        else:
            cleaned = self.member_ids.filtered(lambda b: b.status == "cleaned")
            if cleaned:
                raise UserError(
                    self.env._(
                        "%s bounces (cleaned in Mailchimp): a bounce cannot be undone from Odoo.",
                        ", ".join(cleaned.mapped("email")),
                    )
                )
            # an opt-in by a user: for someone Mailchimp says unsubscribed, a double opt-in
            # request; the person's opt-out stays until they confirm (mailing.subscription)
            subs = self._subscriptions().filtered("opt_out")
            subs.sudo().write({"opt_out": False})
            alone = self.member_ids.filtered(
                lambda b: b.status == "unsubscribed" and not b.resubscribe_requested
            )
            alone._request_opt_in()
            done = self.env._(
                "Opt-in asked: Mailchimp emails a confirmation to those it says unsubscribed; "
                "their opt-out stays until they confirm."
            )
        self._log(done)
        return {"type": "ir.actions.act_window_close"}

    def _log(self, done):
        # the audit log names no address: the audiences and the kind of update
        audit(
            self.env,
            "consent_update",
            self.env._(
                "Consent updated by a user (%(action)s) in %(audiences)s",
                action=dict(self._fields["action"]._description_selection(self.env)).get(
                    self.action, self.action
                ),
                audiences=", ".join(self.member_ids.list_id.mapped("name")) or "-",
            ),
            self.member_ids[:1] or None,
            counts=(len(self.member_ids) or 1, 0),
        )
        body = Markup("<p>%s</p>") % done
        if self.note:
            body += Markup("<p>%s</p>") % self.note
        for record in (self.mailing_contact_id, self.partner_id):
            if record:
                record.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
