"""Helpers of the security tests of logins, sockets, keys and the server (real hub processes).

No conftest here on purpose: other security tests share the folder; these import
what they need from this module and from tests/support.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
import socketio

from tools.process import HubProcess

NAMESPACE = "/live"


def demo_hub(folder: Any, mode: str = "gevent", env: dict[str, str] | None = None,
             store: str | None = None, prepare: bool = True) -> HubProcess:
    """A started hub of the demo center (accounts and devices made by `prepare_demo`)."""
    hub = HubProcess(mode, folder=str(folder), env=env, store=store)
    if prepare:
        hub.prepare_demo()
    hub.start()
    return hub


def login(hub: HubProcess, username: str, password: str, **headers: str) -> requests.Response:
    return requests.post(f"{hub.url}/api/v1/auth/token", timeout=60, headers=headers,
                         json={"username": username, "password": password})


class Listener:
    """A python-socketio client of /live that records events and how it ended."""

    def __init__(self, url: str, token: str | None = None, center: str | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.disconnected = threading.Event()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("event", self.events.append, namespace=NAMESPACE)
        self.sio.on("disconnect", lambda *a: self.disconnected.set(), namespace=NAMESPACE)
        auth: dict[str, Any] = {}
        if token:
            auth["token"] = token
        if center:
            auth["center"] = center
        self.sio.connect(url, namespaces=[NAMESPACE], auth=auth, transports=["websocket"],
                         wait_timeout=20)

    def subscribe(self, rooms: list[str]) -> Any:
        return self.sio.call("subscribe", {"rooms": rooms, "since": None},
                             namespace=NAMESPACE, timeout=20)

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
        elif getattr(self.sio.eio, "queue", None) is not None:
            self.sio.eio.queue.put(None)


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def raw_connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10,
                                    source_address=(source, 0))
    return sock


def closed_by_peer(sock: socket.socket, timeout: float) -> bool:
    """Whether the hub closed `sock` (EOF or reset) within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:  # an answer (say, 400) may come before the end
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            if sock.recv(65536) == b"":
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return False


def http_get(port: int, path: str = "/api/v1/health", source: str = "127.0.0.1",
             timeout: float = 10) -> int:
    """The status of a GET sent from `source` on a fresh connection; 0 if refused/closed."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                        source_address=(source, 0))
    except OSError:
        return 0
    try:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                return 0
            data += chunk
        return int(data.split(b" ", 2)[1])
    except OSError:
        return 0
    finally:
        sock.close()
