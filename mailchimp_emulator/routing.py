"""Routing of /3.0 API calls to the handlers of :mod:`.resources`.

``dispatch`` is transport-independent: the HTTP server and the /batches executor both use
it. A handler runs holding the state lock and returns a body, or ``(status, body)``;
``dispatch`` answers ``(status, body_bytes, headers)`` with the generic ``fields`` /
``exclude_fields`` filters applied and errors as ``application/problem+json``.
"""

import json
import re
import traceback
from urllib.parse import unquote

from .resources import ROUTES
from .util import JSON_TYPE, PROBLEM_TYPE, ApiError, apply_fields, not_found, problem


class Request:
    """One API call as a handler sees it: ``emu`` (the Emulator: options, URLs),
    ``state``, ``method``, ``path`` (relative to /3.0), ``query`` and the raw body."""

    def __init__(self, emu, method, path, query, body):
        self.emu = emu
        self.state = emu.state
        self.method = method
        self.path = path
        self.query = query
        self.raw = body or b""

    def json(self):
        if not self.raw.strip():
            return {}
        try:
            data = json.loads(self.raw)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(
                400,
                "JSON Schema Validation Failed",
                "We encountered an unspecified JSON parsing error.",
            ) from None
        if not isinstance(data, dict):
            raise ApiError(
                400, "JSON Schema Validation Failed", "The request body must be a JSON object."
            )
        return data

    def dispatch(self, method, path, query, body):
        """Run another API call (the /batches executor's operations)."""
        return dispatch(self.emu, method, path, query, body)


def _compile(pattern):
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")


_COMPILED = [(_compile(pattern), methods) for pattern, methods in ROUTES]


def _encode(status, body, query, headers=None):
    headers = dict(headers or {})
    if status == 204 or body is None:
        return status, b"", headers
    if status < 400:
        body = apply_fields(body, query)
        headers.setdefault("Content-Type", JSON_TYPE)
    else:
        headers.setdefault("Content-Type", PROBLEM_TYPE)
    return status, json.dumps(body, separators=(",", ":")).encode("utf-8"), headers


def error_response(exc):
    """(status, bytes, headers) of an ApiError."""
    return _encode(exc.status, exc.to_problem(), {}, exc.headers)


def _method_not_allowed(methods):
    return _encode(
        405,
        problem(
            405,
            "Method Not Allowed",
            "The requested method and resource are not compatible. See the Allow header "
            "for this resource's available methods.",
        ),
        {},
        {"Allow": ", ".join(sorted(methods))},
    )


def _status_body(result):
    return result if isinstance(result, tuple) else (200, result)


def dispatch(emu, method, path, query, body):
    """Handle one API call (path relative to /3.0). Returns (status, bytes, headers)."""
    path = path.rstrip("/") or "/"
    for regex, methods in _COMPILED:
        match = regex.match(path)
        if not match:
            continue
        handler = methods.get(method)
        if handler is None:
            return _method_not_allowed(methods)
        params = {k: unquote(v) for k, v in match.groupdict().items()}
        req = Request(emu, method, path, query, body)
        try:
            if getattr(handler, "unlocked", False):  # takes the lock itself (network I/O)
                return _encode(*_status_body(handler(req, **params)), query)
            with emu.state.lock:
                return _encode(*_status_body(handler(req, **params)), query)
        except ApiError as exc:
            return error_response(exc)
        except Exception as exc:  # an emulator bug: answer 500 rather than hang up
            traceback.print_exc()
            return error_response(
                ApiError(500, "Internal Server Error", f"Emulator error: {exc!r}")
            )
    return error_response(not_found("The requested resource could not be found."))
