"""One email identity everywhere: what makes two addresses "the same member".

Mailchimp keys a member by the lower-cased address (its ``subscriber_hash`` is the md5 of it).
The import, the export, webhooks, segments and erasure all call :func:`member_key`; nothing
else decides whether two addresses are one member.

A value that is not exactly one address is not a member: ``a,b@example.org`` or
``a b@example.org`` are refused here, not read as ``b@example.org`` (Odoo's ``email_normalize``
keeps the last address it finds, which silently merged one person into another's binding).
The one accepted wrapping is a display name around a single address
(``Jane Doe <jane@example.org>``), which is that address.
"""

import hashlib
import re

#: characters a bare address never has (outside quotes, which Mailchimp refuses anyway):
#: white space, separators, brackets, quotes and control characters
_FORBIDDEN_RE = re.compile(r'[\s,;<>()\[\]\\"\x00-\x1f\x7f]')
#: domain: dot-separated labels of letters (any script), digits and inner hyphens; a TLD of
#: two or more letters (or an IDN ``xn--`` label)
_LABEL = r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?"
_DOMAIN_RE = re.compile(rf"^(?:{_LABEL}\.)+(?:[^\W\d_]{{2,}}|xn--[\w-]+)$", re.UNICODE)
_LOCAL_RE = re.compile(r"^[^.](?:[^@]*[^.])?$")
_DISPLAY_RE = re.compile(r"^([^<>@,;\"]*)<([^<>]+)>$")

#: why an address is not a member key (reason codes, translated by the models)
INVALID_EMPTY = "empty"
INVALID_FORM = "not_one_address"


def _bare_address(value):
    value = value.strip()
    match = _DISPLAY_RE.match(value)
    if match:
        value = match.group(2).strip()
    return value


def member_key(address):
    """The identity of ``address`` as Mailchimp sees it (stripped, lower-cased), or '' when
    the value is not exactly one valid address."""
    if not address or not isinstance(address, str):
        return ""
    value = _bare_address(address)
    if value.count("@") != 1 or _FORBIDDEN_RE.search(value):
        return ""
    local, domain = value.split("@")
    if not local or ".." in local or not _LOCAL_RE.match(local) or len(value) > 254:
        return ""
    if ".." in domain or not _DOMAIN_RE.match(domain):
        return ""
    return value.lower()


def invalid_reason(address):
    """Reason code for an address :func:`member_key` refuses ('' when it is valid)."""
    if not address or not str(address).strip():
        return INVALID_EMPTY
    return "" if member_key(address) else INVALID_FORM


def subscriber_hash(address):
    """Mailchimp's member id: md5 of the member key (of the lower-cased raw value when the
    value is not a valid address, so that a lookup still names something)."""
    key = member_key(address) or (address or "").strip().lower()
    return hashlib.md5(key.encode("utf-8")).hexdigest()  # noqa: S324 (Mailchimp's own id)


def same_member(a, b):
    """Whether two addresses are one member (both valid and equal keys)."""
    key = member_key(a)
    return bool(key) and key == member_key(b)
