"""Mailchimp's data in one layer (services/mailchimp_data.py) and the status vocabulary
(services/statuses.py): no Odoo, no HTTP."""

from datetime import datetime

from services.mailchimp_campaigns import (
    activity_page,
    campaign_audience,
    campaign_template,
    campaign_values,
    email_activity_rows,
    report_values,
    template_values,
    unsubscribe_rows,
)
from services.mailchimp_data import (
    MEMBER_FIELDS,
    STATISTICS,
    RemoteMember,
    address_key,
    answer_values,
    at_address,
    audience_values,
    batch_answer,
    binding_values,
    patch_body,
    read_members,
    status_only,
    subscribe_item,
    tag_segment_id,
)
from services.statuses import (
    BLOCKED_STATUSES,
    NOTHING_TO_PUSH,
    RESUBSCRIBE_BY_REQUEST,
    STATUS_SELECTION,
    UNSUBSCRIBABLE,
    tombstone,
)

MEMBER = {
    "id": "abc",
    "email_address": " Ann@Example.org ",
    "status": "subscribed",
    "last_changed": "2026-01-01T10:00:00+00:00",
    "merge_fields": {"FNAME": "Ann\x00", "": "dropped"},
    "web_id": 42,
    "contact_id": "c1",
    "unique_email_id": "u1",
    "unsubscribe_reason": None,
    "tags": [{"id": 1, "name": "vip"}, {"id": 2, "name": "new\x01"}, "junk"],
}


def test_read_members_keys_cleans_and_names_the_invalid_in_order():
    remotes, invalid = read_members(
        [MEMBER, {"email_address": "a,b@example.org"}, {"email_address": None}, {}]
    )
    assert list(remotes) == ["ann@example.org"]
    member = remotes["ann@example.org"]
    assert isinstance(member, RemoteMember) and member.email == "Ann@Example.org"
    assert member["merge_fields"] == {"FNAME": "Ann"}
    assert member["status"] == "subscribed", "the rest of the API's dict is kept"
    assert invalid == ["a,b@example.org", "-", "-"]


def test_binding_values_is_the_one_mapper():
    remote = read_members([MEMBER])[0]["ann@example.org"]
    assert binding_values(remote) == {
        "email": "Ann@Example.org",
        "subscriber_hash": "abc",
        "status": "subscribed",
        "last_changed": datetime(2026, 1, 1, 10, 0),
        "merge_values": {"FNAME": "Ann"},
        "tags": "vip, new",
        "mc_web_id": "42",
        "mc_contact_id": "c1",
        "mc_unique_email_id": "u1",
        "unsubscribe_reason": False,
    }
    assert binding_values({})["tags"] is False and binding_values({})["mc_web_id"] == ""


def test_answer_values_keep_what_odoo_knew_where_the_answer_is_silent():
    known = {
        "subscriber_hash": "old",
        "merge_values": {"FNAME": "Odoo"},
        "mc_web_id": "7",
        "mc_contact_id": "c0",
        "mc_unique_email_id": "u0",
        "status": "unsubscribed",
        "last_changed": datetime(2025, 1, 1),
    }
    assert answer_values({"email_address": "ann@example.org"}, known) == known
    answer = answer_values(MEMBER, known)
    assert answer["merge_values"] == {"FNAME": "Ann"}, "cleaned as the import stores them"
    assert (answer["status"], answer["mc_web_id"]) == ("subscribed", "42")
    assert answer["last_changed"] == datetime(2026, 1, 1, 10, 0)


def test_bodies_sent_carry_only_what_is_given():
    assert subscribe_item("a@example.org") == {"email_address": "a@example.org"}
    assert subscribe_item("a@example.org", status_if_new="pending", merge_fields={"F": "x"}) == {
        "email_address": "a@example.org",
        "status_if_new": "pending",
        "merge_fields": {"F": "x"},
    }
    assert patch_body() == {}
    assert patch_body(status="unsubscribed") == {"status": "unsubscribed"}
    assert status_only(patch_body(status="unsubscribed"))
    assert not status_only(patch_body(email="b@example.org", status="unsubscribed"))
    assert address_key(subscribe_item("A@Example.org")) == "a@example.org"
    assert at_address(MEMBER, "ann@example.org")["email_address"] == "ann@example.org"
    assert MEMBER["email_address"] == " Ann@Example.org ", "the answer itself is left alone"


def test_batch_answer_splits_done_and_refused():
    done, refused = batch_answer(
        {
            "new_members": [{"email_address": "a@example.org"}],
            "updated_members": [{"email_address": "b@example.org"}],
            "errors": [
                {"email_address": "C@example.org", "error": "fake"},
                {"email_address": "d@example.org", "field_message": "bad field"},
                {"email_address": "e@example.org"},
            ],
        }
    )
    assert [m["email_address"] for m in done] == ["a@example.org", "b@example.org"]
    assert refused == [
        ("c@example.org", "fake"),
        ("d@example.org", "bad field"),
        ("e@example.org", "refused"),
    ]
    assert batch_answer({}) == ([], [])


def test_audience_values_and_statistics():
    values = audience_values({"id": "L1", "stats": {"member_count": 3}, "web_id": 9})
    assert values["name"] == "L1" and values["web_id"] == "9"
    assert {key: values[key] for key in STATISTICS} == {
        "mc_member_count": 3,
        "mc_unsubscribe_count": 0,
        "mc_cleaned_count": 0,
    }


