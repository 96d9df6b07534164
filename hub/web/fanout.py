"""One WebSocket frame per message, not one per client.

python-socketio encodes an event once per emit and Engine.IO caches the packet's
text, so every client of a room is handed the same string; simple-websocket then
frames it again for each connection through wsproto (pure Python, about a sixth
of the hub's CPU with a thousand clients on a room). `install()` makes a
connection without extensions send the frame built for the first client of that
message: a server's text frame is the same bytes for every unextended connection
(RFC 6455: FIN, opcode 1, the length, the UTF-8 payload; server frames are not
masked). A connection that negotiated permessage-deflate (browsers do) keeps its
own compressed frames.
"""

from __future__ import annotations

from typing import Any

CACHED = 64  # messages whose frames are kept (the newest)


def text_frame(text: str) -> bytes:
    """The unmasked, unfragmented WebSocket text frame of `text`."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return header + payload


def install() -> None:
    """Patch simple-websocket's send (once) to share frames between connections."""
    from simple_websocket import ws as simple

    base: Any = simple.Base
    if getattr(base.send, "shares_frames", False):
        return
    original = base.send
    frames: dict[str, bytes] = {}

    def send(self: Any, data: Any) -> None:
        connection = getattr(self.ws, "connection", None)
        proto = getattr(connection, "_proto", None)
        if (not isinstance(data, str) or not self.is_server or not self.connected
                or proto is None or proto.extensions):
            original(self, data)
            return
        frame = frames.get(data)
        if frame is None:
            frame = frames[data] = text_frame(data)
            if len(frames) > CACHED:
                del frames[next(iter(frames))]
        self.sock.sendall(frame)

    send.shares_frames = True  # type: ignore[attr-defined]
    base.send = send
