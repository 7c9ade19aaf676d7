"""Mailchimp emulator and client: interest categories and interests (types, paging, the 60
limit), members' ``interests`` and the ``Interests`` conditions of a campaign's send."""

from datetime import UTC, datetime

import pytest

from services import mailchimp_errors as mce
from services.mailchimp_data import (
    campaign_recipients,
    interest_body,
    interest_category_body,
    interests_item,
)

HTML = '<html><body><p>Hi</p><a href="*|UNSUB|*">u</a>*|HTML:LIST_ADDRESS_HTML|*</body></html>'


@pytest.fixture
def audience(emulator):
    emulator.state.freeze(datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    return emulator.state.add_list("Interests")


def test_categories_types_and_interests(client, audience):
    cat = client.create_interest_category(audience, interest_category_body("Topics"))
    assert cat["type"] == "checkboxes" and len(cat["id"]) == 10
    for kind in ("dropdown", "radio", "hidden"):
        client.create_interest_category(audience, interest_category_body(kind.title(), kind))
    with pytest.raises(mce.MailchimpBadRequest):
        client.create_interest_category(audience, interest_category_body("Bad", "select"))
    assert [c["type"] for c in client.interest_categories(audience)] == [
        "checkboxes",
        "dropdown",
        "radio",
        "hidden",
    ]
    news = client.create_interest(audience, cat["id"], interest_body("Newsletter"))
    assert news["name"] == "Newsletter" and news["subscriber_count"] == "0"
    with pytest.raises(mce.MailchimpBadRequest):  # same name twice in a category
        client.create_interest(audience, cat["id"], interest_body("newsletter"))
    assert [i["id"] for i in client.interests(audience, cat["id"])] == [news["id"]]


def test_sixty_interests_per_audience_then_refused(client, emulator, audience):
    cats = [
        client.create_interest_category(audience, interest_category_body(f"C{n}"))["id"]
        for n in range(2)
    ]
    for n in range(60):
        client.create_interest(audience, cats[n % 2], interest_body(f"I{n}"))
    with pytest.raises(mce.MailchimpBadRequest) as err:
        client.create_interest(audience, cats[0], interest_body("One too many"))
    assert err.value.detail == (
        "Cannot have more than 60 interests per list (Across all categories)"
    )
    # pages: 10 by default, all of them through the client (count up to 1,000)
    st = emulator.state
    assert len(st.interest_page(audience, cats[0], {})["interests"]) == 10
    assert st.interest_page(audience, cats[0], {"count": "5000"})["total_items"] == 30
    assert len(list(client.interests(audience, cats[0]))) == 30


def test_member_interests_read_written_and_refused(client, emulator, audience):
    st = emulator.state
    ids = st.add_interest_category(audience, "Topics", interests=("News", "Products"))
    st.add_member(audience, "ann@example.org")
    member = client.member(audience, "ann@example.org")
    assert member["interests"] == {ids["News"]: False, ids["Products"]: False}
    client.patch_member(audience, "ann@example.org", {"interests": {ids["News"]: True}})
    assert st.get_member(audience, "ann@example.org")["interests"][ids["News"]] is True
    with pytest.raises(mce.MailchimpBadRequest) as err:
        client.patch_member(audience, "ann@example.org", {"interests": {"nope": True}})
    assert "Invalid interest ID" in err.value.detail
    answer = client.batch_subscribe(
        audience,
        [
            interests_item("ann@example.org", {ids["News"]: False, ids["Products"]: True}),
            interests_item("bob@example.org", {"nope": True}),
        ],
    )
    assert answer["total_updated"] == 1 and answer["error_count"] == 1
    after = st.get_member(audience, "ann@example.org")
    assert after["interests"] == {ids["News"]: False, ids["Products"]: True}
    assert after["status"] == "subscribed"


def test_campaign_to_an_interest_reaches_only_its_members(client, emulator, audience):
    st = emulator.state
    ids = st.add_interest_category(audience, "Topics", interests=("News", "Products"))
    for n in range(6):
        st.add_member(audience, f"m{n}@example.org", interests={ids["News"]: n < 2})
    st.add_member(
        audience, "gone@example.org", status="unsubscribed", interests={ids["News"]: True}
    )
    recipients = campaign_recipients(audience, interest=(ids[None], ids["News"]))
    camp = client.create_campaign(
        {
            "type": "regular",
            "recipients": recipients,
            "settings": {
                "subject_line": "News",
                "title": "News",
                "from_name": "Shop",
                "reply_to": "news@example.org",
            },
        }
    )
    client.set_campaign_content(camp["id"], HTML)
    client.send_campaign(camp["id"])
    st.advance(61)
    assert client.campaign(camp["id"])["emails_sent"] == 2
    # the other operators and a malformed condition
    cond = recipients["segment_opts"]["conditions"][0]
    lst = st.lists[audience]
    members = list(lst.members.values())
    assert (
        sum(st._interest_condition(m, dict(cond, op="interestnotcontains")) for m in members) == 4
    )
    both = dict(cond, op="interestcontainsall", value=[ids["News"], ids["Products"]])
    assert sum(st._interest_condition(m, both) for m in members) == 0
    bad = {"list_id": audience, "segment_opts": {"conditions": [dict(cond, field="interests-x")]}}
    with pytest.raises(mce.MailchimpBadRequest):
        client.create_campaign({"type": "regular", "recipients": bad})
