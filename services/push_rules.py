# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo -> Mailchimp decisions (pure Python, no Odoo, no HTTP).

Given what Odoo knows of a contact and of its binding, what to send to Mailchimp and why not.
The guard that keeps the sync legal lives here: nobody is ever sent back to ``subscribed``
once Mailchimp has unsubscribed, cleaned, archived or erased them.
"""

from dataclasses import dataclass, field, replace

import phonenumbers

from .identity import member_key
from .statuses import LEFT_STATUSES, NOTHING_TO_PUSH, RESUBSCRIBE_BY_REQUEST, UNSUBSCRIBABLE
from .sync_rules import (
    LocalMember,
    left_again,
    newer_consent_in_odoo,
    opted_in_at,
    parse_mc_datetime,
)

#: reason codes of a decision (models/mailchimp_member_export.py turns them into translated
#: messages; ``PushDecision.reason_args`` fills them)
REASON_PUSHES_OFF = "pushes_off"
REASON_INVALID_EMAIL = "invalid_email"  # args: email
REASON_NEVER_AGAIN = "never_sent_again"  # args: status
REASON_OPTED_OUT_NOT_ADDED = "opted_out_not_added"
REASON_UNSUBSCRIBES_OFF = "unsubscribes_off"
REASON_OPTED_OUT = "opted_out_in_odoo"
REASON_NEW_OFF = "new_off"
REASON_NEW_MEMBER = "new_member"
REASON_FIELDS_OFF = "fields_off"
REASON_NO_CONTACT = "no_contact"
REASON_CHANGED = "changed_in_odoo"
REASON_ADDRESS_CHANGED = "address_changed"
#: warning codes (``PushDecision.warnings`` holds (code, args) pairs)
WARNING_PHONE_NOT_UNDERSTOOD = "phone_not_understood"  # args: phone
WARNING_PHONE_INVALID = "phone_invalid"  # args: phone
WARNING_ADDRESS_INCOMPLETE = "address_incomplete"

PUSH_CREATE = "create"
PUSH_UPDATE = "update"
PUSH_UNSUBSCRIBE = "unsubscribe"
PUSH_SKIP = "skip"

ADDRESS_PARTS = ("addr1", "city", "state", "zip", "country")


@dataclass(frozen=True)
class PushOptions:
    """Account options and per-audience flags that drive a push."""

    push_contacts: bool = True
    push_new: bool = False
    push_unsubscribes: bool = False
    push_fields: bool = False
    double_optin: bool = False


@dataclass
class LocalContact:
    """What Odoo says of one address of one audience."""

    email: str = ""
    values: dict = field(default_factory=dict)  # source name -> value (see merge_fields)
    #: a person's or user's opt-out: of the audience's mailing list, or a blacklist entry that
    #: is not a bounce (an address cleaned in Mailchimp is blacklisted, not unsubscribed)
    opted_out: bool = False
    opted_out_at: object = None  # when that opt-out was made (datetime), if known
    #: when the newest opt-out that holds for the member where it is was made (the binding's
    #: own address, or the linked contact's own opt-out; not only the address the contact
    #: moved to in Odoo), if any
    own_opted_out_at: object = None
    #: the audience's mailing list is opted out for this address now, whoever decided it (a
    #: person, a user, or Odoo applying a member's Mailchimp status: ``opted_out`` leaves that
    #: last one out, it is no opt-out of Odoo's to send)
    list_opted_out: bool = False
    binding_status: str = None  # Mailchimp status Odoo last saw; None = not a member yet
    binding_email: str = ""  # the address the binding was made for (its hash)
    #: when Mailchimp's status last changed, as Odoo saw it (datetime)
    status_changed: object = None
    #: a member Odoo keeps no contact or partner of (``email`` is the binding's own): only an
    #: opt-out of its address (a person's blacklisting) is sent for it, never fields
    binding_only: bool = False


@dataclass
class PushDecision:
    """``status`` is sent only for an unsubscribe (a consent change made in Odoo); a new
    member is sent with ``status_if_new``, which never changes an existing member's status;
    a field update carries no status at all."""

    action: str
    reason: str = ""  # a REASON_* code
    reason_args: dict = field(default_factory=dict)
    status: str = None
    status_if_new: str = None
    merge_fields: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)  # (WARNING_* code, args) pairs
    old_email: str = ""  # set when the address changed: update under the old hash
    #: an unsubscribe under the old address: whether the opt-out holds for the member there
    #: (its own), so that it goes even when the address does not move along; else it is the
    #: new address's, for whoever has that address (seed 91137574)
    opt_out_stays: bool = True


RESUBSCRIBE_NOT_NEEDED = "already_subscribed"
RESUBSCRIBE_REFUSED = "refused"


def resubscribe_request(status):
    """Whether a user may ask Mailchimp to send a member an opt-in confirmation (status
    pending): '' when it may, else a reason code. Only an unsubscribed member can be asked;
    cleaned (bounced), archived, erased or transactional members cannot, and subscribed or
    pending ones need nothing."""
    if status in ("subscribed", "pending"):
        return RESUBSCRIBE_NOT_NEEDED
    if status in RESUBSCRIBE_BY_REQUEST:
        return ""
    return RESUBSCRIBE_REFUSED


def contact_email(own, parent=None):
    """The address a contact is reached at: its own, or (a child contact of a company
    without one) its parent's."""
    return (own or parent or "").strip()


