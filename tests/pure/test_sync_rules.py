"""Sync decisions (services/sync_rules.py): no Odoo, no HTTP."""

from datetime import datetime, timedelta

from services.identity import member_key
from services.sync_rules import (
    ACTION_CREATE,
    ACTION_SKIP,
    ACTION_UPDATE,
    BLACKLIST_LIFTED,
    BLACKLIST_OPT_OUT,
    NAMES_NOT_OVERRIDDEN,
    LocalMember,
    MemberElsewhere,
    OdooConsent,
    PullOptions,
    blacklist_consent,
    clean_merge_fields,
    clean_text,
    decide_pull,
    format_mc_datetime,
    lifted_in_odoo,
    name_updates,
    parse_mc_datetime,
    synced_names,
)

T0 = "2026-01-01T10:00:00+00:00"
T1 = "2026-01-01T11:00:00+00:00"
HOUR = timedelta(hours=1)


def at(value):
    return parse_mc_datetime(value)


def remote(status="subscribed", fname="Ann", lname="Lee", last_changed=T0):
    return {
        "email_address": "Ann@Example.com",
        "status": status,
        "last_changed": last_changed,
        "merge_fields": {"FNAME": fname, "LNAME": lname},
    }


def known(status="subscribed", first="Ann", last="Lee", synced=("Ann", "Lee"), changed=T0):
    return LocalMember(
        status=status,
        last_changed=parse_mc_datetime(changed),
        has_contact=True,
        first_name=first,
        last_name=last,
        synced_first_name=synced[0],
        synced_last_name=synced[1],
    )


def test_member_key_is_case_insensitive_and_rejects_garbage():
    assert member_key("  Ann@Example.COM ") == "ann@example.com"
    assert member_key("Ann <ann@example.com>") == "ann@example.com"
    assert member_key("not an email") == ""
    assert member_key(None) == ""


def test_datetimes_round_trip_in_utc():
    parsed = parse_mc_datetime("2026-01-01T12:00:00+02:00")
    assert parsed == datetime(2026, 1, 1, 10, 0, 0)
    assert format_mc_datetime(parsed) == "2026-01-01T10:00:00+00:00"
    assert parse_mc_datetime("") is None


def test_new_subscriber_becomes_contact_with_names():
    decision = decide_pull(remote(), None, PullOptions())
    assert decision.action == ACTION_CREATE
    assert decision.create_contact
    assert decision.contact_values == {"first_name": "Ann", "last_name": "Lee"}
    assert not decision.opt_out and not decision.create_partner


def test_new_member_without_import_new_is_binding_only():
    decision = decide_pull(remote(), None, PullOptions(import_new=False))
    assert decision.action == ACTION_CREATE
    assert not decision.create_contact


def test_auto_create_customers_asks_for_partner():
    decision = decide_pull(remote(), None, PullOptions(create_partner=True))
    assert decision.create_partner


def test_new_unsubscribed_is_opted_out_or_not_imported():
    decision = decide_pull(remote("unsubscribed"), None, PullOptions())
    assert decision.create_contact and decision.opt_out and not decision.blacklist
    decision = decide_pull(remote("unsubscribed"), None, PullOptions(import_unsubscribes=False))
    assert not decision.create_contact


def test_new_cleaned_is_blacklisted():
    decision = decide_pull(remote("cleaned"), None, PullOptions())
    assert decision.opt_out and decision.blacklist


def test_archived_new_member_never_becomes_a_contact():
    decision = decide_pull(remote("archived"), None, PullOptions())
    assert decision.action == ACTION_CREATE
    assert not decision.create_contact


def test_unchanged_member_is_skipped():
    assert decide_pull(remote(), known(), PullOptions()).action == ACTION_SKIP


