"""The app factory: `create_app(settings)` wires store, clock, runtime and sockets.

Nothing connects at import time; everything is built here, once.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, request, send_from_directory
from flask_socketio import SocketIO
from socketio import RedisManager
from werkzeug.exceptions import HTTPException

from hub.clock import Clock
from hub.core import Hub, bootstrap
from hub.runtime import Runtime, runtime_for
from hub.settings import Settings
from hub.store import EventStore, StoreError
from hub.web import (
    api_manage_accounts,  # noqa: F401 - adds the account routes to manage_api
    fanout,
)
from hub.web.alerts import AlertMonitor
from hub.web.api import api
from hub.web.api_audio import api_audio
from hub.web.api_book import api_book
from hub.web.api_caller import caller_api
from hub.web.api_cases import api_cases
from hub.web.api_kiosk import api_kiosk
from hub.web.api_manage import manage_api
from hub.web.api_notify import api_notify
from hub.web.heap import HeapTrim
from hub.web.live import NAMESPACE, Live, guard_packets
from hub.web.openapi import openapi_document
from hub.web.pages import pages
from hub.web.revocation import RevocationWatch
from hub.web.security import SecurityHeaders, behind_proxies
from hub.web.validation import ApiError

log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    *,
    store: EventStore | None = None,
    clock: Clock | None = None,
    runtime: Runtime | None = None,
) -> tuple[Flask, SocketIO, Hub]:
    """Build the hub's Flask app, its Socket.IO server and the Hub behind them."""
    runtime = runtime or runtime_for(settings.async_mode)
    fanout.install()  # one WebSocket frame per message, shared by the clients of a room
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    queue: dict[str, Any] = {"message_queue": settings.message_queue or None}
    if settings.message_queue.startswith("redis+sentinel://"):
        # Flask-SocketIO picks its queue class by URL prefix and knows no sentinel
        # one; python-socketio's RedisManager reads sentinel URLs itself.
        from hub.store.redis import socketio_url  # here: a hub on SQLite loads no Redis client

        queue = {"client_manager": RedisManager(socketio_url(settings.message_queue),
                                               channel="flask-socketio")}
    socketio = SocketIO(
        app,
        async_mode=settings.async_mode,
        **queue,
        cors_allowed_origins=list(settings.cors_origins) or None,
        ping_interval=10,
        ping_timeout=10,
        max_http_buffer_size=64 * 1024,
        # No Flask session in /live: clients say who they are with a token, and a
        # session copied for every connection is kept for its whole life.
        manage_session=False,
    )
    live = Live.__new__(Live)
    hub = bootstrap(
        settings, store=store, clock=clock, runtime=runtime,
        publish=lambda center, events: live.publish(center, events),
        followed=lambda center, events: live.followed(center, events),
    )
    Live.__init__(live, hub)
    hub.tokens.load_key()  # a key that cannot be read or made stops the start, not a login
    socketio.on_namespace(live)
    guard_packets(socketio)
    app.extensions["jiaohao"] = hub
    app.register_blueprint(api)
    app.register_blueprint(manage_api)
    app.register_blueprint(caller_api)
    app.register_blueprint(api_kiosk)
    app.register_blueprint(api_notify)
    app.register_blueprint(api_cases)
    app.register_blueprint(api_audio)
    app.register_blueprint(api_book)
    app.register_blueprint(pages)
    hub.open()

    assets = Path(settings.assets_dir)

    @app.get("/assets/<path:name>")
    def asset(name: str) -> Any:
        if name.endswith((".js", ".mjs", ".css")):
            # The pages are ES modules importing each other: after an upgrade a
            # browser must not run new modules with cached old ones, so code is
            # revalidated on every load (a 304 when unchanged, by its ETag).
            response = send_from_directory(assets, name, max_age=0)
            response.headers["Cache-Control"] = "no-cache"
            return response
        return send_from_directory(assets, name, max_age=300)

    @app.get("/api/v1/openapi.json")
    def openapi() -> Any:
        return jsonify(openapi_document())

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Any:
        response = jsonify(error.body())
        response.status_code = error.status
        if error.status == 429 and error.extra.get("retry_after"):
            response.headers["Retry-After"] = str(error.extra["retry_after"])
        return response

    @app.errorhandler(StoreError)
    def store_error(error: StoreError) -> Any:
        log.error("journal unavailable on %s %s: %s", request.method, request.path, error)
        response = jsonify({"error": "journal_unavailable",
                            "message": "the hub cannot reach its journal right now; try again"})
        response.status_code = 503
        response.headers["Retry-After"] = "2"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
                 413: "body_too_large", 415: "unsupported_media_type"}
        code = error.code or 500
        if not request.path.startswith("/api/"):
            return error
        response = jsonify({"error": codes.get(code, "http_error"),
                            "message": error.description or error.name})
        response.status_code = code
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        log.exception("unexpected error on %s %s", request.method, request.path)
        response = jsonify({"error": "internal_error", "message": "the hub failed; see its log"})
        response.status_code = 500
        return response

    if hub.follows():
        hub.connected_centers = lambda: {client.center for client in list(live.clients.values())}
        socketio.start_background_task(hub.follow_forever, live.reset)
    if settings.heartbeat_seconds > 0:
        socketio.start_background_task(live.heartbeat_forever, settings.heartbeat_seconds)
    # The heap a burst of subscriptions used goes back to the system once it is over.
    live.heap = HeapTrim(hub, socketio.sleep)
    socketio.start_background_task(live.heap.run)
    # Revoked devices and changed users lose their open sockets within seconds.
    socketio.start_background_task(RevocationWatch(hub, live).run)
    app.extensions["jiaohao.socketio"] = socketio
    # Dashboard alerts: recomputed each second, pushed to the manager room on change.
    app.extensions["jiaohao.alerts"] = AlertMonitor(hub, socketio, live).start()
    app.extensions["jiaohao.namespace"] = NAMESPACE
    # Outermost, around Socket.IO's middleware: every answer, one client address.
    app.wsgi_app = SecurityHeaders(  # type: ignore[method-assign]
        behind_proxies(app.wsgi_app, settings.trusted_proxies))
    return app, socketio, hub
