"""Audience members: creation, upsert rules (compliance, forgotten, archive), merge fields,
tags, fast filtered/sorted views and deterministic seeding."""

import random
from datetime import datetime, timedelta
from hashlib import md5

from ..util import (
    UTC,
    ApiError,
    as_ts_string,
    email_problem,
    invalid,
    invalid_field,
    locked,
    not_found,
    page,
    subscriber_hash,
    ts_ceil,
    ts_floor,
)

SETTABLE_STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending", "transactional")
ALL_STATUSES = SETTABLE_STATUSES + ("archived",)
COMPLIANCE_STATUSES = ("unsubscribed", "cleaned")
#: ``unsubscribe_reason`` of a member unsubscribed by the account (in the app or through
#: the API), as recorded Mailchimp responses show it (older ones: "…by an admin").
ADMIN_UNSUB_REASON = "N/A (Unsubscribed by admin)"
#: The reasons a person picks on Mailchimp's unsubscribe page (the last one comes with
#: their own text); the member's ``unsubscribe_reason`` is the one picked.
UNSUBSCRIBE_REASONS = (
    "I no longer want to receive these emails",
    "I never signed up for this mailing list",
    "The emails are inappropriate",
    "The emails are spam and should be reported",
    "Other (fill in reason below)",
)
FIRST_NAMES = (
    "Ada",
    "Bruno",
    "Chloe",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Keiko",
    "Liam",
    "Mira",
    "Noah",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
)
LAST_NAMES = (
    "Adams",
    "Berger",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Martin",
    "Nguyen",
    "Olsen",
    "Petit",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Weber",
)
SEED_BASE = datetime(2024, 1, 1, tzinfo=UTC)
#: A member's fields in the order Mailchimp answers them (``unsubscribe_reason``, when
#: there is one, comes between the two parts; ``_links`` last).
MEMBER_KEYS_HEAD = (
    "id",
    "email_address",
    "unique_email_id",
    "contact_id",
    "full_name",
    "web_id",
    "email_type",
    "status",
)
MEMBER_KEYS_TAIL = (
    "consents_to_one_to_one_messaging",
    "sms_phone_number",
    "sms_subscription_status",
    "sms_subscription_last_updated",
    "merge_fields",
    "interests",
    "stats",
    "ip_signup",
    "timestamp_signup",
    "ip_opt",
    "timestamp_opt",
    "member_rating",
    "last_changed",
    "language",
    "vip",
    "email_client",
    "location",
    "source",
    "tags_count",
    "tags",
    "list_id",
)
SIMPLE_FIELDS = ("language", "vip", "ip_signup", "ip_opt")


def copy_member(m):
    """Copy a member dict deep enough that callers can't mutate the stored one."""
    c = dict(m)
    c["merge_fields"] = {
        k: dict(v) if isinstance(v, dict) else v for k, v in m["merge_fields"].items()
    }
    c["interests"] = dict(m["interests"])
    c["stats"] = dict(m["stats"])
    c["location"] = dict(m["location"])
    c["tags"] = [dict(t) for t in m["tags"]]
    return c


def member_exists(email):
    return ApiError(
        400,
        "Member Exists",
        f"{email} is already a list member. Use PUT to insert or update list members.",
    )


def forgotten(email):
    return ApiError(
        400,
        "Forgotten Email Not Subscribed",
        f"{email} was permanently deleted and cannot be re-imported. The contact "
        "must re-subscribe to get back on the list.",
    )


def compliance(email):
    return ApiError(
        400,
        "Member In Compliance State",
        f"{email} is in a compliance state due to unsubscribe, bounce, or "
        "compliance review and cannot be subscribed.",
    )


def _check_status(status, field="status"):
    if status not in SETTABLE_STATUSES:
        raise invalid_field(
            field,
            "Data did not match any of the allowed values: " + ", ".join(SETTABLE_STATUSES) + ".",
        )


