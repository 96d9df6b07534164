"""Centers partitioned across hub processes: each center's commands go to its preferred
process (nginx `hash $arg_center consistent`), and when that process dies the other one
takes the center's writes with nothing acknowledged lost."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import requests

from hub.store.redis import RedisStore
from tests.hub.hubkit import LiveClient
from tests.support.kit import wait_until
from tools.process import DEMO_CONFIG, HubProcess

pytestmark = pytest.mark.slow
RIVERSIDE = str(Path(__file__).with_name("riverside.toml"))
CENTERS = f"{DEMO_CONFIG},{RIVERSIDE}"


def test_the_other_process_takes_a_dead_processs_center_with_nothing_acknowledged_lost(
        redis_server: Any, tmp_path: Path) -> None:
    env = {"JIAOHAO_MESSAGE_QUEUE": redis_server.url, "JIAOHAO_CENTERS": CENTERS}
    a, b = (HubProcess("gevent", folder=str(tmp_path / name), store=redis_server.url, env=env)
            for name in ("a", "b"))
    a.add_device("kiosk-demo", "kiosk")
    a.config = RIVERSIDE
    a.add_device("kiosk-river", "kiosk")
    a.config = DEMO_CONFIG
    b.tokens = a.tokens
    a.start()
    b.start()
    # demo prefers a, riverside prefers b; a kiosk whose process is gone retries on
    # the other, as nginx does with the next server of the upstream.
    preferred = {"demo": [a, b], "riverside": [b, a]}
    service = {"demo": "household", "riverside": "household"}
    acknowledged: dict[str, list[dict[str, Any]]] = defaultdict(list)
    served_by: dict[str, set[int]] = defaultdict(set)
    lock = threading.Lock()
    stop = threading.Event()
    errors: list[str] = []

    def kiosk(center: str) -> None:
        token = a.tokens["kiosk-demo" if center == "demo" else "kiosk-river"]
        session = requests.Session()
        while not stop.is_set():
            for hub in preferred[center]:
                try:
                    answer = session.post(
                        f"{hub.url}/api/v1/tickets?center={center}", timeout=20,
                        json={"service": service[center]},
                        headers={"Authorization": f"Bearer {token}"})
                except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                    # The process is gone (killed before or while it answered: an answer
                    # cut short acknowledged nothing): the next one.
                    continue
                if answer.status_code == 201:
                    with lock:
                        acknowledged[center].append(answer.json())
                        served_by[center].add(hub.port)
                elif answer.status_code != 503:
                    errors.append(f"{answer.status_code} {answer.text[:200]}")
                break
            else:
                time.sleep(0.05)

    threads = [threading.Thread(target=kiosk, args=(center,))
               for center in ("demo", "riverside") for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while len(acknowledged["demo"]) < 60:
            assert time.monotonic() < deadline, "the kiosks did not get 60 tickets"
            time.sleep(0.05)
        assert served_by["demo"] == {a.port}  # one writer in normal operation
        a.kill()  # demo's preferred process dies mid-load
        at_kill = len(acknowledged["demo"])
        while len(acknowledged["demo"]) < at_kill + 60:
            assert time.monotonic() < deadline, "the other process did not take demo"
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
        b.stop()
        a.stop()
    assert not errors, errors[:3]
    assert served_by["demo"] == {a.port, b.port}
    assert served_by["riverside"] == {b.port}
    store = RedisStore(redis_server.url)
    try:
        for center in ("demo", "riverside"):
            journal = list(store.load(center))
            assert [e.seq for e in journal] == list(range(1, len(journal) + 1))
            tickets = {e.ticket: e.number for e in journal  # type: ignore[attr-defined]
                       if e.type == "ticket_issued"}
            # Every acknowledged ticket is in the journal, under the number it was given;
            # no number was given twice (some taken by a request cut off by the kill
            # may never have been answered: they are in the journal too).
            for ticket in acknowledged[center]:
                assert tickets.get(ticket["id"]) == ticket["number"], ticket
            numbers = sorted(int(n[1:]) for n in tickets.values())
            assert numbers == list(range(1, len(numbers) + 1)), center
    finally:
        store.close()
    assert "Traceback" not in b.log(), b.log()


def centers_health(hub: HubProcess) -> dict[str, dict[str, Any]]:
    answer: dict[str, dict[str, Any]] = requests.get(f"{hub.url}/api/v1/health",
                                                     timeout=10).json()["centers"]
    return answer


def test_a_process_rests_the_center_another_serves_and_follows_it_again_when_asked(
        redis_server: Any, tmp_path: Path) -> None:
    # Each process folds only the centers it serves (issue 13: 1 -> 2 processes): b
    # stops following demo while a writes to it and nothing asks b about it; a display
    # connecting to b, or a's death, makes b catch up and follow it again.
    env = {"JIAOHAO_MESSAGE_QUEUE": redis_server.url, "JIAOHAO_CENTERS": CENTERS,
           "JIAOHAO_FOLLOW_IDLE_SECONDS": "1"}
    a, b = (HubProcess("gevent", folder=str(tmp_path / name), store=redis_server.url, env=env)
            for name in ("a", "b"))
    a.add_device("kiosk-resting", "kiosk")
    a.add_device("hall-resting", "display")
    b.tokens = a.tokens
    a.start()
    b.start()
    kiosk = {"Authorization": f"Bearer {a.tokens['kiosk-resting']}"}
    issued: list[dict[str, Any]] = []
    stop = threading.Event()

    def issue(hub: HubProcess) -> dict[str, Any]:
        answer = requests.post(f"{hub.url}/api/v1/tickets?center=demo", timeout=20,
                               json={"service": "household"}, headers=kiosk)
        assert answer.status_code == 201, answer.text
        ticket: dict[str, Any] = answer.json()
        issued.append(ticket)
        return ticket

    def load() -> None:
        while not stop.is_set():
            issue(a)
            time.sleep(0.05)

    def resting_on_b() -> bool:
        return centers_health(b)["demo"]["followed"] is False

    worker = threading.Thread(target=load)
    display = LiveClient(b.url, a.tokens["hall-resting"])
    try:
        worker.start()
        wait_until(resting_on_b, 30, "b resting demo while a writes to it")
        assert centers_health(a)["demo"]["followed"] is True
        assert centers_health(b)["riverside"]["followed"] is True  # nobody writes to it
        # A hall display of demo connects to b: b catches up first, then relays a's events.
        seen = centers_health(a)["demo"]["seq"]
        display.connect()
        ack = display.subscribe(["hall"], None)
        assert ack["seq"] >= seen
        assert centers_health(b)["demo"]["followed"] is True
        assert display.wait_for(lambda got: any(
            e["type"] == "ticket_issued" and e["seq"] > ack["seq"] for e in got), 20)
        display.disconnect()
        # With its display gone, b rests demo again; then a dies, and b takes demo's
        # kiosk from where the journal stands.
        wait_until(resting_on_b, 30, "b resting demo again once its display left")
    finally:
        stop.set()
        worker.join(30)
    try:
        a.kill()
        last = issued[-1]
        taken = issue(b)
        assert int(taken["number"][1:]) == int(last["number"][1:]) + 1, (last, taken)
        assert centers_health(b)["demo"]["followed"] is True
    finally:
        b.stop()
        a.stop()
    numbers = [int(ticket["number"][1:]) for ticket in issued]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert "Traceback" not in b.log(), b.log()
