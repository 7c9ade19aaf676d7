# size: the one layer of Mailchimp's data the issue asks for (members, audiences, merge
# fields, webhooks, segments, tags, interests): what the API answers and what is sent, each a
# few lines; split by kind of record it would scatter the wire keys again.
"""Mailchimp's data, in one layer (pure Python, no Odoo, no HTTP): what the API answers,
read in one place, and what the connector sends, built in one place.

The models never spell the API's keys: they ask for the fields listed here, read a page's
members as :class:`RemoteMember` (the API's dict, cleaned as Odoo stores it, which the rules
of ``sync_rules.py`` read), turn a member into a binding's values with
:func:`binding_values` (the import and the export's answers alike), and send the bodies
built by :func:`subscribe_item` and :func:`patch_body`. Campaigns, their reports and activity,
and templates: ``mailchimp_campaigns.py``.
"""

import json

from .identity import member_key
from .sync_rules import clean_merge_fields, clean_text, parse_mc_datetime

#: the member fields the connector reads (every member call asks for these only)
MEMBER_FIELDS = (
    "id",
    "email_address",
    "status",
    "last_changed",
    "timestamp_opt",
    "timestamp_signup",
    "merge_fields",
    "web_id",
    "contact_id",
    "unique_email_id",
    "unsubscribe_reason",
    "tags",
    "interests",
    "ip_signup",
    "ip_opt",
)
#: an export's check of the archived members: their addresses only
ADDRESS_FIELDS = ("email_address",)
#: an audience's subscriber counts, as Odoo stores them (``audience_values``)
STATISTICS = ("mc_member_count", "mc_unsubscribe_count", "mc_cleaned_count")


class RemoteMember(dict):
    """A member as Mailchimp answers it: the API's dict (which the pure rules read), its
    address and merge fields cleaned as Odoo stores them (:func:`read_members`)."""

    @property
    def email(self):
        """The member's address as Mailchimp spells it (cleaned)."""
        return self.get("email_address") or ""


def address_key(item):
    """The member key of anything of the API carrying an address (a member, a batch
    answer or error, an activity row): '' when it is not one valid address."""
    return member_key(item.get("email_address"))


def address_of(item):
    """The address an item of the API carries, as Mailchimp spells it (stripped)."""
    return (item.get("email_address") or "").strip()


def read_members(items):
    """The members of an API page by member key, cleaned as Odoo stores them (the address
    without control characters, the merge fields made safe), and the values of the items
    that are not one valid address (cleaned, '-' when empty), in the page's order."""
    remotes, invalid = {}, []
    for item in items:
        raw = item.get("email_address")
        email = member_key(raw) if isinstance(raw, str) else ""
        if not email:
            invalid.append(clean_text(raw) or "-")
            continue
        remotes[email] = RemoteMember(
            item,
            email_address=clean_text(raw),
            merge_fields=clean_merge_fields(item.get("merge_fields")),
        )
    return remotes, invalid


def at_address(member, email):
    """``member`` as read under the address Odoo knows it by (``email``): an answer read
    under another spelling or the old address of a change, applied to the right binding."""
    return dict(member, email_address=email)


def binding_values(member):
    """A binding's values from a Mailchimp member: the one mapper, for the import (a
    member read) and the export (Mailchimp's answer, see :func:`answer_values`)."""
    tags = member.get("tags") or []
    values = {
        "email": (member.get("email_address") or "").strip(),
        "subscriber_hash": member.get("id"),
        "status": member.get("status"),
        "last_changed": parse_mc_datetime(member.get("last_changed")),
        "merge_values": member.get("merge_fields") or {},
        "tags": ", ".join(clean_text(t.get("name")) for t in tags if isinstance(t, dict)) or False,
        "mc_web_id": str(member.get("web_id") or ""),
        "mc_contact_id": member.get("contact_id"),
        "mc_unique_email_id": member.get("unique_email_id"),
        "unsubscribe_reason": clean_text(member.get("unsubscribe_reason")) or False,
    }
    if "interests" in member:
        # only when Mailchimp gave them (a webhook's data has none: the last map read stays)
        values["mc_interests"] = dump_interests(member.get("interests"))
    return values


def consent_proof(member):
    """The proof of consent Mailchimp holds on a member, as the consent history keeps it:
    the sign-up and opt-in IP addresses and the sign-up time (False when Mailchimp has
    none)."""
    try:
        signed_up = parse_mc_datetime(member.get("timestamp_signup"))
    except (TypeError, ValueError, AttributeError):
        signed_up = None
    return {
        "ip_signup": clean_text(member.get("ip_signup"))[:64] or False,
        "ip_opt": clean_text(member.get("ip_opt"))[:64] or False,
        "timestamp_signup": signed_up or False,
    }


