"""Request handlers of the /3.0 API, one module per resource group.

Each module lists its ``ROUTES``: ``(path pattern, {method: handler})``. A handler takes the
:class:`..routing.Request` and the path parameters, calls the public API of the state and
returns the body (or ``(status, body)``).
"""

from . import (
    automations,
    batches,
    content,
    interests,
    lists,
    members,
    reports,
    root,
    segments,
    webhooks,
)

ROUTES = (
    root.ROUTES
    + lists.ROUTES
    + members.ROUTES
    + segments.ROUTES
    + interests.ROUTES
    + webhooks.ROUTES
    + batches.ROUTES
    + content.ROUTES
    + reports.ROUTES
    + automations.ROUTES
)
