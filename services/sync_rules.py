# size: the import's consent and identity rules compose one another (decide_pull and the
# helpers it calls); split, each part would import the others.
"""Sync decisions, free of HTTP and of the ORM.

Given what Mailchimp says of a member and what Odoo last saw of it, decide what a pull
does. The Odoo glue (models/) gathers the inputs in bulk, asks these functions, and
applies the answers in batched writes.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .consent_rules import lifts_odoo_opt_out
from .statuses import (  # noqa: F401 (the vocabulary, read from here by older imports)
    BLOCKED_STATUSES,
    STATUS_ARCHIVED,
    STATUS_CLEANED,
    STATUS_DELETED,
    STATUS_PENDING,
    STATUS_SUBSCRIBED,
    STATUS_TRANSACTIONAL,
    STATUS_UNSUBSCRIBED,
)

ACTION_CREATE = "create"
ACTION_UPDATE = "update"
ACTION_SKIP = "skip"


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


#: control characters PostgreSQL or a form cannot hold (NUL above all); tabs/newlines stay
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: longest text kept from one merge field (Mailchimp's own limit for text fields is 255)
MAX_TEXT = 1000


def clean_text(value):
    """A merge-field value as Odoo can store it: text (numbers and booleans written out),
    without NUL and other control characters, at most MAX_TEXT characters; '' for None."""
    if value is None or value is False:
        return ""
    if isinstance(value, dict | list):
        return ""
    text = value if isinstance(value, str) else str(value)
    return _CONTROL_RE.sub("", text)[:MAX_TEXT].strip()


def clean_merge_fields(merges):
    """Mailchimp's merge_fields made safe to store: text values cleaned, addresses (dicts)
    kept with their parts cleaned, anything else dropped."""
    if not isinstance(merges, dict):
        return {}
    result = {}
    for tag, value in merges.items():
        tag = clean_text(tag)
        if not tag:
            continue
        if isinstance(value, dict):
            result[tag] = {clean_text(k): clean_text(v) for k, v in value.items() if clean_text(k)}
        else:
            result[tag] = clean_text(value)
    return result


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
    #: when Odoo's opt-out was made (of this audience's mailing list, or a person's
    #: blacklisting), in Mailchimp's time; None: not opted out in Odoo
    opted_out_at: datetime = None
    #: when this audience's mailing list was opted out (of ``opted_out_at``, the list's part;
    #: a blacklisting is not lifted by a subscription, a list opt-out is), Mailchimp's time
    list_opted_out_at: datetime = None
    #: the newest of those list opt-outs that Odoo applied for Mailchimp (a member's status)
    mirrored_opted_out_at: datetime = None
    #: when Mailchimp's status last changed, as Odoo saw it
    status_changed: datetime = None
    #: when a person or user in Odoo last lifted an opt-out of this audience's mailing list
    #: (opt-out ticked off), in Mailchimp's time
    opted_in_at: datetime = None
    #: when a person or user in Odoo last removed the address from the blacklist
    unblacklisted_at: datetime = None
    #: for a binding: the newest of those opt-outs that hold for its member where it is in
    #: Mailchimp (a person's blacklisting of the binding's own address, an opt-out of a
    #: contact at it, the linked contact's own opt-out of the list), not only for the
    #: address the linked contact moved to in Odoo
    own_opted_out_at: datetime = None
    #: the merge fields Odoo stored when it last read (or wrote) the member; None: not known
    merge_fields: dict = None
    #: Mailchimp's ``web_id`` of the member Odoo last read at this address (one per member)
    web_id: str = None
    #: for a binding marked deleted: the status Odoo had read of the member before
    status_before_deleted: str = None


@dataclass(frozen=True)
class MemberElsewhere:
    """What Odoo last read of a member (its ``web_id``) at another address of the audience,
    where it was before it moved to the address it has now."""

    status: str = None
    #: when that status was decided, as Odoo saw it (Mailchimp's time)
    status_changed: datetime = None


@dataclass
class OdooConsent:
    """Odoo's consent decisions on an address Odoo has no binding of yet (same meaning as
    the fields of :class:`LocalMember`, in Mailchimp's time)."""

    opted_out_at: datetime = None
    list_opted_out_at: datetime = None
    mirrored_opted_out_at: datetime = None
    opted_in_at: datetime = None
    unblacklisted_at: datetime = None
    own_opted_out_at: datetime = None