def answer_values(member, known):
    """A binding's values from Mailchimp's answer to an export: what the answer carries,
    else what Odoo knew (``known``: the same keys, the binding's values; its status the one
    the export asked for, else the binding's). The merge values are cleaned as the import
    stores them (Mailchimp's may hold what PostgreSQL cannot: NUL)."""
    values = binding_values(member)
    return {
        "subscriber_hash": values["subscriber_hash"] or known["subscriber_hash"],
        "merge_values": clean_merge_fields(member["merge_fields"])
        if member.get("merge_fields")
        else known["merge_values"],
        "mc_web_id": str(member.get("web_id") or known["mc_web_id"] or ""),
        "mc_contact_id": values["mc_contact_id"] or known["mc_contact_id"],
        "mc_unique_email_id": values["mc_unique_email_id"] or known["mc_unique_email_id"],
        "status": values["status"] or known["status"],
        "last_changed": values["last_changed"] or known["last_changed"],
    }


def subscribe_item(email, status=None, status_if_new=None, merge_fields=None):
    """One member of a batch subscribe: a new member with ``status_if_new`` only (an
    existing member's status is never changed by it), an unsubscribe with its status."""
    item = {"email_address": email}
    if status:
        item["status"] = status
    if status_if_new:
        item["status_if_new"] = status_if_new
    if merge_fields:
        item["merge_fields"] = merge_fields
    return item


def patch_body(email=None, status=None, merge_fields=None):
    """The body of a member's PATCH: its new address, status, merge fields (those given)."""
    body = {}
    if email:
        body["email_address"] = email
    if status:
        body["status"] = status
    if merge_fields:
        body["merge_fields"] = merge_fields
    return body


def status_only(body):
    """Whether a PATCH body changes nothing but the status."""
    return set(body) == {"status"}


def batch_answer(result):
    """Mailchimp's answer to a batch subscribe: (the members added or updated, the refusals
    as (member key, message) pairs)."""
    done = result.get("new_members", []) + result.get("updated_members", [])
    refused = [
        (address_key(error), error.get("error") or error.get("field_message") or "refused")
        for error in result.get("errors", [])
    ]
    return done, refused


def page_members(page):
    """(the members of a page of ``GET /lists/{id}/members``, its ``total_items``)."""
    return page.get("members") or [], page.get("total_items") or 0


def audience_values(remote):
    """An audience's values from Mailchimp's list (its statistics: ``STATISTICS``)."""
    stats = remote.get("stats") or {}
    return {
        "name": remote.get("name") or remote["id"],
        "web_id": str(remote.get("web_id") or ""),
        "double_optin": bool(remote.get("double_optin")),
        "mc_member_count": stats.get("member_count", 0),
        "mc_unsubscribe_count": stats.get("unsubscribe_count", 0),
        "mc_cleaned_count": stats.get("cleaned_count", 0),
    }


def remote_id(remote):
    """The id of a Mailchimp object (campaign, template, audience) as Odoo stores it."""
    return str(remote["id"])


def merge_field_values(remote):
    """A merge field's values from Mailchimp's merge field (its ``tag`` is its key)."""
    return {
        "name": remote.get("name") or remote["tag"],
        "tag": remote["tag"],
        "merge_id": remote.get("merge_id"),
        "field_type": remote.get("type") or "text",
        "required": bool(remote.get("required")),
    }


def account_values(info):
    """The account's values from Mailchimp's root (``GET /``)."""
    return {
        "mc_account_id": info.get("account_id"),
        "mc_account_name": info.get("account_name"),
        "mc_login_email": info.get("email") or info.get("login", {}).get("email"),
    }


def member_status(member):
    """A member's status as Mailchimp answers it (None when the answer has none)."""
    return member.get("status")


def hook_id(hook):
    """The id of a webhook Mailchimp registered (None when the answer has none)."""
    return (hook or {}).get("id")


def hook_url(hook):
    """The URL a registered webhook calls."""
    return hook.get("url") or ""


def delivery_new_email(data):
    """An address change delivery's new address, as Mailchimp spelled it ('' when none)."""
    return data.get("new_email") or ""


def delivery_campaign_id(data):
    """The Mailchimp id of the campaign a campaign delivery is about."""
    return data.get("id")


def member_web_id(member):
    """A member's ``web_id`` as Odoo stores it ('' when the answer has none)."""
    return str(member.get("web_id") or "")


# ---------------------------------------------------------------------------- segments
#: a segment's member fields the connector reads (its membership: the addresses only)
SEGMENT_MEMBER_FIELDS = ("email_address",)


def segment_body(name, emails=None):
    """``POST /lists/{id}/segments``: a static segment (a tag) named ``name``, with
    ``emails`` (none: empty)."""
    return {"name": name, "static_segment": list(emails or [])}


