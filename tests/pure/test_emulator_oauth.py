"""Mailchimp emulator: the OAuth2 server (authorize, token, metadata, revocation) and the
classic automations' queue."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from mailchimp_emulator import Emulator

REDIRECT = "https://odoo.example.org/mailchimp/oauth/callback"


def authorize(emu, decision="allow", state="s1", **params):
    """The consent page, then the user's choice on it: returns the redirect's query."""
    query = {
        "response_type": "code",
        "client_id": "123456789012",
        "redirect_uri": REDIRECT,
        "state": state,
    }
    query.update(params)
    page = requests.get(emu.root_url + "/oauth2/authorize", params=query, timeout=10)
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
    assert fields["state"] == state
    answer = requests.post(
        emu.root_url + "/oauth2/authorize",
        data=dict(fields, decision=decision),
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(emu, code, secret=None, redirect_uri=REDIRECT):
    return requests.post(
        emu.root_url + "/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "client_id": "123456789012",
            "client_secret": secret or emu.oauth.apps["123456789012"]["client_secret"],
            "redirect_uri": redirect_uri,
            "code": code,
        },
        timeout=10,
    )


@pytest.fixture
def emu():
    emulator = Emulator(seed=42).start()
    emulator.oauth.register_app(REDIRECT)
    try:
        yield emulator
    finally:
        emulator.stop()


def test_allow_exchange_metadata_and_bearer_calls(emu):
    query = authorize(emu)
    assert query["state"] == "s1"
    token_answer = exchange(emu, query["code"])
    assert token_answer.status_code == 200
    body = token_answer.json()
    assert body["expires_in"] == 0 and body["scope"] is None
    token = body["access_token"]
    meta = requests.get(
        emu.root_url + "/oauth2/metadata", headers={"Authorization": f"OAuth {token}"}, timeout=10
    ).json()
    assert meta["dc"] == "us6"
    assert meta["api_endpoint"] == emu.root_url
    assert meta["accountname"] == "Emulated Account"
    assert meta["login"]["login_email"] == "owner@emulated.example"
    for scheme in ("Bearer", "OAuth"):
        ping = requests.get(
            emu.base_url + "/ping", headers={"Authorization": f"{scheme} {token}"}, timeout=10
        )
        assert ping.status_code == 200
    # a token is no API key: not as a Basic password
    assert requests.get(emu.base_url + "/ping", auth=("x", token), timeout=10).status_code == 401


def test_deny_redirects_with_access_denied_and_no_code(emu):
    query = authorize(emu, decision="deny", state="s2")
    assert query["error"] == "access_denied"
    assert query["state"] == "s2"
    assert "code" not in query


def test_unknown_client_or_foreign_redirect_is_answered_on_the_page(emu):
    base = {"response_type": "code", "client_id": "123456789012", "state": "x"}
    for params in (
        dict(base, client_id="999"),
        dict(base, redirect_uri="https://evil.example.net/cb"),
        dict(base, response_type="token", redirect_uri=REDIRECT),
    ):
        page = requests.get(
            emu.root_url + "/oauth2/authorize", params=params, allow_redirects=False, timeout=10
        )
        assert page.status_code == 400
        assert "Location" not in page.headers


def test_codes_are_single_use_short_lived_and_bound(emu):
    code = authorize(emu)["code"]
    assert exchange(emu, code, secret="wrong").json()["error"] == "invalid_client"
    assert exchange(emu, code, redirect_uri=REDIRECT + "x").json()["error"] == "invalid_grant"
    assert exchange(emu, code).status_code == 200
    again = exchange(emu, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    late = authorize(emu)["code"]
    emu.state.advance(61)
    assert exchange(emu, late).json()["error"] == "invalid_grant"


def test_revoked_token_is_refused_everywhere(emu):
    token = exchange(emu, authorize(emu)["code"]).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(emu.base_url + "/", headers=headers, timeout=10).status_code == 200
    answer = requests.post(emu.root_url + "/_emulator/oauth/revoke", json={}, timeout=10)
    assert answer.json() == {"revoked": 1}
    refused = requests.get(emu.base_url + "/", headers=headers, timeout=10)
    assert refused.status_code == 401
    assert refused.json()["title"] == "API Key Invalid"
    meta = requests.get(emu.root_url + "/oauth2/metadata", headers=headers, timeout=10)
    assert meta.status_code == 401


def test_metadata_of_another_datacenter(emu):
    requests.post(emu.root_url + "/_emulator/oauth/metadata", json={"dc": "us19"}, timeout=10)
    token = exchange(emu, authorize(emu)["code"]).json()["access_token"]
    meta = requests.get(
        emu.root_url + "/oauth2/metadata", headers={"Authorization": f"OAuth {token}"}, timeout=10
    ).json()
    assert meta["dc"] == "us19"
    assert meta["api_endpoint"] == "https://us19.api.mailchimp.com"


def test_automation_queue_once_per_subscribed_member(mc, emulator):
    st = emulator.state
    lid = st.add_list("Welcome Audience")
    st.add_member(lid, "ann@example.org")
    st.add_member(lid, "bob@example.org", status="pending")
    workflow = st.add_automation(lid, title="Welcome series", emails=("Hi!", "Day 2"))
    listing = mc.get("/automations").json()
    assert listing["total_items"] == 1
    assert listing["automations"][0]["settings"]["title"] == "Welcome series"
    assert listing["automations"][0]["recipients"]["list_id"] == lid
    emails = mc.get(f"/automations/{workflow}/emails").json()["emails"]
    assert [e["settings"]["subject_line"] for e in emails] == ["Hi!", "Day 2"]
    path = f"/automations/{workflow}/emails/{emails[0]['id']}/queue"
    queued = mc.post(path, json={"email_address": "Ann@example.org"})
    assert queued.status_code == 200, queued.text
    assert queued.json()["email_address"] == "ann@example.org"
    again = mc.post(path, json={"email_address": "ann@example.org"})
    assert again.status_code == 400
    assert "already" in again.json()["detail"]
    pending = mc.post(path, json={"email_address": "bob@example.org"})
    assert pending.status_code == 400
    assert mc.post(path, json={"email_address": "nobody@example.org"}).status_code == 400
    assert mc.get(path).json()["total_items"] == 1
    assert st.queued_addresses() == [(workflow, emails[0]["id"], "ann@example.org")]
    st.set_automation_status(workflow, "paused")
    st.add_member(lid, "cy@example.org")
    paused = mc.post(path, json={"email_address": "cy@example.org"})
    assert paused.status_code == 400
    assert mc.post(f"/automations/{workflow}/emails/nope/queue", json={}).status_code == 404


def test_command_line_registers_the_app():
    from mailchimp_emulator.__main__ import parse_args

    args = parse_args(["--oauth-redirect-uri", REDIRECT])
    assert args.oauth_redirect_uri == REDIRECT
    assert parse_args([]).oauth_redirect_uri is None
