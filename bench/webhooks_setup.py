"""Webhook benchmark, Odoo side before the server starts (run inside `odoo shell`): the
account on the emulator, its audience and members imported, the webhook registered."""
# ruff: noqa: F821  (env is given by odoo shell; URL, KEY and run_all_jobs by
# bench/_shell_helpers.py, fed to the shell first)

import os

ODOO_URL = os.environ["BENCH_ODOO_URL"]
env["ir.config_parameter"].set_param("web.base.url", ODOO_URL)
account = env["mailchimp.account"].create(
    {"name": "Bench", "api_key": KEY, "api_base_url": f"{URL}/3.0"}
)
account.action_test_connection()
assert account.state == "connected", account.last_error
audience = env["mailchimp.list"]._import_from_account(account)
env.cr.commit()
audience._start_member_import(full=True)
env.cr.commit()
run_all_jobs()
account.action_generate_webhook_urls()
env.cr.commit()  # the registration committed in its own transaction: read it
env.invalidate_all()
assert audience.webhook_state == "registered", audience.webhook_error
env.cr.commit()
print("members imported:", env["mailchimp.member"].search_count([]))
