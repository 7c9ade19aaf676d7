# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mailchimp webhooks: the secret of a webhook URL and the validation of a delivery (no Odoo).

A classic Mailchimp webhook carries no signature: the long random token in the URL is the
authentication. A delivery is ``application/x-www-form-urlencoded`` with nested keys
(``type``, ``fired_at``, ``data[email]``, ``data[merges][FNAME]``...). :func:`parse_delivery`
turns the form pairs into a :class:`Delivery` or raises :class:`Rejected` with a short reason
code (the HTTP status and the reason are what the caller answers; nothing else is said).
"""

import hashlib
import ipaddress
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from .identity import member_key

#: the events the connector registers and applies
#: the path of the webhook URLs: ``<web.base.url>/mailchimp/webhook/<token>``
WEBHOOK_PATH = "/mailchimp/webhook/"
EVENT_TYPES = ("subscribe", "unsubscribe", "profile", "cleaned", "upemail", "campaign")
#: the events about one member (re-read from Mailchimp by the job)
MEMBER_EVENTS = ("subscribe", "unsubscribe", "profile", "cleaned")
#: the bytes of random the token of a webhook URL has (token_urlsafe: 43 characters)
TOKEN_BYTES = 32
#: a token shorter than this is never looked up
TOKEN_MIN_LENGTH = 40
#: the largest body accepted (a real delivery is well under 4 KiB)
MAX_BODY_BYTES = 32 * 1024
#: the most form fields and the longest value a delivery may have
MAX_FIELDS = 200
MAX_VALUE_LENGTH = 1000
MAX_KEY_LENGTH = 100
FIRED_AT_FORMAT = "%Y-%m-%d %H:%M:%S"
_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[A-Za-z0-9_\-]*\])*$")
_PART_RE = re.compile(r"\[([A-Za-z0-9_\-]*)\]")
_ID_RE = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


class Rejected(Exception):  # noqa: N818 (a refusal, not a programming error)
    """A delivery that is refused: ``status`` (4xx) and a short ``reason`` code."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Delivery:
    type: str
    fired_at: datetime
    #: the address the event is about (the new one for upemail; "" for campaign)
    email: str
    #: upemail: the previous address
    old_email: str
    #: the nested ``data`` of the delivery
    data: dict

    def payload_json(self):
        """The stored payload: canonical JSON (sorted keys), the same for the same data."""
        return json.dumps(
            {"type": self.type, "fired_at": self.fired_at.strftime(FIRED_AT_FORMAT), **self.data},
            sort_keys=True,
            ensure_ascii=False,
        )

    def dedup_key(self, audience_key):
        """One key per (audience, type, fired_at, payload): a retried delivery has it again."""
        digest = hashlib.sha256()
        digest.update(f"{audience_key}\n".encode())
        digest.update(self.payload_json().encode())
        return digest.hexdigest()


# ---------------------------------------------------------------------- tokens
def new_token():
    """A new secret for a webhook URL: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token):
    """The indexed, non-secret form of a token (the audience is looked up by it)."""
    return hashlib.sha256((token or "").encode("utf-8", "replace")).hexdigest()


def token_shape_ok(token):
    """Cheap check before any lookup: a token is URL-safe base64 of the expected length."""
    return (
        isinstance(token, str)
        and TOKEN_MIN_LENGTH <= len(token) <= 128
        and re.fullmatch(r"[A-Za-z0-9_\-]+", token) is not None
    )


def url_problem(url):
    """Why Mailchimp could not reach ``url`` (a reason code), or None: ``localhost``,
    ``private`` (a private/loopback/link-local address), ``http`` (Mailchimp asks for a
    public https URL in production), ``invalid``."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return "invalid"
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return "invalid"
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return "localhost"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and (
        address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
    ):
        return "private"
    if "." not in host and address is None:
        return "private"
    if parts.scheme == "http":
        return "http"
    return None


# ---------------------------------------------------------------------- deliveries
def nest(pairs):
    """Form pairs with nested keys (``data[merges][FNAME]``) as a dict of dicts.
    Rejected on a malformed key, a key given twice or a key both a value and a group."""
    out = {}
    for key, value in pairs:
        if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or not _KEY_RE.match(key):
            raise Rejected(400, "malformed key")
        head = key.split("[", 1)[0]
        path = [head, *_PART_RE.findall(key)]
        if any(part == "" for part in path):
            raise Rejected(400, "malformed key")
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise Rejected(400, "conflicting keys")
        if path[-1] in node:
            raise Rejected(400, "repeated key")
        node[path[-1]] = value
    return out


def _text(data, key, required=True, pattern=None):
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise Rejected(400, f"missing data[{key}]")
        return ""
    if not isinstance(value, str):
        raise Rejected(400, f"wrong type of data[{key}]")
    if pattern is not None and not pattern.match(value):
        raise Rejected(400, f"malformed data[{key}]")
    return value


def _address(data, key):
    value = _text(data, key)
    email = member_key(value)
    if not email:
        raise Rejected(400, f"invalid address in data[{key}]")
    return email


def _check_values(node, depth=0):
    if depth > 3:
        raise Rejected(400, "too deeply nested")
    for value in node.values():
        if isinstance(value, dict):
            _check_values(value, depth + 1)
        elif len(value) > MAX_VALUE_LENGTH:
            raise Rejected(413, "value too long")
        elif "\ufffd" in value or "\x00" in value:
            raise Rejected(400, "bad encoding")


def parse_delivery(pairs, list_id):
    """Validate the form ``pairs`` of a delivery to the audience ``list_id``; return a
    :class:`Delivery` or raise :class:`Rejected`."""
    pairs = list(pairs)
    if not pairs:
        raise Rejected(400, "empty delivery")
    if len(pairs) > MAX_FIELDS:
        raise Rejected(413, "too many fields")
    for _key, value in pairs:
        if not isinstance(value, str):
            raise Rejected(400, "bad value")
        if len(value) > MAX_VALUE_LENGTH:
            raise Rejected(413, "value too long")
    form = nest(pairs)
    _check_values(form)
    event_type = form.get("type")
    if event_type not in EVENT_TYPES:
        raise Rejected(400, "unknown type")
    fired_raw = form.get("fired_at")
    if not isinstance(fired_raw, str):
        raise Rejected(400, "missing fired_at")
    try:
        fired_at = datetime.strptime(fired_raw, FIRED_AT_FORMAT)
    except ValueError:
        raise Rejected(400, "malformed fired_at") from None
    if not 2000 <= fired_at.year <= 2200:
        raise Rejected(400, "malformed fired_at")
    data = form.get("data")
    if not isinstance(data, dict):
        raise Rejected(400, "missing data")
    extra = set(form) - {"type", "fired_at", "data"}
    if extra:
        raise Rejected(400, "unexpected field")
    if _text(data, "list_id", pattern=_ID_RE) != list_id:
        raise Rejected(400, "another audience")
    email = old_email = ""
    if event_type in MEMBER_EVENTS:
        email = _address(data, "email")
        merges = data.get("merges")
        if merges is not None and not isinstance(merges, dict):
            raise Rejected(400, "wrong type of data[merges]")
        if event_type == "unsubscribe":
            action = _text(data, "action", required=False)
            if action and action not in ("unsub", "delete"):
                raise Rejected(400, "malformed data[action]")
    elif event_type == "upemail":
        old_email = _address(data, "old_email")
        email = _address(data, "new_email")
    else:  # campaign
        _text(data, "id", pattern=_ID_RE)
    return Delivery(type=event_type, fired_at=fired_at, email=email, old_email=old_email, data=data)
