"""Mailchimp emulator and client: a campaign made, checked, tested, scheduled and sent
through the API, with Mailchimp's refusals and the status transitions on its clock."""

from datetime import UTC, datetime

import pytest

from mailchimp_emulator import Emulator
from services import mailchimp_errors as mce
from services.mailchimp_client import MailchimpClient

NOW = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
HTML = (
    '<html><body><p>Hi *|FNAME|*</p><a href="*|UNSUB|*">u</a>'
    "*|HTML:LIST_ADDRESS_HTML|*</body></html>"
)


@pytest.fixture
def audience(emulator):
    st = emulator.state
    st.freeze(NOW)
    lid = st.add_list("Sending")
    st.seed_members(lid, 40)
    return lid


def body(lid, **settings):
    values = {
        "subject_line": "March news",
        "preview_text": "What is new",
        "title": "March newsletter",
        "from_name": "Shop",
        "reply_to": "news@example.org",
    }
    values.update(settings)
    return {"type": "regular", "recipients": {"list_id": lid}, "settings": values}


def test_create_content_checklist_send_report(client, emulator, audience):
    st = emulator.state
    subscribed = st.list_stats(audience)["member_count"]
    camp = client.create_campaign(body(audience))
    cid = camp["id"]
    assert camp["status"] == "save" and camp["settings"]["title"] == "March newsletter"
    checklist = client.send_checklist(cid)
    assert checklist["is_ready"] is False
    errors = [i for i in checklist["items"] if i["type"] == "error"]
    assert [i["heading"] for i in errors] == ["Content"]
    content = client.set_campaign_content(cid, HTML)
    assert content["html"] == HTML and "Hi *|FNAME|*" in content["plain_text"]
    assert client.send_checklist(cid)["is_ready"] is True
    client.test_campaign(cid, ["qa@example.org"])
    assert st.campaign(cid)["tests"][0]["emails"] == ["qa@example.org"]
    client.send_campaign(cid)
    assert client.campaign(cid)["status"] == "sending"
    with pytest.raises(mce.MailchimpBadRequest) as err:
        client.send_campaign(cid)
    assert err.value.detail == "Your Campaign is not ready to send."
    st.advance(61)
    remote = client.campaign(cid)
    assert remote["status"] == "sent" and remote["emails_sent"] == subscribed
    report = client.report(cid)
    assert report["emails_sent"] == subscribed and report["opens"]["unique_opens"] > 0
    activity = client.email_activity_page(cid)
    assert activity["total_items"] == subscribed
    assert st.campaign(cid)["sends"] == 1


