# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Seeded random sequences against the sync's invariants.

A small audience (tricky addresses included) goes through random interleavings of changes
made in Mailchimp (subscribe, unsubscribe, clean, archive, permanent delete, re-subscribe,
merge-field edits with hostile values), edits made in Odoo (names, opt-outs set and lifted,
blacklist entries, contacts leaving the list, new contacts), page-by-page imports with
Mailchimp changes between the pages, exports and Full Resyncs. After the steps:

1. every Mailchimp member is bound exactly once; no binding for an address Mailchimp does
   not have unless it says so (permanently deleted) or was never sent;
2. the connector never moves a member from unsubscribed / cleaned / archived to subscribed;
3. after a sync cycle, the newest consent decision is what both sides show;
4. a sync right after a complete cycle writes nothing on either side.

One clock: Mailchimp's (the emulator's, which the steps move on); Odoo's opt-outs are dated
on it and the account's clock offset is 0, so "newest" means the same on both sides.

The short version runs in the odoo suite; a long one on demand:
``MC_INVARIANT_SEEDS=1-20 MC_INVARIANT_STEPS=300 ./scripts/run-tests --odoo``.
A failure prints the seed and the steps that led to it.
"""

import os
import random
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from ..models import mailchimp_account as account_module
from ..models import mailchimp_sync_run as sync_run_module
from ..services.identity import member_key
from .common import MailchimpCase

ADDRESSES = [
    "anna@example.org",
    "Bert@Example.org",
    "ÉLODIE@exämple.fr",
    "ÄRCHIV@exämple.org",
    "x+tag@sub.example.net",
    "o'neil@example.net",
    "zoë@bücher.de",
    "carl@example.org",
    "dana@example.org",
    "erik@example.org",
]
#: Odoo-side variants of the same members, and values that are not one address
ODOO_ADDRESSES = [
    "ANNA@example.org",
    "élodie@EXÄMPLE.fr",
    "ärchiv@exämple.org",
    "Carl <carl@example.org>",
    "new1@example.org",
    "new2@example.org",
    "a,b@example.org",
    "a b@example.org",
]
HOSTILE = ["A\x00B", 42, "x" * 2000, "🦄 émoji", "<b>bold</b>", "", None, "  spaced  "]
BLOCKED = ("unsubscribed", "cleaned", "archived")


def _seeds():
    spec = os.environ.get("MC_INVARIANT_SEEDS", "")
    if not spec:
        return [11, 23, 37]
    if "-" in spec:
        low, high = spec.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(seed) for seed in spec.split(",")]


@tagged("post_install", "-at_install")
class TestSyncInvariants(MailchimpCase):
    STEPS = int(os.environ.get("MC_INVARIANT_STEPS", "30"))

    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.account.write({"auto_update_contact": True, "override_contact_name": True})
        # one clock: Odoo's decisions are dated on Mailchimp's, the offset between them is 0
        offset = patch.object(
            account_module.MailchimpAccount, "_clock_offset", lambda self: timedelta(0)
        )
        offset.start()
        self.addCleanup(offset.stop)
        pages = patch.object(sync_run_module, "PAGE_SIZE", 3)
        pages.start()
        self.addCleanup(pages.stop)

    # ------------------------------------------------------------------ the world
    def start_world(self, rng):
        self.rng = rng
        self.log = []
        #: key -> ("in" | "out", time, side): the newest consent decision per member
        self.decisions = {}
        self.violations = []
        for address in rng.sample(ADDRESSES, 6):
            self.state.add_member(self.list_mc_id, address, merge_fields={"FNAME": "F"})
            self.decide(address, "in", "mailchimp")
        wizard = self.env["mailchimp.operation"].create(
            {"account_ids": [(6, 0, self.account.ids)], "import_members": False}
        )
        wizard.action_process()
        self.audience = self.env["mailchimp.list"].search([("mc_id", "=", self.list_mc_id)])
        self.audience.write(
            {"push_new": True, "push_unsubscribes": True, "push_fields": True, "sync_from": False}
        )
        self.sync_cycle()

    def now(self):
        return self.state.now().replace(tzinfo=None, microsecond=0)

    def tick(self):
        self.state.advance(self.rng.randint(2, 90))

    def decide(self, address, what, side):
        self.decisions[member_key(address)] = (what, self.now(), side)

    def remote_members(self):
        return {member_key(m["email_address"]): m for m in self.state.members(self.list_mc_id)}

    def bindings(self):
        return self.env["mailchimp.member"].search([("list_id", "=", self.audience.id)])

    def subscription(self, contact):
        return contact.subscription_ids.filtered(
            lambda s: s.list_id == self.audience.mailing_list_id
        )

    def pick_remote(self, statuses=None):
        members = [
            m
            for m in self.state.members(self.list_mc_id)
            if statuses is None or m["status"] in statuses
        ]
        return self.rng.choice(members) if members else None

    def pick_contact(self):
        contacts = self.bindings().mailing_contact_id
        return self.rng.choice(contacts) if contacts else None

    # ------------------------------------------------------------------ Mailchimp side
    def mc_subscribe_new(self):
        address = self.rng.choice(ADDRESSES + ["new1@example.org", "fresh@example.net"])
        if self.state.get_member(self.list_mc_id, address) or self.state.is_forgotten(
            self.list_mc_id, address
        ):
            return None
        self.state.add_member(self.list_mc_id, address, merge_fields={"FNAME": "New"})
        self.decide(address, "in", "mailchimp")
        return address

    def mc_status(self, old, new, what):
        member = self.pick_remote(old)
        if not member:
            return None
        self.state.update_member(self.list_mc_id, member["email_address"], status=new)
        if what:
            self.decide(member["email_address"], what, "mailchimp")
        return member["email_address"]

    def mc_unsubscribe(self):
        return self.mc_status(("subscribed", "pending"), "unsubscribed", "out")

    def mc_resubscribe(self):
        return self.mc_status(("unsubscribed",), "subscribed", "in")

    def mc_clean(self):
        return self.mc_status(("subscribed", "unsubscribed"), "cleaned", "bounce")

    def mc_archive(self):
        member = self.pick_remote(("subscribed", "unsubscribed", "pending"))
        if not member:
            return None
        self.state.archive_member(self.list_mc_id, member["email_address"])
        self.decide(member["email_address"], "archived", "mailchimp")
        return member["email_address"]

    def mc_delete(self):
        member = self.pick_remote()
        if not member:
            return None
        self.state.delete_permanent(self.list_mc_id, member["email_address"])
        self.decide(member["email_address"], "deleted", "mailchimp")
        return member["email_address"]

    def mc_edit(self):
        member = self.pick_remote()
        if not member:
            return None
        value = self.rng.choice(HOSTILE)
        self.state.update_member(
            self.list_mc_id, member["email_address"], merge_fields={"FNAME": value}
        )
        return f"{member['email_address']} FNAME={value!r:.20}"

    # ------------------------------------------------------------------ Odoo side
    def odoo_rename(self):
        contact = self.pick_contact()
        if not contact:
            return None
        contact.first_name = self.rng.choice(["Renamed", "Zoë", "O'Neil", "X" * 50])
        return contact.email

    def odoo_opt_out(self):
        contact = self.pick_contact()
        subscription = contact and self.subscription(contact)
        if not subscription or subscription.opt_out:
            return None
        subscription.write({"opt_out": True})
        subscription.opt_out_datetime = self.now()
        self.decide(contact.email, "out", "odoo")
        return contact.email

    def odoo_lift_opt_out(self):
        """Lifting an opt-out in Odoo is not a re-subscription (only the person's own
        confirmation can be): not a consent decision for Mailchimp."""
        contact = self.pick_contact()
        subscription = contact and self.subscription(contact)
        if not subscription or not subscription.opt_out:
            return None
        subscription.write({"opt_out": False})
        self.decide(contact.email, "lift", "odoo")
        return contact.email

    def odoo_blacklist(self):
        contact = self.pick_contact()
        if not contact or contact.is_blacklisted:
            return None
        entry = self.env["mail.blacklist"]._add(contact.email)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_blacklist SET write_date = %s WHERE id = %s", (self.now(), entry.id)
        )
        self.env.invalidate_all()
        self.decide(contact.email, "out", "odoo")
        return contact.email

    def odoo_leave_list(self):
        contact = self.pick_contact()
        if not contact:
            return None
        self.subscription(contact).unlink()
        return contact.email

    def odoo_new_contact(self):
        address = self.rng.choice(ODOO_ADDRESSES)
        key = member_key(address)
        if key and self.env["mailing.contact"].search_count([("email_normalized", "=", key)]):
            return None
        self.env["mailing.contact"].create(
            {"name": "Odoo", "email": address, "list_ids": [(4, self.audience.mailing_list_id.id)]}
        )
        return address

    # ------------------------------------------------------------------ the connector
    @contextmanager
    def connector_step(self, name):
        """Run one connector step; record any member it moved from a blocked status to
        subscribed (invariant 2)."""
        before = {k: m["status"] for k, m in self.remote_members().items()}
        yield
        after = {k: m["status"] for k, m in self.remote_members().items()}
        for key, status in after.items():
            if status == "subscribed" and before.get(key) in BLOCKED:
                self.violations.append(f"2: {name} moved {key} {before[key]} -> subscribed")

    def paged_import(self):
        with self.connector_step("paged import"):
            run = self.audience._start_member_import()
            for _page in range(self.rng.randint(0, 3)):
                self.run_jobs(max_jobs=1)
                self.rng.choice([self.mc_edit, self.mc_unsubscribe, self.mc_subscribe_new])()
                self.tick()
            self.run_jobs()
        return f"run {run.id} {run.state}"

    def export(self):
        with self.connector_step("export"):
            self.audience._queue_push()
            self.run_jobs()
        return self.audience.last_push_result

    def full_resync(self):
        with self.connector_step("full resync"):
            self.audience._start_member_import(full=True)
            self.run_jobs()
        return "done"

    def sync_cycle(self):
        """What the hourly crons do, complete: import, export, import."""
        with self.connector_step("sync cycle"):
            self.audience._start_member_import()
            self.run_jobs()
            self.audience._queue_push()
            self.run_jobs()
            self.audience._start_member_import()
            self.run_jobs()

    # ------------------------------------------------------------------ invariants
    def check_bound_once(self):
        remote = self.remote_members()
        bindings = self.bindings()
        keys = bindings.mapped("email_normalized")
        if len(keys) != len(set(keys)):
            self.violations.append(f"1: an address bound twice: {sorted(keys)}")
        for key in remote:
            if key not in keys:
                self.violations.append(f"1: Mailchimp member {key} has no binding")
        for binding in bindings:
            if binding.email_normalized not in remote and binding.status not in (
                False,
                "deleted",
            ):
                self.violations.append(
                    f"1: binding {binding.email_normalized} ({binding.status}) not in Mailchimp"
                )

    def check_newest_consent(self):
        remote = self.remote_members()
        for key, (what, _when, side) in self.decisions.items():
            member = remote.get(key)
            binding = self.bindings().filtered(lambda b, k=key: b.email_normalized == k)
            contact = binding.mailing_contact_id
            subscription = contact and self.subscription(contact)
            if what == "out" and member and member["status"] in ("subscribed", "pending"):
                if side == "mailchimp" or subscription or contact.is_blacklisted:
                    self.violations.append(f"3: {key} opted out ({side}) but subscribed")
            if what == "out" and subscription and not subscription.opt_out:
                if not contact.is_blacklisted and member and member["status"] == "unsubscribed":
                    self.violations.append(f"3: {key} unsubscribed but not opted out in Odoo")
            if what == "in" and member and member["status"] == "subscribed" and subscription:
                if subscription.opt_out:
                    self.violations.append(f"3: {key} re-subscribed but opted out in Odoo")

    def check_no_change_sync_writes_nothing(self):
        writes = []
        models = ("mailchimp.member", "mailing.contact", "mailing.subscription", "mail.blacklist")
        patches = []
        for name in models:
            cls = type(self.env[name])

            def write(records, vals, _orig=cls.write, _name=name):
                writes.append((_name, records.ids, sorted(vals)))
                return _orig(records, vals)

            def create(model, vals_list, _orig=cls.create, _name=name):
                writes.append((_name, "create"))
                return _orig(model, vals_list)

            patches += [patch.object(cls, "write", write), patch.object(cls, "create", create)]
        for item in patches:
            item.start()
        try:
            calls_before = sum(
                self.emulator.count_requests(method=m) for m in ("POST", "PUT", "PATCH", "DELETE")
            )
            self.audience._start_member_import()
            self.run_jobs()
            self.audience._queue_push()
            self.run_jobs()
            calls = (
                sum(
                    self.emulator.count_requests(method=m)
                    for m in ("POST", "PUT", "PATCH", "DELETE")
                )
                - calls_before
            )
        finally:
            for item in patches:
                item.stop()
        ours = [w for w in writes if w[0] != "mailchimp.member" or w[2:] != (["need_push"],)]
        if calls:
            self.violations.append(f"4: a no-change sync made {calls} write call(s)")
        if ours:
            self.violations.append(f"4: a no-change sync wrote {ours[:5]}")

    # ------------------------------------------------------------------ the run
    OPERATIONS = (
        "mc_subscribe_new",
        "mc_unsubscribe",
        "mc_resubscribe",
        "mc_clean",
        "mc_archive",
        "mc_delete",
        "mc_edit",
        "odoo_rename",
        "odoo_opt_out",
        "odoo_lift_opt_out",
        "odoo_blacklist",
        "odoo_leave_list",
        "odoo_new_contact",
        "paged_import",
        "export",
        "full_resync",
    )

    def run_seed(self, seed):
        rng = random.Random(seed)
        self.start_world(rng)
        for step in range(self.STEPS):
            name = rng.choice(self.OPERATIONS)
            result = getattr(self, name)()
            self.log.append(f"{step}: {name} {result if result is not None else '(no-op)'}")
            self.tick()
            if self.violations:
                break
            if step % 10 == 9 or step == self.STEPS - 1:
                self.sync_cycle()
                self.full_resync()
                self.sync_cycle()
                self.check_bound_once()
                self.check_newest_consent()
                if not self.violations:
                    self.check_no_change_sync_writes_nothing()
                self.log.append(f"{step}: checked")
            if self.violations:
                break
        if self.violations:
            self.fail(
                f"seed {seed}: invariants broken:\n  "
                + "\n  ".join(self.violations)
                + "\nsteps:\n  "
                + "\n  ".join(self.log)
                + "\nruns: "
                + ", ".join(
                    f"{r.id} full={r.full} known={r.known_until_id} {r.state}"
                    for r in self.audience.run_ids
                )
                + "\nbindings: "
                + ", ".join(
                    f"{b.email_normalized} {b.status} seen={b.seen_run_id} {b.create_date}"
                    for b in self.bindings()
                )
                + f" runs start {self.audience.run_ids.mapped('date_start')}"
                + "\njobs: "
                + "; ".join(
                    f"{j.method_name} {j.state} {j.result or j.exc_info or ''}"[:200]
                    for j in self.env["queue.job"].search([("channel", "=", "root.mailchimp")])
                    if j.method_name == "_job_reconcile"
                )
            )
        return len(self.log)

    def test_seeded_random_sequences_keep_the_invariants(self):
        for seed in _seeds():
            with self.subTest(seed=seed):
                # each seed: a new Mailchimp, and Odoo as it was before the first
                savepoint = self.env.cr.savepoint()
                try:
                    self.emulator = self._start_emulator()
                    self.state = self.emulator.state
                    self.list_mc_id = self.state.add_list(name=f"Invariants {seed}")
                    self.run_seed(seed)
                finally:
                    self.env.flush_all()
                    savepoint.close(rollback=True)
                    self.env.invalidate_all()
