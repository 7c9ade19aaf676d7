"""Shared preamble of the benchmarks that run inside `odoo shell`: the bench/run-* scripts feed
this file, then the benchmark itself, to the shell (which provides `env`)."""
# ruff: noqa: F821  (env is given by odoo shell)

import json
import os
import urllib.request

URL = os.environ["BENCH_EMULATOR_URL"]  # http://127.0.0.1:PORT
KEY = os.environ["BENCH_KEY"]


def emulator_requests():
    """Every API request the emulator received so far, oldest first."""
    with urllib.request.urlopen(f"{URL}/_emulator/requests") as response:
        return json.load(response)["requests"]


def run_all_jobs():
    """Run the pending Mailchimp jobs (and those they enqueue) until none is left."""
    ran = 0
    while True:
        done = env["queue.job"]._mailchimp_run_pending()
        ran += done
        if not done:
            return ran
