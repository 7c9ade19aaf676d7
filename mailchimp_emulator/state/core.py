"""The account's whole state: clock, ids, account info and seeding, composed of one mixin
per resource group.

Every public method holds the single re-entrant lock ``State.lock`` (the ``locked``
decorator of :mod:`..util`); methods whose name starts with ``_`` are for the state
package itself: callers outside it (request handlers, the emulator facade, tests) use the
public ones.
"""

import random
import threading
from datetime import datetime, timedelta

from ..util import UTC, fmt_ts, locked, parse_ts
from .automations import AutomationMixin
from .batches import BatchMixin
from .content import ContentMixin
from .interests import InterestMixin
from .lists import ListMixin
from .members import MemberMixin
from .merge_fields import MergeFieldMixin
from .reports import ReportMixin
from .segments import SegmentMixin
from .sending import SendingMixin
from .webhooks import WebhookMixin

_WEEK = timedelta(days=7)


class State(
    ListMixin,
    MergeFieldMixin,
    MemberMixin,
    SegmentMixin,
    InterestMixin,
    WebhookMixin,
    ContentMixin,
    SendingMixin,
    ReportMixin,
    BatchMixin,
    AutomationMixin,
):
    def __init__(self, seed=42, dc="us6"):
        self.lock = threading.RLock()
        self.seed = seed
        self.dc = dc
        #: base of the hrefs in ``_links`` (the emulator sets its own URL when started)
        self.api_root = f"https://{dc}.api.mailchimp.com/3.0"
        self.rng = random.Random(seed)
        self._frozen = None
        self._offset = timedelta(0)
        self.lists = {}
        self.templates = {}
        self.campaigns = {}
        self.batches = {}
        self.automations = {}
        self._web_id = 100000
        self._segment_id = 1000
        self._template_id = 10000
        self._sending_defaults()

    # ------------------------------------------------------------------ clock
    def now(self):
        base = self._frozen if self._frozen is not None else datetime.now(UTC)
        return base + self._offset

    def now_str(self):
        return fmt_ts(self.now())

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

    # ------------------------------------------------------------------ ids
    def _hex_id(self, taken, length=10):
        while True:
            value = f"{self.rng.getrandbits(length * 4):0{length}x}"
            if value not in taken:
                return value

    def _next_web_id(self):
        self._web_id += 1
        return self._web_id

    # ------------------------------------------------------------------ account
    @locked
    def account(self):
        """GET /: the account."""
        total = sum(self._list_stats(lst)["member_count"] for lst in self.lists.values())
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

    # ------------------------------------------------------------------ seeding
    @locked
    def seed_audience(
        self, list_name="Sample Audience", members=0, campaigns=0, list_id=None, statuses=None
    ):
        """Create (or reuse, by id or name) an audience, add members and sent campaigns.

        Returns {list_id, created, member_count, campaigns}.
        """
        lid = list_id if list_id in self.lists else self.find_list(list_name)
        if lid is None:
            lid = self.add_list(list_name, list_id=list_id)
        created = self.seed_members(lid, int(members), statuses=statuses) if members else 0
        campaign_ids = []
        if campaigns:
            tpl = self.add_template("Emulated newsletter", category="newsletter")
            subscribed = self._list_stats(self.lists[lid])["member_count"]
            n_rcpt = min(subscribed, 500) or 100
            for i in range(int(campaigns)):
                cid = self.add_campaign(
                    lid,
                    template_id=tpl,
                    title=f"Newsletter #{i + 1}",
                    subject=f"News #{i + 1}",
                    status="sent",
                    send_time=self.now().replace(microsecond=0) - (int(campaigns) - i) * _WEEK,
                )
                self.seed_campaign_activity(
                    cid,
                    n_rcpt,
                    open_rate=0.3 + 0.02 * (i % 5),
                    click_rate=0.05 + 0.01 * (i % 3),
                )
                campaign_ids.append(cid)
        return {
            "list_id": lid,
            "created": created,
            "member_count": len(self.lists[lid].members),
            "campaigns": campaign_ids,
        }
