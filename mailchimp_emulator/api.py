"""Routing of /3.0 API requests and the audience (list) resources.

``dispatch`` is transport-independent: the HTTP server and the /batches executor both
use it. It runs under the state lock and returns ``(status, body_bytes, headers)``.
"""

import json
import re
import traceback
from urllib.parse import unquote

from . import api_content
from .util import ApiError, apply_fields, not_found, page, problem, qbool

JSON_TYPE = "application/json; charset=utf-8"
PROBLEM_TYPE = "application/problem+json; charset=utf-8"


class Request:
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


# --------------------------------------------------------------------------- root


def get_root(req):
    return req.state.account()


def get_ping(req):
    return {"health_status": "Everything's Chimpy!"}


# --------------------------------------------------------------------------- lists


def get_lists(req):
    st = req.state
    lists = list(st.lists.values())
    return page(
        req.query,
        "lists",
        lists,
        st.render_list,
        {
            "constraints": {
                "may_create": True,
                "max_instances": 100,
                "current_total_instances": len(lists),
            }
        },
    )


def post_lists(req):
    st = req.state
    list_id = st.create_list_from_api(req.json())
    return st.render_list(st.lists[list_id])


def get_list(req, list_id):
    return req.state.render_list(req.state._list(list_id))


def patch_list(req, list_id):
    return req.state.render_list(req.state.update_list(list_id, req.json()))


def delete_list(req, list_id):
    req.state.delete_list(list_id)
    return 204, None


def post_list(req, list_id):
    skip = qbool(req.query, "skip_merge_validation")
    return req.state.batch_subscribe(list_id, req.json(), skip_merge=skip)


# --------------------------------------------------------------------------- members


def get_members(req, list_id):
    st = req.state
    lst = st._list(list_id)
    items = st.member_view(lst, req.query)
    return page(req.query, "members", items, None, {"list_id": list_id})


def post_members(req, list_id):
    skip = qbool(req.query, "skip_merge_validation")
    member, _ = req.state.write_member(list_id, None, req.json(), "post", skip_merge=skip)
    return member


def _member(req, list_id, sub):
    st = req.state
    m = st._find_member(st._list(list_id), sub)
    if m is None:
        raise not_found()
    return m


def get_member(req, list_id, sub):
    return _member(req, list_id, sub)


def put_member(req, list_id, sub):
    skip = qbool(req.query, "skip_merge_validation")
    member, _ = req.state.write_member(list_id, sub, req.json(), "put", skip_merge=skip)
    return member


def patch_member(req, list_id, sub):
    skip = qbool(req.query, "skip_merge_validation")
    member, _ = req.state.write_member(list_id, sub, req.json(), "patch", skip_merge=skip)
    return member


def delete_member(req, list_id, sub):
    req.state.archive_member(list_id, sub)
    return 204, None


def delete_member_permanent(req, list_id, sub):
    req.state.delete_permanent(list_id, sub)
    return 204, None


def get_member_tags(req, list_id, sub):
    m = _member(req, list_id, sub)
    tags = req.state.member_tags(req.state.lists[list_id], m)
    return page(req.query, "tags", tags)


def post_member_tags(req, list_id, sub):
    req.state.post_member_tags(list_id, sub, req.json())
    return 204, None


# --------------------------------------------------------------------------- merge fields


def get_merge_fields(req, list_id):
    lst = req.state._list(list_id)
    items = lst.merge_fields
    ftype = req.query.get("type")
    if ftype:
        items = [f for f in items if f["type"] == ftype]
    if "required" in req.query:
        wanted = qbool(req.query, "required")
        items = [f for f in items if f["required"] == wanted]
    return page(req.query, "merge_fields", items, None, {"list_id": list_id})


def post_merge_field(req, list_id):
    return req.state.create_merge_field(req.state._list(list_id), req.json())


def get_merge_field(req, list_id, merge_id):
    return req.state.merge_field(req.state._list(list_id), merge_id)


def patch_merge_field(req, list_id, merge_id):
    return req.state.update_merge_field(req.state._list(list_id), merge_id, req.json())


def delete_merge_field(req, list_id, merge_id):
    req.state.delete_merge_field(req.state._list(list_id), merge_id)
    return 204, None


# --------------------------------------------------------------------------- segments


def get_segments(req, list_id):
    st = req.state
    lst = st._list(list_id)
    segs = list(lst.segments.values())
    seg_type = req.query.get("type")
    if seg_type:
        segs = [s for s in segs if s["info"]["type"] == seg_type]
    return page(req.query, "segments", segs, st.render_segment, {"list_id": list_id})


def post_segment(req, list_id):
    st = req.state
    return st.render_segment(st.create_segment(st._list(list_id), req.json()))


def get_segment(req, list_id, seg):
    st = req.state
    return st.render_segment(st._segment(st._list(list_id), seg))


