"""The audit log's rules (pure Python, no Odoo): which settings are recorded, and that no
key, token or secret ever reaches a row.

A settings change is recorded as the names and values that changed, before and after; a
field whose name says it holds a credential is never recorded, not even masked: its change
is recorded as a fact (``key_changed``), without a value.
"""

import json

#: parts of a field name that mark a credential (API key, OAuth2 token and client secret,
#: webhook secret and its token hash, the OAuth2 nonce's hash, a password)
SECRET_MARKERS = ("key", "token", "secret", "password", "nonce")
#: the account's credentials: changing one is recorded as "key changed", never with a value
CREDENTIAL_FIELDS = ("api_key", "oauth_token", "oauth_client_secret")
#: the account's options recorded before/after
ACCOUNT_OPTIONS = (
    "name",
    "api_base_url",
    "auth_type",
    "company_id",
    "auto_create_member",
    "auto_create_partner",
    "auto_sync_member",
    "auto_update_contact",
    "override_contact_name",
    "push_contacts",
    "campaign_report_days",
)
#: the audience's options recorded before/after
AUDIENCE_OPTIONS = (
    "name",
    "active",
    "mailing_list_id",
    "double_optin",
    "import_new",
    "import_pull_fields",
    "import_unsubscribes",
    "push_new",
    "push_unsubscribes",
    "push_fields",
    "webhook_source_api",
)
#: a summary is cut to this many characters
SUMMARY_SIZE = 500


def is_secret(name):
    """Whether a field name marks a credential (never recorded)."""
    lowered = (name or "").lower()
    return any(marker in lowered for marker in SECRET_MARKERS)


def settings_change(before, after):
    """(before, after) of the settings that changed, credentials left out: two dicts of
    the same names, empty when nothing recorded changed."""
    names = [
        name
        for name in after
        if not is_secret(name) and name in before and before[name] != after[name]
    ]
    return {name: before[name] for name in names}, {name: after[name] for name in names}


def as_text(values):
    """The settings of a row, as stored: sorted JSON (values made strings when they are not
    JSON), '' when there are none. Credentials are dropped again here, whatever the caller."""
    clean = {key: value for key, value in values.items() if not is_secret(key)}
    if not clean:
        return ""
    return json.dumps(clean, sort_keys=True, default=str, ensure_ascii=False)


def summary_text(text):
    """A row's summary: one paragraph, at most SUMMARY_SIZE characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_SIZE else text[: SUMMARY_SIZE - 1] + "…"
