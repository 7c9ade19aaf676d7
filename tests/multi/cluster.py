"""Odoo as production runs it, started from a script: prefork servers on one database,
queue_job's runner, logs read back, JSON-RPC; shared by the multi-process suite
(tests/multi/proof.py) and bench/run-concurrent. Plain Python (the environment's psycopg2
and requests), no Odoo import: Odoo runs in the processes this starts.

The caller gives what scripts/_lib.sh found, in the environment:
``MC_ODOO_CMD`` (JSON list: how to run odoo-bin), ``MC_DB_ARGS`` (JSON list: --db_host ...),
``MC_ADDONS_PATH`` and ``MC_WORK`` (a scratch folder)."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from datetime import datetime

import requests

ADMIN_PASSWORD = "admin"  # a database made by -i without demo data
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (\d+) ([A-Z]+) (\S+) (\S+): (.*)$")


def environment():
    """(odoo command, database arguments, addons path, work folder) given by the caller."""
    return (
        json.loads(os.environ["MC_ODOO_CMD"]),
        json.loads(os.environ["MC_DB_ARGS"]),
        os.environ["MC_ADDONS_PATH"],
        os.environ["MC_WORK"],
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def db_options(db_args):
    """{--db_host: ..., ...} of the database arguments."""
    return dict(zip(db_args[::2], db_args[1::2], strict=False))


def connect(db_args, dbname, autocommit=True):
    # imported here: the log reading of this module is tested by the pure suite, which runs
    # without Odoo (and its psycopg2) on a fresh machine
    import psycopg2  # pylint: disable=import-outside-toplevel

    opts = db_options(db_args)
    conn = psycopg2.connect(
        dbname=dbname,
        host=opts.get("--db_host"),
        port=opts.get("--db_port"),
        user=opts.get("--db_user"),
        password=opts.get("--db_password"),
    )
    conn.autocommit = autocommit
    return conn


def log_time(stamp):
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()


class Cluster:
    """One PostgreSQL (given), the Odoo command and a scratch folder."""

    def __init__(self, odoo_cmd, db_args, addons_path, work):
        self.odoo_cmd = odoo_cmd
        self.db_args = db_args
        self.addons_path = addons_path
        self.work = work
        self.data_dir = os.path.join(work, "data")
        os.makedirs(self.data_dir, exist_ok=True)

    @classmethod
    def from_environment(cls):
        return cls(*environment())

    def install(self, db, log_path, modules="mailchimp_connector"):
        """A fresh database with ``modules`` installed (no demo data); True when it worked."""
        cmd = [
            *self.odoo_cmd,
            *self.db_args,
            "--addons-path",
            self.addons_path,
            "--data-dir",
            self.data_dir,
            "-d",
            db,
            "-i",
            modules,
            "--without-demo=all",
            "--stop-after-init",
            "--workers",
            "0",
            "--max-cron-threads",
            "0",
            "--http-port",
            str(free_port()),
            "--log-level",
            "warn",
        ]
        with open(log_path, "w") as log:
            done = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, check=False)
        return done.returncode == 0

    def copy_db(self, src, dst):
        """``dst``: a copy of ``src`` (database and filestore); none may be connected."""
        conn = connect(self.db_args, "postgres")  # autocommit ("with conn" would not be)
        try:
            with conn.cursor() as cr:
                cr.execute(f'DROP DATABASE IF EXISTS "{dst}"')
                cr.execute(f'CREATE DATABASE "{dst}" TEMPLATE "{src}"')
        finally:
            conn.close()
        store = os.path.join(self.data_dir, "filestore")
        if os.path.isdir(os.path.join(store, src)):
            shutil.rmtree(os.path.join(store, dst), ignore_errors=True)
            shutil.copytree(os.path.join(store, src), os.path.join(store, dst))

    def drop_db(self, db):
        conn = connect(self.db_args, "postgres")
        try:
            with conn.cursor() as cr:
                cr.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        finally:
            conn.close()
        shutil.rmtree(os.path.join(self.data_dir, "filestore", db), ignore_errors=True)

    def server(self, name, db, **options):
        return OdooServer(self, name, db, **options)


class OdooServer:
    """One Odoo server process (a prefork master and its workers) on ``db``.

    ``runner_channels``: queue_job's runner in this server (``queue_job`` in its
    server_wide_modules) with these channels; None: no runner (``base,web`` only)."""

    def __init__(
        self,
        cluster,
        name,
        db,
        workers=4,
        cron_threads=2,
        runner_channels=None,
        debug_loggers=(),
        limit_time_real=300,
    ):
        self.cluster = cluster
        self.name = name
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = os.path.join(cluster.work, name)
        os.makedirs(self.folder, exist_ok=True)
        self.log_path = os.path.join(self.folder, "odoo.log")
        self.conf_path = os.path.join(self.folder, "odoo.conf")
        handlers = [":INFO", "werkzeug:WARNING", "odoo.addons.queue_job.jobrunner:WARNING"]
        handlers += [f"{logger}:DEBUG" for logger in debug_loggers]
        db_opts = db_options(cluster.db_args)
        lines = [
            "[options]",
            f"addons_path = {cluster.addons_path}",
            f"data_dir = {cluster.data_dir}",
            f"db_host = {db_opts.get('--db_host', '')}",
            f"db_port = {db_opts.get('--db_port', '')}",
            f"db_user = {db_opts.get('--db_user', '')}",
            f"db_password = {db_opts.get('--db_password', '')}",
            f"db_name = {db}",
            f"dbfilter = ^{re.escape(db)}$",
            "list_db = False",
            "http_interface = 127.0.0.1",
            f"http_port = {self.port}",
            f"gevent_port = {free_port()}",
            f"workers = {workers}",
            f"max_cron_threads = {cron_threads}",
            f"limit_time_real = {limit_time_real}",
            "limit_time_cpu = 240",
            "server_wide_modules = base,web" + (",queue_job" if runner_channels else ""),
            f"log_handler = {','.join(handlers)}",
        ]
        if runner_channels:
            lines += ["[queue_job]", f"channels = {runner_channels}"]
        with open(self.conf_path, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        self.process = None

    def start(self):
        self._log = open(self.log_path, "a")  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            [*self.cluster.odoo_cmd, "-c", self.conf_path],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers in a group of their own (stopped with it)
        )
        return self

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.tail()}")
            try:
                if requests.get(self.url + "/web/health", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer in {timeout} s: {self.tail()}")

    def stop(self, timeout=30):
        if not self.process:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # the group this started
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        self.process = None

    def pids(self):
        """The server's processes: the master and its workers (its process group)."""
        found = []
        if not self.process:
            return found
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.getpgid(int(entry)) == self.process.pid:
                        found.append(int(entry))
                except OSError:
                    pass
        return found

    def tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as handle:
                return "".join(handle.readlines()[-lines:])
        except OSError:
            return ""

    def log_records(self):
        """(time, pid, level, logger, message) of each line of the server's log."""
        records = []
        with open(self.log_path, errors="replace") as handle:
            for line in handle:
                match = LOG_LINE.match(line)
                if match:
                    stamp, pid, level, _db, logger, message = match.groups()
                    records.append((log_time(stamp), int(pid), level, logger, message.strip()))
        return records

    def error_lines(self):
        """The ERROR and CRITICAL lines of the log, but for the "bad query" line Odoo's SQL
        layer writes for a concurrency error that Odoo's own request loop then retries (its
        next line in that process says "... tries left, try again"): a user's request that
        lost a conflict to a job and went through on its second try, nothing broken."""
        errors, pending = [], {}  # pid -> index in errors of its last "bad query" line
        with open(self.log_path, errors="replace") as handle:
            for line in handle:
                m = LOG_LINE.match(line)
                if not m:
                    continue
                pid, level, logger, message = m.group(2), m.group(3), m.group(5), m.group(6)
                waiting = pending.pop(pid, None)
                retried = logger == "odoo.service.model" and "tries left" in message
                if waiting is not None and retried:
                    errors[waiting] = None
                if level in ("ERROR", "CRITICAL"):
                    errors.append(line.rstrip())
                    if logger == "odoo.sql_db" and message.startswith("bad query"):
                        pending[pid] = len(errors) - 1
        return [line for line in errors if line is not None]


