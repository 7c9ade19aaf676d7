"""Campaign reports, all computed from the stored per-recipient activity."""

from ..util import (
    invalid_field,
    locked,
    not_found,
    page,
    rate,
    short_hash,
    sort_items,
    time_filters,
    ts_floor,
)

REPORTABLE = ("sending", "sent", "canceled", "canceling", "archived")


def aggregates(camp):
    """Aggregate a campaign's sent-to list and events into report figures."""
    sent = camp["sent"]
    hard = sum(1 for s in sent.values() if s["status"] == "hard")
    soft = sum(1 for s in sent.values() if s["status"] == "soft")
    delivered = len(sent) - hard - soft
    opens_by, by_hash, urls, clickers = {}, {}, {}, set()
    opens_total = clicks_total = 0
    last_open = last_click = ""
    for e in camp["events"]:
        h = e["hash"]
        by_hash.setdefault(h, []).append(e)
        if e["action"] == "open":
            opens_total += 1
            opens_by.setdefault(h, []).append(e["timestamp"])
            last_open = max(last_open, e["timestamp"])
        elif e["action"] == "click":
            clicks_total += 1
            clickers.add(h)
            last_click = max(last_click, e["timestamp"])
            u = urls.setdefault(e["url"], {"total": 0, "unique": set(), "last": ""})
            u["total"] += 1
            u["unique"].add(h)
            u["last"] = max(u["last"], e["timestamp"])
    unique_clicks = sum(len(u["unique"]) for u in urls.values())
    summary = {
        "emails_sent": len(sent),
        "hard_bounces": hard,
        "soft_bounces": soft,
        "delivered": delivered,
        "opens_total": opens_total,
        "unique_opens": len(opens_by),
        "open_rate": rate(len(opens_by), delivered),
        "last_open": last_open,
        "clicks_total": clicks_total,
        "unique_clicks": unique_clicks,
        "unique_subscriber_clicks": len(clickers),
        "click_rate": rate(len(clickers), delivered),
        "last_click": last_click,
        "unsubscribed": len(camp["unsubs"]),
    }
    agg = dict(summary)
    agg.update(summary=summary, opens_by=opens_by, by_hash=by_hash, urls=urls)
    return agg


def _ctx(state, camp):
    lst = state.lists.get(camp["list_id"])
    members = lst.members if lst is not None else {}
    return {
        "campaign_id": camp["info"]["id"],
        "list_id": camp["list_id"],
        "list_is_active": camp["list_active"],
    }, members


def report(state, camp):
    info = camp["info"]
    agg = state.campaign_aggregates(camp)
    lst = state.lists.get(camp["list_id"])
    list_stats = state._list_stats(lst) if lst is not None else {}
    return {
        "id": info["id"],
        "campaign_title": info["settings"]["title"],
        "type": info["type"],
        "list_id": camp["list_id"],
        "list_is_active": camp["list_active"],
        "list_name": lst.info["name"] if lst is not None else "",
        "subject_line": info["settings"]["subject_line"],
        "preview_text": info["settings"]["preview_text"],
        "emails_sent": agg["emails_sent"],
        "abuse_reports": 0,
        "unsubscribed": agg["unsubscribed"],
        "send_time": info["send_time"],
        "rss_last_send": "",
        "bounces": {
            "hard_bounces": agg["hard_bounces"],
            "soft_bounces": agg["soft_bounces"],
            "syntax_errors": 0,
        },
        "forwards": {"forwards_count": 0, "forwards_opens": 0},
        "opens": {
            "opens_total": agg["opens_total"],
            "unique_opens": agg["unique_opens"],
            "open_rate": agg["open_rate"],
            "last_open": agg["last_open"],
        },
        "clicks": {
            "clicks_total": agg["clicks_total"],
            "unique_clicks": agg["unique_clicks"],
            "unique_subscriber_clicks": agg["unique_subscriber_clicks"],
            "click_rate": agg["click_rate"],
            "last_click": agg["last_click"],
        },
        "facebook_likes": {"recipient_likes": 0, "unique_likes": 0, "facebook_likes": 0},
        "industry_stats": {
            "type": "Software",
            "open_rate": 0.21,
            "click_rate": 0.03,
            "bounce_rate": 0.01,
            "unopen_rate": 0.79,
            "unsub_rate": 0.002,
            "abuse_rate": 0.0001,
        },
        "list_stats": {
            "sub_rate": list_stats.get("avg_sub_rate", 0),
            "unsub_rate": list_stats.get("avg_unsub_rate", 0),
            "open_rate": list_stats.get("open_rate", 0),
            "click_rate": list_stats.get("click_rate", 0),
        },
        "timeseries": [],
        "share_report": {
            "share_url": f"https://{state.dc}.campaign-archive.com/?id={info['id']}",
            "share_password": "",
        },
        "ecommerce": {
            "total_orders": 0,
            "total_spent": 0,
            "total_revenue": 0,
            "currency_code": "USD",
        },
        "delivery_status": {"enabled": False},
    }