def test_a_field_change_in_the_second_odoo_read_the_member_in_is_applied():
    # last_changed has whole seconds: a second change within the same second keeps it
    local = known()
    local.merge_fields = {"FNAME": "Ann", "LNAME": "Lee"}
    same_second = remote(fname="Anna", last_changed=T0)
    decision = decide_pull(same_second, local, PullOptions(override_name=True))
    assert decision.action == ACTION_UPDATE
    assert decision.contact_values == {"first_name": "Anna"}
    # the fields Odoo stored, or an older read: nothing new
    assert decide_pull(remote(last_changed=T0), local, PullOptions()).action == ACTION_SKIP
    older = remote(fname="Anna", last_changed="2026-01-01T09:00:00+00:00")
    assert decide_pull(older, local, PullOptions()).action == ACTION_SKIP
    # what Odoo stored not known: compared by the date only, as before
    assert decide_pull(same_second, known(), PullOptions()).action == ACTION_SKIP


def test_changed_member_is_updated_with_untouched_names():
    decision = decide_pull(
        remote(fname="Anna", last_changed=T1), known(), PullOptions(override_name=True)
    )
    assert decision.action == ACTION_UPDATE
    assert decision.contact_values == {"first_name": "Anna"}


def test_odoo_change_wins_over_mailchimp_change():
    local = known(first="Annie")  # changed in Odoo: differs from the synced value
    decision = decide_pull(
        remote(fname="Anna", last_changed=T1), local, PullOptions(override_name=True)
    )
    assert "first_name" not in decision.contact_values


def test_a_name_waiting_for_the_export_stays_unsynced_through_an_import():
    local = known(first="Annie")  # changed in Odoo, the export not run yet
    # the import wrote the binding (last name pulled): the waiting first name stays
    # unsynced, so that the next change read from Mailchimp does not overwrite it
    assert synced_names(local, "Annie", "Leigh", export_pending=True) == {
        "synced_last_name": "Leigh"
    }
    # no export coming (the audience does not push fields): what Odoo has is the synced value
    assert synced_names(local, "Annie", "Leigh", export_pending=False) == {
        "synced_first_name": "Annie",
        "synced_last_name": "Leigh",
    }
    # a new binding, or one that gets its contact now
    assert synced_names(None, "Ann", "", export_pending=True) == {
        "synced_first_name": "Ann",
        "synced_last_name": "",
    }


def test_without_override_a_differing_name_stays_but_an_empty_one_is_filled():
    decision = decide_pull(remote(fname="Anna", last_changed=T1), known(), PullOptions())
    assert decision.contact_values == {}
    local = known(first="", synced=("", "Lee"))
    decision = decide_pull(remote(fname="Anna", last_changed=T1), local, PullOptions())
    assert decision.contact_values == {"first_name": "Anna"}


def test_the_name_rule_says_when_a_name_is_kept_because_names_are_not_overridden():
    changed = remote(fname="Anna", last_changed=T1)
    # override off: Mailchimp's differing name is not written, and the rule says why
    assert name_updates(changed, known(), PullOptions()) == ({}, NAMES_NOT_OVERRIDDEN)
    decision = decide_pull(changed, known(), PullOptions())
    assert decision.contact_values == {} and decision.name_reason == NAMES_NOT_OVERRIDDEN
    # override on: written, nothing to explain
    assert name_updates(changed, known(), PullOptions(override_name=True)) == (
        {"first_name": "Anna"},
        "",
    )
    # the same name on both sides, an empty Odoo name filled, a name changed in Odoo (Odoo
    # wins, whatever the option): no reason either
    assert name_updates(remote(last_changed=T1), known(), PullOptions()) == ({}, "")
    empty = known(first="", synced=("", "Lee"))
    assert name_updates(changed, empty, PullOptions()) == ({"first_name": "Anna"}, "")
    assert name_updates(changed, known(first="Annie"), PullOptions()) == ({}, "")
    # one name kept, the other (empty in Odoo) filled
    both = remote(fname="Anna", lname="Lee", last_changed=T1)
    local = known(last="", synced=("Ann", ""))
    assert name_updates(both, local, PullOptions()) == ({"last_name": "Lee"}, NAMES_NOT_OVERRIDDEN)


