# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mailchimp webhooks: ``/mailchimp/webhook/<token>``, one URL per audience.

Thin on purpose: the token is checked, the delivery validated and stored, the audience's job
queued, and the answer goes back in milliseconds (``mailchimp.webhook.event._receive``).
A wrong token is a plain 404 and a refused delivery a 4xx with a short reason: nothing
else is revealed, nothing is written. The database is the one Odoo serves for the request's
host (``dbfilter``, see readme/CONFIGURE.md).
"""

import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..services.webhook_rules import MAX_BODY_BYTES

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

        try:
            status, text = (
                request.env(user=SUPERUSER_ID)["mailchimp.webhook.event"]
                .sudo()
                ._receive(token, httprequest.method, httprequest.mimetype, length, pairs)
            )
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # the same delivery received twice at once is handled where it is stored;
            # anything else of the kind: Odoo's own retry of the request
            raise
        except Exception:  # pylint: disable=broad-except
            # never a stack trace to the caller: Mailchimp retries a delivery not answered 200
            _logger.exception("Mailchimp webhook: unexpected error")
            request.env.cr.rollback()
            status, text = 503, "Try again later"
        return request.make_response(
            text,
            headers=[("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
            status=status,
        )
