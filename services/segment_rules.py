"""Segments (an Odoo selection -> a Mailchimp static segment): the pure rules (no Odoo).

A sync leaves the static segment with exactly the addresses of the selection that are
members of the audience a campaign may reach (subscribed or pending): :func:`plan_segment`
computes what to add and remove, and why each other address of the selection is left out;
:func:`segment_calls` pairs the additions and removals into calls of at most 500 each.
Nothing here subscribes anyone: an unsubscribed, cleaned, archived or deleted member is
never added (and is taken out of the segment when it is in it).
"""

from dataclasses import dataclass, field

from .statuses import (
    STATUS_ARCHIVED,
    STATUS_CLEANED,
    STATUS_DELETED,
    STATUS_PENDING,
    STATUS_SUBSCRIBED,
    STATUS_TRANSACTIONAL,
    STATUS_UNSUBSCRIBED,
)

#: Mailchimp's limit of members_to_add / members_to_remove in one call
SEGMENT_BATCH_LIMIT = 500
#: member statuses a segment holds: those a campaign sends to (a pending member once
#: confirmed); the others are skipped, never changed
SEGMENT_STATUSES = frozenset({STATUS_SUBSCRIBED, STATUS_PENDING})

# reason codes of an address of the selection that is not in the segment
SKIP_NO_EMAIL = "no_email"
SKIP_NOT_IN_AUDIENCE = "not_in_audience"
SKIP_WAITING_EXPORT = "waiting_export"
SKIP_UNSUBSCRIBED = STATUS_UNSUBSCRIBED
SKIP_CLEANED = STATUS_CLEANED
SKIP_ARCHIVED = STATUS_ARCHIVED
SKIP_DELETED = STATUS_DELETED
SKIP_TRANSACTIONAL = STATUS_TRANSACTIONAL
SKIP_REFUSED = "refused"

SKIP_REASONS = (
    SKIP_NO_EMAIL,
    SKIP_NOT_IN_AUDIENCE,
    SKIP_WAITING_EXPORT,
    SKIP_UNSUBSCRIBED,
    SKIP_CLEANED,
    SKIP_ARCHIVED,
    SKIP_DELETED,
    SKIP_TRANSACTIONAL,
    SKIP_REFUSED,
)


@dataclass
class SegmentPlan:
    """What a sync does: ``target`` the member keys the segment must hold, ``to_add`` /
    ``to_remove`` the differences with what it holds (sorted), ``skipped`` the keys of the
    selection left out with their reason code."""

    target: set = field(default_factory=set)
    to_add: list = field(default_factory=list)
    to_remove: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)
    no_email: int = 0


def skip_reason(status, waiting_export=False):
    """Why an address of the selection whose binding has ``status`` (None: no binding, or
    one Mailchimp has not answered yet) is not in the segment; None when it belongs in it."""
    if status in SEGMENT_STATUSES:
        return None
    if not status:
        return SKIP_WAITING_EXPORT if waiting_export else SKIP_NOT_IN_AUDIENCE
    return status


def plan_segment(selected, statuses, current, waiting=()):
    """The plan of one sync.

    ``selected``: the member keys of the selection ('' for a record without a valid
    address: counted in ``no_email``); ``statuses``: member key ->
    the binding's status in the audience (missing: not in the audience); ``current``: the
    member keys the static segment holds now; ``waiting``: keys whose binding waits for its
    first export (not in Mailchimp yet)."""
    plan = SegmentPlan()
    waiting = set(waiting)
    for key in selected:
        if not key:
            plan.no_email += 1
            continue
        reason = skip_reason(statuses.get(key), key in waiting)
        if reason:
            plan.skipped[key] = reason
        else:
            plan.target.add(key)
    current = set(current)
    plan.to_add = sorted(plan.target - current)
    plan.to_remove = sorted(current - plan.target)
    return plan


def segment_calls(to_add, to_remove, limit=None):
    """The (additions, removals) of each call: at most ``limit`` of each per call, both in
    the same call while both remain (so max(ceil(adds/limit), ceil(removes/limit)) calls)."""
    limit = limit or SEGMENT_BATCH_LIMIT
    to_add, to_remove = list(to_add), list(to_remove)
    calls = []
    for start in range(0, max(len(to_add), len(to_remove)), limit):
        calls.append((to_add[start : start + limit], to_remove[start : start + limit]))
    return calls


def skipped_counts(skipped, no_email=0):
    """Reason code -> how many addresses of the selection it left out (codes in the order
    of SKIP_REASONS, only those that occur; ``no_email``: records without a valid address)."""
    counts = {SKIP_NO_EMAIL: no_email} if no_email else {}
    for reason in skipped.values():
        counts[reason] = counts.get(reason, 0) + 1
    return {reason: counts[reason] for reason in SKIP_REASONS if reason in counts}