@dataclass
class PullDecision:
    action: str
    reason: str = ""
    create_contact: bool = False
    create_partner: bool = False
    contact_values: dict = field(default_factory=dict)
    opt_out: bool = False
    blacklist: bool = False
    #: the member re-subscribed in Mailchimp after Odoo's opt-out: clear that opt-out
    clear_opt_out: bool = False
    #: Mailchimp's status changed, or the member opted in again (the binding's
    #: status_changed moves to ``decided_at``)
    status_changed: bool = False
    #: when Mailchimp's current status was decided, as far as Odoo can tell
    decided_at: datetime = None
    #: Odoo's opt-out is newer than Mailchimp's subscribed status: the export must send it
    push_opt_out: bool = False
    #: why a name Mailchimp changed was left as Odoo has it (``NAMES_NOT_OVERRIDDEN``)
    name_reason: str = ""


def fields_differ(remote, local):
    """Whether Mailchimp's merge fields differ from those Odoo stored for the member. Its
    ``last_changed`` has whole seconds: a second change in the second Odoo read the member
    in leaves it equal, and only its fields tell the change."""
    if local.merge_fields is None:
        return False
    return clean_merge_fields(remote.get("merge_fields")) != clean_merge_fields(local.merge_fields)


def remote_names(remote):
    merges = remote.get("merge_fields") or {}
    return clean_text(merges.get("FNAME")), clean_text(merges.get("LNAME"))


#: why a pull left a name Mailchimp changed as Odoo has it (``PullDecision.name_reason``)
NAMES_NOT_OVERRIDDEN = "names not overridden"


def name_updates(remote, local, opts):
    """Names Mailchimp may write, and why a differing one was not written: (values,
    reason). Only where Odoo did not change them since the last sync (the Odoo change wins),
    and only over a differing non-empty name if override is on; a differing Mailchimp name
    left for that last reason gives ``NAMES_NOT_OVERRIDDEN`` (else reason is "")."""
    values, reason = {}, ""
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
            reason = NAMES_NOT_OVERRIDDEN
            continue
        values[fname] = remote_value
    return values, reason


def synced_names(local, first_name, last_name, export_pending):
    """The ``synced_*`` values of a binding the import writes, its contact's names now being
    ``first_name`` / ``last_name``. A name changed in Odoo since the last sync and waiting
    for the export (``export_pending``: the binding's need_push) stays unsynced: recorded as
    synced, the next change read from Mailchimp would overwrite it and the export then send
    Mailchimp's older name back. ``local``: the binding before the import (None: new)."""
    values = {}
    for fname, current in (("first_name", first_name), ("last_name", last_name)):
        synced_field = f"synced_{fname}"
        if (
            export_pending
            and local is not None
            and local.has_contact
            and (getattr(local, fname) or "") != (getattr(local, synced_field) or "")
        ):
            continue
        values[synced_field] = current or ""
    return values


#: what a blacklist entry says of consent (``blacklist_consent``): the OdooConsent dates
BLACKLIST_OPT_OUT = "opted_out_at"
BLACKLIST_LIFTED = "unblacklisted_at"


