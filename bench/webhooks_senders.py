"""Webhook benchmark, emulator side (run by bench/run-webhooks with plain Python).

Starts the Mailchimp emulator (BENCH_MEMBERS members, two sent campaigns), writes its URL to
BENCH_DIR/emulator.url, waits for BENCH_DIR/go (Odoo serving, webhook registered), then makes
BENCH_DELIVERIES changes in Mailchimp, each followed by its webhook delivery to Odoo, from
BENCH_SENDERS threads (the time of each delivery measured), and prints the sender figures.
Writes BENCH_DIR/sent (the time of the last delivery) and keeps the emulator serving until it
is killed (the runner compares Odoo's state with it).
"""

import json
import os
import random
import sys
import threading
import time
from queue import Empty, Queue

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from mailchimp_emulator import Emulator  # noqa: E402
from mailchimp_emulator.delivery import deliver, webhook_body  # noqa: E402

DELIVERIES = int(os.environ["BENCH_DELIVERIES"])
SENDERS = int(os.environ["BENCH_SENDERS"])
MEMBERS = int(os.environ["BENCH_MEMBERS"])
KEY = os.environ["BENCH_KEY"]
DIR = os.environ["BENCH_DIR"]
MIX = [  # (type, weight)
    ("profile", 30),
    ("subscribe", 20),
    ("unsubscribe", 20),
    ("resubscribe", 8),
    ("cleaned", 10),
    ("upemail", 11),
    ("campaign", 1),
    ("malformed", 2),  # refused (400), counted for the audience, nothing stored
]

emu = Emulator(api_keys=(KEY,), seed=11).start(port=0)
seeded = emu.seed("Bench Audience", members=MEMBERS, campaigns=2)
LIST = seeded["list_id"]
with open(os.path.join(DIR, "emulator.url.tmp"), "w") as handle:
    handle.write(emu.root_url)
os.replace(os.path.join(DIR, "emulator.url.tmp"), os.path.join(DIR, "emulator.url"))
while not os.path.exists(os.path.join(DIR, "go")):
    time.sleep(0.1)

rng = random.Random(5)
lock = threading.Lock()
counter = [0]


#: the senders' own view of the members (address -> status): reading the emulator's whole
#: audience for every pick would make the senders, not Odoo, the bottleneck
known = {m["email_address"]: m["status"] for m in emu.state.members(LIST)}


def pick(status=None):
    members = [email for email, st in known.items() if status is None or st == status]
    return rng.choice(members) if members else None


def change(kind):
    """Make one change in Mailchimp; return (type, data) of its delivery, or None."""
    counter[0] += 1
    n = counter[0]
    if kind == "malformed":  # a delivery without its address: no change in Mailchimp
        return "malformed", {"list_id": LIST, "merges": {"FNAME": f"Nobody{n}"}}
    if kind == "subscribe":
        email = f"new{n:06d}@bench.example"
        emu.state.add_member(LIST, email, merge_fields={"FNAME": f"New{n}"})
        known[email] = "subscribed"
        return "subscribe", emu.member_webhook_data(LIST, email)
    if kind == "resubscribe":
        email = pick("unsubscribed")
        if not email:
            return None
        emu.state.update_member(LIST, email, status="subscribed")
        known[email] = "subscribed"
        return "subscribe", emu.member_webhook_data(LIST, email)
    if kind in ("unsubscribe", "cleaned", "profile"):
        email = pick("subscribed")
        if not email:
            return None
        if kind == "profile":
            emu.state.update_member(LIST, email, merge_fields={"FNAME": f"Changed{n}"})
            return "profile", emu.member_webhook_data(LIST, email)
        status = "unsubscribed" if kind == "unsubscribe" else "cleaned"
        emu.state.update_member(LIST, email, status=status)
        known[email] = status
        data = emu.member_webhook_data(LIST, email)
        if kind == "unsubscribe":
            data.update(action="unsub", reason="manual", campaign_id="")
        else:
            data.update(reason="hard", campaign_id="")
        return kind, data
    if kind == "upemail":
        email = pick("subscribed")
        if not email:
            return None
        new = f"moved{n:06d}@bench.example"
        emu.state.update_member(LIST, email, email_address=new)
        known[new] = known.pop(email)
        return "upemail", {"old_email": email, "new_email": new, "new_id": ""}
    campaign = rng.choice(seeded["campaigns"])
    return "campaign", {"id": campaign, "subject": "News", "status": "sent", "reason": ""}


tasks = Queue()
kinds = [kind for kind, weight in MIX for _i in range(weight)]
for _i in range(DELIVERIES):
    tasks.put(rng.choice(kinds))
timings, statuses, by_type = [], {}, {}
results_lock = threading.Lock()


def sender():
    while True:
        try:
            kind = tasks.get_nowait()
        except Empty:
            return
        with lock:
            made = change(kind)
            while made is None:
                made = change("subscribe")
        type_, data = made
        start = time.perf_counter()
        if type_ == "malformed":
            url = emu.state.webhooks_for(LIST, "subscribe")[0]["url"]
            body = webhook_body("subscribe", emu.state.now(), data)
            result = [(url, deliver(url, body))]
        else:
            result = emu.fire_webhook(LIST, type_, data)
        elapsed = time.perf_counter() - start
        with results_lock:
            timings.append(elapsed)
            for _url, status in result:
                statuses[status] = statuses.get(status, 0) + 1
            by_type[type_] = by_type.get(type_, 0) + 1


started = time.perf_counter()
threads = [threading.Thread(target=sender) for _i in range(SENDERS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
wall = time.perf_counter() - started
last = time.time()
with open(os.path.join(DIR, "sent.tmp"), "w") as handle:
    json.dump(
        {
            "last_delivery": last,
            "timings": sorted(timings),
            "statuses": {str(k): v for k, v in statuses.items()},
            "by_type": by_type,
            "wall": wall,
            # two changes of a member in one second can make the same delivery (its
            # fired_at has whole seconds): Odoo rightly stores it once
            "distinct": len({d["body"] for d in emu.webhook_deliveries}),
        },
        handle,
    )
os.replace(os.path.join(DIR, "sent.tmp"), os.path.join(DIR, "sent"))
sys.stdout.flush()
while True:
    time.sleep(1)
