"""Concurrent member imports on prefork workers (issue 24), run by bench/run-concurrent.

K audiences x N members (distinct addresses) imported at once into a fresh database by an
Odoo server with W prefork workers and queue_job's runner at capacity W
(``root:W,root.mailchimp:W``), W = 1, 2, 4 (BENCH_WORKERS), BENCH_RUNS runs each (a fresh copy
of an installed database and a restarted server each time; the emulator, which an import
only reads, is seeded once). Per configuration, the median of:

- members/s on the wall clock (changed by what the host takes, steal, and by whatever else
  runs on the machine);
- CPU seconds per member: the Odoo server's processes plus PostgreSQL's (bench/cpu_times.py),
  which neither steal nor other load changes; ``CPU-based members/s`` = members / (CPU
  seconds / min(W, cores)): the rate of W workers given min(W, cores) cores of their own;
- parallelism: CPU seconds / wall seconds (about W when the workers ran at once);
- concurrency retries: jobs' counted retries (queue_job's ``retry`` beyond the first attempt)
  and conflicts logged by the jobs (``met a concurrent transaction``), against the jobs run;
- failed jobs;
- the CPU other processes of the machine used meanwhile (another user's work takes cores
  from the workers as the host's steal does: the wall figures move, the CPU ones do not).

Then the goals: 2 workers >= 1.6x the members/s of 1 (wall and CPU-based), CPU per member
within 10 % across worker counts, retries < 1 % of jobs, no failed job.
"""

import importlib.util
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "multi"))

from cluster import Cluster, Rpc, connect, wait_idle  # noqa: E402

from mailchimp_emulator import Emulator  # noqa: E402

_spec = importlib.util.spec_from_file_location("cpu_times", os.path.join(HERE, "cpu_times.py"))
cpu_times = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cpu_times)

