"""Mailchimp's campaigns, their reports and per-recipient activity, and templates: the fields
the connector asks for and the values Odoo stores, read from the API's JSON in one place (pure
Python, no Odoo, no HTTP; the members' side is ``mailchimp_data.py``)."""

import hashlib
from collections import Counter

from .mailchimp_data import address_key, address_of
from .sync_rules import parse_mc_datetime

#: the campaign fields the connector reads
CAMPAIGN_FIELDS = (
    "id",
    "web_id",
    "type",
    "status",
    "create_time",
    "send_time",
    "emails_sent",
    "archive_url",
    "recipients.list_id",
    "settings.title",
    "settings.subject_line",
    "settings.preview_text",
    "settings.from_name",
    "settings.reply_to",
    "settings.template_id",
    "report_summary",
)
#: the fields of a campaign's email activity page and unsubscribes page
EMAIL_ACTIVITY_FIELDS = ("email_address", "activity")
UNSUBSCRIBE_FIELDS = ("email_address", "timestamp", "reason")
#: the template fields the connector reads
TEMPLATE_FIELDS = (
    "id",
    "name",
    "type",
    "category",
    "active",
    "date_created",
    "date_edited",
    "thumbnail",
    "share_url",
    "drag_and_drop",
    "responsive",
)
#: Mailchimp's template types Odoo keeps (another is stored as none)
TEMPLATE_TYPES = ("user", "base", "gallery")


def campaign_values(remote, types, statuses):
    """A campaign's values from Mailchimp's campaign (``types`` / ``statuses``: those Odoo's
    Selections know; another is stored as none), with its report summary when it has one."""
    settings = remote.get("settings") or {}
    summary = remote.get("report_summary") or {}
    ctype = remote.get("type")
    vals = {
        "name": settings.get("title") or settings.get("subject_line") or remote["id"],
        "web_id": str(remote.get("web_id") or ""),
        "subject": settings.get("subject_line") or False,
        "preview_text": settings.get("preview_text") or False,
        "from_name": settings.get("from_name") or False,
        "reply_to": settings.get("reply_to") or False,
        "campaign_type": ctype if ctype in types else False,
        "status": remote.get("status") if remote.get("status") in statuses else False,
        "create_time": parse_mc_datetime(remote.get("create_time")),
        "send_time": parse_mc_datetime(remote.get("send_time")),
        "archive_url": remote.get("archive_url") or False,
        "emails_sent": remote.get("emails_sent") or 0,
    }
    if summary:
        vals.update(
            opens_total=summary.get("opens", 0),
            unique_opens=summary.get("unique_opens", 0),
            open_rate=summary.get("open_rate", 0),
            clicks_total=summary.get("clicks", 0),
            unique_subscriber_clicks=summary.get("subscriber_clicks", 0),
            click_rate=summary.get("click_rate", 0),
        )
    return vals


def campaign_audience(remote):
    """The Mailchimp id of a campaign's audience (None when it has none)."""
    return (remote.get("recipients") or {}).get("list_id")


def campaign_template(remote):
    """The Mailchimp id of a campaign's template, as Odoo stores it ('' when none)."""
    return str((remote.get("settings") or {}).get("template_id") or "")


def campaign_template_raw(remote):
    """The template id a campaign names, as Mailchimp gives it (None when none)."""
    return (remote.get("settings") or {}).get("template_id")


def report_values(report):
    """A campaign's values from its report (``GET /reports/{id}``)."""
    opens = report.get("opens") or {}
    clicks = report.get("clicks") or {}
    bounces = report.get("bounces") or {}
    vals = {
        "emails_sent": report.get("emails_sent") or 0,
        "abuse_reports": report.get("abuse_reports") or 0,
        "unsubscribed": report.get("unsubscribed") or 0,
        "hard_bounces": bounces.get("hard_bounces") or 0,
        "soft_bounces": bounces.get("soft_bounces") or 0,
        "opens_total": opens.get("opens_total") or 0,
        "unique_opens": opens.get("unique_opens") or 0,
        "open_rate": opens.get("open_rate") or 0,
        "last_open": parse_mc_datetime(opens.get("last_open")),
        "clicks_total": clicks.get("clicks_total") or 0,
        "unique_clicks": clicks.get("unique_clicks") or 0,
        "unique_subscriber_clicks": clicks.get("unique_subscriber_clicks") or 0,
        "click_rate": clicks.get("click_rate") or 0,
        "last_click": parse_mc_datetime(clicks.get("last_click")),
    }
    if report.get("send_time"):
        vals["send_time"] = parse_mc_datetime(report["send_time"])
    return vals


def activity_page(page, phase):
    """(the items of a page of a campaign's activity read, its ``total_items``): recipients
    with their events (``phase`` "activity") or unsubscribes."""
    key = "emails" if phase == "activity" else "unsubscribes"
    return page.get(key) or [], page.get("total_items") or 0


def template_values(remote):
    """A template's values from Mailchimp's template."""
    ttype = remote.get("type")
    return {
        "name": remote.get("name") or str(remote["id"]),
        "template_type": ttype if ttype in TEMPLATE_TYPES else False,
        "category": remote.get("category") or False,
        "active": remote.get("active", True) is not False,
        "date_created": parse_mc_datetime(remote.get("date_created")),
        "date_edited": parse_mc_datetime(remote.get("date_edited")),
        "drag_and_drop": bool(remote.get("drag_and_drop")),
        "responsive": bool(remote.get("responsive")),
        "thumbnail": remote.get("thumbnail") or False,
        "share_url": remote.get("share_url") or False,
    }


def identity_key(email, action, timestamp, url="", bounce_type="", occurrence=1):
    """Mailchimp's identity of one activity event, hashed to a fixed size.

    ``occurrence`` tells apart identical events of one recipient (two opens in the same
    second): their rank among those, stable from one read of the report to the next."""
    parts = [email, action, timestamp.isoformat(), url or "", bounce_type or ""]
    if occurrence > 1:
        parts.append(str(occurrence))
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()  # noqa: S324 (not a secret)


def email_activity_rows(items):
    """The activity rows of one ``/email-activity`` page (recipients with their events):
    opens, clicks and bounces, each with its identity key."""
    rows = []
    for item in items:
        email = address_key(item)
        if not email:
            continue
        occurrences = Counter()
        for event in item.get("activity") or []:
            action = event.get("action")
            timestamp = parse_mc_datetime(event.get("timestamp"))
            if action not in ("open", "click", "bounce") or not timestamp:
                continue
            url = (event.get("url") or "") if action == "click" else ""
            bounce_type = event.get("type") if action == "bounce" else ""
            identity = (email, action, timestamp, url, bounce_type or "")
            occurrences[identity] += 1
            rows.append(
                {
                    "email": address_of(item),
                    "email_normalized": email,
                    "action": action,
                    "timestamp": timestamp,
                    "url": url or False,
                    "bounce_type": bounce_type if bounce_type in ("hard", "soft") else False,
                    "ip": event.get("ip") or False,
                    "identity_key": identity_key(*identity, occurrences[identity]),
                }
            )
    return rows


def unsubscribe_rows(items):
    """The activity rows of one ``/unsubscribed`` page."""
    rows = []
    for item in items:
        email = address_key(item)
        timestamp = parse_mc_datetime(item.get("timestamp"))
        if not email or not timestamp:
            continue
        rows.append(
            {
                "email": address_of(item),
                "email_normalized": email,
                "action": "unsubscribe",
                "timestamp": timestamp,
                "reason": item.get("reason") or False,
                "identity_key": identity_key(email, "unsubscribe", timestamp),
            }
        )
    return rows
