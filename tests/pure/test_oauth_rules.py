"""OAuth2 rules: the signed state (bound, short-lived, tamper-proof) and the metadata."""

import pytest

from services import oauth_rules as rules

SECRET = "database-secret"
NOW = 1_800_000_000


def state(**kw):
    values = {"db": "prod", "uid": 7, "account_id": 3, "nonce": "n0nce", "issued_at": NOW}
    values.update(kw)
    return rules.sign_state(SECRET, **values)


def read(value, **kw):
    values = {"db": "prod", "uid": 7, "now": NOW + 5}
    values.update(kw)
    return rules.read_state(SECRET, value, **values)


def test_a_signed_state_reads_back():
    assert read(state()) == {"account_id": 3, "nonce": "n0nce"}


@pytest.mark.parametrize(
    ("value", "kwargs", "reason"),
    [
        ("", {}, rules.STATE_MALFORMED),
        ("abc", {}, rules.STATE_MALFORMED),
        ("a.b.c", {}, rules.STATE_MALFORMED),
        (None, {}, rules.STATE_MALFORMED),
        ("x" * 2000 + ".y", {}, rules.STATE_MALFORMED),
        (state().replace(".", "x.", 1), {}, rules.STATE_BAD_SIGNATURE),
        (state()[:-1] + ("0" if state()[-1] != "0" else "1"), {}, rules.STATE_BAD_SIGNATURE),
        (state(), {"now": NOW + rules.STATE_MAX_AGE + 1}, rules.STATE_EXPIRED),
        (state(), {"now": NOW - 60}, rules.STATE_EXPIRED),
        (state(), {"db": "copy"}, rules.STATE_OTHER_DATABASE),
        (state(), {"uid": 8}, rules.STATE_OTHER_USER),
    ],
)
def test_refusals(value, kwargs, reason):
    with pytest.raises(rules.StateError) as info:
        read(value, **kwargs)
    assert info.value.reason == reason


def test_another_secret_or_a_swapped_payload_is_refused():
    with pytest.raises(rules.StateError) as info:
        rules.read_state("other", state(), db="prod", uid=7, now=NOW)
    assert info.value.reason == rules.STATE_BAD_SIGNATURE
    mine, theirs = state(account_id=3), state(account_id=4)
    forged = mine.split(".")[0] + "." + theirs.split(".")[1]
    with pytest.raises(rules.StateError):
        read(forged)


def test_nonce_hash_is_stable_and_not_the_nonce():
    assert rules.nonce_hash("abc") == rules.nonce_hash("abc")
    assert "abc" not in rules.nonce_hash("abc")


def test_metadata():
    meta = {"dc": "us6", "api_endpoint": "https://us6.api.mailchimp.com"}
    assert rules.check_metadata(meta) == "us6"
    assert rules.check_metadata(meta, known_dc="us6") == "us6"
    cases = [
        ({"dc": "us6/x", "api_endpoint": "https://us6.api.mailchimp.com"}, {}, "malformed"),
        ({}, {}, "malformed"),
        ({"dc": "us6", "api_endpoint": "https://evil.example.com"}, {}, "inconsistent"),
        ({"dc": "us6", "api_endpoint": "http://us6.api.mailchimp.com"}, {}, "inconsistent"),
        ({"dc": "us6", "api_endpoint": "https://us19.api.mailchimp.com"}, {}, "inconsistent"),
        (meta, {"known_dc": "us19"}, "other_datacenter"),
    ]
    for metadata, kwargs, reason in cases:
        with pytest.raises(rules.MetadataError) as info:
            rules.check_metadata(metadata, **kwargs)
        assert info.value.reason == reason
    emulated = {"dc": "us6", "api_endpoint": "http://127.0.0.1:8765"}
    assert rules.check_metadata(emulated, check_endpoint=False) == "us6"
