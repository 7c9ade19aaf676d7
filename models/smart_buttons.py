# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The two halves of a form's smart button: the count it shows, the list it opens."""


def set_counts(records, count_field, model, field, domain=()):
    """Set ``count_field`` of each of ``records`` to how many rows of ``model`` point to it
    through ``field`` (and match ``domain``): one grouped query for all of them."""
    data = records.env[model]._read_group(
        [(field, "in", records.ids), *domain], [field], ["__count"]
    )
    counts = {record.id: count for record, count in data}
    for record in records:
        record[count_field] = counts.get(record.id, 0)


def related_action(record, action, field, context=None):
    """The window action ``action`` (an XML id of this addon) showing the rows whose
    ``field`` is ``record``."""
    record.ensure_one()
    result = record.env["ir.actions.act_window"]._for_xml_id(f"mailchimp_connector.{action}")
    result["domain"] = [(field, "=", record.id)]
    if context is not None:
        result["context"] = context
    return result