def patch_segment(req, list_id, seg):
    st = req.state
    return st.render_segment(st.update_segment(st._list(list_id), seg, req.json()))


def delete_segment(req, list_id, seg):
    req.state.delete_segment(req.state._list(list_id), seg)
    return 204, None


def post_segment_members(req, list_id, seg):
    return req.state.segment_batch(req.state._list(list_id), seg, req.json())


def get_segment_members(req, list_id, seg):
    st = req.state
    lst = st._list(list_id)
    segment = st._segment(lst, seg)
    items = [lst.by_web[w] for w in segment["members"] if w in lst.by_web]
    return page(req.query, "members", items)


# --------------------------------------------------------------------------- webhooks


def get_webhooks(req, list_id):
    lst = req.state._list(list_id)
    return page(req.query, "webhooks", list(lst.webhooks.values()), None, {"list_id": list_id})


def post_webhook(req, list_id):
    body = req.json()
    req.state._list(list_id)
    url = body.get("url")
    if req.emu.validate_webhooks and isinstance(url, str):
        req.emu.check_webhook_url(url)
    return req.state.add_webhook(list_id, url, body.get("events"), body.get("sources"))


def get_webhook(req, list_id, wid):
    return req.state.webhook(req.state._list(list_id), wid)


def patch_webhook(req, list_id, wid):
    return req.state.update_webhook(req.state._list(list_id), wid, req.json())


def delete_webhook(req, list_id, wid):
    req.state.delete_webhook(req.state._list(list_id), wid)
    return 204, None


# --------------------------------------------------------------------------- routing

ROUTES = [
    ("/", {"GET": get_root}),
    ("/ping", {"GET": get_ping}),
    ("/lists", {"GET": get_lists, "POST": post_lists}),
    (
        "/lists/{list_id}",
        {"GET": get_list, "PATCH": patch_list, "DELETE": delete_list, "POST": post_list},
    ),
    ("/lists/{list_id}/members", {"GET": get_members, "POST": post_members}),
    (
        "/lists/{list_id}/members/{sub}",
        {"GET": get_member, "PUT": put_member, "PATCH": patch_member, "DELETE": delete_member},
    ),
    ("/lists/{list_id}/members/{sub}/tags", {"GET": get_member_tags, "POST": post_member_tags}),
    ("/lists/{list_id}/members/{sub}/actions/delete-permanent", {"POST": delete_member_permanent}),
    ("/lists/{list_id}/merge-fields", {"GET": get_merge_fields, "POST": post_merge_field}),
    (
        "/lists/{list_id}/merge-fields/{merge_id}",
        {"GET": get_merge_field, "PATCH": patch_merge_field, "DELETE": delete_merge_field},
    ),
    ("/lists/{list_id}/segments", {"GET": get_segments, "POST": post_segment}),
    (
        "/lists/{list_id}/segments/{seg}",
        {
            "GET": get_segment,
            "PATCH": patch_segment,
            "DELETE": delete_segment,
            "POST": post_segment_members,
        },
    ),
    ("/lists/{list_id}/segments/{seg}/members", {"GET": get_segment_members}),
    ("/lists/{list_id}/webhooks", {"GET": get_webhooks, "POST": post_webhook}),
    (
        "/lists/{list_id}/webhooks/{wid}",
        {"GET": get_webhook, "PATCH": patch_webhook, "DELETE": delete_webhook},
    ),
] + api_content.ROUTES

_COMPILED = [
    (re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$"), methods)
    for pattern, methods in ROUTES
]


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
    return _encode(exc.status, exc.to_problem(), {}, exc.headers)


def dispatch(emu, method, path, query, body):
    """Handle one API call (path relative to /3.0). Returns (status, bytes, headers)."""
    path = path.rstrip("/") or "/"
    for regex, methods in _COMPILED:
        match = regex.match(path)
        if not match:
            continue
        handler = methods.get(method)
        if handler is None:
            allowed = ", ".join(sorted(methods))
            return _encode(
                405,
                problem(
                    405,
                    "Method Not Allowed",
                    "The requested method and resource are not compatible. See the Allow header "
                    "for this resource's available methods.",
                ),
                {},
                {"Allow": allowed},
            )
        params = {k: unquote(v) for k, v in match.groupdict().items()}
        req = Request(emu, method, path, query, body)
        try:
            with emu.state.lock:
                result = handler(req, **params)
                status = 200
                if isinstance(result, tuple):
                    status, result = result
                return _encode(status, result, query)
        except ApiError as exc:
            return error_response(exc)
        except Exception as exc:  # an emulator bug: answer 500 rather than hang up
            traceback.print_exc()
            return error_response(
                ApiError(500, "Internal Server Error", f"Emulator error: {exc!r}")
            )
    return error_response(not_found("The requested resource could not be found."))