def pushes_new_contact(push_new, sync_from, now):
    """Whether a contact joining the audience's mailing list now is exported by itself: the
    audience pushes new records, and the contact came after its 'sync from' date (older
    contacts go by Export existing contacts)."""
    return bool(push_new) and (not sync_from or sync_from <= now)


MAPPING_UNKNOWN_TAG = "unknown_tag"
MAPPING_REQUIRED_MISSING = "required_missing"


def mapping_problems(mapping_tags, merge_fields):
    """What is wrong with a field mapping (its merge tags) for an audience whose merge fields
    are ``merge_fields`` ({tag: required}): [(code, sorted tags)], empty when fine or when
    the audience's merge fields are not known yet. EMAIL is always known."""
    if not merge_fields:
        return []
    tags = {(tag or "").strip().upper() for tag in mapping_tags}
    problems = []
    unknown = sorted(tags - set(merge_fields) - {"EMAIL"})
    if unknown:
        problems.append((MAPPING_UNKNOWN_TAG, unknown))
    missing = sorted(tag for tag, required in merge_fields.items() if required and tag not in tags)
    if missing:
        problems.append((MAPPING_REQUIRED_MISSING, missing))
    return problems


def join_name(first, last):
    """('Jane', 'van Dyke') -> 'Jane van Dyke': the name Odoo shows for a first and last
    name (as mailing contacts compute it), '' when both are empty."""
    return " ".join(part for part in (first, last) if part)


