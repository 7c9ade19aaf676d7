"""API client over OAuth2 against the emulator: the code exchange, the metadata, Bearer
calls, the automations' queue, refusals, and no secret in errors or logs."""

import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from mailchimp_emulator import Emulator
from services import mailchimp_errors as mce
from services.mailchimp_client import MailchimpClient, MailchimpOAuth, check_datacenter

REDIRECT = "https://odoo.example.org/mailchimp/oauth/callback"


@pytest.fixture
def emu():
    emulator = Emulator(seed=7).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def app(emu):
    client_id, secret = emu.oauth.register_app(REDIRECT)
    return MailchimpOAuth(client_id, secret, base_url=emu.root_url)


def consent(url, decision="allow"):
    """What the user's browser does on Mailchimp's page: returns the redirect's query."""
    page = requests.get(url, timeout=10)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
    answer = requests.post(
        url.split("?")[0], data=dict(fields, decision=decision), allow_redirects=False, timeout=10
    )
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def test_authorization_code_flow_then_bearer_api_calls(emu, app):
    url = app.authorize_url(REDIRECT, "signed-state")
    assert url.startswith(emu.root_url + "/oauth2/authorize?response_type=code&client_id=")
    query = consent(url)
    assert query["state"] == "signed-state"
    token = app.exchange_code(query["code"], REDIRECT)
    meta = app.metadata(token)
    assert meta["dc"] == "us6"
    client = MailchimpClient(None, emu.base_url, access_token=token, dc=meta["dc"])
    assert client.dc == "us6"
    assert client.account_info()["account_name"] == "Emulated Account"
    assert token not in repr(client._auth)
    default = MailchimpClient(None, access_token=token, dc="us19")
    assert default.base_url == "https://us19.api.mailchimp.com/3.0"


def test_refusals_are_typed_and_never_carry_secrets(emu, app, caplog):
    caplog.set_level(logging.DEBUG)
    code = consent(app.authorize_url(REDIRECT, "s"))["code"]
    token = app.exchange_code(code, REDIRECT)
    with pytest.raises(mce.MailchimpOAuthError) as reused:
        app.exchange_code(code, REDIRECT)
    assert reused.value.title == "invalid_grant"
    wrong = MailchimpOAuth(app.client_id, "not-the-secret", base_url=emu.root_url)
    with pytest.raises(mce.MailchimpOAuthError) as bad_client:
        wrong.exchange_code(consent(app.authorize_url(REDIRECT, "s"))["code"], REDIRECT)
    assert bad_client.value.title == "invalid_client"
    emu.oauth.revoke()
    with pytest.raises(mce.MailchimpAuthError):
        app.metadata(token)
    client = MailchimpClient(None, emu.base_url, access_token=token, dc="us6")
    with pytest.raises(mce.MailchimpAuthError) as refused:
        client.ping(retry=False)
    secret = emu.oauth.apps[app.client_id]["client_secret"]
    for text in (str(reused.value), str(bad_client.value), str(refused.value), caplog.text):
        assert token not in text
        assert secret not in text
        assert code not in text


def test_unreachable_login_server_is_a_network_error():
    app = MailchimpOAuth("1", "2", base_url="http://127.0.0.1:9", timeout=(0.5, 0.5))
    with pytest.raises(mce.MailchimpNetworkError):
        app.exchange_code("c", REDIRECT)


def test_datacenter_of_a_token_is_checked():
    assert check_datacenter("us21") == "us21"
    for bad in ("", None, "us-6", "evil.example.com/x", "US6 "):
        with pytest.raises(mce.MailchimpConfigError):
            check_datacenter(bad)
    with pytest.raises(mce.MailchimpConfigError):
        MailchimpClient(None, access_token="t", dc="attacker.example.com#")


def test_automations_and_queue(emu):
    st = emu.state
    lid = st.add_list("Welcome")
    st.add_member(lid, "ann@example.org")
    workflow = st.add_automation(lid, emails=("Welcome!",))
    client = MailchimpClient(emu.api_key, emu.base_url)
    automations = list(client.automations())
    assert [a["id"] for a in automations] == [workflow]
    emails = client.automation_emails(workflow)
    answer = client.queue_automation_email(workflow, emails[0]["id"], "ann@example.org")
    assert answer["email_address"] == "ann@example.org"
    with pytest.raises(mce.MailchimpBadRequest):
        client.queue_automation_email(workflow, emails[0]["id"], "ann@example.org")
