"""Odoo -> Mailchimp push decisions (no Odoo)."""

from datetime import datetime

from services.push_rules import (
    LEARN_IMPORT,
    LEARN_RESYNC,
    PUSH_CREATE,
    PUSH_SKIP,
    PUSH_UNSUBSCRIBE,
    PUSH_UPDATE,
    REASON_INVALID_EMAIL,
    REASON_OPTED_OUT_NOT_ADDED,
    RESUBSCRIBE_NOT_NEEDED,
    RESUBSCRIBE_REFUSED,
    WARNING_PHONE_INVALID,
    WARNING_PHONE_NOT_UNDERSTOOD,
    LocalContact,
    PushOptions,
    address_value,
    contact_email,
    decide_push,
    format_phone,
    join_name,
    learned_from_answer,
    mapping_problems,
    may_add_member,
    merge_fields,
    pushes_new_contact,
    resubscribe_request,
    resubscribed_after,
    split_name,
    unsubscribed_after,
)
from services.sync_rules import LocalMember

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


def test_join_name_is_the_inverse_of_split_name():
    assert join_name("Jane", "van Dyke") == "Jane van Dyke"
    assert join_name("", "Lee") == "Lee"
    assert join_name(None, None) == ""
    assert join_name(*split_name("Jane van Dyke")) == "Jane van Dyke"


def test_phone_is_e164_with_the_contact_country_and_garbage_is_left_out():
    assert format_phone("06 12 34 56 78", "FR") == ("+33612345678", None)
    assert format_phone("+1 650-253-0000", None) == ("+16502530000", None)
    assert format_phone("", "BE") == (None, None)
    assert format_phone("call me maybe", "BE") == (
        None,
        (WARNING_PHONE_NOT_UNDERSTOOD, {"phone": "call me maybe"}),
    )
    assert format_phone("123", "BE") == (None, (WARNING_PHONE_INVALID, {"phone": "123"}))


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
    # status_if_new only: an address Mailchimp already has keeps its status
    assert (decision.action, decision.status_if_new, decision.status) == (
        PUSH_CREATE,
        "subscribed",
        None,
    )
    dbl = PushOptions(push_new=True, double_optin=True)
    assert decide_push(local, dbl, MAPPING).status_if_new == "pending"


def test_a_contact_opted_out_by_anyone_is_never_added():
    # seed 9148334: the list's opt-out Odoo applied for Mailchimp (the person unsubscribed as
    # the member of the contact's old address) is no opt-out to send, yet no reason to add
    # the person anew either: created subscribed (or asked to confirm) they would look
    # reachable again
    mirrored = LocalContact(email="kim.lee@example.org", list_opted_out=True)
    assert not may_add_member(mirrored)
    assert not may_add_member(LocalContact(email="kim.lee@example.org", opted_out=True))
    assert may_add_member(LocalContact(email="kim.lee@example.org"))
    for opts in (ALL_ON, PushOptions(push_new=True, double_optin=True)):
        decision = decide_push(mirrored, opts, MAPPING)
        assert (decision.action, decision.reason, decision.status_if_new) == (
            PUSH_SKIP,
            REASON_OPTED_OUT_NOT_ADDED,
            None,
        )
    # a member Mailchimp has: the list's opt-out it mirrors changes nothing of its export
    member = LocalContact(
        email="kim.lee@example.org",
        list_opted_out=True,
        binding_status="unsubscribed",
        values={"first_name": "Kim"},
    )
    assert decide_push(member, ALL_ON, MAPPING).action == PUSH_UPDATE


def test_nothing_is_pushed_when_the_account_or_audience_says_no():
    local = LocalContact(email="a@example.com")
    assert (
        decide_push(local, PushOptions(push_contacts=False, push_new=True), {}).action == PUSH_SKIP
    )
    assert decide_push(local, PushOptions(push_new=False), {}).action == PUSH_SKIP


def test_invalid_address_is_skipped_with_its_reason():
    decision = decide_push(LocalContact(email="not-an-email"), ALL_ON, MAPPING)
    assert decision.action == PUSH_SKIP and decision.reason == REASON_INVALID_EMAIL
    assert decision.reason_args == {"email": "not-an-email"}


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
    assert (edited.action, edited.status, edited.status_if_new) == (PUSH_UPDATE, None, None)


