# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# size: one channel plugged into Odoo's mailing (its fields, Check / Test / Schedule / Send /
# Cancel, the state and KPIs that follow the campaign, and the guards that keep Odoo from
# sending it): the mailing's own methods are overridden here, in one place.
"""An Odoo mass mailing sent through Mailchimp: the mailing becomes a Mailchimp campaign.

The mailing is written in Odoo (its editor, subject, preview, sender); with *Send with:
Mailchimp* it goes out as a regular campaign of one audience. Odoo never sends it itself: its
mailing queue cron and its sending skip such a mailing (``_search`` under the queue's
context, ``_action_send_mail``). The campaign's id is stored (and committed) as soon as
Mailchimp answers its creation, before anything else; every action reads the campaign's
status first; the send itself is a queue job that reads the status again before sending and
after an answer it did not get, so that a mailing is sent once, whatever is pressed twice,
by whom, or retried. The mailing's state and figures follow the campaign's.
"""

import logging
import threading
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, mute_logger

from ..services import mailchimp_errors as mce
from ..services import mailing_content as mcontent
from ..services.mailchimp_data import campaign_recipients, tag_segment_id
from ..services.sync_rules import parse_mc_datetime
from .job_tools import delay, lock_for_job, mailchimp_job, retry_later
from .mailchimp_campaign import CAMPAIGN_FIELDS
from .ui_text import notification

_logger = logging.getLogger(__name__)