def blacklist_consent(active, bounce, lift_counts=True):
    """What an Odoo blacklist entry says of the person's consent: an archived entry is an
    un-blacklisting (``BLACKLIST_LIFTED``) when it is a decision (``lift_counts``: the
    person's own, or the connector's following Mailchimp; a user's is not, None); an active
    one an opt-out (``BLACKLIST_OPT_OUT``) unless it records a bounce (``bounce``: its reason
    is the connector's cleaned one): a bounce is not an opt-out, it is never pushed as an
    unsubscribe (None)."""
    if not active:
        return BLACKLIST_LIFTED if lift_counts else None
    if bounce:
        return None
    return BLACKLIST_OPT_OUT


def newer_consent_in_odoo(opted_out_at, mailchimp_changed):
    """Whether Odoo's opt-out (made at ``opted_out_at``, in Mailchimp's time) is a newer
    decision than Mailchimp's status (as of ``mailchimp_changed``): the newest consent
    decision wins on both sides. Times are whole seconds from two clocks: when the order
    cannot be told (same second), the opt-out wins."""
    if not opted_out_at:
        return False
    return not mailchimp_changed or opted_out_at >= mailchimp_changed


def opted_in_at(remote):
    """A subscriber's opt-in time (Mailchimp's ``timestamp_opt``, moved by a re-subscription),
    never later than ``last_changed``; None for other statuses or when Mailchimp has none."""
    if remote.get("status") != STATUS_SUBSCRIBED:
        return None
    try:
        opted_in = parse_mc_datetime(remote.get("timestamp_opt"))
    except (TypeError, ValueError, AttributeError):
        return None
    last_changed = parse_mc_datetime(remote.get("last_changed"))
    if opted_in and last_changed and opted_in > last_changed:
        return None
    return opted_in


def status_decided_at(remote, local=None):
    """When Mailchimp's current status of a member was decided, as far as Odoo can tell: a
    subscriber's opt-in time when it is newer than what Odoo saw before (``local``), else
    ``last_changed`` (an upper bound: any profile edit moves it)."""
    opted_in = opted_in_at(remote)
    if opted_in and (local is None or not local.last_changed or opted_in > local.last_changed):
        return opted_in
    return parse_mc_datetime(remote.get("last_changed"))


def added_again(remote, local):
    """Whether the member was (re-)added to the audience after Odoo last read it (its
    sign-up time is newer: permanently deleted and added again, say): whatever its status,
    it is a decision Odoo has not seen."""
    try:
        signed_up = parse_mc_datetime(remote.get("timestamp_signup"))
    except (TypeError, ValueError, AttributeError):
        return False
    return bool(signed_up and local.last_changed and signed_up > local.last_changed)


def resubscribed(remote, local):
    """Whether a member Odoo saw subscribed opted in again since (its status looks
    unchanged, but Mailchimp's opt-in time is newer than the status Odoo knew)."""
    opted_in = opted_in_at(remote)
    known = local.status_changed or local.last_changed
    return bool(opted_in and local.status == STATUS_SUBSCRIBED and (not known or opted_in > known))


def last_opt_in(remote):
    """Mailchimp's last opt-in time of a member whatever its status now (``timestamp_opt``
    stays on a member who unsubscribed or bounced since), never later than ``last_changed``;
    None when Mailchimp has none."""
    try:
        opted_in = parse_mc_datetime(remote.get("timestamp_opt"))
        last_changed = parse_mc_datetime(remote.get("last_changed"))
    except (TypeError, ValueError, AttributeError):
        return None
    if opted_in and last_changed and opted_in > last_changed:
        return None
    return opted_in


def opted_in_unseen(remote, local):
    """Whether the member's last opt-in (``timestamp_opt``) is newer than anything Odoo read
    of it: it went through a subscription Odoo never saw."""
    opted_in = last_opt_in(remote)
    known = max(filter(None, (local.status_changed, local.last_changed)), default=None)
    return bool(opted_in and known and opted_in > known)


