"""Audience members (/lists/{id}/members…) and their tags."""

from ..util import qbool


def _skip_merge(req):
    return qbool(req.query, "skip_merge_validation")


def get_members(req, list_id):
    return req.state.member_page(list_id, req.query)


def post_members(req, list_id):
    member, _ = req.state.write_member(list_id, None, req.json(), "post", _skip_merge(req))
    return member


def get_member(req, list_id, sub):
    return req.state.member(list_id, sub)


def put_member(req, list_id, sub):
    member, _ = req.state.write_member(list_id, sub, req.json(), "put", _skip_merge(req))
    return member


def patch_member(req, list_id, sub):
    member, _ = req.state.write_member(list_id, sub, req.json(), "patch", _skip_merge(req))
    return member


def delete_member(req, list_id, sub):
    """DELETE archives the member."""
    req.state.archive_member(list_id, sub)
    return 204, None


def delete_member_permanent(req, list_id, sub):
    req.state.delete_permanent(list_id, sub)
    return 204, None


def get_member_tags(req, list_id, sub):
    return req.state.member_tag_page(list_id, sub, req.query)


def post_member_tags(req, list_id, sub):
    req.state.post_member_tags(list_id, sub, req.json())
    return 204, None


ROUTES = [
    ("/lists/{list_id}/members", {"GET": get_members, "POST": post_members}),
    (
        "/lists/{list_id}/members/{sub}",
        {"GET": get_member, "PUT": put_member, "PATCH": patch_member, "DELETE": delete_member},
    ),
    ("/lists/{list_id}/members/{sub}/tags", {"GET": get_member_tags, "POST": post_member_tags}),
    ("/lists/{list_id}/members/{sub}/actions/delete-permanent", {"POST": delete_member_permanent}),
]
