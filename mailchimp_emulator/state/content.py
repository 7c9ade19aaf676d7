"""Content: templates, campaigns and their (deterministic) sending activity."""

import random
import re
from datetime import timedelta

from ..util import (
    as_ts_string,
    fmt_ts,
    locked,
    not_found,
    page,
    parse_ts,
    short_hash,
    sort_items,
    time_filters,
    ts_ceil,
    ts_floor,
)
from .members import UNSUBSCRIBE_REASONS
from .reports import REPORTABLE, aggregates

CAMPAIGN_STATUSES = (
    "save",
    "paused",
    "schedule",
    "sending",
    "sent",
    "canceled",
    "canceling",
    "archived",
)
DEFAULT_URLS = (
    "https://www.example.com/",
    "https://www.example.com/products",
    "https://www.example.com/blog/spring-news",
)
DEFAULT_HTML = (
    '<html><body><div mc:edit="header"><h1>*|MC:SUBJECT|*</h1></div>'
    '<div mc:edit="body"><p>Hello *|FNAME|*,</p><p>Emulated content.</p></div>'
    '<div mc:edit="footer"><a href="*|UNSUB|*">Unsubscribe</a></div></body></html>'
)
_SECTION_RE = re.compile(r'mc:edit="([\w-]+)"[^>]*>(.*?)</div>', re.S)


def unsubscribe_page_reason(member_id):
    """The reason a campaign's unsubscriber picked on the unsubscribe page: one of the
    listed ones (not "Other"), chosen from the member id so that seeding draws nothing more
    from its random sequence."""
    return UNSUBSCRIBE_REASONS[int(member_id[:8], 16) % (len(UNSUBSCRIBE_REASONS) - 1)]


