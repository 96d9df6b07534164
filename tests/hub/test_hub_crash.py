"""kill -9 in the middle of issuing: nothing acknowledged is lost, numbering goes on."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from typing import Any

import pytest
import requests
from hubkit import HubProcess, busy_config, seqs

pytestmark = pytest.mark.slow

KIOSKS = 6
SERVICES = {"social-security": "A", "medical-insurance": "B", "household": "C"}
ROUNDS = 2
PER_KIOSK = 80  # tickets a kiosk issues per round at most


@pytest.fixture(scope="module")
def hub_options(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return {"config": busy_config(tmp_path_factory.mktemp("config"))}


class Issuing:
    """Kiosk threads issuing tickets until the hub stops answering."""

    def __init__(self, hub: HubProcess) -> None:
        self.hub = hub
        self.acknowledged: list[dict[str, Any]] = []
        self.refused: list[str] = []
        self.cut_off = 0  # kiosks whose request the kill cut off
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._kiosk, args=(n,)) for n in range(KIOSKS)]

    def start(self) -> Issuing:
        for thread in self.threads:
            thread.start()
        return self

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=120)
            assert not thread.is_alive()

    def _kiosk(self, number: int) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {self.hub.device(f'kiosk-{number + 1}')}"}
        services = list(SERVICES)
        for count in range(PER_KIOSK):
            service = services[(number + count) % len(services)]
            try:
                response = session.post(self.hub.base_url + "/api/v1/tickets",
                                        json={"service": service}, headers=headers, timeout=30)
            except requests.RequestException:
                with self.lock:
                    self.cut_off += 1
                return  # the hub is gone
            with self.lock:
                if response.status_code == 201:
                    self.acknowledged.append(response.json())
                else:
                    self.refused.append(f"{response.status_code} {response.text[:200]}")
                    return


def check_journal(hub: HubProcess) -> list[dict[str, Any]]:
    """The journal is gapless and its tickets are numbered 1..n per service, once each."""
    journal = hub.events()
    assert seqs(journal) == list(range(1, len(journal) + 1))
    issued = [e["data"] for e in journal if e["type"] == "ticket_issued"]
    numbers: dict[str, list[str]] = defaultdict(list)
    for ticket in issued:
        numbers[ticket["service"]].append(ticket["number"])
    for service, found in numbers.items():
        prefix = SERVICES[service]
        assert found == [f"{prefix}{n:03d}" for n in range(1, len(found) + 1)], service
    assert len({t["id"] for t in issued}) == len(issued)
    return issued


def test_kill_9_while_issuing_loses_no_acknowledged_ticket(hub: HubProcess) -> None:
    randomness = random.Random()
    acknowledged: list[dict[str, Any]] = []
    display = hub.live(hub.device("hall-1")).connect()
    display.subscribe(["hall"], since=None)
    try:
        for _round in range(ROUNDS):
            # Kill at a random moment of the issuing: after 20 to 240 of its tickets
            # (of the 480 the kiosks would issue), whatever the machine's speed.
            kill_at = len(display.events()) + randomness.randint(20, 240)
            issuing = Issuing(hub).start()
            assert display.wait_for(lambda got, at=kill_at: len(got) >= at, timeout=60)
            hub.kill()
            issuing.join()
            assert not issuing.refused, issuing.refused[:3]
            assert issuing.acknowledged
            assert issuing.cut_off, "every kiosk finished before the kill"
            acknowledged += issuing.acknowledged
            heard = display.events()
            display.disconnect()

            hub.start()
            public = hub.api()
            for ticket in acknowledged:
                found = public.ok("GET", f"/tickets/{ticket['id']}")
                assert (found["number"], found["service"]) == (ticket["number"], ticket["service"])
            issued = check_journal(hub)
            assert {t["id"] for t in acknowledged} <= {t["id"] for t in issued}

            # The display comes back with the last seq it applied and gets exactly what
            # it missed, including what was durable but never pushed before the kill.
            display = hub.live(hub.device("hall-1")).connect()
            ack = display.subscribe(["hall"], since=heard[-1]["seq"])
            assert seqs(ack["events"]) == list(range(heard[-1]["seq"] + 1, ack["seq"] + 1))
            assert ack["seq"] == hub.seq()

        # Issuing goes on after the restarts, from where the journal stands.
        before = check_journal(hub)
        last = {s: sum(1 for t in before if t["service"] == s) for s in SERVICES}
        kiosk = hub.api(hub.device("kiosk-1"))
        for service, prefix in SERVICES.items():
            ticket = kiosk.issue(service)
            assert ticket["number"] == f"{prefix}{last[service] + 1:03d}"
        check_journal(hub)
    finally:
        display.disconnect()
