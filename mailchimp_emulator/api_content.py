"""Batch operations, templates, campaigns and reports resources."""

import gzip
import io
import json
import tarfile
import time
from urllib.parse import parse_qsl

from . import reports
from .campaigns import REPORTABLE
from .util import invalid, invalid_field, not_found, page, sort_items, ts_ceil, ts_floor

BATCH_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# --------------------------------------------------------------------------- batches


def _tarball(batch_id, results):
    data = json.dumps(results).encode("utf-8")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo(f"{batch_id}.json")
        info.size = len(data)
        info.mtime = int(time.time())
        tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def _run_operation(req, op):
    from .api import dispatch  # local import: api imports this module

    if not isinstance(op, dict):
        return {
            "status_code": 400,
            "operation_id": None,
            "response": json.dumps(
                {"title": "Invalid Resource", "detail": "Operation must be an object."}
            ),
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
        status, payload = (
            400,
            json.dumps(
                {"title": "Invalid Resource", "detail": "Batches cannot be nested."}
            ).encode(),
        )
    else:
        status, payload, _ = dispatch(req.emu, method, path, params, body.encode("utf-8"))
    return {
        "status_code": status,
        "operation_id": op.get("operation_id"),
        "response": payload.decode("utf-8"),
    }


def post_batches(req):
    st = req.state
    body = req.json()
    ops = body.get("operations")
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
    pending = [b for b in st.batches.values() if b["final"] is not None]
    if len(pending) >= 500:
        raise invalid("You have more than 500 pending batches.")
    batch_id = st._hex_id(st.batches)
    submitted = st.now_str()
    info = {
        "id": batch_id,
        "status": "pending",
        "total_operations": len(ops),
        "finished_operations": 0,
        "errored_operations": 0,
        "submitted_at": submitted,
        "completed_at": "",
        "response_body_url": "",
    }
    results = [_run_operation(req, op) for op in ops]
    errored = sum(1 for r in results if r["status_code"] >= 400)
    final = dict(
        info,
        status="finished",
        finished_operations=len(ops),
        errored_operations=errored,
        completed_at=st.now_str(),
        response_body_url=f"{req.emu.root_url}/_emulator/batch-results/{batch_id}.tar.gz",
    )
    st.batches[batch_id] = {
        "info": info,
        "final": final,
        "polls": 0,
        "results": results,
        "tar": _tarball(batch_id, results),
    }
    return dict(info)


def _batch(req, batch_id):
    batch = req.state.batches.get(batch_id)
    if batch is None:
        raise not_found()
    return batch


def get_batches(req):
    items = [b["info"] for b in req.state.batches.values()]
    return page(req.query, "batches", items)


def get_batch(req, batch_id):
    batch = _batch(req, batch_id)
    if batch["final"] is not None:
        batch["polls"] += 1
        if batch["polls"] > req.emu.batch_pending_polls:
            batch["info"], batch["final"] = batch["final"], None
        else:
            batch["info"] = dict(batch["info"], status="started")
    return batch["info"]


def delete_batch(req, batch_id):
    _batch(req, batch_id)
    del req.state.batches[batch_id]
    return 204, None


# --------------------------------------------------------------------------- templates


def get_templates(req):
    q = req.query
    items = [t["info"] for t in req.state.templates.values()]
    for key in ("type", "created_by", "folder_id", "category", "content_type"):
        if q.get(key):
            items = [t for t in items if str(t.get(key)) == q[key]]
    if q.get("since_date_created"):
        since = ts_floor(q["since_date_created"], "since_date_created")
        items = [t for t in items if t["date_created"] > since]
    if q.get("before_date_created"):
        before = ts_ceil(q["before_date_created"], "before_date_created")
        items = [t for t in items if t["date_created"] < before]
    items = sort_items(
        items,
        q,
        {
            "date_created": lambda t: t["date_created"],
            "date_edited": lambda t: t["date_edited"],
            "name": lambda t: t["name"].lower(),
        },
    )
    return page(q, "templates", items)


def get_template(req, template_id):
    return req.state.template(template_id)["info"]


def get_template_content(req, template_id):
    return req.state.template_default_content(template_id)


# --------------------------------------------------------------------------- campaigns


def _time_filters(items, q, prefix_field):
    for param, field in prefix_field:
        if q.get(param):
            if param.startswith("since"):
                bound = ts_floor(q[param], param)
                items = [c for c in items if c[field] and c[field] > bound]
            else:
                bound = ts_ceil(q[param], param)
                items = [c for c in items if c[field] and c[field] < bound]
    return items


def get_campaigns(req):
    st = req.state
    q = req.query
    items = [st.render_campaign(c) for c in st.campaigns.values()]
    if q.get("type"):
        items = [c for c in items if c["type"] == q["type"]]
    if q.get("status"):
        wanted = q["status"].split(",")
        items = [c for c in items if c["status"] in wanted]
    if q.get("list_id"):
        items = [c for c in items if c["recipients"]["list_id"] == q["list_id"]]
    if q.get("folder_id"):
        items = [c for c in items if c["settings"]["folder_id"] == q["folder_id"]]
    items = _time_filters(
        items,
        q,
        (
            ("since_send_time", "send_time"),
            ("before_send_time", "send_time"),
            ("since_create_time", "create_time"),
            ("before_create_time", "create_time"),
        ),
    )
    items = sort_items(
        items, q, {"create_time": lambda c: c["create_time"], "send_time": lambda c: c["send_time"]}
    )
    return page(q, "campaigns", items)


def get_campaign(req, campaign_id):
    st = req.state
    return st.render_campaign(st.campaign(campaign_id))


# --------------------------------------------------------------------------- reports


def _reportable(req, campaign_id):
    camp = req.state.campaign(campaign_id)
    if camp["info"]["status"] not in REPORTABLE:
        raise not_found("The requested resource could not be found (campaign not sent).")
    return camp


def get_reports(req):
    st = req.state
    q = req.query
    camps = [c for c in st.campaigns.values() if c["info"]["status"] in REPORTABLE]
    if q.get("type"):
        camps = [c for c in camps if c["info"]["type"] == q["type"]]
    infos = _time_filters(
        [c["info"] for c in camps],
        q,
        (("since_send_time", "send_time"), ("before_send_time", "send_time")),
    )
    ids = {i["id"] for i in infos}
    camps = [c for c in camps if c["info"]["id"] in ids]
    return page(q, "reports", camps, lambda c: reports.report(st, c))


def get_report(req, campaign_id):
    return reports.report(req.state, _reportable(req, campaign_id))


def _sub_report(func):
    def handler(req, campaign_id):
        return func(req.state, _reportable(req, campaign_id), req.query)

    handler.__name__ = func.__name__
    return handler


def get_email_activity_one(req, campaign_id, sub):
    st = req.state
    camp = _reportable(req, campaign_id)
    m = None
    lst = st.lists.get(camp["list_id"])
    if lst is not None:
        m = st._find_member(lst, sub)
    key = m["id"] if m else sub.lower()
    body = reports.email_activity_one(st, camp, key)
    if body is None:
        raise not_found()
    return body


ROUTES = [
    ("/batches", {"GET": get_batches, "POST": post_batches}),
    ("/batches/{batch_id}", {"GET": get_batch, "DELETE": delete_batch}),
    ("/templates", {"GET": get_templates}),
    ("/templates/{template_id}", {"GET": get_template}),
    ("/templates/{template_id}/default-content", {"GET": get_template_content}),
    ("/campaigns", {"GET": get_campaigns}),
    ("/campaigns/{campaign_id}", {"GET": get_campaign}),
    ("/reports", {"GET": get_reports}),
    ("/reports/{campaign_id}", {"GET": get_report}),
    ("/reports/{campaign_id}/email-activity", {"GET": _sub_report(reports.email_activity)}),
    ("/reports/{campaign_id}/email-activity/{sub}", {"GET": get_email_activity_one}),
    ("/reports/{campaign_id}/open-details", {"GET": _sub_report(reports.open_details)}),
    ("/reports/{campaign_id}/click-details", {"GET": _sub_report(reports.click_details)}),
    ("/reports/{campaign_id}/unsubscribed", {"GET": _sub_report(reports.unsubscribed)}),
    ("/reports/{campaign_id}/sent-to", {"GET": _sub_report(reports.sent_to)}),
]
