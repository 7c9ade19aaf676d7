"""Mailchimp emulator: templates, campaigns and reports computed from activity."""

from datetime import UTC, datetime

import pytest

from mailchimp_emulator import UNSUBSCRIBE_REASONS, Emulator


@pytest.fixture
def sent(emulator):
    """An audience with 300 members and one sent campaign with activity."""
    st = emulator.state
    st.freeze(datetime(2024, 6, 10, 12, 0, tzinfo=UTC))
    lid = st.add_list("Reports Audience")
    st.seed_members(lid, 300)
    tid = st.add_template("Monthly", category="newsletter")
    cid = st.add_campaign(
        lid,
        template_id=tid,
        title="June news",
        subject="Hello June",
        send_time="2024-06-08T09:00:00+00:00",
    )
    st.seed_campaign_activity(
        cid, 200, open_rate=0.5, click_rate=0.2, bounce_rate=0.05, unsub_rate=0.03
    )
    return lid, tid, cid


def test_templates(mc, emulator):
    st = emulator.state
    t1 = st.add_template(
        "Alpha", type="user", category="promo", date_created="2024-01-01T00:00:00+00:00"
    )
    st.add_template("Beta", type="base", date_created="2024-03-01T00:00:00+00:00")
    listing = mc.get("/templates").json()
    assert listing["total_items"] == 2
    tpl = listing["templates"][0]
    assert {
        "id",
        "type",
        "name",
        "drag_and_drop",
        "responsive",
        "category",
        "date_created",
        "date_edited",
        "created_by",
        "edited_by",
        "active",
        "folder_id",
        "thumbnail",
        "share_url",
    } <= set(tpl)
    assert isinstance(tpl["id"], int)
    assert [
        t["name"] for t in mc.get("/templates", params={"type": "user"}).json()["templates"]
    ] == ["Alpha"]
    since = mc.get("/templates", params={"since_date_created": "2024-02-01T00:00:00Z"}).json()
    assert [t["name"] for t in since["templates"]] == ["Beta"]
    assert mc.get(f"/templates/{t1}").json()["name"] == "Alpha"
    content = mc.get(f"/templates/{t1}/default-content").json()
    assert set(content["sections"]) >= {"header", "body", "footer"}
    assert mc.get("/templates/999999").status_code == 404


def test_campaigns_listing_and_filters(mc, emulator, sent):
    lid, tid, cid = sent
    st = emulator.state
    draft = st.add_campaign(lid, title="Draft", status="save")
    listing = mc.get("/campaigns").json()
    assert listing["total_items"] == 2
    camp = mc.get(f"/campaigns/{cid}").json()
    for key in (
        "id",
        "web_id",
        "type",
        "create_time",
        "archive_url",
        "long_archive_url",
        "status",
        "emails_sent",
        "send_time",
        "content_type",
        "recipients",
        "settings",
        "tracking",
        "report_summary",
    ):
        assert key in camp, key
    assert camp["settings"]["template_id"] == tid
    assert camp["settings"]["subject_line"] == "Hello June"
    assert camp["recipients"]["list_id"] == lid and camp["emails_sent"] == 200
    assert [
        c["id"] for c in mc.get("/campaigns", params={"status": "sent"}).json()["campaigns"]
    ] == [cid]
    assert [
        c["id"] for c in mc.get("/campaigns", params={"status": "save"}).json()["campaigns"]
    ] == [draft]
    since = mc.get(
        "/campaigns", params={"since_send_time": "2024-06-01T00:00:00Z", "list_id": lid}
    ).json()
    assert [c["id"] for c in since["campaigns"]] == [cid]
    assert (
        mc.get("/campaigns", params={"since_send_time": "2024-06-09T00:00:00Z"}).json()[
            "total_items"
        ]
        == 0
    )
    assert mc.get(f"/reports/{draft}").status_code == 404
    assert mc.get("/campaigns/nope").status_code == 404


