"""Interest groups <-> Odoo mailing lists: the pure rules (no Odoo).

A mapped interest is on in Mailchimp (``interests[id]`` true) or off; in Odoo the member's
mailing contact is on the mapped list (a subscription, not opted out) or not (none, or
opted out). Each binding keeps what both sides agreed on at its last interest sync (the
base), as CiviCRM's mailchimpsync keeps its cache of both sides: a side that differs from
the base changed since and wins over the side that did not; when both changed to different
values (or there is no base yet: a first sync, a new mapping), the newest change wins — the
member's ``last_changed`` in Mailchimp against the subscription's date in Odoo — Mailchimp
winning a tie. Both sides then hold the merged value, which becomes the new base, so a
second sync finds nothing to send (no ping-pong).
"""

#: the decision for one interest of one member: (the value both sides end with, whether
#: Mailchimp must be told, whether Odoo's list must be changed)


def merge_interest(base, mailchimp, odoo, mailchimp_at=None, odoo_at=None):
    """(merged value, send to Mailchimp, write in Odoo) for one interest of one member.

    ``base``: the value of the last sync (None: never synced); ``mailchimp`` / ``odoo``: each
    side's value now (None: that side has nothing — an interest Mailchimp did not report);
    ``mailchimp_at`` / ``odoo_at``: when each side last changed (comparable, None: unknown).
    """
    if mailchimp is None:
        mailchimp = bool(base) if base is not None else False
    mailchimp, odoo = bool(mailchimp), bool(odoo)
    if mailchimp == odoo:
        merged = mailchimp
    elif base is not None and mailchimp == base:
        merged = odoo  # only Odoo changed
    elif base is not None and odoo == base:
        merged = mailchimp  # only Mailchimp changed
    else:
        merged = odoo if newer(odoo_at, mailchimp_at) else mailchimp
    return merged, merged != mailchimp, merged != odoo


def newer(left, right):
    """Whether the change dated ``left`` is newer than the one dated ``right`` (an unknown
    date is older than any known one; a tie is not newer)."""
    if left is None:
        return False
    if right is None:
        return True
    return left > right


def merge_member(base, mailchimp, odoo, mailchimp_at=None, odoo_at=None):
    """The interests of one member, merged: ({id: merged}, {id: value to send}, {id: value
    to write in Odoo}) over the mapped interest ids (the keys of ``odoo``: {id: on in Odoo});
    ``base`` / ``mailchimp``: {id: bool} (missing ids: unknown); ``odoo_at``: {id: date of
    the Odoo side's last change} or one date for all."""
    merged, send, write = {}, {}, {}
    for interest_id, odoo_value in odoo.items():
        at = odoo_at.get(interest_id) if isinstance(odoo_at, dict) else odoo_at
        value, to_mailchimp, to_odoo = merge_interest(
            base.get(interest_id), mailchimp.get(interest_id), odoo_value, mailchimp_at, at
        )
        merged[interest_id] = value
        if to_mailchimp:
            send[interest_id] = value
        if to_odoo:
            write[interest_id] = value
    return merged, send, write


#: Mailchimp's limit of interests per audience, across all its categories
MAX_INTERESTS = 60


def interests_left(existing, wanted):
    """How many of ``wanted`` new interests an audience holding ``existing`` can still take
    (Mailchimp refuses past MAX_INTERESTS)."""
    return max(0, min(wanted, MAX_INTERESTS - existing))
