"""Mailing send benchmark, run inside `odoo shell` by bench/run-mailing-send.

An Odoo mailing sent through Mailchimp to the emulator's audience of BENCH_MEMBERS members
(imported first, not timed): the API calls from Send to "sending" (goal <= 6: create,
content, checklist, status, send, status) and the CPU seconds Odoo spends on them (this
process; PostgreSQL's backends apart), median of BENCH_REPEAT mailings; then the report of
the first campaign with its recipients' activity read back (Refresh from Mailchimp on the
mailing: API calls, jobs, wall and CPU time, activity rows stored and rows/s), to compare
with bench/run-campaign-activity.
Reads BENCH_EMULATOR_URL, BENCH_KEY, BENCH_MEMBERS, BENCH_REPEAT (and BENCH_PG_PID,
BENCH_EMULATOR_PID for the CPU of PostgreSQL and of the emulator) from the environment.
"""
# ruff: noqa: F821  (env is given by odoo shell; URL, KEY, emulator_requests and
# run_all_jobs by bench/_shell_helpers.py, fed to the shell first)

import importlib.util
import json
import os
import resource
import statistics
import time
import urllib.request

# bench/cpu_times.py (the shell runs in the repository's root)
_spec = importlib.util.spec_from_file_location("cpu_times", os.path.join("bench", "cpu_times.py"))
cpu_times = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cpu_times)

MEMBERS = int(os.environ["BENCH_MEMBERS"])
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
PG_PID = int(os.environ.get("BENCH_PG_PID") or 0)
EMULATOR_PID = int(os.environ.get("BENCH_EMULATOR_PID") or 0)


def odoo_cpu():
    """CPU seconds used so far by this Odoo process (the button's request and the job)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pg_cpu():
    return cpu_times.used(PG_PID) / cpu_times.TICKS if PG_PID else 0.0


def emulator_cpu():
    """The emulator's CPU seconds (Mailchimp's side: not Odoo's cost, but in the wall time)."""
    return cpu_times.used(EMULATOR_PID) / cpu_times.TICKS if EMULATOR_PID else 0.0