def segment_members_body(to_add, to_remove):
    """``POST /lists/{id}/segments/{seg}``: the addresses to add and to remove."""
    body = {}
    if to_add:
        body["members_to_add"] = list(to_add)
    if to_remove:
        body["members_to_remove"] = list(to_remove)
    return body


def segment_member_keys(page):
    """The member keys of a page of ``GET …/segments/{seg}/members``."""
    return [key for key in (address_key(m) for m in page.get("members") or []) if key]


def segment_answer(answer):
    """A segment update's answer (HTTP 200 even with failures): (added, removed, errors),
    ``errors`` a dict member key -> Mailchimp's words."""
    errors = {}
    for error in answer.get("errors") or []:
        for email in error.get("email_addresses") or []:
            key = member_key(email) or email
            errors[key] = error.get("error") or ""
    return int(answer.get("total_added") or 0), int(answer.get("total_removed") or 0), errors


def segment_values(remote):
    """A segment Mailchimp answered, as Odoo stores it: its id and name."""
    return {"mc_segment_id": str(remote.get("id") or ""), "mc_name": remote.get("name") or ""}


def tag_segment_id(segments, tag):
    """The id of the static segment named ``tag`` (any case, spaces around ignored) among
    ``segments`` (an audience's static segments as Mailchimp lists them: a tag is one), or
    None."""
    wanted = (tag or "").strip().lower()
    if not wanted:
        return None
    for remote in segments:
        values = segment_values(remote)
        if values["mc_name"].strip().lower() == wanted and values["mc_segment_id"]:
            return values["mc_segment_id"]
    return None


# ---------------------------------------------------------------------------- member tags
def member_tags_body(active, inactive):
    """``POST /lists/{id}/members/{hash}/tags``: the tags to make active and inactive, as a
    sync (``is_syncing``: Mailchimp's tag-triggered automations do not fire for it)."""
    tags = [{"name": name, "status": "active"} for name in active]
    tags += [{"name": name, "status": "inactive"} for name in inactive]
    return {"tags": tags, "is_syncing": True}


def campaign_recipients(list_id, segment_id=None, clear_segment=False, interest=None):
    """A campaign's ``recipients``: its audience, and the static segment it is sent to
    (``segment_id``) or the members with an interest on (``interest``: (category id,
    interest id)); ``clear_segment``: an update that takes a segment off."""
    recipients = {"list_id": list_id}
    if segment_id:
        recipients["segment_opts"] = {"saved_segment_id": int(segment_id)}
    elif interest:
        recipients["segment_opts"] = interest_conditions(interest[0], [interest[1]])
    elif clear_segment:
        recipients["segment_opts"] = {}
    return recipients


# ---------------------------------------------------------------------------- interest groups
def dump_interests(interests):
    """A member's ``interests`` map as the binding stores it (JSON text, keys sorted; False
    when Mailchimp gave none)."""
    if not isinstance(interests, dict) or not interests:
        return False
    return json.dumps({str(k): bool(v) for k, v in interests.items()}, sort_keys=True)


def load_interests(text):
    """{interest id: bool} of a stored map ('' or None: {})."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): bool(v) for k, v in value.items()} if isinstance(value, dict) else {}


def interest_category_body(title, kind="checkboxes"):
    """``POST /lists/{id}/interest-categories``: a category (checkboxes, dropdown, radio or
    hidden)."""
    return {"title": title, "type": kind}


def interest_body(name):
    """``POST …/interest-categories/{cat}/interests``: an interest."""
    return {"name": name}


def category_values(remote):
    """An interest category Mailchimp answered, as Odoo stores it."""
    return {
        "mc_category_id": str(remote.get("id") or ""),
        "category_name": remote.get("title") or "",
        "category_type": remote.get("type") or "checkboxes",
    }


def interest_values(remote):
    """An interest Mailchimp answered, as Odoo stores it."""
    try:
        count = int(remote.get("subscriber_count") or 0)
    except (TypeError, ValueError):
        count = 0
    return {
        "mc_interest_id": str(remote.get("id") or ""),
        "name": remote.get("name") or "",
        "member_count": count,
    }


def interests_item(email, interests):
    """One member of a batch subscribe (``update_existing``) changing only its interests
    ({interest id: bool}); its status is not touched."""
    return {"email_address": email, "interests": {str(k): bool(v) for k, v in interests.items()}}


def interest_conditions(category_id, interest_ids, match="all"):
    """A campaign's ``segment_opts`` for the members with any of ``interest_ids`` (of the
    category ``category_id``) on."""
    return {
        "match": match,
        "conditions": [
            {
                "condition_type": "Interests",
                "field": f"interests-{category_id}",
                "op": "interestcontains",
                "value": [str(i) for i in interest_ids],
            }
        ],
    }