def left_again(remote, local):
    """Whether a member Odoo saw unsubscribed (or cleaned) and still sees so opted in and left
    again since: its opt-in time is newer than anything Odoo read of it. Its status looks
    unchanged, but it is a new decision, as new as a status change (an Odoo opt-in made in
    between does not outlive it)."""
    status = remote.get("status")
    if status not in (STATUS_UNSUBSCRIBED, STATUS_CLEANED) or local.status != status:
        return False
    return opted_in_unseen(remote, local)


def another_member(remote, known_web_id):
    """Whether ``remote`` is another member than the one Odoo read at its address (known by
    its ``web_id``, one per member): the old one changed its address or was deleted, and
    someone signed up with it. False when either ``web_id`` is unknown."""
    web_id = remote.get("web_id")
    if not known_web_id or web_id in (None, ""):
        return False
    return str(web_id) != str(known_web_id)


def stale_contact_link(remote, known_web_id, binding_key, contact_key):
    """Whether the contact linked to a binding is no longer the person of the member Mailchimp
    has at the binding's address: another member now holds that address
    (:func:`another_member`), and the contact's address was changed in Odoo meanwhile. Its
    decisions must not reach the newcomer, nor the newcomer's reach it: the link is dropped
    and the member is linked by its address, as a new one would be."""
    if not another_member(remote, known_web_id):
        return False
    return bool(contact_key) and contact_key != binding_key


def back_from_tombstone(remote, local, elsewhere=None):
    """Whether a member Odoo marked permanently deleted is in fact the same member again (its
    ``web_id`` is the one Odoo read: it had moved to another address, say, and came back)
    with the status Odoo last read of it (``elsewhere``: at the address it had moved to, when
    Odoo read it there; else the status the binding had before it was marked deleted): then
    its status is no new decision unless it opted in since Odoo last read it. A status other
    than that one was decided while it was away (cleaned at its old address again, seed
    37543093): a new decision."""
    if local.status != STATUS_DELETED or not local.web_id:
        return False
    if str(remote.get("web_id") or "") != str(local.web_id):
        return False
    known = elsewhere.status if elsewhere else local.status_before_deleted
    return not known or known == remote.get("status")


def decided_elsewhere(remote, elsewhere):
    """When the status of a member that moved to this address was decided, when Odoo read
    that same status at its former address (``elsewhere``) and it has not opted in since:
    then, not at its ``last_changed`` (moved by the address change). An unsubscribe made
    before a person's opt-in of the contact now at the address does not undo that opt-in
    (seed 347742514). None when Odoo cannot tell."""
    if not elsewhere or elsewhere.status != remote.get("status") or not elsewhere.status_changed:
        return None
    opted_in = last_opt_in(remote)
    if opted_in and opted_in > elsewhere.status_changed:
        return None
    return elsewhere.status_changed


def lifted_in_odoo(lifted_at, mailchimp_decided):
    """Whether Odoo lifted an opt-out or a blacklisting (at ``lifted_at``) after Mailchimp's
    decision (``mailchimp_decided``): then that older decision is not applied to Odoo again.
    When the order cannot be told (same second), Mailchimp's opt-out stands."""
    return bool(lifted_at and mailchimp_decided and lifted_at > mailchimp_decided)


def _apply_opt_out(decision, status, consent, mailchimp_decided):
    """Mailchimp's unsubscribe / bounce on Odoo, unless Odoo lifted it since."""
    decision.opt_out = not lifted_in_odoo(consent.opted_in_at, mailchimp_decided)
    decision.blacklist = status == STATUS_CLEANED and not lifted_in_odoo(
        consent.unblacklisted_at, mailchimp_decided
    )


def list_opt_out_older(consent, mailchimp_decided):
    """Whether the opt-out of the audience's list (``consent``: a LocalMember or an
    OdooConsent) is older than Mailchimp's decision: a subscription then lifts it."""
    return bool(
        consent.list_opted_out_at
        and mailchimp_decided
        and not newer_consent_in_odoo(consent.list_opted_out_at, mailchimp_decided)
    )


