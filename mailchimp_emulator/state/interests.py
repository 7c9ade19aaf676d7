"""Interest categories and interests (/lists/{id}/interest-categories…), members'
``interests`` map and the ``Interests`` segment conditions.

Mailchimp's rules kept: a category's ``type`` is checkboxes, dropdown, radio or hidden; an
audience holds at most 60 interests across all its categories (400 "Cannot have more than 60
interests per list (Across all categories)"); a member's ``interests`` only takes the ids of
the audience's interests (400 "Invalid interest ID: '…'"); pages of at most 1,000.
"""

import hashlib

from ..util import invalid, invalid_field, locked, not_found, page

CATEGORY_TYPES = ("checkboxes", "dropdown", "radio", "hidden")
#: interests one audience may hold, across all its categories
MAX_INTERESTS = 60
TOO_MANY_INTERESTS = "Cannot have more than 60 interests per list (Across all categories)"
INTEREST_OPS = ("interestcontains", "interestcontainsall", "interestnotcontains")


class InterestMixin:
    # ------------------------------------------------------------------ internal
    def _interest_id(self, lst, kind):
        """A 10-hex-digit id, as Mailchimp's, unique in the audience."""
        categories = lst.interest_categories
        count = len(categories) + sum(len(c["interests"]) for c in categories.values())
        seed = f"{lst.id}-{kind}-{count}".encode()
        return hashlib.md5(seed).hexdigest()[:10]

    @staticmethod
    def _categories(lst):
        return lst.interest_categories

    def _category(self, lst, category_id):
        category = self._categories(lst).get(str(category_id))
        if category is None:
            raise not_found()
        return category

    def _interest_ids(self, lst):
        return {i for c in self._categories(lst).values() for i in c["interests"]}

    def _check_member_interests(self, lst, interests):
        """400 for an id that is not one of the audience's interests."""
        if not interests:
            return
        known = self._interest_ids(lst)
        for interest_id in interests:
            if interest_id not in known:
                raise invalid(f"Invalid interest ID: '{interest_id}'.")

    def _render_interest(self, lst, interest):
        out = dict(interest)
        out["subscriber_count"] = str(
            sum(
                1
                for m in lst.members.values()
                if m["status"] == "subscribed" and m["interests"].get(interest["id"])
            )
        )
        return out

    @staticmethod
    def _interest_condition(member, condition):
        """Whether ``member`` meets one ``Interests`` condition."""
        ids = [str(v) for v in condition.get("value") or []]
        chosen = [bool(member["interests"].get(i)) for i in ids]
        op = condition.get("op")
        if op == "interestcontains":
            return any(chosen)
        if op == "interestcontainsall":
            return bool(chosen) and all(chosen)
        return not any(chosen)

    def _check_conditions(self, lst, opts, field_prefix):
        """400 for a malformed ``Interests`` condition of ``segment_opts``."""
        match = opts.get("match", "all")
        if match not in ("all", "any"):
            raise invalid_field(f"{field_prefix}.match", "match must be any or all.")
        known = self._interest_ids(lst)
        for condition in opts.get("conditions") or []:
            if not isinstance(condition, dict):
                raise invalid_field(f"{field_prefix}.conditions", "Conditions must be objects.")
            if condition.get("condition_type") != "Interests":
                continue
            field = str(condition.get("field") or "")
            category_id = field.removeprefix("interests-")
            if not field.startswith("interests-") or category_id not in self._categories(lst):
                raise invalid_field(
                    f"{field_prefix}.conditions", f"Invalid interest category: '{field}'."
                )
            if condition.get("op") not in INTEREST_OPS:
                raise invalid_field(
                    f"{field_prefix}.conditions",
                    f"Invalid op for Interests condition: '{condition.get('op')}'.",
                )
            values = condition.get("value")
            if not isinstance(values, list) or any(str(v) not in known for v in values):
                raise invalid_field(
                    f"{field_prefix}.conditions", "Invalid interest ID in condition value."
                )

    def _meets_conditions(self, lst, member, opts):
        """Whether ``member`` meets the ``Interests`` and ``StaticSegment`` conditions of
        ``segment_opts`` (``match`` all or any; none: everyone)."""
        results = []
        for condition in opts.get("conditions") or []:
            kind = condition.get("condition_type")
            if kind == "Interests":
                results.append(self._interest_condition(member, condition))
            elif kind == "StaticSegment":
                seg = lst.segments.get(str(condition.get("value")))
                inside = bool(seg) and member["web_id"] in seg["members"]
                results.append(inside if condition.get("op") != "static_not" else not inside)
        if not results:
            return True
        return any(results) if opts.get("match") == "any" else all(results)

    # ------------------------------------------------------------------ public
    @locked
    def interest_category_page(self, list_id, query):
        """GET /lists/{id}/interest-categories (filter ``type``)."""
        lst = self._list(list_id)
        items = [c["info"] for c in self._categories(lst).values()]
        if query.get("type"):
            items = [c for c in items if c["type"] == query["type"]]
        return page(query, "categories", items, dict, {"list_id": list_id})

    @locked
    def interest_category(self, list_id, category_id):
        return dict(self._category(self._list(list_id), category_id)["info"])

    @locked
    def create_interest_category(self, list_id, body):
        """POST /lists/{id}/interest-categories {title, type, display_order}."""
        lst = self._list(list_id)
        body = body if isinstance(body, dict) else {}
        title = str(body.get("title") or "").strip()
        if not title:
            raise invalid_field("title", "This value should not be blank.")
        if body.get("type") not in CATEGORY_TYPES:
            raise invalid_field("type", "Value is not one of the enumerated values.")
        for category in self._categories(lst).values():
            if category["info"]["title"].lower() == title.lower():
                raise invalid(f'Cannot add "{title}" because it already exists on the list.')
        category_id = self._interest_id(lst, "category")
        info = {
            "list_id": lst.id,
            "id": category_id,
            "title": title,
            "display_order": int(body.get("display_order") or len(self._categories(lst))),
            "type": body["type"],
        }
        self._categories(lst)[category_id] = {"info": info, "interests": {}}
        lst.touch()
        return dict(info)

    @locked
    def interest_page(self, list_id, category_id, query):
        """GET /lists/{id}/interest-categories/{cat}/interests."""
        lst = self._list(list_id)
        category = self._category(lst, category_id)
        return page(
            query,
            "interests",
            list(category["interests"].values()),
            lambda i: self._render_interest(lst, i),
            {"list_id": lst.id, "category_id": category["info"]["id"]},
        )

    @locked
    def create_interest(self, list_id, category_id, body):
        """POST …/interest-categories/{cat}/interests {name, display_order}: 400 past 60
        interests in the audience."""
        lst = self._list(list_id)
        category = self._category(lst, category_id)
        body = body if isinstance(body, dict) else {}
        name = str(body.get("name") or "").strip()
        if not name:
            raise invalid_field("name", "This value should not be blank.")
        if any(i["name"].lower() == name.lower() for i in category["interests"].values()):
            raise invalid(f'Cannot add "{name}" because it already exists on the list.')
        if len(self._interest_ids(lst)) >= MAX_INTERESTS:
            raise invalid(TOO_MANY_INTERESTS)
        interest_id = self._interest_id(lst, "interest")
        interest = {
            "category_id": category["info"]["id"],
            "list_id": lst.id,
            "id": interest_id,
            "name": name,
            "display_order": int(body.get("display_order") or len(category["interests"])),
        }
        category["interests"][interest_id] = interest
        for m in lst.members.values():
            m["interests"].setdefault(interest_id, False)
        lst.touch()
        return self._render_interest(lst, interest)

    # ------------------------------------------------------------------ fixture helpers
    @locked
    def add_interest_category(self, list_id, title, kind="checkboxes", interests=()):
        """Fixture helper: a category and its interests; returns {name: interest id} with
        the category's id under ``None``."""
        category = self.create_interest_category(list_id, {"title": title, "type": kind})
        ids = {None: category["id"]}
        for name in interests:
            ids[name] = self.create_interest(list_id, category["id"], {"name": name})["id"]
        return ids
