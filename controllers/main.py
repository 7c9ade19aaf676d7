# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mailchimp webhooks: ``/mailchimp/webhook/<token>``, one URL per audience.

Thin on purpose: the token is checked, the delivery validated and stored, the audience's job
queued, and the answer goes back in milliseconds (``mailchimp.list._webhook_receive``).
A wrong token is a plain 404 and a refused delivery a 4xx with a short reason: nothing
else is revealed, nothing is written. The database is the one Odoo serves for the request's
host (``dbfilter``, see readme/CONFIGURE.md).
"""

import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..services.webhook_rules import MAX_BODY_BYTES

#: tries of a delivery that met a concurrent one (same dedup key) in the database
CONCURRENCY_TRIES = 3

_logger = logging.getLogger(__name__)


class MailchimpWebhookController(http.Controller):
    @http.route(
        "/mailchimp/webhook/<string:token>",
        type="http",
        auth="none",
        methods=["GET", "HEAD", "POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def mailchimp_webhook(self, token, **_params):
        httprequest = request.httprequest
        length = httprequest.content_length
        if length is None and httprequest.method == "POST":
            # no Content-Length (chunked): read at most one byte more than allowed
            length = len(httprequest.get_data(cache=True)[: MAX_BODY_BYTES + 1])

        def pairs():
            return list(httprequest.form.items(multi=True))

        for attempt in range(1, CONCURRENCY_TRIES + 1):
            try:
                status, text = (
                    request.env(user=SUPERUSER_ID)["mailchimp.list"]
                    .sudo()
                    ._webhook_receive(
                        token, httprequest.method, httprequest.mimetype, length, pairs
                    )
                )
                break
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as exc:
                # Mailchimp sent the same delivery twice at once: the other request stored
                # it after this one's snapshot. Once more, at once, in a new transaction,
                # which sees it stored (a duplicate, answered 200)
                request.env.cr.rollback()
                request.env.invalidate_all()
                _logger.info("Mailchimp webhook: %s, try %s", type(exc).__name__, attempt)
                status, text = 503, "Try again later"
            except Exception:  # pylint: disable=broad-except
                # never a stack trace to the caller: Mailchimp retries a delivery not
                # answered 200
                _logger.exception("Mailchimp webhook: unexpected error")
                request.env.cr.rollback()
                status, text = 503, "Try again later"
                break
        return request.make_response(
            text,
            headers=[("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
            status=status,
        )
