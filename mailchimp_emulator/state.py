"""In-memory account state: clock, audiences, merge fields, segments/tags and webhooks.

Member logic lives in :mod:`members`, templates/campaigns/activity in :mod:`campaigns`.
Every public method takes the single re-entrant lock ``State.lock``.
"""

import functools
import random
import threading
from datetime import datetime, timedelta

from .campaigns import CampaignMixin
from .members import MemberMixin
from .util import UTC, fmt_ts, invalid, invalid_field, not_found, parse_ts

MERGE_TYPES = (
    "text",
    "number",
    "address",
    "phone",
    "date",
    "url",
    "imageurl",
    "radio",
    "dropdown",
    "birthday",
    "zip",
)
WEBHOOK_EVENTS = ("subscribe", "unsubscribe", "profile", "cleaned", "upemail", "campaign")
WEBHOOK_SOURCES = ("user", "admin", "api")
DEFAULT_MERGE_FIELDS = (
    ("FNAME", "First Name", "text", {}),
    ("LNAME", "Last Name", "text", {}),
    ("ADDRESS", "Address", "address", {"default_country": 164}),
    ("PHONE", "Phone Number", "phone", {"phone_format": "none"}),
)


def locked(func):
    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        with self.lock:
            return func(self, *args, **kwargs)

    return wrapper


class AudienceData:
    """Internal storage of one audience (list)."""

    def __init__(self, info):
        self.info = info  # public fields except stats
        self.members = {}  # subscriber_hash -> member dict (insertion order)
        self.by_contact = {}  # contact_id -> subscriber_hash
        self.by_web = {}  # web_id -> member dict
        self.forgotten = set()  # hashes of permanently deleted emails
        self.merge_fields = []  # merge field dicts
        self.segments = {}  # segment id -> {"info": {...}, "members": {web_id: ts}}
        self.webhooks = {}  # webhook id -> dict
        self.version = 0
        self.views = {}  # cached filtered/sorted member views
        self.stats_cache = None

    @property
    def id(self):
        return self.info["id"]

    def touch(self):
        self.version += 1
        if self.views:
            self.views.clear()
        self.stats_cache = None


