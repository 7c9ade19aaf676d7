"""Audience fields (merge fields): definitions kept in step with the members' values."""

from ..util import invalid, invalid_field, locked, not_found, page, qbool

MERGE_TYPES = (
    "text",
    "number",
    "address",
    "phone",
    "date",
    "url",
    "imageurl",
    "radio",
    "dropdown",
    "birthday",
    "zip",
)
_FIELD_KEYS = ("default_value", "public", "display_order", "options", "help_text")
#: ``options.size`` of a text field when none is given: what Mailchimp answers for FNAME
#: and LNAME (recorded responses show ``"options": {"size": 25}``). POST may set it; PATCH
#: has no ``size`` in the reference schema, so it is kept.
TEXT_FIELD_SIZE = 25


class MergeFieldMixin:
    # ------------------------------------------------------------------ internal
    def _new_merge_field(self, lst, tag, name, ftype="text", required=False, **extra):
        merge_id = max((f["merge_id"] for f in lst.merge_fields), default=0) + 1
        options = dict(extra.get("options") or {})
        if ftype == "text":
            size = options.get("size")
            options["size"] = size if isinstance(size, int) and size > 0 else TEXT_FIELD_SIZE
        field = {
            "merge_id": merge_id,
            "tag": tag,
            "name": name,
            "type": ftype,
            "required": bool(required),
            "default_value": extra.get("default_value", ""),
            "public": extra.get("public", True),
            "display_order": extra.get("display_order", merge_id + 1),
            "options": options,
            "help_text": extra.get("help_text", ""),
            "list_id": lst.id,
        }
        lst.merge_fields.append(field)
        empty = ""
        for m in lst.members.values():
            m["merge_fields"].setdefault(tag, empty)
        lst.touch()
        return field

    @staticmethod
    def _merge_field_by_tag(lst, tag):
        for field in lst.merge_fields:
            if field["tag"] == tag:
                return field
        return None

    @staticmethod
    def _merge_field(lst, merge_id):
        for field in lst.merge_fields:
            if str(field["merge_id"]) == str(merge_id):
                return field
        raise not_found()

    def _create_merge_field(self, lst, body):
        name = body.get("name")
        ftype = body.get("type")
        if not name:
            raise invalid_field("name", "This value should not be blank.")
        if ftype not in MERGE_TYPES:
            raise invalid_field(
                "type", f"Data did not match any of the allowed values: {', '.join(MERGE_TYPES)}."
            )
        tag = (body.get("tag") or "").strip().upper()
        if not tag:
            n = len(lst.merge_fields) + 1
            tag = f"MMERGE{n}"
            while self._merge_field_by_tag(lst, tag):
                n += 1
                tag = f"MMERGE{n}"
        if len(tag) > 10 or not tag.replace("_", "").isalnum():
            raise invalid_field("tag", "Merge tags are limited to 10 letters, digits or _.")
        if self._merge_field_by_tag(lst, tag):
            raise invalid(f'A Merge Field with the tag "{tag}" already exists for this list.')
        extra = {k: body[k] for k in _FIELD_KEYS if k in body}
        return self._new_merge_field(lst, tag, name, ftype, body.get("required", False), **extra)

    # ------------------------------------------------------------------ public
    @locked
    def add_merge_field(self, list_id, tag, name, type="text", required=False, **extra):
        """Fixture helper: add a merge field as POST …/merge-fields would; returns a copy."""
        lst = self._list(list_id)
        return dict(
            self._create_merge_field(
                lst, {"tag": tag, "name": name, "type": type, "required": required, **extra}
            )
        )

    @locked
    def merge_field_page(self, list_id, query):
        """GET /lists/{id}/merge-fields (filters ``type`` and ``required``)."""
        items = self._list(list_id).merge_fields
        ftype = query.get("type")
        if ftype:
            items = [f for f in items if f["type"] == ftype]
        if "required" in query:
            wanted = qbool(query, "required")
            items = [f for f in items if f["required"] == wanted]
        return page(query, "merge_fields", items, None, {"list_id": list_id})

    @locked
    def create_merge_field(self, list_id, body):
        return self._create_merge_field(self._list(list_id), body)

    @locked
    def merge_field(self, list_id, merge_id):
        return self._merge_field(self._list(list_id), merge_id)

    @locked
    def update_merge_field(self, list_id, merge_id, body):
        lst = self._list(list_id)
        field = self._merge_field(lst, merge_id)
        new_tag = (body.get("tag") or field["tag"]).upper()
        if new_tag != field["tag"]:
            if self._merge_field_by_tag(lst, new_tag):
                raise invalid(f'A Merge Field with the tag "{new_tag}" already exists.')
            old = field["tag"]
            for m in lst.members.values():
                m["merge_fields"][new_tag] = m["merge_fields"].pop(old, "")
            field["tag"] = new_tag
        for key in ("name", "required", "default_value", "public", "display_order", "help_text"):
            if key in body:
                field[key] = body[key]
        if isinstance(body.get("options"), dict):
            changes = {k: v for k, v in body["options"].items() if k != "size"}
            field["options"].update(changes)
        lst.touch()
        return field

    @locked
    def delete_merge_field(self, list_id, merge_id):
        lst = self._list(list_id)
        field = self._merge_field(lst, merge_id)
        lst.merge_fields.remove(field)
        for m in lst.members.values():
            m["merge_fields"].pop(field["tag"], None)
        lst.touch()
