"""Authentication of API calls: the key (HTTP Basic password or Bearer token) and its
datacenter, or an OAuth2 access token (``Authorization: Bearer`` or ``OAuth``)."""

import base64
import re

DEFAULT_API_KEY = "0123456789abcdef0123456789abcdef-us6"
UNAUTHORIZED = (
    "API Key Invalid",
    "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
)
_DC_LABEL = re.compile(r"^[a-z]+\d+$")


def _scheme(authorization):
    return (authorization or "").partition(" ")[0].lower()


def _key_of(authorization):
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] if ":" in decoded else decoded
    if scheme.lower() in ("bearer", "oauth"):
        return value.strip()
    return None


def authorized(headers, api_keys, dc, tokens=()):
    """True when the request carries one of ``api_keys``, or one of the OAuth2 ``tokens``
    (Bearer or OAuth scheme only), and names no other datacenter (neither in the key's
    ``-dc`` suffix nor in a ``Host: usN.…`` header)."""
    host = (headers.get("Host") or "").split(":")[0].lower()
    if "." in host:
        label = host.split(".")[0]
        if _DC_LABEL.match(label) and label != dc:
            return False
    key = _key_of(headers.get("Authorization"))
    if key and _scheme(headers.get("Authorization")) in ("bearer", "oauth") and key in tokens:
        return True
    if not key or key not in api_keys:
        return False
    return not ("-" in key and key.rsplit("-", 1)[1] != dc)