class State(MemberMixin, CampaignMixin):
    def __init__(self, seed=42, dc="us6"):
        self.lock = threading.RLock()
        self.seed = seed
        self.dc = dc
        self.rng = random.Random(seed)
        self._frozen = None
        self._offset = timedelta(0)
        self.lists = {}
        self._web_id = 100000
        self._segment_id = 1000
        self.templates = {}
        self.campaigns = {}
        self.batches = {}
        self._template_id = 10000

    # ------------------------------------------------------------------ clock
    def now(self):
        base = self._frozen if self._frozen is not None else datetime.now(UTC)
        return base + self._offset

    @locked
    def advance(self, seconds):
        self._offset += timedelta(seconds=seconds)
        return self.now()

    @locked
    def freeze(self, dt=None):
        self._frozen = parse_ts(dt) if dt is not None else datetime.now(UTC)
        self._offset = timedelta(0)
        return self.now()

    @locked
    def unfreeze(self):
        if self._frozen is not None:
            self._offset = self.now() - datetime.now(UTC)
        self._frozen = None

    def now_str(self):
        return fmt_ts(self.now())

    # ------------------------------------------------------------------ ids
    def _hex_id(self, taken, length=10):
        while True:
            value = f"{self.rng.getrandbits(length * 4):0{length}x}"
            if value not in taken:
                return value

    def _next_web_id(self):
        self._web_id += 1
        return self._web_id

    # ------------------------------------------------------------------ lists
    def _list(self, list_id):
        lst = self.lists.get(list_id)
        if lst is None:
            raise not_found(f"The requested resource could not be found. (list {list_id})")
        return lst

    @locked
    def add_list(self, name="Sample Audience", list_id=None, double_optin=False, **extra):
        list_id = list_id or self._hex_id(self.lists)
        if list_id in self.lists:
            raise ValueError(f"list {list_id} already exists")
        info = {
            "id": list_id,
            "web_id": self._next_web_id(),
            "name": name,
            "contact": {
                "company": "Emulated Company",
                "address1": "1 Test Street",
                "address2": "",
                "city": "Atlanta",
                "state": "GA",
                "zip": "30308",
                "country": "US",
                "phone": "",
            },
            "permission_reminder": "You signed up on our website.",
            "use_archive_bar": True,
            "campaign_defaults": {
                "from_name": "Emulated Company",
                "from_email": "news@emulated.example",
                "subject": "",
                "language": "en",
            },
            "notify_on_subscribe": "",
            "notify_on_unsubscribe": "",
            "date_created": self.now_str(),
            "list_rating": 0,
            "email_type_option": False,
            "subscribe_url_short": f"http://eepurl.com/{list_id[:6]}",
            "subscribe_url_long": f"https://emulated.{self.dc}.list-manage.com/subscribe"
            f"?id={list_id}",
            "beamer_address": f"{list_id}@inbound.mailchimp.com",
            "visibility": "prv",
            "double_optin": bool(double_optin),
            "has_welcome": False,
            "marketing_permissions": False,
            "modules": [],
        }
        self._merge_list_info(info, extra)
        lst = AudienceData(info)
        self.lists[list_id] = lst
        for tag, label, ftype, options in DEFAULT_MERGE_FIELDS:
            self._new_merge_field(lst, tag, label, ftype, False, options=dict(options))
        return list_id

    @staticmethod
    def _merge_list_info(info, changes):
        for key, value in changes.items():
            if key in ("id", "web_id", "date_created", "stats", "_links"):
                continue
            if isinstance(value, dict) and isinstance(info.get(key), dict):
                info[key].update(value)
            elif key in info:
                info[key] = value

    @locked
    def create_list_from_api(self, body):
        missing = [
            k
            for k in ("name", "contact", "permission_reminder", "campaign_defaults")
            if not body.get(k)
        ]
        if "email_type_option" not in body:
            missing.append("email_type_option")
        if missing:
            raise invalid(
                "The resource submitted could not be validated. For field-specific details, "
                "see the 'errors' array.",
                [{"field": f, "message": "This value should not be blank."} for f in missing],
            )
        extra = {k: v for k, v in body.items() if k not in ("name", "double_optin")}
        return self.add_list(body["name"], double_optin=body.get("double_optin", False), **extra)

    @locked
    def update_list(self, list_id, changes):
        lst = self._list(list_id)
        self._merge_list_info(lst.info, changes)
        return lst

    @locked
    def delete_list(self, list_id):
        self._list(list_id)
        del self.lists[list_id]
        for camp in self.campaigns.values():
            if camp["list_id"] == list_id:
                camp["list_active"] = False

    def list_stats(self, lst):
        if lst.stats_cache is not None:
            return lst.stats_cache
        counts = {
            "subscribed": 0,
            "unsubscribed": 0,
            "cleaned": 0,
            "pending": 0,
            "transactional": 0,
            "archived": 0,
        }
        last_sub = last_unsub = ""
        sent = [
            c for c in self.campaigns.values() if c["list_id"] == lst.id and c["info"]["send_time"]
        ]
        last_send = max((c["info"]["send_time"] for c in sent), default="")
        since = {"subscribed": 0, "unsubscribed": 0, "cleaned": 0}
        for m in lst.members.values():
            status = m["status"]
            counts[status] = counts.get(status, 0) + 1
            changed = m["last_changed"]
            if status == "subscribed" and m["timestamp_opt"] > last_sub:
                last_sub = m["timestamp_opt"]
            elif status == "unsubscribed" and changed > last_unsub:
                last_unsub = changed
            if status in since and changed > last_send:
                since[status] += 1
        opens = [self.campaign_aggregates(c) for c in sent]
        stats = {
            "member_count": counts["subscribed"],
            "total_contacts": len(lst.members) - counts["archived"],
            "unsubscribe_count": counts["unsubscribed"],
            "cleaned_count": counts["cleaned"],
            "member_count_since_send": since["subscribed"],
            "unsubscribe_count_since_send": since["unsubscribed"],
            "cleaned_count_since_send": since["cleaned"],
            "campaign_count": len([c for c in self.campaigns.values() if c["list_id"] == lst.id]),
            "campaign_last_sent": last_send,
            "merge_field_count": len(lst.merge_fields),
            "avg_sub_rate": 0,
            "avg_unsub_rate": 0,
            "target_sub_rate": 0,
            "open_rate": round(sum(a["open_rate"] for a in opens) / len(opens), 6) if opens else 0,
            "click_rate": round(sum(a["click_rate"] for a in opens) / len(opens), 6)
            if opens
            else 0,
            "last_sub_date": last_sub,
            "last_unsub_date": last_unsub,
        }
        lst.stats_cache = stats
        return stats

    def render_list(self, lst):
        body = dict(lst.info)
        body["stats"] = dict(self.list_stats(lst))
        return body

    @locked
    def get_list(self, list_id):
        return self.render_list(self._list(list_id))

    @locked
    def find_list(self, name):
        for lst in self.lists.values():
            if lst.info["name"] == name:
                return lst.id
        return None

    # ------------------------------------------------------------------ merge fields
    def _new_merge_field(self, lst, tag, name, ftype="text", required=False, **extra):
        merge_id = max((f["merge_id"] for f in lst.merge_fields), default=0) + 1
        field = {
            "merge_id": merge_id,
            "tag": tag,
            "name": name,
            "type": ftype,
            "required": bool(required),
            "default_value": extra.get("default_value", ""),
            "public": extra.get("public", True),
            "display_order": extra.get("display_order", merge_id + 1),
            "options": extra.get("options") or {},
            "help_text": extra.get("help_text", ""),
            "list_id": lst.id,
        }
        lst.merge_fields.append(field)
        empty = ""
        for m in lst.members.values():
            m["merge_fields"].setdefault(tag, empty)
        lst.touch()
        return field

    @locked
    def add_merge_field(self, list_id, tag, name, type="text", required=False, **extra):
        lst = self._list(list_id)
        return dict(
            self.create_merge_field(
                lst, {"tag": tag, "name": name, "type": type, "required": required, **extra}
            )
        )

    def create_merge_field(self, lst, body):
        name = body.get("name")
        ftype = body.get("type")
        if not name:
            raise invalid_field("name", "This value should not be blank.")
        if ftype not in MERGE_TYPES:
            raise invalid_field(
                "type", f"Data did not match any of the allowed values: {', '.join(MERGE_TYPES)}."
            )
        tag = (body.get("tag") or "").strip().upper()
        if not tag:
            n = len(lst.merge_fields) + 1
            tag = f"MMERGE{n}"
            while self._merge_field_by_tag(lst, tag):
                n += 1
                tag = f"MMERGE{n}"
        if len(tag) > 10 or not tag.replace("_", "").isalnum():
            raise invalid_field("tag", "Merge tags are limited to 10 letters, digits or _.")
        if self._merge_field_by_tag(lst, tag):
            raise invalid(f'A Merge Field with the tag "{tag}" already exists for this list.')
        extra = {
            k: body[k]
            for k in ("default_value", "public", "display_order", "options", "help_text")
            if k in body
        }
        return self._new_merge_field(lst, tag, name, ftype, body.get("required", False), **extra)

    @staticmethod
    def _merge_field_by_tag(lst, tag):
        for field in lst.merge_fields:
            if field["tag"] == tag:
                return field
        return None

    def merge_field(self, lst, merge_id):
        for field in lst.merge_fields:
            if str(field["merge_id"]) == str(merge_id):
                return field
        raise not_found()

    @locked
    def update_merge_field(self, lst, merge_id, body):
        field = self.merge_field(lst, merge_id)
        new_tag = (body.get("tag") or field["tag"]).upper()
        if new_tag != field["tag"]:
            if self._merge_field_by_tag(lst, new_tag):
                raise invalid(f'A Merge Field with the tag "{new_tag}" already exists.')
            old = field["tag"]
            for m in lst.members.values():
                m["merge_fields"][new_tag] = m["merge_fields"].pop(old, "")
            field["tag"] = new_tag
        for key in ("name", "required", "default_value", "public", "display_order", "help_text"):
            if key in body:
                field[key] = body[key]
        if isinstance(body.get("options"), dict):
            field["options"].update(body["options"])
        lst.touch()
        return field

    @locked
    def delete_merge_field(self, lst, merge_id):
        field = self.merge_field(lst, merge_id)
        lst.merge_fields.remove(field)
        for m in lst.members.values():
            m["merge_fields"].pop(field["tag"], None)
        lst.touch()

    # ------------------------------------------------------------------ segments / tags
    def _segment(self, lst, segment_id):
        seg = lst.segments.get(str(segment_id))
        if seg is None:
            raise not_found()
        return seg

    def _segment_by_name(self, lst, name):
        for seg in lst.segments.values():
            if seg["info"]["name"] == name:
                return seg
        return None

    def _new_segment(self, lst, name, seg_type="static", options=None):
        self._segment_id += 1
        now = self.now_str()
        info = {
            "id": self._segment_id,
            "name": name,
            "member_count": 0,
            "type": seg_type,
            "created_at": now,
            "updated_at": now,
            "list_id": lst.id,
        }
        if seg_type == "saved":
            info["options"] = {
                "match": (options or {}).get("match", "all"),
                "conditions": (options or {}).get("conditions", []),
            }
        seg = {"info": info, "members": {}}
        lst.segments[str(self._segment_id)] = seg
        return seg

    def render_segment(self, seg):
        info = dict(seg["info"])
        info["member_count"] = len(seg["members"])
        return info

    def _tag_member(self, lst, member, seg, active=True, when=None):
        web_id = member["web_id"]
        tag_id = seg["info"]["id"]
        if active:
            if web_id in seg["members"]:
                return False
            seg["members"][web_id] = when or self.now_str()
            member["tags"].append({"id": tag_id, "name": seg["info"]["name"]})
        else:
            if web_id not in seg["members"]:
                return False
            del seg["members"][web_id]
            member["tags"] = [t for t in member["tags"] if t["id"] != tag_id]
        member["tags_count"] = len(member["tags"])
        seg["info"]["updated_at"] = self.now_str()
        return True

    def tag_by_name(self, lst, member, name, active=True):
        seg = self._segment_by_name(lst, name)
        if seg is None:
            if not active:
                return False
            seg = self._new_segment(lst, name)
        if seg["info"]["type"] != "static":
            raise invalid(f"The segment '{name}' is not a tag (static segment).")
        return self._tag_member(lst, member, seg, active)

    @locked
    def create_segment(self, lst, body):
        name = body.get("name")
        if not name:
            raise invalid_field("name", "This value should not be blank.")
        if self._segment_by_name(lst, name):
            raise invalid(f"A segment or tag named '{name}' already exists.")
        emails = body.get("static_segment")
        if emails is not None and body.get("options"):
            raise invalid("A segment cannot have both static_segment and options.")
        seg = self._new_segment(
            lst, name, "saved" if body.get("options") else "static", body.get("options")
        )
        if emails:
            self._set_static_members(lst, seg, emails)
        return seg

    def _set_static_members(self, lst, seg, emails):
        wanted = []
        for email in emails:
            m = self._find_member(lst, str(email))
            if m is not None and m["status"] != "archived":
                wanted.append(m)
        wanted_ids = {m["web_id"] for m in wanted}
        for web_id in list(seg["members"]):
            if web_id not in wanted_ids:
                self._tag_member(lst, lst.by_web[web_id], seg, False)
        for m in wanted:
            self._tag_member(lst, m, seg, True)
        lst.touch()

    @locked
    def update_segment(self, lst, segment_id, body):
        seg = self._segment(lst, segment_id)
        name = body.get("name")
        if name and name != seg["info"]["name"]:
            if self._segment_by_name(lst, name):
                raise invalid(f"A segment or tag named '{name}' already exists.")
            seg["info"]["name"] = name
            for web_id in seg["members"]:
                for tag in lst.by_web[web_id]["tags"]:
                    if tag["id"] == seg["info"]["id"]:
                        tag["name"] = name
        if body.get("options") and seg["info"]["type"] == "saved":
            seg["info"]["options"].update(body["options"])
        if body.get("static_segment") is not None:
            if seg["info"]["type"] != "static":
                raise invalid("Only static segments accept static_segment.")
            self._set_static_members(lst, seg, body["static_segment"])
        seg["info"]["updated_at"] = self.now_str()
        lst.touch()
        return seg

    @locked
    def delete_segment(self, lst, segment_id):
        seg = self._segment(lst, segment_id)
        for web_id in list(seg["members"]):
            self._tag_member(lst, lst.by_web[web_id], seg, False)
        del lst.segments[str(segment_id)]
        lst.touch()

    @locked
    def segment_batch(self, lst, segment_id, body):
        seg = self._segment(lst, segment_id)
        to_add = body.get("members_to_add") or []
        to_remove = body.get("members_to_remove") or []
        for key, values in (("members_to_add", to_add), ("members_to_remove", to_remove)):
            if not isinstance(values, list):
                raise invalid_field(key, "Expected an array of email addresses.")
            if len(values) > 500:
                raise invalid_field(
                    key, "You may not add or remove more than 500 members at a time."
                )
        if seg["info"]["type"] != "static":
            raise invalid("Members can only be added to or removed from static segments.")
        added, removed, missing_add, missing_remove = [], [], [], []
        for email in to_add:
            m = self._find_member(lst, str(email))
            if m is None or m["status"] == "archived":
                missing_add.append(email)
            elif self._tag_member(lst, m, seg, True):
                added.append(m)
        for email in to_remove:
            m = self._find_member(lst, str(email))
            if m is None:
                missing_remove.append(email)
            elif self._tag_member(lst, m, seg, False):
                removed.append(m)
        errors = []
        if missing_add:
            errors.append(
                {
                    "email_addresses": missing_add,
                    "error": "Email addresses do not belong to this audience",
                }
            )
        if missing_remove:
            errors.append(
                {
                    "email_addresses": missing_remove,
                    "error": "Email addresses do not belong to this audience",
                }
            )
        if added or removed:
            lst.touch()
        return {
            "members_added": [self.render_member(m) for m in added],
            "members_removed": [self.render_member(m) for m in removed],
            "errors": errors,
            "total_added": len(added),
            "total_removed": len(removed),
            "error_count": len(missing_add) + len(missing_remove),
        }

    # ------------------------------------------------------------------ webhooks
    def _webhook_flags(self, given, names, defaults):
        flags = dict(defaults)
        if given is None:
            return flags
        if not isinstance(given, dict):
            raise invalid("events and sources must be objects of booleans.")
        for key, value in given.items():
            if key in names:
                flags[key] = bool(value)
        return flags

    @locked
    def add_webhook(self, list_id, url, events=None, sources=None):
        lst = self._list(list_id)
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise invalid_field("url", "This value should be a valid URL.")
        hook_id = self._hex_id(lst.webhooks)
        hook = {
            "id": hook_id,
            "url": url,
            "events": self._webhook_flags(
                events, WEBHOOK_EVENTS, dict.fromkeys(WEBHOOK_EVENTS, True)
            ),
            "sources": self._webhook_flags(
                sources, WEBHOOK_SOURCES, {"user": True, "admin": True, "api": False}
            ),
            "list_id": list_id,
        }
        lst.webhooks[hook_id] = hook
        return dict(hook)

    def webhook(self, lst, hook_id):
        hook = lst.webhooks.get(hook_id)
        if hook is None:
            raise not_found()
        return hook

    @locked
    def update_webhook(self, lst, hook_id, body):
        hook = self.webhook(lst, hook_id)
        if "url" in body:
            url = body["url"]
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise invalid_field("url", "This value should be a valid URL.")
            hook["url"] = url
        hook["events"] = self._webhook_flags(body.get("events"), WEBHOOK_EVENTS, hook["events"])
        hook["sources"] = self._webhook_flags(body.get("sources"), WEBHOOK_SOURCES, hook["sources"])
        return hook

    @locked
    def delete_webhook(self, lst, hook_id):
        self.webhook(lst, hook_id)
        del lst.webhooks[hook_id]

    @locked
    def webhooks_for(self, list_id, event_type, source=None):
        lst = self._list(list_id)
        return [
            dict(h)
            for h in lst.webhooks.values()
            if h["events"].get(event_type) and (source is None or h["sources"].get(source))
        ]

    # ------------------------------------------------------------------ account
    @locked
    def account(self):
        total = sum(self.list_stats(lst)["member_count"] for lst in self.lists.values())
        return {
            "account_id": "emulated0account0" + str(self.seed),
            "login_id": "emulated-login-1",
            "account_name": "Emulated Account",
            "email": "owner@emulated.example",
            "first_name": "Emma",
            "last_name": "Ulator",
            "username": "emulated",
            "avatar_url": "",
            "role": "owner",
            "member_since": "2015-01-01T00:00:00+00:00",
            "pricing_plan_type": "monthly",
            "first_payment": "2015-02-01T00:00:00+00:00",
            "account_timezone": "UTC",
            "account_industry": "Software",
            "contact": {
                "company": "Emulated Company",
                "addr1": "1 Test Street",
                "addr2": "",
                "city": "Atlanta",
                "state": "GA",
                "zip": "30308",
                "country": "US",
            },
            "pro_enabled": False,
            "last_login": self.now_str(),
            "total_subscribers": total,
            "industry_stats": {"open_rate": 0.21, "bounce_rate": 0.01, "click_rate": 0.03},
        }