def _address_value(value):
    """Normalise an ADDRESS value; return (value, error_message)."""
    if value in ("", None):
        return "", None
    if isinstance(value, str):
        parts = [p.strip() for p in value.split("  ")]
        if len(parts) >= 4 and all(parts[:4]):
            value = {
                "addr1": parts[0],
                "city": parts[1],
                "state": parts[2],
                "zip": parts[3],
                "country": parts[4] if len(parts) > 4 else "US",
            }
        else:
            return None, "Please enter a complete address"
    if not isinstance(value, dict):
        return None, "Please enter a complete address"
    out = {}
    for key in ("addr1", "addr2", "city", "state", "zip", "country"):
        raw = value.get(key, "")
        out[key] = "" if raw is None else str(raw).strip()
    if not all(out[k] for k in ("addr1", "city", "state", "zip")):
        return None, "Please enter a complete address"
    out["country"] = out["country"] or "US"
    return out, None


def _merge_value(field, value):
    """Validate one merge value; return (normalised value, error message or None)."""
    ftype = field["type"]
    if ftype == "address":
        return _address_value(value)
    if isinstance(value, (dict, list)):
        return None, "Please enter a valid value"
    if value is None:
        return "", None
    if ftype == "number":
        if value == "":
            return "", None
        if isinstance(value, bool):
            return None, "Please enter a number"
        try:
            float(value)
        except (TypeError, ValueError):
            return None, "Please enter a number"
        return value, None
    if ftype in ("dropdown", "radio"):
        choices = field["options"].get("choices") or []
        if value != "" and choices and value not in choices:
            return None, "Please choose one of the available options"
    if isinstance(value, bool):
        value = str(value).lower()
    return value if isinstance(value, str) else str(value), None


