"""A light crowd of Socket.IO clients for `jiaohao bench` (run as several processes).

`python -m tools.bench_crowd URL TOKEN N` opens N raw WebSockets to /socket.io/
(Engine.IO 4 framing, the Socket.IO protocol by hand: no client library per
connection) and connects each to /live; then every client asks to subscribe to
the hall at once (as a hall's phones do when its Wi-Fi comes back), and the
process reads every socket with one selector, answering pings, until each has its
acknowledgement: it prints "ready N" (N: the clients subscribed). It then records
when each client receives each `ticket_called`. On stdin "done" it prints one
JSON line: {"received": {seq: [arrival times]}, "read": {seq: [read times]},
"closed": sockets the server closed, "refused": subscriptions refused}.

Arrival times are the kernel's (SO_TIMESTAMPNS: when the hub's bytes reached the
client's socket; on loopback, when the hub wrote them), so the crowd's own
reading — several processes of Python on the hub's cores — does not count in
the hub's figure; read times (when this process got to the frame) are kept too,
to show the difference. No client ever blocks the others: a client waiting for
its acknowledgement is read by the same selector as every other one.
"""

from __future__ import annotations

import json
import selectors
import socket
import struct
import sys
import time
from collections import defaultdict
from urllib.parse import urlparse

import websocket

CALLED = '"type":"ticket_called"'
SUBSCRIBE = '42/live,1["subscribe",{"rooms":["hall"],"since":null}]'
TIMESTAMP = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; 35 on every architecture
ANCILLARY = socket.CMSG_SPACE(16)


def connect_client(url: str, token: str | None, center: str | None) -> websocket.WebSocket:
    """A raw WebSocket connected to /live (not yet subscribed)."""
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
            return ws
        elif answer.startswith("44/live"):
            raise RuntimeError(f"refused: {answer}")


def open_client(url: str, token: str | None, center: str | None) -> websocket.WebSocket:
    """A raw WebSocket connected to /live and subscribed to the hall (blocking)."""
    ws = connect_client(url, token, center)
    ws.send(SUBSCRIBE)
    while True:
        answer = str(ws.recv())
        if answer == "2":
            ws.send("3")
        elif answer.startswith("43/live,1"):
            return ws


class Reader:
    """One client's socket read by hand: whole frames out of what arrived, each with
    the kernel's arrival time of the bytes that completed it."""

    def __init__(self, ws: websocket.WebSocket) -> None:
        self.ws = ws
        self.sock: socket.socket = ws.sock  # type: ignore[assignment]
        self.sock.setsockopt(socket.SOL_SOCKET, TIMESTAMP, 1)
        self.sock.setblocking(False)
        self.buffer = bytearray()
        self.subscribed = False

    def read(self) -> list[tuple[int, bytes, float]] | None:
        """The frames completed by what can be read now (opcode, payload, arrival);
        None when the server closed the connection."""
        try:
            data, ancillary, _flags, _address = self.sock.recvmsg(1 << 16, ANCILLARY)
        except BlockingIOError:
            return []
        except OSError:
            return None
        if not data:
            return None
        arrived = time.time()
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == TIMESTAMP and len(value) >= 16:
                seconds, nanoseconds = struct.unpack("qq", value[:16])
                arrived = seconds + nanoseconds / 1e9
        self.buffer += data
        frames: list[tuple[int, bytes, float]] = []
        while True:
            frame = self._frame()
            if frame is None:
                return frames
            frames.append((frame[0], frame[1], arrived))

    def _frame(self) -> tuple[int, bytes] | None:
        buffer = self.buffer
        if len(buffer) < 2:
            return None
        opcode, size, start = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
        if size == 126:
            if len(buffer) < 4:
                return None
            size, start = int.from_bytes(buffer[2:4], "big"), 4
        elif size == 127:
            if len(buffer) < 10:
                return None
            size, start = int.from_bytes(buffer[2:10], "big"), 10
        if len(buffer) < start + size:
            return None
        payload = bytes(buffer[start:start + size])  # server frames are not masked
        del buffer[:start + size]
        return opcode, payload

    def send(self, text: str) -> None:
        # websocket-client masks the frame; a short frame fits the socket's buffer
        self.sock.setblocking(True)
        try:
            self.ws.send(text)
        finally:
            self.sock.setblocking(False)


def main() -> int:
    url, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    center = sys.argv[4] if len(sys.argv) > 4 else None
    received: dict[int, list[float]] = defaultdict(list)
    read: dict[int, list[float]] = defaultdict(list)
    closed = refused = subscribed = 0
    selector = selectors.DefaultSelector()

    def pump(timeout: float) -> bool:
        """Read what the sockets have (answering pings); False once stdin says done."""
        nonlocal closed, refused, subscribed
        for key, _ in selector.select(timeout=timeout):
            if key.data is None:
                sys.stdin.readline()
                return False
            reader: Reader = key.data
            frames = reader.read()
            if frames is None:
                selector.unregister(key.fileobj)
                closed += 1
                continue
            now = time.time()
            for opcode, payload, arrived in frames:
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    selector.unregister(key.fileobj)
                    closed += 1
                    break
                text = payload.decode()
                if text == "2":
                    reader.send("3")
                elif text.startswith('42/live,["event"') and CALLED in text:
                    seq = json.loads(text[len("42/live,"):])[1]["seq"]
                    received[seq].append(arrived)
                    read[seq].append(now)
                elif text.startswith("43/live,1") and not reader.subscribed:
                    reader.subscribed = True
                    if '"error"' in text:
                        refused += 1
                    else:
                        subscribed += 1
        return True

    readers = []
    for _ in range(count):
        for attempt in range(5):
            try:
                ws = connect_client(url, token if token != "-" else None, center)
                break
            except (OSError, websocket.WebSocketException):
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))
        reader = Reader(ws)
        readers.append(reader)
        selector.register(reader.sock, selectors.EVENT_READ, reader)
        pump(0)  # those connected answer their pings while the others connect
    for reader in readers:  # every client subscribes at once
        reader.send(SUBSCRIBE)
    deadline = time.monotonic() + 600
    while subscribed + refused + closed < count and time.monotonic() < deadline:
        pump(0.5)
    print(f"ready {subscribed}", flush=True)
    selector.register(sys.stdin, selectors.EVENT_READ, None)
    while pump(1):
        pass
    print(json.dumps({"received": received, "read": read, "closed": closed,
                      "refused": refused}), flush=True)
    for reader in readers:
        try:
            reader.sock.close()
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
