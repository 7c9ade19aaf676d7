"""CPU seconds used by processes (user + system, children of a PostgreSQL server included):
``cpu_times.py snapshot FILE label=PID...`` writes them to FILE; ``cpu_times.py report FILE
label=PID...`` prints what each used since that snapshot. A label's PID may be a PostgreSQL
postmaster: its backends are summed with it."""

import json
import os
import resource
import sys

TICKS = os.sysconf("SC_CLK_TCK")


def ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0, None
    # fields after the command: state ppid ... utime (14th field) stime (15th)
    return int(fields[11]) + int(fields[12]), int(fields[1])


def used(pid):
    """Ticks of ``pid`` and of its direct children (a postmaster's backends)."""
    total = ticks(pid)[0]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            child, parent = ticks(int(entry))
            if parent == pid:
                total += child
    return total


def host_steal():
    """Ticks the hypervisor took from this (virtual) machine since boot (0 when unknown):
    figures taken while it took much are not comparable with others."""
    try:
        with open("/proc/stat") as handle:
            fields = handle.readline().split()
    except OSError:
        return 0
    return int(fields[8]) if fields[0] == "cpu" and len(fields) > 8 else 0


def bench_seconds():
    """CPU seconds used so far by this process (an Odoo shell running a bench), PostgreSQL's
    backends and the emulator (``BENCH_PG_PID``, ``BENCH_EMULATOR_PID``): unlike wall time,
    not changed by what the host takes from the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    for var in ("BENCH_PG_PID", "BENCH_EMULATOR_PID"):
        pid = os.environ.get(var)
        if pid:
            total += used(int(pid)) / TICKS
    return total


def measure(labels):
    out = {"host steal": host_steal()}
    for item in labels:
        label, pid = item.split("=", 1)
        out[label] = used(int(pid)) if pid else 0
    return out


if __name__ == "__main__":
    command, path, *labels = sys.argv[1:]
    now = measure(labels)
    if command == "snapshot":
        with open(path, "w") as handle:
            json.dump(now, handle)
    else:
        with open(path) as handle:
            before = json.load(handle)
        spent = {label: (now[label] - before.get(label, 0)) / TICKS for label in now}
        steal = spent.pop("host steal")
        print(
            "CPU used meanwhile:           " + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items())
        )
        print(
            f"CPU taken by the host (steal): {steal:.1f} s "
            "(when it is much, the figures are not comparable)"
        )
