# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mailchimp webhooks: ``/mailchimp/webhook/<token>``, one URL per audience; and the
OAuth2 callback ``/mailchimp/oauth/callback`` (``mailchimp.account._oauth_callback``).

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


class MailchimpOAuthController(http.Controller):
    @http.route(
        "/mailchimp/oauth/callback",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=False,
    )
    def mailchimp_oauth_callback(self, **params):
        """Mailchimp's redirect after Connect with Mailchimp: checked and applied by the
        account model; the user lands on the account (connected) or on a page that says
        why nothing changed."""
        Account = request.env["mailchimp.account"]
        try:
            result = Account._oauth_callback(params)
        except Exception:  # pylint: disable=broad-except
            # never a stack trace to the user's browser
            _logger.exception("Mailchimp OAuth2 callback: unexpected error")
            request.env.cr.rollback()
            result = {
                "ok": False,
                "account_id": False,
                "message": request.env._("The connection failed unexpectedly; try again later."),
            }
        if result["ok"]:
            return request.redirect(
                f"/odoo/action-mailchimp_connector.action_mailchimp_account/{result['account_id']}"
            )
        response = request.render(
            "mailchimp_connector.oauth_refused",
            {"message": result["message"], "account_id": result["account_id"]},
        )
        response.status_code = 400
        response.headers["Cache-Control"] = "no-store"
        return response