def _since(query):
    since = query.get("since")
    return ts_floor(since, "since") if since else None


def email_activity(state, camp, query):
    agg = state.campaign_aggregates(camp)
    since = _since(query)
    base, _ = _ctx(state, camp)
    rows = []
    for h, entry in camp["sent"].items():
        acts = agg["by_hash"].get(h, [])
        if since:
            acts = [e for e in acts if e["timestamp"] > since]
            if not acts:
                continue
        rows.append((h, entry, acts))

    def render(row):
        h, entry, acts = row
        return dict(base, email_id=h, email_address=entry["email"], activity=_activity_items(acts))

    return page(query, "emails", rows, render, {"campaign_id": camp["info"]["id"]})


def _activity_items(events):
    """One recipient's events as /email-activity shows them (type of a bounce, url of a click)."""
    items = []
    for e in events:
        item = {"action": e["action"], "timestamp": e["timestamp"], "ip": e["ip"]}
        if e["action"] == "bounce":
            item["type"] = e["type"]
        if e["action"] == "click":
            item["url"] = e["url"]
        items.append(item)
    return items


def email_activity_one(state, camp, subscriber):
    agg = state.campaign_aggregates(camp)
    entry = camp["sent"].get(subscriber)
    if entry is None:
        return None
    base, _ = _ctx(state, camp)
    activity = _activity_items(agg["by_hash"].get(subscriber, []))
    return dict(base, email_id=subscriber, email_address=entry["email"], activity=activity)


def open_details(state, camp, query):
    agg = state.campaign_aggregates(camp)
    since = _since(query)
    base, members = _ctx(state, camp)
    rows = []
    for h, times in agg["opens_by"].items():
        if since:
            times = [t for t in times if t > since]
            if not times:
                continue
        rows.append((h, times))
    rows = sort_items(rows, query, {"opens_count": lambda r: len(r[1])})

    def render(row):
        h, times = row
        m = members.get(h)
        return dict(
            base,
            contact_status=m["status"] if m else "",
            email_id=h,
            email_address=camp["sent"][h]["email"],
            merge_fields=m["merge_fields"] if m else {},
            vip=m["vip"] if m else False,
            opens_count=len(times),
            opens=[{"timestamp": t} for t in times],
        )

    total = sum(len(r[1]) for r in rows)
    return page(
        query, "members", rows, render, {"campaign_id": camp["info"]["id"], "total_opens": total}
    )


def click_details(state, camp, query):
    agg = state.campaign_aggregates(camp)
    cid = camp["info"]["id"]
    rows = list(agg["urls"].items())
    rows = sort_items(
        rows,
        query,
        {"total_clicks": lambda r: r[1]["total"], "unique_clicks": lambda r: len(r[1]["unique"])},
    )

    def render(row):
        url, u = row
        return {
            "id": short_hash("link", cid, url),
            "url": url,
            "total_clicks": u["total"],
            "click_percentage": rate(u["total"], agg["clicks_total"]),
            "unique_clicks": len(u["unique"]),
            "unique_click_percentage": rate(len(u["unique"]), agg["unique_clicks"]),
            "last_click": u["last"],
            "campaign_id": cid,
        }

    return page(query, "urls_clicked", rows, render, {"campaign_id": cid})


