"""Finding 5: idle and half-sent connections are closed after `idle_timeout` seconds,
each address may hold only `max_connections_per_address`, and websockets that ping
stay open (both green-thread servers)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from authkit import Listener, closed_by_peer, demo_hub, http_get, raw_connect

from tests.support.kit import wait_until
from tools.process import HubProcess

pytestmark = pytest.mark.slow
IDLE = 4
CAP = 20


@pytest.fixture(scope="module", params=["gevent", "eventlet"])
def hub(request: Any, tmp_path_factory: Any) -> Iterator[HubProcess]:
    process = demo_hub(tmp_path_factory.mktemp(f"timeouts-{request.param}"), request.param,
                       env={"JIAOHAO_IDLE_TIMEOUT": str(IDLE),
                            "JIAOHAO_MAX_CONNECTIONS_PER_ADDRESS": str(CAP)})
    yield process
    process.stop()
    assert "Traceback" not in process.log(), process.log()


def test_idle_and_half_sent_connections_are_closed(hub: HubProcess) -> None:
    idle = [raw_connect(hub.port) for _ in range(10)]
    half = raw_connect(hub.port)
    half.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")  # never ends its header
    kept = raw_connect(hub.port)  # a keep-alive connection after one request
    kept.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
    assert kept.recv(12).startswith(b"HTTP/1.1 200")
    started = time.monotonic()
    try:
        for sock in [*idle, half]:
            assert closed_by_peer(sock, IDLE * 3), "an idle connection stayed open"
        # the rest of the kept connection's answer, then its close
        kept.settimeout(IDLE * 3)
        while kept.recv(65536):
            pass
        assert time.monotonic() - started >= IDLE - 1.5  # not closed at once
        assert http_get(hub.port) == 200
    finally:
        for sock in [*idle, half, kept]:
            sock.close()


def test_an_address_over_its_cap_is_refused_while_others_are_served(hub: HubProcess) -> None:
    held = [raw_connect(hub.port) for _ in range(CAP)]
    try:
        # refused once the hub has accepted them all: this address holds its cap
        wait_until(lambda: http_get(hub.port) == 0, 10, "the address to be refused")
        assert http_get(hub.port, source="127.0.0.2") == 200
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 5
    while http_get(hub.port) != 200:
        assert time.monotonic() < deadline, "the address stayed refused after closing"
        time.sleep(0.1)


def test_a_websocket_that_pings_outlives_the_idle_timeout(hub: HubProcess) -> None:
    hall = Listener(hub.url, hub.tokens["hall-1"])
    try:
        assert "seq" in hall.subscribe(["hall"])
        # Asserts that the websocket is NOT closed: twice the idle timeout, by which an
        # idle HTTP connection is closed (the test above), is long enough to see it.
        time.sleep(IDLE * 2)
        assert hall.sio.connected and not hall.disconnected.is_set()
        answer = requests.post(f"{hub.url}/api/v1/tickets", json={"service": "household"},
                               headers={"Authorization": f"Bearer {hub.tokens['kiosk-1']}"},
                               timeout=10)
        assert answer.status_code == 201
        deadline = time.monotonic() + 10
        while not any(e["type"] == "ticket_issued" for e in hall.events):
            assert time.monotonic() < deadline, "the websocket heard nothing"
            time.sleep(0.05)
    finally:
        hall.close()
