"""Campaigns made and sent through the API (/campaigns POST, PATCH, DELETE, /content,
/send-checklist, /actions/...); the state's rules are in ``state/sending.py``."""


def create_campaign(req):
    return req.state.create_campaign(req.json())


def update_campaign(req, campaign_id):
    return req.state.update_campaign(campaign_id, req.json())


def delete_campaign(req, campaign_id):
    req.state.delete_campaign(campaign_id)
    return 204, None


def get_content(req, campaign_id):
    return req.state.campaign_content(campaign_id)


def put_content(req, campaign_id):
    return req.state.set_campaign_content(campaign_id, req.json())


def get_checklist(req, campaign_id):
    return req.state.send_checklist(campaign_id)


def action_test(req, campaign_id):
    req.state.send_test(campaign_id, req.json())
    return 204, None


def action_schedule(req, campaign_id):
    req.state.schedule_campaign(campaign_id, req.json())
    return 204, None


def action_unschedule(req, campaign_id):
    req.state.unschedule_campaign(campaign_id)
    return 204, None


def action_send(req, campaign_id):
    req.state.send_campaign(campaign_id)
    return 204, None


def action_cancel_send(req, campaign_id):
    req.state.cancel_send(campaign_id)
    return 204, None


#: methods added to the routes of ``content.py`` for the same paths
COLLECTION_METHODS = {"POST": create_campaign}
ITEM_METHODS = {"PATCH": update_campaign, "DELETE": delete_campaign}

ROUTES = [
    ("/campaigns/{campaign_id}/content", {"GET": get_content, "PUT": put_content}),
    ("/campaigns/{campaign_id}/send-checklist", {"GET": get_checklist}),
    ("/campaigns/{campaign_id}/actions/test", {"POST": action_test}),
    ("/campaigns/{campaign_id}/actions/schedule", {"POST": action_schedule}),
    ("/campaigns/{campaign_id}/actions/unschedule", {"POST": action_unschedule}),
    ("/campaigns/{campaign_id}/actions/send", {"POST": action_send}),
    ("/campaigns/{campaign_id}/actions/cancel-send", {"POST": action_cancel_send}),
]
