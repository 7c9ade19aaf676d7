"""Segments: the diff of a sync (pure), the answers read, the client and the emulator."""

import pytest

from services import mailchimp_data as md
from services import segment_rules as sr
from services.mailchimp_client import MailchimpClient


def test_plan_adds_and_removes_only_the_difference():
    statuses = {"a@x.org": "subscribed", "b@x.org": "pending", "c@x.org": "subscribed"}
    plan = sr.plan_segment(["a@x.org", "b@x.org", "c@x.org"], statuses, {"c@x.org", "z@x.org"})
    assert plan.target == {"a@x.org", "b@x.org", "c@x.org"}
    assert plan.to_add == ["a@x.org", "b@x.org"]
    assert plan.to_remove == ["z@x.org"]
    assert plan.skipped == {}


def test_plan_never_adds_members_who_left_and_says_why():
    statuses = {
        "u@x.org": "unsubscribed",
        "c@x.org": "cleaned",
        "a@x.org": "archived",
        "d@x.org": "deleted",
        "t@x.org": "transactional",
        "w@x.org": None,
    }
    selected = [*statuses, "n@x.org", "", ""]
    plan = sr.plan_segment(selected, statuses, {"u@x.org"}, waiting={"w@x.org"})
    assert plan.target == set() and plan.to_add == []
    # in the segment but unsubscribed since: taken out (removing re-subscribes nobody)
    assert plan.to_remove == ["u@x.org"]
    assert plan.skipped == {
        "u@x.org": sr.SKIP_UNSUBSCRIBED,
        "c@x.org": sr.SKIP_CLEANED,
        "a@x.org": sr.SKIP_ARCHIVED,
        "d@x.org": sr.SKIP_DELETED,
        "t@x.org": sr.SKIP_TRANSACTIONAL,
        "w@x.org": sr.SKIP_WAITING_EXPORT,
        "n@x.org": sr.SKIP_NOT_IN_AUDIENCE,
    }
    assert plan.no_email == 2
    counts = sr.skipped_counts(plan.skipped, plan.no_email)
    assert counts[sr.SKIP_NO_EMAIL] == 2 and counts[sr.SKIP_NOT_IN_AUDIENCE] == 1
    assert list(counts)[0] == sr.SKIP_NO_EMAIL  # the order of SKIP_REASONS


def test_no_change_plans_nothing():
    statuses = {f"m{i}@x.org": "subscribed" for i in range(10)}
    plan = sr.plan_segment(list(statuses), statuses, set(statuses))
    assert plan.to_add == [] and plan.to_remove == []
    assert sr.segment_calls(plan.to_add, plan.to_remove) == []


def test_calls_pair_additions_and_removals_500_each():
    adds = [f"a{i}" for i in range(1201)]
    removes = [f"r{i}" for i in range(600)]
    calls = sr.segment_calls(adds, removes)
    assert [(len(a), len(r)) for a, r in calls] == [(500, 500), (500, 100), (201, 0)]
    assert [x for a, _r in calls for x in a] == adds
    assert sr.segment_calls([], ["r"]) == [([], ["r"])]


def test_segment_answer_reads_the_errors_inside_the_200():
    answer = {
        "total_added": 2,
        "total_removed": 1,
        "error_count": 2,
        "errors": [
            {
                "email_addresses": ["Nobody@X.org", "gone@x.org"],
                "error": "Email addresses do not belong to this audience",
            }
        ],
    }
    added, removed, errors = md.segment_answer(answer)
    assert (added, removed) == (2, 1)
    assert errors == {
        "nobody@x.org": "Email addresses do not belong to this audience",
        "gone@x.org": "Email addresses do not belong to this audience",
    }
    assert md.segment_members_body([], ["a@x.org"]) == {"members_to_remove": ["a@x.org"]}
    assert md.segment_body("VIP") == {"name": "VIP", "static_segment": []}


@pytest.fixture
def client(emulator):
    return MailchimpClient(emulator.api_key, base_url=emulator.base_url, max_retries=0)


