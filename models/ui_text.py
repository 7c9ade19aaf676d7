# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Numbers in the words the connector shows a user."""

from odoo.tools.misc import formatLang


def count_text(env, number):
    """``number`` with the thousands separator of the user's language ("2,000").

    A function rather than an f-string inside ``env._(...)``: the translation export reads
    the arguments of those calls as text and stops at the first f-string among them."""
    return formatLang(env, number or 0, digits=0)
