"""Contact export benchmark, run inside `odoo shell` by bench/run-contact-export.

Prints: the write calls, wall time and peak RSS growth of the export of BENCH_CONTACTS new
mailing contacts to an empty emulator audience, and the figures of a no-change hourly run
(API writes, wall time). Reads BENCH_EMULATOR_URL, BENCH_KEY, BENCH_CONTACTS.
"""
# ruff: noqa: F821  (env is given by odoo shell; URL, KEY, emulator_requests and
# run_all_jobs by bench/_shell_helpers.py, fed to the shell first)

import os
import resource
import time

import psutil

CONTACTS = int(os.environ["BENCH_CONTACTS"])


def writes(calls):
    return sum(1 for c in calls if c["method"] in ("POST", "PUT", "PATCH", "DELETE"))


account = env["mailchimp.account"].create(
    {"name": "Bench", "api_key": KEY, "api_base_url": f"{URL}/3.0", "auto_update_contact": True}
)
account.action_test_connection()
assert account.state == "connected", account.last_error
audience = env["mailchimp.list"]._import_from_account(account)[0]
audience.write({"push_new": True, "push_unsubscribes": True, "push_fields": True})
env.cr.commit()

# ---- the contacts arrive (the hooks mark them for export) -------------------------------
Contact = env["mailing.contact"].with_context(tracking_disable=True, mail_create_nolog=True)
start = time.perf_counter()
for offset in range(0, CONTACTS, 1000):
    Contact.create(
        [
            {
                "email": f"export{i:06d}@example.org",
                "first_name": f"First{i}",
                "last_name": f"Last{i}",
                "list_ids": [(4, audience.mailing_list_id.id)],
            }
            for i in range(offset, min(offset + 1000, CONTACTS))
        ]
    )
    env.cr.commit()
create_seconds = time.perf_counter() - start

# ---- export ------------------------------------------------------------------------------
calls_before = len(emulator_requests())
rss_before = psutil.Process().memory_info().rss / 2**20
start = time.perf_counter()
audience._queue_push()
env.cr.commit()
jobs = run_all_jobs()
export_seconds = time.perf_counter() - start
peak_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before
calls = emulator_requests()[calls_before:]
pending = env["mailchimp.member"].search_count([("need_push", "=", True)])
subscribed = env["mailchimp.member"].search_count([("status", "=", "subscribed")])

# ---- no-change hourly run -----------------------------------------------------------------
calls_before = len(emulator_requests())
start = time.perf_counter()
env["mailchimp.list"]._cron_push()
env.cr.commit()
run_all_jobs()
idle_seconds = time.perf_counter() - start
idle_calls = emulator_requests()[calls_before:]

print("BENCH contact export")
print(f"  new contacts                     : {CONTACTS}")
print(
    f"  contacts created (hooks on)      : {create_seconds:.1f} s "
    f"({CONTACTS / create_seconds:.0f}/s, not part of the export)"
)
print(f"  export: jobs run                 : {jobs}")
print(f"  export: write calls              : {writes(calls)} (all calls {len(calls)}; goal <= 200)")
print(
    f"  export: wall time                : {export_seconds:.1f} s "
    f"({CONTACTS / export_seconds:.0f} contacts/s)"
)
print(f"  export: subscribed bindings      : {subscribed} (waiting: {pending})")
print(f"  export: peak RSS growth          : {peak_growth:.0f} MB")
print(f"  no-change hourly run: API writes : {writes(idle_calls)} (goal 0)")
print(f"  no-change hourly run: wall time  : {idle_seconds:.2f} s (goal < 2)")
