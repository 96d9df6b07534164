"""Two hub processes on one Redis agree on devices and tell each phone once.

- a health report sent to one process is what the other lists;
- a display connected to one process is online for the other, and once it is gone
  both raise the same `device_offline` alert;
- phones following the same ticket through different processes each get one
  `progress` per change (each process tells only its own phones).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.hub.hubkit import LiveClient
from tests.support.kit import wait_until
from tests.support.redis import start_together
from tools.process import HubProcess

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pair(redis_server: Any, tmp_path_factory: Any) -> Iterator[list[HubProcess]]:
    env = {"JIAOHAO_MESSAGE_QUEUE": redis_server.url}
    hubs = [HubProcess("gevent", folder=str(tmp_path_factory.mktemp(f"hub{i}")),
                       store=redis_server.url, env=env) for i in range(2)]
    first = hubs[0]
    first.add_user("director", "manager")
    first.add_user("wangli", "clerk")
    first.add_device("kiosk-1", "kiosk")
    first.add_device("hall-1", "display")
    hubs[1].passwords, hubs[1].tokens = first.passwords, first.tokens
    start_together(hubs)
    yield hubs
    for hub in hubs:
        hub.stop()
        assert "Traceback" not in hub.log(), hub.log()


def get(hub: HubProcess, path: str, token: str) -> Any:
    answer = requests.get(f"{hub.url}/api/v1{path}", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def device(hub: HubProcess, manager: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(d for d in get(hub, "/manage/devices", manager)["devices"]
                                 if d["name"] == name)
    return found


def until(predicate: Any, timeout: float, what: str) -> None:
    wait_until(predicate, timeout, what, interval=0.25)


def test_device_health_and_presence_are_the_same_on_every_process(
    pair: list[HubProcess],
) -> None:
    a, b = pair
    managers = {hub.url: hub.login("director") for hub in pair}
    report = {"printer": {"online": True, "paper": "out"}}
    sent = requests.post(f"{a.url}/api/v1/devices/health", json=report, timeout=10,
                         headers={"Authorization": f"Bearer {a.tokens['kiosk-1']}"})
    assert sent.status_code == 200, sent.text
    for hub in pair:  # the report reached process A; B lists it and alerts on it too
        assert device(hub, managers[hub.url], "kiosk-1")["health"] == report
        listed = get(hub, "/devices", managers[hub.url])["devices"]
        assert [d["report"] for d in listed if d["device"] == "kiosk-1"] == [report]
        alerts = {x["id"] for x in get(hub, "/manage/alerts", managers[hub.url])["alerts"]}
        assert "device_fault:kiosk-1:printer" in alerts

    display = LiveClient(a.url, a.tokens["hall-1"]).connect()
    display.subscribe(["hall"])
    until(lambda: all(device(hub, managers[hub.url], "hall-1")["online"] for hub in pair), 10,
          "the display on A to be online for both processes")
    display.disconnect()
    until(lambda: not any(device(hub, managers[hub.url], "hall-1")["online"] for hub in pair),
          10, "the display to be offline for both")

    def offline_everywhere() -> bool:
        return all("device_offline:hall-1" in {
            x["id"] for x in get(hub, "/manage/alerts", managers[hub.url])["alerts"]}
            for hub in pair)

    until(offline_everywhere, 40, "both processes to raise device_offline:hall-1")


def test_phones_on_two_processes_following_one_ticket_each_hear_each_change_once(
    pair: list[HubProcess],
) -> None:
    a, b = pair
    kiosk = {"Authorization": f"Bearer {a.tokens['kiosk-1']}"}
    tickets = []
    for _ in range(3):
        answer = requests.post(f"{a.url}/api/v1/tickets", json={"service": "real-estate"},
                               headers=kiosk, timeout=10)
        assert answer.status_code == 201, answer.text
        tickets.append(answer.json())
    followed = tickets[-1]
    phones = [LiveClient(hub.url) for hub in pair]
    heard: list[list[dict[str, Any]]] = [[], []]
    lock = threading.Lock()
    for index, phone in enumerate(phones):
        phone.sio.on("progress", lambda m, i=index: (lock.acquire(), heard[i].append(m),
                                                     lock.release()), namespace="/live")
        phone.center = "demo"
        phone.connect()
        assert "seq" in phone.subscribe([f"ticket:{followed['id']}"])
    clerk = {"Authorization": f"Bearer {b.login('wangli')}"}
    for hub in (a, b):  # one call through each process
        assert requests.post(f"{hub.url}/api/v1/windows/5/sign-in", headers=clerk,
                             timeout=10).ok
        called = requests.post(f"{hub.url}/api/v1/windows/5/call-next", json={},
                               headers=clerk, timeout=10)
        assert called.status_code == 200, called.text
        requests.post(f"{hub.url}/api/v1/windows/5/complete", json={}, headers=clerk,
                      timeout=10)
    time.sleep(2)  # a doubled message would have come by now
    for phone in phones:
        phone.disconnect()
    for index in range(2):
        with lock:
            got = [(m["seq"], m["data"]["ahead"]) for m in heard[index]
                   if m["data"]["number"] == followed["number"]]
        seqs = [seq for seq, _ in got]
        assert len(seqs) == len(set(seqs)), f"phone on process {index} heard {got}"
        assert got and got[-1][1] == 0 and any(ahead == 1 for _, ahead in got), got
