"""Run the hub under its green-thread server (after `runtime.patch`)."""

from __future__ import annotations

import logging
import signal
import socket
import sys
from typing import Any

from hub.settings import Settings

log = logging.getLogger("hub")


def serve(settings: Settings, *, banner: Any = None) -> int:
    from hub.app import create_app
    from hub.notify import make_sender
    from hub.outbox import start_outbox

    try:
        sender = make_sender(settings)  # a bad sender setting stops the start, plainly
        app, socketio, hub = create_app(settings)
    except (OSError, ValueError) as error:
        print(f"jiaohao hub: cannot start: {error}", file=sys.stderr)
        return 2
    try:
        sock = listener(settings)
    except OSError as error:
        hub.store.close()
        print(f"jiaohao hub: cannot listen on {settings.host}:{settings.port}: {error}",
              file=sys.stderr)
        return 2
    centers = ", ".join(sorted(hub.centers)) or "none"
    log.info("hub on %s (async %s, store %s, centers %s)", settings.base_url,
             settings.async_mode, settings.store.split("@")[-1], centers)
    # The outbox worker runs in the serving process only (not in an app built for a
    # test or a CLI command), so nothing else appends behind a caller's back.
    app.extensions["jiaohao.outbox"] = start_outbox(hub, socketio, settings, sender)
    if banner is not None:
        banner(hub)
    server = WsgiServer(sock, app, settings.async_mode)

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
        hub.store.close()
    log.info("hub stopped")
    return 0


def listener(settings: Settings) -> socket.socket:
    """The listening socket, with TCP_NODELAY (inherited by accepted connections).

    Without it, a response written in two sends (headers, then body) waits for
    the client's delayed ACK: every request would take ~40 ms on Linux.
    """
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((settings.host, settings.port))
    sock.listen(1024)
    return sock


class WsgiServer:
    """The green-thread WSGI server of the async mode (after `runtime.patch`), stoppable.

    Stopping ends the accept loop; long-lived websocket connections are dropped.
    """

    def __init__(self, sock: socket.socket, app: Any, async_mode: str) -> None:
        if async_mode not in ("gevent", "eventlet"):
            raise ValueError(f"async mode {async_mode} cannot serve; use gevent or eventlet")
        self.sock = sock
        self.app = app
        self.async_mode = async_mode
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
            server = eventlet.spawn(eventlet.wsgi.server, self.sock, self.app,
                                    log_output=False, custom_pool=pool)
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

                def run_application(self) -> None:
                    try:
                        super().run_application()
                    finally:
                        if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                            self.close_connection = True

            self._gevent_server = pywsgi.WSGIServer(self.sock, self.app, log=None,
                                                    error_log=log, handler_class=Handler)
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
