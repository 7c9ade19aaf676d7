"""Mailchimp emulator: batch subscribe, segments, webhooks and /batches."""

import gzip
import io
import json
import socket
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import requests

from mailchimp_emulator import subscriber_hash


@pytest.fixture
def list_id(emulator):
    return emulator.state.add_list("Bulk Audience")


# ----------------------------------------------------------------------------- batch subscribe


def test_batch_subscribe_reports_failures_inside_200(mc, emulator, list_id):
    st = emulator.state
    st.add_member(list_id, "exists@example.org")
    st.add_member(list_id, "unsub@example.org", status="unsubscribed")
    st.add_member(list_id, "erased@example.org")
    st.delete_permanent(list_id, "erased@example.org")
    body = {
        "members": [
            {
                "email_address": "new1@example.org",
                "status": "subscribed",
                "merge_fields": {"FNAME": "New"},
            },
            {"email_address": "fake@example.org", "status": "subscribed"},
            {"email_address": "exists@example.org", "status": "subscribed"},
            {"email_address": "erased@example.org", "status": "subscribed"},
            {
                "email_address": "bad-address@example.org",
                "status": "subscribed",
                "merge_fields": {"ADDRESS": {"addr1": "x"}},
            },
            {"email_address": "new2@example.org", "status_if_new": "pending"},
        ]
    }
    resp = mc.post(f"/lists/{list_id}", json=body)
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert out["total_created"] == 2 and out["total_updated"] == 0
    assert out["error_count"] == 4 == len(out["errors"])
    assert {m["email_address"] for m in out["new_members"]} == {
        "new1@example.org",
        "new2@example.org",
    }
    errors = {e["email_address"]: e for e in out["errors"]}
    assert errors["exists@example.org"]["error_code"] == "ERROR_CONTACT_EXISTS"
    assert "fake or invalid" in errors["fake@example.org"]["error"]
    assert "permanently deleted" in errors["erased@example.org"]["error"]
    assert errors["bad-address@example.org"]["field"] == "ADDRESS"
    assert errors["bad-address@example.org"]["field_message"] == "Please enter a complete address"
    assert all(
        {"email_address", "error", "error_code", "field", "field_message"} <= set(e)
        for e in out["errors"]
    )
    assert st.get_member(list_id, "new2@example.org")["status"] == "pending"

    update = mc.post(
        f"/lists/{list_id}",
        json={
            "update_existing": True,
            "members": [
                {"email_address": "exists@example.org", "status": "unsubscribed"},
                {"email_address": "unsub@example.org", "status": "subscribed"},
            ],
        },
    ).json()
    assert update["total_updated"] == 1 and update["error_count"] == 1
    assert update["errors"][0]["email_address"] == "unsub@example.org"
    assert "compliance state" in update["errors"][0]["error"]
    assert st.get_member(list_id, "exists@example.org")["status"] == "unsubscribed"


def test_batch_subscribe_limit_and_sync_tags(mc, emulator, list_id):
    too_many = [{"email_address": f"u{i}@example.org", "status": "subscribed"} for i in range(501)]
    resp = mc.post(f"/lists/{list_id}", json={"members": too_many})
    assert resp.status_code == 400 and resp.json()["title"] == "Invalid Resource"
    assert emulator.state.members(list_id) == []
    ok = mc.post(f"/lists/{list_id}", json={"members": too_many[:500]}).json()
    assert ok["total_created"] == 500

    emulator.state.add_member(list_id, "tagged@example.org", tags=["a", "b"])
    mc.post(
        f"/lists/{list_id}",
        json={
            "update_existing": True,
            "sync_tags": True,
            "members": [
                {"email_address": "tagged@example.org", "status": "subscribed", "tags": ["b", "c"]}
            ],
        },
    )
    tags = {t["name"] for t in emulator.state.get_member(list_id, "tagged@example.org")["tags"]}
    assert tags == {"b", "c"}


# ----------------------------------------------------------------------------- segments


