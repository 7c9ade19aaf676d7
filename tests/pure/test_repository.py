"""Repository hygiene that needs no Odoo: manifest, generated README, data files."""

import ast
import io
import pathlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def manifest():
    return ast.literal_eval((ROOT / "__manifest__.py").read_text())


def test_manifest_version_and_dependencies():
    data = manifest()
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"])
    assert data["license"] == "LGPL-3"
    assert {"mass_mailing", "contacts", "queue_job"} <= set(data["depends"])
    assert set(data["external_dependencies"]["python"]) == {"requests", "phonenumbers"}


def test_manifest_data_files_exist_and_parse():
    for name in manifest()["data"]:
        path = ROOT / name
        assert path.exists(), name
        if name.endswith(".xml"):
            ET.parse(path)


def test_views_use_odoo18_idioms():
    for path in list(ROOT.glob("views/*.xml")) + list(ROOT.glob("wizards/*.xml")):
        text = path.read_text()
        assert "<tree" not in text, f"{path.name}: use <list>"
        assert "attrs=" not in text and "states=" not in text, f"{path.name}: use invisible="


def test_readme_is_generated_from_fragments():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen-readme"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_readme_states_the_demo_and_test_commands():
    text = (ROOT / "README.rst").read_text()
    assert "./scripts/run-demo" in text
    assert "./scripts/run-tests" in text


def test_readme_is_valid_restructuredtext():
    """Odoo renders README.rst on the Apps page and logs each docutils warning at install."""
    docutils_core = pytest.importorskip("docutils.core")
    stream = io.StringIO()
    docutils_core.publish_doctree(
        (ROOT / "README.rst").read_text(),
        settings_overrides={"report_level": 2, "halt_level": 5, "warning_stream": stream},
    )
    assert stream.getvalue() == ""


def test_app_icon_and_description():
    icon = (ROOT / "static" / "description" / "icon.png").read_bytes()
    assert icon[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(icon[16:20], "big"), int.from_bytes(icon[20:24], "big")
    assert (width, height) == (128, 128)
    html = (ROOT / "static" / "description" / "index.html").read_text()
    root = ET.fromstring(f"<root>{html}</root>")  # well-formed
    assert "./scripts/run-demo" in html
    images = [img.get("src") for img in root.iter("img")]
    assert images, "screenshots"
    for src in images:
        assert (ROOT / "static" / "description" / src).is_file(), src
