"""Three hub processes on one redis-server: one center, one numbering, every call seen once."""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from hub.store.redis import RedisStore
from tests.support.kit import wait_until
from tests.support.redis import start_together
from tools.process import HubProcess

pytestmark = pytest.mark.slow
SERVICES = ["social-security", "medical-insurance", "household", "real-estate"]


@pytest.fixture(scope="module")
def cluster(redis_server: Any, tmp_path_factory: Any) -> Iterator[list[HubProcess]]:
    env = {"JIAOHAO_MESSAGE_QUEUE": redis_server.url}
    hubs = [
        HubProcess("gevent", folder=str(tmp_path_factory.mktemp(f"hub{i}")),
                   store=redis_server.url, env=env)
        for i in range(3)
    ]
    first = hubs[0]
    first.add_user("wangli", "clerk")
    first.add_user("zhaolei", "clerk")
    for name, role in [("kiosk-1", "kiosk"), ("hall-1", "display")]:
        first.add_device(name, role)
    for hub in hubs[1:]:
        hub.passwords, hub.tokens = first.passwords, first.tokens
    start_together(hubs)
    yield hubs
    for hub in hubs:
        hub.stop()
        assert "Traceback" not in hub.log(), hub.log()


def issue(hub: HubProcess, service: str) -> dict[str, Any]:
    answer = requests.post(f"{hub.url}/api/v1/tickets", json={"service": service}, timeout=10,
                           headers={"Authorization": f"Bearer {hub.tokens['kiosk-1']}"})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def assert_gapless(numbers: list[str]) -> None:
    by_prefix: dict[str, list[int]] = defaultdict(list)
    for number in numbers:
        by_prefix[number[0]].append(int(number[1:]))
    for prefix, values in by_prefix.items():
        assert sorted(values) == list(range(1, len(values) + 1)), prefix


def test_eight_clients_across_three_hubs_get_unique_gapless_numbers(
    cluster: list[HubProcess],
) -> None:
    issued: list[str] = []
    lock = threading.Lock()

    def kiosk(index: int) -> None:
        for n in range(40):
            hub = cluster[(index + n) % 3]
            body = issue(hub, SERVICES[(index * 7 + n) % len(SERVICES)])
            with lock:
                issued.append(body["number"])

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(issued) == 320
    assert len(set(issued)) == 320
    assert_gapless(issued)


def test_issued_on_a_called_on_b_is_seen_in_order_by_a_display_on_c(
    cluster: list[HubProcess],
) -> None:
    a, b, c = cluster
    received: list[dict[str, Any]] = []
    display = socketio.Client(reconnection=False)
    display.on("event", received.append, namespace="/live")
    display.connect(c.url, namespaces=["/live"], auth={"token": c.tokens["hall-1"]},
                    transports=["websocket"])
    ack = display.call("subscribe", {"rooms": ["hall"], "since": None}, namespace="/live")
    start_seq = ack["seq"]
    clerk = {"Authorization": f"Bearer {b.login('zhaolei')}"}
    ticket = issue(a, "household")
    assert requests.post(f"{b.url}/api/v1/windows/4/sign-in", headers=clerk, timeout=10).ok
    called = requests.post(f"{b.url}/api/v1/windows/4/call", json={"ticket": ticket["number"]},
                           headers=clerk, timeout=10)
    assert called.status_code == 200, called.text
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
        m["type"] == "ticket_called" and m["data"]["number"] == ticket["number"] for m in received
    ):
        time.sleep(0.05)
    display.disconnect()
    mine = [m for m in received if m["seq"] > start_seq]
    kinds = [(m["type"], m["data"].get("number")) for m in mine]
    assert ("ticket_issued", ticket["number"]) in kinds
    assert ("ticket_called", ticket["number"]) in kinds
    assert kinds.index(("ticket_issued", ticket["number"])) < kinds.index(
        ("ticket_called", ticket["number"]))
    seqs = [m["seq"] for m in mine]
    assert len(seqs) == len(set(seqs))
    call = next(m for m in mine if m["type"] == "ticket_called")
    assert call["data"]["window"] == 4 and call["data"]["window_name"]


def test_a_hub_killed_mid_load_loses_no_acknowledged_ticket(
    cluster: list[HubProcess], redis_server: Any,
) -> None:
    a, b, c = cluster
    acked: list[dict[str, Any]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def kiosk(index: int) -> None:
        n = 0
        while not stop.is_set() and n < 200:
            hub = cluster[(index + n) % 3]
            n += 1
            try:
                answer = requests.post(
                    f"{hub.url}/api/v1/tickets", json={"service": SERVICES[n % 2]}, timeout=5,
                    headers={"Authorization": f"Bearer {hub.tokens['kiosk-1']}"})
            except requests.RequestException:
                continue  # the killed hub: nothing was acknowledged
            if answer.status_code == 201:
                with lock:
                    acked.append(answer.json())

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    # Killed at a random moment of the load: after a random number of tickets (a
    # fixed time may hold none on a loaded machine), and the load goes on after it.
    target = random.randint(3, 15)
    wait_until(lambda: len(acked) >= target, 60, "tickets before the kill")
    b.kill()
    killed = len(acked)
    wait_until(lambda: len(acked) >= killed + 5, 60, "tickets after the kill")
    stop.set()
    for thread in threads:
        thread.join()
    assert acked
    # Every acknowledged ticket is in the journal with the number it was given…
    for ticket in acked:
        for survivor in (a, c):
            found = requests.get(f"{survivor.url}/api/v1/tickets/{ticket['id']}", timeout=10)
            assert found.status_code == 200, ticket
            assert found.json()["number"] == ticket["number"]
    # …and the survivors keep serving, without duplicates.
    more = [issue(a, "household")["number"], issue(c, "household")["number"]]
    assert len(set(more)) == 2
    store = RedisStore(redis_server.url)
    numbers = [e.number for e in store.load("demo") if e.type == "ticket_issued"]  # type: ignore[attr-defined]
    store.close()
    assert len(numbers) == len(set(numbers))
    assert_gapless(numbers)
    b.start()  # back for the tests after this one


def test_redis_restarted_with_aof_always_keeps_every_acknowledged_ticket(
    cluster: list[HubProcess], redis_server: Any,
) -> None:
    a = cluster[0]
    acked = [issue(a, "real-estate") for _ in range(30)]
    redis_server.restart(kill=True)
    store = RedisStore(redis_server.url)
    ids = {e.ticket for e in store.load("demo") if e.type == "ticket_issued"}  # type: ignore[attr-defined]
    store.close()
    assert {t["id"] for t in acked} <= ids
    # The hubs reconnect by themselves and go on numbering after what is there.
    deadline = time.monotonic() + 20
    while True:
        try:
            after = issue(a, "real-estate")
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    assert int(after["number"][1:]) == int(acked[-1]["number"][1:]) + 1
