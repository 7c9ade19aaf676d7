"""HTTP transport: a ThreadingHTTPServer (HTTP/1.1 keep-alive) whose handler applies the
fault plan and authentication, then hands /3.0 calls to the router and /_emulator calls to
the control API. The handler reaches the emulator as ``self.server.emulator``."""

import email.utils
import http
import json
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import control
from .auth import UNAUTHORIZED, authorized
from .routing import dispatch
from .util import PROBLEM_TYPE, problem

FAULT_TEXT = {
    429: ("Too Many Requests", "You have exceeded the limit of 10 simultaneous connections."),
    500: (
        "Internal Server Error",
        "An unexpected internal error has occurred. Please contact Support for more information.",
    ),
    502: ("Bad Gateway", "The server received an invalid response from an upstream server."),
    503: ("Service Unavailable", "The service is temporarily unavailable. Please try again later."),
}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, emulator):
        self.emulator = emulator
        super().__init__(address, Handler)

    def handle_error(self, request, client_address):
        """A client that gave up (timeout, closed socket) is normal here: stay quiet."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            return
        super().handle_error(request, client_address)


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
        self.server.emulator.track_connection(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.emulator.track_connection(self.connection, False)

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

    def _send_problem(self, status, title, detail, headers=None):
        payload = json.dumps(problem(status, title, detail)).encode("utf-8")
        self._send(status, payload, dict(headers or {}, **{"Content-Type": PROBLEM_TYPE}))
        return payload

    def _handle(self):
        emu = self.server.emulator
        parts = urlsplit(self.path)
        path = parts.path or "/"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self._send_problem(400, "Bad Request", "Malformed request body.")
            return
        if path == "/_emulator" or path.startswith("/_emulator/"):
            self._send(*control.handle(emu, self.command, path, body))
        elif path == "/3.0" or path.startswith("/3.0/"):
            self._api(emu, path, query, body)
        elif path.startswith("/oauth2/"):
            # login.mailchimp.com's OAuth2 endpoints (another host in Mailchimp): not faulted
            status, payload, headers = emu.oauth.handle(
                self.command, path, query, body, self.headers
            )
            emu.record_request(self.command, path, query, status, len(body), len(payload))
            self._send(status, payload, headers)
        else:
            self._send_problem(
                404, "Resource Not Found", "The requested resource could not be found."
            )

    def _api(self, emu, path, query, body):
        method = self.command
        delay, fault = emu.faults.decide(path)
        delay += emu.latency
        if delay:
            time.sleep(delay)
        if fault is not None and fault.kind == "drop":
            emu.record_request(method, path, query, 0, len(body), 0)
            self._drop()
            return
        if fault is not None and fault.kind == "status":
            title, detail = FAULT_TEXT.get(fault.status) or (
                http.HTTPStatus(fault.status).phrase,
                "Injected fault.",
            )
            headers = {"Retry-After": fault.retry_after} if fault.status == 429 else {}
            self._refuse(emu, method, path, query, body, fault.status, title, detail, headers)
            return
        if not authorized(self.headers, emu.api_keys, emu.dc, tokens=emu.oauth):
            self._refuse(emu, method, path, query, body, 401, *UNAUTHORIZED)
            return
        status, payload, headers = dispatch(emu, method, path[4:] or "/", query, body)
        if fault is not None and fault.kind == "apply_drop":
            # applied, then the answer is lost: the connection closes without one
            emu.record_request(method, path, query, status, len(body), 0)
            self._drop()
            return
        # recorded before the answer leaves: a client that got its answer finds it logged
        emu.record_request(method, path, query, status, len(body), len(payload))
        self._send(status, payload, headers)

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _refuse(self, emu, method, path, query, body, status, title, detail, headers=None):
        payload = json.dumps(problem(status, title, detail)).encode("utf-8")
        emu.record_request(method, path, query, status, len(body), len(payload))
        self._send(status, payload, dict(headers or {}, **{"Content-Type": PROBLEM_TYPE}))