def mirrored_for_another(odoo):
    """For a member Odoo has no binding of: whether the newest opt-out of the list Odoo holds
    for its address is one Odoo applied for Mailchimp, i.e. another member's status (the
    contact's before it moved to this address, seed 5700306): no decision about this one."""
    return bool(
        odoo.mirrored_opted_out_at
        and odoo.list_opted_out_at
        and odoo.mirrored_opted_out_at >= odoo.list_opted_out_at
    )


def _consent(decision, status, local, last_changed, opts, full, newcomer=False):
    """Opt-out / blacklist / re-subscription effects of Mailchimp's status on Odoo, and an
    Odoo opt-out newer than Mailchimp's subscribed status sent back to Mailchimp.
    ``newcomer``: another member than the one Odoo read at the address (an opt-out Odoo
    applied for Mailchimp there was that one's status, not this one's).

    Mailchimp's unsubscribe or bounce is applied when Odoo sees the status change (and
    re-asserted by a Full Resync, for what Odoo lost), never by a mere profile edit: an opt-in
    or un-blacklisting made in Odoo after it stands."""
    mailchimp_decided = decision.decided_at if decision.status_changed else local.status_changed
    if (
        status in (STATUS_SUBSCRIBED, STATUS_PENDING)
        and local.opted_out_at
        and newer_consent_in_odoo(local.opted_out_at, mailchimp_decided)
    ):
        decision.push_opt_out = True
        # the newer Odoo decision may be a blacklisting: a list opt-out older than the
        # subscription is lifted all the same (the blacklisting stands on its own)
        decision.clear_opt_out = bool(
            decision.status_changed
            and opts.import_unsubscribes
            and lifts_odoo_opt_out(status)
            and list_opt_out_older(local, mailchimp_decided)
        )
        return
    if not opts.import_unsubscribes:
        return
    if status in (STATUS_UNSUBSCRIBED, STATUS_CLEANED):
        if decision.status_changed or full:
            _apply_opt_out(decision, status, local, mailchimp_decided)
    elif (
        lifts_odoo_opt_out(status)
        and decision.status_changed
        and (
            list_opt_out_older(local, mailchimp_decided)
            # as for a new member: the newest list opt-out is another member's status
            # (seed 119123557: the bounce of the contact's member before it moved here)
            or (newcomer and mirrored_for_another(local))
        )
    ):
        # re-subscribed in Mailchimp after the opt-out made in Odoo: the person's newer
        # decision wins, Odoo's opt-out of this audience's list is lifted
        decision.clear_opt_out = True


