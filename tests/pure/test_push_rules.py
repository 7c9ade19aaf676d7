"""Odoo -> Mailchimp push decisions (no Odoo)."""

from services.push_rules import (
    PUSH_CREATE,
    PUSH_SKIP,
    PUSH_UNSUBSCRIBE,
    PUSH_UPDATE,
    LocalContact,
    PushOptions,
    address_value,
    decide_push,
    format_phone,
    merge_fields,
    split_name,
)

MAPPING = {"FNAME": "first_name", "LNAME": "last_name", "PHONE": "phone", "ADDRESS": "address"}
ALL_ON = PushOptions(push_new=True, push_unsubscribes=True, push_fields=True)
FULL_ADDRESS = {
    "addr1": "1 Main St",
    "city": "Springfield",
    "state": "IL",
    "zip": "62701",
    "country": "US",
}


def test_split_name():
    assert split_name("Jane van Dyke") == ("Jane", "van Dyke")
    assert split_name("Cher") == ("Cher", "")
    assert split_name("") == ("", "")


def test_phone_is_e164_with_the_contact_country_and_garbage_is_left_out():
    assert format_phone("06 12 34 56 78", "FR") == ("+33612345678", "")
    assert format_phone("+1 650-253-0000", None) == ("+16502530000", "")
    value, problem = format_phone("call me maybe", "BE")
    assert value is None and "not understood" in problem
    value, problem = format_phone("123", "BE")
    assert value is None and problem


def test_address_only_when_complete():
    assert address_value(FULL_ADDRESS)["city"] == "Springfield"
    assert address_value(dict(FULL_ADDRESS, state="")) is None
    assert address_value(None) is None


def test_merge_fields_map_and_report():
    values = {
        "name": "Jane Doe",
        "phone": "nope",
        "country_code": "US",
        "address": dict(FULL_ADDRESS, zip=""),
    }
    fields, warnings = merge_fields(values, MAPPING)
    assert fields == {"FNAME": "Jane", "LNAME": "Doe"}
    assert len(warnings) == 2


def test_new_contact_is_created_subscribed_or_pending_with_double_optin():
    local = LocalContact(email="Jane@Example.com", values={"first_name": "Jane"})
    decision = decide_push(local, ALL_ON, MAPPING)
    assert (decision.action, decision.status) == (PUSH_CREATE, "subscribed")
    dbl = PushOptions(push_new=True, double_optin=True)
    assert decide_push(local, dbl, MAPPING).status == "pending"


def test_nothing_is_pushed_when_the_account_or_audience_says_no():
    local = LocalContact(email="a@example.com")
    assert (
        decide_push(local, PushOptions(push_contacts=False, push_new=True), {}).action == PUSH_SKIP
    )
    assert decide_push(local, PushOptions(push_new=False), {}).action == PUSH_SKIP


def test_invalid_address_is_skipped_with_its_reason():
    decision = decide_push(LocalContact(email="not-an-email"), ALL_ON, MAPPING)
    assert decision.action == PUSH_SKIP and "invalid" in decision.reason


def test_never_resubscribes():
    for status in ("unsubscribed", "cleaned", "archived", "deleted"):
        decision = decide_push(
            LocalContact(email="a@example.com", binding_status=status), ALL_ON, MAPPING
        )
        assert decision.status != "subscribed", status
    edited = decide_push(
        LocalContact(
            email="a@example.com", binding_status="unsubscribed", values={"first_name": "New"}
        ),
        ALL_ON,
        MAPPING,
    )
    assert (edited.action, edited.status) == (PUSH_UPDATE, "unsubscribed")


def test_opt_out_unsubscribes_only_when_pushed_and_subscribed():
    local = LocalContact(email="a@example.com", opted_out=True, binding_status="subscribed")
    assert decide_push(local, ALL_ON, MAPPING).action == PUSH_UNSUBSCRIBE
    assert decide_push(local, PushOptions(push_fields=True), MAPPING).action == PUSH_SKIP
    new = LocalContact(email="b@example.com", opted_out=True)
    assert decide_push(new, ALL_ON, MAPPING).action == PUSH_SKIP


def test_email_change_updates_under_the_old_address():
    local = LocalContact(
        email="new@example.com", binding_status="subscribed", binding_email="Old@Example.com"
    )
    decision = decide_push(local, ALL_ON, MAPPING)
    assert decision.action == PUSH_UPDATE and decision.old_email == "old@example.com"
