# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An Odoo mailing's content as Mailchimp sends it (pure rules, no Odoo).

Odoo writes a mailing for one recipient at a time: its unsubscribe and view-online links
(``/unsubscribe_from_list``, ``/view``, or their per-recipient forms under
``/mailing/<id>/``) and its placeholders (``<t t-out="object.name">default</t>`` in the body,
``{{ object.name }}`` in the subject) are filled in per recipient by Odoo's composer.
Mailchimp fills in its own merge tags: ``*|UNSUB|*`` (it requires its own unsubscribe link),
``*|ARCHIVE|*`` (view online), ``*|FNAME|*``… and ``*|HTML:LIST_ADDRESS_HTML|*`` (the
audience's postal address, required by law and by Mailchimp). :func:`mailchimp_html` maps
the one to the other; :func:`quarter_hour` rounds a send time to what Mailchimp schedules.
"""

import ipaddress
import re
from collections import namedtuple
from datetime import timedelta
from urllib.parse import urlsplit

UNSUB_TAG = "*|UNSUB|*"
ARCHIVE_TAG = "*|ARCHIVE|*"
ADDRESS_TAG = "*|HTML:LIST_ADDRESS_HTML|*"
#: the address tags Mailchimp accepts as the postal address
ADDRESS_TAGS = ("*|HTML:LIST_ADDRESS_HTML|*", "*|LIST:ADDRESS|*", "*|LIST:ADDRESSLINE|*")

# warning codes (the Odoo layer words them)
WARNING_PRIVATE_BASE_URL = "private_base_url"
WARNING_UNKNOWN_PLACEHOLDER = "unknown_placeholder"
WARNING_FOOTER_ADDED = "footer_added"
WARNING_QWEB_LEFT = "qweb_left"

MappedContent = namedtuple("MappedContent", "html warnings")

_HREF_RE = re.compile(r"""(\bhref\s*=\s*)(["'])(.*?)\2""", re.I | re.S)
_SRC_RE = re.compile(r"""(\b(?:src|background)\s*=\s*)(["'])(.*?)\2""", re.I | re.S)
_CSS_URL_RE = re.compile(r"""(url\(\s*)(["']?)(/[^)"']*)\2(\s*\))""", re.I)
_T_OUT_RE = re.compile(
    r"""<t\s+t-(?:out|esc)\s*=\s*(["'])\s*object\.([\w.]+)\s*\1\s*(?:/>|>(.*?)</t>)""",
    re.I | re.S,
)
_INLINE_RE = re.compile(r"\{\{\s*object\.([\w.]+)\s*(?:\|\|\s*(['\"])(.*?)\2\s*)?\}\}")
_QWEB_RE = re.compile(r"<t\b[^>]*>|</t>|\bt-(?:if|foreach|out|esc|raw|att)\b", re.I)
_BODY_END_RE = re.compile(r"</body\s*>", re.I)
_PRIVATE_NAMES = ("localhost", "localhost.localdomain")
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home", ".test")
#: the paths of Odoo's generic links and their per-recipient forms
_UNSUB_PATH_RE = re.compile(r"^/(?:unsubscribe_from_list|mailing/\d+/unsubscribe(?:_oneclick)?)$")
_VIEW_PATH_RE = re.compile(r"^/(?:view|mailing/\d+/view)$")


def is_private_url(url):
    """Whether recipients on the internet could not reach ``url``'s host: localhost, a
    private or loopback address, a name without a dot or under a local suffix."""
    host = (urlsplit(url or "").hostname or "").lower()
    if not host:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return (
            host in _PRIVATE_NAMES
            or "." not in host
            or any(host.endswith(suffix) for suffix in _PRIVATE_SUFFIXES)
        )
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified


def _odoo_link(url, base_url):
    """The kind of an Odoo link ('unsub', 'view') or None: relative, on base_url, or on any
    host with Odoo's mailing paths and no other path."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc:
        base = urlsplit(base_url or "")
        if base.netloc and parts.netloc.lower() != base.netloc.lower():
            return None
    path = parts.path.rstrip("/") or "/"
    if _UNSUB_PATH_RE.match(path):
        return "unsub"
    if _VIEW_PATH_RE.match(path):
        return "view"
    return None


def merge_tags_text(tags):
    return " ".join(f"*|{tag}|*" for tag in tags)


def _placeholder(chain, default, placeholders, warnings):
    tags = placeholders.get(chain)
    if not tags:
        warnings.append((WARNING_UNKNOWN_PLACEHOLDER, {"placeholder": f"object.{chain}"}))
        return default or ""
    text = merge_tags_text(tags)
    if default:
        # Mailchimp's conditional merge tags: the default when the member has no value
        return f"*|IF:{tags[0]}|*{text}*|ELSE:|*{default}*|END:IF|*"
    return text


def mailchimp_text(text, placeholders):
    """A subject or preview text with Odoo's ``{{ object.x }}`` as merge tags. Returns
    (text, warnings)."""
    warnings = []

    def repl(match):
        return _placeholder(match.group(1), match.group(3), placeholders, warnings)

    return _INLINE_RE.sub(repl, text or ""), warnings


def mailchimp_html(
    html,
    *,
    base_url,
    placeholders=None,
    unsubscribe_label="Unsubscribe",
):
    """Odoo's rendered mailing HTML as Mailchimp's campaign content.

    ``placeholders``: {field chain after ``object.``: (merge tags…)}, e.g.
    ``{"email": ("EMAIL",), "name": ("FNAME", "LNAME")}``; a placeholder not in it is
    replaced by its default text (warning). Returns ``MappedContent(html, warnings)``, the
    warnings a list of (code, params)."""
    placeholders = placeholders or {}
    warnings = []
    base = (base_url or "").rstrip("/")
    text = html or ""

    # placeholders first: their default text may hold anything
    def t_out(match):
        default = (match.group(3) or "").strip()
        return _placeholder(match.group(2), default, placeholders, warnings)

    text = _T_OUT_RE.sub(t_out, text)
    text, inline_warnings = mailchimp_text(text, placeholders)
    warnings.extend(inline_warnings)
    if _QWEB_RE.search(text):
        warnings.append((WARNING_QWEB_LEFT, {}))

    def href(match):
        kind = _odoo_link(match.group(3), base)
        if kind == "unsub":
            return f"{match.group(1)}{match.group(2)}{UNSUB_TAG}{match.group(2)}"
        if kind == "view":
            return f"{match.group(1)}{match.group(2)}{ARCHIVE_TAG}{match.group(2)}"
        url = match.group(3)
        if url.startswith("/") and not url.startswith("//") and base:
            url = base + url
        return f"{match.group(1)}{match.group(2)}{url}{match.group(2)}"

    text = _HREF_RE.sub(href, text)

    made_absolute = []

    def src(match):
        url = match.group(3)
        if url.startswith("/") and not url.startswith("//") and base:
            made_absolute.append(url)
            url = base + url
        return f"{match.group(1)}{match.group(2)}{url}{match.group(2)}"

    text = _SRC_RE.sub(src, text)

    def css_url(match):
        url = match.group(3)
        if url.startswith("//") or not base:
            return match.group(0)
        made_absolute.append(url)
        return f"{match.group(1)}{match.group(2)}{base}{url}{match.group(2)}{match.group(4)}"

    text = _CSS_URL_RE.sub(css_url, text)
    uses_images = made_absolute or re.search(r"<img\b", text, re.I)
    if uses_images and is_private_url(base):
        warnings.append((WARNING_PRIVATE_BASE_URL, {"base_url": base}))

    has_address = any(tag in text for tag in ADDRESS_TAGS)
    has_unsub = UNSUB_TAG in text
    if not has_address or not has_unsub:
        parts = []
        if not has_address:
            parts.append(f"<div>{ADDRESS_TAG}</div>")
        if not has_unsub:
            parts.append(f'<div><a href="{UNSUB_TAG}">{unsubscribe_label}</a></div>')
        footer = (
            '<div class="o_mailchimp_footer" style="text-align:center;font-size:12px;'
            'color:#666;padding:16px;">' + "".join(parts) + "</div>"
        )
        ends = list(_BODY_END_RE.finditer(text))
        if ends:
            text = text[: ends[-1].start()] + footer + text[ends[-1].start() :]
        else:
            text += footer
        warnings.append(
            (WARNING_FOOTER_ADDED, {"address": not has_address, "unsubscribe": not has_unsub})
        )
    return MappedContent(text, warnings)


def quarter_hour(when):
    """The first quarter hour (:00 :15 :30 :45, seconds 0) at or after ``when`` (a naive
    UTC datetime, as Odoo stores them): the time Mailchimp schedules a send for."""
    if when is None:
        return None
    floor = when.replace(minute=when.minute - when.minute % 15, second=0, microsecond=0)
    return floor if floor == when else floor + timedelta(minutes=15)


def parse_from(email_from):
    """(name, address) of an Odoo ``email_from`` ('"Name" <a@b.c>', 'Name <a@b.c>' or an
    address alone); ('', '') when there is none."""
    text = (email_from or "").strip()
    match = re.match(r'^\s*"?([^"<]*?)"?\s*<\s*([^<>\s]+@[^<>\s]+)\s*>\s*$', text)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    match = re.search(r"[^\s<>,;\"']+@[^\s<>,;\"']+", text)
    if match:
        return "", match.group(0)
    return "", ""
