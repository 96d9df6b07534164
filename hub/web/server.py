"""Run the hub under its green-thread server (after `runtime.patch`)."""

from __future__ import annotations

import gc
import logging
import signal
import socket
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the bench's floor imports `listener` bare
    from hub.settings import Settings

log = logging.getLogger("hub")


def serve(settings: Settings, *, banner: Any = None) -> int:
    from hub.read.notify import make_sender
    from hub.web.app import create_app
    from hub.web.outbox import start_outbox

    try:
        sender = make_sender(settings)  # a bad sender setting stops the start, plainly
        app, socketio, hub = create_app(settings)
    except (OSError, ValueError) as error:
        print(f"jiaohao hub: cannot start: {error}", file=sys.stderr)
        return 2
    try:
        sock = listener(settings.host, settings.port)
    except OSError as error:
        hub.close()
        print(f"jiaohao hub: cannot listen on {settings.host}:{settings.port}: {error}",
              file=sys.stderr)
        return 2
    settle_memory()
    centers = ", ".join(sorted(hub.centers)) or "none"
    log.info("hub on %s (async %s, store %s, centers %s)", settings.base_url,
             settings.async_mode, settings.store.split("@")[-1], centers)
    # The outbox worker runs in the serving process only (not in an app built for a
    # test or a CLI command), so nothing else appends behind a caller's back.
    app.extensions["jiaohao.outbox"] = start_outbox(hub, socketio, settings, sender)
    if banner is not None:
        banner(hub)
    # Behind proxies every client has the proxy's address: the cap would then cap
    # everyone at once, so it applies only where clients connect directly.
    cap = settings.max_connections_per_address if settings.trusted_proxies == 0 else 0
    server = WsgiServer(sock, app, settings.async_mode, idle_timeout=settings.idle_timeout,
                        per_address=cap)

    def stop(signum: int, frame: Any) -> None:
        log.info("hub stopping (signal %s)", signum)
        server.stop()

    if settings.async_mode == "gevent":
        import gevent

        # In a greenlet of its own: a plain signal handler may run inside gevent's
        # loop, where stopping the server (which waits) raises BlockingSwitchOutError.
        gevent.signal_handler(signal.SIGTERM, stop, signal.SIGTERM, None)
    else:
        signal.signal(signal.SIGTERM, stop)
    try:
        server.serve()
    finally:
        hub.close()
    log.info("hub stopped")
    return 0


# Young-generation threshold of the cyclic garbage collector (CPython's default: 700).
GC_YOUNG = 10_000


def settle_memory() -> None:
    """Keep the garbage collector's pauses off the event loop's back.

    Every full collection walks every object the process holds; with a thousand
    clients connected those were pauses of 0.3-4 s on a loaded machine (measured
    with gc.callbacks during `jiaohao bench --only fanout --clients 1000`), in which
    no frame went out and no pong was read, so the hub closed sockets for ping
    timeouts and each call's p99 carried them. What was built to start (modules,
    the centers' folded state) is frozen out of the collector's walks, and the
    young generation is collected less often, so fewer objects reach the old one.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG, 20, 20)


def listener(host: str, port: int) -> socket.socket:
    """The listening socket, with TCP_NODELAY (inherited by accepted connections).

    Without it, a response written in two sends (headers, then body) waits for
    the client's delayed ACK: every request would take ~40 ms on Linux.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


