"""CPU seconds used by processes (user + system, children of a PostgreSQL server included):
``cpu_times.py snapshot FILE label=PID...`` writes them to FILE; ``cpu_times.py report FILE
label=PID...`` prints what each used since that snapshot. A label's PID may be a PostgreSQL
postmaster: its backends are summed with it."""

import json
import os
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


def measure(labels):
    out = {}
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
        parts = [f"{label} {(now[label] - before.get(label, 0)) / TICKS:.1f} s" for label in now]
        print("CPU used meanwhile:           " + ", ".join(parts))
