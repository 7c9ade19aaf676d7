"""Mailchimp emulator: auth, root, paging/fields and the member rules."""

import hashlib
from datetime import UTC, datetime

import pytest
import requests

from mailchimp_emulator import (
    ADMIN_UNSUB_REASON,
    UNSUBSCRIBE_REASONS,
    Emulator,
    subscriber_hash,
)

PROBLEM = "application/problem+json"


def assert_problem(resp, status, title):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith(PROBLEM)
    body = resp.json()
    assert body["title"] == title
    assert body["status"] == status
    assert body["type"].startswith("https://mailchimp.com/developer/marketing/docs/errors/")
    assert {"detail", "instance"} <= set(body)
    return body


@pytest.fixture
def list_id(emulator):
    return emulator.state.add_list("Test Audience")


# ----------------------------------------------------------------------------- auth / root


def test_subscriber_hash_is_md5_of_lowercased_email():
    assert subscriber_hash("Ann@Example.COM") == hashlib.md5(b"ann@example.com").hexdigest()


def test_auth_basic_bearer_and_refusals(emulator):
    url = emulator.base_url + "/ping"
    ok = requests.get(url, auth=("whatever", emulator.api_key), timeout=5)
    assert ok.status_code == 200
    assert ok.json() == {"health_status": "Everything's Chimpy!"}
    bearer = requests.get(url, headers={"Authorization": f"Bearer {emulator.api_key}"}, timeout=5)
    assert bearer.status_code == 200
    body = assert_problem(requests.get(url, timeout=5), 401, "API Key Invalid")
    assert "wrong datacenter" in body["detail"]
    assert_problem(requests.get(url, auth=("x", "deadbeef-us6"), timeout=5), 401, "API Key Invalid")
    # a Host header naming another datacenter is refused
    wrong_host = requests.get(
        url, auth=("x", emulator.api_key), headers={"Host": "us9.api.mailchimp.com"}, timeout=5
    )
    assert_problem(wrong_host, 401, "API Key Invalid")
    right_host = requests.get(
        url, auth=("x", emulator.api_key), headers={"Host": "us6.api.mailchimp.com"}, timeout=5
    )
    assert right_host.status_code == 200


def test_key_of_other_datacenter_is_refused():
    key = "0123456789abcdef0123456789abcdef-us9"
    with Emulator(dc="us6", api_keys=(key,)) as emu:
        resp = requests.get(emu.base_url + "/ping", auth=("x", key), timeout=5)
        assert_problem(resp, 401, "API Key Invalid")