def split_name(name):
    """'Jane van Dyke' -> ('Jane', 'van Dyke')."""
    parts = (name or "").strip().split(None, 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ((parts[0], "") if parts else ("", ""))


def format_phone(number, country_code=None):
    """E.164 of ``number`` read with the contact's country; (None, (warning code, args))
    when unusable, (None, None) when there is none."""
    number = (number or "").strip()
    if not number:
        return None, None
    try:
        parsed = phonenumbers.parse(number, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None, (WARNING_PHONE_NOT_UNDERSTOOD, {"phone": number})
    if not phonenumbers.is_valid_number(parsed):
        return None, (WARNING_PHONE_INVALID, {"phone": number})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), None


def address_value(address):
    """Mailchimp's ADDRESS value, or None unless street, city, state, ZIP and country are all
    there (Mailchimp refuses an incomplete address: the contact is sent without it)."""
    if not address:
        return None
    value = {key: (address.get(key) or "").strip() for key in (*ADDRESS_PARTS, "addr2")}
    if not all(value[key] for key in ADDRESS_PARTS):
        return None
    return value


def merge_fields(values, mapping):
    """Merge fields from the contact's ``values`` through ``mapping`` (tag -> source).

    Sources: first_name, last_name, name, company, phone (needs values['country_code']),
    address (a dict), or any other key of ``values`` sent as text. Returns
    (merge_fields, warnings)."""
    result, warnings = {}, []
    first, last = values.get("first_name"), values.get("last_name")
    if first is None and last is None:
        first, last = split_name(values.get("name"))
    for tag, source in mapping.items():
        if source == "email" or tag == "EMAIL":
            continue  # the address travels as email_address
        if source == "first_name":
            value = first or ""
        elif source == "last_name":
            value = last or ""
        elif source == "phone":
            value, problem = format_phone(values.get("phone"), values.get("country_code"))
            if problem:
                warnings.append(problem)
            if value is None:
                continue
        elif source == "address":
            value = address_value(values.get("address"))
            if value is None:
                if values.get("address"):
                    warnings.append((WARNING_ADDRESS_INCOMPLETE, {}))
                continue
        else:
            value = values.get(source)
            value = "" if value in (None, False) else str(value)
        result[tag] = value
    return result, warnings


def _older_than_status(opted_out_at, local):
    """Whether an Odoo opt-out (made at ``opted_out_at``) is older than the Mailchimp status
    Odoo last saw (``local.status_changed``): then that status is the newer decision."""
    return bool(
        opted_out_at
        and local.status_changed
        and not newer_consent_in_odoo(opted_out_at, local.status_changed)
    )


def may_add_member(local):
    """Whether a new member may be created for this contact (subscribed, or pending with
    double opt-in): never while it is opted out, of the audience's list or by a person's
    blacklisting, whoever opted it out. An opt-out Odoo applied for Mailchimp counts too: it
    is the person's own unsubscribe (as the member of the contact's former address, say), and
    adding them anew would make someone who unsubscribed look reachable, a consent only the
    person may give (seed 9148334: an unsubscribe of the old address read after a user's
    opt-in had bound the new one)."""
    return not (local.opted_out or local.list_opted_out)


def decide_push(local, opts, mapping):
    """What to send for one address. ``mapping`` is {merge tag: source}."""
    if not opts.push_contacts:
        return PushDecision(PUSH_SKIP, REASON_PUSHES_OFF)
    email = member_key(local.email)
    if not email:
        return PushDecision(PUSH_SKIP, REASON_INVALID_EMAIL, {"email": local.email or ""})
    status = local.binding_status
    if status in NOTHING_TO_PUSH:
        return PushDecision(PUSH_SKIP, REASON_NEVER_AGAIN, {"status": status})
    if local.binding_only:
        if not local.opted_out or status not in UNSUBSCRIBABLE:
            return PushDecision(PUSH_SKIP, REASON_NO_CONTACT)
        opts = replace(opts, push_fields=False, push_new=False)
    fields, warnings = merge_fields(local.values, mapping)
    opted_out = local.opted_out
    if opted_out and status in UNSUBSCRIBABLE and _older_than_status(local.opted_out_at, local):
        # (re-)subscribed in Mailchimp after the Odoo opt-out: the newer decision stands
        opted_out = False
    if opted_out:
        if status is None:
            return PushDecision(PUSH_SKIP, REASON_OPTED_OUT_NOT_ADDED)
        if status in UNSUBSCRIBABLE:
            if not opts.push_unsubscribes:
                return PushDecision(PUSH_SKIP, REASON_UNSUBSCRIBES_OFF)
            decision = PushDecision(
                PUSH_UNSUBSCRIBE,
                REASON_OPTED_OUT,
                status="unsubscribed",
                merge_fields=fields if opts.push_fields else {},
                warnings=warnings,
            )
            # the member Mailchimp has is the one of the address Odoo last synced: an address
            # changed in Odoo since is unsubscribed under its old address (and moved along
            # when fields are pushed), never sent as a new, unsubscribed member
            old = member_key(local.binding_email)
            if old and old != email:
                decision.old_email = old
                decision.opt_out_stays = bool(local.own_opted_out_at) and not (
                    _older_than_status(local.own_opted_out_at, local)
                )
                if opts.push_fields:
                    decision.reason = REASON_ADDRESS_CHANGED
            return decision
        # already unsubscribed (or transactional) in Mailchimp: fields only, status kept
    if status is None:
        if not may_add_member(local):
            return PushDecision(PUSH_SKIP, REASON_OPTED_OUT_NOT_ADDED)
        if not opts.push_new:
            return PushDecision(PUSH_SKIP, REASON_NEW_OFF)
        return PushDecision(
            PUSH_CREATE,
            REASON_NEW_MEMBER,
            status_if_new="pending" if opts.double_optin else "subscribed",
            merge_fields=fields,
            warnings=warnings,
        )
    if not opts.push_fields:
        return PushDecision(PUSH_SKIP, REASON_FIELDS_OFF)
    decision = PushDecision(
        PUSH_UPDATE,
        REASON_CHANGED,
        # no status: a field update never changes one (a stale "subscribed" sent to a member
        # archived since would re-subscribe them)
        merge_fields=fields,
        warnings=warnings,
    )
    old = member_key(local.binding_email)
    if old and old != email:
        decision.old_email = old
        decision.reason = REASON_ADDRESS_CHANGED
    return decision


# ----------------------------------------------------------------------------------------
# Before and after an export's calls: what Mailchimp decided that Odoo has not read yet
# ----------------------------------------------------------------------------------------
def resubscribed_after(member, opted_out_at):
    """Whether ``member`` opted in again in Mailchimp after Odoo's opt-out (``opted_out_at``,
    in Mailchimp's time): the person's newer decision stands, the unsubscribe is not sent."""
    when = opted_in_at(member)
    return bool(when and when > opted_out_at)


def unsubscribed_after(member, last_read):
    """Whether an unsubscribed ``member`` changed since Odoo last read it (``last_read``, its
    ``last_changed`` then): an unsubscribe of Mailchimp's, not one the export is to send."""
    when = parse_mc_datetime(member.get("last_changed"))
    return bool(when and when > last_read)


LEARN_IMPORT = "import"
LEARN_RESYNC = "resync"


def learned_from_answer(known, status, asked, member=None):
    """Whether Mailchimp's answer to an export (``status``; ``member``: the member it
    answered) shows a status that Mailchimp decided and Odoo had not read (``known``: the
    LocalMember Odoo read: status, last_changed, status_changed; ``asked``: the status the
    export sent, or None): "import" (the binding showed another status, or the same one
    reached again through an opt-in Odoo never read: the import applies the change,
    consent included), "resync" (Odoo had no status, or did not
    know of an unsubscribe or bounce that this export asked for again: recorded, then
    re-asserted as a Full Resync does), or False (the status is Odoo's own request, or
    one Odoo knew). An unsubscribe that Mailchimp had before an export asked for it
    again is found before the call (:func:`unsubscribed_after`)."""
    if known.status and status != known.status and asked != status:
        return LEARN_IMPORT
    seen = LocalMember(
        status=known.status, last_changed=known.last_changed, status_changed=known.status_changed
    )
    if member and asked != status and left_again(member, seen):
        # the same status, reached again through an opt-in Odoo never read (re-subscribed
        # and unsubscribed since): a new decision, applied as an import applies it
        # (seed 325153731), not recorded with this answer's last_changed as if known
        return LEARN_IMPORT
    if status not in LEFT_STATUSES:
        return False
    if asked != status:
        return LEARN_RESYNC
    return False
