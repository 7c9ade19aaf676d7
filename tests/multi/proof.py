"""The multi-process suite (issue 24): Odoo as production runs it, everything at once.

Run by ``scripts/run-tests`` (``--multi`` alone), which starts PostgreSQL and gives the Odoo
command (tests/multi/cluster.py). One database, installed once; then each run on a copy:

- server 1: ``--workers 4 --max-cron-threads 2``, ``server_wide_modules = base,web,queue_job``
  and queue_job's runner with ``root:4,root.mailchimp:2``; server 2 on the same database:
  ``--workers 2 --max-cron-threads 0``, ``base,web`` (no runner); the emulator (in this
  process) delivers the webhooks to both, in turn;
- one Mailchimp account with three audiences that share addresses (Alpha, Beta, Gamma), a
  sent campaign; imported, webhooks registered;
- then at once: Mailchimp changes, and the imports of Alpha and Beta, a Full Resync of Gamma,
  an export of hundreds of contacts renamed or added in Odoo into Alpha, a webhook burst (10
  senders) on Beta, the hourly crons (and the fallback runner's) forced to fire twice, two
  users editing contacts over JSON-RPC, a campaign report refresh;
- then a sync cycle (import, export, import) and the checks: every job done; no two jobs of
  one audience held it at once (the DEBUG lines of ``lock_audience_sync``); every webhook
  delivery stored once and applied once; Odoo equals Mailchimp audience by audience
  (members, statuses, the contacts' opt-outs); the consent decisions made on either side
  hold; a sync right after writes nothing; no ERROR in either server's log.

Runs: ``as-is``, then ``latency`` (every API call answered after 0.2 s, as Mailchimp's, from
the first imports on). Prints one line per check and ``multi-process suite: N passed, M
failed``; exits 1 when one failed.
Environment: MC_MULTI_RUNS (``as-is,latency``), MC_MULTI_MEMBERS (600: Alpha's size; Beta
and Gamma smaller, a quarter shared by all three), MC_MULTI_WEBHOOKS (150 as is, 100 with
latency), MC_MULTI_KEEP=1 (keep the databases; ``run-tests --keep`` keeps the logs).
"""

import os
import random
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from cluster import Cluster, Rpc, busy, connect, job_states, wait_idle  # noqa: E402

from mailchimp_emulator import Emulator  # noqa: E402
from mailchimp_emulator.delivery import deliver, webhook_body  # noqa: E402

KEY = "0123456789abcdef0123456789abcdef-us6"
DOMAIN = "multi.example.org"
JOB_TOOLS = "odoo.addons.mailchimp_connector.models.job_tools"
WEBHOOK_MODEL = "odoo.addons.mailchimp_connector.models.mailchimp_webhook"
RUNNER_CHANNELS = "root:4,root.mailchimp:2"
#: bounded waits (seconds)
IDLE_TIMEOUT = 240
HOURLY_CRONS = (
    "ir_cron_fetch_audiences",
    "ir_cron_fetch_campaign_reports",
    "ir_cron_refresh_campaigns",
    "ir_cron_push_contacts",
    "ir_cron_process_jobs",
    "ir_cron_webhook_maintenance",
)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Checks:
    def __init__(self, run):
        self.run = run
        self.results = []

    def add(self, name, ok, detail=""):
        self.results.append((name, bool(ok), detail))
        mark = "ok" if ok else "FAILED"
        print(f"  [{self.run}] {mark}: {name}" + (f" -- {detail}" if detail else ""), flush=True)


