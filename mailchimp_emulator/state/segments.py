"""Segments and tags: a tag is a static segment; saved segments keep their conditions."""

from ..util import invalid, invalid_field, locked, not_found, page


class SegmentMixin:
    # ------------------------------------------------------------------ internal
    @staticmethod
    def _segment(lst, segment_id):
        seg = lst.segments.get(str(segment_id))
        if seg is None:
            raise not_found()
        return seg

    @staticmethod
    def _segment_by_name(lst, name):
        for seg in lst.segments.values():
            if seg["info"]["name"] == name:
                return seg
        return None

    def _new_segment(self, lst, name, seg_type="static", options=None):
        self._segment_id += 1
        now = self.now_str()
        info = {
            "id": self._segment_id,
            "name": name,
            "member_count": 0,
            "type": seg_type,
            "created_at": now,
            "updated_at": now,
            "list_id": lst.id,
        }
        if seg_type == "saved":
            info["options"] = {
                "match": (options or {}).get("match", "all"),
                "conditions": (options or {}).get("conditions", []),
            }
        seg = {"info": info, "members": {}}
        lst.segments[str(self._segment_id)] = seg
        return seg

    def _render_segment(self, seg):
        """A segment as the API shows it: ``member_count`` counts its subscribed members
        only ("the number of active subscribers currently included in the segment")."""
        info = dict(seg["info"])
        lst = self.lists[str(info["list_id"])]
        info["member_count"] = sum(
            1
            for web_id in seg["members"]
            if web_id in lst.by_web and lst.by_web[web_id]["status"] == "subscribed"
        )
        return info

    def _tag_member(self, lst, member, seg, active=True, when=None):
        web_id = member["web_id"]
        tag_id = seg["info"]["id"]
        if active:
            if web_id in seg["members"]:
                return False
            seg["members"][web_id] = when or self.now_str()
            member["tags"].append({"id": tag_id, "name": seg["info"]["name"]})
        else:
            if web_id not in seg["members"]:
                return False
            del seg["members"][web_id]
            member["tags"] = [t for t in member["tags"] if t["id"] != tag_id]
        member["tags_count"] = len(member["tags"])
        seg["info"]["updated_at"] = self.now_str()
        return True

    def _tag_by_name(self, lst, member, name, active=True):
        seg = self._segment_by_name(lst, name)
        if seg is None:
            if not active:
                return False
            seg = self._new_segment(lst, name)
        if seg["info"]["type"] != "static":
            raise invalid(f"The segment '{name}' is not a tag (static segment).")
        return self._tag_member(lst, member, seg, active)

    def _set_static_members(self, lst, seg, emails):
        wanted = []
        for email in emails:
            m = self._find_member(lst, str(email))
            if m is not None and m["status"] != "archived":
                wanted.append(m)
        wanted_ids = {m["web_id"] for m in wanted}
        for web_id in list(seg["members"]):
            if web_id not in wanted_ids:
                self._tag_member(lst, lst.by_web[web_id], seg, False)
        for m in wanted:
            self._tag_member(lst, m, seg, True)
        lst.touch()

    # ------------------------------------------------------------------ public
    @locked
    def segment_page(self, list_id, query):
        """GET /lists/{id}/segments (filter ``type``)."""
        segs = list(self._list(list_id).segments.values())
        seg_type = query.get("type")
        if seg_type:
            segs = [s for s in segs if s["info"]["type"] == seg_type]
        return page(query, "segments", segs, self._render_segment, {"list_id": list_id})

    @locked
    def tag_search(self, list_id, query):
        """GET /lists/{id}/tag-search: the tags (static segments) whose name starts with
        ``name`` (case-insensitive prefix; none given: every tag), {tags: [{id, name}]}."""
        prefix = str(query.get("name") or "").lower()
        tags = [
            {"id": seg["info"]["id"], "name": seg["info"]["name"]}
            for seg in self._list(list_id).segments.values()
            if seg["info"]["type"] == "static" and seg["info"]["name"].lower().startswith(prefix)
        ]
        return page(query, "tags", tags)

    @locked
    def segment(self, list_id, segment_id):
        return self._render_segment(self._segment(self._list(list_id), segment_id))

    @locked
    def create_segment(self, list_id, body):
        lst = self._list(list_id)
        name = body.get("name")
        if not name:
            raise invalid_field("name", "This value should not be blank.")
        if self._segment_by_name(lst, name):
            raise invalid(f"A segment or tag named '{name}' already exists.")
        emails = body.get("static_segment")
        if emails is not None and body.get("options"):
            raise invalid("A segment cannot have both static_segment and options.")
        seg = self._new_segment(
            lst, name, "saved" if body.get("options") else "static", body.get("options")
        )
        if emails:
            self._set_static_members(lst, seg, emails)
        return self._render_segment(seg)

    @locked
    def update_segment(self, list_id, segment_id, body):
        lst = self._list(list_id)
        seg = self._segment(lst, segment_id)
        name = body.get("name")
        if name and name != seg["info"]["name"]:
            if self._segment_by_name(lst, name):
                raise invalid(f"A segment or tag named '{name}' already exists.")
            seg["info"]["name"] = name
            for web_id in seg["members"]:
                for tag in lst.by_web[web_id]["tags"]:
                    if tag["id"] == seg["info"]["id"]:
                        tag["name"] = name
        if body.get("options") and seg["info"]["type"] == "saved":
            seg["info"]["options"].update(body["options"])
        if body.get("static_segment") is not None:
            if seg["info"]["type"] != "static":
                raise invalid("Only static segments accept static_segment.")
            self._set_static_members(lst, seg, body["static_segment"])
        seg["info"]["updated_at"] = self.now_str()
        lst.touch()
        return self._render_segment(seg)

    @locked
    def delete_segment(self, list_id, segment_id):
        lst = self._list(list_id)
        seg = self._segment(lst, segment_id)
        for web_id in list(seg["members"]):
            self._tag_member(lst, lst.by_web[web_id], seg, False)
        del lst.segments[str(segment_id)]
        lst.touch()

    @locked
    def segment_member_page(self, list_id, segment_id, query):
        """GET /lists/{id}/segments/{seg}/members: unsubscribed, cleaned and transactional
        members only with ``include_unsubscribed`` / ``include_cleaned`` /
        ``include_transactional`` (the API's query parameters, off by default)."""
        lst = self._list(list_id)
        seg = self._segment(lst, segment_id)
        hidden = {
            status
            for status in ("unsubscribed", "cleaned", "transactional")
            if str(query.get(f"include_{status}", "")).lower() != "true"
        }
        items = [
            lst.by_web[w]
            for w in seg["members"]
            if w in lst.by_web and lst.by_web[w]["status"] not in hidden
        ]
        return page(query, "members", items, self._render_member)

    @locked
    def segment_batch(self, list_id, segment_id, body):
        """POST /lists/{id}/segments/{seg}: members_to_add / members_to_remove (≤ 500 each);
        failures are reported inside the 200."""
        lst = self._list(list_id)
        seg = self._segment(lst, segment_id)
        to_add = body.get("members_to_add") or []
        to_remove = body.get("members_to_remove") or []
        for key, values in (("members_to_add", to_add), ("members_to_remove", to_remove)):
            if not isinstance(values, list):
                raise invalid_field(key, "Expected an array of email addresses.")
            if len(values) > 500:
                raise invalid_field(
                    key, "You may not add or remove more than 500 members at a time."
                )
        if seg["info"]["type"] != "static":
            raise invalid("Members can only be added to or removed from static segments.")
        added, removed, missing_add, missing_remove = [], [], [], []
        for email in to_add:
            m = self._find_member(lst, str(email))
            if m is None or m["status"] == "archived":
                missing_add.append(email)
            elif self._tag_member(lst, m, seg, True):
                added.append(m)
        for email in to_remove:
            m = self._find_member(lst, str(email))
            if m is None:
                missing_remove.append(email)
            elif self._tag_member(lst, m, seg, False):
                removed.append(m)
        errors = []
        if missing_add:
            errors.append(
                {
                    "email_addresses": missing_add,
                    "error": "Email addresses do not belong to this audience",
                }
            )
        if missing_remove:
            errors.append(
                {
                    "email_addresses": missing_remove,
                    "error": "Email addresses do not belong to this audience",
                }
            )
        if added or removed:
            lst.touch()
        return {
            "members_added": [self._render_member(m) for m in added],
            "members_removed": [self._render_member(m) for m in removed],
            "errors": errors,
            "total_added": len(added),
            "total_removed": len(removed),
            "error_count": len(missing_add) + len(missing_remove),
        }
