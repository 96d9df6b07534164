"""The hub's listening socket (hub/web/server.py:listener), which the bench's floor
uses too: connections accepted from it send without Nagle's delay. Without
TCP_NODELAY an answer written in two sends (headers, then body) waits for the
client's delayed ACK, ~40 ms a request (the floor measured 177 tickets/s so)."""

from __future__ import annotations

import socket

from hub.web.server import listener


def test_accepted_connections_send_without_delay() -> None:
    sock = listener("127.0.0.1", 0)
    try:
        client = socket.create_connection(sock.getsockname()[:2], timeout=5)
        accepted, _ = sock.accept()
        with client, accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        sock.close()

