"""The floor for `jiaohao bench --floor`: a bare Flask-SocketIO + SQLite server, no rules.

`python -m tools.bench_floor PORT FOLDER [REDIS_URL]` serves, on gevent like the hub:

- Socket.IO namespace /live: any client connects; `subscribe` joins the hall room
  and answers {seq};
- POST /tickets (also at /api/v1/tickets), /call, /complete: append a row to a SQLite journal (WAL,
  synchronous=FULL, on a real thread as the hub does), emit an `event` {type:
  ticket_issued / ticket_called / ticket_completed, seq, data} of about the hub's
  size to the hall (as the hub's hall hears each), answer {seq}. Given a Redis URL,
  the journal is a Redis Stream instead (one XADD per row, on the loop as the hub's
  Redis journal is): the floor of hub processes sharing Redis (the partition bench).

What the hub costs beyond this (rules, views, auth, rooms) is the ratio of the two.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import itertools  # noqa: E402 - after monkey-patching, as gevent requires
import json  # noqa: E402
import sqlite3  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import gevent.lock  # noqa: E402
from flask import Flask, jsonify  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402
from gevent import pywsgi  # noqa: E402

from hub.web import server  # noqa: E402


def main() -> int:
    port, folder = int(sys.argv[1]), Path(sys.argv[2])
    redis_url = sys.argv[3] if len(sys.argv) > 3 else ""
    local = threading.local()
    path = str(folder / "floor.db")
    sqlite3.connect(path).execute(
        "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, body TEXT)").connection.close()
    seqs = itertools.count(1)
    lock = gevent.lock.RLock()

    def append(seq: int, body: str) -> None:
        connection = getattr(local, "c", None)
        if connection is None:
            connection = local.c = sqlite3.connect(path, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO events VALUES (?, ?)", (seq, body))
        connection.execute("COMMIT")

    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        stream = f"floor:{port}"

        def write(seq: int, body: str) -> None:
            client.xadd(stream, {"e": body}, id=f"{seq}-1")
    else:
        def write(seq: int, body: str) -> None:
            gevent.get_hub().threadpool.apply(append, (seq, body))

    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="gevent", ping_interval=10, ping_timeout=10)

    @socketio.on("subscribe", namespace="/live")
    def subscribe(data: Any) -> dict[str, Any]:
        join_room("hall", namespace="/live")
        return {"seq": 0, "snapshot": {}}

    @socketio.on("connect", namespace="/live")
    def connect(auth: Any = None) -> None:
        return None

    def journal(kind: str) -> dict[str, Any]:
        with lock:
            seq = next(seqs)
            message = {"type": kind, "seq": seq, "at": "2026-11-26T09:00:00+08:00",
                       "data": {"number": f"A{seq % 1000:03d}", "window": 4,
                                "service": "bench-z", "window_name": "4号窗口",
                                "queue": {"bench-z": {"waiting": 3, "eta_minutes": 5}}}}
            body = json.dumps(message, ensure_ascii=False)
            write(seq, body)
            socketio.emit("event", message, to="hall", namespace="/live")
        return message

    @app.post("/call")
    def call() -> Any:
        return jsonify({"seq": journal("ticket_called")["seq"]})

    @app.post("/complete")
    def complete() -> Any:
        return jsonify({"seq": journal("ticket_completed")["seq"]})

    @app.post("/tickets")
    @app.post("/api/v1/tickets")  # as the hub's kiosks post (bench_issue)
    def tickets() -> Any:
        message = journal("ticket_issued")
        return jsonify({"seq": message["seq"], "number": message["data"]["number"]}), 201

    # The hub's own listening socket (TCP_NODELAY): without it every answer written in
    # two sends waits for the client's delayed ACK, and the floor measured ~40 ms a
    # request of nothing but that. hub.web.server imports nothing of the hub at load.
    listener = server.listener("127.0.0.1", port)
    print("floor ready", flush=True)
    pywsgi.WSGIServer(listener, app, log=None).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
