"""The house style is enforced: ruff (lint + format) and pylint-odoo on the addon code."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDON_CODE = ["models", "wizards", "services", "__init__.py", "__manifest__.py"]

# the suite that test_fresh_machine.py starts in a copy of the checkout is about the
# environment, not the code: the suite that started it lints these same files (pylint alone
# is a quarter of the pure suite's time)
pytestmark = pytest.mark.skipif(
    os.environ.get("MC_FRESH_MACHINE_INNER") == "1", reason="linted by the outer run"
)


def _tool(module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -r requirements-test.txt)")
    return [sys.executable, "-m", module]


def _run(cmd):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_check_is_clean():
    result = _run([*_tool("ruff"), "check", "--no-cache", "."])
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = _run([*_tool("ruff"), "format", "--check", "--no-cache", "."])
    assert result.returncode == 0, result.stdout + result.stderr


def test_pylint_odoo_is_clean():
    _tool("pylint_odoo")
    paths = [p for p in ADDON_CODE + ["controllers"] if (ROOT / p).exists()]
    result = _run([*_tool("pylint"), "--rcfile=.pylintrc", *paths])
    assert result.returncode == 0, result.stdout + result.stderr
