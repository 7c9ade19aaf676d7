"""A member's status in Mailchimp: the one vocabulary, and the sets the rules name.

Mailchimp's statuses plus ``deleted``, which only Odoo keeps (the tombstone of a member
permanently deleted in Mailchimp). The binding's Selection, the import's and the export's
rules all read them from here.
"""

STATUS_SUBSCRIBED = "subscribed"
STATUS_UNSUBSCRIBED = "unsubscribed"
STATUS_CLEANED = "cleaned"
STATUS_PENDING = "pending"
STATUS_TRANSACTIONAL = "transactional"
STATUS_ARCHIVED = "archived"
STATUS_DELETED = "deleted"  # permanently deleted (tombstone kept in Odoo only)

#: (status, label): the binding's Selection
STATUS_SELECTION = [
    (STATUS_SUBSCRIBED, "Subscribed"),
    (STATUS_UNSUBSCRIBED, "Unsubscribed"),
    (STATUS_CLEANED, "Cleaned"),
    (STATUS_PENDING, "Pending"),
    (STATUS_TRANSACTIONAL, "Transactional"),
    (STATUS_ARCHIVED, "Archived"),
    (STATUS_DELETED, "Permanently Deleted"),
]

#: statuses that must never be turned back into "subscribed" automatically
BLOCKED_STATUSES = frozenset({STATUS_UNSUBSCRIBED, STATUS_CLEANED, STATUS_DELETED})
#: statuses an export may unsubscribe
UNSUBSCRIBABLE = frozenset({STATUS_SUBSCRIBED, STATUS_PENDING})
#: statuses that a user's explicit request can re-subscribe (as pending, with Mailchimp's
#: confirmation email); cleaned, archived and deleted members cannot be
RESUBSCRIBE_BY_REQUEST = frozenset({STATUS_UNSUBSCRIBED})
#: statuses that nothing is ever pushed for (bounced, archived, permanently deleted)
NOTHING_TO_PUSH = frozenset({STATUS_CLEANED, STATUS_ARCHIVED, STATUS_DELETED})
#: statuses whose consent is an opt-out in Odoo (an unsubscribe or a bounce)
LEFT_STATUSES = (STATUS_UNSUBSCRIBED, STATUS_CLEANED)


def tombstone(status):
    """The values that mark a binding permanently deleted in Mailchimp, given the status it
    had (``status``): the status it had is kept (``status_before_deleted``), as a member
    taken for deleted may have moved and come back, and its status then is only new when it
    differs. A binding without a live status (none, or deleted already) keeps the one it
    kept before."""
    values = {"status": STATUS_DELETED}
    if status and status != STATUS_DELETED:
        values["status_before_deleted"] = status
    return values
