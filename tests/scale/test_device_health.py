"""Device health reports merge by part, in memory and in Redis, and on a real hub.

A display with no sound card reports `sound: no_device`; a second later it reports
`display: shown`. The board must keep both: a part is cleared only by a later
report of that same part, so managers learn that the hall is mute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from hub.store.shared import DeviceBoard, DeviceHealth, RedisDeviceBoard
from tools.process import HubProcess

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=timezone(timedelta(hours=8)))
MUTE = {"sound": "no_device", "message": "no sound card"}
SHOWN = {"state": "shown", "page": "/display/hall"}


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.slow)])
def board(request: pytest.FixtureRequest) -> Iterator[DeviceBoard]:
    if request.param == "memory":
        yield DeviceBoard()
        return
    server = request.getfixturevalue("redis_server")
    client = server.client()
    client.flushdb()
    yield RedisDeviceBoard(client, "test")
    client.close()


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_report_of_one_part_leaves_the_other_parts_standing(board: DeviceBoard) -> None:
    board.report("c", DeviceHealth("hall-1", "display", at(0),
                                   {"sound": MUTE, "message": "no sound card"}))
    board.report("c", DeviceHealth("hall-1", "display", at(1), {"display": SHOWN}))
    health = board.health("c")["hall-1"]
    assert health.report == {"sound": MUTE, "message": "no sound card", "display": SHOWN}
    assert health.parts_at == {"sound": at(0), "message": at(0), "display": at(1)}
    assert health.at == at(1)
    assert health.role == "display"


def test_a_part_is_cleared_only_by_a_report_of_that_part(board: DeviceBoard) -> None:
    board.report("c", DeviceHealth("hall-1", "display", at(0), {"sound": MUTE}))
    board.report("c", DeviceHealth("hall-1", "display", at(1), {"display": SHOWN}))
    board.report("c", DeviceHealth("hall-1", "display", at(2), {"display": SHOWN}))
    assert board.health("c")["hall-1"].report["sound"] == MUTE
    board.report("c", DeviceHealth("hall-1", "display", at(3), {"sound": {"sound": "ok"}}))
    health = board.health("c")["hall-1"]
    assert health.report == {"sound": {"sound": "ok"}, "display": SHOWN}
    assert health.parts_at == {"sound": at(3), "display": at(2)}


def test_devices_and_centers_stay_apart(board: DeviceBoard) -> None:
    board.report("c", DeviceHealth("hall-1", "display", at(0), {"sound": MUTE}))
    board.report("c", DeviceHealth("kiosk-1", "kiosk", at(1), {"printer": {"paper": "out"}}))
    board.report("d", DeviceHealth("hall-1", "display", at(2), {"display": SHOWN}))
    assert {name: h.report for name, h in board.health("c").items()} == {
        "hall-1": {"sound": MUTE}, "kiosk-1": {"printer": {"paper": "out"}}}
    assert board.health("d")["hall-1"].report == {"display": SHOWN}
    assert board.health("nowhere") == {}


@pytest.mark.slow
def test_redis_merges_reports_of_many_processes_at_once(redis_server: Any) -> None:
    """Boards of several processes (own clients) reporting different parts of one
    device at the same time: every part's latest value is kept."""
    redis_server.client().flushdb()
    boards = [RedisDeviceBoard(redis_server.client(), "test") for _ in range(4)]
    parts = ["sound", "display", "printer", "message"]

    def send(index: int) -> None:
        for n in range(50):
            boards[index].report("c", DeviceHealth("hall-1", "display", at(n),
                                                   {parts[index]: {"n": n}}))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    health = boards[0].health("c")["hall-1"]
    assert health.report == {part: {"n": 49} for part in parts}
    assert health.at == at(49)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: Any) -> Iterator[HubProcess]:
    process = HubProcess("gevent", folder=str(tmp_path_factory.mktemp("hub")))
    process.add_user("director", "manager")
    process.add_device("hall-1", "display")
    process.start()
    yield process
    process.stop()
    assert "Traceback" not in process.log(), process.log()