def test_emulator_members_carry_every_field_the_connector_reads(emulator, mc):
    """The fields the connector asks for exist on an unsubscribed member of the emulator (a
    field renamed on either side would be read as missing, silently)."""
    list_id = emulator.state.add_list("Fields")
    emulator.state.add_member(list_id, "ann@example.org", status="unsubscribed")
    member = mc.get(f"/lists/{list_id}/members/ann@example.org").json()
    assert set(MEMBER_FIELDS) <= set(member)
    asked = mc.get(
        f"/lists/{list_id}/members/ann@example.org", params={"fields": ",".join(MEMBER_FIELDS)}
    ).json()
    assert set(asked) <= set(MEMBER_FIELDS)


def test_one_status_vocabulary():
    statuses = {status for status, _label in STATUS_SELECTION}
    assert len(statuses) == len(STATUS_SELECTION) == 7
    for subset in (BLOCKED_STATUSES, NOTHING_TO_PUSH, RESUBSCRIBE_BY_REQUEST, UNSUBSCRIBABLE):
        assert subset <= statuses, subset
    assert not UNSUBSCRIBABLE & NOTHING_TO_PUSH
    assert not RESUBSCRIBE_BY_REQUEST & NOTHING_TO_PUSH


def test_tombstone_keeps_the_status_a_member_had():
    assert tombstone("unsubscribed") == {
        "status": "deleted",
        "status_before_deleted": "unsubscribed",
    }
    # no live status (none, or deleted already): the status kept before stays
    assert tombstone("deleted") == {"status": "deleted"}
    assert tombstone(False) == {"status": "deleted"}


def test_campaign_report_and_template_values():
    campaign = {
        "id": "c1",
        "web_id": 7,
        "type": "regular",
        "status": "sent",
        "settings": {"subject_line": "Hello", "template_id": 12},
        "recipients": {"list_id": "L1"},
        "send_time": "2026-01-01T10:00:00+00:00",
        "report_summary": {"opens": 3, "click_rate": 0.5},
    }
    values = campaign_values(campaign, {"regular"}, {"sent"})
    assert (values["name"], values["subject"], values["web_id"]) == ("Hello", "Hello", "7")
    assert (values["campaign_type"], values["status"]) == ("regular", "sent")
    assert (values["opens_total"], values["click_rate"], values["clicks_total"]) == (3, 0.5, 0)
    assert campaign_values(dict(campaign, type="odd"), {"regular"}, set())["campaign_type"] is False
    assert (campaign_audience(campaign), campaign_template(campaign)) == ("L1", "12")
    assert campaign_template({}) == "" and campaign_audience({}) is None
    report = report_values({"opens": {"opens_total": 4}, "send_time": "2026-01-01T10:00:00Z"})
    assert report["opens_total"] == 4 and report["send_time"] == datetime(2026, 1, 1, 10)
    assert "send_time" not in report_values({})
    template = template_values({"id": 5, "type": "odd", "active": False})
    assert (template["name"], template["template_type"], template["active"]) == ("5", False, False)


def test_activity_rows_keep_each_event_once_with_a_stable_identity():
    page = {
        "emails": [
            {
                "email_address": " Ann@Example.org",
                "activity": [
                    {"action": "open", "timestamp": "2026-01-01T10:00:00+00:00"},
                    {"action": "open", "timestamp": "2026-01-01T10:00:00+00:00"},
                    {"action": "bounce", "type": "hard", "timestamp": "2026-01-01T11:00:00Z"},
                    {"action": "sent", "timestamp": "2026-01-01T09:00:00+00:00"},
                ],
            },
            {"email_address": "not an address", "activity": [{"action": "open"}]},
        ],
        "total_items": 2,
    }
    items, total = activity_page(page, "activity")
    rows = email_activity_rows(items)
    assert total == 2 and [row["action"] for row in rows] == ["open", "open", "bounce"]
    assert (
        rows[0]["email"] == "Ann@Example.org" and rows[0]["email_normalized"] == "ann@example.org"
    )
    assert len({row["identity_key"] for row in rows}) == 3, "two opens in one second: two rows"
    assert email_activity_rows(items)[0]["identity_key"] == rows[0]["identity_key"]
    unsubscribes, _total = activity_page({"unsubscribes": [{}]}, "unsubscribed")
    assert unsubscribe_rows(unsubscribes) == [], "no address, no time: no row"
    row = unsubscribe_rows([{"email_address": "b@example.org", "timestamp": "2026-01-01T10:00Z"}])
    assert row[0]["action"] == "unsubscribe" and row[0]["reason"] is False


def test_binding_values_reads_interests_only_when_given():
    from services.mailchimp_data import load_interests

    remote = read_members([dict(MEMBER, interests={"b1": 1, "a1": False})])[0]["ann@example.org"]
    stored = binding_values(remote)["mc_interests"]
    assert stored == '{"a1": false, "b1": true}'
    assert load_interests(stored) == {"a1": False, "b1": True}
    assert load_interests("not json") == {} and load_interests(None) == {}
    assert "mc_interests" not in binding_values(read_members([MEMBER])[0]["ann@example.org"])


def test_a_tag_is_found_among_the_static_segments_by_its_name_in_any_case():
    segments = [{"id": 11, "name": "VIP"}, {"id": 12, "name": "Customers 2026"}]
    assert tag_segment_id(segments, " customers 2026 ") == "12"
    assert tag_segment_id(segments, "vip") == "11"
    assert tag_segment_id(segments, "Customers") is None
    assert tag_segment_id(segments, "") is None
