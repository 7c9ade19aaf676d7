"""Webhook registrations of an audience (delivery itself lives in :mod:`..delivery`)."""

from ..util import check_url, invalid, locked, not_found, page

WEBHOOK_EVENTS = ("subscribe", "unsubscribe", "profile", "cleaned", "upemail", "campaign")
WEBHOOK_SOURCES = ("user", "admin", "api")


def _flags(given, names, defaults):
    flags = dict(defaults)
    if given is None:
        return flags
    if not isinstance(given, dict):
        raise invalid("events and sources must be objects of booleans.")
    for key, value in given.items():
        if key in names:
            flags[key] = bool(value)
    return flags


class WebhookMixin:
    @staticmethod
    def _webhook(lst, hook_id):
        hook = lst.webhooks.get(hook_id)
        if hook is None:
            raise not_found()
        return hook

    @locked
    def webhook_page(self, list_id, query):
        lst = self._list(list_id)
        return page(query, "webhooks", list(lst.webhooks.values()), None, {"list_id": list_id})

    @locked
    def add_webhook(self, list_id, url, events=None, sources=None):
        lst = self._list(list_id)
        check_url(url)
        hook_id = self._hex_id(lst.webhooks)
        hook = {
            "id": hook_id,
            "url": url,
            "events": _flags(events, WEBHOOK_EVENTS, dict.fromkeys(WEBHOOK_EVENTS, True)),
            "sources": _flags(
                sources, WEBHOOK_SOURCES, {"user": True, "admin": True, "api": False}
            ),
            "list_id": list_id,
        }
        lst.webhooks[hook_id] = hook
        return dict(hook)

    @locked
    def webhook(self, list_id, hook_id):
        return self._webhook(self._list(list_id), hook_id)

    @locked
    def update_webhook(self, list_id, hook_id, body):
        hook = self._webhook(self._list(list_id), hook_id)
        if "url" in body:
            check_url(body["url"])
            hook["url"] = body["url"]
        hook["events"] = _flags(body.get("events"), WEBHOOK_EVENTS, hook["events"])
        hook["sources"] = _flags(body.get("sources"), WEBHOOK_SOURCES, hook["sources"])
        return hook

    @locked
    def delete_webhook(self, list_id, hook_id):
        lst = self._list(list_id)
        self._webhook(lst, hook_id)
        del lst.webhooks[hook_id]

    @locked
    def webhooks_for(self, list_id, event_type, source=None):
        """Copies of the audience's hooks listening to ``event_type`` (and ``source``)."""
        lst = self._list(list_id)
        return [
            dict(h)
            for h in lst.webhooks.values()
            if h["events"].get(event_type) and (source is None or h["sources"].get(source))
        ]
