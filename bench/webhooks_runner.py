"""Webhook benchmark, the job runner (run inside `odoo shell` while the senders deliver):
runs the Mailchimp jobs in a loop until the deliveries are over and every event is applied,
then prints the figures and compares Odoo's members with the emulator's."""
# ruff: noqa: F821  (env is given by odoo shell; URL and KEY by bench/_shell_helpers.py)

import json
import os
import resource
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


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ready (Odoo's registry loaded, seconds under load): the senders may start
cpu_start = cpu_seconds()
with open(os.path.join(DIR, "runner.ready"), "w") as handle:
    handle.write("ready")
jobs_run = 0
while True:
    ran = Job._mailchimp_run_pending()
    env.cr.commit()
    jobs_run += ran
    if ran:
        continue
    if os.path.exists(SENT) and waiting() == (0, 0):
        applied_at = time.time()
        runner_cpu = cpu_seconds() - cpu_start
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
malformed = sent["by_type"].get("malformed", 0)
env.cr.execute("SELECT coalesce(sum(rejected_count), 0) FROM mailchimp_webhook_rejection")
rejected = env.cr.fetchone()[0]
distinct = sent.get("distinct", len(timings) - malformed)
print(
    f"events stored:                {stored} ({json.dumps(states, sort_keys=True)}); "
    f"lost: {distinct - stored}; same delivery twice (stored once): "
    f"{len(timings) - malformed - distinct}"
)
print(f"refused (malformed) counted:  {rejected} of {malformed}")
print(f"jobs run:                     {jobs_run} (runner CPU {runner_cpu:.1f} s)")
print(f"applied after last delivery:  {applied_at - sent['last_delivery']:.1f} s")
print(f"members Mailchimp/Odoo:       {len(remote)} / {len(local)}")
print(
    f"final state identical:        {identical} "
    f"(missing {len(missing)}, extra {len(extra)}, different {len(wrong)})"
)
for label, items in (("missing", missing), ("extra", extra), ("different", wrong)):
    if items:
        print(f"  {label}: {items[:5]}")
