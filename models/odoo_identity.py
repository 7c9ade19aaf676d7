# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How Odoo stores an address, beside the one member key of services/identity.py."""

import re

from odoo.tools import SQL, email_normalize

from ..services.identity import member_key

#: a plain ASCII address, which Odoo's email_normalize only lower-cases
_PLAIN_EMAIL = re.compile(r"^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)+$", re.I)


def odoo_email_forms(addresses):
    """The forms Odoo stores these addresses under (``email_normalized`` of contacts and
    partners, ``mail.blacklist.email``) besides their member keys: Odoo keeps the case of a
    non-ASCII local part, so ``ÉLODIE@exämple.fr`` must be looked up as both."""
    forms = set()
    for address in addresses:
        address = (address or "").strip()
        key = member_key(address)
        if key:
            forms.add(key)
        if address and not _PLAIN_EMAIL.match(address):
            odoo_form = email_normalize(address)
            if odoo_form and member_key(odoo_form) == key:
                forms.add(odoo_form)
    return forms


def stored_case_variants(env, forms):
    """The forms Odoo stored, in its blacklist and its mailing contacts, of the addresses in
    ``forms`` in any case: Odoo keeps the case of a non-ASCII local part, so that a person's
    blacklisting of ``ÉLODIE@…`` is stored apart from ``élodie@…``, which Mailchimp holds as one
    member. Only those addresses are looked for (one query each table; none for plain ones)."""
    keys = sorted({member_key(form) for form in forms if form and not _PLAIN_EMAIL.match(form)})
    keys = [key for key in keys if key]
    if not keys:
        return set()
    env["mail.blacklist"].flush_model(["email"])
    env["mailing.contact"].flush_model(["email_normalized"])
    found = set()
    for table, column in (("mail_blacklist", "email"), ("mailing_contact", "email_normalized")):
        env.cr.execute(
            SQL(
                "SELECT DISTINCT %s FROM %s WHERE lower(%s) = ANY(%s)",
                SQL.identifier(column),
                SQL.identifier(table),
                SQL.identifier(column),
                keys,
            )
        )
        found.update(row[0] for row in env.cr.fetchall() if member_key(row[0]) in keys)
    return found