def unsubscribed(state, camp, query):
    base, members = _ctx(state, camp)

    def render(u):
        m = members.get(u["hash"])
        return {
            "email_id": u["hash"],
            "email_address": u["email"],
            "merge_fields": m["merge_fields"] if m else {},
            "vip": m["vip"] if m else False,
            "timestamp": u["timestamp"],
            "reason": u["reason"],
            **base,
        }

    return page(query, "unsubscribes", camp["unsubs"], render, {"campaign_id": camp["info"]["id"]})


def sent_to(state, camp, query):
    agg = state.campaign_aggregates(camp)
    base, members = _ctx(state, camp)
    status = query.get("status")
    if status and status not in ("sent", "hard", "soft"):
        raise invalid_field("status", "status must be sent, hard or soft.")
    rows = [(h, s) for h, s in camp["sent"].items() if not status or s["status"] == status]

    def render(row):
        h, entry = row
        m = members.get(h)
        opens = agg["opens_by"].get(h, [])
        return {
            "email_id": h,
            "email_address": entry["email"],
            "merge_fields": m["merge_fields"] if m else {},
            "vip": m["vip"] if m else False,
            "status": entry["status"],
            "open_count": len(opens),
            "last_open": max(opens) if opens else "",
            "absplit_group": "",
            "gmt_offset": 0,
            **base,
        }

    return page(query, "sent_to", rows, render, {"campaign_id": camp["info"]["id"]})


class ReportMixin:
    """GET /reports…: every report of a sent (or sending, canceled…) campaign."""

    def _reportable(self, campaign_id):
        camp = self.campaign(campaign_id)
        if camp["info"]["status"] not in REPORTABLE:
            raise not_found("The requested resource could not be found (campaign not sent).")
        return camp

    @locked
    def report_page(self, query):
        """GET /reports (filters type, since/before_send_time)."""
        for camp in self.campaigns.values():
            self._tick_campaign(camp)
        camps = [c for c in self.campaigns.values() if c["info"]["status"] in REPORTABLE]
        if query.get("type"):
            camps = [c for c in camps if c["info"]["type"] == query["type"]]
        infos = time_filters(
            [c["info"] for c in camps],
            query,
            (("since_send_time", "send_time"), ("before_send_time", "send_time")),
        )
        ids = {i["id"] for i in infos}
        camps = [c for c in camps if c["info"]["id"] in ids]
        return page(query, "reports", camps, lambda c: report(self, c))

    @locked
    def report(self, campaign_id):
        return report(self, self._reportable(campaign_id))

    @locked
    def email_activity_page(self, campaign_id, query):
        return email_activity(self, self._reportable(campaign_id), query)

    @locked
    def member_email_activity(self, campaign_id, subscriber):
        """GET /reports/{id}/email-activity/{hash|email}; 404 if it was not sent to them."""
        camp = self._reportable(campaign_id)
        lst = self.lists.get(camp["list_id"])
        m = self._find_member(lst, subscriber) if lst is not None else None
        body = email_activity_one(self, camp, m["id"] if m else subscriber.lower())
        if body is None:
            raise not_found()
        return body

    @locked
    def open_details_page(self, campaign_id, query):
        return open_details(self, self._reportable(campaign_id), query)

    @locked
    def click_details_page(self, campaign_id, query):
        return click_details(self, self._reportable(campaign_id), query)

    @locked
    def unsubscribed_page(self, campaign_id, query):
        return unsubscribed(self, self._reportable(campaign_id), query)

    @locked
    def sent_to_page(self, campaign_id, query):
        return sent_to(self, self._reportable(campaign_id), query)