def test_client_keeps_a_static_segment(client, emulator):
    st = emulator.state
    list_id = st.add_list("Segments")
    for i in range(7):
        st.add_member(list_id, f"s{i}@example.org")
    st.add_member(list_id, "left@example.org", status="unsubscribed")
    st.add_member(list_id, "bounced@example.org", status="cleaned")
    seg = client.create_segment(list_id, md.segment_body("Odoo: VIP"))
    assert md.segment_values(seg)["mc_name"] == "Odoo: VIP"
    seg_id = md.segment_values(seg)["mc_segment_id"]
    body = md.segment_members_body(
        [f"s{i}@example.org" for i in range(5)] + ["left@example.org", "bounced@example.org"],
        [],
    )
    answer = client.update_segment_members(list_id, seg_id, body)
    assert md.segment_answer(answer)[:2] == (7, 0)
    # read in pages, members of every status (Mailchimp hides the unsubscribed and cleaned
    # unless asked)
    pages = list(
        client.segment_members_pages(list_id, seg_id, fields=md.SEGMENT_MEMBER_FIELDS, count=2)
    )
    assert len(pages) == 4
    keys = [k for p in pages for k in md.segment_member_keys(p)]
    assert len(keys) == 7 and "left@example.org" in keys
    # an address not in the audience: in the errors of the 200
    answer = client.update_segment_members(
        list_id,
        seg_id,
        md.segment_members_body(["stranger@example.org", "s6@example.org"], ["s0@example.org"]),
    )
    added, removed, errors = md.segment_answer(answer)
    assert (added, removed) == (1, 1)
    assert list(errors) == ["stranger@example.org"]
    with pytest.raises(ValueError):
        client.update_segment_members(
            list_id, seg_id, {"members_to_add": [f"x{i}@x.org" for i in range(501)]}
        )
    assert client.rename_segment(list_id, seg_id, "Odoo: Gold")["name"] == "Odoo: Gold"
    # member_count: its subscribed members only (s1-s4, s6; not the unsubscribed, the cleaned)
    assert client.segment(list_id, seg_id)["member_count"] == 5
    client.delete_segment(list_id, seg_id)
    from services.mailchimp_errors import MailchimpNotFound

    with pytest.raises(MailchimpNotFound):
        client.segment(list_id, seg_id)


def test_emulator_segment_members_hide_those_who_left_by_default(mc, emulator):
    st = emulator.state
    list_id = st.add_list("Hidden")
    st.add_member(list_id, "in@example.org")
    st.add_member(list_id, "out@example.org", status="unsubscribed")
    st.add_member(list_id, "bounce@example.org", status="cleaned")
    seg = mc.post(
        f"/lists/{list_id}/segments",
        json={"name": "T", "static_segment": ["in@example.org", "out@example.org"]},
    ).json()
    mc.post(
        f"/lists/{list_id}/segments/{seg['id']}",
        json={"members_to_add": ["bounce@example.org"]},
    )
    path = f"/lists/{list_id}/segments/{seg['id']}/members"
    assert mc.get(path).json()["total_items"] == 1
    assert mc.get(path, params={"include_unsubscribed": "true"}).json()["total_items"] == 2
    everyone = mc.get(path, params={"include_unsubscribed": "true", "include_cleaned": "true"})
    assert everyone.json()["total_items"] == 3
    # a static segment is a tag: the member carries it
    assert [t["name"] for t in st.get_member(list_id, "out@example.org")["tags"]] == ["T"]


def test_emulator_tag_search_matches_by_prefix(mc, emulator):
    st = emulator.state
    list_id = st.add_list("Tags")
    st.add_member(list_id, "a@example.org", tags=["VIP gold", "vip silver", "news"])
    mc.post(f"/lists/{list_id}/segments", json={"name": "Saved", "options": {"match": "any"}})
    found = mc.get(f"/lists/{list_id}/tag-search", params={"name": "vip"}).json()
    assert sorted(t["name"] for t in found["tags"]) == ["VIP gold", "vip silver"]
    assert found["total_items"] == 2
    # no name: every tag (a saved segment is no tag)
    assert mc.get(f"/lists/{list_id}/tag-search").json()["total_items"] == 3
