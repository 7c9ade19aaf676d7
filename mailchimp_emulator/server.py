"""HTTP front-end (ThreadingHTTPServer, HTTP/1.1 keep-alive) and the ``Emulator`` facade."""

import base64
import email.utils
import hashlib
import hmac
import http
import json
import re
import socket
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.request import Request as UrlRequest
from urllib.request import urlopen

from .api import JSON_TYPE, PROBLEM_TYPE, dispatch
from .faults import Faults
from .state import State
from .util import ApiError, fmt_webhook_ts, invalid, problem

DEFAULT_API_KEY = "0123456789abcdef0123456789abcdef-us6"
_DC_LABEL = re.compile(r"^[a-z]+\d+$")
FAULT_TEXT = {
    429: ("Too Many Requests", "You have exceeded the limit of 10 simultaneous connections."),
    500: (
        "Internal Server Error",
        "An unexpected internal error has occurred. Please contact Support for more information.",
    ),
    502: ("Bad Gateway", "The server received an invalid response from an upstream server."),
    503: ("Service Unavailable", "The service is temporarily unavailable. Please try again later."),
}
_WEEK = timedelta(days=7)
UNAUTHORIZED = (
    "API Key Invalid",
    "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
)


def _flatten(value, prefix):
    if isinstance(value, dict):
        out = []
        for key, sub in value.items():
            out.extend(_flatten(sub, f"{prefix}[{key}]"))
        return out
    if isinstance(value, (list, tuple)):
        out = []
        for i, sub in enumerate(value):
            out.extend(_flatten(sub, f"{prefix}[{i}]"))
        return out
    if value is None:
        return [(prefix, "")]
    if isinstance(value, bool):
        return [(prefix, "true" if value else "false")]
    return [(prefix, str(value))]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A client that gave up (timeout, closed socket) is normal here: stay quiet."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    daemon_threads = True
    allow_reuse_address = True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "MailchimpEmulator/1.0"
    timeout = 120

    def log_message(self, format, *args):  # noqa: A002 - quiet server
        pass

    def date_time_string(self, timestamp=None):
        """The Date header follows the emulator's clock (tests move it), as Mailchimp's
        follows Mailchimp's: clients use it as the server time of a response."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        return email.utils.format_datetime(self.server.emulator.state.now(), usegmt=True)

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.server.emulator._track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.emulator._track(self.connection, False)

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    # ------------------------------------------------------------------ plumbing
    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status, payload=b"", headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, str(value))
        if status != 204:  # RFC 9110: no Content-Length on 204
            self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self._headers_buffer.append(b"\r\n")
        if payload and self.command != "HEAD":
            self._headers_buffer.append(payload)
        self.flush_headers()  # headers and body in one write

    def _send_json(self, status, body, content_type=JSON_TYPE, headers=None):
        payload = json.dumps(body).encode("utf-8")
        self._send(status, payload, dict(headers or {}, **{"Content-Type": content_type}))
        return len(payload)

    def _handle(self):
        emu = self.server.emulator
        parts = urlsplit(self.path)
        path = parts.path or "/"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self._send_json(
                400, problem(400, "Bad Request", "Malformed request body."), PROBLEM_TYPE
            )
            return
        if path == "/_emulator" or path.startswith("/_emulator/"):
            self._control(emu, path, query, body)
        elif path == "/3.0" or path.startswith("/3.0/"):
            self._api(emu, path, query, body)
        else:
            self._send_json(
                404,
                problem(404, "Resource Not Found", "The requested resource could not be found."),
                PROBLEM_TYPE,
            )

    def _api(self, emu, path, query, body):
        method = self.command
        delay, fault = emu.faults.decide(path)
        if delay:
            time.sleep(delay)
        if fault is not None and fault.kind == "drop":
            emu._record(method, path, query, 0, len(body), 0)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if fault is not None:
            title, detail = FAULT_TEXT.get(fault.status) or (
                http.HTTPStatus(fault.status).phrase,
                "Injected fault.",
            )
            headers = {"Retry-After": fault.retry_after} if fault.status == 429 else {}
            self._reply(
                emu,
                method,
                path,
                query,
                body,
                fault.status,
                problem(fault.status, title, detail),
                headers,
            )
            return
        if not emu._authorized(self.headers):
            self._reply(emu, method, path, query, body, 401, problem(401, *UNAUTHORIZED))
            return
        status, payload, headers = dispatch(emu, method, path[4:] or "/", query, body)
        # recorded before the answer leaves: a client that got its answer finds it logged
        emu._record(method, path, query, status, len(body), len(payload))
        self._send(status, payload, headers)

    def _reply(self, emu, method, path, query, body, status, problem_body, headers=None):
        payload = json.dumps(problem_body).encode("utf-8")
        emu._record(method, path, query, status, len(body), len(payload))
        self._send(status, payload, dict(headers or {}, **{"Content-Type": PROBLEM_TYPE}))

    # ------------------------------------------------------------------ control
    def _control(self, emu, path, query, body):
        method = self.command
        match = re.match(r"^/_emulator/batch-results/([0-9a-f]+)\.tar\.gz$", path)
        if match and method in ("GET", "HEAD"):
            with emu.state.lock:
                batch = emu.state.batches.get(match.group(1))
                tar = batch["tar"] if batch else None
            if tar is None:
                self._send_json(404, {"error": "unknown batch"})
            else:
                self._send(200, tar, {"Content-Type": "application/x-gzip"})
            return
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            self._send_json(400, {"error": "invalid JSON"})
            return
        try:
            result = emu._control(method, path, query, data)
        except ApiError as exc:
            self._send_json(exc.status, exc.to_problem(), PROBLEM_TYPE)
            return
        except (TypeError, ValueError, KeyError) as exc:
            self._send_json(400, {"error": str(exc)})
            return
        if result is None:
            self._send_json(404, {"error": f"unknown control endpoint {method} {path}"})
        else:
            self._send_json(200, result)


class Emulator:
    """Mailchimp Marketing API v3 emulator; see README.md."""

    def __init__(
        self,
        dc="us6",
        api_keys=(DEFAULT_API_KEY,),
        seed=42,
        host="127.0.0.1",
        validate_webhooks=False,
        batch_pending_polls=0,
    ):
        if isinstance(api_keys, str):
            api_keys = (api_keys,)
        self.dc = dc
        self.api_keys = tuple(api_keys) or (DEFAULT_API_KEY,)
        self.random_seed = seed
        self.host = host
        self.validate_webhooks = validate_webhooks
        self.batch_pending_polls = batch_pending_polls
        self.state = State(seed=seed, dc=dc)
        self.faults = Faults(seed)
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
        self._server = _Server((self.host, port), Handler)
        self._server.emulator = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
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

    def _track(self, conn, add):
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

    # ------------------------------------------------------------------ auth
    def _authorized(self, headers):
        host = (headers.get("Host") or "").split(":")[0].lower()
        if "." in host:
            label = host.split(".")[0]
            if _DC_LABEL.match(label) and label != self.dc:
                return False
        auth = headers.get("Authorization") or ""
        scheme, _, value = auth.partition(" ")
        key = None
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                return False
            key = decoded.partition(":")[2] if ":" in decoded else decoded
        elif scheme.lower() in ("bearer", "oauth"):
            key = value.strip()
        if not key or key not in self.api_keys:
            return False
        if "-" in key and key.rsplit("-", 1)[1] != self.dc:
            return False
        return True

    # ------------------------------------------------------------------ request log
    def _record(self, method, path, query, status, body_size, response_size):
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

    def reset_requests(self):
        with self._req_lock:
            self.requests.clear()

    def count_requests(self, method=None, path_prefix=None):
        with self._req_lock:
            items = list(self.requests)
        out = 0
        for r in items:
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
        pairs = [("type", type), ("fired_at", fmt_webhook_ts(self.state.now()))]
        pairs += _flatten(payload, "data")
        body = urlencode(pairs).encode("utf-8")
        results = []
        for hook in hooks:
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": "MailChimp",
            }
            if sign_secret:
                stamp = str(int(time.time()))
                digest = hmac.new(
                    sign_secret.encode(), stamp.encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                headers["X-Mailchimp-Signature"] = f"t={stamp},v1={digest}"
            req = UrlRequest(hook["url"], data=body, headers=headers, method="POST")
            try:
                with urlopen(req, timeout=timeout) as resp:
                    status = resp.status
            except HTTPError as exc:
                status = exc.code
            except (URLError, OSError):
                status = None
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
        try:
            with urlopen(
                UrlRequest(url, headers={"User-Agent": "MailChimp.com WebHook Validator"}),
                timeout=5,
            ) as resp:
                ok = resp.status == 200
        except (HTTPError, URLError, OSError):
            ok = False
        if not ok:
            raise invalid(
                "The resource submitted could not be validated. For field-specific "
                "details, see the 'errors' array.",
                [{"field": "url", "message": "We couldn't verify the URL is working."}],
            )

    # ------------------------------------------------------------------ seeding
    def seed(
        self, list_name="Sample Audience", members=0, campaigns=0, list_id=None, statuses=None
    ):
        """Create (or reuse, by id or name) an audience, add members and sent campaigns."""
        st = self.state
        with st.lock:
            lid = list_id if list_id in st.lists else st.find_list(list_name)
            if lid is None:
                lid = st.add_list(list_name, list_id=list_id)
            created = st.seed_members(lid, int(members), statuses=statuses) if members else 0
            campaign_ids = []
            if campaigns:
                tpl = st.add_template("Emulated newsletter", category="newsletter")
                subscribed = st.list_stats(st.lists[lid])["member_count"]
                n_rcpt = min(subscribed, 500) or 100
                for i in range(int(campaigns)):
                    cid = st.add_campaign(
                        lid,
                        template_id=tpl,
                        title=f"Newsletter #{i + 1}",
                        subject=f"News #{i + 1}",
                        status="sent",
                        send_time=st.now().replace(microsecond=0) - (int(campaigns) - i) * _WEEK,
                    )
                    st.seed_campaign_activity(
                        cid,
                        n_rcpt,
                        open_rate=0.3 + 0.02 * (i % 5),
                        click_rate=0.05 + 0.01 * (i % 3),
                    )
                    campaign_ids.append(cid)
            return {
                "list_id": lid,
                "created": created,
                "member_count": len(st.lists[lid].members),
                "campaigns": campaign_ids,
            }

    # ------------------------------------------------------------------ control API
    def _control(self, method, path, query, data):
        st = self.state
        route = (method, path.rstrip("/"))
        if route == ("GET", "/_emulator/health"):
            with st.lock:
                lists = [
                    {"id": lst.id, "name": lst.info["name"], "members": len(lst.members)}
                    for lst in st.lists.values()
                ]
            return {
                "status": "ok",
                "dc": self.dc,
                "base_url": self.base_url,
                "lists": lists,
                "requests": len(self.requests),
                "now": st.now_str(),
                "faults": self.faults.snapshot(),
            }
        if route == ("POST", "/_emulator/faults"):
            fail_next = data.pop("fail_next", None)
            fail_status = data.pop("fail_status", data.pop("status", 503))
            snap = self.faults.configure(**data)
            if fail_next:
                self.faults.fail_next(int(fail_next), fail_status, data.get("paths"))
                snap = self.faults.snapshot()
            return snap
        if route == ("DELETE", "/_emulator/faults"):
            self.faults.clear()
            return self.faults.snapshot()
        if route == ("GET", "/_emulator/requests"):
            with self._req_lock:
                items = list(self.requests)
            return {"requests": items, "total_items": len(items)}
        if route == ("POST", "/_emulator/reset-requests"):
            self.reset_requests()
            return {"ok": True}
        if route == ("POST", "/_emulator/seed"):
            return self.seed(
                data.get("list_name", "Sample Audience"),
                int(data.get("members", 0)),
                int(data.get("campaigns", 0)),
                data.get("list_id"),
                data.get("statuses"),
            )
        if route == ("POST", "/_emulator/clock"):
            if data.get("freeze"):
                st.freeze(data["freeze"])
            if data.get("unfreeze"):
                st.unfreeze()
            if data.get("advance"):
                st.advance(float(data["advance"]))
            return {"now": st.now_str()}
        if route == ("POST", "/_emulator/webhooks/fire"):
            if data.get("email"):
                res = self.fire_member_webhook(
                    data["list_id"], data["type"], data["email"], **(data.get("data") or {})
                )
            else:
                res = self.fire_webhook(data["list_id"], data["type"], data.get("data"))
            return {"deliveries": [list(r) for r in res]}
        return None
