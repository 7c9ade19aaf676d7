"""Outgoing calls to webhook URLs: event deliveries and the check made when a webhook is
registered."""

import hashlib
import hmac
import time
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from .util import fmt_webhook_ts, invalid

VALIDATOR_AGENT = "MailChimp.com WebHook Validator"
DELIVERY_AGENT = "MailChimp"


def flatten(value, prefix):
    """[(key, text)] of a nested value in PHP's form encoding: data[merges][FNAME]=…"""
    if isinstance(value, dict):
        out = []
        for key, sub in value.items():
            out.extend(flatten(sub, f"{prefix}[{key}]"))
        return out
    if isinstance(value, (list, tuple)):
        out = []
        for i, sub in enumerate(value):
            out.extend(flatten(sub, f"{prefix}[{i}]"))
        return out
    if value is None:
        return [(prefix, "")]
    if isinstance(value, bool):
        return [(prefix, "true" if value else "false")]
    return [(prefix, str(value))]


def webhook_body(event_type, fired_at, data):
    """The form-encoded body of one delivery."""
    pairs = [("type", event_type), ("fired_at", fmt_webhook_ts(fired_at))]
    pairs += flatten(data, "data")
    return urlencode(pairs).encode("utf-8")


def deliver(url, body, sign_secret=None, timeout=10.0):
    """POST one delivery; returns the HTTP status, or None when the connection failed.
    With ``sign_secret`` an ``X-Mailchimp-Signature: t=<unix>,v1=<hex hmac-sha256 of
    "t.body">`` header is added."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": DELIVERY_AGENT}
    if sign_secret:
        stamp = str(int(time.time()))
        digest = hmac.new(
            sign_secret.encode(), stamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        headers["X-Mailchimp-Signature"] = f"t={stamp},v1={digest}"
    try:
        with urlopen(Request(url, data=body, headers=headers, method="POST"), timeout=timeout) as r:
            return r.status
    except HTTPError as exc:
        return exc.code
    except (URLError, OSError):
        return None


def check_url(url, timeout=5.0):
    """Mailchimp's check of a webhook URL being registered: a GET (User-Agent
    "MailChimp.com WebHook Validator") that must answer 2xx, else 400 Invalid Resource
    "We couldn't verify the URL is working. Please double check and try again. HTTP Code:
    <status>" (no code when nothing answered)."""
    request = Request(url, headers={"User-Agent": VALIDATOR_AGENT})
    try:
        with urlopen(request, timeout=timeout) as response:
            status = response.status
    except HTTPError as exc:
        status = exc.code
    except (URLError, OSError, ValueError):
        status = None
    if status is None or not 200 <= status < 300:
        message = "We couldn't verify the URL is working. Please double check and try again."
        if status is not None:
            message += f" HTTP Code: {status}"
        raise invalid(
            "The resource submitted could not be validated. For field-specific "
            "details, see the 'errors' array.",
            [{"field": "url", "message": message}],
        )
