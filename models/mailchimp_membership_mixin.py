# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import sql

from .smart_buttons import related_action, set_counts

MAILCHIMP_USER_GROUP = "mailchimp_connector.group_mailchimp_user"
MAILCHIMP_MANAGER_GROUP = "mailchimp_connector.group_mailchimp_manager"


def batch_default_get(model, fields_list, compute):
    """``default_get`` computed once per batch: the import creates a page of records (1,000
    contacts, their subscriptions, their bindings) that all ask the same defaults, which
    Odoo otherwise computes for each record. Only inside a create made with the context key
    ``mailchimp_defaults_cache`` (a dict the caller makes for that create)."""
    cache = model.env.context.get("mailchimp_defaults_cache")
    if cache is None:
        return compute(fields_list)
    key = (model._name, tuple(fields_list))
    if key not in cache:
        defaults = compute(fields_list)
        # most defaults are scalars: a flat copy, and a deeper one of the few containers
        containers = tuple(k for k, v in defaults.items() if isinstance(v, _CONTAINERS))
        cache[key] = (defaults, containers)
    defaults, containers = cache[key]
    values = dict(defaults)
    for name in containers:
        values[name] = _copy_value(defaults[name])
    return values


def _copy_value(value):
    """A copy of a default value deep enough that a create changing it (an x2many command's
    values) leaves the cached one intact: dicts, lists and tuples copied, the rest shared
    (immutable scalars). Far cheaper than ``copy.deepcopy``, which showed in the import's
    profile (three creates per imported member)."""
    if isinstance(value, dict):
        return {
            key: _copy_value(item) if isinstance(item, _CONTAINERS) else item
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_copy_value(item) if isinstance(item, _CONTAINERS) else item for item in value]
    if isinstance(value, tuple):
        return tuple(_copy_value(item) if isinstance(item, _CONTAINERS) else item for item in value)
    return value


_CONTAINERS = (dict, list, tuple)


def ensure_email_normalized_index(model):
    """Index ``email_normalized`` of ``model``'s table unless some index already covers it:
    the imports look members up by address one page (1,000 addresses) at a time, which
    without it is a full scan of every contact per page."""
    cr = model.env.cr
    cr.execute(
        """SELECT 1 FROM pg_indexes WHERE tablename = %s
           AND indexdef LIKE '%%USING btree (email_normalized)%%'""",
        (model._table,),
    )
    if not cr.fetchone():
        sql.create_index(
            cr, f"{model._table}_mailchimp_email_normalized_idx", model._table, ["email_normalized"]
        )


class MailchimpMembershipMixin(models.AbstractModel):
    """Memberships smart button for the records a Mailchimp member links to."""

    _name = "mailchimp.membership.mixin"
    _description = "Mailchimp Memberships Mixin"
    #: the field of mailchimp.member pointing at the inheriting model
    _mailchimp_member_field = None

    def init(self):
        res = super().init()
        if not self._abstract:
            ensure_email_normalized_index(self)
        return res

    # readable by the Mailchimp users only: the computes read mailchimp.* models, which
    # would break every read() of partners / contacts for everybody else
    mailchimp_member_count = fields.Integer(
        compute="_compute_mailchimp_member_count",
        string="Mailchimp Memberships Count",
        groups=MAILCHIMP_USER_GROUP,
    )
    mailchimp_activity_count = fields.Integer(
        compute="_compute_mailchimp_activity_count",
        string="Mailchimp Campaign Activity Count",
        groups=MAILCHIMP_USER_GROUP,
    )

    mailchimp_optout_waiting = fields.Boolean(
        compute="_compute_mailchimp_optout_waiting",
        string="Opt-out Waiting for Mailchimp",
        groups=MAILCHIMP_USER_GROUP,
        help="An opt-out or blacklisting made in Odoo that Mailchimp has not received yet.",
    )

    def _compute_mailchimp_optout_waiting(self):
        field = self._mailchimp_member_field
        waiting = set()
        if self.ids:
            waiting = set(
                self.env["mailchimp.member"]
                .search(
                    [
                        (field, "in", self.ids),
                        ("withdrawal_waiting", "=", True),
                        ("status", "in", ("subscribed", "pending")),
                    ]
                )
                .mapped(f"{field}.id")
            )
        for record in self:
            record.mailchimp_optout_waiting = record.id in waiting

    mailchimp_consent_count = fields.Integer(
        compute="_compute_mailchimp_consent_count",
        string="Consent History Count",
        groups=MAILCHIMP_USER_GROUP,
    )

    def _compute_mailchimp_consent_count(self):
        # the consent record carries the same field names as the member binding
        set_counts(
            self, "mailchimp_consent_count", "mailchimp.consent", self._mailchimp_member_field
        )

    def action_view_mailchimp_consent(self):
        """This contact's consent history: every opt-in, opt-out and double opt-in request,
        newest first."""
        action = related_action(self, "action_mailchimp_consent", self._mailchimp_member_field)
        action["name"] = self.env._("Consent History of %s", self.display_name or "")
        return action

    def _compute_mailchimp_member_count(self):
        set_counts(self, "mailchimp_member_count", "mailchimp.member", self._mailchimp_member_field)

    def action_view_mailchimp_members(self):
        return related_action(self, "action_mailchimp_member", self._mailchimp_member_field)

    def _mailchimp_mark_changed(self):
        """A synced field changed in Odoo: the memberships of these records in audiences that
        push fields wait for the next export (never while the import itself writes)."""
        if self.env.context.get("mailchimp_no_push") or not self.ids:
            return
        self.env["mailchimp.member"].sudo().search(
            [
                (self._mailchimp_member_field, "in", self.ids),
                ("list_id.push_fields", "=", True),
                ("list_id.account_id.auto_update_contact", "=", True),
            ]
        ).write({"need_push": True})

    def _mailchimp_mark_tags_changed(self):
        """The Odoo tags of these records changed: their memberships in audiences that sync
        tags wait for the next tag sync (not while the tag sync itself writes them)."""
        if self.env.context.get("mailchimp_no_push") or not self.ids:
            return
        self.env["mailchimp.member"].sudo().search(
            [
                (self._mailchimp_member_field, "in", self.ids),
                ("list_id.sync_tags", "=", True),
            ]
        ).write({"tags_dirty": True})

    def _compute_mailchimp_activity_count(self):
        # the activity row carries the same field names as the member binding
        set_counts(
            self,
            "mailchimp_activity_count",
            "mailchimp.campaign.activity",
            self._mailchimp_member_field,
        )

    def action_view_mailchimp_activity(self):
        """This contact's engagement timeline: what they opened, clicked, bounced or left,
        newest first (and per day in the graph view)."""
        action = related_action(
            self,
            "action_mailchimp_campaign_activity",
            self._mailchimp_member_field,
            {},
        )
        action["name"] = self.env._(
            "Mailchimp Engagement of %s", self.display_name or self.email or ""
        )
        return action
