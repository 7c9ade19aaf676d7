"""Sync decisions, free of HTTP and of the ORM.

Given what Mailchimp says of a member and what Odoo last saw of it, decide what a pull
does. The Odoo glue (models/) gathers the inputs in bulk, asks these functions, and
applies the answers in batched writes.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

STATUS_SUBSCRIBED = "subscribed"
STATUS_UNSUBSCRIBED = "unsubscribed"
STATUS_CLEANED = "cleaned"
STATUS_PENDING = "pending"
STATUS_TRANSACTIONAL = "transactional"
STATUS_ARCHIVED = "archived"
STATUS_DELETED = "deleted"  # permanently deleted (tombstone kept in Odoo only)

#: statuses that must never be turned back into "subscribed" automatically
BLOCKED_STATUSES = frozenset({STATUS_UNSUBSCRIBED, STATUS_CLEANED, STATUS_DELETED})

ACTION_CREATE = "create"
ACTION_UPDATE = "update"
ACTION_SKIP = "skip"

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email):
    """Lower-cased, stripped address, or '' when it does not look like one address."""
    if not email:
        return ""
    email = email.strip().lower()
    if "<" in email and email.endswith(">"):
        email = email[email.rindex("<") + 1 : -1].strip()
    return email if _EMAIL_RE.match(email) else ""


def parse_mc_datetime(value):
    """Parse Mailchimp's ISO 8601 timestamps into naive UTC datetimes (Odoo's convention)."""
    if not value:
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        text = value.strip().replace("Z", "+00:00")
        dt = datetime.fromisoformat(text)
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt.replace(microsecond=0)


def format_mc_datetime(value):
    """Naive UTC datetime -> Mailchimp's ISO 8601 form."""
    return value.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S+00:00")


@dataclass(frozen=True)
class PullOptions:
    """The account options and per-audience flags that drive a pull."""

    import_new: bool = True
    create_contact: bool = True
    create_partner: bool = False
    pull_fields: bool = True
    import_unsubscribes: bool = True
    override_name: bool = False


@dataclass
class LocalMember:
    """What Odoo knows of a member: the binding and its linked contact."""

    status: str = None
    last_changed: datetime = None
    has_contact: bool = False
    first_name: str = ""
    last_name: str = ""
    synced_first_name: str = ""
    synced_last_name: str = ""


@dataclass
class PullDecision:
    action: str
    reason: str = ""
    create_contact: bool = False
    create_partner: bool = False
    contact_values: dict = field(default_factory=dict)
    opt_out: bool = False
    blacklist: bool = False


def remote_names(remote):
    merges = remote.get("merge_fields") or {}
    return (merges.get("FNAME") or "").strip(), (merges.get("LNAME") or "").strip()


def _name_updates(remote, local, opts):
    """Names Mailchimp may write: only where Odoo did not change them since the last sync
    (the Odoo change wins), and only over a differing non-empty name if override is on."""
    values = {}
    first, last = remote_names(remote)
    pairs = (
        ("first_name", first, local.first_name or "", local.synced_first_name or ""),
        ("last_name", last, local.last_name or "", local.synced_last_name or ""),
    )
    for fname, remote_value, current, synced in pairs:
        if current != synced:
            continue  # changed in Odoo since the last sync: Odoo wins
        if remote_value == current:
            continue
        if current and not opts.override_name:
            continue
        values[fname] = remote_value
    return values


def decide_pull(remote, local, opts):
    """Decide what importing ``remote`` (a Mailchimp member dict) does.

    ``local`` is a :class:`LocalMember` or None when Odoo has no binding yet.
    """
    status = remote.get("status")
    last_changed = parse_mc_datetime(remote.get("last_changed"))
    if local is None:
        if status == STATUS_ARCHIVED:
            return PullDecision(ACTION_CREATE, "archived in Mailchimp: recorded, not imported")
        decision = PullDecision(ACTION_CREATE, "new member")
        wants_contact = opts.import_new and opts.create_contact
        if status in (STATUS_UNSUBSCRIBED, STATUS_CLEANED):
            # an unsubscribed member only becomes a contact when unsubscribes are imported,
            # and then already opted out / blacklisted: never as a subscriber
            wants_contact = wants_contact and opts.import_unsubscribes
            decision.opt_out = opts.import_unsubscribes
            decision.blacklist = opts.import_unsubscribes and status == STATUS_CLEANED
        elif status == STATUS_TRANSACTIONAL:
            wants_contact = False
        if wants_contact:
            first, last = remote_names(remote)
            decision.create_contact = True
            decision.create_partner = opts.create_partner
            decision.contact_values = {"first_name": first, "last_name": last}
        else:
            decision.reason = decision.reason + " (binding only)"
        return decision

    if local.status == STATUS_DELETED:
        return PullDecision(ACTION_SKIP, "permanently deleted: tombstone kept")
    if local.last_changed and last_changed and last_changed <= local.last_changed:
        if local.status == status:
            return PullDecision(ACTION_SKIP, "unchanged since the last sync")
    decision = PullDecision(ACTION_UPDATE, "changed in Mailchimp")
    if status == STATUS_ARCHIVED:
        decision.reason = "archived in Mailchimp"
        return decision
    if opts.pull_fields and local.has_contact:
        decision.contact_values = _name_updates(remote, local, opts)
    if opts.import_unsubscribes and status in (STATUS_UNSUBSCRIBED, STATUS_CLEANED):
        decision.opt_out = True
        decision.blacklist = status == STATUS_CLEANED
    elif (
        not local.has_contact
        and opts.import_new
        and opts.create_contact
        and status in (STATUS_SUBSCRIBED, STATUS_PENDING)
        and local.status not in BLOCKED_STATUSES
    ):
        # known only as a binding (e.g. was archived) and now a subscriber again
        first, last = remote_names(remote)
        decision.create_contact = True
        decision.create_partner = opts.create_partner
        decision.contact_values = {"first_name": first, "last_name": last}
    return decision
