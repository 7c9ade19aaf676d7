"""Tags both ways: the three-way merge (pure)."""

from services import mailchimp_data as md
from services import tag_rules as tr


def test_a_change_on_either_side_wins_over_no_change():
    base = {"vip", "news"}
    mailchimp = {"vip", "news", "event"}  # added in Mailchimp
    odoo = {"vip"}  # news removed in Odoo
    assert tr.merge_tags(base, mailchimp, odoo) == {"vip", "event"}


def test_both_sides_agree_after_a_merge_no_ping_pong():
    merged = tr.merge_tags({"a"}, {"a", "b"}, {"c"})
    assert merged == {"b", "c"}
    # the next sync: both sides hold the merged tags, which are the base
    assert tr.merge_tags(merged, merged, merged) == merged
    assert tr.tag_changes(merged, merged) == ([], [])


def test_first_sync_keeps_the_tags_of_both_sides():
    assert tr.merge_tags(set(), {"vip"}, {"customer"}, {"partner tag"}) == {
        "vip",
        "customer",
        "partner tag",
    }


def test_names_compare_case_insensitively():
    assert tr.merge_tags({"VIP"}, {"vip"}, {"VIP"}) == {"VIP"}
    assert tr.tag_changes({"VIP"}, {"vip", "New"}) == (["New"], [])
    assert tr.same_tags(["A", "b"], {"a", "B"})


def test_stored_lists():
    assert tr.parse_tags("b, a") == {"a", "b"}
    assert tr.parse_tags(None) == set()
    assert tr.join_tags({"b", "A"}) == "A, b"
    assert tr.join_tags(set()) is False


def test_tags_body_is_a_sync():
    body = md.member_tags_body(["x"], ["y"])
    assert body == {
        "tags": [{"name": "x", "status": "active"}, {"name": "y", "status": "inactive"}],
        "is_syncing": True,
    }


def test_a_tag_changed_on_many_members_goes_in_bulk():
    changes = {f"m{i}": (["vip"], []) for i in range(25)}
    changes["m0"] = (["vip", "rare"], ["old"])
    bulk, single = tr.group_changes(changes, threshold=20)
    assert list(bulk) == ["vip"]
    name, adds, removes = bulk["vip"]
    assert name == "vip" and len(adds) == 25 and removes == []
    assert single == {"m0": (["rare"], ["old"])}
    bulk, single = tr.group_changes(changes, threshold=100)
    assert bulk == {} and len(single) == 25