def test_pull_fields_off_pulls_no_field():
    decision = decide_pull(
        remote(fname="Anna", last_changed=T1),
        known(),
        PullOptions(pull_fields=False, override_name=True),
    )
    assert decision.action == ACTION_UPDATE and decision.contact_values == {}


def test_unsubscribe_after_import_opts_out():
    decision = decide_pull(remote("unsubscribed", last_changed=T1), known(), PullOptions())
    assert decision.opt_out and not decision.blacklist
    decision = decide_pull(
        remote("unsubscribed", last_changed=T1), known(), PullOptions(import_unsubscribes=False)
    )
    assert not decision.opt_out


def test_permanently_deleted_tombstone_is_never_touched_by_old_data():
    decision = decide_pull(
        remote(last_changed=T0), known(status="deleted", changed=T1), PullOptions()
    )
    assert decision.action == ACTION_SKIP
    full = decide_pull(
        remote(last_changed=T0), known(status="deleted", changed=T1), PullOptions(), full=True
    )
    assert full.action == ACTION_SKIP and not full.opt_out


def test_a_new_sign_up_after_a_permanent_delete_is_the_persons_own_decision():
    decision = decide_pull(remote(last_changed=T1), known(status="deleted"), PullOptions())
    assert decision.action == ACTION_UPDATE and decision.status_changed


def test_member_resubscribed_remotely_follows_the_persons_newer_decision():
    """Unsubscribed (no contact: unsubscribes were not imported), then re-subscribed in
    Mailchimp by the person: the newer decision wins, the subscriber becomes a contact."""
    local = LocalMember(status="unsubscribed", last_changed=parse_mc_datetime(T0))
    decision = decide_pull(remote("subscribed", last_changed=T1), local, PullOptions())
    assert decision.action == ACTION_UPDATE and decision.status_changed
    assert decision.create_contact


def test_resubscribe_in_mailchimp_lifts_an_older_odoo_opt_out_only():
    older = known(status="unsubscribed")
    older.opted_out_at = older.list_opted_out_at = parse_mc_datetime(T0)
    decision = decide_pull(remote("subscribed", last_changed=T1), older, PullOptions())
    assert decision.clear_opt_out and not decision.opt_out
    newer = known(status="unsubscribed")
    newer.opted_out_at = newer.list_opted_out_at = parse_mc_datetime("2026-01-01T12:00:00+00:00")
    decision = decide_pull(remote("subscribed", last_changed=T1), newer, PullOptions())
    assert not decision.clear_opt_out, "the Odoo opt-out is newer: it stands (and is pushed)"
    # a field edit in Mailchimp (status unchanged) never touches Odoo's opt-out
    same = known(status="subscribed")
    same.opted_out_at = same.list_opted_out_at = parse_mc_datetime(T0)
    decision = decide_pull(remote("subscribed", fname="X", last_changed=T1), same, PullOptions())
    assert not decision.clear_opt_out and not decision.opt_out


def test_full_resync_restores_lost_consent_of_unchanged_members():
    for status, blacklist in (("unsubscribed", False), ("cleaned", True)):
        decision = decide_pull(remote(status), known(status=status), PullOptions(), full=True)
        assert decision.action == ACTION_SKIP
        assert decision.opt_out and decision.blacklist == blacklist
        incremental = decide_pull(remote(status), known(status=status), PullOptions())
        assert not incremental.opt_out


