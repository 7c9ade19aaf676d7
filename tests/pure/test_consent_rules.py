"""Consent rules: anyone may withdraw consent, only the person may give it (issue 26)."""

from services.consent_rules import (
    OPT_IN_APPLY,
    OPT_IN_KEPT,
    OPT_IN_REQUEST,
    counts_as_opt_in,
    decided_by_person,
    lifts_odoo_opt_out,
    odoo_opt_in,
)


def test_decided_by_person_on_public_pages_only():
    assert decided_by_person(share_user=True)  # the unsubscribe page's public user, portal
    assert decided_by_person(share_user=False, acting_for_person=True)
    assert not decided_by_person(share_user=False)  # a backend user, a job


def test_a_users_opt_in_of_an_unsubscribed_person_is_a_request():
    assert odoo_opt_in(["unsubscribed"], by_person=False) == OPT_IN_REQUEST
    assert odoo_opt_in(["subscribed", "unsubscribed"], by_person=False) == OPT_IN_REQUEST


def test_a_bounce_is_a_fact():
    assert odoo_opt_in(["cleaned"], by_person=False) == OPT_IN_KEPT
    assert odoo_opt_in(["unsubscribed", "cleaned"], by_person=False) == OPT_IN_KEPT


def test_a_users_opt_in_applies_where_mailchimp_holds_consent():
    for statuses in ([], ["subscribed"], ["pending"], ["archived"], ["deleted"]):
        assert odoo_opt_in(statuses, by_person=False) == OPT_IN_APPLY, statuses


def test_the_persons_opt_in_is_their_newest_decision():
    for statuses in ([], ["unsubscribed"], ["cleaned"]):
        assert odoo_opt_in(statuses, by_person=True) == OPT_IN_APPLY


def test_only_the_person_or_the_connector_dates_an_opt_in():
    assert counts_as_opt_in(by_person=True)
    assert counts_as_opt_in(by_person=False, by_connector=True)
    assert not counts_as_opt_in(by_person=False)


def test_only_a_subscription_lifts_an_odoo_opt_out():
    assert lifts_odoo_opt_out("subscribed")
    for status in ("pending", "unsubscribed", "cleaned", "archived", "transactional", None):
        assert not lifts_odoo_opt_out(status)