class Rpc:
    """JSON-RPC (``/jsonrpc``, ``execute_kw``) as a user, one HTTP session per thread."""

    def __init__(self, url, db, login="admin", password=ADMIN_PASSWORD):
        self.url = url
        self.db = db
        self.password = password
        self._local = threading.local()
        self.uid = self._call("common", "login", db, login, password)
        if not self.uid:
            raise RuntimeError(f"login {login} refused")

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _call(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
        }
        response = self._session().post(self.url + "/jsonrpc", json=payload, timeout=300)
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            data = body["error"].get("data") or {}
            raise RuntimeError(f"{service}.{method}: {data.get('message') or body['error']}")
        return body.get("result")

    def __call__(self, model, method, *args, **kwargs):
        return self._call(
            "object", "execute_kw", self.db, self.uid, self.password, model, method, args, kwargs
        )

    def search_read(self, model, domain, fields, **kwargs):
        return self(model, "search_read", domain, fields, **kwargs)


def job_states(conn):
    """{state: count} of the Mailchimp jobs."""
    with conn.cursor() as cr:
        cr.execute(
            "SELECT state, count(*) FROM queue_job WHERE channel = 'root.mailchimp' GROUP BY state"
        )
        return dict(cr.fetchall())


def busy(conn):
    """What keeps the Mailchimp sync busy: jobs not done yet, webhook events waiting,
    member imports running."""
    with conn.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM queue_job WHERE channel = 'root.mailchimp' "
            "AND state IN ('pending', 'enqueued', 'started', 'wait_dependencies')"
        )
        jobs = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM mailchimp_webhook_event WHERE state = 'received'")
        events = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM mailchimp_sync_run WHERE state = 'running'")
        runs = cr.fetchone()[0]
    return jobs, events, runs


def wait_idle(conn, timeout, settle=1.0):
    """Wait until no Mailchimp job, webhook event or import is left (seen twice, ``settle``
    seconds apart); returns the seconds waited, or None after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if busy(conn) == (0, 0, 0):
            time.sleep(settle)
            if busy(conn) == (0, 0, 0):
                return time.monotonic() - started
        time.sleep(0.5)
    return None
