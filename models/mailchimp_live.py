# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Live screens: a change of a Mailchimp record (a page job's progress, an import's result, an
export, webhook events applied, a report refreshed) reaches every open form, list and kanban
of it through Odoo's bus, when its transaction commits; the web client reloads what it shows
(static/src/live/live_reload.js). The message names the model and the ids only (no data: each
client reloads through its own access rights), once per model and transaction, to the
connector's users."""

from collections import defaultdict

from odoo import api, models

#: the bus notification type the web client listens to
LIVE_NOTIFICATION = "mailchimp_connector/changed"
_PENDING = "mailchimp_connector.live"


def notify_live(records):
    """Tell the open screens of ``records`` (any model) that they changed, at commit."""
    if not records:
        return
    cr = records.env.cr
    pending = cr.precommit.data.get(_PENDING)
    if pending is None:
        pending = cr.precommit.data[_PENDING] = defaultdict(set)
        env = records.env

        @cr.precommit.add
        def send():
            # the bus's own hook, added by _sendone, runs after this one (same commit)
            found = cr.precommit.data.pop(_PENDING, None) or {}
            group = env.ref("mailchimp_connector.group_mailchimp_user", raise_if_not_found=False)
            if not group:
                return
            bus = env["bus.bus"].sudo()
            for model, ids in sorted(found.items()):
                bus._sendone(group, LIVE_NOTIFICATION, {"model": model, "ids": sorted(ids)})

    pending[records._name].update(records.ids)


class MailchimpLiveMixin(models.AbstractModel):
    """A record whose screens follow its changes live (see :func:`notify_live`)."""

    _name = "mailchimp.live.mixin"
    _description = "Mailchimp record shown live"

    def _live_targets(self):
        """The records whose screens show this one's figures: itself by default."""
        return [self]

    def _notify_live(self):
        for records in self._live_targets():
            notify_live(records)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._notify_live()
        return records

    def write(self, vals):
        result = super().write(vals)
        self._notify_live()
        return result
