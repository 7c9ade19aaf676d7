"""Webhooks without Odoo: the secret, the validation of deliveries, the client's endpoints."""

from datetime import datetime
from urllib.parse import parse_qsl, urlencode

import pytest

from services import mailchimp_errors as mce
from services.mailchimp_client import MailchimpClient
from services.webhook_rules import (
    Rejected,
    nest,
    new_token,
    parse_delivery,
    token_hash,
    token_shape_ok,
    url_problem,
)

LIST = "abc123list"


def pairs(type_="subscribe", **data):
    data.setdefault("list_id", LIST)
    out = [("type", type_), ("fired_at", "2009-03-26 21:35:57")]
    for key, value in data.items():
        if isinstance(value, dict):
            out += [(f"data[{key}][{k}]", v) for k, v in value.items()]
        else:
            out.append((f"data[{key}]", value))
    return out


def test_tokens_are_long_random_url_safe_and_hashed():
    tokens = {new_token() for _i in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert len(token) >= 43 and token_shape_ok(token)
        assert token_hash(token) != token and len(token_hash(token)) == 64
    assert not token_shape_ok("short")
    assert not token_shape_ok("x" * 42 + "/")
    assert not token_shape_ok(None)


def test_nest_builds_nested_data_and_refuses_repeated_or_conflicting_keys():
    assert nest([("a", "1"), ("data[merges][FNAME]", "Ann"), ("data[email]", "x")]) == {
        "a": "1",
        "data": {"merges": {"FNAME": "Ann"}, "email": "x"},
    }
    for bad in (
        [("a", "1"), ("a", "2")],
        [("data[x]", "1"), ("data[x][y]", "2")],
        [("data[x][y]", "1"), ("data[x]", "2")],
        [("data[]", "1")],
        [("data[a", "1")],
        [("1a", "1")],
    ):
        with pytest.raises(Rejected) as info:
            nest(bad)
        assert info.value.status == 400


def test_parse_every_event_type():
    sub = parse_delivery(pairs(email="Ann@Example.com", merges={"FNAME": "Ann"}), LIST)
    assert (sub.type, sub.email, sub.fired_at) == (
        "subscribe",
        "ann@example.com",
        datetime(2009, 3, 26, 21, 35, 57),
    )
    assert sub.data["merges"] == {"FNAME": "Ann"}
    unsub = parse_delivery(
        pairs("unsubscribe", email="a@b.co", action="delete", reason="manual"), LIST
    )
    assert unsub.data["action"] == "delete"
    up = parse_delivery(pairs("upemail", old_email="Old@b.co", new_email="new@b.co"), LIST)
    assert (up.old_email, up.email) == ("old@b.co", "new@b.co")
    camp = parse_delivery(pairs("campaign", id="c0ffee", subject="Hi", status="sent"), LIST)
    assert camp.email == ""
    for type_ in ("profile", "cleaned"):
        assert parse_delivery(pairs(type_, email="a@b.co"), LIST).type == type_


@pytest.mark.parametrize(
    "body, status, reason",
    [
        ([], 400, "empty delivery"),
        (pairs("delete", email="a@b.co"), 400, "unknown type"),
        ([p for p in pairs(email="a@b.co") if p[0] != "fired_at"], 400, "missing fired_at"),
        (
            [
                ("fired_at", "2009-03-26T21:35:57") if p[0] == "fired_at" else p
                for p in pairs(email="a@b.co")
            ],
            400,
            "malformed fired_at",
        ),
        (pairs(email="a@b.co", list_id="other"), 400, "another audience"),
        (pairs(email="not an address"), 400, "invalid address in data[email]"),
        (pairs(), 400, "missing data[email]"),
        (pairs("upemail", old_email="a@b.co"), 400, "missing data[new_email]"),
        (pairs("campaign"), 400, "missing data[id]"),
        (pairs("unsubscribe", email="a@b.co", action="remove"), 400, "malformed data[action]"),
        (pairs(email="a@b.co", merges={"FNAME": "x" * 2000}), 413, "value too long"),
        (pairs(email="a@b.co", merges={"FNAME": "bad \ufffd"}), 400, "bad encoding"),
        (pairs(email="a@b.co") + [("extra", "1")], 400, "unexpected field"),
        (
            pairs(email="a@b.co") + [(f"data[m][{i}]", "1") for i in range(300)],
            413,
            "too many fields",
        ),
    ],
)
def test_refusals_have_a_status_and_a_short_reason(body, status, reason):
    with pytest.raises(Rejected) as info:
        parse_delivery(body, LIST)
    assert (info.value.status, info.value.reason) == (status, reason)


def test_same_delivery_same_dedup_key_other_delivery_other_key():
    body = pairs(email="a@b.co", merges={"FNAME": "A", "LNAME": "B"})
    one = parse_delivery(body, LIST)
    again = parse_delivery(parse_qsl(urlencode(list(reversed(body)))), LIST)
    assert one.dedup_key(7) == again.dedup_key(7)
    assert one.dedup_key(7) != one.dedup_key(8), "per audience"
    later = parse_delivery(
        [("fired_at", "2009-03-26 21:35:58") if k == "fired_at" else (k, v) for k, v in body],
        LIST,
    )
    assert later.dedup_key(7) != one.dedup_key(7)


@pytest.mark.parametrize(
    "url, problem",
    [
        ("https://odoo.example.com", None),
        ("http://odoo.example.com", "http"),
        ("http://localhost:8069", "localhost"),
        ("http://127.0.0.1:8069", "private"),
        ("https://10.1.2.3", "private"),
        ("https://192.168.0.4", "private"),
        ("http://odoo:8069", "private"),
        ("ftp://x", "invalid"),
        ("", "invalid"),
    ],
)
def test_url_problem(url, problem):
    assert url_problem(url) == problem


def test_client_webhook_endpoints_against_the_emulator(emulator):
    # the URLs below answer nobody: the emulator's URL check (Mailchimp's GET) is turned off
    emulator.validate_webhooks = False
    client = MailchimpClient(emulator.api_key, emulator.base_url)
    list_id = emulator.state.add_list(name="Hooks")
    assert client.webhooks(list_id) == []
    hook = client.create_webhook(
        list_id,
        "https://odoo.example.com/mailchimp/webhook/x",
        events={"subscribe": True, "campaign": False},
        sources={"user": True, "admin": True, "api": False},
    )
    assert hook["id"]
    listed = client.webhooks(list_id)
    assert [h["id"] for h in listed] == [hook["id"]]
    assert listed[0]["events"]["campaign"] is False
    assert listed[0]["sources"]["api"] is False
    client.delete_webhook(list_id, hook["id"])
    assert client.webhooks(list_id) == []
    with pytest.raises(mce.MailchimpNotFound):
        client.delete_webhook(list_id, hook["id"])
    with pytest.raises(mce.MailchimpInvalidResource):
        client.create_webhook(list_id, "not a url")
    assert emulator.count_requests(path_prefix=f"/lists/{list_id}/webhooks") == 7
