"""Segment sync benchmark, run inside `odoo shell` by bench/run-segment-sync.

An audience of BENCH_MEMBERS members imported into Odoo (setup, not measured); a segment of
the mailing contacts whose company name is 'In' (BENCH_SEGMENT of them, the others 'Out').
Prints, each the median of 3 runs: the sync from scratch (a new Mailchimp segment: add calls,
membership pages read, CPU seconds), after 1 % of the selected records changed (half leave
the selection, as many others join it: write calls, goal <= 2 + changed/500) and with no
change (write calls, goal 0). CPU seconds: this Odoo process, PostgreSQL's backends and the
emulator (bench/cpu_times.py). Reads BENCH_EMULATOR_URL, BENCH_KEY, BENCH_SEGMENT.
"""
# ruff: noqa: F821  (env is given by odoo shell; URL, KEY, emulator_requests and
# run_all_jobs by bench/_shell_helpers.py, fed to the shell first)

import importlib.util
import os
import statistics
import time

_spec = importlib.util.spec_from_file_location("cpu_times", os.path.join("bench", "cpu_times.py"))
cpu_times = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cpu_times)

SEGMENT = int(os.environ["BENCH_SEGMENT"])
RUNS = 3


cpu_seconds = cpu_times.bench_seconds


def segment_calls(calls):
    writes = [c for c in calls if c["method"] != "GET" and "/segments" in c["path"]]
    adds = [c for c in writes if c["method"] == "POST" and c["path"].count("/") >= 5]
    pages = [c for c in calls if c["method"] == "GET" and c["path"].endswith("/members")]
    return len(writes), len(adds), len(pages)


def measured_sync(segment):
    """One sync (its job run to its end): (write calls, add calls, pages read, CPU s,
    wall s)."""
    before = len(emulator_requests())
    cpu, start = cpu_seconds(), time.perf_counter()
    segment._queue_sync()
    env.cr.commit()
    run_all_jobs()
    cpu, wall = cpu_seconds() - cpu, time.perf_counter() - start
    segment.invalidate_recordset()
    assert segment.state == "synced", (segment.state, segment.last_error)
    return (*segment_calls(emulator_requests()[before:]), cpu, wall)


def median(rows, index):
    return statistics.median(row[index] for row in rows)


account = env["mailchimp.account"].create(
    {"name": "Bench", "api_key": KEY, "api_base_url": f"{URL}/3.0"}
)
account.action_test_connection()
assert account.state == "connected", account.last_error
audience = env["mailchimp.list"]._import_from_account(account)[0]
env.cr.commit()
start = time.perf_counter()
audience._start_member_import()
env.cr.commit()
run_all_jobs()
import_seconds = time.perf_counter() - start
Contact = env["mailing.contact"]
contacts = Contact.search([], order="id")
env.cr.execute(
    "UPDATE mailing_contact SET company_name = CASE WHEN id = ANY(%s) THEN 'In' ELSE 'Out' END",
    [contacts[:SEGMENT].ids],
)
env.cr.commit()
env.invalidate_all()
segment = env["mailchimp.segment"].create(
    {"name": "Bench", "list_id": audience.id, "domain": "[('company_name', '=', 'In')]"}
)
env.cr.commit()

# ---- from scratch (the Mailchimp segment deleted between runs) ---------------------------
scratch = []
for _run in range(RUNS):
    segment.sudo().action_delete_in_mailchimp()
    env.cr.commit()
    scratch.append(measured_sync(segment))
in_segment = segment.member_count

# ---- 1 % of the selected records changed -------------------------------------------------
changed_rows = []
changed = SEGMENT // 100
for run in range(RUNS):
    inside = Contact.search([("company_name", "=", "In")], order="id", limit=changed // 2)
    outside = Contact.search(
        [("company_name", "=", "Out")], order="id", offset=run, limit=changed - changed // 2
    )
    inside.write({"company_name": "Out"})
    outside.write({"company_name": "In"})
    env.cr.commit()
    changed_rows.append(measured_sync(segment))

# ---- no change ---------------------------------------------------------------------------
idle = [measured_sync(segment) for _run in range(RUNS)]

# ---- one tag added in Odoo to every selected member (Sync tags) ---------------------------
# first the tags both sides have merged once (what turning Sync tags on does), then the tag
audience.sync_tags = True
audience._queue_sync_tags()
env.cr.commit()
run_all_jobs()
bench_tag = env["res.partner.category"].create({"name": "Bench tag"})
tagged = Contact.search([("company_name", "=", "In")])
tagged.write({"tag_ids": [(4, bench_tag.id)]})
env.cr.commit()
before = len(emulator_requests())
tag_cpu, tag_start = cpu_seconds(), time.perf_counter()
audience._queue_sync_tags()
env.cr.commit()
run_all_jobs()
tag_cpu, tag_wall = cpu_seconds() - tag_cpu, time.perf_counter() - tag_start
tag_calls = emulator_requests()[before:]
tag_writes = sum(1 for c in tag_calls if c["method"] != "GET")
tag_member_calls = sum(1 for c in tag_calls if c["path"].endswith("/tags"))
env.cr.execute(
    "SELECT count(*) FROM mailchimp_member WHERE list_id = %s AND tags LIKE %s",
    [audience.id, "%Bench tag%"],
)
tag_holders = env.cr.fetchone()[0]

print("BENCH segment sync (median of 3 runs each)")
print(f"  audience members imported (setup) : {Contact.search_count([])} in {import_seconds:.0f} s")
print(f"  selected, in the segment          : {segment.matched_count}, {in_segment}")
print(
    f"  from scratch: add calls           : {median(scratch, 1):.0f} (goal <= 100), "
    f"pages read {median(scratch, 2):.0f}, writes {median(scratch, 0):.0f}"
)
print(f"  from scratch: CPU s / wall s      : {median(scratch, 3):.1f} / {median(scratch, 4):.1f}")
print(
    f"  1 % changed ({changed} records): writes  : {median(changed_rows, 0):.0f} "
    f"(goal <= {2 + changed // 500}), pages read {median(changed_rows, 2):.0f}"
)
print(
    f"  1 % changed: CPU s / wall s       : "
    f"{median(changed_rows, 3):.1f} / {median(changed_rows, 4):.1f}"
)
print(
    f"  no change: writes                 : {median(idle, 0):.0f} (goal 0), "
    f"pages read {median(idle, 2):.0f}"
)
print(f"  no change: CPU s / wall s         : {median(idle, 3):.1f} / {median(idle, 4):.1f}")
print(
    f"  one tag added to {len(tagged)} members : {tag_writes} write calls (goal <= 100; "
    f"{tag_member_calls} one member at a time), {len(tag_calls) - tag_writes} reads, "
    f"{tag_holders} bindings hold it"
)
print(f"  one tag added: CPU s / wall s     : {tag_cpu:.1f} / {tag_wall:.1f} (one run)")
