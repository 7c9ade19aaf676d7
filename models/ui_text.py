# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Numbers in the words the connector shows a user."""

from odoo.tools.misc import formatLang


def count_text(env, number):
    """``number`` with the thousands separator of the user's language ("2,000").

    A function rather than an f-string inside ``env._(...)``: the translation export reads
    the arguments of those calls as text and stops at the first f-string among them."""
    return formatLang(env, number or 0, digits=0)


def notification(title, message, kind=None, sticky=None, close=False):
    """The toast a button answers with (``display_notification``): ``kind`` its type
    (success, warning, danger, info), ``sticky`` when given, ``close``: and the dialog or
    form it came from closes (a form reloads its counts)."""
    params = {"title": title, "message": message}
    if kind:
        params["type"] = kind
    if sticky is not None:
        params["sticky"] = sticky
    if close:
        params["next"] = {"type": "ir.actions.act_window_close"}
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
