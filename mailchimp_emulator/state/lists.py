"""Audiences (lists): storage, creation, settings and statistics."""

from ..util import invalid, locked, not_found, page

DEFAULT_MERGE_FIELDS = (
    ("FNAME", "First Name", "text", {}),
    ("LNAME", "Last Name", "text", {}),
    ("ADDRESS", "Address", "address", {"default_country": 164}),
    ("PHONE", "Phone Number", "phone", {"phone_format": "none"}),
)
_READ_ONLY_LIST_KEYS = ("id", "web_id", "date_created", "stats", "_links")


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
        # category id -> {"info": {...}, "interests": {interest id: {...}}}
        self.interest_categories = {}
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


class ListMixin:
    # ------------------------------------------------------------------ internal
    def _list(self, list_id):
        lst = self.lists.get(list_id)
        if lst is None:
            raise not_found(f"The requested resource could not be found. (list {list_id})")
        return lst

    @staticmethod
    def _merge_list_info(info, changes):
        for key, value in changes.items():
            if key in _READ_ONLY_LIST_KEYS:
                continue
            if isinstance(value, dict) and isinstance(info.get(key), dict):
                info[key].update(value)
            elif key in info:
                info[key] = value

    def _list_stats(self, lst):
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

    def _render_list(self, lst):
        body = dict(lst.info)
        body["stats"] = dict(self._list_stats(lst))
        return body

    # ------------------------------------------------------------------ public
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

    @locked
    def create_list_from_api(self, body):
        """POST /lists: validate the body, create the audience, return it rendered."""
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
        list_id = self.add_list(body["name"], double_optin=body.get("double_optin", False), **extra)
        return self._render_list(self.lists[list_id])

    @locked
    def list_page(self, query):
        """GET /lists: one page of rendered audiences."""
        lists = list(self.lists.values())
        return page(
            query,
            "lists",
            lists,
            self._render_list,
            {
                "constraints": {
                    "may_create": True,
                    "max_instances": 100,
                    "current_total_instances": len(lists),
                }
            },
        )

    @locked
    def get_list(self, list_id):
        """The audience as GET /lists/{id} answers it (404 if unknown)."""
        return self._render_list(self._list(list_id))

    @locked
    def update_list(self, list_id, changes):
        lst = self._list(list_id)
        self._merge_list_info(lst.info, changes)
        return self._render_list(lst)

    @locked
    def delete_list(self, list_id):
        self._list(list_id)
        del self.lists[list_id]
        for camp in self.campaigns.values():
            if camp["list_id"] == list_id:
                camp["list_active"] = False

    @locked
    def list_stats(self, list_id):
        return dict(self._list_stats(self._list(list_id)))

    @locked
    def find_list(self, name):
        for lst in self.lists.values():
            if lst.info["name"] == name:
                return lst.id
        return None

    @locked
    def list_summaries(self):
        """[{id, name, members}] of every audience (the control API's health)."""
        return [
            {"id": lst.id, "name": lst.info["name"], "members": len(lst.members)}
            for lst in self.lists.values()
        ]
