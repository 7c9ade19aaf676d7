"""Erasure rules: the tombstone's keyed hash, old data refused, Mailchimp's answers."""

from datetime import datetime

import pytest

from services import erasure_rules as rules

KEY = rules.tombstone_key("database-secret")
ERASED_AT = datetime(2026, 3, 1, 12, 0, 0)


def test_the_tombstone_is_a_keyed_hash_of_the_member_key():
    one = rules.erasure_hash(KEY, "Jane.Doe@Example.org")
    assert one == rules.erasure_hash(KEY, " jane.doe@example.org ")
    assert len(one) == 64 and "jane" not in one
    # another database's secret gives another hash: the tombstone cannot be matched
    assert one != rules.erasure_hash(rules.tombstone_key("other-secret"), "jane.doe@example.org")
    assert rules.erasure_hash(KEY, "not an address") == ""


@pytest.mark.parametrize(
    ("member", "refused"),
    [
        ({"timestamp_opt": "2026-02-01T10:00:00+00:00"}, True),  # old data
        ({"timestamp_opt": "2026-03-01T12:00:00+00:00"}, True),  # the erasure's own second
        ({}, True),  # undated
        ({"timestamp_opt": "2026-03-02T09:00:00+00:00"}, False),  # signed up again
        ({"timestamp_opt": "", "timestamp_signup": "2026-03-05T09:00:00Z"}, False),  # pending
    ],
)
def test_a_member_of_an_erased_address_comes_back_only_by_signing_up_again(member, refused):
    remotes = {"jane@example.org": member, "other@example.org": {}}
    erased = {"jane@example.org": ERASED_AT}
    expected = {"jane@example.org"} if refused else set()
    assert rules.refused_members(remotes, erased) == expected


def test_dated_items_before_the_erasure_are_refused():
    erased = {"jane@example.org": ERASED_AT}
    assert rules.refused_dated("jane@example.org", datetime(2026, 2, 1), erased)
    assert rules.refused_dated("jane@example.org", None, erased)
    assert not rules.refused_dated("jane@example.org", datetime(2026, 3, 2), erased)
    assert not rules.refused_dated("other@example.org", datetime(2026, 2, 1), erased)


@pytest.mark.parametrize(
    ("code", "retryable", "outcome"),
    [
        (None, False, rules.STEP_ERASED),
        ("not_found", False, rules.STEP_ABSENT),
        ("forgotten", False, rules.STEP_ABSENT),
        ("server", True, rules.STEP_RETRY),
        ("rate_limited", True, rules.STEP_RETRY),
        ("auth", False, rules.STEP_ERROR),
    ],
)
def test_mailchimp_answers_to_an_erasure(code, retryable, outcome):
    assert rules.step_outcome(code, retryable) == outcome


def test_free_text_naming_the_address_is_scrubbed():
    text = "Jane@Example.org: refused\nbob@example.org: ok\njane@example.org again"
    assert rules.scrub_text(text, ["jane@example.org"]) == (
        "[erased]: refused\nbob@example.org: ok\n[erased] again"
    )
    assert rules.anonymized("jane.doe@example.org") == "j*******@e******.org"