def send(hub: HubProcess, device: str, report: dict[str, Any]) -> None:
    answer = requests.post(f"{hub.url}/api/v1/devices/health", json=report, timeout=10,
                           headers={"Authorization": f"Bearer {hub.tokens[device]}"})
    assert answer.status_code == 200, answer.text


def get(hub: HubProcess, path: str, token: str) -> Any:
    answer = requests.get(f"{hub.url}/api/v1{path}", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.slow
def test_the_hub_keeps_a_mute_hall_after_the_page_is_shown(hub: HubProcess) -> None:
    manager = hub.login("director")
    send(hub, "hall-1", {"sound": MUTE, "message": "no sound card"})
    send(hub, "hall-1", {"display": SHOWN})  # what the display agent sends next
    listed = next(d for d in get(hub, "/manage/devices", manager)["devices"]
                  if d["name"] == "hall-1")
    assert listed["health"]["sound"] == MUTE
    assert listed["health"]["display"] == SHOWN
    reports = [d["report"] for d in get(hub, "/devices", manager)["devices"]
               if d["device"] == "hall-1"]
    assert reports == [{"sound": MUTE, "message": "no sound card", "display": SHOWN}]
    times = next(d["parts_at"] for d in get(hub, "/devices", manager)["devices"]
                 if d["device"] == "hall-1")
    assert sorted(times) == ["display", "message", "sound"]
    assert times["sound"] <= times["display"]
    alerts = {a["id"]: a for a in get(hub, "/manage/alerts", manager)["alerts"]}
    assert alerts["device_fault:hall-1:sound"]["data"]["message"] == "no sound card"
    # the sound coming back clears the fault; the page stays reported
    send(hub, "hall-1", {"sound": {"sound": "ok"}, "message": ""})
    alerts = {a["id"] for a in get(hub, "/manage/alerts", manager)["alerts"]}
    assert "device_fault:hall-1:sound" not in alerts


def device_report(hub: HubProcess, manager: str, device: str) -> Any:
    try:
        answer = requests.get(f"{hub.url}/api/v1/devices", timeout=3,
                              headers={"Authorization": f"Bearer {manager}"})
    except requests.RequestException:
        return None
    if answer.status_code != 200:
        return None
    return next((d["report"] for d in answer.json()["devices"] if d["device"] == device), None)


@pytest.mark.slow
def test_a_device_agent_tells_a_restarted_hub_its_health_again(tmp_path: Any) -> None:
    """The hub keeps health in memory (one process, no Redis): after a restart it
    knows nothing until the device says it again. The agent's reporter notices the
    hub coming back and sends every part's latest value within seconds."""
    from client.agent import HealthReporter

    hub = HubProcess("gevent", folder=str(tmp_path))
    hub.add_user("director", "manager")
    hub.add_device("hall-1", "display")
    hub.start()
    reporter = HealthReporter(hub.url, hub.tokens["hall-1"])
    try:
        reporter.keep(every=0.5)
        assert reporter.report(sound=MUTE, message="no sound card")
        assert reporter.report(display=SHOWN)
        whole = {"sound": MUTE, "message": "no sound card", "display": SHOWN}
        assert device_report(hub, hub.login("director"), "hall-1") == whole
        hub.stop()
        hub.start()
        manager = hub.login("director")
        deadline = time.monotonic() + 5
        while device_report(hub, manager, "hall-1") != whole:
            assert time.monotonic() < deadline, "the restarted hub still has no health"
            time.sleep(0.2)
        assert reporter.resent >= 1
        alerts = {a["id"] for a in get(hub, "/manage/alerts", manager)["alerts"]}
        assert "device_fault:hall-1:sound" in alerts
    finally:
        reporter.close()
        hub.stop()
