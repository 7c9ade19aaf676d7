"""Interest groups <-> mailing lists: the three-way merge, newest change wins."""

from datetime import datetime

from services.interest_rules import interests_left, merge_interest, merge_member, newer

EARLY = datetime(2026, 3, 1, 9)
LATE = datetime(2026, 3, 2, 9)


def test_one_side_changed_wins_over_the_other_unchanged():
    # Mailchimp turned it on, Odoo did not touch it: Odoo's list gets the member
    assert merge_interest(False, True, False, EARLY, LATE) == (True, False, True)
    # Odoo opted out, Mailchimp did not touch it: the interest goes off in Mailchimp
    assert merge_interest(True, True, False, LATE, EARLY) == (False, True, False)


def test_both_agree_nothing_to_do():
    assert merge_interest(True, True, True) == (True, False, False)
    assert merge_interest(None, False, False) == (False, False, False)
    assert merge_interest(True, False, False) == (False, False, False)


def test_no_base_newest_change_wins_mailchimp_on_a_tie():
    assert merge_interest(None, True, False, EARLY, LATE) == (False, True, False)
    assert merge_interest(None, True, False, LATE, EARLY) == (True, False, True)
    assert merge_interest(None, False, True, LATE, LATE) == (False, False, True)
    assert merge_interest(None, False, True, None, EARLY) == (True, True, False)


def test_unknown_in_mailchimp_keeps_the_base():
    assert merge_interest(True, None, True) == (True, False, False)
    assert merge_interest(None, None, True, None, EARLY) == (True, True, False)


def test_newer():
    assert newer(LATE, EARLY) and not newer(EARLY, LATE)
    assert not newer(EARLY, EARLY) and not newer(None, EARLY) and newer(EARLY, None)


def test_merge_member_and_second_merge_sends_nothing():
    base = {"a": True, "b": False}
    mailchimp = {"a": True, "b": True, "c": False}
    odoo = {"a": False, "b": False, "c": True}
    merged, send, write = merge_member(base, mailchimp, odoo, EARLY, {"c": LATE})
    assert merged == {"a": False, "b": True, "c": True}
    assert send == {"a": False, "c": True} and write == {"b": True}
    # both sides now hold the merged values and the base is the merged one: no ping-pong
    again = merge_member(merged, {**mailchimp, **send}, {**odoo, **write}, LATE, LATE)
    assert again == (merged, {}, {})


def test_interests_left_at_sixty():
    assert interests_left(58, 5) == 2
    assert interests_left(60, 1) == 0
    assert interests_left(0, 3) == 3
