# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The right to erasure's shared helpers (no model here): the tombstones' lookup, which each
flow that takes addresses in (import, webhook, export, campaign activity) asks in the one
place it decides, and the local erasure, which asks every model holding addresses to remove
its own (each implements ``_mailchimp_erase(keys, preview=False)``; a new model holding
addresses plugs in with that one method)."""

from odoo.tools import SQL

from ..services.erasure_rules import erasure_hash, scrub_text, tombstone_key

#: the method a model holding addresses implements (see :func:`erase_local`)
ERASE_METHOD = "_mailchimp_erase"


def _key(env):
    secret = env["ir.config_parameter"].sudo().get_param("database.secret") or env.cr.dbname
    return tombstone_key(secret)


def tombstone_hashes(env, addresses):
    """{hash: member key} of these addresses (those that are one valid address)."""
    key = _key(env)
    hashes = {}
    for address in addresses:
        value = erasure_hash(key, address)
        if value:
            hashes[value] = address
    return hashes


def erased_at_by_key(env, keys):
    """{member key: erased at} of the keys (member keys) that are tombstoned: one query,
    none when no address was ever erased."""
    keys = [k for k in set(keys) if k]
    if not keys:
        return {}
    env.cr.execute("SELECT 1 FROM mailchimp_erasure_tombstone LIMIT 1")
    if not env.cr.fetchone():
        return {}
    hashes = tombstone_hashes(env, keys)
    env["mailchimp.erasure.tombstone"].flush_model()
    env.cr.execute(
        SQL(
            "SELECT hash, erased_at FROM mailchimp_erasure_tombstone WHERE hash = ANY(%s)",
            list(hashes),
        )
    )
    return {hashes[value]: erased_at for value, erased_at in env.cr.fetchall()}


def erase_models(env):
    """The models holding addresses: those implementing ``_mailchimp_erase``."""
    return sorted(name for name in env.registry if hasattr(env.registry[name], ERASE_METHOD))


def erase_local(env, keys, preview=False):
    """Remove the personal data of these member keys from every model holding addresses
    (``preview``: only say what would go). Returns the lines each model wrote."""
    lines = []
    for name in erase_models(env):
        lines += getattr(env[name].sudo().with_context(active_test=False), ERASE_METHOD)(
            keys, preview=preview
        )
    return lines


def erase_line(records, preview, action="delete"):
    """One line of an erasure's details (``preview``: of its confirmation): what goes."""
    env = records.env
    what = f"{len(records)} × {records._description}"
    if action == "scrub":
        return (
            env._("The address will be removed from the text of: %s", what)
            if preview
            else env._("The address removed from the text of: %s", what)
        )
    if action == "anonymize":
        return (
            env._("Will be anonymized (other documents refer to it): %s", what)
            if preview
            else env._("Anonymized (other documents refer to it): %s", what)
        )
    if action == "anonymize_consent":
        return (
            env._("Will keep the fact, anonymized (the consent history): %s", what)
            if preview
            else env._("Kept as a fact, anonymized (the consent history): %s", what)
        )
    if action == "keep":
        return env._("Kept (the contact of an Odoo user; erase it from the user): %s", what)
    return env._("Will be deleted: %s", what) if preview else env._("Deleted: %s", what)


def erase_records(records, preview):
    """Delete ``records`` (unless ``preview``); their line, or none."""
    if not records:
        return []
    line = erase_line(records, preview)
    if not preview:
        records.unlink()
    return [line]


def scrub_fields(model, names, keys, preview):
    """Remove the addresses ``keys`` from the free text fields ``names`` of ``model``'s
    records (an import's problems, an export's skipped lines, an error); their line."""
    clauses = [(name, "ilike", key) for name in names for key in keys]
    if not clauses:
        return []
    records = model.search(["|"] * (len(clauses) - 1) + clauses)
    if not records:
        return []
    line = erase_line(records, preview, "scrub")
    if not preview:
        for record in records:
            vals = {name: scrub_text(record[name], keys) for name in names if record[name]}
            record.write(vals)
    return [line]