def test_a_pending_member_is_no_consent_the_opt_out_stays():
    """A double opt-in asked (pending) is no consent yet: Odoo's older opt-out stays until the
    person confirms (subscribed); for a member Odoo knew and a new one alike (issue 26)."""
    older = known(status="unsubscribed")
    older.opted_out_at = older.list_opted_out_at = parse_mc_datetime(T0)
    decision = decide_pull(remote("pending", last_changed=T1), older, PullOptions())
    assert decision.status_changed and not decision.clear_opt_out
    confirmed = decide_pull(remote("subscribed", last_changed=T1), older, PullOptions())
    assert confirmed.clear_opt_out
    odoo = OdooConsent(list_opted_out_at=parse_mc_datetime(T0))
    new = decide_pull(remote("pending", last_changed=T1), None, PullOptions(), odoo=odoo)
    assert not new.clear_opt_out
    new = decide_pull(remote("subscribed", last_changed=T1), None, PullOptions(), odoo=odoo)
    assert new.clear_opt_out


def test_a_users_opt_in_does_not_undo_an_unsubscribe_read_later():
    """An Odoo user's opt-in is not dated as a decision (``opted_in_at`` stays None): the
    unsubscribe Odoo reads afterwards, older or not, is applied; the person's own opt-in,
    newer than the unsubscribe, stands."""
    local = known(status="subscribed")
    decision = decide_pull(remote("unsubscribed", last_changed=T1), local, PullOptions())
    assert decision.opt_out
    local.opted_in_at = parse_mc_datetime("2026-01-01T12:00:00+00:00")  # the person's
    decision = decide_pull(remote("unsubscribed", last_changed=T1), local, PullOptions())
    assert not decision.opt_out


def test_hostile_merge_values_are_cleaned():
    assert clean_text("A\x00nn") == "Ann"
    assert clean_text(42) == "42"
    assert clean_text(None) == "" and clean_text({"x": 1}) == ""
    assert len(clean_text("x" * 5000)) == 1000
    merges = clean_merge_fields({"FNAME": 7, "LNAME": "Lee\x00", "ADDRESS": {"addr1": None}})
    assert merges == {"FNAME": "7", "LNAME": "Lee", "ADDRESS": {"addr1": ""}}
    assert clean_merge_fields("garbage") == {}


def test_archived_binding_resubscribed_remotely_becomes_a_contact():
    local = LocalMember(status="archived", last_changed=parse_mc_datetime(T0))
    decision = decide_pull(remote("subscribed", last_changed=T1), local, PullOptions())
    assert decision.create_contact


def test_an_odoo_opt_out_newer_than_mailchimps_subscribe_is_sent_back():
    """Blacklisted (by the person) or opted out in Odoo after Mailchimp's last status change,
    while Odoo still thought the member unsubscribed: the import that learns Mailchimp's
    subscribed status asks the export to send Odoo's newer opt-out, and lifts nothing."""
    local = known(status="unsubscribed")
    local.opted_out_at = parse_mc_datetime("2026-01-01T12:00:00+00:00")
    decision = decide_pull(remote("subscribed", last_changed=T1), local, PullOptions())
    assert decision.push_opt_out and not decision.clear_opt_out
    unchanged = known(status="subscribed", changed=T1)
    unchanged.status_changed = parse_mc_datetime(T0)
    unchanged.opted_out_at = parse_mc_datetime(T1)
    full = decide_pull(remote("subscribed", last_changed=T1), unchanged, PullOptions(), full=True)
    assert full.action == ACTION_SKIP and full.push_opt_out


T2 = "2026-01-01T12:00:00+00:00"
T3 = "2026-01-01T13:00:00+00:00"


def test_an_odoo_opt_out_made_before_the_first_import_is_sent_back():
    """Opted out (or blacklisted by the person) in Odoo after the person subscribed in
    Mailchimp, before Odoo had read the member: the first import asks the export to send it;
    the opt-in time (not a later profile edit) dates Mailchimp's decision."""
    member = dict(remote("subscribed", last_changed=T2), timestamp_opt=T0)
    decision = decide_pull(member, None, PullOptions(), odoo=OdooConsent(opted_out_at=at(T1)))
    assert decision.action == ACTION_CREATE and decision.push_opt_out
    assert decision.decided_at == at(T0)
    older = decide_pull(member, None, PullOptions(), odoo=OdooConsent(opted_out_at=at(T0) - HOUR))
    assert not older.push_opt_out, "subscribed after the Odoo opt-out: the newer decision stands"