def advance_clock(seconds):
    request = urllib.request.Request(
        f"{URL}/_emulator/clock",
        data=json.dumps({"advance": seconds}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        response.read()


def short(call):
    path = call["path"].split("?")[0].removeprefix("/3.0")
    for part in path.split("/"):
        if len(part) == 10 and part.isalnum() and not part.isalpha():
            path = path.replace(part, "{id}")  # a campaign's id
    return f"{call['method']} {path}"


account = env["mailchimp.account"].create(
    {"name": "Bench", "api_key": KEY, "api_base_url": f"{URL}/3.0"}
)
account.action_test_connection()
assert account.state == "connected", account.last_error
audience = env["mailchimp.list"]._import_from_account(account)[:1]
env["ir.config_parameter"].sudo().set_param("web.base.url", "https://erp.example.org")
env.cr.commit()
start = time.perf_counter()
audience._start_member_import()
env.cr.commit()
run_all_jobs()
members_seconds = time.perf_counter() - start
bindings = env["mailchimp.member"].search_count([("list_id", "=", audience.id)])

BODY = (
    '<div class="o_layout"><h1>Spring news</h1><p>Hello {{ object.name }},</p>'
    '<p><a href="https://www.example.org/spring">Read more</a></p>'
    '<a href="/view">View online</a> <a href="/unsubscribe_from_list">Unsubscribe</a></div>'
)


def new_mailing(index):
    return env["mailing.mailing"].create(
        {
            "name": f"Bench mailing {index}",
            "subject": f"Spring news {index}",
            "preview": "What is new",
            "body_arch": BODY,
            "body_html": BODY,
            "email_from": '"Shop" <news@example.org>',
            "reply_to": "news@example.org",
            "send_with": "mailchimp",
            "mailchimp_list_id": audience.id,
            "mailing_model_id": env.ref("mass_mailing.model_mailing_list").id,
            "contact_list_ids": [(6, 0, audience.mailing_list_id.ids)],
        }
    )


# ---- Send, to "sending" (median of REPEAT mailings) ----------------------------------------
sends = []
for index in range(REPEAT):
    mailing = new_mailing(index)
    env.cr.commit()
    before = len(emulator_requests())
    cpu_before, pg_before, emu_before = odoo_cpu(), pg_cpu(), emulator_cpu()
    start = time.perf_counter()
    mailing.action_put_in_queue()  # Odoo's Send button
    env.cr.commit()
    jobs = run_all_jobs()
    sends.append(
        {
            "mailing": mailing,
            "seconds": time.perf_counter() - start,
            "cpu": odoo_cpu() - cpu_before,
            "pg": pg_cpu() - pg_before,
            "emulator": emulator_cpu() - emu_before,
            "jobs": jobs,
            "calls": [short(c) for c in emulator_requests()[before:]],
            "state": mailing.state,
        }
    )

# ---- the report of the first campaign, its recipients' activity read back ----------------
campaign = sends[0]["mailing"].mailchimp_campaign_id
advance_clock(120)  # Mailchimp has sent it
Activity = env["mailchimp.campaign.activity"]
before = len(emulator_requests())
cpu_before, pg_before, emu_before = odoo_cpu(), pg_cpu(), emulator_cpu()
start = time.perf_counter()
# the mailing's Refresh from Mailchimp (the hourly refresh would read the other mailings'
# campaigns too): its status and report, then its recipients' activity in page jobs
sends[0]["mailing"].action_mailchimp_refresh()
env.cr.commit()
report_jobs = run_all_jobs()
report_seconds = time.perf_counter() - start
report_cpu, report_pg = odoo_cpu() - cpu_before, pg_cpu() - pg_before
report_emulator = emulator_cpu() - emu_before
report_calls = emulator_requests()[before:]
stored = Activity.search_count([("campaign_id", "=", campaign.id)])
linked = Activity.search_count([("campaign_id", "=", campaign.id), ("member_id", "!=", False)])
mailing = sends[0]["mailing"]
mailing.invalidate_recordset()


def median(key):
    return statistics.median(run[key] for run in sends)


print("BENCH mailing send (an Odoo mailing sent through Mailchimp)")
print(
    f"  members in the emulator audience    : {MEMBERS} ({bindings} imported in Odoo, "
    f"{members_seconds:.0f} s, not timed below)"
)
print(
    f"  Send -> sending: API calls          : {len(sends[0]['calls'])} (goal <= 6): "
    + ", ".join(sends[0]["calls"])
)
print(
    f"  Send -> sending: calls per mailing  : {[len(run['calls']) for run in sends]}, "
    f"jobs {[run['jobs'] for run in sends]}, states {[run['state'] for run in sends]}"
)
print(
    f"  Send -> sending: CPU in Odoo        : {median('cpu'):.2f} s "
    f"(median of {REPEAT}; PostgreSQL {median('pg'):.2f} s), wall {median('seconds'):.2f} s "
    f"(the emulator's send, which records the recipients and their activity: "
    f"{median('emulator'):.2f} s CPU)"
)
print(f"  campaign recipients (Mailchimp)     : {campaign.emails_sent}")
print(
    f"  report: API calls                   : {len(report_calls)} "
    f"(email-activity pages {sum('/email-activity' in c['path'] for c in report_calls)}, "
    f"unsubscribed pages {sum('/unsubscribed' in c['path'] for c in report_calls)}), "
    f"jobs {report_jobs}"
)
print(
    f"  report: wall / CPU in Odoo          : {report_seconds:.1f} s / {report_cpu:.1f} s "
    f"(PostgreSQL {report_pg:.1f} s, the emulator {report_emulator:.1f} s)"
)
print(
    f"  report: activity rows stored        : {stored} ({stored / report_seconds:.0f} rows/s "
    f"wall, {stored / report_cpu:.0f} rows per CPU second), linked to members {linked}"
)
print(
    f"  mailing's figures                   : state {mailing.state}, sent {mailing.sent}, "
    f"opened {mailing.opened}, clicked {mailing.clicked}, bounced {mailing.bounced}"
)
