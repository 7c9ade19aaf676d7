"""The control API under /_emulator/… (no auth, never faulted, not logged): health,
faults, the request log, seeding, the clock, webhook firing and batch results."""

import json
import re

from .util import JSON_TYPE, PROBLEM_TYPE, ApiError

_BATCH_RESULTS = re.compile(r"^/_emulator/batch-results/([0-9a-f]+)\.tar\.gz$")


def _json(status, body, content_type=JSON_TYPE):
    return status, json.dumps(body).encode("utf-8"), {"Content-Type": content_type}


def health(emu, data):
    st = emu.state
    return {
        "status": "ok",
        "dc": emu.dc,
        "base_url": emu.base_url,
        "lists": st.list_summaries(),
        "requests": len(emu.requests),
        "now": st.now_str(),
        "faults": emu.faults.snapshot(),
        "latency": emu.latency,
    }


def set_faults(emu, data):
    fail_next = data.pop("fail_next", None)
    fail_status = data.pop("fail_status", data.pop("status", 503))
    snap = emu.faults.configure(**data)
    if fail_next:
        emu.faults.fail_next(int(fail_next), fail_status, data.get("paths"))
        snap = emu.faults.snapshot()
    return snap


def clear_faults(emu, data):
    emu.faults.clear()
    return emu.faults.snapshot()


def request_log(emu, data):
    items = emu.request_log()
    return {"requests": items, "total_items": len(items)}


def reset_requests(emu, data):
    emu.reset_requests()
    return {"ok": True}


def seed(emu, data):
    return emu.seed(
        data.get("list_name", "Sample Audience"),
        int(data.get("members", 0)),
        int(data.get("campaigns", 0)),
        data.get("list_id"),
        data.get("statuses"),
    )


def clock(emu, data):
    st = emu.state
    if data.get("freeze"):
        st.freeze(data["freeze"])
    if data.get("unfreeze"):
        st.unfreeze()
    if data.get("advance"):
        st.advance(float(data["advance"]))
    return {"now": st.now_str()}


def fire_webhook(emu, data):
    if data.get("email"):
        res = emu.fire_member_webhook(
            data["list_id"], data["type"], data["email"], **(data.get("data") or {})
        )
    else:
        res = emu.fire_webhook(data["list_id"], data["type"], data.get("data"))
    return {"deliveries": [list(r) for r in res]}


def oauth_state(emu, data):
    return emu.oauth.snapshot()


def oauth_app(emu, data):
    kwargs = {k: data[k] for k in ("client_id", "client_secret", "name") if data.get(k)}
    client_id, _secret = emu.oauth.register_app(data["redirect_uri"], **kwargs)
    return {"client_id": client_id}


def oauth_revoke(emu, data):
    return {"revoked": emu.oauth.revoke(data.get("token"))}


def oauth_metadata(emu, data):
    emu.oauth.metadata_dc = data.get("dc") or None
    return emu.oauth.snapshot()


ROUTES = {
    ("GET", "/_emulator/health"): health,
    ("POST", "/_emulator/faults"): set_faults,
    ("DELETE", "/_emulator/faults"): clear_faults,
    ("GET", "/_emulator/requests"): request_log,
    ("POST", "/_emulator/reset-requests"): reset_requests,
    ("POST", "/_emulator/seed"): seed,
    ("POST", "/_emulator/clock"): clock,
    ("POST", "/_emulator/webhooks/fire"): fire_webhook,
    ("GET", "/_emulator/oauth"): oauth_state,
    ("POST", "/_emulator/oauth/apps"): oauth_app,
    ("POST", "/_emulator/oauth/revoke"): oauth_revoke,
    ("POST", "/_emulator/oauth/metadata"): oauth_metadata,
}


def handle(emu, method, path, body):
    """Answer one control call: (status, bytes, headers)."""
    match = _BATCH_RESULTS.match(path)
    if match and method in ("GET", "HEAD"):
        tar = emu.state.batch_tarball(match.group(1))
        if tar is None:
            return _json(404, {"error": "unknown batch"})
        return 200, tar, {"Content-Type": "application/x-gzip"}
    try:
        data = json.loads(body) if body.strip() else {}
    except ValueError:
        return _json(400, {"error": "invalid JSON"})
    action = ROUTES.get((method, path.rstrip("/")))
    if action is None:
        return _json(404, {"error": f"unknown control endpoint {method} {path}"})
    try:
        return _json(200, action(emu, data))
    except ApiError as exc:
        return _json(exc.status, exc.to_problem(), PROBLEM_TYPE)
    except (TypeError, ValueError, KeyError) as exc:
        return _json(400, {"error": str(exc)})
