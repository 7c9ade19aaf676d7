"""Member import benchmark, run inside `odoo shell` by bench/run-member-import.

Prints: member-list API calls, wall time and contacts/s of the import of the emulator's
audience into a fresh database; the same number of mailing contacts (with their list
subscription) made by a bare batched ORM create with tracking and chatter logging off (the
baseline); peak RSS growth of the import; and the no-change incremental re-sync figures.
Reads BENCH_EMULATOR_URL, BENCH_KEY, BENCH_MEMBERS from the environment.
"""
# ruff: noqa: F821  (env is given by odoo shell; URL, KEY, emulator_requests and
# run_all_jobs by bench/_shell_helpers.py, fed to the shell first)

import importlib.util
import os
import resource
import time

import psutil

# bench/cpu_times.py (the shell runs in the repository's root)
_spec = importlib.util.spec_from_file_location("cpu_times", os.path.join("bench", "cpu_times.py"))
cpu_times = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cpu_times)

MEMBERS = int(os.environ["BENCH_MEMBERS"])


def count_calls(calls, method=None, contains=None):
    return sum(
        1
        for call in calls
        if (method is None or call["method"] == method)
        and (contains is None or contains in call["path"])
    )


def rss_mb():
    return psutil.Process().memory_info().rss / 2**20


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def steal_seconds():
    """Seconds the host took from this machine so far (bench/cpu_times.py)."""
    return cpu_times.host_steal() / cpu_times.TICKS


cpu_seconds = cpu_times.bench_seconds


account = env["mailchimp.account"].create(
    {"name": "Bench", "api_key": KEY, "api_base_url": f"{URL}/3.0"}
)
account.action_test_connection()
assert account.state == "connected", account.last_error
audiences = env["mailchimp.list"]._import_from_account(account)
audience = audiences[0]
env.cr.commit()

# ---- import ----------------------------------------------------------------------------
calls_before = len(emulator_requests())
rss_before = rss_mb()
steal_before = steal_seconds()
cpu_before = cpu_seconds()
start = time.perf_counter()
audience._start_member_import()
env.cr.commit()
jobs = run_all_jobs()
import_seconds = time.perf_counter() - start
import_steal = steal_seconds() - steal_before
import_cpu = cpu_seconds() - cpu_before
peak_growth = maxrss_mb() - rss_before
calls = emulator_requests()[calls_before:]
member_calls = count_calls(calls, "GET", "/members")
all_calls = len(calls)
run = audience.run_ids[:1]
bindings = env["mailchimp.member"].search_count([("list_id", "=", audience.id)])
contacts = env["mailing.contact"].search_count([("list_ids", "in", audience.mailing_list_id.ids)])

# ---- no-change incremental re-sync -----------------------------------------------------
env.cr.execute("SELECT now() at time zone 'utc'")
t0 = env.cr.fetchone()[0]
time.sleep(1)
calls_before = len(emulator_requests())
start = time.perf_counter()
audience._start_member_import()
env.cr.commit()
run_all_jobs()
resync_seconds = time.perf_counter() - start
resync_calls = len(emulator_requests()) - calls_before
written = 0
for table in ("mailchimp_member", "mailing_contact", "mailing_subscription", "res_partner"):
    env.cr.execute(f"SELECT count(*) FROM {table} WHERE write_date > %s", (t0,))  # noqa: S608
    written += env.cr.fetchone()[0]

# ---- baseline: bare batched ORM create of the same contacts ----------------------------
baseline_list = env["mailing.list"].create({"name": "Baseline"})
Contact = env["mailing.contact"].with_context(
    tracking_disable=True, mail_create_nolog=True, mail_notrack=True
)
steal_before = steal_seconds()
cpu_before = cpu_seconds()
start = time.perf_counter()
for offset in range(0, MEMBERS, 1000):
    Contact.create(
        [
            {
                "email": f"baseline{i:06d}@example.org",
                "first_name": f"First{i}",
                "last_name": f"Last{i}",
                "subscription_ids": [(0, 0, {"list_id": baseline_list.id})],
            }
            for i in range(offset, min(offset + 1000, MEMBERS))
        ]
    )
    env.cr.commit()
baseline_seconds = time.perf_counter() - start
baseline_steal = steal_seconds() - steal_before
baseline_cpu = cpu_seconds() - cpu_before

print("BENCH member import")
print(f"  members in the emulator audience : {MEMBERS}")
print(f"  import: jobs run                 : {jobs}")
print(f"  import: member-list API calls    : {member_calls} (all calls {all_calls}; goal <= 101)")
print(
    f"  import: wall time                : {import_seconds:.1f} s "
    f"({MEMBERS / import_seconds:.0f} members/s)"
)
print(f"  import: bindings / list contacts : {bindings} / {contacts} (run {run.state})")
print(
    f"  baseline ORM create              : {baseline_seconds:.1f} s "
    f"({MEMBERS / baseline_seconds:.0f} contacts/s)"
)
ratio = import_seconds / baseline_seconds
print(f"  import / baseline                : {ratio:.2f}x (goal <= 1.6)")
print(
    f"  CPU seconds (Odoo, PostgreSQL, emulator): import {import_cpu:.1f}, "
    f"baseline {baseline_cpu:.1f}: {import_cpu / baseline_cpu:.2f}x"
)
print(
    f"  CPU taken by the host (steal)    : import {import_steal:.1f} s, "
    f"baseline {baseline_steal:.1f} s (figures taken meanwhile are not comparable)"
)
print(f"  import: peak RSS growth          : {peak_growth:.0f} MB (goal < 300)")
print(f"  no-change re-sync: API calls     : {resync_calls} (goal <= 2)")
print(f"  no-change re-sync: rows written  : {written} (goal 0)")
print(f"  no-change re-sync: wall time     : {resync_seconds:.2f} s (goal < 2)")
