"""Words a marketer understands: what the views show and hide (no Odoo needed)."""

import ast
import pathlib
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[2]
VIEWS = sorted(ROOT.glob("views/*.xml")) + sorted(ROOT.glob("wizards/*.xml"))

#: fields only developers need: shown in developer mode only, wherever a view shows them
TECHNICAL = {
    "members_watermark",
    "next_offset",
    "report_done",
    "need_push",
    "subscriber_hash",
    "mc_contact_id",
    "status_changed",
    "mc_clock_offset",
    "seen_run_id",
    "known_until_id",
    "synced_first_name",
    "synced_last_name",
    "identity_key",
}


def records():
    for path in VIEWS:
        for record in ET.parse(path).getroot().iter("record"):
            yield path, record


def arch_fields(record):
    for field in record.iter("field"):
        if field.get("name") == "arch":
            return list(field.iter("field"))[0:]
    return []


def test_technical_fields_only_in_developer_mode():
    shown = []
    for path, record in records():
        if record.get("model") != "ir.ui.view":
            continue
        for field in arch_fields(record):
            if field.get("name") in TECHNICAL and "base.group_no_one" not in (
                field.get("groups") or ""
            ):
                shown.append(f"{path.name}:{record.get('id')}:{field.get('name')}")
    assert shown == []


def test_member_status_badges_coloured_by_meaning():
    text = (ROOT / "views" / "mailchimp_member_views.xml").read_text()
    root = ET.fromstring(text)
    badges = [f for f in root.iter("field") if f.get("name") == "status"]
    assert len(badges) == 2, "list and form"
    for badge in badges:
        assert badge.get("widget") == "badge"
        assert badge.get("decoration-success") == "status == 'subscribed'"
        assert badge.get("decoration-info") == "status == 'pending'"
        assert badge.get("decoration-warning") == "status == 'unsubscribed'"
        assert badge.get("decoration-danger") == "status == 'cleaned'"
        assert "archived" in badge.get("decoration-muted")
        assert "deleted" in badge.get("decoration-muted")


def test_unsubscribed_filter_does_not_mix_cleaned():
    root = ET.parse(ROOT / "views" / "mailchimp_member_views.xml").getroot()
    filters = {f.get("name"): f.get("domain") for f in root.iter("filter")}
    assert filters["unsubscribed"] == "[('status', '=', 'unsubscribed')]"
    assert filters["cleaned"] == "[('status', '=', 'cleaned')]"


def test_every_list_action_has_an_empty_state_that_says_what_to_do():
    missing = []
    for _path, record in records():
        if record.get("model") != "ir.actions.act_window":
            continue
        target = [f.text for f in record.findall("field") if f.get("name") == "target"]
        if target == ["new"]:
            continue  # a dialog
        helps = [f for f in record.findall("field") if f.get("name") == "help"]
        if not helps:
            missing.append(record.get("id"))
            continue
        paragraphs = list(helps[0].iter("p"))
        if (
            len(paragraphs) < 2
            or paragraphs[0].get("class") != "o_view_nocontent_smiling_face"
            or len("".join(paragraphs[1].itertext()).split()) < 5
        ):
            missing.append(record.get("id"))
    assert missing == []


def test_disconnect_hidden_on_never_connected_accounts():
    root = ET.parse(ROOT / "views" / "mailchimp_account_views.xml").getroot()
    button = [b for b in root.iter("button") if b.get("name") == "action_disconnect"][0]
    assert "not mc_account_id" in button.get("invisible")
    filters = {f.get("name") for f in root.iter("filter")}
    assert "inactive" in filters, "a disconnected account stays findable"


def _option_fields(path):
    """Boolean and Integer fields declared in a model file: the user's options."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "Boolean"
            and not any(kw.arg == "compute" for kw in node.value.keywords)
        ):
            yield node.targets[0].id, {kw.arg for kw in node.value.keywords}


def test_every_option_has_help():
    missing = []
    for name in ("mailchimp_account.py", "mailchimp_list.py"):
        for field, keywords in _option_fields(ROOT / "models" / name):
            if field != "active" and "help" not in keywords:
                missing.append(f"{name}:{field}")
    assert missing == []