class World:
    """The Mailchimp side (the emulator, in this process) and what the actors decided."""

    def __init__(self, members, seed):
        self.rng = random.Random(seed)
        self.emu = Emulator(api_keys=(KEY,), seed=seed).start(port=0)
        self.state = self.emu.state
        self.lists = {}
        sizes = {"Alpha": members, "Beta": members * 5 // 8, "Gamma": members * 3 // 4}
        shared = [f"shared{i:04d}@{DOMAIN}" for i in range(members // 4)]
        self.own = {}
        for name, size in sizes.items():
            lid = self.state.add_list(name=name)
            self.lists[name] = lid
            own = [f"{name.lower()}{i:04d}@{DOMAIN}" for i in range(size - len(shared))]
            self.own[name] = own
            for i, email in enumerate(shared + own):
                status = "subscribed"
                if i % 29 == 7:
                    status = "unsubscribed"
                elif i % 41 == 11:
                    status = "cleaned"
                self.state.add_member(
                    lid,
                    email,
                    status=status,
                    merge_fields={"FNAME": f"F{i}", "LNAME": name},
                )
        self.shared = shared
        template = self.state.add_template("Multi")
        self.campaign = self.state.add_campaign(
            self.lists["Alpha"], template_id=template, title="Multi news", status="sent"
        )
        self.state.seed_campaign_activity(self.campaign, 120, bounce_rate=0, unsub_rate=0)
        #: (audience name, address) -> ("in" | "out", side): consent decisions of the actors
        self.decisions = {}
        self.deliveries = []  # (server url, audience name, body, HTTP status, seconds)
        self.lock = threading.Lock()
        self.counter = 0

    def stop(self):
        self.emu.stop()

    def members(self, name):
        return {m["email_address"].lower(): m for m in self.state.members(self.lists[name])}

    def pools(self):
        """Disjoint sets of addresses, one per actor, so that every final state is decided
        by one actor only (a shared address is touched by the users only)."""
        pools = {}
        alpha = list(self.own["Alpha"])
        pools["alpha_mailchimp"] = alpha[:80]
        pools["alpha_export"] = alpha[80:380]
        pools["alpha_users"] = alpha[380:420]
        pools["beta_webhooks"] = list(self.own["Beta"])
        gamma = list(self.own["Gamma"])
        pools["gamma_mailchimp"] = gamma[:80]
        pools["gamma_users"] = gamma[80:120]
        pools["shared_users"] = list(self.shared[:40])
        return pools

    def next_number(self):
        with self.lock:
            self.counter += 1
            return self.counter


class Run:
    def __init__(self, cluster, base_db, name, latency, members, webhooks, renames, seed):
        self.cluster = cluster
        self.base_db = base_db
        self.name = name
        self.db = f"{base_db}_{name.replace('-', '_')}"
        self.latency = latency
        self.members = members
        self.webhooks = webhooks
        self.renames = renames
        self.seed = seed
        self.checks = Checks(name)
        self.errors = []  # an actor's exception: a failed check

    # ------------------------------------------------------------------ the run
    def execute(self):
        started = self.phase_started = time.monotonic()
        self.cluster.copy_db(self.base_db, self.db)
        self.world = World(self.members, self.seed)
        debug = (JOB_TOOLS, WEBHOOK_MODEL)
        self.server1 = self.cluster.server(
            f"{self.name}-server1",
            self.db,
            workers=4,
            cron_threads=2,
            runner_channels=RUNNER_CHANNELS,
            debug_loggers=debug,
        )
        self.server2 = self.cluster.server(
            f"{self.name}-server2", self.db, workers=2, cron_threads=0, debug_loggers=debug
        )
        self.conn = connect(self.cluster.db_args, self.db)
        try:
            self.server1.start()
            self.server2.start()
            self.server1.wait_ready()
            self.server2.wait_ready()
            self.phase("servers up")
            self.setup()
            self.phase("the three audiences imported at once")
            self.storm()
            self.settle()
            self.phase("a sync cycle, then a sync that must change nothing")
            self.check_all()
        except Exception:  # noqa: BLE001 - reported as a failed check, the run goes on
            self.checks.add("the run went through", False, traceback.format_exc()[-2000:])
        finally:
            self.stop()
        self.check_logs()
        log(f"{self.name}: {time.monotonic() - started:.0f} s in all")
        return self.checks.results

    def phase(self, what):
        now = time.monotonic()
        log(f"{self.name}: {what} ({now - self.phase_started:.0f} s)")
        self.phase_started = now

    def stop(self):
        for server in (getattr(self, "server1", None), getattr(self, "server2", None)):
            if server:
                server.stop()
        if getattr(self, "conn", None):
            self.conn.close()
        if getattr(self, "world", None):
            self.world.stop()

    # ------------------------------------------------------------------ setup
    def setup(self):
        rpc = self.rpc = Rpc(self.server1.url, self.db)
        self.rpc2 = Rpc(self.server2.url, self.db)
        rpc("ir.config_parameter", "set_param", "web.base.url", self.server1.url)
        rpc("ir.config_parameter", "set_param", "web.base.url.freeze", "True")
        account = rpc(
            "mailchimp.account",
            "create",
            {
                "name": "Multi",
                "api_key": KEY,
                "api_base_url": self.world.emu.base_url,
                "auto_sync_member": True,
                "auto_update_contact": True,
            },
        )
        self.account = account
        rpc("mailchimp.account", "action_test_connection", [account])
        wizard = rpc(
            "mailchimp.operation",
            "create",
            {"account_ids": [(6, 0, [account])], "import_members": False, "import_campaigns": True},
        )
        rpc("mailchimp.operation", "action_process", [wizard])
        audiences = rpc.search_read(
            "mailchimp.list", [("account_id", "=", account)], ["mc_id", "mailing_list_id"]
        )
        by_mc = {a["mc_id"]: a for a in audiences}
        self.audiences = {name: by_mc[mc_id]["id"] for name, mc_id in self.world.lists.items()}
        self.mailing_lists = {
            name: by_mc[mc_id]["mailing_list_id"][0] for name, mc_id in self.world.lists.items()
        }
        rpc(
            "mailchimp.list",
            "write",
            list(self.audiences.values()),
            {"push_unsubscribes": True, "push_fields": True},
        )
        # one audience per account takes the new contacts of Odoo
        rpc(
            "mailchimp.list",
            "write",
            [self.audiences["Alpha"]],
            {"push_new": True, "sync_from": False},
        )
        rpc("mailchimp.account", "action_generate_webhook_urls", [account])
        self.phase("account connected, audiences and campaign read, webhooks registered")
        # Mailchimp's latency from the first imports on (the connection and registration
        # above go one call after another: slower, no more concurrent)
        self.world.emu.latency = self.latency
        rpc("mailchimp.list", "action_full_resync", list(self.audiences.values()))
        waited = wait_idle(self.conn, IDLE_TIMEOUT)
        if waited is None:
            raise RuntimeError(f"the first imports did not end: {busy(self.conn)}")
        for name, lid in self.world.lists.items():
            hooks = self.world.state.webhooks_for(lid, "subscribe")
            if not hooks:
                raise RuntimeError(f"no webhook registered for {name}")
        self.hook_urls = {
            name: self.world.state.webhooks_for(lid, "subscribe")[0]["url"]
            for name, lid in self.world.lists.items()
        }
        self.contacts = {
            rec["email_normalized"]: rec["id"]
            for rec in rpc.search_read("mailing.contact", [], ["email_normalized"])
        }

    # ------------------------------------------------------------------ the storm
    def storm(self):
        world, pools = self.world, self.world.pools()
        self.pools = pools
        self.mailchimp_changes("Alpha", pools["alpha_mailchimp"])
        self.mailchimp_changes("Gamma", pools["gamma_mailchimp"])
        actors = [
            ("imports", self.start_imports),
            ("export", lambda: self.export(pools["alpha_export"][: self.renames])),
            ("crons", self.force_crons),
            ("report", self.refresh_report),
            ("user 1", lambda: self.user(1, pools["alpha_users"] + pools["shared_users"][:20])),
            ("user 2", lambda: self.user(2, pools["gamma_users"] + pools["shared_users"][20:])),
        ]
        queue = list(pools["beta_webhooks"])
        world.rng.shuffle(queue)
        tasks = queue[: self.webhooks]
        lock = threading.Lock()

        def sender(number):
            while True:
                with lock:
                    if not tasks:
                        return
                    email = tasks.pop()
                self.webhook_change(number, email)

        actors += [(f"sender {n}", lambda n=n: sender(n)) for n in range(10)]
        threads = [
            threading.Thread(target=self.actor, args=(name, body), name=name)
            for name, body in actors
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.phase("the storm's actors are done")
        self.storm_idle = wait_idle(self.conn, IDLE_TIMEOUT)
        self.phase("every job of the storm done" if self.storm_idle else "the storm never ended")

    def actor(self, name, body):
        try:
            body()
        except Exception:  # noqa: BLE001 - every actor's failure is reported
            self.errors.append(f"{name}: {traceback.format_exc()[-1500:]}")

    def mailchimp_changes(self, name, addresses):
        """Changes made in Mailchimp before the imports start (they read them)."""
        st, lid = self.world.state, self.world.lists[name]
        members = self.world.members(name)
        for i, email in enumerate(addresses):
            member = members.get(email)
            if member is None:
                continue
            kind = i % 4
            if kind == 0:
                st.update_member(lid, email, merge_fields={"FNAME": f"Changed{i}"})
            elif kind == 1 and member["status"] == "subscribed":
                st.update_member(lid, email, status="unsubscribed")
                self.world.decisions[(name, email)] = ("out", "mailchimp")
            elif kind == 2 and member["status"] == "subscribed":
                st.update_member(lid, email, status="cleaned")
                self.world.decisions[(name, email)] = ("out", "mailchimp")
            elif kind == 3 and member["status"] == "unsubscribed":
                st.update_member(lid, email, status="subscribed")
                self.world.decisions[(name, email)] = ("in", "mailchimp")
        for i in range(20):
            st.add_member(lid, f"new{name.lower()}{i:03d}@{DOMAIN}", merge_fields={"FNAME": "N"})

    def start_imports(self):
        rpc, a = self.rpc, self.audiences
        rpc("mailchimp.list", "action_import_members", [a["Alpha"], a["Beta"]])
        self.rpc2("mailchimp.list", "action_full_resync", [a["Gamma"]])

    def export(self, addresses):
        """Contacts of Alpha renamed in Odoo (their bindings wait for the export), new ones
        added to its list, then the export queued."""
        rpc = self.rpc
        ids = [self.contacts[e] for e in addresses if e in self.contacts]
        for start in range(0, len(ids), 50):
            batch = ids[start : start + 50]
            rpc("mailing.contact", "write", batch, {"name": f"Renamed {start} Odoo"})
        rpc(
            "mailing.contact",
            "create",
            [
                {
                    "name": f"Added {i}",
                    "email": f"added{i:03d}@{DOMAIN}",
                    "list_ids": [(4, self.mailing_lists["Alpha"])],
                }
                for i in range(60)
            ],
        )
        rpc("mailchimp.list", "action_push_now", [self.audiences["Alpha"]])

    def force_crons(self):
        """The hourly crons (and the fallback runner's, which must stand aside) fired as
        Odoo's ``_trigger()`` fires them: a trigger row, then NOTIFY; twice, 8 s apart."""
        with self.conn.cursor() as cr:
            cr.execute(
                "SELECT res_id FROM ir_model_data WHERE module = 'mailchimp_connector' "
                "AND model = 'ir.cron' AND name IN %s",
                (HOURLY_CRONS,),
            )
            crons = [row[0] for row in cr.fetchall()]
        for _round in range(2):
            time.sleep(1 if not _round else 8)
            with self.conn.cursor() as cr:
                for cron in crons:
                    cr.execute(
                        "INSERT INTO ir_cron_trigger (cron_id, call_at, create_date, write_date) "
                        "VALUES (%s, now() at time zone 'UTC', now() at time zone 'UTC', "
                        "now() at time zone 'UTC')",
                        (cron,),
                    )
                cr.execute("NOTIFY cron_trigger, %s", (self.db,))
        self.fired_crons = len(crons)

    def refresh_report(self):
        time.sleep(2)
        self.rpc2("mailchimp.campaign", "action_refresh_all_reports")

    def user(self, number, addresses):
        """A user editing contacts over JSON-RPC (on server 2, then server 1, in turn):
        renames, opt-outs of a list, a blacklisting."""
        rng = random.Random(self.seed * 10 + number)
        rpcs = [self.rpc2, self.rpc]
        for i, email in enumerate(addresses):
            rpc = rpcs[i % 2]
            contact = self.contacts.get(email)
            if not contact:
                continue
            kind = i % 5
            if kind in (0, 1, 2):
                rpc("mailing.contact", "write", [contact], {"name": f"User{number} Edit{i}"})
            elif kind == 3:
                subs = rpc.search_read(
                    "mailing.subscription",
                    [("contact_id", "=", contact), ("opt_out", "=", False)],
                    ["list_id"],
                )
                if subs:
                    sub = rng.choice(subs)
                    rpc("mailing.subscription", "write", [sub["id"]], {"opt_out": True})
                    audience = self.audience_of_list(sub["list_id"][0])
                    self.world.decisions[(audience, email)] = ("out", "odoo")
            else:
                if not rpc.search_read("mail.blacklist", [("email", "=", email)], ["id"]):
                    rpc("mail.blacklist", "create", {"email": email})
                    for audience in self.world.lists:
                        self.world.decisions[(audience, email)] = ("out", "odoo")
            time.sleep(rng.uniform(0.05, 0.3))

    def audience_of_list(self, list_id):
        return next(name for name, ml in self.mailing_lists.items() if ml == list_id)

    def webhook_change(self, number, email):
        """One change of a Beta member in Mailchimp, and its webhook delivered to one of the
        two servers in turn (the URL Mailchimp has, on the other server every second time)."""
        world = self.world
        st, lid = world.state, world.lists["Beta"]
        n = world.next_number()
        member = st.get_member(lid, email)
        if member is None:
            return
        kinds = ["profile", "unsubscribe", "cleaned", "upemail", "subscribe"]
        kind = kinds[n % len(kinds)]
        if kind == "subscribe" and member["status"] == "subscribed":
            kind = "profile"
        if kind in ("unsubscribe", "cleaned", "upemail") and member["status"] != "subscribed":
            kind = "profile"
        if kind == "profile":
            st.update_member(lid, email, merge_fields={"FNAME": f"Hook{n}"})
            data = world.emu.member_webhook_data(lid, email)
        elif kind == "subscribe":
            st.update_member(lid, email, status="subscribed")
            world.decisions[("Beta", email)] = ("in", "mailchimp")
            data = world.emu.member_webhook_data(lid, email)
        elif kind in ("unsubscribe", "cleaned"):
            st.update_member(lid, email, status="unsubscribed" if kind == "unsubscribe" else kind)
            world.decisions[("Beta", email)] = ("out", "mailchimp")
            data = world.emu.member_webhook_data(lid, email)
            data.update({"reason": "manual" if kind == "unsubscribe" else "hard"})
            if kind == "unsubscribe":
                data["action"] = "unsub"
        else:
            new = f"moved{n:04d}.{email}"
            st.update_member(lid, email, email_address=new)
            data = {"old_email": email, "new_email": new, "new_id": ""}
        data.setdefault("list_id", lid)
        body = webhook_body(kind, st.now(), data)
        url = self.hook_urls["Beta"]
        server = self.server1 if n % 2 else self.server2
        url = url.replace(self.server1.url, server.url)
        start = time.monotonic()
        status = deliver(url, body, timeout=10)
        with world.lock:
            world.deliveries.append((server.url, "Beta", body, status, time.monotonic() - start))

    # ------------------------------------------------------------------ settle
    def settle(self):
        """A sync cycle after the storm (import, export, import), then the no-change sync."""
        ids = list(self.audiences.values())
        for step in ("action_import_members", "action_push_now", "action_import_members"):
            self.rpc("mailchimp.list", step, ids)
            if wait_idle(self.conn, IDLE_TIMEOUT) is None:
                raise RuntimeError(f"{step} did not end: {busy(self.conn)}")
        writes_before = self.mailchimp_writes()
        odoo_before = self.odoo_write_dates()
        for step in ("action_import_members", "action_push_now"):
            self.rpc("mailchimp.list", step, ids)
            if wait_idle(self.conn, IDLE_TIMEOUT) is None:
                raise RuntimeError(f"{step} did not end: {busy(self.conn)}")
        self.no_change = (
            self.mailchimp_writes() - writes_before,
            self.changed_since(odoo_before),
        )

    def mailchimp_writes(self):
        return sum(
            self.world.emu.count_requests(method=m) for m in ("POST", "PUT", "PATCH", "DELETE")
        )

    def odoo_write_dates(self):
        with self.conn.cursor() as cr:
            cr.execute("SELECT now() at time zone 'UTC'")
            return cr.fetchone()[0]

    def changed_since(self, moment):
        changed = {}
        with self.conn.cursor() as cr:
            for table in ("mailing_contact", "mailing_subscription", "mail_blacklist"):
                cr.execute(f"SELECT count(*) FROM {table} WHERE write_date > %s", (moment,))
                changed[table] = cr.fetchone()[0]
        return {k: v for k, v in changed.items() if v}

    # ------------------------------------------------------------------ checks
    def check_all(self):
        add = self.checks.add
        add("every actor's calls went through", not self.errors, "\n".join(self.errors)[:3000])
        self.check_jobs()
        self.check_lock_intervals()
        self.check_webhooks()
        self.check_audiences()
        self.check_decisions()
        writes, changed = self.no_change
        add(
            "a sync right after a complete cycle writes nothing",
            not writes and not changed,
            f"{writes} write calls to Mailchimp, Odoo rows written: {changed}",
        )

    def check_jobs(self):
        states = job_states(self.conn)
        with self.conn.cursor() as cr:
            cr.execute(
                "SELECT method_name, state, exc_name, left(result, 200) FROM queue_job "
                "WHERE channel = 'root.mailchimp' AND state != 'done' LIMIT 10"
            )
            not_done = cr.fetchall()
            # a job done at its first attempt has retry 1; uncounted retries (a busy
            # audience) are not in it
            cr.execute(
                "SELECT count(*), coalesce(sum(greatest(retry - 1, 0)), 0) FROM queue_job "
                "WHERE channel = 'root.mailchimp'"
            )
            total, retries = cr.fetchone()
        # the conflicts the jobs met (retried), by statement
        conflicts = Counter()
        for server in (self.server1, self.server2):
            for _t, _pid, _lvl, logger, message in server.log_records():
                if logger == JOB_TOOLS and message.startswith("statement met a concurrent"):
                    statement = message.split(" [", 1)[-1].lstrip("b'\"")
                    conflicts[" ".join(statement.split()[:4])] += 1
        self.checks.add(
            "every job done (none failed, none left waiting or started)",
            total and set(states) == {"done"} and self.storm_idle is not None,
            f"{total} jobs {states}, {retries} retries counted, conflicts met "
            f"{dict(conflicts)}; not done: {not_done}",
        )

    def lock_spans(self):
        """[(audience, start, end, uuid, outcome)] of every time a job held an audience."""
        spans, open_ = [], {}
        for server in (self.server1, self.server2):
            for when, pid, _lvl, logger, message in server.log_records():
                if logger != JOB_TOOLS:
                    continue
                if " taken by job " in message:
                    audience, uuid = message.split(" taken by job ")
                    open_[(pid, uuid)] = (int(audience.split()[-1]), when)
                elif " released by job " in message:
                    audience, rest = message.split(" released by job ")
                    uuid, outcome = rest.split(": ", 1)
                    taken = open_.pop((pid, uuid), None)
                    if taken:
                        spans.append((taken[0], taken[1], when, uuid, outcome))
        return spans, open_

    def check_lock_intervals(self):
        spans, unreleased = self.lock_spans()
        overlaps = []
        by_audience = defaultdict(list)
        for span in spans:
            by_audience[span[0]].append(span)
        for items in by_audience.values():
            items.sort(key=lambda s: s[1])
            for before, after in zip(items, items[1:], strict=False):
                if after[1] < before[2]:
                    overlaps.append((before, after))
        outcomes = Counter(span[4] for span in spans)
        self.checks.add(
            "no two jobs of one audience held it at once",
            spans and not overlaps and not unreleased,
            f"{len(spans)} times an audience was held ({dict(outcomes)}) by "
            f"{len({s[3] for s in spans})} jobs over {len(by_audience)} audiences; "
            f"overlaps: {overlaps[:3]}; never released: {list(unreleased)[:3]}",
        )
        self.spans = spans

    def check_webhooks(self):
        deliveries = self.world.deliveries
        statuses = Counter(d[3] for d in deliveries)
        per_server = Counter(d[0] for d in deliveries)
        slowest = max((d[4] for d in deliveries), default=0)
        self.checks.add(
            "every webhook delivery answered 200 by either server",
            deliveries and set(statuses) == {200} and len(per_server) == 2,
            f"{len(deliveries)} deliveries {dict(statuses)}, per server "
            f"{sorted(per_server.values())}, slowest {slowest:.2f} s",
        )
        sent = {d[2] for d in deliveries if d[3] == 200}
        with self.conn.cursor() as cr:
            cr.execute(
                "SELECT e.id, e.state, e.reason FROM mailchimp_webhook_event e "
                "WHERE e.list_id = %s",
                (self.audiences["Beta"],),
            )
            rows = cr.fetchall()
        states = Counter(row[1] for row in rows)
        # the events each attempt that ended well took (an attempt rolled back took them
        # again in its next attempt)
        taken = Counter()
        for server in (self.server1, self.server2):
            for when, _pid, _lvl, logger, message in server.log_records():
                if logger != WEBHOOK_MODEL or "takes the webhook events" not in message:
                    continue
                uuid = message.split()[1]
                ids = message.split("takes the webhook events ")[1].split()[0]
                if any(
                    u == uuid and start <= when <= end and outcome == "done"
                    for (_a, start, end, u, outcome) in self.spans
                ):
                    taken.update(int(i) for i in ids.split(","))
        twice = [event for event, count in taken.items() if count > 1]
        self.checks.add(
            "every webhook event stored once, applied once, none lost",
            len(rows) == len(sent) and set(states) <= {"done", "ignored"} and not twice,
            f"{len(sent)} distinct deliveries, {len(rows)} events stored {dict(states)}; "
            f"applied by a job: {len(taken)} (the others covered by an import), "
            f"twice: {twice[:10]}",
        )

    def odoo_audience(self, name):
        """{address: (status, contact opted out of the list, contact blacklisted)}."""
        rpc = self.rpc
        bindings = rpc.search_read(
            "mailchimp.member",
            [("list_id", "=", self.audiences[name]), ("status", "not in", [False, "deleted"])],
            ["email_normalized", "status", "mailing_contact_id"],
        )
        contact_ids = [b["mailing_contact_id"][0] for b in bindings if b["mailing_contact_id"]]
        subs = rpc.search_read(
            "mailing.subscription",
            [("contact_id", "in", contact_ids), ("list_id", "=", self.mailing_lists[name])],
            ["contact_id", "opt_out"],
        )
        opted_out = {s["contact_id"][0]: s["opt_out"] for s in subs}
        contacts = rpc.search_read(
            "mailing.contact", [("id", "in", contact_ids)], ["is_blacklisted"]
        )
        blacklisted = {c["id"]: c["is_blacklisted"] for c in contacts}
        out, twice = {}, []
        for b in bindings:
            contact = b["mailing_contact_id"] and b["mailing_contact_id"][0]
            if b["email_normalized"] in out:
                twice.append(b["email_normalized"])
            out[b["email_normalized"]] = (
                b["status"],
                opted_out.get(contact) if contact else None,
                blacklisted.get(contact, False) if contact else None,
            )
        return out, twice

    def check_audiences(self):
        for name in self.world.lists:
            remote = {email: m["status"] for email, m in self.world.members(name).items()}
            local, twice = self.odoo_audience(name)
            missing = sorted(set(remote) - set(local))
            extra = sorted(set(local) - set(remote))
            wrong = sorted(e for e in set(remote) & set(local) if remote[e] != local[e][0])
            consent = []
            for email, (status, opted_out, blacklisted) in local.items():
                if opted_out is None:
                    continue  # no contact (not imported as one)
                if status == "subscribed" and opted_out:
                    consent.append(f"{email} subscribed but opted out")
                elif status == "unsubscribed" and not (opted_out or blacklisted):
                    consent.append(f"{email} unsubscribed but not opted out")
                elif status == "cleaned" and not blacklisted:
                    consent.append(f"{email} cleaned but not blacklisted")
            self.checks.add(
                f"Odoo equals Mailchimp: {name}",
                not (missing or extra or wrong or twice or consent),
                f"{len(remote)} members; missing {missing[:3]}, extra {extra[:3]}, "
                f"status differs {[(e, remote[e], local[e][0]) for e in wrong[:3]]}, "
                f"bound twice {twice[:3]}, contacts {consent[:3]} ({len(consent)})",
            )

    def check_decisions(self):
        """The consent decisions of the actors hold on both sides: an opt-out (made in
        Odoo or in Mailchimp) is no subscription anywhere, a re-subscription is one."""
        broken = []
        remote = {name: self.world.members(name) for name in self.world.lists}
        for (name, email), (what, side) in sorted(self.world.decisions.items()):
            member = remote[name].get(email)
            if member is None:
                continue  # moved (address change) or not a member of this audience
            status = member["status"]
            if what == "out" and status in ("subscribed", "pending"):
                broken.append(f"{name} {email}: opted out ({side}) but {status}")
            if what == "in" and status != "subscribed":
                broken.append(f"{name} {email}: re-subscribed ({side}) but {status}")
        self.checks.add(
            "the newest consent decisions hold (nobody moved back to subscribed)",
            not broken,
            f"{len(self.world.decisions)} decisions; broken: {broken[:5]} ({len(broken)})",
        )

    def check_logs(self):
        for server in (getattr(self, "server1", None), getattr(self, "server2", None)):
            if server is None:
                continue
            errors = server.error_lines()
            self.checks.add(
                f"no ERROR in the log of {server.name}",
                not errors,
                f"{len(errors)} lines: " + " | ".join(errors[:3]) if errors else "",
            )


def main():
    cluster = Cluster.from_environment()
    runs = [r for r in os.environ.get("MC_MULTI_RUNS", "as-is,latency").split(",") if r]
    members = int(os.environ.get("MC_MULTI_MEMBERS", "600"))
    # per run: Mailchimp's latency makes every call of a job 0.2 s longer (an export's field
    # updates and a webhook batch's member reads go one by one): fewer of them there
    sizes = {
        "as-is": (0.0, int(os.environ.get("MC_MULTI_WEBHOOKS", "150")), 300),
        "latency": (0.2, int(os.environ.get("MC_MULTI_WEBHOOKS", "100")), 100),
    }
    base = f"mc_multi_{os.getpid()}"
    started = time.monotonic()
    log(f"installing mailchimp_connector in {base}")
    if not cluster.install(base, os.path.join(cluster.work, "multi-install.log")):
        with open(os.path.join(cluster.work, "multi-install.log"), errors="replace") as handle:
            print(handle.read()[-3000:])
        print("multi-process suite: 0 passed, 1 failed")
        return 1
    log(f"installed ({time.monotonic() - started:.0f} s)")
    results = []
    for i, name in enumerate(runs):
        latency, webhooks, renames = sizes.get(name, sizes["as-is"])
        run = Run(cluster, base, name, latency, members, webhooks, renames, seed=1000 + i)
        results += run.execute()
        if os.environ.get("MC_MULTI_KEEP") != "1":
            cluster.drop_db(run.db)
    cluster.drop_db(base)
    passed = sum(1 for _n, ok, _d in results if ok)
    failed = len(results) - passed
    log(f"multi-process suite took {time.monotonic() - started:.0f} s")
    print(f"multi-process suite: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
