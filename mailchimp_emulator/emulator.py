"""The ``Emulator`` facade: options, lifecycle of the HTTP server, request log, webhook
firing and seeding. See README.md."""

import socket
import threading
import time

from . import delivery
from .auth import DEFAULT_API_KEY
from .faults import Faults
from .oauth import OAuthServer
from .server import Server
from .state import State


class Emulator:
    """Mailchimp Marketing API v3 emulator; see README.md.

    ``validate_webhooks`` (on by default): ``POST …/webhooks`` GETs the URL first, as
    Mailchimp does, and refuses it unless it answers 2xx; turn it off for tests that
    register URLs nothing listens on. ``batch_pending_polls``: ``GET /batches/{id}`` answers
    "started" that many times before "finished". ``latency``: seconds every API call
    waits before it is answered (Mailchimp answers in about 0.2 s; control calls and webhook
    deliveries do not wait), whatever the fault plan says (``faults.delay`` comes on top).
    """

    def __init__(
        self,
        dc="us6",
        api_keys=(DEFAULT_API_KEY,),
        seed=42,
        host="127.0.0.1",
        validate_webhooks=True,
        batch_pending_polls=0,
        latency=0.0,
    ):
        if isinstance(api_keys, str):
            api_keys = (api_keys,)
        self.dc = dc
        self.api_keys = tuple(api_keys) or (DEFAULT_API_KEY,)
        self.random_seed = seed
        self.host = host
        self.validate_webhooks = validate_webhooks
        self.batch_pending_polls = batch_pending_polls
        self.latency = max(0.0, float(latency or 0.0))
        self.state = State(seed=seed, dc=dc)
        self.faults = Faults(seed)
        #: the OAuth2 server (``/oauth2/…``): apps, codes, tokens; see oauth.py
        self.oauth = OAuthServer(self)
        self.requests = []
        self.webhook_deliveries = []
        self._req_lock = threading.Lock()
        self._conns = set()
        self._conn_lock = threading.Lock()
        self._server = None
        self._thread = None

    # ------------------------------------------------------------------ lifecycle
    def start(self, port=0):
        if self._server is not None:
            return self
        self._server = Server((self.host, port), self)
        self.state.api_root = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            # stop() waits for the loop to notice: a short poll keeps a test's teardown short
            kwargs={"poll_interval": 0.01},
            name="mailchimp-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._conn_lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def serve_forever(self):
        """Block until stop() is called (or KeyboardInterrupt)."""
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def track_connection(self, conn, add):
        """Open connections, shut down by stop() (keep-alive clients would hold them)."""
        with self._conn_lock:
            if add:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    @property
    def port(self):
        return self._server.server_address[1] if self._server else None

    @property
    def root_url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self):
        return f"{self.root_url}/3.0"

    @property
    def api_key(self):
        return self.api_keys[0]

    # ------------------------------------------------------------------ request log
    def record_request(self, method, path, query, status, body_size, response_size):
        with self._req_lock:
            self.requests.append(
                {
                    "method": method,
                    "path": path,
                    "query": dict(query),
                    "status": status,
                    "body_size": body_size,
                    "response_size": response_size,
                    "time": time.time(),
                }
            )

    def request_log(self):
        """A copy of the request log."""
        with self._req_lock:
            return list(self.requests)

    def reset_requests(self):
        with self._req_lock:
            self.requests.clear()

    def count_requests(self, method=None, path_prefix=None):
        out = 0
        for r in self.request_log():
            if method and r["method"] != method.upper():
                continue
            if path_prefix:
                short = r["path"][4:] if r["path"].startswith("/3.0") else r["path"]
                if not (r["path"].startswith(path_prefix) or short.startswith(path_prefix)):
                    continue
            out += 1
        return out

    # ------------------------------------------------------------------ webhooks
    def fire_webhook(self, list_id, type, data=None, source=None, sign_secret=None, timeout=10.0):
        """POST a form-encoded webhook to every hook of the list listening to ``type``.

        Returns [(url, http_status or None on connection error)]. With ``sign_secret`` an
        ``X-Mailchimp-Signature: t=<unix>,v1=<hex hmac-sha256 of "t.body">`` header is added.
        """
        hooks = self.state.webhooks_for(list_id, type, source)
        payload = dict(data or {})
        payload.setdefault("list_id", list_id)
        body = delivery.webhook_body(type, self.state.now(), payload)
        results = []
        for hook in hooks:
            status = delivery.deliver(hook["url"], body, sign_secret, timeout)
            results.append((hook["url"], status))
            self.webhook_deliveries.append(
                {"url": hook["url"], "type": type, "status": status, "body": body.decode()}
            )
        return results

    def member_webhook_data(self, list_id, email):
        m = self.state.get_member(list_id, email)
        if m is None:
            raise KeyError(email)
        merges = {"EMAIL": m["email_address"]}
        merges.update(m["merge_fields"])
        return {
            "id": m["id"],
            "list_id": list_id,
            "email": m["email_address"],
            "email_type": m["email_type"],
            "ip_opt": m["ip_opt"],
            "web_id": m["web_id"],
            "merges": merges,
        }

    def fire_member_webhook(self, list_id, type, email, source=None, **extra):
        """fire_webhook with data built from the stored member (plus ``extra`` keys)."""
        data = self.member_webhook_data(list_id, email)
        if type == "unsubscribe":
            data.update(action="unsub", reason="manual")
        data.update(extra)
        return self.fire_webhook(list_id, type, data, source=source)

    def check_webhook_url(self, url):
        """Mailchimp's check of a webhook URL being registered (400 unless a GET answers
        2xx)."""
        delivery.check_url(url)

    # ------------------------------------------------------------------ seeding
    def seed(
        self, list_name="Sample Audience", members=0, campaigns=0, list_id=None, statuses=None
    ):
        """Create (or reuse, by id or name) an audience, add members and sent campaigns."""
        return self.state.seed_audience(list_name, members, campaigns, list_id, statuses)
