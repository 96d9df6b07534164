"""Finding 4: revoking a device or disabling/changing a user ends that principal's open
Socket.IO connections, on every hub process, without waiting for an HTTP request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from authkit import Listener, demo_hub, wait_until

from tests.support.redis import start_together
from tools.process import DEMO_CONFIG, HubProcess, jiaohao

pytestmark = pytest.mark.slow
NOTICE = 15.0  # seconds within which a revocation must reach the open sockets (the watch
# looks every second; the margin is for a loaded CI machine with two hubs and redis)


def cli(hub: HubProcess, *args: str, stdin: str | None = None) -> str:
    return jiaohao(*args, "--config", DEMO_CONFIG, "--store", hub.store, stdin=stdin,
                   env=hub.env)


def issue(hub: HubProcess) -> None:
    answer = requests.post(f"{hub.url}/api/v1/tickets", json={"service": "household"},
                           headers={"Authorization": f"Bearer {hub.tokens['kiosk-1']}"},
                           timeout=10)
    assert answer.status_code == 201, answer.text


def save_user(hub: HubProcess, admin: str, **body: Any) -> int:
    answer = requests.post(f"{hub.url}/api/v1/manage/users", json=body, timeout=10,
                           headers={"Authorization": f"Bearer {admin}"})
    return answer.status_code


@pytest.fixture(scope="module", params=["gevent", "eventlet"])
def hub(request: Any, tmp_path_factory: Any) -> Iterator[HubProcess]:
    process = demo_hub(tmp_path_factory.mktemp(f"revoke-{request.param}"), request.param)
    yield process
    process.stop()
    assert "Traceback" not in process.log(), process.log()


def test_a_device_revoked_with_the_cli_is_disconnected(hub: HubProcess) -> None:
    hall = Listener(hub.url, hub.tokens["hall-1"])
    other = Listener(hub.url, hub.tokens["window-1"])
    try:
        assert "seq" in hall.subscribe(["hall"])
        assert "seq" in other.subscribe(["hall"])
        cli(hub, "device", "revoke", "hall-1")  # no HTTP request reaches the hub after it
        assert hall.disconnected.wait(NOTICE), "the revoked display kept its socket"
        issue(hub)
        assert wait_until(lambda: any(e["type"] == "ticket_issued" for e in other.events), 10)
        assert not any(e["type"] == "ticket_issued" for e in hall.events)
        assert other.sio.connected  # the others are not touched
    finally:
        hall.close()
        other.close()


def test_a_disabled_manager_stops_hearing_the_manager_room(hub: HubProcess) -> None:
    admin = hub.login("admin")
    chenjing_token = hub.login("chenjing")
    director = Listener(hub.url, hub.login("director"))
    clerk = Listener(hub.url, chenjing_token)
    try:
        assert "seq" in director.subscribe(["manager"])
        assert "seq" in clerk.subscribe(["window:5"])
        assert save_user(hub, admin, username="director", role="manager", active=False) == 200
        assert director.disconnected.wait(NOTICE), "the disabled manager kept listening"
        # A changed password ends the clerk's socket too.
        assert save_user(hub, admin, username="chenjing", role="clerk",
                         password="a-new-password-1") == 200
        assert clerk.disconnected.wait(NOTICE), "the clerk's old login kept its socket"
        refused = Listener.__new__(Listener)
        with pytest.raises(Exception):  # noqa: B017,PT011 - any refusal of the old token
            Listener.__init__(refused, hub.url, chenjing_token)
    finally:
        director.close()
        clerk.close()


@pytest.fixture(scope="module")
def pair(redis_server: Any, tmp_path_factory: Any) -> Iterator[list[HubProcess]]:
    env = {"JIAOHAO_MESSAGE_QUEUE": redis_server.url,
           "JIAOHAO_KEY_FILE": str(tmp_path_factory.mktemp("key") / "shared.key")}
    hubs = [HubProcess("gevent", folder=str(tmp_path_factory.mktemp(f"pair{i}")),
                       store=redis_server.url, env=env) for i in range(2)]
    hubs[0].prepare_demo()
    hubs[1].passwords, hubs[1].tokens = hubs[0].passwords, hubs[0].tokens
    start_together(hubs)
    yield hubs
    for process in hubs:
        process.stop()
        assert "Traceback" not in process.log(), process.log()


def test_on_redis_every_hub_process_disconnects_the_revoked(pair: list[HubProcess]) -> None:
    a, b = pair
    token = a.login("director")
    on_a, on_b = Listener(a.url, token), Listener(b.url, token)
    displays = [Listener(a.url, a.tokens["hall-1"]), Listener(b.url, a.tokens["hall-1"])]
    try:
        for listener in (on_a, on_b):
            assert "seq" in listener.subscribe(["manager"])
        for listener in displays:
            assert "seq" in listener.subscribe(["hall"])
        assert save_user(a, a.login("admin"), username="director", role="clerk") == 200
        assert on_a.disconnected.wait(NOTICE) and on_b.disconnected.wait(NOTICE)
        cli(b, "device", "revoke", "hall-1")
        assert all(d.disconnected.wait(NOTICE) for d in displays)
    finally:
        for listener in (on_a, on_b, *displays):
            listener.close()
