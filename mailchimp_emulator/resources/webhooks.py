"""Webhook registrations (/lists/{id}/webhooks…)."""

from ..util import check_url, unlocked


def get_webhooks(req, list_id):
    return req.state.webhook_page(list_id, req.query)


@unlocked
def post_webhook(req, list_id):
    """Register a webhook. Mailchimp first GETs the URL and refuses it unless it answers
    (``Emulator(validate_webhooks=False)`` / ``--no-validate-webhooks`` skip the call)."""
    body = req.json()
    req.state.get_list(list_id)  # 404 before anything is called
    url = body.get("url")
    check_url(url)
    if req.emu.validate_webhooks:
        req.emu.check_webhook_url(url)  # a GET, without holding the state lock
    return req.state.add_webhook(list_id, url, body.get("events"), body.get("sources"))


def get_webhook(req, list_id, wid):
    return req.state.webhook(list_id, wid)


def patch_webhook(req, list_id, wid):
    return req.state.update_webhook(list_id, wid, req.json())


def delete_webhook(req, list_id, wid):
    req.state.delete_webhook(list_id, wid)
    return 204, None


ROUTES = [
    ("/lists/{list_id}/webhooks", {"GET": get_webhooks, "POST": post_webhook}),
    (
        "/lists/{list_id}/webhooks/{wid}",
        {"GET": get_webhook, "PATCH": patch_webhook, "DELETE": delete_webhook},
    ),
]