def test_a_field_update_never_carries_a_status():
    """A stale 'subscribed' on the binding sent with a field update would re-subscribe a
    member archived or unsubscribed in Mailchimp since."""
    for status in ("subscribed", "pending", "unsubscribed", "transactional"):
        decision = decide_push(
            LocalContact(email="a@example.org", binding_status=status, values={"first_name": "N"}),
            ALL_ON,
            MAPPING,
        )
        assert decision.action == PUSH_UPDATE, status
        assert decision.status is None and decision.status_if_new is None, status


def test_newer_consent_wins_on_push():
    t1, t2 = datetime(2026, 1, 1, 10), datetime(2026, 1, 1, 11)
    # opted out in Odoo after Mailchimp's subscribe: pushed as an unsubscribe
    odoo_newer = LocalContact(
        email="a@example.org",
        opted_out=True,
        opted_out_at=t2,
        binding_status="subscribed",
        status_changed=t1,
    )
    assert decide_push(odoo_newer, ALL_ON, MAPPING).action == PUSH_UNSUBSCRIBE
    # re-subscribed in Mailchimp after the Odoo opt-out: a name edit sends the name only
    mc_newer = LocalContact(
        email="a@example.org",
        opted_out=True,
        opted_out_at=t1,
        binding_status="subscribed",
        status_changed=t2,
        values={"first_name": "New"},
    )
    decision = decide_push(mc_newer, ALL_ON, MAPPING)
    assert decision.action == PUSH_UPDATE and decision.status is None
    # an opt-out of unknown date is a current Odoo decision: pushed
    undated = LocalContact(email="a@example.org", opted_out=True, binding_status="subscribed")
    assert decide_push(undated, ALL_ON, MAPPING).action == PUSH_UNSUBSCRIBE


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


def test_an_opt_out_after_an_odoo_address_change_unsubscribes_the_member_mailchimp_has():
    """Issue 23: sent under the new address, the unsubscribe created a second, unsubscribed
    member while the real one stayed subscribed."""
    local = LocalContact(
        email="new@example.com",
        opted_out=True,
        binding_status="subscribed",
        binding_email="Old@Example.com",
    )
    decision = decide_push(local, ALL_ON, MAPPING)
    assert decision.action == PUSH_UNSUBSCRIBE and decision.status == "unsubscribed"
    assert decision.old_email == "old@example.com" and decision.merge_fields
    no_fields = decide_push(local, PushOptions(push_unsubscribes=True), MAPPING)
    assert no_fields.action == PUSH_UNSUBSCRIBE and no_fields.old_email == "old@example.com"
    assert no_fields.merge_fields == {}


def test_a_member_without_contact_gets_only_the_opt_out_of_its_address():
    """Issue 23: a binding Odoo keeps no contact of (unlinked after address changes on both
    sides, say) was skipped as an invalid address, so a person's blacklisting of its address
    never reached Mailchimp. Its opt-out is sent, without any field; nothing else is."""
    member = LocalContact(email="hugo@example.de", binding_status="subscribed", binding_only=True)
    assert decide_push(member, ALL_ON, MAPPING).action == PUSH_SKIP
    member.opted_out = True
    decision = decide_push(member, ALL_ON, MAPPING)
    assert decision.action == PUSH_UNSUBSCRIBE and decision.merge_fields == {}
    assert decide_push(member, PushOptions(push_fields=True), MAPPING).action == PUSH_SKIP
    member.binding_status = None
    assert decide_push(member, ALL_ON, MAPPING).action == PUSH_SKIP, "never added"


def test_only_an_unsubscribed_member_may_be_asked_to_resubscribe():
    assert resubscribe_request("unsubscribed") == ""
    for status in ("cleaned", "archived", "deleted", "transactional", None):
        assert resubscribe_request(status) == RESUBSCRIBE_REFUSED, status
    for status in ("subscribed", "pending"):
        assert resubscribe_request(status) == RESUBSCRIBE_NOT_NEEDED, status


def test_a_child_contact_without_address_uses_its_parents():
    assert contact_email(" kid@example.org ", "corp@example.org") == "kid@example.org"
    assert contact_email("", "corp@example.org") == "corp@example.org"
    assert contact_email(False, False) == ""


