"""Batch operations (/batches): run every operation through the router, publish the
results as a gzipped tar at ``response_body_url``."""

import json
from urllib.parse import parse_qsl

from ..util import invalid_field

BATCH_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _operation_error(detail):
    return json.dumps({"title": "Invalid Resource", "detail": detail})


def _run_operation(req, op):
    if not isinstance(op, dict):
        return {
            "status_code": 400,
            "operation_id": None,
            "response": _operation_error("Operation must be an object."),
        }
    method = str(op.get("method", "")).upper()
    path = str(op.get("path", ""))
    if path.startswith("/3.0"):
        path = path[4:] or "/"
    path, _, qs = path.partition("?")
    params = {
        k: (",".join(map(str, v)) if isinstance(v, list) else str(v))
        for k, v in (op.get("params") or {}).items()
    }
    if qs:
        params.update(dict(parse_qsl(qs)))
    body = op.get("body") or ""
    if not isinstance(body, str):
        body = json.dumps(body)
    if path.startswith("/batches"):
        status, payload = 400, _operation_error("Batches cannot be nested.").encode()
    else:
        status, payload, _ = req.dispatch(method, path, params, body.encode("utf-8"))
    return {
        "status_code": status,
        "operation_id": op.get("operation_id"),
        "response": payload.decode("utf-8"),
    }


def post_batches(req):
    st = req.state
    ops = req.json().get("operations")
    if not isinstance(ops, list) or not ops:
        raise invalid_field("operations", "operations must be a non-empty array.")
    for op in ops:
        if (
            not isinstance(op, dict)
            or str(op.get("method", "")).upper() not in BATCH_METHODS
            or not isinstance(op.get("path"), str)
        ):
            raise invalid_field(
                "operations",
                "Each operation needs a method (GET/POST/PUT/PATCH/DELETE) and a path.",
            )
    batch_id = st.open_batch(len(ops))
    results = [_run_operation(req, op) for op in ops]
    url = f"{req.emu.root_url}/_emulator/batch-results/{batch_id}.tar.gz"
    return st.finish_batch(batch_id, results, url)


def get_batches(req):
    return req.state.batch_page(req.query)


def get_batch(req, batch_id):
    return req.state.poll_batch(batch_id, req.emu.batch_pending_polls)


def delete_batch(req, batch_id):
    req.state.delete_batch(batch_id)
    return 204, None


ROUTES = [
    ("/batches", {"GET": get_batches, "POST": post_batches}),
    ("/batches/{batch_id}", {"GET": get_batch, "DELETE": delete_batch}),
]
