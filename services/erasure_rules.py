"""The right to erasure, as rules (pure Python, no Odoo): the tombstone's keyed hash, what
old data about an erased address is refused, and what Mailchimp's answers to an erasure mean.

An erased address is kept only as an HMAC of its member key under a secret of the database,
so that the tombstone cannot be read back into an address (nor matched against a list of
addresses by anyone without the secret). Data about the address dated before its erasure (a
member read by an import, a webhook event, an activity row, a contact exported again) is old
data and is refused; a member whose sign-up or opt-in Mailchimp dates after the erasure is
someone who signed up again through Mailchimp's own form: a new member, with new consent.
"""

import hashlib
import hmac

from .identity import member_key
from .sync_rules import parse_mc_datetime

#: the derivation label of the tombstone's key (the database secret is never used bare)
KEY_LABEL = b"mailchimp_connector erasure tombstone v1"

#: what one audience's erasure step came to (the request line's state)
STEP_PENDING = "pending"
STEP_ERASED = "erased"  # Mailchimp erased the member (204)
STEP_ABSENT = "absent"  # Mailchimp holds no such member (404): the state asked for
STEP_RETRY = "retry"  # Mailchimp unavailable or limiting: tried again later
STEP_ERROR = "error"  # refused for another reason: shown, the request stays open
STEP_DONE = (STEP_ERASED, STEP_ABSENT)


def tombstone_key(secret):
    """The HMAC key of the tombstones, derived from the database's secret."""
    return hmac.new(secret.encode(), KEY_LABEL, hashlib.sha256).digest()


def erasure_hash(key, address):
    """The tombstone of ``address``: HMAC-SHA256 of its member key (hex), '' when it is not
    one valid address. ``key``: :func:`tombstone_key`."""
    email = member_key(address)
    if not email:
        return ""
    return hmac.new(key, email.encode(), hashlib.sha256).hexdigest()


def signed_up_again(member, erased_at):
    """Whether a Mailchimp member read after an erasure is a new sign-up: its opt-in or
    sign-up time (Mailchimp's ``timestamp_opt``, ``timestamp_signup``) is after the erasure."""
    if not erased_at:
        return True
    dates = [parse_mc_datetime(member.get(key)) for key in ("timestamp_opt", "timestamp_signup")]
    return any(when and when > erased_at for when in dates)


def refused_members(remotes, erased_at_by_key):
    """The keys of ``remotes`` (member key -> Mailchimp member) that are old data of an erased
    address: erased, and not signed up again since."""
    return {
        key
        for key, member in remotes.items()
        if key in erased_at_by_key and not signed_up_again(member, erased_at_by_key[key])
    }


def refused_dated(key, when, erased_at_by_key):
    """Whether a dated item about ``key`` (an activity row, a webhook event fired at
    ``when``) is old data of an erased address: dated at or before its erasure."""
    erased_at = erased_at_by_key.get(key)
    return bool(erased_at) and (not when or when <= erased_at)


def step_outcome(error_code, retryable):
    """What one audience's ``delete-permanent`` answer means for the erasure: no error ->
    erased; 404 or 'Forgotten Email Not Subscribed' -> absent (already erased, or never
    there: the state asked for, no error); a retryable error -> retry; else error."""
    if error_code is None:
        return STEP_ERASED
    if error_code in ("not_found", "forgotten"):
        return STEP_ABSENT
    if retryable:
        return STEP_RETRY
    return STEP_ERROR


def anonymized(address):
    """A readable, non-identifying form of an address for logs: first letter of each part
    kept (``j***@e******.org``)."""
    email = (address or "").strip()
    if "@" not in email:
        return "***"
    local, _, domain = email.rpartition("@")
    parts = domain.split(".")
    masked = [p[:1] + "*" * max(len(p) - 1, 0) for p in parts[:-1]] + parts[-1:]
    return f"{local[:1]}{'*' * max(len(local) - 1, 0)}@{'.'.join(masked)}"


def scrub_text(text, addresses):
    """``text`` with each of ``addresses`` (any case) replaced by a mark: free text that
    named an erased address (an import's problems, an export's skipped lines)."""
    if not text:
        return text
    lowered = text.lower()
    for address in sorted({a.lower() for a in addresses if a}, key=len, reverse=True):
        start = lowered.find(address)
        while start != -1:
            text = text[:start] + "[erased]" + text[start + len(address) :]
            lowered = text.lower()
            start = lowered.find(address, start + len("[erased]"))
    return text
