"""Campaign activity benchmark, run inside `odoo shell` by bench/run-campaign-activity.

Imports the audience and its members (not timed), then times the import of the campaign
and its report with every activity page job run in-process: API calls, jobs, wall time,
activity rows stored; then a no-change refresh (incremental) and a full re-read that must
store nothing new.
Reads BENCH_EMULATOR_URL, BENCH_KEY, BENCH_CAMPAIGN, BENCH_SEEDED_ROWS from the environment.
"""
# ruff: noqa: F821  (env is given by odoo shell; URL, KEY, emulator_requests and
# run_all_jobs by bench/_shell_helpers.py, fed to the shell first)

import os
import time

import psutil

CAMPAIGN = os.environ["BENCH_CAMPAIGN"]
SEEDED = int(os.environ["BENCH_SEEDED_ROWS"])


def count_calls(calls, contains=None):
    return sum(1 for call in calls if contains is None or contains in call["path"])


def timed(label, func):
    before = len(emulator_requests())
    start = time.perf_counter()
    func()
    env.cr.commit()
    jobs = run_all_jobs()
    seconds = time.perf_counter() - start
    calls = emulator_requests()[before:]
    return {"label": label, "seconds": seconds, "jobs": jobs, "calls": calls}


Activity = env["mailchimp.campaign.activity"]
account = env["mailchimp.account"].create(
    {"name": "Bench", "api_key": KEY, "api_base_url": f"{URL}/3.0"}
)
account.action_test_connection()
assert account.state == "connected", account.last_error
audience = env["mailchimp.list"]._import_from_account(account)
env.cr.commit()
start = time.perf_counter()
audience._start_member_import()
env.cr.commit()
run_all_jobs()
members_seconds = time.perf_counter() - start


def import_campaign():
    env["mailchimp.template"]._import_from_account(account)
    env["mailchimp.campaign"]._import_from_account(account)._queue_reports()


rss_before = psutil.Process().memory_info().rss / 2**20
first = timed("import", import_campaign)
rss_growth = psutil.Process().memory_info().rss / 2**20 - rss_before
campaign = env["mailchimp.campaign"].search([("mc_id", "=", CAMPAIGN)])
stored = Activity.search_count([("campaign_id", "=", campaign.id)])
linked = Activity.search_count([("campaign_id", "=", campaign.id), ("member_id", "!=", False)])

incremental = timed("refresh", lambda: campaign._queue_reports(force=True))
after_incremental = Activity.search_count([("campaign_id", "=", campaign.id)])


def full_reread():
    campaign.activity_run_ids.unlink()  # no previous read: everything is read again
    campaign._queue_reports(force=True)


full = timed("full re-read", full_reread)
after_full = Activity.search_count([("campaign_id", "=", campaign.id)])

print("BENCH campaign activity")
print(f"  seeded activity rows (emulator)     : {SEEDED}")
print(f"  members import (not timed below)    : {members_seconds:.1f} s")
for run in (first, incremental, full):
    calls = run["calls"]
    print(
        f"  {run['label']:<13}: API calls {len(calls):>4} "
        f"(email-activity pages {count_calls(calls, '/email-activity')}, "
        f"unsubscribed pages {count_calls(calls, '/unsubscribed')}), "
        f"jobs {run['jobs']:>3}, wall time {run['seconds']:.1f} s"
    )
print(
    f"  import: activity rows stored        : {stored} "
    f"({stored / first['seconds']:.0f} rows/s), linked to members {linked}"
)
print(f"  import: RSS growth                  : {rss_growth:.0f} MB")
print(
    f"  rows after refresh / full re-read   : {after_incremental} / {after_full} "
    "(equal = idempotent)"
)
print(
    f"  report figures                      : sent {campaign.emails_sent}, "
    f"opens {campaign.opens_total}, clicks {campaign.clicks_total}, "
    f"bounces {campaign.hard_bounces + campaign.soft_bounces}, "
    f"unsubscribes {campaign.unsubscribed}"
)