def test_a_profile_edit_never_reapplies_an_old_unsubscribe():
    """Unsubscribed in Mailchimp (applied to Odoo back then), opted in again in Odoo: a later
    profile edit in Mailchimp (status unchanged) does not opt the contact out again; a Full
    Resync does not either (Odoo's opt-in is newer), but restores a lost opt-out."""
    local = known(status="unsubscribed")
    local.status_changed = at(T0)
    local.opted_in_at = at(T1)
    edit = remote("unsubscribed", fname="Edited", last_changed=T2)
    assert not decide_pull(edit, local, PullOptions()).opt_out
    assert not decide_pull(edit, local, PullOptions(), full=True).opt_out
    lost = known(status="unsubscribed")
    lost.status_changed = at(T0)
    assert decide_pull(edit, lost, PullOptions(), full=True).opt_out
    assert not decide_pull(edit, lost, PullOptions()).opt_out


def test_a_bounce_older_than_an_unblacklisting_is_not_applied_again():
    member = remote("cleaned", last_changed=T1)
    lifted = decide_pull(member, None, PullOptions(), odoo=OdooConsent(unblacklisted_at=at(T2)))
    assert lifted.opt_out and not lifted.blacklist
    newer_bounce = decide_pull(
        member, None, PullOptions(), odoo=OdooConsent(unblacklisted_at=at(T0))
    )
    assert newer_bounce.blacklist
    same_second = decide_pull(
        member, None, PullOptions(), odoo=OdooConsent(unblacklisted_at=at(T1))
    )
    assert same_second.blacklist, "order unknown: the bounce stands"
    local = known(status="subscribed")
    local.unblacklisted_at = at(T2)
    assert not decide_pull(member, local, PullOptions()).blacklist


def test_a_resubscription_missed_between_two_imports_is_seen_by_its_opt_in_time():
    """Subscribed -> unsubscribed -> subscribed between two imports: the status looks
    unchanged, the opt-in time tells; an Odoo opt-out made in between is lifted, one made
    after it is sent back."""
    local = known(status="subscribed")
    local.status_changed = at(T0)
    local.opted_out_at = local.list_opted_out_at = at(T1)
    member = dict(remote("subscribed", fname="Ann", last_changed=T3), timestamp_opt=T2)
    decision = decide_pull(member, local, PullOptions())
    assert decision.status_changed and decision.decided_at == at(T2)
    assert decision.clear_opt_out and not decision.push_opt_out
    local.opted_out_at = local.list_opted_out_at = at(T3)
    decision = decide_pull(member, local, PullOptions())
    assert decision.push_opt_out and not decision.clear_opt_out
    # an opt-in time Odoo already knew is no news
    local.status_changed = at(T2)
    local.opted_out_at = local.list_opted_out_at = at(T1)
    decision = decide_pull(member, local, PullOptions())
    assert not decision.status_changed and decision.push_opt_out is False
    assert not decision.clear_opt_out