class MemberMixin:
    # ------------------------------------------------------------------ lookup
    def _find_member(self, lst, ident):
        ident = (ident or "").strip()
        if "@" in ident:
            return lst.members.get(subscriber_hash(ident))
        key = ident.lower()
        m = lst.members.get(key)
        if m is None and key in lst.by_contact:
            m = lst.members.get(lst.by_contact[key])
        return m

    def _member_link_plan(self):
        """(rel, href suffix, method, schema keys) of a member's ``_links``, cached per
        API root (the emulator sets its own when it starts)."""
        plan = getattr(self, "_link_plan", None)
        if plan is not None and plan[0] == self.api_root:
            return plan[1]
        schema = f"https://{self.dc}.api.mailchimp.com/schema/3.0/Definitions/Lists/Members"
        response = {"targetSchema": f"{schema}/Response.json"}
        rows = (
            ("self", "", "GET", response),
            (
                "parent",
                None,
                "GET",
                {
                    "targetSchema": f"{schema}/CollectionResponse.json",
                    "schema": f"https://{self.dc}.api.mailchimp.com/schema/3.0/Paths/Lists"
                    "/Members/Collection.json",
                },
            ),
            ("update", "", "PATCH", dict(response, schema=f"{schema}/PATCH.json")),
            ("upsert", "", "PUT", dict(response, schema=f"{schema}/PUT.json")),
            ("delete", "", "DELETE", {}),
            ("activity", "/activity", "GET", {"targetSchema": f"{schema}/Activity/Response.json"}),
            ("goals", "/goals", "GET", {"targetSchema": f"{schema}/Goals/Response.json"}),
            (
                "notes",
                "/notes",
                "GET",
                {"targetSchema": f"{schema}/Notes/CollectionResponse.json"},
            ),
            ("events", "/events", "POST", {"targetSchema": f"{schema}/Events/POST.json"}),
            ("delete_permanent", "/actions/delete-permanent", "POST", {}),
        )
        self._link_plan = (self.api_root, rows)
        return rows

    def _member_links(self, m):
        """The member's ``_links`` as Mailchimp lists them (hrefs on this emulator)."""
        collection = f"{self.api_root}/lists/{m['list_id']}/members"
        href = f"{collection}/{m['id']}"
        return [
            {
                "rel": rel,
                "href": collection if suffix is None else href + suffix,
                "method": method,
                **extra,
            }
            for rel, suffix, method, extra in self._member_link_plan()
        ]

    def _render_member(self, m):
        """A member as the API answers it: the stored fields in Mailchimp's order (an
        ``unsubscribe_reason`` right after ``status``), then ``_links``."""
        out = {key: m[key] for key in MEMBER_KEYS_HEAD}
        if "unsubscribe_reason" in m:
            out["unsubscribe_reason"] = m["unsubscribe_reason"]
        for key in MEMBER_KEYS_TAIL:
            out[key] = m[key]
        if len(m) > len(out):  # fields a fixture added (marketing_permissions, last_note…)
            out.update((k, v) for k, v in m.items() if k not in out)
        out["_links"] = self._member_links(m)
        return out

    def _build_member(self, lst, email, status, now, source="API - Generic", key=None):
        low = email.lower()
        m = {
            "id": key or md5(low.encode()).hexdigest(),
            "email_address": email,
            "unique_email_id": md5(f"ueid:{lst.id}:{low}".encode()).hexdigest()[:10],
            "contact_id": md5(f"contact:{lst.id}:{low}".encode()).hexdigest(),
            "full_name": "",
            "web_id": self._next_web_id(),
            "email_type": "html",
            "status": status,
            "consents_to_one_to_one_messaging": True,
            # read-only in the API (3.0.55): "" until an SMS subscription exists
            "sms_phone_number": "",
            "sms_subscription_status": "",
            "sms_subscription_last_updated": "",
            "merge_fields": {f["tag"]: "" for f in lst.merge_fields},
            "interests": dict.fromkeys(self._interest_ids(lst), False),
            "stats": {"avg_open_rate": 0, "avg_click_rate": 0},
            "ip_signup": "",
            "timestamp_signup": now,
            "ip_opt": "",
            "timestamp_opt": now if status == "subscribed" else "",
            "member_rating": 2,
            "last_changed": now,
            "language": "",
            "vip": False,
            "email_client": "",
            "location": {
                "latitude": 0,
                "longitude": 0,
                "gmtoff": 0,
                "dstoff": 0,
                "country_code": "",
                "timezone": "",
                "region": "",
            },
            "source": source,
            "tags_count": 0,
            "tags": [],
            "list_id": lst.id,
        }
        if status == "unsubscribed":
            m["unsubscribe_reason"] = ADMIN_UNSUB_REASON
        return m

    def _insert_member(self, lst, m):
        lst.members[m["id"]] = m
        lst.by_contact[m["contact_id"]] = m["id"]
        lst.by_web[m["web_id"]] = m
        lst.touch()

    @staticmethod
    def _set_status(m, status, now, reason=None):
        if status == m["status"]:
            return
        m["status"] = status
        if status == "subscribed":
            m["timestamp_opt"] = now
        if status == "unsubscribed":
            m["unsubscribe_reason"] = reason or ADMIN_UNSUB_REASON
        else:
            m.pop("unsubscribe_reason", None)

    @staticmethod
    def _full_name(m):
        mf = m["merge_fields"]
        parts = [str(mf.get("FNAME") or "").strip(), str(mf.get("LNAME") or "").strip()]
        m["full_name"] = " ".join(p for p in parts if p)

    # ------------------------------------------------------------------ validation
    def _validate_merge(self, lst, given, current, skip):
        if given is None:
            given = {}
        if not isinstance(given, dict):
            raise invalid_field("merge_fields", "merge_fields must be an object.")
        fields = {f["tag"]: f for f in lst.merge_fields}
        out, errors = {}, []
        for raw_tag, value in given.items():
            tag = str(raw_tag).upper()
            field = fields.get(tag)
            if field is None:
                if not skip:
                    errors.append(
                        {
                            "field": tag,
                            "message": f"Merge field {tag} does not exist in this audience.",
                        }
                    )
                continue
            if skip:
                out[tag] = value
                continue
            norm, error = _merge_value(field, value)
            if error:
                errors.append({"field": tag, "message": error})
            else:
                out[tag] = norm
        if not skip:
            for tag, field in fields.items():
                if not field["required"]:
                    continue
                value = out.get(tag, (current or {}).get(tag, ""))
                if value in ("", None) and current is None and field["default_value"]:
                    out[tag] = field["default_value"]
                elif value in ("", None) and not any(e["field"] == tag for e in errors):
                    errors.append({"field": tag, "message": "Please enter a value"})
        if errors:
            raise invalid("Your merge fields were invalid.", errors)
        return out

    @staticmethod
    def _prepare_simple(body):
        changes = {}
        if "email_type" in body:
            if body["email_type"] not in ("html", "text"):
                raise invalid_field("email_type", "email_type must be html or text.")
            changes["email_type"] = body["email_type"]
        for key in SIMPLE_FIELDS:
            if key in body:
                changes[key] = bool(body[key]) if key == "vip" else str(body[key] or "")
        for key in ("timestamp_signup", "timestamp_opt"):
            if key in body:
                changes[key] = as_ts_string(body[key])
        for key in ("interests", "location"):
            if key in body:
                if not isinstance(body[key], dict):
                    raise invalid_field(key, f"{key} must be an object.")
                changes[key] = body[key]
        if "interests" in changes:
            changes["interests"] = {str(k): bool(v) for k, v in changes["interests"].items()}
        tags = body.get("tags")
        if tags is not None:
            if not isinstance(tags, list):
                raise invalid_field("tags", "tags must be an array.")
            names = []
            for tag in tags:
                name = tag.get("name") if isinstance(tag, dict) else tag
                if not isinstance(name, str) or not name.strip():
                    raise invalid_field("tags", "Tag names must be non-empty strings.")
                names.append(name.strip())
            changes["tags"] = names
        return changes

    def _apply_simple(self, lst, m, changes, sync_tags=False):
        for key, value in changes.items():
            if key in ("interests", "location"):
                m[key].update(value)
            elif key == "tags":
                continue
            else:
                m[key] = value
        if "tags" in changes:
            wanted = changes["tags"]
            if sync_tags:
                for tag in list(m["tags"]):
                    if tag["name"] not in wanted:
                        self._tag_by_name(lst, m, tag["name"], active=False)
            for name in wanted:
                self._tag_by_name(lst, m, name, active=True)

    # ------------------------------------------------------------------ writes
    @locked
    def write_member(self, list_id, ident, body, mode, skip_merge=False):
        """Create/update a member following Mailchimp's rules, as POST (``mode`` "post"),
        PUT ("put") or PATCH ("patch") …/members do. Returns (member as answered, created);
        raises ApiError before any change when refused."""
        member, created = self._write_member(list_id, ident, body, mode, skip_merge=skip_merge)
        return self._render_member(member), created

    def _write_member(
        self, list_id, ident, body, mode, skip_merge=False, update_existing=False, sync_tags=False
    ):
        """mode: "post", "put", "patch" or "batch" (batch subscribe). Returns the stored
        member and whether it was created."""
        lst = self._list(list_id)
        if not isinstance(body, dict):
            raise invalid("The request body must be a JSON object.")
        body_email = body.get("email_address")
        if body_email is not None and not isinstance(body_email, str):
            raise invalid_field("email_address", "email_address must be a string.")
        body_email = body_email.strip() if body_email else body_email
        if mode in ("post", "batch"):
            if not body_email:
                raise invalid_field("email_address", "This value should not be blank.")
            member = lst.members.get(subscriber_hash(body_email))
        else:
            member = self._find_member(lst, ident)
        now = self.now_str()
        if member is None:
            return self._create_from_body(
                lst, ident, body, body_email, mode, skip_merge, now, sync_tags
            ), True
        return self._update_from_body(
            lst, member, body, body_email, mode, skip_merge, update_existing, now, sync_tags
        )

    def _create_from_body(self, lst, ident, body, body_email, mode, skip_merge, now, sync_tags):
        if mode == "patch":
            raise not_found()
        email = body_email or (ident.strip() if ident and "@" in ident else None)
        if not email:
            raise invalid_field("email_address", "This value should not be blank.")
        key = subscriber_hash(email)
        if mode == "put" and ident and self._ident_key(ident) != key:
            raise invalid(
                "The email address in the request body does not match the "
                "subscriber hash in the URL."
            )
        if key in lst.forgotten:
            raise forgotten(email)
        error = email_problem(email)
        if error:
            raise error
        if mode == "put":
            status, field = body.get("status_if_new"), "status_if_new"
        elif mode == "batch":
            status, field = body.get("status_if_new") or body.get("status"), "status"
        else:
            status, field = body.get("status"), "status"
        if not status:
            raise invalid_field(field, "This value should not be blank.")
        _check_status(status, field)
        merge = self._validate_merge(lst, body.get("merge_fields"), None, skip_merge)
        changes = self._prepare_simple(body)
        self._check_member_interests(lst, changes.get("interests"))
        member = self._build_member(lst, email, status, now)
        member["merge_fields"].update(merge)
        self._full_name(member)
        self._insert_member(lst, member)
        self._apply_simple(lst, member, changes, sync_tags)
        return member

    @staticmethod
    def _ident_key(ident):
        ident = ident.strip()
        return subscriber_hash(ident) if "@" in ident else ident.lower()

    def _update_from_body(
        self, lst, member, body, body_email, mode, skip_merge, update_existing, now, sync_tags
    ):
        email = member["email_address"]
        archived = member["status"] == "archived"
        if mode == "post" and not archived:
            raise member_exists(email)
        if mode == "batch" and not archived and not update_existing:
            raise member_exists(email)
        new_status = body.get("status")
        if archived and mode in ("post", "batch"):
            new_status = new_status or body.get("status_if_new")
            if not new_status:
                raise invalid_field("status", "This value should not be blank.")
        if archived and mode == "put" and not new_status:
            return member, False  # status_if_new alone does not unarchive
        if new_status:
            _check_status(new_status)
            if new_status == "subscribed" and member["status"] in COMPLIANCE_STATUSES:
                raise compliance(email)
        new_key = None
        if body_email and body_email.lower() != email.lower():
            new_key = subscriber_hash(body_email)
            if new_key in lst.members:
                raise member_exists(body_email)
            if new_key in lst.forgotten:
                raise forgotten(body_email)
            error = email_problem(body_email)
            if error:
                raise error
        merge = self._validate_merge(
            lst, body.get("merge_fields"), member["merge_fields"], skip_merge
        )
        changes = self._prepare_simple(body)
        self._check_member_interests(lst, changes.get("interests"))
        # ---- all checks passed: mutate
        if new_key:
            del lst.members[member["id"]]
            member["id"] = new_key
            lst.members[new_key] = member
            lst.by_contact[member["contact_id"]] = new_key
        if body_email:
            member["email_address"] = body_email
        member["merge_fields"].update(merge)
        self._full_name(member)
        if new_status:
            self._set_status(member, new_status, now)
        self._apply_simple(lst, member, changes, sync_tags)
        member["last_changed"] = now
        lst.touch()
        return member, archived and mode in ("post", "batch")

    @locked
    def batch_subscribe(self, list_id, body, skip_merge=False):
        """POST /lists/{id}: up to 500 members; failures are reported inside the 200."""
        self._list(list_id)
        if not isinstance(body, dict):
            raise invalid("The request body must be a JSON object.")
        members = body.get("members")
        if not isinstance(members, list):
            raise invalid_field("members", "members must be an array.")
        if len(members) > 500:
            raise invalid_field(
                "members",
                "You may not subscribe more than 500 members in a single batch.",
                detail=f"Batch subscribe is limited to 500 members, {len(members)} given.",
            )
        update_existing = bool(body.get("update_existing"))
        sync_tags = bool(body.get("sync_tags"))
        created, updated, errors = [], [], []
        for item in members:
            email = item.get("email_address", "") if isinstance(item, dict) else ""
            try:
                member, is_new = self._write_member(
                    list_id,
                    None,
                    item if isinstance(item, dict) else {},
                    "batch",
                    skip_merge=skip_merge,
                    update_existing=update_existing,
                    sync_tags=sync_tags,
                )
            except ApiError as exc:
                first = (exc.errors or [{}])[0]
                errors.append(
                    {
                        "email_address": email,
                        "error": exc.detail,
                        "error_code": "ERROR_CONTACT_EXISTS"
                        if exc.title == "Member Exists"
                        else "ERROR_GENERIC",
                        "field": first.get("field", ""),
                        "field_message": first.get("message", ""),
                    }
                )
                continue
            (created if is_new else updated).append(self._render_member(member))
        return {
            "new_members": created,
            "updated_members": updated,
            "errors": errors,
            "total_created": len(created),
            "total_updated": len(updated),
            "error_count": len(errors),
        }

    @locked
    def archive_member(self, list_id, ident):
        lst = self._list(list_id)
        m = self._find_member(lst, ident)
        if m is None:
            raise not_found()
        if m["status"] == "archived":
            # Mailchimp refuses to archive an archived member again
            raise ApiError(
                405,
                "Method Not Allowed",
                "This list member cannot be removed. It is already archived.",
            )
        m["status"] = "archived"
        m.pop("unsubscribe_reason", None)
        m["last_changed"] = self.now_str()
        lst.touch()

    @locked
    def delete_permanent(self, list_id, email):
        """Erase a member for good and remember the address as forgotten."""
        lst = self._list(list_id)
        m = self._find_member(lst, email)
        if m is None:
            raise not_found()
        for seg in lst.segments.values():
            seg["members"].pop(m["web_id"], None)
        del lst.members[m["id"]]
        lst.by_contact.pop(m["contact_id"], None)
        lst.by_web.pop(m["web_id"], None)
        lst.forgotten.add(m["id"])
        lst.touch()

    def _member_or_404(self, lst, ident):
        m = self._find_member(lst, ident)
        if m is None:
            raise not_found()
        return m

    @locked
    def member(self, list_id, ident):
        """GET …/members/{hash|email|contact_id}: the member as answered (404 if unknown)."""
        return self._render_member(self._member_or_404(self._list(list_id), ident))

    @locked
    def member_page(self, list_id, query):
        """GET /lists/{id}/members: one page of the filtered, sorted members."""
        items = self._member_view(self._list(list_id), query)
        return page(query, "members", items, self._render_member, {"list_id": list_id})

    @locked
    def member_tag_page(self, list_id, ident, query):
        """GET …/members/{hash}/tags."""
        lst = self._list(list_id)
        m = self._member_or_404(lst, ident)
        out = []
        for tag in m["tags"]:
            seg = lst.segments.get(str(tag["id"]))
            added = seg["members"].get(m["web_id"], "") if seg else ""
            out.append({"id": tag["id"], "name": tag["name"], "date_added": added})
        return page(query, "tags", out)

    @locked
    def post_member_tags(self, list_id, ident, body):
        lst = self._list(list_id)
        m = self._find_member(lst, ident)
        if m is None:
            raise not_found()
        tags = body.get("tags") if isinstance(body, dict) else None
        if not isinstance(tags, list):
            raise invalid_field("tags", "tags must be an array.")
        plan = []
        for tag in tags:
            if not isinstance(tag, dict) or not str(tag.get("name") or "").strip():
                raise invalid_field("tags", "Each tag needs a name.")
            status = tag.get("status", "active")
            if status not in ("active", "inactive"):
                raise invalid_field("tags", "Tag status must be active or inactive.")
            plan.append((tag["name"].strip(), status == "active"))
        changed = False
        for name, active in plan:
            changed = self._tag_by_name(lst, m, name, active) or changed
        if changed:
            m["last_changed"] = self.now_str()
            lst.touch()

    # ------------------------------------------------------------------ views
    def _member_view(self, lst, query):
        """Filtered + sorted member list (cached per list until the next change)."""
        status = query.get("status") or None
        if status and status not in ALL_STATUSES:
            raise invalid_field("status", "Data did not match any of the allowed values.")
        since = query.get("since_last_changed")
        before = query.get("before_last_changed")
        since_opt = query.get("since_timestamp_opt")
        before_opt = query.get("before_timestamp_opt")
        since = ts_floor(since, "since_last_changed") if since else None
        before = ts_ceil(before, "before_last_changed") if before else None
        since_opt = ts_floor(since_opt, "since_timestamp_opt") if since_opt else None
        before_opt = ts_ceil(before_opt, "before_timestamp_opt") if before_opt else None
        email_type = query.get("email_type") or None
        vip_only = str(query.get("vip_only", "")).lower() == "true"
        ueid = query.get("unique_email_id") or None
        sort_field = query.get("sort_field") or None
        sort_dir = (query.get("sort_dir") or "ASC").upper()
        if sort_field and sort_field not in ("last_changed", "timestamp_opt", "timestamp_signup"):
            raise invalid_field(
                "sort_field",
                "sort_field must be one of timestamp_opt, timestamp_signup, last_changed.",
            )
        if sort_dir not in ("ASC", "DESC"):
            raise invalid_field("sort_dir", "sort_dir must be ASC or DESC.")
        key = (
            status,
            since,
            before,
            since_opt,
            before_opt,
            email_type,
            vip_only,
            ueid,
            sort_field,
            sort_dir,
        )
        cached = lst.views.get(key)
        if cached is not None:
            return cached
        items = list(lst.members.values())
        if status:
            items = [m for m in items if m["status"] == status]
        if since:
            items = [m for m in items if m["last_changed"] > since]
        if before:
            items = [m for m in items if m["last_changed"] < before]
        if since_opt:
            items = [m for m in items if m["timestamp_opt"] and m["timestamp_opt"] > since_opt]
        if before_opt:
            items = [m for m in items if m["timestamp_opt"] and m["timestamp_opt"] < before_opt]
        if email_type:
            items = [m for m in items if m["email_type"] == email_type]
        if vip_only:
            items = [m for m in items if m["vip"]]
        if ueid:
            items = [m for m in items if m["unique_email_id"] == ueid]
        if sort_field:
            items.sort(key=lambda m: m[sort_field], reverse=sort_dir == "DESC")
        elif sort_dir == "DESC":
            items.reverse()
        if len(lst.views) >= 32:
            lst.views.clear()
        lst.views[key] = items
        return items

    # ------------------------------------------------------------------ python helpers
    @locked
    def add_member(
        self,
        list_id,
        email,
        status="subscribed",
        merge_fields=None,
        tags=None,
        last_changed=None,
        **extra,
    ):
        """Fixture helper: add a member directly (no compliance/merge validation)."""
        lst = self._list(list_id)
        if status not in ALL_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if self._find_member(lst, email) is not None:
            raise ValueError(f"{email} is already a member of {list_id}")
        now = self.now_str()
        m = self._build_member(lst, email, status, now, source=extra.pop("source", "Import"))
        lst.forgotten.discard(m["id"])
        if merge_fields:
            m["merge_fields"].update({str(k).upper(): v for k, v in merge_fields.items()})
            self._full_name(m)
        for key, value in extra.items():
            if key == "interests":
                m["interests"].update({str(k): bool(v) for k, v in value.items()})
            else:
                m[key] = value
        if last_changed is not None:
            m["last_changed"] = as_ts_string(last_changed)
        self._insert_member(lst, m)
        for name in tags or ():
            self._tag_by_name(lst, m, name.get("name") if isinstance(name, dict) else name)
        return copy_member(m)

    @locked
    def update_member(self, list_id, email, **changes):
        """Fixture helper: change a member as if done in Mailchimp (touches last_changed)."""
        lst = self._list(list_id)
        m = self._find_member(lst, email)
        if m is None:
            raise KeyError(email)
        now = self.now_str()
        last_changed = changes.pop("last_changed", None)
        if "status" in changes:
            self._set_status(m, changes.pop("status"), now, changes.pop("unsubscribe_reason", None))
        if "merge_fields" in changes:
            m["merge_fields"].update(
                {str(k).upper(): v for k, v in changes.pop("merge_fields").items()}
            )
            self._full_name(m)
        if "tags" in changes:
            self._apply_simple(lst, m, {"tags": list(changes.pop("tags"))}, sync_tags=True)
        if "interests" in changes:
            interests = {str(k): bool(v) for k, v in changes.pop("interests").items()}
            self._check_member_interests(lst, interests)
            m["interests"].update(interests)
        new_email = changes.pop("email_address", None)
        if new_email and new_email.lower() != m["email_address"].lower():
            new_key = subscriber_hash(new_email)
            if new_key in lst.members:
                raise ValueError(f"{new_email} already exists")
            del lst.members[m["id"]]
            m["id"] = new_key
            lst.members[new_key] = m
            lst.by_contact[m["contact_id"]] = new_key
        if new_email:
            m["email_address"] = new_email
        m.update(changes)
        m["last_changed"] = as_ts_string(last_changed) if last_changed else now
        lst.touch()
        return copy_member(m)

    @locked
    def get_member(self, list_id, email):
        lst = self._list(list_id)
        m = self._find_member(lst, email)
        return copy_member(m) if m else None

    @locked
    def members(self, list_id):
        return [copy_member(m) for m in self._list(list_id).members.values()]

    @locked
    def is_forgotten(self, list_id, email):
        return subscriber_hash(email) in self._list(list_id).forgotten

    @locked
    def seed_members(self, list_id, n, statuses=None, prefix="member"):
        """Add n deterministic members prefix00000@example.org... (skips existing ones).

        statuses: None (≈93% subscribed, 5% unsubscribed, 2% cleaned), a list (cycled) or a
        {status: weight} dict. Returns the number of members created.
        """
        lst = self._list(list_id)
        rng = random.Random(f"{self.seed}:{list_id}:{prefix}")
        weights = None
        if isinstance(statuses, dict):
            names, weights = list(statuses), list(statuses.values())
        tags = {f["tag"] for f in lst.merge_fields}
        has_first, has_last = "FNAME" in tags, "LNAME" in tags
        created = index = 0
        while created < n:
            i = index
            index += 1
            email = f"{prefix}{i:05d}@example.org"
            key = md5(email.encode()).hexdigest()
            if key in lst.members:
                continue
            if statuses is None:
                r = rng.random()
                status = "unsubscribed" if r < 0.05 else "cleaned" if r < 0.07 else "subscribed"
            elif weights is not None:
                status = rng.choices(names, weights)[0]
            else:
                status = statuses[i % len(statuses)]
            signup = SEED_BASE + timedelta(seconds=i * 37)
            signup_s = signup.isoformat()
            changed = (signup + timedelta(seconds=int(rng.random() * 30 * 86400))).isoformat()
            m = self._build_member(lst, email, status, signup_s, source="Import", key=key)
            m["last_changed"] = changed
            mf = m["merge_fields"]
            first = FIRST_NAMES[int(rng.random() * len(FIRST_NAMES))]
            last = LAST_NAMES[int(rng.random() * len(LAST_NAMES))]
            if has_first:
                mf["FNAME"] = first
            if has_last:
                mf["LNAME"] = last
            m["full_name"] = " ".join(
                p for p in (first if has_first else "", last if has_last else "") if p
            )
            lst.members[m["id"]] = m
            lst.by_contact[m["contact_id"]] = m["id"]
            lst.by_web[m["web_id"]] = m
            created += 1
        lst.touch()
        return created