#: context key under which Odoo's mailing queue cron runs: Mailchimp mailings are not found
QUEUE_CONTEXT_KEY = "mailchimp_skip_mailings"
#: campaign statuses whose settings and content may change, and which may be sent
EDITABLE = ("save", "paused")
#: the mailing's state for each status of its campaign
STATE_OF_STATUS = {
    "save": "draft",
    "paused": "draft",
    "schedule": "in_queue",
    "sending": "sending",
    "canceling": "sending",
    "sent": "done",
    "canceled": "done",
}
#: fields whose change on a scheduled mailing is sent to Mailchimp (unschedule, update,
#: schedule again)
CONTENT_FIELDS = (
    "name",
    "subject",
    "preview",
    "body_arch",
    "body_html",
    "email_from",
    "reply_to",
    "schedule_date",
    "mailchimp_list_id",
)
#: the merge tags of the audience's field mapping, by the placeholder Odoo writes
PLACEHOLDER_SOURCES = {
    "email": ("email",),
    "email_normalized": ("email",),
    "name": ("name",),
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "company_name": ("company_name",),
    "phone": ("phone",),
    "country_id.code": ("country",),
    "country_id.name": ("country",),
}


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    send_with = fields.Selection(
        [("odoo", "Odoo"), ("mailchimp", "Mailchimp")],
        default="odoo",
        required=True,
        copy=True,
        help="Mailchimp: the mailing goes out as a Mailchimp campaign to one audience "
        "(Mailchimp's delivery, unsubscribe page, footer and reports); Odoo never sends it.",
    )
    mailchimp_list_id = fields.Many2one(
        "mailchimp.list",
        string="Mailchimp Audience",
        ondelete="set null",
        index="btree_not_null",
        help="The audience the campaign is sent to (its subscribed members); its Odoo "
        "mailing list stands for the recipients.",
    )
    mailchimp_segment_id = fields.Many2one(
        "mailchimp.segment",
        ondelete="set null",
        domain="[('list_id', '=', mailchimp_list_id), ('mc_segment_id', '!=', False)]",
        help="Send to this segment of the audience only (its members in Mailchimp at the "
        "time of sending); empty: every subscribed member of the audience.",
    )
    mailchimp_tag = fields.Char(
        help="Send to the members with this tag in Mailchimp only (as Mailchimp names it, "
        "any case; a tag is a static segment there); a segment chosen above wins.",
    )
    mailchimp_interest_id = fields.Many2one(
        "mailchimp.interest",
        ondelete="set null",
        domain="[('list_id', '=', mailchimp_list_id)]",
        help="Send to the members who have this interest (group) on only; with a segment, "
        "the segment wins.",
    )
    mailchimp_account_id = fields.Many2one(related="mailchimp_list_id.account_id")
    mailchimp_campaign_id = fields.Many2one(
        "mailchimp.campaign",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    mailchimp_status = fields.Selection(
        related="mailchimp_campaign_id.status", string="Mailchimp Status"
    )
    mailchimp_checklist = fields.Json(readonly=True, copy=False)
    mailchimp_ready = fields.Boolean(string="Ready to Send (Mailchimp)", readonly=True, copy=False)
    mailchimp_checklist_html = fields.Html(
        string="Mailchimp Checklist",
        compute="_compute_mailchimp_checklist_html",
        sanitize=True,
    )
    mailchimp_checked_at = fields.Datetime(
        string="Checked with Mailchimp", readonly=True, copy=False
    )
    mailchimp_warnings = fields.Text(string="Content Warnings", readonly=True, copy=False)
    mailchimp_schedule_time = fields.Datetime(
        string="Mailchimp Sends At",
        compute="_compute_mailchimp_schedule_time",
        help="Mailchimp schedules sends on the quarter hour (UTC): the first quarter hour at "
        "or after the date asked.",
    )
    mailchimp_unsubscribed = fields.Integer(
        string="Unsubscribed (Mailchimp)", compute="_compute_statistics"
    )

    @api.depends("mailchimp_checklist")
    def _compute_mailchimp_checklist_html(self):
        icons = {
            "success": "fa-check text-success",
            "warning": "fa-exclamation-triangle text-warning",
            "error": "fa-times-circle text-danger",
        }
        for mailing in self:
            items = mailing.mailchimp_checklist or []
            if not items:
                mailing.mailchimp_checklist_html = False
                continue
            rows = Markup("").join(
                Markup('<li class="o_mailchimp_check_%s"><i class="fa %s"/> <b>%s</b>: %s</li>')
                % (
                    item.get("type"),
                    icons.get(item.get("type"), "fa-circle"),
                    item.get("heading") or "",
                    item.get("details") or "",
                )
                for item in items
            )
            mailing.mailchimp_checklist_html = Markup('<ul class="list-unstyled">%s</ul>') % rows

    @api.depends("schedule_date", "schedule_type", "send_with")
    def _compute_mailchimp_schedule_time(self):
        for mailing in self:
            mailing.mailchimp_schedule_time = (
                mcontent.quarter_hour(mailing.schedule_date)
                if mailing.send_with == "mailchimp" and mailing.schedule_date
                else False
            )

    # ------------------------------------------------------------------
    # KPIs: the campaign report's figures
    # ------------------------------------------------------------------
    def _compute_statistics(self):
        mailchimp = self.filtered(lambda m: m.send_with == "mailchimp")
        result = super(MailingMailing, self - mailchimp)._compute_statistics()
        for mailing in self - mailchimp:
            mailing.mailchimp_unsubscribed = 0
        for mailing in mailchimp:
            campaign = mailing.sudo().mailchimp_campaign_id
            sent = campaign.emails_sent
            bounced = campaign.hard_bounces + campaign.soft_bounces
            delivered = max(sent - bounced, 0)
            values = {
                "scheduled": 0,
                "expected": sent,
                "canceled": 0,
                "pending": 0,
                "process": 0,
                "sent": sent,
                "delivered": delivered,
                "opened": campaign.unique_opens,
                "replied": 0,
                "bounced": bounced,
                "failed": 0,
                "clicked": campaign.unique_subscriber_clicks,
                "mailchimp_unsubscribed": campaign.unsubscribed,
            }
            total = sent or 1
            values["received_ratio"] = round(100.0 * delivered / total, 2)
            values["opened_ratio"] = round(100.0 * campaign.unique_opens / (delivered or 1), 2)
            values["replied_ratio"] = 0
            values["bounced_ratio"] = round(100.0 * bounced / total, 2)
            mailing.update(values)
        return result

    def _compute_clicks_ratio(self):
        mailchimp = self.filtered(lambda m: m.send_with == "mailchimp")
        result = super(MailingMailing, self - mailchimp)._compute_clicks_ratio()
        for mailing in mailchimp:
            campaign = mailing.sudo().mailchimp_campaign_id
            delivered = campaign.emails_sent - campaign.hard_bounces - campaign.soft_bounces
            mailing.clicks_ratio = round(
                100.0 * campaign.unique_subscriber_clicks / (delivered or 1), 2
            )
        return result

    def _action_view_documents_filtered(self, view_filter):
        if self.send_with != "mailchimp":
            return super()._action_view_documents_filtered(view_filter)
        return self.action_view_mailchimp_activity(view_filter)

    def action_view_mailchimp_activity(self, view_filter=None):
        """The recipients' activity Mailchimp reported (opens, clicks, bounces...), each row
        linked to its member, mailing contact and partner."""
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group()
        campaign = self.mailchimp_campaign_id
        if not campaign:
            raise UserError(self.env._("This mailing has no Mailchimp campaign yet."))
        action = campaign.action_view_activity()
        mapped = {"open": "open", "click": "click", "bounce": "bounce"}.get(view_filter)
        if mapped:
            action["domain"] = expression.AND([action["domain"], [("action", "=", mapped)]])
        return action

    # ------------------------------------------------------------------
    # Odoo never sends a Mailchimp mailing itself
    # ------------------------------------------------------------------
    @api.model
    def _process_mass_mailing_queue(self):
        return super(
            MailingMailing, self.with_context(**{QUEUE_CONTEXT_KEY: True})
        )._process_mass_mailing_queue()

    @api.model
    def _search(self, domain, *args, **kwargs):
        if self.env.context.get(QUEUE_CONTEXT_KEY):
            domain = expression.AND([domain or [], [("send_with", "!=", "mailchimp")]])
        return super()._search(domain, *args, **kwargs)

    def _action_send_mail(self, res_ids=None):
        mailchimp = self.filtered(lambda m: m.send_with == "mailchimp")
        for mailing in mailchimp:
            _logger.warning(
                "mailing %s is sent by Mailchimp: Odoo's own sending skipped it", mailing.id
            )
        rest = self - mailchimp
        return super(MailingMailing, rest)._action_send_mail(res_ids) if rest else True

    # ------------------------------------------------------------------
    # Form
    # ------------------------------------------------------------------
    @api.onchange("send_with", "mailchimp_list_id")
    def _onchange_mailchimp_list(self):
        for mailing in self:
            if mailing.send_with != "mailchimp":
                continue
            mailing.mailing_model_id = self.env.ref("mass_mailing.model_mailing_list")
            audience = mailing.mailchimp_list_id
            if audience and audience.mailing_list_id:
                mailing.contact_list_ids = audience.mailing_list_id
            if mailing.mailchimp_interest_id.list_id != audience:
                mailing.mailchimp_interest_id = False
            mailing.ab_testing_enabled = False

    @api.constrains("send_with", "mailchimp_list_id", "ab_testing_enabled")
    def _check_send_with_mailchimp(self):
        for mailing in self.filtered(lambda m: m.send_with == "mailchimp"):
            if mailing.ab_testing_enabled:
                raise UserError(
                    self.env._(
                        "A/B tests are sent by Odoo: a mailing sent with Mailchimp cannot be "
                        "one of them."
                    )
                )
            if mailing.mailing_type != "mail":
                raise UserError(self.env._("Only email mailings can be sent with Mailchimp."))

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("send_with") == "mailchimp" for vals in vals_list):
            self.env["mailchimp.account"]._check_mailchimp_group()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("send_with") == "mailchimp" or (
            "send_with" in vals and any(m.send_with == "mailchimp" for m in self)
        ):
            self.env["mailchimp.account"]._check_mailchimp_group()
        changed = set(vals) & set(CONTENT_FIELDS)
        reschedule = self.browse()
        if changed and not self.env.context.get("mailchimp_internal"):
            for mailing in self.filtered(lambda m: m.send_with == "mailchimp"):
                status = mailing.sudo().mailchimp_campaign_id.status
                if mailing.state == "sending" or status in ("sending", "sent", "canceling"):
                    raise UserError(
                        self.env._(
                            "Mailing '%s' is being sent (or was sent) by Mailchimp: it can no "
                            "longer change.",
                            mailing.subject or mailing.name,
                        )
                    )
                if status == "schedule":
                    reschedule |= mailing
        result = super().write(vals)
        for mailing in reschedule:
            mailing._mailchimp_reschedule()
        return result

    # ------------------------------------------------------------------
    # What goes to Mailchimp
    # ------------------------------------------------------------------
    def _mailchimp_sender(self):
        """(from_name, reply_to address) of the mailing."""
        name, address = mcontent.parse_from(self.email_from)
        reply_name, reply_address = mcontent.parse_from(self.reply_to)
        return (name or reply_name or self.env.company.name or ""), reply_address or address

    def _mailchimp_placeholders(self):
        """{placeholder chain: merge tags} from the audience's field mapping."""
        mapping = {}
        for line in self.sudo().mailchimp_list_id.mapping_ids:
            mapping.setdefault(line.source, line.merge_tag)
        mapping.setdefault("email", "EMAIL")
        result = {}
        for chain, sources in PLACEHOLDER_SOURCES.items():
            tags = tuple(mapping[s] for s in sources if mapping.get(s))
            if tags:
                result[chain] = tags
        if "name" not in result and mapping.get("first_name"):
            result["name"] = tuple(
                mapping[s] for s in ("first_name", "last_name") if mapping.get(s)
            )
        return result

    def _mailchimp_content(self):
        """(html, warnings as text) of the mailing as Mailchimp sends it."""
        base_url = self.get_base_url()
        body = self._prepend_preview(self.body_html or "", self.preview or "")
        mapped = mcontent.mailchimp_html(
            str(body),
            base_url=base_url,
            placeholders=self._mailchimp_placeholders(),
            unsubscribe_label=self.env._("Unsubscribe"),
        )
        messages = []
        for code, params in mapped.warnings:
            if code == mcontent.WARNING_PRIVATE_BASE_URL:
                messages.append(
                    self.env._(
                        "Images are linked on %s, which recipients on the internet cannot "
                        "reach: set the web.base.url system parameter to this database's "
                        "public address.",
                        params["base_url"],
                    )
                )
            elif code == mcontent.WARNING_UNKNOWN_PLACEHOLDER:
                messages.append(
                    self.env._(
                        "The placeholder %s has no merge tag in the audience's field mapping: "
                        "its default text is sent instead.",
                        params["placeholder"],
                    )
                )
            elif code == mcontent.WARNING_FOOTER_ADDED:
                messages.append(
                    self.env._(
                        "A footer with the audience's postal address and Mailchimp's "
                        "unsubscribe link was added (Mailchimp requires both)."
                    )
                )
            elif code == mcontent.WARNING_QWEB_LEFT:
                messages.append(
                    self.env._(
                        "The mailing holds dynamic code Mailchimp cannot run: it is sent as is."
                    )
                )
        return mapped.html, "\n".join(messages)

    def _mailchimp_interest(self):
        """(category id, interest id) of the interest the campaign is sent to, or None."""
        interest = self.sudo().mailchimp_interest_id
        if not interest:
            return None
        return interest.mc_category_id, interest.mc_interest_id

    def _mailchimp_segment_mc_id(self, client):
        """The Mailchimp id of the static segment the campaign is sent to: the segment's, else
        the tag's (read from the audience's tags: a tag is a static segment), else None."""
        sudo = self.sudo()
        if sudo.mailchimp_segment_id:
            return sudo.mailchimp_segment_id.mc_segment_id
        tag = (sudo.mailchimp_tag or "").strip()
        if not tag:
            return None
        found = tag_segment_id(client.static_segments(sudo.mailchimp_list_id.mc_id), tag)
        if found:
            return found
        raise UserError(
            self.env._(
                "Mailchimp has no tag %(tag)s in audience %(audience)s: check its spelling "
                "(Audience ‣ Tags in Mailchimp), or choose a segment.",
                tag=tag,
                audience=sudo.mailchimp_list_id.name,
            )
        )

    def _mailchimp_campaign_body(self, segment_mc_id=None):
        from_name, reply_to = self._mailchimp_sender()
        placeholders = self._mailchimp_placeholders()
        subject, _warnings = mcontent.mailchimp_text(self.subject or "", placeholders)
        preview, _warnings = mcontent.mailchimp_text(self.preview or "", placeholders)
        return {
            "type": "regular",
            "recipients": campaign_recipients(
                self.sudo().mailchimp_list_id.mc_id,
                segment_mc_id,
                interest=self._mailchimp_interest(),
            ),
            "settings": {
                "subject_line": subject,
                "preview_text": preview,
                "title": self.name or self.subject or "",
                "from_name": from_name,
                "reply_to": reply_to,
            },
        }

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _mailchimp_check_input(self):
        """UserError for what Odoo can tell before asking Mailchimp."""
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group()
        # the user's own rights on the audience (its company) before anything goes sudo
        self.mailchimp_list_id.check_access("read")
        audience = self.sudo().mailchimp_list_id
        if not audience:
            raise UserError(self.env._("Choose the Mailchimp audience to send this mailing to."))
        account = audience.account_id
        segment = self.sudo().mailchimp_segment_id
        if segment and (segment.list_id != audience or not segment.mc_segment_id):
            raise UserError(
                self.env._(
                    "The segment %(segment)s is not a Mailchimp segment of %(audience)s yet: "
                    "sync it first, or choose another.",
                    segment=segment.name,
                    audience=audience.name,
                )
            )
        interest = self.sudo().mailchimp_interest_id
        if interest and interest.list_id != audience:
            raise UserError(
                self.env._(
                    "The interest %(interest)s is not one of %(audience)s: choose another.",
                    interest=interest.display_name,
                    audience=audience.name,
                )
            )
        if not account.active or account.state != "connected":
            raise UserError(
                self.env._(
                    "The Mailchimp account %s is not connected: connect it again before sending.",
                    account.name,
                )
            )
        if not (self.subject or "").strip():
            raise UserError(self.env._("Enter the subject of the mailing."))
        if self.is_body_empty:
            raise UserError(self.env._("Write the mailing's content first."))
        if not self._mailchimp_sender()[1]:
            raise UserError(
                self.env._(
                    "Enter a reply-to address (or an address in 'Send From'): Mailchimp sends "
                    "from it and refuses a campaign without one."
                )
            )
        return account

    def _mailchimp_lock(self):
        """This mailing's row for this transaction: a second user (or job) pressing Send or
        Schedule at the same moment is told so instead of doing it twice."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM mailing_mailing WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                        tuple(self.ids),
                    )
                )
        except Exception as exc:  # LockNotAvailable, or a serialization failure
            if getattr(exc, "pgcode", None) in ("55P03", "40001"):
                raise UserError(
                    self.env._(
                        "Another user is sending or changing this mailing with Mailchimp right "
                        "now. Reload the page in a moment."
                    )
                ) from None
            raise

    def _mailchimp_commit(self):
        """Commit what is done so far (the campaign's id, before anything else Mailchimp is
        asked); in tests, whose transaction cannot be committed, a flush only."""
        self.env.flush_all()
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit
            self._mailchimp_lock()

    def _mailchimp_error(self, exc):
        """A UserError with Mailchimp's own words for a refused call (never a trace)."""
        account = self.sudo().mailchimp_list_id.account_id
        if isinstance(exc, mce.MailchimpBadRequest) and exc.detail:
            message = self.env._("Mailchimp refused: %s", exc.detail)
            if exc.errors:
                message += " " + "; ".join(
                    f"{err.get('field')}: {err.get('message')}" for err in exc.errors
                )
            return UserError(message)
        if exc.status == 403 and exc.detail:
            return UserError(self.env._("Mailchimp refused: %s", exc.detail))
        return UserError(account._error_message(exc))

    # ------------------------------------------------------------------
    # The campaign
    # ------------------------------------------------------------------
    def _mailchimp_remote(self, client):
        """The campaign as Mailchimp has it now (its status first)."""
        return client.campaign(self.sudo().mailchimp_campaign_id.mc_id, fields=CAMPAIGN_FIELDS)

    def _mailchimp_find_lost_draft(self, client, body, since):
        """The draft a creation whose answer was lost made, if Mailchimp did make it: same
        audience, title and subject, created since the call."""
        page = client.campaigns_page(
            status="save",
            list_id=body["recipients"]["list_id"],
            since_create_time=since - timedelta(minutes=1),
            fields=("id", "status", "settings.title", "settings.subject_line"),
        )
        remotes = page.get("campaigns") or []
        taken = set(
            self.env["mailchimp.campaign"]
            .sudo()
            .search([("mc_id", "in", [r["id"] for r in remotes])])
            .mapped("mc_id")
        )
        for remote in remotes:
            settings = remote.get("settings") or {}
            if (
                remote["id"] not in taken
                and settings.get("title") == body["settings"]["title"]
                and settings.get("subject_line") == body["settings"]["subject_line"]
            ):
                return remote
        return None

    def _mailchimp_push(self, client):
        """Create the campaign (its id stored and committed at once) or update its settings,
        then its content. Returns Mailchimp's campaign."""
        self.ensure_one()
        sudo = self.sudo()
        segment_mc_id = self._mailchimp_segment_mc_id(client)
        body = self._mailchimp_campaign_body(segment_mc_id)
        html, warnings = self._mailchimp_content()
        campaign = sudo.mailchimp_campaign_id
        try:
            if not campaign:
                since = fields.Datetime.now()
                try:
                    remote = client.create_campaign(body)
                except mce.MailchimpNetworkError:
                    remote = self._mailchimp_find_lost_draft(client, body, since)
                    if remote is None:
                        raise
                campaign = (
                    self.env["mailchimp.campaign"]
                    .sudo()
                    .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
                    .create(
                        {
                            "name": body["settings"]["title"] or remote["id"],
                            "mc_id": remote["id"],
                            "account_id": sudo.mailchimp_list_id.account_id.id,
                            "list_id": sudo.mailchimp_list_id.id,
                            "mailing_id": self.id,
                            "campaign_type": "regular",
                            "status": "save",
                        }
                    )
                )
                sudo.with_context(mailchimp_internal=True).mailchimp_campaign_id = campaign
                self._mailchimp_commit()
            else:
                remote = self._mailchimp_remote(client)
                if remote.get("status") not in EDITABLE:
                    return remote
                # a segment taken off (or one of the audience before): the whole audience
                body["recipients"] = campaign_recipients(
                    body["recipients"]["list_id"],
                    segment_mc_id,
                    clear_segment=True,
                    interest=self._mailchimp_interest(),
                )
                client.update_campaign(campaign.mc_id, body)
            client.set_campaign_content(campaign.mc_id, html)
        except mce.MailchimpError as exc:
            _logger.info("mailing %s: Mailchimp refused the campaign: %s", self.id, exc)
            raise self._mailchimp_error(exc) from None
        self.with_context(mailchimp_internal=True).write({"mailchimp_warnings": warnings})
        campaign.write(
            {
                "subject": body["settings"]["subject_line"],
                "preview_text": body["settings"]["preview_text"],
                "from_name": body["settings"]["from_name"],
                "reply_to": body["settings"]["reply_to"],
                "name": body["settings"]["title"] or campaign.name,
            }
        )
        return remote

    def _mailchimp_checklist(self, client):
        """Read the send checklist, keep it on the mailing; returns is_ready."""
        try:
            checklist = client.send_checklist(self.sudo().mailchimp_campaign_id.mc_id)
        except mce.MailchimpError as exc:
            raise self._mailchimp_error(exc) from None
        items = [
            {k: item.get(k) for k in ("type", "heading", "details")}
            for item in checklist.get("items") or []
        ]
        ready = bool(checklist.get("is_ready"))
        self.with_context(mailchimp_internal=True).write(
            {
                "mailchimp_checklist": items,
                "mailchimp_ready": ready,
                "mailchimp_checked_at": fields.Datetime.now(),
            }
        )
        return ready

    def _mailchimp_not_ready_error(self):
        errors = [i for i in self.mailchimp_checklist or [] if i.get("type") == "error"]
        details = "; ".join(f"{i.get('heading')}: {i.get('details')}" for i in errors)
        return UserError(self.env._("Mailchimp: Your Campaign is not ready to send. %s", details))

    def _mailchimp_prepare(self):
        """Input checks, the campaign pushed, the checklist read: the client, and whether
        Mailchimp is ready to send it."""
        account = self._mailchimp_check_input()
        self._mailchimp_lock()
        client = account.sudo()._get_client()
        remote = self._mailchimp_push(client)
        if remote.get("status") not in EDITABLE:
            self._mailchimp_follow(remote)
            raise UserError(
                self.env._(
                    "Mailchimp already has this mailing's campaign %s: nothing was sent again.",
                    dict(self.env["mailchimp.campaign"]._fields["status"].selection).get(
                        remote.get("status"), remote.get("status")
                    ),
                )
            )
        ready = self._mailchimp_checklist(client)
        return client, ready

    def _mailchimp_follow(self, remote):
        """The campaign's record and the mailing's state follow what Mailchimp says."""
        sudo = self.sudo()
        campaign = sudo.mailchimp_campaign_id
        if not campaign or not remote:
            return
        status = remote.get("status")
        vals = {}
        if status in dict(campaign._fields["status"].selection):
            vals["status"] = status
        if "send_time" in remote:
            vals["send_time"] = parse_mc_datetime(remote.get("send_time")) or False
        if remote.get("web_id"):
            vals["web_id"] = str(remote["web_id"])
        if remote.get("archive_url"):
            vals["archive_url"] = remote["archive_url"]
        campaign.write(vals)
        self._mailchimp_follow_status()

    def _mailchimp_follow_status(self):
        for mailing in self.filtered(lambda m: m.send_with == "mailchimp"):
            campaign = mailing.sudo().mailchimp_campaign_id
            state = STATE_OF_STATUS.get(campaign.status)
            if not state:
                continue
            vals = {}
            if mailing.state != state:
                vals["state"] = state
            if state == "done" and not mailing.sent_date:
                vals["sent_date"] = campaign.send_time or fields.Datetime.now()
            if state == "in_queue" and campaign.send_time:
                vals.update(schedule_type="scheduled", schedule_date=campaign.send_time)
            if vals:
                mailing.with_context(mailchimp_internal=True).write(vals)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_mailchimp_check(self):
        """Check with Mailchimp: the campaign created or updated, its checklist shown."""
        self.ensure_one()
        _client, ready = self._mailchimp_prepare()
        return notification(
            self.env._("Mailchimp checklist"),
            self.env._("Ready to send.")
            if ready
            else self.env._("Not ready to send: see the checklist."),
            kind="success" if ready else "warning",
            close=True,
        )

    def action_put_in_queue(self):
        mailchimp = self.filtered(lambda m: m.send_with == "mailchimp")
        rest = self - mailchimp
        result = super(MailingMailing, rest).action_put_in_queue() if rest else None
        for mailing in mailchimp:
            mailing._mailchimp_put_in_queue()
        return result

    def _mailchimp_put_in_queue(self):
        """Send (a queued job) or schedule the campaign, once it is ready."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                self.env._("Mailing '%s' is already queued or sent.", self.subject or self.name)
            )
        when = None
        if self.schedule_type == "scheduled" and self.schedule_date:
            if self.schedule_date <= fields.Datetime.now():
                raise UserError(
                    self.env._("The schedule date is in the past: choose a date to come.")
                )
            when = mcontent.quarter_hour(self.schedule_date)
        client, ready = self._mailchimp_prepare()
        if not ready:
            raise self._mailchimp_not_ready_error()
        if when:
            self._mailchimp_schedule(client, when)
            return
        self.with_context(mailchimp_internal=True).write({"state": "in_queue"})
        delay(
            self,
            self.env._("Mailchimp: send mailing %s", self.subject or self.name),
            f"mailchimp-mailing-send-{self.id}",
        )._job_mailchimp_send()

    def _mailchimp_schedule(self, client, when):
        mc_id = self.sudo().mailchimp_campaign_id.mc_id
        try:
            client.schedule_campaign(mc_id, when)
        except mce.MailchimpNetworkError:
            remote = self._mailchimp_remote(client)
            if remote.get("status") != "schedule":
                raise self._mailchimp_error(mce.MailchimpNetworkError("Network error")) from None
        except mce.MailchimpError as exc:
            raise self._mailchimp_error(exc) from None
        self.sudo().mailchimp_campaign_id.write({"status": "schedule", "send_time": when})
        self.with_context(mailchimp_internal=True).write(
            {"state": "in_queue", "schedule_type": "scheduled", "schedule_date": when}
        )

    def _mailchimp_reschedule(self):
        """A scheduled mailing changed: unschedule, update, schedule again."""
        self.ensure_one()
        account = self._mailchimp_check_input()
        client = account.sudo()._get_client()
        mc_id = self.sudo().mailchimp_campaign_id.mc_id
        remote = self._mailchimp_remote(client)
        if remote.get("status") == "schedule":
            try:
                client.unschedule_campaign(mc_id)
            except mce.MailchimpError as exc:
                raise self._mailchimp_error(exc) from None
        elif remote.get("status") not in EDITABLE:
            self._mailchimp_follow(remote)
            raise UserError(
                self.env._("Mailchimp started sending this mailing: it can no longer change.")
            )
        self.sudo().mailchimp_campaign_id.status = "save"
        when = mcontent.quarter_hour(self.schedule_date)
        if not when or when <= fields.Datetime.now():
            raise UserError(self.env._("The schedule date is in the past: choose a date to come."))
        self._mailchimp_push(client)
        if not self._mailchimp_checklist(client):
            raise self._mailchimp_not_ready_error()
        self._mailchimp_schedule(client, when)

    def action_cancel(self):
        mailchimp = self.filtered(lambda m: m.send_with == "mailchimp")
        rest = self - mailchimp
        result = super(MailingMailing, rest).action_cancel() if rest else None
        for mailing in mailchimp:
            mailing._mailchimp_cancel()
        return result

    def _mailchimp_cancel(self):
        """Unschedule a scheduled campaign; cancel one sending (paid plans)."""
        self.ensure_one()
        account = self._mailchimp_check_input()
        self._mailchimp_lock()
        client = account.sudo()._get_client()
        campaign = self.sudo().mailchimp_campaign_id
        if not campaign:
            self.with_context(mailchimp_internal=True).write(
                {"state": "draft", "schedule_type": "now", "schedule_date": False}
            )
            return
        remote = self._mailchimp_remote(client)
        status = remote.get("status")
        try:
            if status == "schedule":
                client.unschedule_campaign(campaign.mc_id)
                campaign.write({"status": "save", "send_time": False})
                self.with_context(mailchimp_internal=True).write(
                    {"state": "draft", "schedule_type": "now", "schedule_date": False}
                )
                return
            if status == "sending":
                client.cancel_send_campaign(campaign.mc_id)
                self._mailchimp_follow(self._mailchimp_remote(client))
                return
        except mce.MailchimpError as exc:
            raise self._mailchimp_error(exc) from None
        if status in EDITABLE:
            # a job not run yet: it finds nothing to send once the mailing is a draft
            self.with_context(mailchimp_internal=True).write({"state": "draft"})
            return
        self._mailchimp_follow(remote)
        raise UserError(self.env._("Mailchimp has already sent this mailing."))

    def action_mailchimp_refresh(self):
        """Read the campaign's status and report now (its activity is read by jobs)."""
        self.ensure_one()
        account = self._mailchimp_check_input()
        client = account.sudo()._get_client()
        campaign = self.sudo().mailchimp_campaign_id
        if not campaign:
            raise UserError(self.env._("This mailing has no Mailchimp campaign yet."))
        try:
            self._mailchimp_follow(self._mailchimp_remote(client))
            if campaign.status in ("sending", "sent", "canceled", "canceling"):
                campaign._fetch_report(client)
        except mce.MailchimpError as exc:
            raise self._mailchimp_error(exc) from None
        return True

    def action_view_mailchimp_campaign(self):
        self.ensure_one()
        self.env["mailchimp.account"]._check_mailchimp_group()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailchimp.campaign",
            "res_id": self.mailchimp_campaign_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Test email (Odoo's Test button)
    # ------------------------------------------------------------------
    def _mailchimp_send_test(self, emails):
        self.ensure_one()
        account = self._mailchimp_check_input()
        client = account.sudo()._get_client()
        self._mailchimp_push(client)
        try:
            client.test_campaign(self.sudo().mailchimp_campaign_id.mc_id, emails)
        except mce.MailchimpError as exc:
            raise self._mailchimp_error(exc) from None
        self._message_log(
            body=self.env._(
                "Mailchimp test email sent to %s.", ", ".join(str(escape(e)) for e in emails)
            )
        )

    # ------------------------------------------------------------------
    # The send job
    # ------------------------------------------------------------------
    @mailchimp_job(account_field="mailchimp_account_id")
    def _job_mailchimp_send(self):
        """Send the campaign once: its status read first, and again after an answer that
        did not come (Mailchimp may have applied the send)."""
        self.ensure_one()
        lock_for_job(self, "the mailing is being sent by another job")
        sudo = self.sudo()
        campaign = sudo.mailchimp_campaign_id
        if sudo.send_with != "mailchimp" or not campaign:
            return "skipped: not a Mailchimp mailing"
        if sudo.state != "in_queue":
            return f"skipped: mailing {sudo.state}"
        client = campaign.account_id._get_client()
        try:
            remote = self._mailchimp_remote(client)
            if remote.get("status") in EDITABLE:
                try:
                    client.send_campaign(campaign.mc_id)
                except mce.MailchimpNetworkError:
                    # Mailchimp may have sent it and the answer was lost: its status says
                    remote = self._mailchimp_remote(client)
                    if remote.get("status") in EDITABLE:
                        raise
                else:
                    remote = self._mailchimp_remote(client)
        except mce.MailchimpBadRequest as exc:
            # refused (not ready any more): back to draft, with Mailchimp's words
            message = self._mailchimp_error(exc).args[0]
            sudo.with_context(mailchimp_internal=True).write({"state": "draft"})
            sudo.message_post(body=message)
            _logger.info("mailing %s: Mailchimp refused the send: %s", self.id, exc)
            return f"refused: {exc}"
        except mce.RETRYABLE_ERRORS as exc:
            raise retry_later(exc) from None
        self._mailchimp_follow(remote)
        return f"campaign {campaign.mc_id}: {remote.get('status')}"
