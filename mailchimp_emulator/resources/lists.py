"""Audiences (/lists, batch subscribe) and their fields (/lists/{id}/merge-fields)."""

from ..util import qbool


def get_lists(req):
    return req.state.list_page(req.query)


def post_lists(req):
    return req.state.create_list_from_api(req.json())


def get_list(req, list_id):
    return req.state.get_list(list_id)


def patch_list(req, list_id):
    return req.state.update_list(list_id, req.json())


def delete_list(req, list_id):
    req.state.delete_list(list_id)
    return 204, None


def post_list(req, list_id):
    """Batch subscribe (≤ 500 members, failures inside the 200)."""
    skip = qbool(req.query, "skip_merge_validation")
    return req.state.batch_subscribe(list_id, req.json(), skip_merge=skip)


# --------------------------------------------------------------------------- merge fields


def get_merge_fields(req, list_id):
    return req.state.merge_field_page(list_id, req.query)


def post_merge_field(req, list_id):
    return req.state.create_merge_field(list_id, req.json())


def get_merge_field(req, list_id, merge_id):
    return req.state.merge_field(list_id, merge_id)


def patch_merge_field(req, list_id, merge_id):
    return req.state.update_merge_field(list_id, merge_id, req.json())


def delete_merge_field(req, list_id, merge_id):
    req.state.delete_merge_field(list_id, merge_id)
    return 204, None


ROUTES = [
    ("/lists", {"GET": get_lists, "POST": post_lists}),
    (
        "/lists/{list_id}",
        {"GET": get_list, "PATCH": patch_list, "DELETE": delete_list, "POST": post_list},
    ),
    ("/lists/{list_id}/merge-fields", {"GET": get_merge_fields, "POST": post_merge_field}),
    (
        "/lists/{list_id}/merge-fields/{merge_id}",
        {"GET": get_merge_field, "PATCH": patch_merge_field, "DELETE": delete_merge_field},
    ),
]
