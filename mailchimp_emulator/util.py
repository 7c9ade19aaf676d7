"""Shared helpers: hashing, timestamps, problem documents, paging and field filtering."""

import functools
import hashlib
import math
import re
import uuid
from datetime import UTC, datetime, timedelta

ERROR_TYPE = "https://mailchimp.com/developer/marketing/docs/errors/"
JSON_TYPE = "application/json; charset=utf-8"
PROBLEM_TYPE = "application/problem+json; charset=utf-8"
MAX_COUNT = 1000

_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def locked(func):
    """Method decorator: run it holding the state's lock (``self.lock``, re-entrant).

    The one lock decorator of the emulator: every public method of the state uses it."""

    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        with self.lock:
            return func(self, *args, **kwargs)

    return wrapper


def unlocked(handler):
    """Request handler decorator: the router runs it without holding the state lock
    throughout (it calls out over the network); the state methods it calls lock."""
    handler.unlocked = True
    return handler


def subscriber_hash(email):
    """Mailchimp's member id: md5 hex digest of the lower-cased email address."""
    return hashlib.md5(email.strip().lower().encode("utf-8")).hexdigest()


def short_hash(*parts, length=10):
    raw = ":".join(str(p) for p in parts)
    return hashlib.md5(raw.encode("utf-8")).hexdigest()[:length]


class ApiError(Exception):
    """An error answered as an application/problem+json document."""

    def __init__(self, status, title, detail, errors=None, headers=None):
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}

    def to_problem(self):
        return problem(self.status, self.title, self.detail, self.errors)


def problem(status, title, detail, errors=None):
    doc = {
        "type": ERROR_TYPE,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": str(uuid.uuid4()),
    }
    if errors is not None:
        doc["errors"] = errors
    return doc


def not_found(detail="The requested resource could not be found."):
    return ApiError(404, "Resource Not Found", detail)


def invalid(detail, errors=None):
    return ApiError(400, "Invalid Resource", detail, errors)


def invalid_field(field, message, detail=None):
    return invalid(
        detail
        or "The resource submitted could not be validated. For field-specific "
        "details, see the 'errors' array.",
        [{"field": field, "message": message}],
    )


# --------------------------------------------------------------------------- time


def fmt_ts(dt):
    """ISO 8601, UTC, second precision: 2024-05-01T10:00:00+00:00 ('' for None)."""
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0).isoformat()


def fmt_webhook_ts(dt):
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def parse_ts(value, field="date"):
    """Parse an ISO 8601 string (or datetime) to an aware UTC datetime; 400 if invalid."""
    if isinstance(value, datetime):
        dt = value
    else:
        text = str(value).strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise invalid_field(field, f"'{value}' is not a valid ISO 8601 date-time.") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def ts_floor(value, field):
    """Normalised string of a bound, rounded down to the second."""
    return fmt_ts(parse_ts(value, field))


def ts_ceil(value, field):
    """Normalised string of a bound, rounded up to the second."""
    dt = parse_ts(value, field)
    if dt.microsecond:
        dt = dt.replace(microsecond=0) + timedelta(seconds=1)
    return fmt_ts(dt)


def as_ts_string(value):
    if value in (None, ""):
        return ""
    return fmt_ts(parse_ts(value))


