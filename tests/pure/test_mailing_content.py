"""An Odoo mailing's content as Mailchimp sends it: links, placeholders, images, footer;
the quarter hour a send is scheduled at; the sender parsed from email_from."""

from datetime import datetime

import pytest

from services import mailing_content as mc

BASE = "https://shop.example.org"
PLACEHOLDERS = {"email": ("EMAIL",), "name": ("FNAME", "LNAME"), "company_name": ("COMPANY",)}


def html(body):
    return f"<html><body>{body}</body></html>"


def test_odoo_links_become_mailchimp_tags():
    source = html(
        '<a href="/unsubscribe_from_list">Unsubscribe</a>'
        f'<a href="{BASE}/view">View online</a>'
        f"<a href='{BASE}/mailing/12/unsubscribe?document_id=3&amp;email=a%40b.c'>Leave</a>"
        '<a href="/mailing/12/view?document_id=3">Browser</a>'
        "<p>*|HTML:LIST_ADDRESS_HTML|*</p>"
    )
    result = mc.mailchimp_html(source, base_url=BASE)
    assert result.html.count('href="*|UNSUB|*"') == 1
    assert "href='*|UNSUB|*'" in result.html
    assert result.html.count('href="*|ARCHIVE|*"') == 2
    assert "/unsubscribe_from_list" not in result.html and "/view" not in result.html
    assert result.warnings == []


def test_other_links_are_kept_and_made_absolute():
    source = html(
        '<a href="https://other.example.net/view">theirs</a><a href="/shop">ours</a>'
        '<a href="mailto:x@example.org">mail</a><a href="*|UNSUB|*">u</a>'
        "*|HTML:LIST_ADDRESS_HTML|*"
    )
    result = mc.mailchimp_html(source, base_url=BASE + "/")
    assert 'href="https://other.example.net/view"' in result.html
    assert f'href="{BASE}/shop"' in result.html
    assert 'href="mailto:x@example.org"' in result.html


def test_placeholders_become_merge_tags_with_their_default():
    source = html(
        '<p>Hello <t t-out="object.name">friend</t>, '
        '<t t-out="object.email"/> <t t-esc="object.company_name"></t> '
        '<t t-out="object.title_id.name">Sir</t></p><a href="/unsubscribe_from_list">u</a>'
        "*|LIST:ADDRESS|*"
    )
    result = mc.mailchimp_html(source, base_url=BASE, placeholders=PLACEHOLDERS)
    assert "*|IF:FNAME|**|FNAME|* *|LNAME|**|ELSE:|*friend*|END:IF|*" in result.html
    assert "*|EMAIL|*" in result.html and "*|COMPANY|*" in result.html
    assert "t-out" not in result.html and "<t" not in result.html
    assert "Sir" in result.html
    assert result.warnings == [
        (mc.WARNING_UNKNOWN_PLACEHOLDER, {"placeholder": "object.title_id.name"})
    ]


def test_subject_placeholders():
    text, warnings = mc.mailchimp_text("News for {{ object.name }}!", PLACEHOLDERS)
    assert text == "News for *|FNAME|* *|LNAME|*!"
    assert warnings == []
    text, warnings = mc.mailchimp_text("{{ object.x || 'you' }}", PLACEHOLDERS)
    assert text == "you" and warnings[0][0] == mc.WARNING_UNKNOWN_PLACEHOLDER


def test_images_absolute_and_private_base_url_warned():
    source = html(
        '<img src="/web/image/42/banner.png"/><div style="background-image: url(/web/image/7)">'
        '</div><img src="https://cdn.example.net/a.png"/><img src="//cdn.example.net/b.png"/>'
        '<a href="*|UNSUB|*">u</a>*|HTML:LIST_ADDRESS_HTML|*'
    )
    result = mc.mailchimp_html(source, base_url=BASE)
    assert f'src="{BASE}/web/image/42/banner.png"' in result.html
    assert f"url({BASE}/web/image/7)" in result.html
    assert 'src="https://cdn.example.net/a.png"' in result.html
    assert 'src="//cdn.example.net/b.png"' in result.html
    assert result.warnings == []
    local = mc.mailchimp_html(source, base_url="http://localhost:8069")
    assert 'src="http://localhost:8069/web/image/42/banner.png"' in local.html
    assert local.warnings == [(mc.WARNING_PRIVATE_BASE_URL, {"base_url": "http://localhost:8069"})]


@pytest.mark.parametrize(
    "url, private",
    [
        ("http://localhost:8069", True),
        ("http://127.0.0.1:8069", True),
        ("http://10.1.2.3", True),
        ("http://192.168.1.10:8069", True),
        ("http://odoo", True),
        ("http://erp.local", True),
        ("http://[::1]:8069", True),
        ("https://erp.example.org", False),
        ("https://93.184.215.14", False),
        ("", True),
    ],
)
def test_private_urls(url, private):
    assert mc.is_private_url(url) is private


def test_footer_added_when_address_or_unsubscribe_missing():
    result = mc.mailchimp_html(html("<p>Hi</p>"), base_url=BASE, unsubscribe_label="Se désabonner")
    body_end = result.html.index("</body>")
    footer = result.html.index("o_mailchimp_footer")
    assert footer < body_end
    assert "*|HTML:LIST_ADDRESS_HTML|*" in result.html
    assert '<a href="*|UNSUB|*">Se désabonner</a>' in result.html
    assert result.warnings == [(mc.WARNING_FOOTER_ADDED, {"address": True, "unsubscribe": True})]
    # only what is missing; no body tag: appended
    result = mc.mailchimp_html('<p>Hi</p><a href="/unsubscribe_from_list">u</a>', base_url=BASE)
    assert result.html.endswith("</div></div>")
    assert result.html.count("*|UNSUB|*") == 1
    assert result.warnings == [(mc.WARNING_FOOTER_ADDED, {"address": True, "unsubscribe": False})]
    # complete: nothing added
    done = html('<a href="*|UNSUB|*">u</a> *|LIST:ADDRESS|*')
    assert mc.mailchimp_html(done, base_url=BASE).html == done


@pytest.mark.parametrize(
    "when, expected",
    [
        (datetime(2026, 3, 1, 10, 0), datetime(2026, 3, 1, 10, 0)),
        (datetime(2026, 3, 1, 10, 0, 1), datetime(2026, 3, 1, 10, 15)),
        (datetime(2026, 3, 1, 10, 7, 30), datetime(2026, 3, 1, 10, 15)),
        (datetime(2026, 3, 1, 10, 15), datetime(2026, 3, 1, 10, 15)),
        (datetime(2026, 3, 1, 10, 44, 59, 999), datetime(2026, 3, 1, 10, 45)),
        (datetime(2026, 3, 1, 23, 50), datetime(2026, 3, 2, 0, 0)),
        (datetime(2026, 12, 31, 23, 59), datetime(2027, 1, 1, 0, 0)),
        (datetime(2026, 3, 1, 10, 0, 0, 1), datetime(2026, 3, 1, 10, 15)),
    ],
)
def test_quarter_hour(when, expected):
    assert mc.quarter_hour(when) == expected
    assert mc.quarter_hour(when).minute % 15 == 0


@pytest.mark.parametrize(
    "value, expected",
    [
        ('"Shop News" <news@shop.example.org>', ("Shop News", "news@shop.example.org")),
        ("Shop <news@shop.example.org>", ("Shop", "news@shop.example.org")),
        ("news@shop.example.org", ("", "news@shop.example.org")),
        ("", ("", "")),
        ("no address", ("", "")),
    ],
)
def test_parse_from(value, expected):
    assert mc.parse_from(value) == expected