def decide_pull(remote, local, opts, full=False, odoo=None, elsewhere=None):
    """Decide what importing ``remote`` (a Mailchimp member dict) does.

    ``local`` is a :class:`LocalMember` or None when Odoo has no binding yet. ``full``: a
    Full Resync, which also re-asserts the consent state of unchanged members (restores an
    opt-out or blacklist entry Odoo lost) without writing anything else. ``odoo``: for a
    member Odoo has no binding of, Odoo's consent decisions on the address
    (:class:`OdooConsent`, in Mailchimp's time). ``elsewhere``: what Odoo last read of
    the same member at another address (:class:`MemberElsewhere`), when it moved here.
    """
    status = remote.get("status")
    last_changed = parse_mc_datetime(remote.get("last_changed"))
    if local is None:
        if status == STATUS_ARCHIVED:
            return PullDecision(
                ACTION_CREATE,
                "archived in Mailchimp: recorded, not imported",
                status_changed=True,
                decided_at=last_changed,
            )
        decided = decided_elsewhere(remote, elsewhere) or status_decided_at(remote)
        decision = PullDecision(
            ACTION_CREATE, "new member", status_changed=True, decided_at=decided
        )
        odoo = odoo or OdooConsent()
        if status in (STATUS_SUBSCRIBED, STATUS_PENDING) and newer_consent_in_odoo(
            odoo.opted_out_at, decided
        ):
            # opted out in Odoo after the person subscribed in Mailchimp, before Odoo knew
            # the member: that newer decision is sent to Mailchimp by the next export (and a
            # list opt-out older than the subscription lifted, if the newer one is a
            # blacklisting)
            decision.push_opt_out = True
            decision.clear_opt_out = (
                opts.import_unsubscribes
                and lifts_odoo_opt_out(status)
                and list_opt_out_older(odoo, decided)
            )
        elif (
            lifts_odoo_opt_out(status)
            and opts.import_unsubscribes
            and (list_opt_out_older(odoo, decided) or mirrored_for_another(odoo))
        ):
            # subscribed in Mailchimp after an opt-out Odoo holds for the address (the
            # contact's, from an earlier member of another address, say): the person's newer
            # decision lifts it, as it does for a member Odoo knew
            decision.clear_opt_out = True
        wants_contact = opts.import_new and opts.create_contact
        if status in (STATUS_UNSUBSCRIBED, STATUS_CLEANED):
            # an unsubscribed member only becomes a contact when unsubscribes are imported,
            # and then already opted out / blacklisted: never as a subscriber
            wants_contact = wants_contact and opts.import_unsubscribes
            if opts.import_unsubscribes:
                _apply_opt_out(decision, status, odoo, decided)
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

    if local.status == STATUS_DELETED and not (
        last_changed and local.last_changed and last_changed > local.last_changed
    ):
        return PullDecision(ACTION_SKIP, "permanently deleted: tombstone kept")
    unchanged = (
        local.last_changed
        and last_changed
        and last_changed <= local.last_changed
        and local.status == status
        and not (last_changed == local.last_changed and fields_differ(remote, local))
    )
    if unchanged:
        decision = PullDecision(ACTION_SKIP, "unchanged since the last sync")
        if full:
            _consent(decision, status, local, last_changed, opts, full)
        return decision
    if local.status != STATUS_DELETED and not another_member(remote, local.web_id):
        # the member Odoo reads at this address: what it read of it elsewhere, before it moved
        # here, is older than this binding (seed 267388751: a re-subscription request and an
        # unsubscribe read here, dated at the old address's unsubscribe)
        elsewhere = None
    moved_back = back_from_tombstone(remote, local, elsewhere) and not opted_in_unseen(
        remote, local
    )
    decision = PullDecision(
        ACTION_UPDATE,
        "changed in Mailchimp",
        status_changed=(local.status != status and not moved_back)
        # another member at the address (the one Odoo read moved away): its status is a
        # decision Odoo never saw, even when it reads like the old one's (seed 536160895)
        or another_member(remote, local.web_id)
        or resubscribed(remote, local)
        or left_again(remote, local)
        or added_again(remote, local),
    )
    if decision.status_changed:
        decision.decided_at = decided_elsewhere(remote, elsewhere) or status_decided_at(
            remote, local
        )
    if status == STATUS_ARCHIVED:
        decision.reason = "archived in Mailchimp"
        return decision
    if opts.pull_fields and local.has_contact:
        decision.contact_values, decision.name_reason = name_updates(remote, local, opts)
    _consent(
        decision,
        status,
        local,
        last_changed,
        opts,
        full,
        newcomer=another_member(remote, local.web_id),
    )
    if (
        not decision.opt_out
        and not local.has_contact
        and opts.import_new
        and opts.create_contact
        and status in (STATUS_SUBSCRIBED, STATUS_PENDING)
        and (local.status not in BLOCKED_STATUSES or decision.status_changed)
    ):
        # known only as a binding (archived, unsubscribed before, or made by the export) and
        # now a subscriber again by the person's own decision
        first, last = remote_names(remote)
        decision.create_contact = True
        decision.create_partner = opts.create_partner
        decision.contact_values = {"first_name": first, "last_name": last}
    return decision