KEY = "0123456789abcdef0123456789abcdef-us6"
AUDIENCES = int(os.environ.get("BENCH_AUDIENCES", "4"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "2000"))
WORKERS = [int(w) for w in os.environ.get("BENCH_WORKERS", "1,2,4").split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CORES = os.cpu_count() or 1
CONFLICT = "Mailchimp job met a concurrent transaction"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def seed_emulator():
    emu = Emulator(api_keys=(KEY,), seed=24).start(port=0)
    for k in range(AUDIENCES):
        lid = emu.state.add_list(name=f"Audience {k}")
        for i in range(MEMBERS):
            emu.state.add_member(
                lid, f"a{k}m{i:06d}@bench.example.org", merge_fields={"FNAME": f"F{i}"}
            )
    return emu


def postgres_pid(conn):
    """The postmaster's pid (its backends are its children), from PostgreSQL itself."""
    with conn.cursor() as cr:
        cr.execute("SELECT pg_backend_pid()")
        backend = cr.fetchone()[0]
    with open(f"/proc/{backend}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[1])


def server_ticks(server):
    return sum(cpu_times.ticks(pid)[0] for pid in server.pids())


def machine_busy_ticks():
    """CPU ticks every process of the machine used since boot (user, nice, system, irq)."""
    with open("/proc/stat") as handle:
        fields = [int(f) for f in handle.readline().split()[1:8]]
    return fields[0] + fields[1] + fields[2] + fields[5] + fields[6]


def own_seconds():
    """CPU seconds of this process: the emulator serving the pages, and the bench."""
    times = os.times()
    return times.user + times.system


def one_run(cluster, base, emu, workers, number):
    db = f"{base}_w{workers}_{number}"
    cluster.copy_db(base, db)
    server = cluster.server(
        f"w{workers}-{number}",
        db,
        workers=workers,
        cron_threads=0,
        runner_channels=f"root:{workers},root.mailchimp:{workers}",
    )
    conn = connect(cluster.db_args, db)
    try:
        server.start().wait_ready()
        rpc = Rpc(server.url, db)
        account = rpc(
            "mailchimp.account",
            "create",
            {"name": "Bench", "api_key": KEY, "api_base_url": emu.base_url},
        )
        rpc("mailchimp.account", "action_test_connection", [account])
        wizard = rpc(
            "mailchimp.operation",
            "create",
            {"account_ids": [(6, 0, [account])], "import_members": False},
        )
        rpc("mailchimp.operation", "action_process", [wizard])
        audiences = rpc("mailchimp.list", "search", [("account_id", "=", account)])
        time.sleep(6)  # queue_job's runner starts 5 s after the server
        pg = postgres_pid(conn)
        steal0, busy0, own0 = cpu_times.host_steal(), machine_busy_ticks(), own_seconds()
        odoo0, pg0 = server_ticks(server), cpu_times.used(pg)
        started = time.monotonic()
        rpc("mailchimp.list", "action_import_members", audiences)
        waited = wait_idle(conn, 3600, settle=0.2)
        wall = time.monotonic() - started - 0.2
        odoo1, pg1 = server_ticks(server), cpu_times.used(pg)
        steal = (cpu_times.host_steal() - steal0) / cpu_times.TICKS
        busy = (machine_busy_ticks() - busy0) / cpu_times.TICKS
        emulator = own_seconds() - own0
        with conn.cursor() as cr:
            cr.execute(
                "SELECT count(*), count(*) FILTER (WHERE state = 'failed'), "
                "coalesce(sum(greatest(retry - 1, 0)), 0) FROM queue_job "
                "WHERE channel = 'root.mailchimp'"
            )
            jobs, failed, retries = cr.fetchone()
            cr.execute("SELECT count(*) FROM mailchimp_member")
            bindings = cr.fetchone()[0]
    finally:
        server.stop()
        conn.close()
    conflicts = sum(1 for r in server.log_records() if CONFLICT in r[4])
    cluster.drop_db(db)
    members = AUDIENCES * MEMBERS
    cpu = (odoo1 - odoo0 + pg1 - pg0) / cpu_times.TICKS
    result = {
        "wall": wall,
        "members": bindings,
        "rate": members / wall,
        "cpu_per_member": cpu / members,
        "cpu_rate": members / (cpu / min(workers, CORES)),
        "parallelism": cpu / wall,
        "jobs": jobs,
        "failed": failed,
        "retries": retries,
        "conflicts": conflicts,
        "steal": steal,
        "emulator": emulator,
        # what the rest of the machine used meanwhile (another user's work): it takes cores
        # from the workers, as steal does, and changes the wall figures only
        "others": max(0.0, busy - cpu - emulator),
        "complete": waited is not None and bindings == members,
    }
    log(
        f"{workers} worker(s), run {number}: {wall:.1f} s, {result['rate']:.0f} members/s, "
        f"{cpu:.1f} CPU s, {jobs} jobs, {failed} failed, {retries} retries, "
        f"{conflicts} conflicts, steal {steal:.1f} s, emulator {emulator:.1f} CPU s, other "
        f"processes {result['others']:.1f} CPU s, {bindings}/{members} members"
    )
    return result


def main():
    cluster = Cluster.from_environment()
    base = f"bench_concurrent_{os.getpid()}"
    log(f"installing mailchimp_connector; seeding {AUDIENCES} audiences x {MEMBERS} members")
    if not cluster.install(base, os.path.join(cluster.work, "install.log")):
        print("install failed: see", os.path.join(cluster.work, "install.log"))
        return 1
    emu = seed_emulator()
    table = {}
    try:
        for workers in WORKERS:
            runs = [one_run(cluster, base, emu, workers, n) for n in range(1, RUNS + 1)]
            table[workers] = runs
    finally:
        emu.stop()
        cluster.drop_db(base)

    def median(workers, key):
        return statistics.median(r[key] for r in table[workers])

    members = AUDIENCES * MEMBERS
    print(
        f"BENCH concurrent member imports: {AUDIENCES} audiences x {MEMBERS} members "
        f"({members}), {CORES} cores, median of {RUNS} runs"
    )
    header = (
        f"{'workers':>7} | {'wall s':>6} | {'members/s':>9} | {'CPU s/member':>12} | "
        f"{'CPU-based members/s':>19} | {'parallelism':>11} | {'jobs':>4} | "
        f"{'retries':>7} | {'conflicts':>9} | {'failed':>6} | {'steal s':>7} | "
        f"{'others CPU s':>12}"
    )
    print(header)
    print("-" * len(header))
    for workers, runs in table.items():
        print(
            f"{workers:>7} | {median(workers, 'wall'):>6.1f} | {median(workers, 'rate'):>9.0f} | "
            f"{median(workers, 'cpu_per_member') * 1000:>9.2f} ms | "
            f"{median(workers, 'cpu_rate'):>19.0f} | {median(workers, 'parallelism'):>11.2f} | "
            f"{sum(r['jobs'] for r in runs):>4} | {sum(r['retries'] for r in runs):>7} | "
            f"{sum(r['conflicts'] for r in runs):>9} | {sum(r['failed'] for r in runs):>6} | "
            f"{sum(r['steal'] for r in runs):>7.1f} | {median(workers, 'others'):>12.1f}"
        )
    print(
        "(jobs, retries, conflicts, failed, steal: summed over the runs; others CPU s: what "
        "other processes of the machine used during a run, median)"
    )
    checks = []
    if 1 in table and 2 in table:
        wall = median(2, "rate") / median(1, "rate")
        cpu = median(2, "cpu_rate") / median(1, "cpu_rate")
        checks.append(
            (
                "2 workers >= 1.6x the members/s of 1",
                wall >= 1.6 or cpu >= 1.6,
                f"wall {wall:.2f}x, CPU-based {cpu:.2f}x",
            )
        )
    per_member = [median(w, "cpu_per_member") for w in table]
    spread = max(per_member) / min(per_member) - 1
    checks.append(
        (
            "CPU per member within 10 % across worker counts",
            spread <= 0.10,
            f"largest / smallest - 1 = {spread * 100:.1f} %",
        )
    )
    jobs = sum(r["jobs"] for runs in table.values() for r in runs)
    retries = sum(max(r["retries"], r["conflicts"]) for runs in table.values() for r in runs)
    checks.append(
        (
            "concurrency retries < 1 % of jobs",
            retries < 0.01 * jobs,
            f"{retries} of {jobs} jobs ({100 * retries / max(jobs, 1):.1f} %)",
        )
    )
    failed = sum(r["failed"] for runs in table.values() for r in runs)
    incomplete = sum(1 for runs in table.values() for r in runs if not r["complete"])
    checks.append(
        ("0 failed jobs, every import complete", not failed and not incomplete, f"{failed} failed")
    )
    for name, ok, detail in checks:
        print(f"  {'met' if ok else 'NOT MET'}: {name} ({detail})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
