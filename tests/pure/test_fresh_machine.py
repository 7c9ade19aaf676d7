"""The README's test command on a truly fresh machine: a python3 with the standard library only.

A fresh checkout (the files git tracks or would track, as a clone of them has), a bare
interpreter first on ``PATH`` (``python3 -m venv --without-pip``: no pytest, no phonenumbers),
an empty ``HOME`` (no cached Odoo source, no private environment) and ``env -i``: every suite
must run in the environment ``scripts/setup-odoo`` prepares inside the checkout, and nothing may
be installed into the interpreter found on ``PATH``. With no Odoo source at hand the odoo suite
is skipped with its one loud line. (With an Odoo source, the same run builds Odoo into that
environment; ``readme/DEVELOP.md`` gives the command and its times.)
"""

import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
INNER = "MC_FRESH_MACHINE_INNER"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def checkout_files():
    """What a clone of this tree holds: the files git tracks, and those it would add."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in out.decode().split("\0") if name and (ROOT / name).is_file()]


def site_packages(venv):
    found = sorted(venv.glob("lib/python*/site-packages"))
    return sorted(p.name for p in found[0].iterdir()) if found else []


@pytest.mark.skipif(os.environ.get(INNER) == "1", reason="this is the run it starts")
@pytest.mark.skipif(not shutil.which("git"), reason="needs git")
def test_tests_run_in_the_private_environment_on_a_bare_python(tmp_path):
    clone = tmp_path / "clone"
    for name in checkout_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    # a clone is a git work tree (pylint-odoo, for one, looks for the top of the repository)
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    before = site_packages(bare)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": f"{bare}/bin:{SYSTEM_PATH}",
        "HOME": str(home),
        "CI": "true",
        INNER: "1",
        "TMPDIR": str(tmp_path),
    }
    # downloads are not what is tested: the user's pip cache spares them (packages still go
    # into the new environment only)
    cache = pathlib.Path(os.path.expanduser("~/.cache/pip"))
    if cache.is_dir():
        env["PIP_CACHE_DIR"] = str(cache)
    assert subprocess.run([bare / "bin" / "python3", "-c", "import pytest"], env=env).returncode

    def run_tests(option, timeout):
        return subprocess.run(
            ["bash", "scripts/run-tests", option],
            cwd=clone,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    started = time.monotonic()
    pure = run_tests("--pure", 900)
    took = time.monotonic() - started
    output = pure.stdout + pure.stderr
    assert pure.returncode == 0, output[-4000:]
    private = clone / ".env" / "venv" / "bin" / "python"
    assert f"pure suite: pytest tests/pure ({private})" in output, output[-4000:]
    summary = [line for line in pure.stdout.splitlines() if line.startswith("all suites: ")]
    assert len(summary) == 1, output[-4000:]
    passed = int(summary[0].split()[2])
    assert passed >= 100 and summary[0].endswith(" 0 failed"), summary
    # the interpreter on PATH got nothing
    assert site_packages(bare) == before
    assert subprocess.run([bare / "bin" / "python3", "-c", "import pytest"], env=env).returncode
    assert subprocess.run([private, "-c", "import pytest, phonenumbers"], env=env).returncode == 0

    odoo = run_tests("--odoo", 300)
    skipped = [line for line in odoo.stdout.splitlines() if line.startswith("SKIPPED: odoo suite")]
    assert len(skipped) == 1, odoo.stdout + odoo.stderr
    assert odoo.returncode == 0, odoo.stdout + odoo.stderr
    print(f"fresh checkout, bare python: pure suite {passed} passed in {took:.0f} s")
