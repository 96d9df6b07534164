"""A local fake SMS gateway / webhook receiver: an HTTP server on 127.0.0.1.

It records every request it receives (`received`, duplicates included) and keeps a
de-duplicated log by notification id (`log`: the X-Jiaohao-Id header), as a real
gateway's idempotency would. It checks each request's HMAC signature against the
secret it was given. `down()` closes its socket (connections are refused, as when
the gateway is unreachable); `up()` listens again on the same port; `failing(n)`
answers the next n requests with 503 instead; `delay` holds each answer back after
recording the request (so a sender killed meanwhile never hears it was delivered).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from hub.read.notify.webhook import signature


@dataclass
class Received:
    id: str
    body: dict[str, Any]
    signed: bool  # the signature matched the secret
    path: str


@dataclass
class FakeGateway:
    secret: str = "fake-gateway-secret"
    answer: dict[str, Any] = field(default_factory=lambda: {"Code": "OK"})
    received: list[Received] = field(default_factory=list)
    log: dict[str, Received] = field(default_factory=dict)  # by id, first arrival kept
    port: int = 0
    delay: float = 0.0  # seconds between recording a request and answering it
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _fail_next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------ life

    def start(self) -> FakeGateway:
        self.up()
        return self

    def up(self) -> None:
        assert self._server is None, "already up"
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                gateway._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def down(self) -> None:
        """Unreachable: the socket is closed, connections are refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def stop(self) -> None:
        self.down()

    def failing(self, count: int) -> None:
        with self._lock:
            self._fail_next = count

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms"

    # ------------------------------------------------------------ reading

    def ids(self) -> list[str]:
        with self._lock:
            return [r.id for r in self.received]

    def delivered(self) -> dict[str, Received]:
        with self._lock:
            return dict(self.log)

    def texts(self, phone: str, template: str) -> list[dict[str, Any]]:
        """The bodies of the messages `template` sent to `phone`."""
        return [r.body for r in self.delivered().values()
                if r.body.get("phone") == phone and r.body.get("template") == template]

    def wait_texts(self, phone: str, template: str, timeout: float = 20
                   ) -> list[dict[str, Any]]:
        """`texts`, once there is one or after `timeout` seconds (then maybe none)."""
        from tests.support.kit import wait_until

        try:
            return wait_until(lambda: self.texts(phone, template), timeout, interval=0.1)
        except AssertionError:
            return []

    def codes_for(self, phone: str, template: str = "checkin_code") -> list[str]:
        """The codes sent to `phone` with `template` (read as a citizen reads the SMS;
        the generic preset's body)."""
        found = []
        for record in self.delivered().values():
            body = record.body
            params = body.get("params") or {}
            if (body.get("phone") == phone and body.get("template") == template
                    and isinstance(params, dict) and "code" in params):
                found.append(str(params["code"]))
        return found

    def wait_code(self, phone: str, template: str = "checkin_code", seen: int = 0,
                  timeout: float = 30) -> str:
        """The newest code texted to `phone` with `template`, once more than `seen` came."""
        from tests.support.kit import wait_until

        def more() -> list[str]:
            codes = self.codes_for(phone, template)
            return codes if len(codes) > seen else []

        return wait_until(more, timeout, f"a {template} texted to {phone}", interval=0.1)[-1]

    # ------------------------------------------------------------ serving

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length)
        with self._lock:
            if self._fail_next > 0:
                self._fail_next -= 1
                self._reply(request, 503, {"Code": "ServiceUnavailable"})
                return
        try:
            body = json.loads(raw)
        except ValueError:
            self._reply(request, 400, {"Code": "BadJson"})
            return
        notification = request.headers.get("X-Jiaohao-Id", "")
        stamp = request.headers.get("X-Jiaohao-Timestamp", "")
        signed = request.headers.get("X-Jiaohao-Signature", "") == signature(
            self.secret, stamp, raw)
        if not notification or not signed:
            self._reply(request, 401, {"Code": "SignatureDoesNotMatch"})
            return
        record = Received(notification, body, signed, request.path)
        with self._lock:
            self.received.append(record)
            self.log.setdefault(notification, record)  # de-duplicated by id
        if self.delay:
            time.sleep(self.delay)  # delivered, not yet acknowledged: a crash may fall here
        self._reply(request, 200, self.answer)

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
