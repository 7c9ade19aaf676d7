"""Interest categories and their interests (/lists/{id}/interest-categories…)."""


def get_categories(req, list_id):
    return req.state.interest_category_page(list_id, req.query)


def post_category(req, list_id):
    return req.state.create_interest_category(list_id, req.json())


def get_category(req, list_id, cat):
    return req.state.interest_category(list_id, cat)


def get_interests(req, list_id, cat):
    return req.state.interest_page(list_id, cat, req.query)


def post_interest(req, list_id, cat):
    """400 past Mailchimp's 60 interests per audience."""
    return req.state.create_interest(list_id, cat, req.json())


ROUTES = [
    ("/lists/{list_id}/interest-categories", {"GET": get_categories, "POST": post_category}),
    ("/lists/{list_id}/interest-categories/{cat}", {"GET": get_category}),
    (
        "/lists/{list_id}/interest-categories/{cat}/interests",
        {"GET": get_interests, "POST": post_interest},
    ),
]
