"""Segments and tags (/lists/{id}/segments…): a tag is a static segment."""


def get_segments(req, list_id):
    return req.state.segment_page(list_id, req.query)


def post_segment(req, list_id):
    return req.state.create_segment(list_id, req.json())


def get_segment(req, list_id, seg):
    return req.state.segment(list_id, seg)


def patch_segment(req, list_id, seg):
    return req.state.update_segment(list_id, seg, req.json())


def delete_segment(req, list_id, seg):
    req.state.delete_segment(list_id, seg)
    return 204, None


def post_segment_members(req, list_id, seg):
    """members_to_add / members_to_remove (≤ 500 each), failures inside the 200."""
    return req.state.segment_batch(list_id, seg, req.json())


def get_segment_members(req, list_id, seg):
    return req.state.segment_member_page(list_id, seg, req.query)


def get_tag_search(req, list_id):
    return req.state.tag_search(list_id, req.query)


ROUTES = [
    ("/lists/{list_id}/tag-search", {"GET": get_tag_search}),
    ("/lists/{list_id}/segments", {"GET": get_segments, "POST": post_segment}),
    (
        "/lists/{list_id}/segments/{seg}",
        {
            "GET": get_segment,
            "PATCH": patch_segment,
            "DELETE": delete_segment,
            "POST": post_segment_members,
        },
    ),
    ("/lists/{list_id}/segments/{seg}/members", {"GET": get_segment_members}),
]
