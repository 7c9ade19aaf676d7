"""Mailchimp's OAuth2 server (``https://login.mailchimp.com/oauth2/…``), emulated at the
emulator's root: ``/oauth2/authorize``, ``/oauth2/token`` and ``/oauth2/metadata``.

What Mailchimp documents (developer guide "Access Data on Behalf of Other Users with OAuth
2", the older "How to Use OAuth2"): the authorization-code ("web server") flow, no scopes,
tokens that never expire and no refresh token (the token answer carries ``expires_in: 0``
and ``scope: null``), the metadata endpoint read with ``Authorization: OAuth <token>`` that
gives the account's datacenter (``dc``), ``api_endpoint``, ``accountname`` and ``login``; API
calls then send ``Authorization: Bearer <token>`` (or ``OAuth``) to the ``dc``'s API. An app
is registered with one redirect URI; Mailchimp lets a request override its path.

Not documented by Mailchimp, done as RFC 6749 says (*unconfirmed*): a denial redirects back
with ``error=access_denied`` and the ``state``; an unknown app or another redirect host is
answered on the page, never redirected; a code is single-use and short-lived
(``CODE_TTL``), refused with ``invalid_grant``; a wrong client secret is ``invalid_client``.
A token revoked (the user removed the app in Mailchimp: a control call here) answers 401
everywhere.
"""

import html
import json
import secrets
import threading
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

#: seconds an authorization code can be exchanged (unconfirmed for Mailchimp)
CODE_TTL = 60
DEFAULT_CLIENT_ID = "123456789012"
DEFAULT_CLIENT_SECRET = "0e1d2c3b4a5968778695a4b3c2d1e0f0e1d2c3b4a59687786"
HTML_TYPE = "text/html; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def _json(status, body, headers=None):
    out = {"Content-Type": JSON_TYPE, "Cache-Control": "no-store"}
    out.update(headers or {})
    return status, json.dumps(body).encode("utf-8"), out


def _page(status, title, body_html):
    doc = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"{body_html}</body></html>"
    )
    return status, doc.encode("utf-8"), {"Content-Type": HTML_TYPE}


def _origin(url):
    parts = urlsplit(url or "")
    return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)


def _with_query(url, params):
    sep = "&" if urlsplit(url).query else "?"
    return f"{url}{sep}{urlencode(params)}"