def test_static_segments(mc, emulator, list_id):
    st = emulator.state
    for i in range(5):
        st.add_member(list_id, f"s{i}@example.org")
    created = mc.post(
        f"/lists/{list_id}/segments",
        json={
            "name": "Customers",
            "static_segment": ["s0@example.org", "s1@example.org", "stranger@example.org"],
        },
    )
    assert created.status_code == 200, created.text
    seg = created.json()
    assert seg["type"] == "static" and seg["member_count"] == 2
    sid = seg["id"]
    path = f"/lists/{list_id}/segments/{sid}"
    resp = mc.post(
        path,
        json={
            "members_to_add": ["s2@example.org", "nobody@example.org"],
            "members_to_remove": ["s0@example.org"],
        },
    ).json()
    assert resp["total_added"] == 1 and resp["total_removed"] == 1
    assert resp["error_count"] == 1
    assert resp["errors"][0]["email_addresses"] == ["nobody@example.org"]
    assert [m["email_address"] for m in resp["members_added"]] == ["s2@example.org"]
    members = mc.get(path + "/members").json()
    assert {m["email_address"] for m in members["members"]} == {"s1@example.org", "s2@example.org"}
    assert members["total_items"] == 2
    # a static segment is a tag on the member
    assert [t["name"] for t in st.get_member(list_id, "s1@example.org")["tags"]] == ["Customers"]
    too_many = mc.post(path, json={"members_to_add": [f"x{i}@example.org" for i in range(501)]})
    assert too_many.status_code == 400
    assert mc.patch(path, json={"name": "Clients"}).json()["name"] == "Clients"
    assert mc.get(f"/lists/{list_id}/segments").json()["total_items"] == 1
    assert mc.get(path).json()["member_count"] == 2
    assert mc.delete(path).status_code == 204
    assert mc.get(path).status_code == 404
    assert st.get_member(list_id, "s1@example.org")["tags"] == []


# ----------------------------------------------------------------------------- webhooks


class _Sink(BaseHTTPRequestHandler):
    received = []
    checks = []  # (path, User-Agent) of the GETs Mailchimp makes to validate a URL

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], body.decode()))
        self._answer(200)

    def do_GET(self):
        self.checks.append((self.path, self.headers["User-Agent"]))
        self._answer(404 if self.path.startswith("/missing") else 200)

    def _answer(self, status):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sink():
    _Sink.received = []
    _Sink.checks = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, _Sink.received
    server.shutdown()
    server.server_close()


def test_webhooks_crud_and_fire(mc, emulator, list_id, sink):
    server, received = sink
    url = f"http://127.0.0.1:{server.server_address[1]}/mailchimp/webhook?secret=s3cret"
    created = mc.post(
        f"/lists/{list_id}/webhooks",
        json={
            "url": url,
            "events": {
                "subscribe": True,
                "unsubscribe": True,
                "profile": False,
                "cleaned": False,
                "upemail": True,
                "campaign": False,
            },
            "sources": {"user": True, "admin": True, "api": False},
        },
    )
    assert created.status_code == 200, created.text
    hook = created.json()
    assert set(hook) >= {"id", "url", "events", "sources", "list_id"}
    wid = hook["id"]
    assert mc.get(f"/lists/{list_id}/webhooks").json()["total_items"] == 1
    assert mc.get(f"/lists/{list_id}/webhooks/{wid}").json()["url"] == url
    patched = mc.patch(
        f"/lists/{list_id}/webhooks/{wid}", json={"events": {"profile": True}}
    ).json()
    assert patched["events"]["profile"] is True and patched["events"]["subscribe"] is True
    bad = mc.post(f"/lists/{list_id}/webhooks", json={"url": "not a url"})
    assert bad.status_code == 400

    emulator.state.add_member(list_id, "hook@example.org", merge_fields={"FNAME": "Hank"})
    results = emulator.fire_webhook(
        list_id,
        "subscribe",
        {
            "id": subscriber_hash("hook@example.org"),
            "email": "hook@example.org",
            "email_type": "html",
            "merges": {"FNAME": "Hank", "LNAME": ""},
        },
    )
    assert results == [(url, 200)]
    assert emulator.fire_webhook(list_id, "cleaned", {"email": "x@example.org"}) == []
    path, ctype, body = received[0]
    assert path == "/mailchimp/webhook?secret=s3cret"
    assert ctype == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
    assert form["type"] == "subscribe"
    assert len(form["fired_at"]) == 19 and form["fired_at"][10] == " "
    assert form["data[email]"] == "hook@example.org"
    assert form["data[merges][FNAME]"] == "Hank"
    assert form["data[list_id]"] == list_id

    res = emulator.fire_member_webhook(list_id, "unsubscribe", "hook@example.org")
    assert res == [(url, 200)]
    form = {k: v[0] for k, v in parse_qs(received[-1][2]).items()}
    assert form["data[action]"] == "unsub" and form["data[merges][EMAIL]"] == "hook@example.org"

    assert mc.delete(f"/lists/{list_id}/webhooks/{wid}").status_code == 204
    assert mc.get(f"/lists/{list_id}/webhooks/{wid}").status_code == 404
    assert emulator.fire_webhook(list_id, "subscribe", {"email": "a@example.org"}) == []


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_webhook_url_is_called_before_it_is_registered(mc, emulator, list_id, sink):
    """Mailchimp GETs a webhook URL before registering it: one that answers an error, or
    nothing, is refused with 400 Invalid Resource and nothing is registered."""
    server, _received = sink
    root = f"http://127.0.0.1:{server.server_address[1]}"
    hooks = f"/lists/{list_id}/webhooks"
    ok = mc.post(hooks, json={"url": root + "/hook?secret=s"})
    assert ok.status_code == 200, ok.text
    assert _Sink.checks == [("/hook?secret=s", "MailChimp.com WebHook Validator")]

    missing = mc.post(hooks, json={"url": root + "/missing"})
    body = missing.json()
    assert (missing.status_code, body["title"]) == (400, "Invalid Resource")
    assert body["detail"].startswith("The resource submitted could not be validated.")
    assert body["errors"] == [
        {
            "field": "url",
            "message": "We couldn't verify the URL is working. Please double check and try "
            "again. HTTP Code: 404",
        }
    ]
    unreachable = mc.post(hooks, json={"url": f"http://127.0.0.1:{_free_port()}/hook"})
    assert unreachable.status_code == 400
    assert unreachable.json()["errors"][0]["message"].startswith("We couldn't verify the URL")
    assert mc.post(hooks, json={"url": "ftp://nowhere"}).status_code == 400
    assert mc.get(hooks).json()["total_items"] == 1