def test_an_unsubscribe_after_a_missed_resubscription_is_a_new_decision():
    """Issue 23 (seed 7274): unsubscribed (applied), opted in again in Odoo, then re-subscribed
    and unsubscribed again in Mailchimp between two imports: the status looks unchanged, the
    opt-in time tells that the unsubscribe is newer than Odoo's opt-in; a profile edit alone
    (opt-in time Odoo knew) still re-applies nothing."""
    local = known(status="unsubscribed", changed=T0)
    local.status_changed = at(T0)
    local.opted_in_at = at(T1)
    again = dict(remote("unsubscribed", last_changed=T3), timestamp_opt=T2)
    decision = decide_pull(again, local, PullOptions())
    assert decision.status_changed and decision.decided_at == at(T3)
    assert decision.opt_out and not decision.blacklist
    bounced = dict(again, status="cleaned")
    local.status = "cleaned"
    assert decide_pull(bounced, local, PullOptions()).blacklist
    local.status = "unsubscribed"
    edit = dict(remote("unsubscribed", fname="Edited", last_changed=T3), timestamp_opt=T0)
    decision = decide_pull(edit, local, PullOptions())
    assert not decision.status_changed and not decision.opt_out
    # without import_unsubscribes nothing is applied, whatever the opt-in time says
    assert not decide_pull(again, local, PullOptions(import_unsubscribes=False)).opt_out


def test_a_new_member_subscribed_after_an_odoo_opt_out_lifts_it():
    """Issue 23 (seed 72109387): a contact opted out (for its earlier address, say), then a
    member subscribed in Mailchimp at its address: the newest decision lifts the opt-out; an
    Odoo opt-out newer than the subscription is sent back instead."""
    member = dict(remote("subscribed", last_changed=T2), timestamp_opt=T2)
    lifted = decide_pull(
        member, None, PullOptions(), odoo=OdooConsent(opted_out_at=at(T1), list_opted_out_at=at(T1))
    )
    assert lifted.clear_opt_out and not lifted.push_opt_out
    newer = decide_pull(
        member, None, PullOptions(), odoo=OdooConsent(opted_out_at=at(T3), list_opted_out_at=at(T3))
    )
    assert newer.push_opt_out and not newer.clear_opt_out
    kept = PullOptions(import_unsubscribes=False)
    assert not decide_pull(
        member, None, kept, odoo=OdooConsent(opted_out_at=at(T1), list_opted_out_at=at(T1))
    ).clear_opt_out


def test_a_member_back_from_a_wrong_tombstone_brings_no_old_decision():
    """Issue 23 (seed 93354867): a member moved to another address and back was marked
    deleted meanwhile; back with the same web_id, its old unsubscribe is no new decision
    (a person's opt-in made in Odoo since stands), unless it opted in since."""
    local = known(status="deleted", changed=T1)
    local.status_changed, local.web_id, local.opted_in_at = at(T0), "100003", at(T2)
    back = dict(remote("unsubscribed", last_changed=T3), web_id=100003, timestamp_opt=T0)
    decision = decide_pull(back, local, PullOptions())
    assert decision.action == ACTION_UPDATE and not decision.status_changed
    assert not decision.opt_out
    again = dict(back, timestamp_opt=T2)
    assert decide_pull(again, local, PullOptions()).status_changed, "opted in and left since"
    other = dict(back, web_id=200001, timestamp_signup=T3)
    assert decide_pull(other, local, PullOptions()).status_changed, "another member"


def test_a_newer_blacklisting_is_sent_and_an_older_list_opt_out_lifted_all_the_same():
    """Issue 23 (seed 416593109): the list opt-out (older than the subscription) and a
    person's blacklisting (newer) are weighed apart: the blacklisting is sent back, the list
    opt-out lifted, so that it does not outlive the blacklisting."""
    member = dict(remote("subscribed", last_changed=T2), timestamp_opt=T2)
    odoo = OdooConsent(opted_out_at=at(T3), list_opted_out_at=at(T1))
    new = decide_pull(member, None, PullOptions(), odoo=odoo)
    assert new.push_opt_out and new.clear_opt_out
    local = known(status="unsubscribed", changed=T0)
    local.opted_out_at, local.list_opted_out_at = at(T3), at(T1)
    changed = decide_pull(member, local, PullOptions())
    assert changed.push_opt_out and changed.clear_opt_out
    local.list_opted_out_at = at(T3)  # the list's own opt-out is the newer one: it stays
    assert not decide_pull(member, local, PullOptions()).clear_opt_out


