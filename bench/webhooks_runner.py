"""Webhook benchmark, the job runner (run inside `odoo shell` while the senders deliver):
runs the Mailchimp jobs in a loop until the deliveries are over and every event is applied,
then prints the figures and compares Odoo's members with the emulator's."""
# ruff: noqa: F821  (env is given by odoo shell; URL and KEY by bench/_shell_helpers.py)

import json
import os
import time

DIR = os.environ["BENCH_DIR"]
DELIVERIES = int(os.environ["BENCH_DELIVERIES"])
SENDERS = int(os.environ["BENCH_SENDERS"])
SENT = os.path.join(DIR, "sent")
Job = env["queue.job"]


def waiting():
    env.cr.execute("SELECT count(*) FROM mailchimp_webhook_event WHERE state = 'received'")
    events = env.cr.fetchone()[0]
    jobs = Job.sudo().search_count([("channel", "=", "root.mailchimp"), ("state", "=", "pending")])
    return events, jobs


jobs_run = 0
while True:
    ran = Job._mailchimp_run_pending()
    env.cr.commit()
    jobs_run += ran
    if ran:
        continue
    if os.path.exists(SENT) and waiting() == (0, 0):
        applied_at = time.time()
        break
    time.sleep(0.2)

with open(SENT) as handle:
    sent = json.load(handle)
timings = sent["timings"]


def pct(p):
    return timings[min(len(timings) - 1, int(round(p / 100 * (len(timings) - 1))))] * 1000


five = sum(v for k, v in sent["statuses"].items() if k.startswith("5"))
env.cr.execute("SELECT state, count(*) FROM mailchimp_webhook_event GROUP BY state")
states = dict(env.cr.fetchall())
stored = sum(states.values())

# Odoo's final state against the emulator's
audience = env["mailchimp.list"].search([], limit=1)
client = audience.account_id._get_client()
remote = {}
offset = 0
while True:
    page = client.members_page(
        audience.mc_id,
        count=1000,
        offset=offset,
        fields=("email_address", "status", "merge_fields"),
    )
    for member in page.get("members") or []:
        remote[member["email_address"].lower()] = member
    offset += 1000
    if offset >= page.get("total_items", 0):
        break
bindings = env["mailchimp.member"].search(
    [("list_id", "=", audience.id), ("status", "not in", (False, "deleted"))]
)
local = {b.email_normalized: b for b in bindings}
missing = sorted(set(remote) - set(local))
extra = sorted(set(local) - set(remote))
wrong = sorted(
    email
    for email in set(remote) & set(local)
    if local[email].status != remote[email]["status"]
    or (local[email].merge_values or {}).get("FNAME") != remote[email]["merge_fields"].get("FNAME")
)
identical = not (missing or extra or wrong)

print(f"deliveries sent:              {len(timings)} ({SENDERS} concurrent senders)")
print(f"  by type:                    {json.dumps(sent['by_type'], sort_keys=True)}")
print(
    f"answer time p50/p95/p99:      {pct(50):.1f} / {pct(95):.1f} / {pct(99):.1f} ms "
    f"(max {timings[-1] * 1000:.1f} ms)"
)
print(f"deliveries/s:                 {len(timings) / sent['wall']:.0f}")
print(f"HTTP statuses:                {json.dumps(sent['statuses'], sort_keys=True)}")
print(f"5xx:                          {five}")
print(
    f"events stored:                {stored} ({json.dumps(states, sort_keys=True)}); "
    f"lost: {len(timings) - stored}"
)
print(f"jobs run:                     {jobs_run}")
print(f"applied after last delivery:  {applied_at - sent['last_delivery']:.1f} s")
print(f"members Mailchimp/Odoo:       {len(remote)} / {len(local)}")
print(
    f"final state identical:        {identical} "
    f"(missing {len(missing)}, extra {len(extra)}, different {len(wrong)})"
)
for label, items in (("missing", missing), ("extra", extra), ("different", wrong)):
    if items:
        print(f"  {label}: {items[:5]}")
