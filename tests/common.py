# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared base of the odoo suite: a live Mailchimp emulator per test, an account on it.

The emulator is a real HTTP server on 127.0.0.1, which Odoo's test HTTP guard lets
through; nothing here switches that guard off.
"""

import contextlib
import importlib
import os
import sys
from datetime import UTC, datetime

from odoo import Command
from odoo.tests import TransactionCase
from odoo.tools import SQL

ADDON_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_emulator():
    """Import the emulator package that sits beside the addon code (tooling, never
    imported by the addon at run time)."""
    sys.path.insert(0, ADDON_ROOT)
    try:
        return importlib.import_module("mailchimp_emulator")
    finally:
        sys.path.remove(ADDON_ROOT)


def new_users(env, *specs):
    """Test users, each spec a dict with ``login``, ``groups`` (comma-separated xml ids) and
    other values, as ``odoo.tests.new_test_user`` makes them, but in one creation (Odoo
    flushes and recomputes everything pending for each creation of users) and without the
    invitation e-mail Odoo would render for a real user."""
    vals_list = []
    for spec in specs:
        values = dict(spec)
        login, groups = values.pop("login"), values.pop("groups")
        values.setdefault("name", f"{login} ({groups})")
        values.setdefault("password", login + "x" * (8 - len(login)))
        values.setdefault("email", f"{login[0]}.{login[0]}@example.com")
        if "company_id" in values:
            values.setdefault("company_ids", [Command.link(values["company_id"])])
        group_ids = [env.ref(group.strip()).id for group in groups.split(",")]
        vals_list.append(dict(values, login=login, groups_id=[Command.set(group_ids)]))
    return env["res.users"].with_context(no_reset_password=True).create(vals_list)


def new_user(env, login, groups, **values):
    return new_users(env, dict(values, login=login, groups=groups))


emulator_module = load_emulator()
Emulator = emulator_module.Emulator


class MailchimpCommon:
    """Mixin for TransactionCase / HttpCase: ``self.emulator`` and ``self.account``."""

    @classmethod
    def _setup_mailchimp(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.account = cls.env["mailchimp.account"].create(
            {"name": "Emulated", "api_key": "0123456789abcdef0123456789abcdef-us6"}
        )
        cls.manager, cls.mc_user = new_users(
            cls.env,
            {
                "login": "mc_manager",
                "groups": "base.group_user,mailchimp_connector.group_mailchimp_manager,"
                "mass_mailing.group_mass_mailing_user",
            },
            {
                "login": "mc_user",
                "groups": "base.group_user,mailchimp_connector.group_mailchimp_user",
            },
        )

    def _start_emulator(self, **kwargs):
        kwargs.setdefault("seed", 42)
        emulator = Emulator(**kwargs).start(port=0)
        self.addCleanup(emulator.stop)
        self.account.api_base_url = emulator.base_url
        self.account.api_key = emulator.api_key
        return emulator

    def run_jobs(self, max_jobs=None):
        """Run the queued Mailchimp jobs the way the fallback cron does. Jobs run a moment
        after the changes a test makes: an import's window ends a second before Mailchimp's
        clock (what changed in that second is read by the next run), so the emulator's clock
        moves two seconds on first."""
        self.emulator.state.advance(2)
        return self.env["queue.job"]._mailchimp_run_pending(max_jobs=max_jobs)

    def dated_now(self, records):
        """Odoo dates an opt-out at its transaction's start (``cr.now()``): a real request
        is its own transaction, a test's started with its class, maybe a minute ago. Date
        these opt-outs (subscriptions) or blacklist entries now, as a request would."""
        self.env.flush_all()
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        columns = ["write_date"]
        if records._name == "mailing.subscription":
            columns.append("opt_out_datetime")
        for column in columns:
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE id IN %s",
                    SQL.identifier(records._table),
                    SQL.identifier(column),
                    now,
                    tuple(records.ids),
                )
            )
        records.invalidate_recordset()
        return records

    def import_audiences(self):
        """The Operations wizard's audience import; returns the audience of
        ``self.list_mc_id``."""
        wizard = self.env["mailchimp.operation"].create(
            {"account_ids": [(6, 0, self.account.ids)], "import_members": False}
        )
        wizard.action_process()
        return self.env["mailchimp.list"].search([("mc_id", "=", self.list_mc_id)])

    def mailchimp_mailing(self, audience, name, **vals):
        """A mailing in Odoo's editor, sent through Mailchimp to ``audience`` (``vals``: its
        segment, tag or interest...)."""
        return self.env["mailing.mailing"].create(
            {
                "name": name,
                "subject": "For you",
                "body_arch": "<p>Hello</p>",
                "body_html": "<p>Hello *|UNSUB|*</p>",
                "email_from": "news@example.org",
                "reply_to": "news@example.org",
                "send_with": "mailchimp",
                "mailchimp_list_id": audience.id,
                **vals,
            }
        )

    def import_members(self, audience, full=False):
        """A member import (incremental or Full Resync) run to its end; returns the runs."""
        runs = audience._start_member_import(full=full)
        self.run_jobs()
        return runs

    def mailchimp_jobs(self, states=("pending",)):
        return self.env["queue.job"].search(
            [("channel", "=", "root.mailchimp"), ("state", "in", list(states))]
        )

    @contextlib.contextmanager
    def assertMailchimpCalls(self, count, method=None, path_prefix=None):
        """Assert that the block makes exactly ``count`` API calls to the emulator (of
        ``method``, under ``path_prefix``)."""
        before = self.emulator.count_requests(method=method, path_prefix=path_prefix)
        yield
        after = self.emulator.count_requests(method=method, path_prefix=path_prefix)
        self.assertEqual(after - before, count, "unexpected number of Mailchimp calls")


class MailchimpCase(MailchimpCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_mailchimp()

    def setUp(self):
        super().setUp()
        self.emulator = self._start_emulator()