def test_a_new_member_lifts_an_opt_out_that_was_another_members_status():
    """Issue 23 (seed 5700306): the newest list opt-out on the address is one Odoo applied for
    Mailchimp (another member's unsubscribe, the contact's before it moved): a new subscribed
    member lifts it whatever its date; a person's newer opt-out is sent back instead."""
    member = dict(remote("subscribed", last_changed=T1), timestamp_opt=T1)
    mirrored = OdooConsent(list_opted_out_at=at(T2), mirrored_opted_out_at=at(T2))
    decision = decide_pull(member, None, PullOptions(), odoo=mirrored)
    assert decision.clear_opt_out and not decision.push_opt_out
    persons = OdooConsent(
        opted_out_at=at(T2), list_opted_out_at=at(T2), mirrored_opted_out_at=at(T0)
    )
    decision = decide_pull(member, None, PullOptions(), odoo=persons)
    assert decision.push_opt_out and not decision.clear_opt_out


def test_lifting_needs_a_later_second():
    assert lifted_in_odoo(at(T1), at(T0))
    assert not lifted_in_odoo(at(T0), at(T0))
    assert not lifted_in_odoo(None, at(T0))
    assert not lifted_in_odoo(at(T1), None)


def test_a_member_added_again_since_the_last_read_is_a_new_decision():
    """Cleaned, permanently deleted, added again and cleaned again between two imports: the
    status looks unchanged, the sign-up time tells; the new bounce is applied."""
    local = known(status="cleaned", changed=T0)
    local.status_changed = at(T0)
    local.unblacklisted_at = at(T1)
    member = dict(remote("cleaned", last_changed=T3), timestamp_signup=T2)
    decision = decide_pull(member, local, PullOptions())
    assert decision.status_changed and decision.opt_out and decision.blacklist
    old_signup = dict(member, timestamp_signup=T0)
    decision = decide_pull(old_signup, local, PullOptions())
    assert not decision.status_changed and not decision.blacklist


def test_a_member_odoo_created_is_not_taken_as_resubscribed_by_a_profile_edit():
    """A binding the export made knows no status change yet: an opt-in time no newer than
    what Odoo read is no news, so a profile edit does not date Mailchimp's decision."""
    local = known(status="subscribed", changed=T0)
    local.opted_out_at = at(T1)
    member = dict(remote("subscribed", fname="Edited", last_changed=T2), timestamp_opt=T0)
    decision = decide_pull(member, local, PullOptions())
    assert not decision.status_changed and decision.push_opt_out


def _moved(status, web_id="7", **extra):
    return {**remote(status, last_changed=T1), "web_id": web_id, **extra}


def test_a_member_back_from_a_wrong_tombstone_with_another_status_decided_it_meanwhile():
    """Issue 23, seed 37543093: moved away (the binding taken for deleted) and back, then
    cleaned at its old address: the bounce was taken for the old status coming back."""
    tomb = known(status="deleted")
    tomb.web_id = "7"
    tomb.status_before_deleted = "subscribed"
    cleaned = decide_pull(_moved("cleaned"), tomb, PullOptions())
    assert cleaned.status_changed and cleaned.opt_out and cleaned.blacklist
    # what Odoo read of it at the address it had moved to counts first
    seen_there = decide_pull(
        _moved("cleaned"), tomb, PullOptions(), elsewhere=MemberElsewhere("cleaned", at(T0))
    )
    assert not seen_there.status_changed and not seen_there.blacklist
    tomb.status_before_deleted = "cleaned"
    same = decide_pull(_moved("cleaned"), tomb, PullOptions())
    assert not same.status_changed and not same.opt_out


