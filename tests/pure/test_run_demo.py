"""scripts/run-demo stops everything it started on Ctrl-C (SIGINT) and on SIGTERM.

Odoo is replaced by a stub (``ODOO_BIN``: run by the script's python) that records its pid
and, when serving, sleeps until killed; PostgreSQL by ``PGHOST`` (the script then starts no
cluster). The emulator is the real one."""

import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

STUB = r"""
import os, sys, time
pids = os.environ["STUB_PIDS"]
with open(pids, "a") as f:
    f.write(f"{os.getpid()} {' '.join(sys.argv[1:3])}\n")
if "--stop-after-init" in sys.argv:
    sys.exit(0)
if "shell" in sys.argv:
    script = sys.stdin.read()
    print("SETUP connected" if "action_test_connection" in script else "no script on stdin")
    sys.exit(0)
open(pids + ".serving", "w").close()
while True:
    time.sleep(1)
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose (its parent may not have reaped it yet)
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def group_members(pgid):
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().split(")")[-1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry))
    return members


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_demo_stops_odoo_and_the_emulator(tmp_path, sig):
    stub = tmp_path / "odoo-bin"
    stub.write_text(STUB)
    pids = tmp_path / "pids"
    work = tmp_path / "work"
    env = dict(
        os.environ,
        ODOO_BIN=str(stub),
        PYTHON=sys.executable,
        PGHOST="/nonexistent",
        MC_NO_SETUP="1",
        MC_WORK_DIR=str(work),
        STUB_PIDS=str(pids),
        DEMO_PORT=str(free_port()),
        DEMO_EMULATOR_PORT=str(free_port()),
        DEMO_MEMBERS="5",
    )
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "run-demo")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # as from a terminal: a test runner started in the background ignores SIGINT, and
        # bash cannot trap a signal ignored when it starts
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "pids.serving").exists():
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "the demo never started serving"
            time.sleep(0.1)
        started = [int(line.split()[0]) for line in pids.read_text().splitlines()]
        assert len(started) == 3, "install, setup shell and server"
        server = started[-1]
        assert alive(server)
        assert len(group_members(proc.pid)) >= 3, "script, emulator and Odoo run"
        proc.send_signal(sig)
        proc.wait(timeout=30)
        output = proc.stdout.read().decode()
        assert proc.returncode == 128 + sig, output
        assert not alive(server), "Odoo survived the script"
        assert group_members(proc.pid) == [], "a child of the script survived"
        assert not work.exists(), "the work directory is removed"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
