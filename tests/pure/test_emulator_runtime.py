"""Mailchimp emulator: fault injection, request log, control endpoints, CLI and scale."""

import ast
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from mailchimp_emulator import subscriber_hash

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def list_id(emulator):
    return emulator.state.add_list("Runtime Audience")


def _put_member(mc, list_id, email):
    return mc.put(
        f"/lists/{list_id}/members/{subscriber_hash(email)}",
        json={"email_address": email, "status_if_new": "subscribed"},
    )


# ----------------------------------------------------------------------------- faults


def test_fail_next_is_deterministic_and_changes_nothing(mc, emulator, list_id):
    emulator.faults.fail_next(2, status=503)
    first = _put_member(mc, list_id, "f1@example.org")
    assert first.status_code == 503
    assert first.headers["Content-Type"].startswith("application/problem+json")
    assert first.json()["title"] == "Service Unavailable"
    assert mc.get("/ping").status_code == 503
    assert emulator.state.get_member(list_id, "f1@example.org") is None
    assert _put_member(mc, list_id, "f1@example.org").status_code == 200


def test_rate_429_with_retry_after(mc, emulator, list_id):
    emulator.faults.configure(rate_429=1.0, retry_after=3)
    resp = _put_member(mc, list_id, "r@example.org")
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "3"
    assert resp.json()["title"] == "Too Many Requests"
    assert emulator.state.get_member(list_id, "r@example.org") is None
    emulator.faults.clear()
    assert _put_member(mc, list_id, "r@example.org").status_code == 200


def test_rate_5xx_and_path_prefixes(mc, emulator, list_id):
    emulator.faults.configure(rate_5xx=1.0, paths=["/lists"], seed=1)
    statuses = {mc.get(f"/lists/{list_id}").status_code for _ in range(12)}
    assert statuses <= {500, 502, 503} and len(statuses) > 1
    assert mc.get("/ping").status_code == 200  # outside the prefixes
    assert requests.get(emulator.root_url + "/_emulator/health", timeout=5).status_code == 200


def test_drop_closes_connection_without_response(mc, emulator, list_id):
    emulator.faults.configure(rate_drop=1.0)
    with pytest.raises(requests.ConnectionError):
        mc.post(
            f"/lists/{list_id}/members",
            json={"email_address": "d@example.org", "status": "subscribed"},
        )
    assert emulator.state.get_member(list_id, "d@example.org") is None
    # control endpoints are never faulted
    assert requests.get(emulator.root_url + "/_emulator/health", timeout=5).status_code == 200
    emulator.faults.clear()
    emulator.faults.fail_next(1, status="drop")
    with pytest.raises(requests.ConnectionError):
        mc.get("/ping")
    assert mc.get("/ping").status_code == 200


def test_delay(mc, emulator):
    emulator.faults.configure(delay=0.3)
    start = time.monotonic()
    assert mc.get("/ping").status_code == 200
    assert time.monotonic() - start >= 0.3


def test_latency_delays_every_api_call_not_the_control_api():
    from mailchimp_emulator import Emulator
    from mailchimp_emulator.__main__ import make_emulator, parse_args

    assert make_emulator(parse_args(["--latency", "0.2"])).latency == 0.2
    with Emulator(latency=0.3) as emu:
        client = requests.Session()
        client.auth = ("x", emu.api_key)
        start = time.monotonic()
        assert client.get(emu.base_url + "/ping", timeout=5).status_code == 200
        assert time.monotonic() - start >= 0.3
        emu.faults.clear()  # the latency is no fault: clearing them keeps it
        start = time.monotonic()
        health = requests.get(emu.root_url + "/_emulator/health", timeout=5).json()
        assert time.monotonic() - start < 0.3 and health["latency"] == 0.3
        start = time.monotonic()
        assert client.get(emu.base_url + "/ping", timeout=5).status_code == 200
        assert time.monotonic() - start >= 0.3


def test_random_faults_are_seeded(emulator, mc):
    def run():
        emulator.faults.configure(rate_429=0.3, rate_5xx=0.3, seed=99)
        return [mc.get("/ping").status_code for _ in range(20)]

    assert run() == run()


# ----------------------------------------------------------------------------- request log


def test_request_log(mc, emulator, list_id):
    emulator.reset_requests()
    mc.get("/ping")
    mc.get(f"/lists/{list_id}/members", params={"count": 5})
    _put_member(mc, list_id, "log@example.org")
    requests.get(emulator.root_url + "/_emulator/health", timeout=5)  # not logged
    assert len(emulator.requests) == 3
    entry = emulator.requests[1]
    assert entry["method"] == "GET" and entry["query"] == {"count": "5"}
    assert entry["status"] == 200 and entry["path"].endswith(f"/lists/{list_id}/members")
    assert emulator.requests[2]["body_size"] > 0
    assert emulator.count_requests(method="PUT") == 1
    assert emulator.count_requests(path_prefix="/lists") == 2
    assert emulator.count_requests(path_prefix="/3.0/ping") == 1
    emulator.reset_requests()
    assert emulator.count_requests() == 0


# ----------------------------------------------------------------------------- control API