class ContentMixin:
    # ------------------------------------------------------------------ templates
    @locked
    def add_template(
        self,
        name,
        type="user",
        category="",
        html=None,
        folder_id="",
        created_by="Emma Ulator",
        date_created=None,
        drag_and_drop=False,
        responsive=True,
        active=True,
        thumbnail="",
    ):
        self._template_id += 1
        tid = self._template_id
        created = as_ts_string(date_created) if date_created else self.now_str()
        self.templates[tid] = {
            "info": {
                "id": tid,
                "type": type,
                "name": name,
                "drag_and_drop": bool(drag_and_drop),
                "responsive": bool(responsive),
                "category": category,
                "date_created": created,
                "date_edited": created,
                "created_by": created_by,
                "edited_by": created_by,
                "active": bool(active),
                "folder_id": folder_id,
                "thumbnail": thumbnail,
                "share_url": f"https://{self.dc}.admin.mailchimp.com/templates/share?id={tid}",
                "content_type": "template",
            },
            "html": html or DEFAULT_HTML,
        }
        return tid

    def _template(self, template_id):
        try:
            tpl = self.templates.get(int(template_id))
        except (TypeError, ValueError):
            tpl = None
        if tpl is None:
            raise not_found()
        return tpl

    @locked
    def template_default_content(self, template_id):
        """GET /templates/{id}/default-content: the editable sections and the HTML."""
        tpl = self._template(template_id)
        sections = dict(_SECTION_RE.findall(tpl["html"]))
        return {"sections": sections, "html": tpl["html"]}

    @locked
    def get_template(self, template_id):
        return dict(self._template(template_id)["info"])

    @locked
    def template_page(self, query):
        """GET /templates (filters type, created_by, folder_id, category, content_type,
        since/before_date_created; sort by date_created, date_edited or name)."""
        q = query
        items = [t["info"] for t in self.templates.values()]
        for key in ("type", "created_by", "folder_id", "category", "content_type"):
            if q.get(key):
                items = [t for t in items if str(t.get(key)) == q[key]]
        if q.get("since_date_created"):
            since = ts_floor(q["since_date_created"], "since_date_created")
            items = [t for t in items if t["date_created"] > since]
        if q.get("before_date_created"):
            before = ts_ceil(q["before_date_created"], "before_date_created")
            items = [t for t in items if t["date_created"] < before]
        items = sort_items(
            items,
            q,
            {
                "date_created": lambda t: t["date_created"],
                "date_edited": lambda t: t["date_edited"],
                "name": lambda t: t["name"].lower(),
            },
        )
        return page(q, "templates", items)

    # ------------------------------------------------------------------ campaigns
    @locked
    def campaign_page(self, query):
        """GET /campaigns (filters type, status, list_id, folder_id, since/before send and
        create time; sort by create_time or send_time)."""
        q = query
        for camp in self.campaigns.values():
            self._tick_campaign(camp)
        items = [self._render_campaign(c) for c in self.campaigns.values()]
        if q.get("type"):
            items = [c for c in items if c["type"] == q["type"]]
        if q.get("status"):
            wanted = q["status"].split(",")
            items = [c for c in items if c["status"] in wanted]
        if q.get("list_id"):
            items = [c for c in items if c["recipients"]["list_id"] == q["list_id"]]
        if q.get("folder_id"):
            items = [c for c in items if c["settings"]["folder_id"] == q["folder_id"]]
        items = time_filters(
            items,
            q,
            (
                ("since_send_time", "send_time"),
                ("before_send_time", "send_time"),
                ("since_create_time", "create_time"),
                ("before_create_time", "create_time"),
            ),
        )
        items = sort_items(
            items,
            q,
            {"create_time": lambda c: c["create_time"], "send_time": lambda c: c["send_time"]},
        )
        return page(q, "campaigns", items)

    @locked
    def get_campaign(self, campaign_id):
        """GET /campaigns/{id}: the campaign as answered."""
        return self._render_campaign(self.campaign(campaign_id))

    @locked
    def campaign(self, campaign_id):
        """The stored campaign record ({info, list_id, sent, events, unsubs, …}); 404 if
        unknown. Tests may change it in place (under ``lock``)."""
        camp = self.campaigns.get(campaign_id)
        if camp is None:
            raise not_found()
        self._tick_campaign(camp)
        return camp

    @locked
    def add_campaign(
        self,
        list_id,
        template_id=None,
        title="Emulated campaign",
        subject="News from the emulator",
        status="sent",
        send_time=None,
        recipients=None,
        type="regular",
        from_name="Emulated Company",
        reply_to="news@emulated.example",
        preview_text="",
        create_time=None,
        segment_opts=None,
    ):
        """Create a campaign; ``recipients`` (emails) are recorded as sent-to when given."""
        lst = self._list(list_id)
        if status not in CAMPAIGN_STATUSES:
            raise ValueError(f"unknown campaign status {status!r}")
        if template_id is not None:
            self._template(template_id)
        now = self.now()
        send_dt = None
        if send_time is not None:
            send_dt = parse_ts(send_time)
        elif status in REPORTABLE:
            send_dt = now - timedelta(days=2)
        created_dt = (
            parse_ts(create_time)
            if create_time
            else min(now, (send_dt or now) - timedelta(hours=1))
        )
        cid = self._hex_id(self.campaigns)
        web_id = self._next_web_id()
        info = {
            "id": cid,
            "web_id": web_id,
            "type": type,
            "create_time": fmt_ts(created_dt),
            "archive_url": f"http://eepurl.com/{short_hash('eep', cid, length=6)}",
            "long_archive_url": f"https://{self.dc}.campaign-archive.com/?u=emulated&id={cid}",
            "status": status,
            "emails_sent": 0,
            "send_time": fmt_ts(send_dt) if send_dt else "",
            "content_type": "template" if template_id else "html",
            "needs_block_refresh": False,
            "resendable": False,
            "recipients": {
                "list_id": list_id,
                "list_is_active": True,
                "list_name": lst.info["name"],
                "segment_text": "",
                "recipient_count": 0,
                "segment_opts": segment_opts or {},
            },
            "settings": {
                "subject_line": subject,
                "preview_text": preview_text,
                "title": title,
                "from_name": from_name,
                "reply_to": reply_to,
                "use_conversation": False,
                "to_name": "*|FNAME|*",
                "folder_id": "",
                "authenticate": True,
                "auto_footer": False,
                "inline_css": False,
                "auto_tweet": False,
                "fb_comments": False,
                "timewarp": False,
                "template_id": int(template_id) if template_id is not None else 0,
                "drag_and_drop": False,
            },
            "tracking": {
                "opens": True,
                "html_clicks": True,
                "text_clicks": False,
                "goal_tracking": False,
                "ecomm360": False,
                "google_analytics": "",
                "clicktale": "",
            },
            "delivery_status": {"enabled": False},
        }
        self.campaigns[cid] = {
            "info": info,
            "list_id": list_id,
            "list_active": True,
            "sent": {},
            "events": [],
            "unsubs": [],
            "agg": None,
        }
        if recipients:
            camp = self.campaigns[cid]
            for email in recipients:
                m = self._find_member(lst, email)
                if m is None:
                    self.add_member(list_id, email, status="subscribed")
                    m = self._find_member(lst, email)
                camp["sent"][m["id"]] = {"email": m["email_address"], "status": "sent"}
        lst.touch()
        return cid

    def _render_campaign(self, camp):
        info = dict(camp["info"])
        agg = self.campaign_aggregates(camp)
        lst = self.lists.get(camp["list_id"])
        recipients = dict(info["recipients"])
        recipients["list_is_active"] = camp["list_active"]
        if lst is not None:
            recipients["list_name"] = lst.info["name"]
        if info["status"] in REPORTABLE:
            recipients["recipient_count"] = agg["emails_sent"]
            info["emails_sent"] = agg["emails_sent"]
            info["report_summary"] = {
                "opens": agg["opens_total"],
                "unique_opens": agg["unique_opens"],
                "open_rate": agg["open_rate"],
                "clicks": agg["clicks_total"],
                "subscriber_clicks": agg["unique_subscriber_clicks"],
                "click_rate": agg["click_rate"],
                "ecommerce": {"total_orders": 0, "total_spent": 0, "total_revenue": 0},
            }
        elif lst is not None:
            recipients["recipient_count"] = self._list_stats(lst)["member_count"]
        info["recipients"] = recipients
        return info

    def campaign_aggregates(self, camp):
        """Report figures of a stored campaign record (cached until its activity changes)."""
        if camp["agg"] is None:
            camp["agg"] = aggregates(camp)
        return camp["agg"]

    # ------------------------------------------------------------------ activity
    @locked
    def seed_campaign_activity(
        self,
        campaign_id,
        n_recipients,
        open_rate=0.4,
        click_rate=0.1,
        bounce_rate=0.02,
        unsub_rate=0.01,
        urls=None,
        members=None,
    ):
        """Generate deterministic sends/opens/clicks/bounces/unsubscribes for a campaign.

        Recipients are the first ``n_recipients`` subscribed members of the audience;
        missing ones are created (recipientNNNNN@example.net). Hard bounces clean the
        member, unsubscribes unsubscribe it. Replaces any previous activity.
        ``members``: the recipients (member records) instead (a send's audience or segment).
        """
        camp = self.campaign(campaign_id)
        lst = self._list(camp["list_id"])
        info = camp["info"]
        now = self.now()
        if not info["send_time"]:
            info["send_time"] = fmt_ts(now - timedelta(days=2))
        if info["status"] not in REPORTABLE:
            info["status"] = "sent"
        send_dt = parse_ts(info["send_time"])
        window = min(2 * 86400, max((now - send_dt).total_seconds(), 3600))
        rng = random.Random(f"{self.seed}:activity:{campaign_id}")
        urls = list(urls or DEFAULT_URLS)
        if members is not None:
            recipients = list(members)
        else:
            recipients = [m for m in lst.members.values() if m["status"] == "subscribed"]
        recipients = recipients[:n_recipients]
        k = 0
        before_send = fmt_ts(send_dt - timedelta(days=1))
        while len(recipients) < n_recipients:
            email = f"recipient{k:05d}@example.net"
            k += 1
            if self._find_member(lst, email) is not None:
                continue
            m = self._build_member(lst, email, "subscribed", before_send, source="Import")
            self._insert_member(lst, m)
            recipients.append(m)

        def at(offset):
            return fmt_ts(send_dt + timedelta(seconds=min(offset, window)))

        sent, events, unsubs = {}, [], []
        p_click = min(1.0, click_rate / open_rate) if open_rate else 0.0
        for m in recipients:
            h, email = m["id"], m["email_address"]
            ip = f"198.51.100.{rng.randint(1, 254)}"
            if rng.random() < bounce_rate:
                kind = "hard" if rng.random() < 0.6 else "soft"
                ts = at(rng.uniform(30, 600))
                sent[h] = {"email": email, "status": kind}
                events.append(
                    {
                        "hash": h,
                        "action": "bounce",
                        "type": kind,
                        "timestamp": ts,
                        "url": "",
                        "ip": "",
                    }
                )
                if kind == "hard" and m["status"] == "subscribed":
                    m["status"] = "cleaned"
                    m["last_changed"] = ts
                continue
            sent[h] = {"email": email, "status": "sent"}
            opened = rng.random() < open_rate
            clicked = opened and rng.random() < p_click
            unsub = rng.random() < unsub_rate
            if opened:
                n_opens = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
                times = sorted(rng.uniform(300, window) for _ in range(n_opens))
                for t in times:
                    events.append(
                        {
                            "hash": h,
                            "action": "open",
                            "type": "",
                            "timestamp": at(t),
                            "url": "",
                            "ip": ip,
                        }
                    )
                if clicked:
                    for _ in range(1 + (rng.random() < 0.3)):
                        events.append(
                            {
                                "hash": h,
                                "action": "click",
                                "type": "",
                                "timestamp": at(times[0] + rng.uniform(5, 3600)),
                                "url": rng.choice(urls),
                                "ip": ip,
                            }
                        )
            if unsub:
                ts = at(rng.uniform(600, window))
                reason = unsubscribe_page_reason(h)
                unsubs.append({"hash": h, "email": email, "timestamp": ts, "reason": reason})
                if m["status"] == "subscribed":
                    m["status"] = "unsubscribed"
                    m["unsubscribe_reason"] = reason
                    m["last_changed"] = ts
        events.sort(key=lambda e: e["timestamp"])
        camp.update(sent=sent, events=events, unsubs=unsubs, agg=None)
        lst.touch()
        return dict(self.campaign_aggregates(camp)["summary"])

    @locked
    def add_campaign_event(
        self, campaign_id, email, action, timestamp=None, url="", type="", ip="198.51.100.7"
    ):
        """Record one open/click/bounce for a recipient (added to sent-to if needed)."""
        camp = self.campaign(campaign_id)
        lst = self._list(camp["list_id"])
        m = self._find_member(lst, email)
        if m is None:
            raise KeyError(email)
        entry = camp["sent"].setdefault(m["id"], {"email": m["email_address"], "status": "sent"})
        if action == "bounce":
            entry["status"] = type or "soft"
        ts = as_ts_string(timestamp) if timestamp else self.now_str()
        camp["events"].append(
            {"hash": m["id"], "action": action, "type": type, "timestamp": ts, "url": url, "ip": ip}
        )
        camp["events"].sort(key=lambda e: e["timestamp"])
        camp["agg"] = None
        lst.touch()
