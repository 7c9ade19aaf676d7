"""Content: templates (/templates…) and campaigns (/campaigns…)."""

from . import sending


def get_templates(req):
    return req.state.template_page(req.query)


def get_template(req, template_id):
    return req.state.get_template(template_id)


def get_template_content(req, template_id):
    return req.state.template_default_content(template_id)


def get_campaigns(req):
    return req.state.campaign_page(req.query)


def get_campaign(req, campaign_id):
    return req.state.get_campaign(campaign_id)


ROUTES = [
    ("/templates", {"GET": get_templates}),
    ("/templates/{template_id}", {"GET": get_template}),
    ("/templates/{template_id}/default-content", {"GET": get_template_content}),
    ("/campaigns", {"GET": get_campaigns, **sending.COLLECTION_METHODS}),
    ("/campaigns/{campaign_id}", {"GET": get_campaign, **sending.ITEM_METHODS}),
    *sending.ROUTES,
]
