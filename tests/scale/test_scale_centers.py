"""One deployment, several centers: each sees only its own tickets, numbers and devices;
and a journal moves from SQLite to Redis without loss."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from hub.store.redis import RedisStore
from hub.store.sqlite import SQLiteStore
from tools.process import DEMO_CONFIG, HubProcess, jiaohao

pytestmark = pytest.mark.slow
RIVERSIDE = str(Path(__file__).with_name("riverside.toml"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_two_centers_never_see_each_others_tickets_numbers_or_devices(tmp_path: Any) -> None:
    hub = HubProcess("gevent", folder=str(tmp_path),
                     env={"JIAOHAO_CENTERS": f"{DEMO_CONFIG},{RIVERSIDE}"})
    for config, center in ((DEMO_CONFIG, "demo"), (RIVERSIDE, "riverside")):
        hub.config = config
        hub.add_device(f"kiosk-{center}", "kiosk")
        hub.add_device(f"hall-{center}", "display")
        hub.add_user(f"clerk-{center}", "clerk")
        hub.add_user(f"boss-{center}", "manager")
    hub.config = DEMO_CONFIG
    with hub.start():
        demo_kiosk, river_kiosk = hub.tokens["kiosk-demo"], hub.tokens["kiosk-riverside"]
        url = f"{hub.url}/api/v1"
        # Numbering is per center: both start at 001.
        a = requests.post(f"{url}/tickets", json={"service": "household"},
                          headers=bearer(demo_kiosk), timeout=10).json()
        b = requests.post(f"{url}/tickets", json={"service": "household"},
                          headers=bearer(river_kiosk), timeout=10).json()
        assert (a["number"], b["number"]) == ("C001", "A001")
        assert "center=riverside" in b["track_url"]
        # A device or user sees only its own center.
        state = requests.get(f"{url}/state", headers=bearer(river_kiosk), timeout=10).json()
        assert state["center"] == "riverside"
        assert {s["id"] for s in state["services"]} == {"household"}
        assert requests.get(f"{url}/state?center=demo", headers=bearer(river_kiosk),
                            timeout=10).status_code == 403
        assert requests.get(f"{url}/tickets/{a['id']}?center=riverside",
                            timeout=10).status_code == 404
        boss = requests.post(f"{url}/auth/token", timeout=10, json={
            "username": "boss-riverside", "password": hub.passwords["boss-riverside"]}).json()
        events = requests.get(f"{url}/events", headers=bearer(boss["token"]), timeout=10).json()
        assert all(e["data"].get("device") != "kiosk-demo" for e in events["events"])
        assert a["id"] not in str(events)
        # A riverside clerk cannot act on the demo center's windows.
        clerk = requests.post(f"{url}/auth/token", timeout=10, json={
            "username": "clerk-riverside", "password": hub.passwords["clerk-riverside"]}).json()
        assert clerk["center"] == "riverside"
        assert requests.post(f"{url}/windows/4/sign-in", headers=bearer(clerk["token"]),
                             timeout=10).status_code == 404
        # A riverside display hears only riverside events.
        heard: list[dict[str, Any]] = []
        display = socketio.Client(reconnection=False)
        display.on("event", heard.append, namespace="/live")
        display.connect(hub.url, namespaces=["/live"], transports=["websocket"],
                        auth={"token": hub.tokens["hall-riverside"]})
        ack = display.call("subscribe", {"rooms": ["hall"], "since": None}, namespace="/live")
        assert ack["snapshot"]["center"] == "riverside"
        requests.post(f"{url}/tickets", json={"service": "household"},
                      headers=bearer(demo_kiosk), timeout=10)
        requests.post(f"{url}/tickets", json={"service": "household"},
                      headers=bearer(river_kiosk), timeout=10)
        display.sleep(1.0)
        display.disconnect()
        assert [m["data"]["number"] for m in heard if m["type"] == "ticket_issued"] == ["A002"]
    assert "Traceback" not in hub.log()


def test_store_copy_moves_a_journal_from_sqlite_to_redis_without_loss(
    tmp_path: Any, redis_server: Any,
) -> None:
    hub = HubProcess("gevent", folder=str(tmp_path))
    hub.add_device("kiosk-1", "kiosk")
    with hub.start():
        issued = [requests.post(f"{hub.url}/api/v1/tickets", json={"service": "household"},
                                headers=bearer(hub.tokens["kiosk-1"]), timeout=10).json()
                  for _ in range(25)]
    redis_server.client().flushall()
    out = jiaohao("store", "copy", "--from", hub.store, "--to", redis_server.url)
    assert "verified" in out
    source = SQLiteStore(hub.store[len("sqlite:///"):])
    target = RedisStore(redis_server.url)
    assert list(source.load("demo")) == list(target.load("demo"))
    source.close()
    target.close()
    # A hub on Redis now serves the same day: the tickets are there, numbering goes on.
    moved = HubProcess("gevent", folder=str(tmp_path / "moved"), store=redis_server.url)
    moved.tokens = hub.tokens
    with moved.start():
        for ticket in issued:
            found = requests.get(f"{moved.url}/api/v1/tickets/{ticket['id']}", timeout=10)
            assert found.json()["number"] == ticket["number"]
        nxt = requests.post(f"{moved.url}/api/v1/tickets", json={"service": "household"},
                            headers=bearer(hub.tokens["kiosk-1"]), timeout=10).json()
        assert nxt["number"] == "C026"
    # Copying onto a journal that exists is refused and changes nothing.
    with pytest.raises(RuntimeError, match="already has a journal"):
        jiaohao("store", "copy", "--from", hub.store, "--to", redis_server.url)
