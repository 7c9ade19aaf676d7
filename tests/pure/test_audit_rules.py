"""Audit log rules: what a settings change records, and never a credential."""

from services import audit_rules as rules


def test_only_changed_settings_are_recorded_and_never_a_credential():
    before = {"push_new": False, "name": "A", "api_key": "old-us1", "webhook_secret": "s1"}
    after = {"push_new": True, "name": "A", "api_key": "new-us1", "webhook_secret": "s2"}
    assert rules.settings_change(before, after) == ({"push_new": False}, {"push_new": True})


def test_credentials_never_reach_the_text():
    text = rules.as_text({"oauth_token": "tok", "oauth_client_secret": "x", "push_fields": True})
    assert text == '{"push_fields": true}'
    assert rules.as_text({"api_key": "k"}) == ""
    for name in rules.CREDENTIAL_FIELDS:
        assert rules.is_secret(name)
    for name in rules.ACCOUNT_OPTIONS + rules.AUDIENCE_OPTIONS:
        assert not rules.is_secret(name)


def test_a_summary_is_one_paragraph_and_bounded():
    assert rules.summary_text("a\n b  c") == "a b c"
    assert len(rules.summary_text("x" * 900)) == rules.SUMMARY_SIZE