def check_url(url, field="url"):
    """400 unless ``url`` is an absolute http(s) URL."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise invalid_field(field, "This value should be a valid URL.")


# --------------------------------------------------------------------------- email


#: Domains whose addresses Mailchimp refuses as fake-looking (400 "Invalid Resource",
#: "<addr> looks fake or invalid, please enter a real email address."): example.com is
#: documented by users' reports (e.g. JustFixNYC/tenants2#1554). example.org and
#: example.net have no such report: tests use them.
FAKE_DOMAINS = frozenset({"example.com"})
#: Emulator conventions, not Mailchimp facts: reserved TLDs and "fake…" local parts are
#: refused too, so tests can make a refused address on any domain.
FAKE_TLDS = (".invalid", ".test")
FAKE_LOCAL_PREFIX = "fake"


def email_problem(email):
    """Return an ApiError if the address is syntactically bad or looks fake, else None."""
    text = email if isinstance(email, str) else ""
    bad = not text or len(text) > 254 or not _EMAIL_RE.match(text)
    if not bad:
        local, domain = text.rsplit("@", 1)
        low_domain = domain.lower()
        bad = (
            local.startswith(".")
            or local.endswith(".")
            or ".." in local
            or local.lower().startswith(FAKE_LOCAL_PREFIX)
            or low_domain in FAKE_DOMAINS
            or low_domain.endswith(FAKE_TLDS)
        )
    if bad:
        return invalid(
            f"{email} looks fake or invalid, please enter a real email address.",
            [{"field": "email_address", "message": "This email looks fake or invalid."}],
        )
    return None


# --------------------------------------------------------------------------- query helpers


def qbool(query, name, default=False):
    value = query.get(name)
    if value is None or value == "":
        return default
    return str(value).lower() in ("1", "true", "yes", "on")


def paging(query):
    """(count, offset) from the query; 400 when negative or not a number. A count above
    MAX_COUNT is served as MAX_COUNT, as Mailchimp does (users asking for 3,000 get 1,000
    without an error)."""
    out = []
    for name, default in (("count", 10), ("offset", 0)):
        raw = query.get(name, "")
        if raw == "":
            out.append(default)
            continue
        try:
            value = int(raw)
        except ValueError:
            raise invalid_field(name, f"The value for {name} must be an integer.") from None
        if value < 0:
            raise invalid_field(name, f"The value for {name} must be zero or positive.")
        out.append(value)
    count, offset = out
    return min(count, MAX_COUNT), offset


def page(query, key, items, render=None, extra=None):
    """Collection response: {key: items[offset:offset+count], total_items, **extra}."""
    count, offset = paging(query)
    chunk = items[offset : offset + count]
    body = {key: [render(x) for x in chunk] if render else list(chunk)}
    if extra:
        body.update(extra)
    body["total_items"] = len(items)
    return body


def time_filters(items, query, param_fields):
    """Keep the items whose date field is after a ``since_*`` / before a ``before_*``
    parameter of the query; ``param_fields``: ((param, field), ...)."""
    for param, field in param_fields:
        if query.get(param):
            if param.startswith("since"):
                bound = ts_floor(query[param], param)
                items = [c for c in items if c[field] and c[field] > bound]
            else:
                bound = ts_ceil(query[param], param)
                items = [c for c in items if c[field] and c[field] < bound]
    return items


def sort_items(items, query, allowed, default=None):
    field = query.get("sort_field") or default
    direction = (query.get("sort_dir") or "ASC").upper()
    if direction not in ("ASC", "DESC"):
        raise invalid_field("sort_dir", "sort_dir must be ASC or DESC.")
    if not field:
        return items if direction == "ASC" else list(reversed(items))
    if field not in allowed:
        raise invalid_field("sort_field", f"sort_field must be one of {', '.join(allowed)}.")
    getter = allowed[field]
    return sorted(items, key=getter, reverse=direction == "DESC")


# --------------------------------------------------------------------------- fields filter


def _path_tree(spec):
    tree = {}
    for raw in str(spec).split(","):
        raw = raw.strip()
        if not raw:
            continue
        node = tree
        for part in raw.split("."):
            node = node.setdefault(part, {})
    return tree


def _include(obj, tree):
    if isinstance(obj, list):
        return [_include(x, tree) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {}
    for key, sub in tree.items():
        if key in obj:
            out[key] = _include(obj[key], sub) if sub else obj[key]
    return out


def _exclude(obj, tree):
    if isinstance(obj, list):
        return [_exclude(x, tree) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {}
    for key, value in obj.items():
        if key in tree:
            if tree[key]:
                out[key] = _exclude(value, tree[key])
        else:
            out[key] = value
    return out


def apply_fields(body, query):
    """Apply Mailchimp's generic `fields` / `exclude_fields` filters to a response body."""
    if not isinstance(body, dict):
        return body
    fields = query.get("fields")
    if fields:
        body = _include(body, _path_tree(fields))
    excluded = query.get("exclude_fields")
    if excluded:
        body = _exclude(body, _path_tree(excluded))
    return body


def rate(numerator, denominator):
    if not denominator:
        return 0
    value = numerator / denominator
    return 0 if math.isnan(value) else round(value, 6)