def test_control_endpoints(emulator, mc):
    root = emulator.root_url
    health = requests.get(root + "/_emulator/health", timeout=5).json()
    assert health["status"] == "ok" and health["dc"] == "us6"
    seeded = requests.post(
        root + "/_emulator/seed", json={"list_name": "Demo", "members": 40}, timeout=10
    ).json()
    assert seeded["member_count"] == 40
    lid = seeded["list_id"]
    assert mc.get(f"/lists/{lid}/members").json()["total_items"] == 40
    assert (
        requests.post(
            root + "/_emulator/faults", json={"fail_next": 1, "fail_status": 502}, timeout=5
        ).status_code
        == 200
    )
    assert mc.get("/ping").status_code == 502
    requests.post(root + "/_emulator/faults", json={"rate_429": 1.0, "retry_after": 2}, timeout=5)
    assert mc.get("/ping").status_code == 429
    requests.delete(root + "/_emulator/faults", timeout=5)
    assert mc.get("/ping").status_code == 200
    log = requests.get(root + "/_emulator/requests", timeout=5).json()
    assert [r["status"] for r in log["requests"][-3:]] == [502, 429, 200]
    requests.post(root + "/_emulator/reset-requests", timeout=5)
    assert requests.get(root + "/_emulator/requests", timeout=5).json()["total_items"] == 0
    assert requests.get(root + "/_emulator/nothing", timeout=5).status_code == 404


# ----------------------------------------------------------------------------- CLI


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_starts_and_answers_ping():
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mailchimp_emulator",
            "--port",
            str(port),
            "--seed-members",
            "30",
            "--seed-campaigns",
            "1",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"Mailchimp emulator on http://127.0.0.1:{port}/3.0 (dc=us6, key=")
        key = "0123456789abcdef0123456789abcdef-us6"
        base = f"http://127.0.0.1:{port}/3.0"
        assert requests.get(base + "/ping", auth=("x", key), timeout=5).json() == {
            "health_status": "Everything's Chimpy!"
        }
        lists = requests.get(base + "/lists", auth=("x", key), timeout=5).json()
        assert lists["lists"][0]["name"] == "Sample Audience"
        assert lists["lists"][0]["stats"]["total_contacts"] >= 30
        assert (
            requests.get(base + "/campaigns", auth=("x", key), timeout=5).json()["total_items"] == 1
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0


# ----------------------------------------------------------------------------- scale


def test_100k_members_seed_and_paging(mc, emulator, list_id):
    start = time.perf_counter()
    created = emulator.state.seed_members(list_id, 100_000)
    seeded = time.perf_counter() - start
    assert created == 100_000
    params = {
        "count": 1000,
        "offset": 60_000,
        "sort_field": "last_changed",
        "sort_dir": "ASC",
        "fields": "members.email_address,members.last_changed,total_items",
    }
    mc.get(f"/lists/{list_id}/members", params=params)  # builds the cached view
    start = time.perf_counter()
    page = mc.get(f"/lists/{list_id}/members", params=dict(params, offset=61_000)).json()
    paged = time.perf_counter() - start
    print(
        f"\nseed 100k members: {seeded:.2f}s; one page of 1000 (cached view): {paged * 1000:.1f} ms"
    )
    assert page["total_items"] == 100_000 and len(page["members"]) == 1000
    stamps = [m["last_changed"] for m in page["members"]]
    assert stamps == sorted(stamps)
    stats = mc.get(f"/lists/{list_id}").json()["stats"]
    assert stats["member_count"] + stats["unsubscribe_count"] + stats["cleaned_count"] == 100_000


# ----------------------------------------------------------------------------- layout

PACKAGE = os.path.join(REPO_ROOT, "mailchimp_emulator")


def _modules():
    """{dotted module name: source path} of the emulator package."""
    out = {}
    for folder, _dirs, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                dotted = os.path.relpath(path[:-3], REPO_ROOT).replace(os.sep, ".")
                out[dotted.removesuffix(".__init__")] = path
    return out


def _relative_imports(dotted, path, modules):
    package = dotted if path.endswith("__init__.py") else dotted.rpartition(".")[0]
    deps = set()
    for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        parts = package.split(".")
        base = ".".join(parts[: len(parts) - node.level + 1])
        target = f"{base}.{node.module}" if node.module else base
        if node.module and target in modules:
            deps.add(target)
        deps |= {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules}
    return deps


def test_emulator_modules_import_no_cycle():
    modules = _modules()
    graph = {name: _relative_imports(name, path, modules) for name, path in modules.items()}
    done, path = set(), []

    def visit(name):
        if name in path:
            raise AssertionError("import cycle: " + " -> ".join(path[path.index(name) :] + [name]))
        if name in done:
            return
        path.append(name)
        for dep in graph[name]:
            if dep != name.rpartition(".")[0]:  # a module may import its own package's names
                visit(dep)
        path.pop()
        done.add(name)

    for name in graph:
        visit(name)


def test_only_the_state_package_touches_private_state():
    modules = _modules()
    private = re.compile(r"\b(?:state|st)\._[a-z]")
    offenders = [
        name
        for name, path in modules.items()
        if ".state" not in name and private.search(open(path, encoding="utf-8").read())
    ]
    assert offenders == []
    lock_decorators = [
        name
        for name, path in modules.items()
        if "def locked(" in open(path, encoding="utf-8").read()
    ]
    assert lock_decorators == ["mailchimp_emulator.util"]