def test_checklist_errors_and_not_ready_refusal(client, emulator, audience):
    st = emulator.state
    empty = st.add_list("Empty")
    cid = client.create_campaign(body(empty, reply_to="news@unverified.example.org.uk"))["id"]
    client.set_campaign_content(cid, HTML)
    client.update_campaign(cid, {"settings": {"subject_line": ""}})
    checklist = client.send_checklist(cid)
    assert checklist["is_ready"] is False
    errors = {i["heading"]: i["details"] for i in checklist["items"] if i["type"] == "error"}
    assert set(errors) == {"List", "Domain verification", "Subject line"}
    assert "unverified.example.org.uk" in errors["Domain verification"]
    with pytest.raises(mce.MailchimpBadRequest) as err:
        client.send_campaign(cid)
    assert err.value.status == 400 and err.value.detail == "Your Campaign is not ready to send."
    with pytest.raises(mce.MailchimpBadRequest):
        client.schedule_campaign(cid, datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    assert client.campaign(cid)["status"] == "save"
    # a segment with nobody in it
    seg = st.create_segment(audience, {"name": "Nobody", "static_segment": []})
    cid2 = client.create_campaign(
        dict(
            body(audience),
            recipients={"list_id": audience, "segment_opts": {"saved_segment_id": seg["id"]}},
        )
    )["id"]
    client.set_campaign_content(cid2, HTML)
    items = client.send_checklist(cid2)["items"]
    assert {"type": "error", "heading": "List"}.items() <= items[0].items()
    assert '"Nobody"' in items[0]["details"]


def test_missing_footer_is_a_warning(client, audience):
    cid = client.create_campaign(body(audience))["id"]
    client.set_campaign_content(cid, "<p>No footer</p>")
    checklist = client.send_checklist(cid)
    assert checklist["is_ready"] is True
    assert {i["heading"] for i in checklist["items"] if i["type"] == "warning"} == {
        "Unsubscribe link",
        "Address",
    }


def test_schedule_quarter_hours_only_then_unschedule_and_reschedule(client, emulator, audience):
    st = emulator.state
    cid = client.create_campaign(body(audience))["id"]
    client.set_campaign_content(cid, HTML)
    for bad in (
        datetime(2026, 3, 2, 10, 7, tzinfo=UTC),  # off the quarter hour
        datetime(2026, 3, 2, 10, 15, 30, tzinfo=UTC),  # seconds
        datetime(2026, 3, 2, 9, 0, tzinfo=UTC),  # past
    ):
        with pytest.raises(mce.MailchimpBadRequest) as err:
            client.schedule_campaign(cid, bad)
        assert err.value.detail == "This campaign cannot be scheduled: ."
    client.schedule_campaign(cid, datetime(2026, 3, 2, 10, 15, tzinfo=UTC))
    remote = client.campaign(cid)
    assert remote["status"] == "schedule" and remote["send_time"] == "2026-03-02T10:15:00+00:00"
    # content of a scheduled campaign cannot change: unschedule, update, schedule again
    with pytest.raises(mce.MailchimpBadRequest):
        client.set_campaign_content(cid, HTML + "<p>late</p>")
    with pytest.raises(mce.MailchimpBadRequest):
        client.update_campaign(cid, {"settings": {"subject_line": "Changed"}})
    client.unschedule_campaign(cid)
    assert client.campaign(cid)["status"] == "save"
    with pytest.raises(mce.MailchimpBadRequest):
        client.unschedule_campaign(cid)
    client.set_campaign_content(cid, HTML + "<p>late</p>")
    client.schedule_campaign(cid, datetime(2026, 3, 2, 10, 30, tzinfo=UTC))
    st.advance(5400)  # 10:35: sent since 10:30 + 60 s
    remote = client.campaign(cid)
    assert remote["status"] == "sent" and remote["send_time"] == "2026-03-02T10:30:00+00:00"
    assert st.campaign(cid)["sends"] == 1


def test_cancel_send(client, emulator, audience):
    st = emulator.state
    cid = client.create_campaign(body(audience))["id"]
    client.set_campaign_content(cid, HTML)
    with pytest.raises(mce.MailchimpBadRequest):
        client.cancel_send_campaign(cid)  # not sending
    client.send_campaign(cid)
    st.pro_enabled = False
    with pytest.raises(mce.MailchimpError) as err:
        client.cancel_send_campaign(cid)
    assert err.value.status == 403
    st.pro_enabled = True
    client.cancel_send_campaign(cid)
    assert client.campaign(cid)["status"] == "canceling"
    st.advance(61)
    assert client.campaign(cid)["status"] == "canceled"


def test_refused_input(client, emulator, audience):
    with pytest.raises(mce.MailchimpInvalidResource):
        client.create_campaign({"type": "regular", "recipients": {"list_id": "nope"}})
    with pytest.raises(mce.MailchimpInvalidResource):
        client.create_campaign(body(audience, reply_to="fake@example.com"))
    cid = client.create_campaign(body(audience))["id"]
    with pytest.raises(mce.MailchimpInvalidResource):
        client.update_campaign(cid, {"recipients": {"list_id": audience}})  # settings required
    with pytest.raises(mce.MailchimpInvalidResource):
        client.set_campaign_content(cid, "x" * (1024 * 1024 + 1))
    with pytest.raises(mce.MailchimpInvalidResource):
        client.test_campaign(cid, [])
    with pytest.raises(mce.MailchimpBadRequest):
        client.test_campaign(cid, ["qa@example.org"])  # no content yet


def test_send_applied_then_answer_lost(emulator, audience):
    """The "apply_drop" fault: Mailchimp applies the send, the answer never comes; the
    client does not retry it by itself."""
    client = MailchimpClient(emulator.api_key, emulator.base_url, sleep=lambda s: None)
    cid = client.create_campaign(body(audience))["id"]
    client.set_campaign_content(cid, HTML)
    emulator.faults.fail_next(1, "apply_drop", paths=["/campaigns"])
    with pytest.raises(mce.MailchimpNetworkError):
        client.send_campaign(cid)
    assert emulator.count_requests("POST", f"/campaigns/{cid}/actions/send") == 1
    assert client.campaign(cid)["status"] == "sending"
    assert emulator.state.campaign(cid)["sends"] == 1
    client.close()


def test_campaigns_page_filters(client, audience):
    cid = client.create_campaign(body(audience))["id"]
    page = client.campaigns_page(
        status="save",
        list_id=audience,
        since_create_time=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        fields=("id", "settings.title"),
    )
    assert [c["id"] for c in page["campaigns"]] == [cid]
    assert page["campaigns"][0]["settings"] == {"title": "March newsletter"}


def test_send_reaches_the_subscribed_members_only():
    with Emulator(seed=7) as emu:
        st = emu.state
        lid = st.add_list("Big")
        st.seed_members(lid, 2000)
        subscribed = st.list_stats(lid)["member_count"]
        assert 0 < subscribed < 2000
        client = MailchimpClient(emu.api_key, emu.base_url)
        cid = client.create_campaign(body(lid))["id"]
        client.set_campaign_content(cid, HTML)
        client.send_campaign(cid)
        assert client.report(cid)["emails_sent"] == subscribed
        client.close()