class ConnectionGate:
    """How many connections each address holds, refusing those over `cap` (0: no cap).

    Only green threads touch it, and nothing in it yields, so it needs no lock.
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.counts: dict[str, int] = {}

    def enter(self, address: str) -> bool:
        if self.cap <= 0:
            return True
        held = self.counts.get(address, 0)
        if held >= self.cap:
            if held == self.cap:
                log.warning("an address holds %d connections, the most allowed "
                            "(max_connections_per_address); refusing more", self.cap)
                self.counts[address] = held + 1  # warned once until it drops below
            return False
        self.counts[address] = held + 1
        return True

    def leave(self, address: str) -> None:
        if self.cap <= 0:
            return
        held = min(self.counts.get(address, 0), self.cap) - 1
        if held > 0:
            self.counts[address] = held
        else:
            self.counts.pop(address, None)


def _is_websocket(environ: dict[str, Any]) -> bool:
    return str(environ.get("HTTP_UPGRADE", "")).lower() == "websocket"


class WsgiServer:
    """The green-thread WSGI server of the async mode (after `runtime.patch`), stoppable.

    Stopping ends the accept loop; long-lived websocket connections are dropped.
    A connection silent for `idle_timeout` seconds (before its request, between
    requests, or in the middle of a header or body) is closed; a websocket is
    exempt once upgraded (engine.io's pings watch it). An address holding
    `per_address` connections has further ones closed at once.
    """

    def __init__(self, sock: socket.socket, app: Any, async_mode: str, *,
                 idle_timeout: float = 0, per_address: int = 0) -> None:
        if async_mode not in ("gevent", "eventlet"):
            raise ValueError(f"async mode {async_mode} cannot serve; use gevent or eventlet")
        self.sock = sock
        self.app = app
        self.async_mode = async_mode
        self.idle_timeout = idle_timeout or None
        self.gate = ConnectionGate(per_address)
        self._gevent_server: Any = None
        self._stopping: Any = None  # eventlet: an Event that `stop` sends

    def serve(self) -> None:
        """Serve until `stop`."""
        if self.async_mode == "eventlet":
            import eventlet
            import eventlet.event
            import eventlet.wsgi

            self._stopping = eventlet.event.Event()
            pool = eventlet.GreenPool(10_000)
            gate = self.gate

            class Protocol(eventlet.wsgi.HttpProtocol):
                def handle(self) -> None:
                    address = str(self.client_address[0])
                    if not gate.enter(address):
                        self.close_connection = 1
                        return
                    try:
                        super().handle()
                    finally:
                        gate.leave(address)

            app = self.app

            def untimed_websockets(environ: dict[str, Any], start_response: Any) -> Any:
                if _is_websocket(environ) and "eventlet.input" in environ:
                    environ["eventlet.input"].get_socket().settimeout(None)
                return app(environ, start_response)

            server = eventlet.spawn(eventlet.wsgi.server, self.sock, untimed_websockets,
                                    log_output=False, custom_pool=pool, protocol=Protocol,
                                    socket_timeout=self.idle_timeout,
                                    keepalive=self.idle_timeout or True)
            server.link(lambda _: self._stopping.ready() or self._stopping.send())
            self._stopping.wait()
            server.kill()  # no more accepting
            eventlet.sleep(1)  # requests in flight get a second
            for connection in list(pool.coroutines_running):
                connection.kill()  # websockets end here, or they would never
        else:
            from gevent import pywsgi

            class Handler(pywsgi.WSGIHandler):
                """Ends the connection with its websocket. simple-websocket talks on the
                socket itself; without this, pywsgi would read the client's last
                frames as the next HTTP request and log them as garbage."""

                def _handle_client_error(self, ex: BaseException) -> Any:
                    if isinstance(ex, TimeoutError):  # silent past idle_timeout mid-request
                        self.close_connection = True
                        return None  # just close: no traceback, no answer
                    return super()._handle_client_error(ex)

                def run_application(self) -> None:
                    websocket = _is_websocket(self.environ)
                    if websocket:
                        self.socket.settimeout(None)  # its pings keep it; no idle cut
                    try:
                        super().run_application()
                    finally:
                        if websocket:
                            self.close_connection = True

            gate, idle_timeout = self.gate, self.idle_timeout

            class Server(pywsgi.WSGIServer):
                def handle(self, sock: Any, address: Any) -> None:
                    peer = str(address[0]) if isinstance(address, tuple) else ""
                    if not gate.enter(peer):
                        sock.close()
                        return
                    try:
                        sock.settimeout(idle_timeout)
                        super().handle(sock, address)
                    finally:
                        gate.leave(peer)

            self._gevent_server = Server(self.sock, self.app, log=None, error_log=log,
                                         handler_class=Handler)
            self._gevent_server.serve_forever()

    def stop(self) -> None:
        """Stop serving; called from the SIGTERM handler.

        The clients' connections are dropped, not closed with a Socket.IO
        disconnect: a client told "server disconnect" does not reconnect by
        itself, and the displays must come back when the hub does.
        """
        if self.async_mode == "eventlet":
            # Only wake `serve`: the handler may run inside any green thread, even
            # eventlet's hub, where nothing may block and an exception may be lost.
            if self._stopping is not None and not self._stopping.ready():
                self._stopping.send()
            return
        if self._gevent_server is not None:
            self._gevent_server.stop(timeout=1)  # requests in flight get a second