def test_root_unknown_route_and_bad_json(mc, list_id):
    root = mc.get("/").json()
    assert root["account_name"] == "Emulated Account"
    assert root["email"] == "owner@emulated.example"
    assert {
        "account_id",
        "login_id",
        "first_name",
        "last_name",
        "username",
        "role",
        "contact",
        "total_subscribers",
    } <= set(root)
    assert_problem(mc.get("/nope/nothing"), 404, "Resource Not Found")
    assert_problem(
        mc.get(f"/lists/{list_id}/members/{subscriber_hash('x@y.com')}"), 404, "Resource Not Found"
    )
    bad = mc.post(
        f"/lists/{list_id}/members", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(bad, 400, "JSON Schema Validation Failed")
    assert mc.request("PUT", "/ping").status_code == 405


# ----------------------------------------------------------------------------- lists


def test_lists_crud_and_stats(mc, emulator):
    created = mc.post(
        "/lists",
        json={
            "name": "Newsletter",
            "contact": {
                "company": "ACME",
                "address1": "1 Road",
                "city": "Paris",
                "state": "",
                "zip": "75001",
                "country": "FR",
            },
            "permission_reminder": "You asked for it",
            "campaign_defaults": {
                "from_name": "ACME",
                "from_email": "a@acme.example",
                "subject": "",
                "language": "fr",
            },
            "email_type_option": False,
        },
    )
    assert created.status_code == 200, created.text
    lid = created.json()["id"]
    assert_problem(mc.post("/lists", json={"name": "x"}), 400, "Invalid Resource")
    emulator.state.add_member(lid, "a@example.org")
    emulator.state.add_member(lid, "b@example.org", status="unsubscribed")
    info = mc.get(f"/lists/{lid}").json()
    assert info["name"] == "Newsletter"
    assert info["stats"]["member_count"] == 1
    assert info["stats"]["unsubscribe_count"] == 1
    assert {
        "web_id",
        "contact",
        "permission_reminder",
        "campaign_defaults",
        "double_optin",
        "date_created",
    } <= set(info)
    patched = mc.patch(f"/lists/{lid}", json={"name": "Renamed"}).json()
    assert patched["name"] == "Renamed"
    listing = mc.get("/lists").json()
    assert listing["total_items"] == 1 and listing["lists"][0]["id"] == lid
    assert mc.delete(f"/lists/{lid}").status_code == 204
    assert mc.get(f"/lists/{lid}").status_code == 404


# ----------------------------------------------------------------------------- paging


def test_paging_count_limit_and_fields(mc, emulator, list_id):
    emulator.state.seed_members(list_id, 25)
    first = mc.get(f"/lists/{list_id}/members").json()
    assert len(first["members"]) == 10 and first["total_items"] == 25
    page3 = mc.get(f"/lists/{list_id}/members", params={"count": 10, "offset": 20}).json()
    assert [m["email_address"] for m in page3["members"]] == [
        f"member{i:05d}@example.org" for i in range(20, 25)
    ]
    emulator.state.seed_members(list_id, 1100)
    capped = mc.get(f"/lists/{list_id}/members", params={"count": 3000})
    assert capped.status_code == 200, "a count above 1000 is served as 1000, not refused"
    assert len(capped.json()["members"]) == 1000
    assert_problem(
        mc.get(f"/lists/{list_id}/members", params={"count": -1}), 400, "Invalid Resource"
    )
    slim = mc.get(
        f"/lists/{list_id}/members",
        params={"count": 3, "fields": "members.email_address,members.last_changed,total_items"},
    ).json()
    assert set(slim) == {"members", "total_items"}
    assert all(set(m) == {"email_address", "last_changed"} for m in slim["members"])
    excl = mc.get(
        f"/lists/{list_id}/members",
        params={"count": 2, "exclude_fields": "members.merge_fields,members._links,list_id"},
    ).json()
    assert "list_id" not in excl and "merge_fields" not in excl["members"][0]
    assert "email_address" in excl["members"][0]


def test_since_last_changed_and_sort(mc, emulator, list_id):
    st = emulator.state
    st.freeze(datetime(2024, 5, 1, 10, 0, tzinfo=UTC))
    st.add_member(list_id, "old@example.org")
    st.advance(60)
    st.add_member(list_id, "mid@example.org")
    st.advance(60)
    st.add_member(list_id, "new@example.org")
    st.advance(60)
    st.update_member(list_id, "old@example.org", merge_fields={"FNAME": "Olga"})
    old = st.get_member(list_id, "old@example.org")
    assert old["last_changed"] == "2024-05-01T10:03:00+00:00"

    since = mc.get(
        f"/lists/{list_id}/members", params={"since_last_changed": "2024-05-01T10:01:00+00:00"}
    ).json()
    # strictly after: mid (10:01:00) is excluded
    assert {m["email_address"] for m in since["members"]} == {"new@example.org", "old@example.org"}
    before = mc.get(
        f"/lists/{list_id}/members", params={"before_last_changed": "2024-05-01T10:02:00Z"}
    ).json()
    assert [m["email_address"] for m in before["members"]] == ["mid@example.org"]
    asc = mc.get(
        f"/lists/{list_id}/members", params={"sort_field": "last_changed", "sort_dir": "ASC"}
    ).json()
    assert [m["email_address"] for m in asc["members"]] == [
        "mid@example.org",
        "new@example.org",
        "old@example.org",
    ]
    desc = mc.get(
        f"/lists/{list_id}/members", params={"sort_field": "last_changed", "sort_dir": "DESC"}
    ).json()
    assert desc["members"][0]["email_address"] == "old@example.org"
    # API writes move last_changed to the emulator clock too
    st.advance(3600)
    mc.patch(f"/lists/{list_id}/members/mid@example.org", json={"merge_fields": {"LNAME": "X"}})
    assert st.get_member(list_id, "mid@example.org")["last_changed"] == "2024-05-01T11:03:00+00:00"
    status = mc.get(f"/lists/{list_id}/members", params={"status": "subscribed"}).json()
    assert status["total_items"] == 3


# ----------------------------------------------------------------------------- members


def test_member_shape_and_lookup_by_hash_email_contact(mc, list_id):
    resp = mc.put(
        f"/lists/{list_id}/members/{subscriber_hash('Ann@Example.org')}",
        json={
            "email_address": "Ann@Example.org",
            "status_if_new": "subscribed",
            "merge_fields": {"FNAME": "Ann", "LNAME": "Lee"},
            "tags": ["vip"],
        },
    )
    assert resp.status_code == 200, resp.text
    member = resp.json()
    assert member["id"] == subscriber_hash("ann@example.org")
    assert isinstance(member["web_id"], int)
    assert member["tags"][0]["name"] == "vip" and member["tags_count"] == 1
    assert member["merge_fields"]["FNAME"] == "Ann"
    by_email = mc.get(f"/lists/{list_id}/members/ann@example.org").json()
    by_contact = mc.get(f"/lists/{list_id}/members/{member['contact_id']}").json()
    assert by_email["id"] == by_contact["id"] == member["id"]


def test_member_sms_fields_links_and_field_filters(mc, emulator, list_id):
    """Members carry the SMS fields ("" without an SMS subscription) and ``_links``, in
    Mailchimp's order; ``fields`` / ``exclude_fields`` pick or drop them like any other."""
    emulator.state.add_member(list_id, "sms@example.org", status="unsubscribed")
    path = f"/lists/{list_id}/members/{subscriber_hash('sms@example.org')}"
    member = mc.get(path).json()
    keys = list(member)
    assert keys[keys.index("status") + 1] == "unsubscribe_reason"
    assert keys[keys.index("consents_to_one_to_one_messaging") + 1 :][:3] == [
        "sms_phone_number",
        "sms_subscription_status",
        "sms_subscription_last_updated",
    ]
    assert keys[-1] == "_links"
    assert member["sms_phone_number"] == member["sms_subscription_status"] == ""
    assert member["sms_subscription_last_updated"] == ""
    links = {link["rel"]: link for link in member["_links"]}
    assert list(links) == [
        "self",
        "parent",
        "update",
        "upsert",
        "delete",
        "activity",
        "goals",
        "notes",
        "events",
        "delete_permanent",
    ]
    assert links["self"]["href"] == emulator.base_url + path
    assert (links["upsert"]["method"], links["delete_permanent"]["method"]) == ("PUT", "POST")
    assert mc.get(links["self"]["href"][len(emulator.base_url) :]).json()["id"] == member["id"]

    picked = mc.get(path, params={"fields": "id,sms_subscription_status,_links.rel"}).json()
    assert picked == {
        "id": member["id"],
        "sms_subscription_status": "",
        "_links": [{"rel": rel} for rel in links],
    }
    lean = mc.get(path, params={"exclude_fields": "_links,sms_phone_number"}).json()
    assert "_links" not in lean and "sms_phone_number" not in lean
    assert "sms_subscription_status" in lean
    listed = mc.get(
        f"/lists/{list_id}/members",
        params={"fields": "members.email_address,members.sms_phone_number,total_items"},
    ).json()
    assert listed == {
        "members": [{"email_address": "sms@example.org", "sms_phone_number": ""}],
        "total_items": 1,
    }
    paged = mc.get(f"/lists/{list_id}/members", params={"exclude_fields": "members._links"})
    assert "_links" not in paged.json()["members"][0]
    # the Python API answers the stored member: SMS fields, no _links
    stored = emulator.state.get_member(list_id, "sms@example.org")
    assert stored["sms_subscription_status"] == "" and "_links" not in stored


def test_put_upsert_requires_status_if_new_and_post_member_exists(mc, list_id):
    path = f"/lists/{list_id}/members/{subscriber_hash('bob@example.org')}"
    missing = assert_problem(
        mc.put(path, json={"email_address": "bob@example.org"}), 400, "Invalid Resource"
    )
    assert missing["errors"][0]["field"] == "status_if_new"
    assert (
        mc.put(path, json={"email_address": "bob@example.org", "status_if_new": "pending"}).json()[
            "status"
        ]
        == "pending"
    )
    updated = mc.put(
        path,
        json={
            "email_address": "bob@example.org",
            "status_if_new": "unsubscribed",
            "status": "subscribed",
        },
    )
    assert updated.json()["status"] == "subscribed"
    exists = mc.post(
        f"/lists/{list_id}/members",
        json={"email_address": "BOB@example.org", "status": "subscribed"},
    )
    assert_problem(exists, 400, "Member Exists")


def test_compliance_state(mc, emulator, list_id):
    emulator.state.add_member(list_id, "gone@example.org", status="unsubscribed")
    emulator.state.add_member(list_id, "bounced@example.org", status="cleaned")
    for email in ("gone@example.org", "bounced@example.org"):
        before = emulator.state.get_member(list_id, email)
        path = f"/lists/{list_id}/members/{subscriber_hash(email)}"
        resp = mc.put(
            path,
            json={"email_address": email, "status_if_new": "subscribed", "status": "subscribed"},
        )
        assert_problem(resp, 400, "Member In Compliance State")
        assert_problem(
            mc.patch(path, json={"status": "subscribed"}), 400, "Member In Compliance State"
        )
        assert emulator.state.get_member(list_id, email) == before
    # status_if_new alone does not touch an existing member's status
    resp = mc.put(
        f"/lists/{list_id}/members/gone@example.org",
        json={"email_address": "gone@example.org", "status_if_new": "subscribed"},
    )
    assert resp.json()["status"] == "unsubscribed"
    pending = mc.patch(f"/lists/{list_id}/members/gone@example.org", json={"status": "pending"})
    assert pending.json()["status"] == "pending"


def test_archive_vs_delete_permanent(mc, emulator, list_id):
    st = emulator.state
    st.add_member(list_id, "arch@example.org")
    path = f"/lists/{list_id}/members/{subscriber_hash('arch@example.org')}"
    assert mc.delete(path).status_code == 204
    assert mc.get(path).json()["status"] == "archived"
    # Mailchimp refuses to archive an archived member again: 405, "cannot be removed"
    twice = mc.delete(path)
    assert twice.status_code == 405 and "cannot be removed" in twice.json()["detail"]
    assert st.get_member(list_id, "arch@example.org")["status"] == "archived"
    # status_if_new alone: stays archived (200)
    same = mc.put(path, json={"email_address": "arch@example.org", "status_if_new": "subscribed"})
    assert same.status_code == 200 and same.json()["status"] == "archived"
    back = mc.put(path, json={"email_address": "arch@example.org", "status": "subscribed"})
    assert back.json()["status"] == "subscribed"

    assert mc.post(path + "/actions/delete-permanent").status_code == 204
    assert st.get_member(list_id, "arch@example.org") is None
    assert_problem(mc.get(path), 404, "Resource Not Found")
    again = mc.put(path, json={"email_address": "arch@example.org", "status_if_new": "subscribed"})
    assert_problem(again, 400, "Forgotten Email Not Subscribed")
    post = mc.post(
        f"/lists/{list_id}/members", json={"email_address": "arch@example.org", "status": "pending"}
    )
    assert_problem(post, 400, "Forgotten Email Not Subscribed")


@pytest.mark.parametrize(
    "email",
    [
        "not-an-email",
        "a@b",
        "x@domain.invalid",
        "y@site.test",
        "fake.person@gmail.com",
        "a..b@example.org",
        "someone@example.com",
        "Someone@EXAMPLE.COM",
    ],
)
def test_invalid_or_fake_email(mc, list_id, email):
    resp = mc.post(
        f"/lists/{list_id}/members", json={"email_address": email, "status": "subscribed"}
    )
    body = assert_problem(resp, 400, "Invalid Resource")
    assert body["detail"] == f"{email} looks fake or invalid, please enter a real email address."


def test_example_com_addresses_are_refused_as_fake(mc, emulator, list_id):
    """Mailchimp refuses @example.com as fake-looking (example.org and .net pass): on POST,
    on PUT (upsert), as a new address of a member and inside a batch subscribe."""
    members = f"/lists/{list_id}/members"
    fake = "jane@example.com"
    detail = f"{fake} looks fake or invalid, please enter a real email address."
    post = mc.post(members, json={"email_address": fake, "status": "subscribed"})
    assert assert_problem(post, 400, "Invalid Resource")["detail"] == detail
    put = mc.put(
        f"{members}/{subscriber_hash(fake)}",
        json={"email_address": fake, "status_if_new": "subscribed"},
    )
    assert assert_problem(put, 400, "Invalid Resource")["detail"] == detail
    assert emulator.state.get_member(list_id, fake) is None
    emulator.state.add_member(list_id, "jane@example.org")
    moved = mc.patch(
        f"{members}/{subscriber_hash('jane@example.org')}", json={"email_address": fake}
    )
    assert assert_problem(moved, 400, "Invalid Resource")["detail"] == detail
    assert emulator.state.get_member(list_id, "jane@example.org")["status"] == "subscribed"
    batch = mc.post(
        f"/lists/{list_id}",
        json={
            "members": [
                {"email_address": fake, "status": "subscribed"},
                {"email_address": "jane@example.net", "status": "subscribed"},
            ]
        },
    )
    assert batch.status_code == 200, batch.text
    out = batch.json()
    assert out["total_created"] == 1 and out["error_count"] == 1
    assert out["errors"][0]["email_address"] == fake
    assert out["errors"][0]["error"] == detail
    assert out["errors"][0]["error_code"] == "ERROR_GENERIC"
    assert [m["email_address"] for m in out["new_members"]] == ["jane@example.net"]


def test_merge_field_validation(mc, emulator, list_id):
    members = f"/lists/{list_id}/members"
    unknown = mc.post(
        members,
        json={
            "email_address": "m1@example.org",
            "status": "subscribed",
            "merge_fields": {"NOPE": "x"},
        },
    )
    assert assert_problem(unknown, 400, "Invalid Resource")["errors"][0]["field"] == "NOPE"
    bad_address = mc.post(
        members,
        json={
            "email_address": "m2@example.org",
            "status": "subscribed",
            "merge_fields": {"ADDRESS": {"addr1": "1 Road", "city": "Paris"}},
        },
    )
    errors = assert_problem(bad_address, 400, "Invalid Resource")["errors"]
    assert errors == [{"field": "ADDRESS", "message": "Please enter a complete address"}]
    good_address = mc.post(
        members,
        json={
            "email_address": "m3@example.org",
            "status": "subscribed",
            "merge_fields": {
                "ADDRESS": {"addr1": "1 Road", "city": "Paris", "state": "IDF", "zip": "75001"}
            },
        },
    )
    assert good_address.status_code == 200
    assert good_address.json()["merge_fields"]["ADDRESS"]["country"] == "US"
    skipped = mc.post(
        members,
        params={"skip_merge_validation": "true"},
        json={
            "email_address": "m4@example.org",
            "status": "subscribed",
            "merge_fields": {"ADDRESS": {"addr1": "only"}},
        },
    )
    assert skipped.status_code == 200

    field = mc.post(
        f"/lists/{list_id}/merge-fields",
        json={"tag": "COMPANY", "name": "Company", "type": "text", "required": True},
    )
    assert field.status_code == 200 and field.json()["tag"] == "COMPANY"
    required = mc.post(members, json={"email_address": "m5@example.org", "status": "subscribed"})
    assert assert_problem(required, 400, "Invalid Resource")["errors"][0]["field"] == "COMPANY"
    assert emulator.state.get_member(list_id, "m5@example.org") is None
    ok = mc.post(
        members,
        json={
            "email_address": "m5@example.org",
            "status": "subscribed",
            "merge_fields": {"COMPANY": "ACME"},
        },
    )
    assert ok.status_code == 200


def test_merge_fields_crud(mc, list_id):
    listing = mc.get(f"/lists/{list_id}/merge-fields").json()
    assert [f["tag"] for f in listing["merge_fields"]] == ["FNAME", "LNAME", "ADDRESS", "PHONE"]
    f0 = listing["merge_fields"][0]
    assert {
        "merge_id",
        "tag",
        "name",
        "type",
        "required",
        "default_value",
        "public",
        "display_order",
        "options",
        "list_id",
    } <= set(f0)
    new = mc.post(
        f"/lists/{list_id}/merge-fields", json={"name": "Birthday", "type": "birthday"}
    ).json()
    mid = new["merge_id"]
    assert mc.get(f"/lists/{list_id}/merge-fields/{mid}").json()["name"] == "Birthday"
    assert (
        mc.patch(f"/lists/{list_id}/merge-fields/{mid}", json={"name": "Born"}).json()["name"]
        == "Born"
    )
    assert mc.delete(f"/lists/{list_id}/merge-fields/{mid}").status_code == 204
    assert mc.get(f"/lists/{list_id}/merge-fields/{mid}").status_code == 404
    dup = mc.post(
        f"/lists/{list_id}/merge-fields", json={"tag": "FNAME", "name": "x", "type": "text"}
    )
    assert_problem(dup, 400, "Invalid Resource")


def test_unsubscribe_reasons_as_mailchimp_writes_them(mc, emulator, list_id):
    """An unsubscribe by the account (API or app) reads "N/A (Unsubscribed by admin)"; a
    person's own keeps the reason picked on the unsubscribe page; a re-subscribe drops it."""
    members = f"/lists/{list_id}/members"
    emulator.state.add_member(list_id, "api@example.org")
    by_api = mc.patch(f"{members}/api@example.org", json={"status": "unsubscribed"}).json()
    assert by_api["unsubscribe_reason"] == ADMIN_UNSUB_REASON == "N/A (Unsubscribed by admin)"
    created = mc.put(
        f"{members}/new@example.org",
        json={"email_address": "new@example.org", "status_if_new": "unsubscribed"},
    ).json()
    assert created["unsubscribe_reason"] == ADMIN_UNSUB_REASON
    emulator.state.add_member(list_id, "self@example.org")
    emulator.state.update_member(
        list_id,
        "self@example.org",
        status="unsubscribed",
        unsubscribe_reason=UNSUBSCRIBE_REASONS[1],
    )
    own = mc.get(f"{members}/self@example.org").json()
    assert own["unsubscribe_reason"] == "I never signed up for this mailing list"
    back = mc.patch(f"{members}/api@example.org", json={"status": "pending"}).json()
    assert "unsubscribe_reason" not in back
    assert UNSUBSCRIBE_REASONS == (
        "I no longer want to receive these emails",
        "I never signed up for this mailing list",
        "The emails are inappropriate",
        "The emails are spam and should be reported",
        "Other (fill in reason below)",
    )


def test_text_merge_fields_carry_their_size(mc, list_id):
    """Text fields answer ``options.size`` (25 unless POST gave one, as Mailchimp's FNAME and
    LNAME show); other types keep their own options; PATCH leaves the size alone."""
    fields = f"/lists/{list_id}/merge-fields"
    options = {f["tag"]: f["options"] for f in mc.get(fields).json()["merge_fields"]}
    assert options == {
        "FNAME": {"size": 25},
        "LNAME": {"size": 25},
        "ADDRESS": {"default_country": 164},
        "PHONE": {"phone_format": "none"},
    }
    plain = mc.post(fields, json={"tag": "CITY", "name": "City", "type": "text"}).json()
    wide = mc.post(
        fields, json={"tag": "NOTE", "name": "Note", "type": "text", "options": {"size": 100}}
    ).json()
    number = mc.post(fields, json={"tag": "AGE", "name": "Age", "type": "number"}).json()
    assert (plain["options"], wide["options"], number["options"]) == (
        {"size": 25},
        {"size": 100},
        {},
    )
    patched = mc.patch(f"{fields}/{plain['merge_id']}", json={"options": {"size": 5}}).json()
    assert patched["options"] == {"size": 25}
    only = mc.get(fields, params={"type": "text", "fields": "merge_fields.options.size"}).json()
    assert only == {"merge_fields": [{"options": {"size": n}} for n in (25, 25, 25, 100)]}


def test_email_change_rekeys_member(mc, emulator, list_id):
    emulator.state.add_member(list_id, "old.address@example.org")
    resp = mc.patch(
        f"/lists/{list_id}/members/old.address@example.org",
        json={"email_address": "new.address@example.org"},
    )
    assert resp.status_code == 200
    assert resp.json()["id"] == subscriber_hash("new.address@example.org")
    assert mc.get(f"/lists/{list_id}/members/old.address@example.org").status_code == 404
    assert mc.get(f"/lists/{list_id}/members/new.address@example.org").status_code == 200


def test_member_tags_endpoints(mc, emulator, list_id):
    emulator.state.add_member(list_id, "t@example.org")
    path = f"/lists/{list_id}/members/{subscriber_hash('t@example.org')}/tags"
    resp = mc.post(
        path,
        json={
            "tags": [{"name": "Alpha", "status": "active"}, {"name": "Beta", "status": "active"}]
        },
    )
    assert resp.status_code == 204
    tags = mc.get(path).json()
    assert {t["name"] for t in tags["tags"]} == {"Alpha", "Beta"}
    assert tags["total_items"] == 2 and tags["tags"][0]["date_added"]
    mc.post(path, json={"tags": [{"name": "Alpha", "status": "inactive"}]})
    assert [t["name"] for t in mc.get(path).json()["tags"]] == ["Beta"]
    assert_problem(
        mc.post(path, json={"tags": [{"name": "X", "status": "bogus"}]}), 400, "Invalid Resource"
    )