def test_report_is_consistent_with_activity(mc, emulator, sent):
    lid, _, cid = sent
    report = mc.get(f"/reports/{cid}").json()
    activity = []
    offset = 0
    while True:
        chunk = mc.get(
            f"/reports/{cid}/email-activity", params={"count": 50, "offset": offset}
        ).json()
        activity += chunk["emails"]
        offset += 50
        if offset >= chunk["total_items"]:
            break
    assert len(activity) == report["emails_sent"] == 200
    events = [(e["email_address"], a) for e in activity for a in e["activity"]]
    opens = [a for _, a in events if a["action"] == "open"]
    clicks = [(who, a) for who, a in events if a["action"] == "click"]
    bounces = [a for _, a in events if a["action"] == "bounce"]
    delivered = 200 - len(bounces)
    assert report["opens"]["opens_total"] == len(opens)
    unique_openers = {
        e["email_address"] for e in activity if any(a["action"] == "open" for a in e["activity"])
    }
    assert report["opens"]["unique_opens"] == len(unique_openers)
    assert report["opens"]["open_rate"] == pytest.approx(len(unique_openers) / delivered)
    assert report["clicks"]["clicks_total"] == len(clicks)
    assert report["clicks"]["unique_subscriber_clicks"] == len({w for w, _ in clicks})
    assert report["bounces"]["hard_bounces"] + report["bounces"]["soft_bounces"] == len(bounces)
    assert all(b["type"] in ("hard", "soft") for b in bounces)
    assert all(a["url"].startswith("https://") for _, a in clicks)
    assert 0.3 < report["opens"]["open_rate"] < 0.7
    assert report["list_id"] == lid and report["campaign_title"] == "June news"

    summary = mc.get(f"/campaigns/{cid}").json()["report_summary"]
    assert summary["unique_opens"] == report["opens"]["unique_opens"]
    assert summary["subscriber_clicks"] == report["clicks"]["unique_subscriber_clicks"]

    unsubs = mc.get(f"/reports/{cid}/unsubscribed", params={"count": 1000}).json()
    assert unsubs["total_items"] == report["unsubscribed"] > 0
    first = unsubs["unsubscribes"][0]
    assert {"email_id", "email_address", "timestamp", "reason"} <= set(first)
    # the member itself was unsubscribed in the audience, with the reason picked on the
    # unsubscribe page, which the report shows too
    member = emulator.state.get_member(lid, first["email_address"])
    assert member["status"] == "unsubscribed"
    assert member["unsubscribe_reason"] == first["reason"]
    assert {u["reason"] for u in unsubs["unsubscribes"]} <= set(UNSUBSCRIBE_REASONS[:-1])

    sent_to = mc.get(f"/reports/{cid}/sent-to", params={"count": 1000}).json()
    assert sent_to["total_items"] == 200
    statuses = [s["status"] for s in sent_to["sent_to"]]
    assert statuses.count("hard") == report["bounces"]["hard_bounces"]
    assert sum(s["open_count"] for s in sent_to["sent_to"]) == len(opens)

    opens_detail = mc.get(f"/reports/{cid}/open-details", params={"count": 1000}).json()
    assert opens_detail["total_items"] == len(unique_openers)
    assert opens_detail["total_opens"] == len(opens)

    clicks_detail = mc.get(f"/reports/{cid}/click-details").json()
    assert sum(u["total_clicks"] for u in clicks_detail["urls_clicked"]) == len(clicks)
    assert (
        sum(u["unique_clicks"] for u in clicks_detail["urls_clicked"])
        == report["clicks"]["unique_clicks"]
    )

    reports = mc.get("/reports").json()
    assert reports["total_items"] == 1 and reports["reports"][0]["id"] == cid


def test_email_activity_since(mc, sent):
    _, _, cid = sent
    everything = mc.get(f"/reports/{cid}/email-activity", params={"count": 1000}).json()
    stamps = sorted(a["timestamp"] for e in everything["emails"] for a in e["activity"])
    cut = stamps[len(stamps) // 2]
    later = mc.get(f"/reports/{cid}/email-activity", params={"count": 1000, "since": cut}).json()
    later_stamps = [a["timestamp"] for e in later["emails"] for a in e["activity"]]
    assert later_stamps and all(t > cut for t in later_stamps)
    assert len(later_stamps) == len([t for t in stamps if t > cut])
    assert all(e["activity"] for e in later["emails"])
    assert later["total_items"] < everything["total_items"]


def test_activity_is_deterministic():
    def snapshot():
        emu = Emulator(seed=7)
        st = emu.state
        st.freeze(datetime(2024, 6, 10, tzinfo=UTC))
        lid = st.add_list()
        st.seed_members(lid, 50)
        cid = st.add_campaign(lid, send_time="2024-06-05T00:00:00Z")
        return lid, cid, st.seed_campaign_activity(cid, 80)

    assert snapshot() == snapshot()
