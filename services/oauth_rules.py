"""OAuth2 connection rules (no Odoo): the signed ``state`` of the authorization request and
the checks of Mailchimp's metadata.

The state binds the request to the database, the Odoo user and the account, carries a
nonce (the account keeps its hash: single-use, and a newer request replaces it) and its
issue time (short-lived), and is signed with HMAC-SHA256 under a key derived from the
database secret. Each refusal has a reason code; the Odoo layer words it for the user and
logs it.
"""

import base64
import hashlib
import hmac
import json
import re
from urllib.parse import urlsplit

#: seconds an authorization request stays valid (the user logs in to Mailchimp meanwhile)
STATE_MAX_AGE = 600

STATE_MALFORMED = "malformed"
STATE_BAD_SIGNATURE = "bad_signature"
STATE_EXPIRED = "expired"
STATE_OTHER_DATABASE = "other_database"
STATE_OTHER_USER = "other_user"

METADATA_MALFORMED = "malformed"
METADATA_INCONSISTENT = "inconsistent"
METADATA_OTHER_DATACENTER = "other_datacenter"

_DC_RE = re.compile(r"^[a-z]+[0-9]+$")


class StateError(ValueError):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class MetadataError(ValueError):
    def __init__(self, reason, dc=None):
        super().__init__(reason)
        self.reason = reason
        self.dc = dc


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret, payload):
    key = hashlib.sha256(b"mailchimp_connector.oauth_state\n" + secret.encode()).digest()
    return hmac.new(key, payload.encode("ascii"), hashlib.sha256).hexdigest()


def nonce_hash(nonce):
    """What the account keeps of a request's nonce."""
    return hashlib.sha256(nonce.encode()).hexdigest()


def sign_state(secret, *, db, uid, account_id, nonce, issued_at):
    """The ``state`` of an authorization request (URL-safe)."""
    payload = _b64(
        json.dumps(
            {"d": db, "u": uid, "a": account_id, "n": nonce, "t": int(issued_at)},
            separators=(",", ":"),
        ).encode()
    )
    return f"{payload}.{_signature(secret, payload)}"


def read_state(secret, state, *, db, uid, now, max_age=STATE_MAX_AGE):
    """The checked content of ``state`` ({"account_id", "nonce"}); StateError with the
    reason otherwise. The signature is checked first (in constant time): nothing of an
    unsigned state is believed."""
    if not isinstance(state, str) or len(state) > 1000 or state.count(".") != 1:
        raise StateError(STATE_MALFORMED)
    payload, signature = state.split(".")
    if not hmac.compare_digest(_signature(secret, payload), signature):
        raise StateError(STATE_BAD_SIGNATURE)
    try:
        data = json.loads(_unb64(payload))
        issued, account_id, nonce = int(data["t"]), int(data["a"]), str(data["n"])
        state_db, state_uid = data["d"], int(data["u"])
    except (ValueError, KeyError, TypeError):
        raise StateError(STATE_MALFORMED) from None
    if not 0 <= now - issued <= max_age:
        raise StateError(STATE_EXPIRED)
    if state_db != db:
        raise StateError(STATE_OTHER_DATABASE)
    if state_uid != uid:
        raise StateError(STATE_OTHER_USER)
    return {"account_id": account_id, "nonce": nonce}


def check_metadata(metadata, *, known_dc=None, check_endpoint=True):
    """The datacenter of Mailchimp's ``/oauth2/metadata`` answer, checked: a datacenter
    label; its ``api_endpoint`` on that datacenter (``https://<dc>.api.mailchimp.com``,
    unless ``check_endpoint`` is off: an emulator); the datacenter the account was already
    connected to, if any (``known_dc``: a reconnection must reach the same account).
    MetadataError with the reason otherwise. The API is always reached at the URL built
    from the datacenter, never at a URL the answer gives."""
    dc = metadata.get("dc") if isinstance(metadata, dict) else None
    if not isinstance(dc, str) or not _DC_RE.match(dc):
        raise MetadataError(METADATA_MALFORMED)
    if check_endpoint:
        endpoint = urlsplit(str(metadata.get("api_endpoint") or ""))
        if endpoint.scheme != "https" or endpoint.hostname != f"{dc}.api.mailchimp.com":
            raise MetadataError(METADATA_INCONSISTENT, dc)
    if known_dc and dc != known_dc:
        raise MetadataError(METADATA_OTHER_DATACENTER, dc)
    return dc