def test_new_contacts_are_pushed_from_the_sync_from_date_only():
    now = datetime(2026, 1, 2)
    assert pushes_new_contact(True, None, now)
    assert pushes_new_contact(True, datetime(2026, 1, 1), now)
    assert not pushes_new_contact(True, datetime(2026, 1, 3), now)
    assert not pushes_new_contact(False, None, now)


def test_mapping_problems_name_unknown_tags_and_unmapped_required_fields():
    known = {"FNAME": False, "LNAME": False, "BIRTHDAY": True}
    assert mapping_problems(["fname", "BIRTHDAY"], known) == []
    assert mapping_problems(["FNAME", "NOPE", "EMAIL"], known) == [
        ("unknown_tag", ["NOPE"]),
        ("required_missing", ["BIRTHDAY"]),
    ]
    assert mapping_problems(["ANYTHING"], {}) == [], "merge fields not read yet: nothing known"


def test_an_opt_out_of_the_new_address_only_goes_with_the_member_moving_there():
    """Issue 23, seed 91137574: another contact at the address the linked contact moved to
    opted out; the member could not move there (another member has it) and was unsubscribed
    at its old address all the same."""
    local = LocalContact(
        email="new@example.com",
        opted_out=True,
        opted_out_at=datetime(2026, 1, 2),
        binding_status="subscribed",
        binding_email="old@example.com",
        status_changed=datetime(2026, 1, 1),
    )
    decision = decide_push(local, ALL_ON, MAPPING)
    assert decision.action == PUSH_UNSUBSCRIBE and not decision.opt_out_stays
    local.own_opted_out_at = datetime(2026, 1, 2)
    assert decide_push(local, ALL_ON, MAPPING).opt_out_stays
    # an own opt-out older than Mailchimp's last status is no decision to send
    local.own_opted_out_at = datetime(2025, 12, 1)
    assert not decide_push(local, ALL_ON, MAPPING).opt_out_stays


# ----------------------------------------------------------------------------------------
# what Mailchimp decided that an export learns of (before and after its calls)
# ----------------------------------------------------------------------------------------
def test_guards_before_an_unsubscribe_is_sent():
    out = datetime(2026, 1, 1, 10)
    member = {
        "status": "subscribed",
        "timestamp_opt": "2026-01-01T11:00:00+00:00",
        "last_changed": "2026-01-01T11:00:00+00:00",
    }
    assert resubscribed_after(member, out), "opted in again after Odoo's opt-out"
    assert not resubscribed_after(member, datetime(2026, 1, 1, 12))
    assert not resubscribed_after(dict(member, status="unsubscribed"), out)
    assert not resubscribed_after({"status": "subscribed"}, out), "no opt-in time: not known"
    gone = {"status": "unsubscribed", "last_changed": "2026-01-01T11:00:00+00:00"}
    assert unsubscribed_after(gone, out)
    assert not unsubscribed_after(gone, datetime(2026, 1, 1, 11))
    assert not unsubscribed_after({"status": "unsubscribed"}, out)


def test_learned_from_answer():
    read = datetime(2026, 1, 1, 10)
    subscribed = LocalMember(status="subscribed", last_changed=read, status_changed=read)
    # Odoo's own request, answered: nothing learned
    assert learned_from_answer(subscribed, "unsubscribed", "unsubscribed") is False
    assert learned_from_answer(subscribed, "subscribed", None) is False
    # another status than the one Odoo read, not asked: the import applies it
    assert learned_from_answer(subscribed, "unsubscribed", None) == LEARN_IMPORT
    # no status known, an unsubscribe or bounce this export did not ask: a resync
    assert learned_from_answer(LocalMember(), "cleaned", None) == LEARN_RESYNC
    assert learned_from_answer(LocalMember(), "subscribed", None) is False
    # the same unsubscribe, reached again through an opt-in Odoo never read
    left = LocalMember(status="unsubscribed", last_changed=read, status_changed=read)
    again = {
        "status": "unsubscribed",
        "timestamp_opt": "2026-01-01T11:00:00+00:00",
        "last_changed": "2026-01-01T12:00:00+00:00",
    }
    assert learned_from_answer(left, "unsubscribed", None, again) == LEARN_IMPORT
    assert learned_from_answer(left, "unsubscribed", "unsubscribed", again) is False
