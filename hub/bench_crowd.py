"""A light crowd of Socket.IO clients for `jiaohao bench` (run as several processes).

`python -m hub.bench_crowd URL TOKEN N` opens N raw WebSockets to /socket.io/
(Engine.IO 4 framing, the Socket.IO protocol by hand: no client library per
connection), connects each to /live, subscribes it to the hall, prints "ready N",
then reads every socket with one selector, answering pings, and records when each
client receives each `ticket_called`. On stdin "done" it prints one JSON line:
{"received": {seq: [receive times]}, "closed": sockets the server closed}.

Several such processes make the crowd, so the figure is the hub's, not the
crowd's: one process of a thousand python-socketio clients on the hub's cores
was itself too slow a reader.
"""

from __future__ import annotations

import json
import selectors
import sys
import time
from collections import defaultdict
from typing import Any
from urllib.parse import urlparse

import websocket

CALLED = '"type":"ticket_called"'


def open_client(url: str, token: str | None, center: str | None) -> websocket.WebSocket:
    parsed = urlparse(url)
    query = f"?center={center}&EIO=4&transport=websocket" if center else \
        "?EIO=4&transport=websocket"
    ws = websocket.create_connection(f"ws://{parsed.netloc}/socket.io/{query}", timeout=60,
                                     enable_multithread=False)
    opened = ws.recv()  # 0{"sid":…,"pingInterval":…}
    if not str(opened).startswith("0"):
        raise RuntimeError(f"no engine.io open packet: {opened!r}")
    auth = {"token": token} if token else {"center": center}
    ws.send("40/live," + json.dumps(auth))
    while True:
        answer = str(ws.recv())
        if answer == "2":
            ws.send("3")
        elif answer.startswith("40/live"):
            break
        elif answer.startswith("44/live"):
            raise RuntimeError(f"refused: {answer}")
    ws.send('42/live,1["subscribe",{"rooms":["hall"],"since":null}]')
    while True:
        answer = str(ws.recv())
        if answer == "2":
            ws.send("3")
        elif answer.startswith("43/live,1"):
            return ws


def main() -> int:
    url, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    center = sys.argv[4] if len(sys.argv) > 4 else None
    received: dict[int, list[float]] = defaultdict(list)
    closed = 0
    clients: list[websocket.WebSocket] = []
    selector = selectors.DefaultSelector()

    def pump(timeout: float) -> bool:
        """Read what the sockets have (answering pings); False once stdin says done."""
        nonlocal closed
        for key, _ in selector.select(timeout=timeout):
            if key.data is None:
                sys.stdin.readline()
                return False
            ws: Any = key.data
            try:
                opcode, data = ws.recv_data()
            except (OSError, websocket.WebSocketException):
                selector.unregister(key.fileobj)
                closed += 1
                continue
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                selector.unregister(key.fileobj)
                closed += 1
                continue
            text = data.decode() if isinstance(data, bytes) else data
            at = time.time()
            if text == "2":
                ws.send("3")
            elif text.startswith('42/live,["event"') and CALLED in text:
                seq = json.loads(text[len("42/live,"):])[1]["seq"]
                received[seq].append(at)
        return True

    # Those connected keep answering pings while the others connect: a slow start
    # must not cost the first ones their connection.
    for _ in range(count):
        for attempt in range(5):
            try:
                ws = open_client(url, token if token != "-" else None, center)
                break
            except (OSError, websocket.WebSocketException):
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))
        sock = ws.sock
        assert sock is not None
        sock.settimeout(30)
        clients.append(ws)
        selector.register(sock, selectors.EVENT_READ, ws)
        pump(0)
    print(f"ready {len(clients)}", flush=True)
    selector.register(sys.stdin, selectors.EVENT_READ, None)
    while pump(1):
        pass
    print(json.dumps({"received": received, "closed": closed}), flush=True)
    for ws in clients:
        try:
            ws.close(timeout=0.1)
        except (OSError, websocket.WebSocketException):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