class OAuthServer:
    """The OAuth2 side of one emulated Mailchimp account (``Emulator.oauth``)."""

    def __init__(self, emulator):
        self.emu = emulator
        self.lock = threading.Lock()
        #: client_id -> {"client_secret", "redirect_uri", "name"}
        self.apps = {}
        #: code -> {"client_id", "redirect_uri", "expires", "used"}
        self.codes = {}
        #: valid access tokens
        self.tokens = set()
        #: the datacenter the metadata names (None: the emulator's own)
        self.metadata_dc = None

    # ------------------------------------------------------------------ set-up (tests)
    def register_app(
        self,
        redirect_uri,
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        name="Odoo",
    ):
        with self.lock:
            self.apps[client_id] = {
                "client_secret": client_secret,
                "redirect_uri": redirect_uri,
                "name": name,
            }
        return client_id, client_secret

    def revoke(self, token=None):
        """Revoke one token, or every token (the user removed the app in Mailchimp)."""
        with self.lock:
            if token is None:
                count = len(self.tokens)
                self.tokens.clear()
            else:
                count = int(token in self.tokens)
                self.tokens.discard(token)
        return count

    def __contains__(self, token):
        with self.lock:
            return token in self.tokens

    def snapshot(self):
        with self.lock:
            return {
                "apps": [
                    {"client_id": cid, "redirect_uri": app["redirect_uri"], "name": app["name"]}
                    for cid, app in self.apps.items()
                ],
                "tokens": len(self.tokens),
                "codes": len(self.codes),
                "metadata_dc": self.metadata_dc or self.emu.dc,
            }

    # ------------------------------------------------------------------ HTTP
    def handle(self, method, path, query, body, headers):
        """Answer one /oauth2/… call: (status, bytes, headers)."""
        path = path.rstrip("/")
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if path == "/oauth2/authorize" and method in ("GET", "HEAD"):
            return self._consent_page(query)
        if path == "/oauth2/authorize" and method == "POST":
            return self._decide(form)
        if path == "/oauth2/token" and method == "POST":
            return self._token(form)
        if path == "/oauth2/metadata" and method in ("GET", "HEAD"):
            return self._metadata(headers)
        return _json(404, {"error": "not_found", "error_description": "Unknown endpoint."})

    def _check_request(self, params):
        """The app and redirect URI of an authorization request, or an error page (never a
        redirect to an address the app did not register)."""
        if params.get("response_type") != "code":
            return None, _page(400, "Invalid request", "<p>response_type must be code.</p>")
        with self.lock:
            app = self.apps.get(params.get("client_id") or "")
        if app is None:
            return None, _page(400, "Invalid client", "<p>Unknown client_id.</p>")
        redirect_uri = params.get("redirect_uri") or app["redirect_uri"]
        if _origin(redirect_uri) != _origin(app["redirect_uri"]):
            return None, _page(
                400,
                "Invalid redirect_uri",
                "<p>The redirect_uri does not match the one registered for this app.</p>",
            )
        return (app, redirect_uri), None

    def _consent_page(self, query):
        checked, error = self._check_request(query)
        if error:
            return error
        app, redirect_uri = checked
        account = self.emu.state.account()
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value or "", quote=True)}"/>'
            for name, value in (
                ("response_type", "code"),
                ("client_id", query.get("client_id")),
                ("redirect_uri", redirect_uri),
                ("state", query.get("state")),
            )
        )
        body = (
            f"<p id='consent'>{html.escape(app['name'])} wants to access the Mailchimp account "
            f"<b>{html.escape(account['account_name'])}</b> "
            f"({html.escape(account['email'])}).</p>"
            f"<form method='post' action='/oauth2/authorize'>{hidden}"
            "<button type='submit' name='decision' value='allow' id='allow'>Allow</button> "
            "<button type='submit' name='decision' value='deny' id='deny'>Deny</button>"
            "</form>"
        )
        return _page(200, "Authorize application", body)

    def _decide(self, form):
        checked, error = self._check_request(form)
        if error:
            return error
        _app, redirect_uri = checked
        params = {}
        if form.get("decision") == "allow":
            code = secrets.token_hex(16)
            with self.lock:
                self.codes[code] = {
                    "client_id": form["client_id"],
                    "redirect_uri": redirect_uri,
                    "expires": self.emu.state.now() + timedelta(seconds=CODE_TTL),
                    "used": False,
                }
            params["code"] = code
        else:
            params["error"] = "access_denied"
            params["error_description"] = "The user denied access to the application."
        if form.get("state"):
            params["state"] = form["state"]
        return 302, b"", {"Location": _with_query(redirect_uri, params)}

    def _token(self, form):
        if form.get("grant_type") != "authorization_code":
            return _json(400, {"error": "unsupported_grant_type"})
        with self.lock:
            app = self.apps.get(form.get("client_id") or "")
            if app is None or not secrets.compare_digest(
                app["client_secret"], form.get("client_secret") or ""
            ):
                return _json(
                    401, {"error": "invalid_client", "error_description": "Invalid client."}
                )
            grant = self.codes.get(form.get("code") or "")
            if (
                grant is None
                or grant["used"]
                or grant["client_id"] != form["client_id"]
                or grant["expires"] < self.emu.state.now()
                or grant["redirect_uri"] != (form.get("redirect_uri") or "")
            ):
                return _json(
                    400,
                    {
                        "error": "invalid_grant",
                        "error_description": "Invalid authorization code",
                    },
                )
            grant["used"] = True
            token = secrets.token_hex(16)
            self.tokens.add(token)
        return _json(200, {"access_token": token, "expires_in": 0, "scope": None})

    def _metadata(self, headers):
        scheme, _sep, token = (headers.get("Authorization") or "").partition(" ")
        if scheme.lower() not in ("oauth", "bearer") or token.strip() not in self:
            return _json(
                401, {"error": "invalid_token", "error_description": "Invalid access token."}
            )
        account = self.emu.state.account()
        dc = self.metadata_dc or self.emu.dc
        endpoint = self.emu.root_url if dc == self.emu.dc else f"https://{dc}.api.mailchimp.com"
        return _json(
            200,
            {
                "dc": dc,
                "role": account["role"],
                "accountname": account["account_name"],
                "user_id": 1234567,
                "login": {
                    "email": account["email"],
                    "avatar": None,
                    "login_id": 7654321,
                    "login_name": account["username"],
                    "login_email": account["email"],
                },
                "login_url": "https://login.mailchimp.com",
                "api_endpoint": endpoint,
            },
        )