def test_another_member_at_the_address_brings_a_decision_odoo_never_saw():
    """Issue 23, seed 536160895: the member Odoo read moved away, another one signed up at
    its address and unsubscribed: the same status as the old one's read as no change."""
    local = known(status="unsubscribed")
    local.web_id = "7"
    local.opted_in_at = at(T0)  # a person's opt-in in Odoo, after the old one's unsubscribe
    decision = decide_pull(_moved("unsubscribed", web_id="8"), local, PullOptions())
    assert decision.status_changed and decision.opt_out


def test_a_moved_members_status_is_dated_where_odoo_read_it_first():
    """Issue 23, seed 347742514: a member unsubscribed at its old address, then moved to an
    address whose contact a person had opted in since: the address change (last_changed) is
    no new unsubscribe."""
    odoo = OdooConsent(opted_in_at=at(T0) + HOUR / 2)
    elsewhere = MemberElsewhere("unsubscribed", at(T0))
    moved = _moved("unsubscribed", last_changed=T1, timestamp_opt="2025-12-01T00:00:00+00:00")
    decision = decide_pull(moved, None, PullOptions(), odoo=odoo, elsewhere=elsewhere)
    assert decision.decided_at == at(T0) and not decision.opt_out
    # opted in since Odoo read it there: Odoo cannot date its status
    again = dict(moved, timestamp_opt="2026-01-01T10:30:00+00:00")
    decision = decide_pull(again, None, PullOptions(), odoo=odoo, elsewhere=elsewhere)
    assert decision.decided_at == at(T1) and decision.opt_out


def test_another_members_status_mirrored_on_the_contact_does_not_hold_against_a_newcomer():
    """Issue 23, seed 119123557: the opt-out Odoo applied for the bounce of the contact's
    member before it moved was kept against another member, subscribed, that moved in."""
    local = known(status="deleted", changed=T0)
    local.web_id = "7"
    local.list_opted_out_at = local.mirrored_opted_out_at = at(T0) + HOUR / 2
    elsewhere = MemberElsewhere("subscribed", at(T0))
    newcomer = _moved("subscribed", web_id="8")
    decision = decide_pull(newcomer, local, PullOptions(), elsewhere=elsewhere)
    assert decision.status_changed and decision.clear_opt_out
    # a person's own opt-out of the list, newer than the subscription, stays
    local.mirrored_opted_out_at = None
    decision = decide_pull(newcomer, local, PullOptions(), elsewhere=elsewhere)
    assert not decision.clear_opt_out


def test_what_odoo_read_of_a_member_elsewhere_does_not_date_the_member_read_here():
    """Issue 23, seed 267388751: a member read at its new address (pending after a
    re-subscription request) unsubscribed again; its status was dated where Odoo had read it
    at its old address, before a person's opt-in in Odoo."""
    local = known(status="pending", changed=T0)
    local.web_id = "7"
    local.opted_in_at = at(T0) + HOUR / 2
    elsewhere = MemberElsewhere("unsubscribed", at(T0) - HOUR)
    decision = decide_pull(_moved("unsubscribed"), local, PullOptions(), elsewhere=elsewhere)
    assert decision.decided_at == at(T1) and decision.opt_out


def test_a_bounce_is_not_an_opt_out():
    assert blacklist_consent(active=True, bounce=False) == BLACKLIST_OPT_OUT
    assert blacklist_consent(active=True, bounce=True) is None
    # an archived entry is an un-blacklisting, whatever it recorded
    assert blacklist_consent(active=False, bounce=False) == BLACKLIST_LIFTED
    assert blacklist_consent(active=False, bounce=True) == BLACKLIST_LIFTED
    # a user's un-blacklisting is not the person's consent: it says nothing
    assert blacklist_consent(active=False, bounce=False, lift_counts=False) is None
    assert blacklist_consent(active=True, bounce=False, lift_counts=False) == BLACKLIST_OPT_OUT
    assert {BLACKLIST_OPT_OUT, BLACKLIST_LIFTED} <= set(vars(OdooConsent()))
