"""The translation template cannot silently go stale: every ``env._("...")`` string of the
addon's code is in ``i18n/mailchimp_connector.pot`` (export it again with the command in
readme/DEVELOP.md when this fails)."""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
POT = ROOT / "i18n" / "mailchimp_connector.pot"
CODE_DIRS = ("models", "wizards", "controllers")


def pot_msgids():
    """The msgids of the template (multi-line ones joined)."""
    ids, current, in_id = set(), [], False
    for line in POT.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current, in_id = [line[6:]], True
        elif line.startswith('"') and in_id:
            current.append(line)
        else:
            if in_id:
                ids.add("".join(ast.literal_eval(part) for part in current))
            in_id = False
    return ids


def _is_env(node):
    """``self.env`` / ``record.env`` or a plain ``env`` variable."""
    return (isinstance(node, ast.Attribute) and node.attr == "env") or (
        isinstance(node, ast.Name) and node.id == "env"
    )


def translated_literals():
    """(file, line, text) of every ``<...>.env._("literal", ...)`` or ``env._(...)`` call."""
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "_"
                    and _is_env(node.func.value)
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    yield f"{path.parent.name}/{path.name}", node.lineno, node.args[0].value


def env_translate_calls():
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "_"
                    and _is_env(node.func.value)
                ):
                    yield f"{path.parent.name}/{path.name}", node


def test_no_f_string_among_the_arguments_of_a_translation():
    """Odoo's export evaluates the literal arguments of ``_()`` calls: an f-string there
    makes it stop reading the rest of the file (its strings vanish from the template)."""
    found = [
        f"{where}:{call.lineno}"
        for where, call in env_translate_calls()
        if any(isinstance(arg, ast.JoinedStr) for arg in call.args)
        or any(isinstance(kw.value, ast.JoinedStr) for kw in call.keywords)
    ]
    assert found == []


def test_pot_exists_and_is_a_template():
    text = POT.read_text(encoding="utf-8")
    assert re.search(r"^# \t\* mailchimp_connector", text, re.M)
    assert 'msgstr ""' in text


def test_every_translated_string_is_in_the_pot():
    ids = pot_msgids()
    literals = list(translated_literals())
    assert len(literals) > 50, "the scan finds the code's strings"
    missing = [f"{where}:{line}: {text!r}" for where, line, text in literals if text not in ids]
    assert missing == [], "re-export i18n/mailchimp_connector.pot"