def test_webhook_validation_can_be_turned_off():
    from mailchimp_emulator import Emulator
    from mailchimp_emulator.__main__ import make_emulator, parse_args

    assert Emulator().validate_webhooks is True
    assert make_emulator(parse_args([])).validate_webhooks is True
    assert make_emulator(parse_args(["--no-validate-webhooks"])).validate_webhooks is False
    with Emulator(validate_webhooks=False) as emu:
        lid = emu.state.add_list("Hooks")
        url = f"http://127.0.0.1:{_free_port()}/nobody-listens"
        resp = requests.post(
            f"{emu.base_url}/lists/{lid}/webhooks",
            json={"url": url},
            auth=("x", emu.api_key),
            timeout=10,
        )
        assert resp.status_code == 200, resp.text
        assert resp.json()["url"] == url


# ----------------------------------------------------------------------------- /batches


def test_batches_execute_and_publish_tarball(mc, emulator, list_id):
    emulator.state.add_member(list_id, "unsub@example.org", status="unsubscribed")
    ops = [
        {
            "method": "PUT",
            "path": f"/lists/{list_id}/members/{subscriber_hash('b1@example.org')}",
            "body": json.dumps({"email_address": "b1@example.org", "status_if_new": "subscribed"}),
            "operation_id": "op-1",
        },
        {
            "method": "PATCH",
            "path": f"/lists/{list_id}/members/unsub@example.org",
            "body": json.dumps({"status": "subscribed"}),
            "operation_id": "op-2",
        },
        {
            "method": "GET",
            "path": f"/lists/{list_id}/members",
            "params": {"count": 1, "fields": "total_items"},
            "operation_id": "op-3",
        },
    ]
    created = mc.post("/batches", json={"operations": ops})
    assert created.status_code == 200, created.text
    batch = created.json()
    assert batch["status"] == "pending" and batch["total_operations"] == 3
    assert {
        "id",
        "finished_operations",
        "errored_operations",
        "submitted_at",
        "completed_at",
        "response_body_url",
    } <= set(batch)
    done = mc.get(f"/batches/{batch['id']}").json()
    assert done["status"] == "finished"
    assert done["finished_operations"] == 3 and done["errored_operations"] == 1
    url = done["response_body_url"]
    assert url.startswith(f"http://127.0.0.1:{emulator.port}/_emulator/batch-results/")
    raw = requests.get(url, timeout=5).content
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(raw))) as tar:
        files = [m for m in tar.getmembers() if m.isfile()]
        assert len(files) == 1
        results = json.loads(tar.extractfile(files[0]).read())
    by_op = {r["operation_id"]: r for r in results}
    assert by_op["op-1"]["status_code"] == 200
    assert json.loads(by_op["op-1"]["response"])["email_address"] == "b1@example.org"
    assert by_op["op-2"]["status_code"] == 400
    assert json.loads(by_op["op-2"]["response"])["title"] == "Member In Compliance State"
    assert json.loads(by_op["op-3"]["response"]) == {"total_items": 2}
    assert emulator.state.get_member(list_id, "b1@example.org")["status"] == "subscribed"

    assert mc.get("/batches").json()["total_items"] == 1
    assert mc.delete(f"/batches/{batch['id']}").status_code == 204
    assert mc.get(f"/batches/{batch['id']}").status_code == 404
    assert mc.post("/batches", json={"operations": []}).status_code == 400
