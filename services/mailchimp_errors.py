"""Mailchimp API errors, built from problem+json answers (no Odoo import).

Each class carries a stable ``code``; the Odoo layer turns classes into translated
messages. ``str(error)`` is a specific English line for logs and never holds the API key.
"""

import json


class MailchimpError(Exception):
    code = "error"
    retryable = False

    def __init__(
        self,
        title="",
        detail="",
        status=None,
        type=None,  # noqa: A002 - problem+json field name
        instance=None,
        errors=None,
        retry_after=None,
        method=None,
        path=None,
    ):
        self.title = title or ""
        self.detail = detail or ""
        self.status = status
        self.type = type
        self.instance = instance
        self.errors = errors or []
        self.retry_after = retry_after
        self.method = method
        self.path = path
        super().__init__(str(self))

    @property
    def is_retryable(self):
        return self.retryable

    def __str__(self):
        where = f"{self.method} {self.path}: " if self.method and self.path else ""
        status = f"HTTP {self.status} " if self.status else ""
        text = " - ".join(part for part in (self.title, self.detail) if part)
        fields = "; ".join(
            f"{err.get('field')}: {err.get('message')}" for err in self.errors if err.get("field")
        )
        if fields:
            text = f"{text} ({fields})"
        return f"{where}{status}{text}".strip()


class MailchimpConfigError(MailchimpError):
    """The API key is malformed (no ``-<dc>`` suffix)."""

    code = "bad_key"


class MailchimpAuthError(MailchimpError):
    code = "auth"


class MailchimpOAuthError(MailchimpError):
    """Mailchimp's OAuth2 server refused (``title``: the OAuth2 error code, such as
    ``invalid_grant`` for a code already used or expired, ``invalid_client``)."""

    code = "oauth"


class MailchimpNotFound(MailchimpError):
    code = "not_found"


class MailchimpRateLimited(MailchimpError):
    code = "rate_limited"
    retryable = True


class MailchimpBadRequest(MailchimpError):
    code = "bad_request"


class MailchimpMemberExists(MailchimpBadRequest):
    code = "member_exists"


class MailchimpComplianceError(MailchimpBadRequest):
    """'Member In Compliance State': unsubscribed, bounced or under review."""

    code = "compliance"


class MailchimpForgottenError(MailchimpBadRequest):
    """'Forgotten Email Not Subscribed': permanently deleted, cannot be re-added."""

    code = "forgotten"


class MailchimpInvalidResource(MailchimpBadRequest):
    code = "invalid_resource"


class MailchimpMergeFieldError(MailchimpInvalidResource):
    code = "merge_field"


class MailchimpServerError(MailchimpError):
    code = "server"
    retryable = True


class MailchimpNetworkError(MailchimpError):
    code = "network"
    retryable = True


class MailchimpTimeout(MailchimpNetworkError):
    code = "timeout"


#: errors that go away by waiting: a job meeting one is retried later, never failed
RETRYABLE_ERRORS = (MailchimpRateLimited, MailchimpServerError, MailchimpNetworkError)

TITLE_CLASSES = {
    "member exists": MailchimpMemberExists,
    "member in compliance state": MailchimpComplianceError,
    "forgotten email not subscribed": MailchimpForgottenError,
}


def _parse_retry_after(value):
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return None


def error_from_response(response, method=None, path=None):
    """Build the error matching an HTTP answer (problem+json or not)."""
    status = response.status_code
    try:
        body = response.json()
        if not isinstance(body, dict):
            body = {}
    except (ValueError, json.JSONDecodeError):
        body = {}
    title = body.get("title") or response.reason or ""
    detail = body.get("detail") or ("" if body else (response.text or "")[:200].strip())
    kwargs = {
        "title": title,
        "detail": detail,
        "status": status,
        "type": body.get("type"),
        "instance": body.get("instance"),
        "errors": body.get("errors") or [],
        "retry_after": _parse_retry_after(response.headers.get("Retry-After")),
        "method": method,
        "path": path,
    }
    if status == 429:
        return MailchimpRateLimited(**kwargs)
    if status in (401, 403):
        if status == 403 and not body:
            # at very high volume Mailchimp throttles with a bare 403
            return MailchimpRateLimited(**kwargs)
        return MailchimpAuthError(**kwargs)
    if status == 404:
        return MailchimpNotFound(**kwargs)
    if status >= 500:
        return MailchimpServerError(**kwargs)
    cls = TITLE_CLASSES.get(title.strip().lower())
    if cls:
        return cls(**kwargs)
    if title.strip().lower() == "invalid resource":
        text = detail.lower()
        merge_errors = [
            e for e in kwargs["errors"] if e.get("field") not in (None, "email_address")
        ]
        if merge_errors or "merge field" in text or "complete address" in text:
            return MailchimpMergeFieldError(**kwargs)
        return MailchimpInvalidResource(**kwargs)
    return MailchimpBadRequest(**kwargs)
