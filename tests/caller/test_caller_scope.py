"""Who may act where: a clerk acts only at the window they are signed in to, never
in another center and never sees its data; display, kiosk and pad tokens cannot call.
One real hub serves two centers (the demo center and tests/caller/centers/east.toml)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.caller.callerkit import api, ok, window_action
from tools.process import DEMO_CONFIG, HubProcess, jiaohao

pytestmark = pytest.mark.slow
EAST = str(Path(__file__).resolve().parent / "centers" / "east.toml")
ACTIONS = ["sign-out", "open", "pause", "call-next", "call", "recall", "start", "complete",
           "no-show", "reinstate", "transfer", "suspend", "resume"]
BODIES: dict[str, dict[str, Any]] = {
    "pause": {"reason": "午休"}, "call": {"ticket": "A001"}, "reinstate": {"ticket": "A001"},
    "transfer": {"to_service": "household"}, "resume": {"ticket": "A001"}}


@pytest.fixture(scope="module")
def two_centers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    hub = HubProcess("gevent", folder=str(tmp_path_factory.mktemp("two-centers")),
                     env={"JIAOHAO_CENTERS": f"{DEMO_CONFIG},{EAST}"})
    for center, name, role, windows in [("demo", "wangli", "clerk", ""),
                                        ("demo", "liqiang", "clerk", ""),
                                        ("demo", "narrow", "clerk", "1"),
                                        ("east", "qianfang", "clerk", "")]:
        password = f"pw-{name}-secret"
        extra = ["--windows", windows] if windows else []
        jiaohao("user", "add", name, "--role", role, "--password-stdin", "--center", center,
                "--store", hub.store, *extra, stdin=password + "\n", env=hub.env)
        hub.passwords[name] = password
    for center, name, role in [("demo", "kiosk-1", "kiosk"), ("demo", "hall-1", "display"),
                               ("demo", "pad-1", "pad"), ("demo", "caller-1", "caller"),
                               ("east", "east-kiosk", "kiosk")]:
        hub.tokens[name] = jiaohao("device", "add", name, "--role", role, "--center", center,
                                   "--store", hub.store, env=hub.env).strip()
    hub.start()
    yield hub
    hub.stop()
    assert "Traceback" not in hub.log(), hub.log()


def refused(answer: Any, status: int, code: str | None = None) -> None:
    assert answer.status_code == status, (answer.status_code, answer.text)
    if code:
        assert answer.json()["error"] == code, answer.text


def test_devices_cannot_call_or_read_the_clerks_pages(two_centers: HubProcess) -> None:
    hub = two_centers
    for device in ("kiosk-1", "hall-1", "pad-1", "caller-1"):
        token = hub.tokens[device]
        for action in ["sign-in", *ACTIONS]:
            refused(window_action(hub, token, 1, action, **BODIES.get(action, {})), 403,
                    "forbidden")
        for path in ("/api/v1/me", "/api/v1/me/window", "/api/v1/me/today",
                     "/api/v1/me/transfers", "/api/v1/windows/1/queue"):
            refused(api(hub, "GET", path, token), 403, "forbidden")
    for path in ("/api/v1/me", "/api/v1/me/today"):
        refused(api(hub, "GET", path), 401, "unauthenticated")
    refused(api(hub, "POST", "/api/v1/windows/1/call-next"), 401)


def test_a_clerk_acts_only_where_signed_in(two_centers: HubProcess) -> None:
    hub = two_centers
    wangli, liqiang = hub.login("wangli"), hub.login("liqiang")
    for action in ACTIONS:  # before signing in anywhere
        refused(window_action(hub, wangli, 2, action, **BODIES.get(action, {})), 403,
                "not_signed_in")
    ok(window_action(hub, wangli, 1, "sign-in"))
    ok(window_action(hub, liqiang, 2, "sign-in"))
    ok(api(hub, "POST", "/api/v1/tickets", hub.tokens["kiosk-1"],
           json={"service": "social-security"}))
    for action in ACTIONS:  # at a colleague's window
        refused(window_action(hub, wangli, 2, action, **BODIES.get(action, {})), 403,
                "not_signed_in")
    refused(window_action(hub, wangli, 2, "sign-in"), 409, "clerk_signed_in_elsewhere")
    refused(window_action(hub, wangli, 3, "sign-in"), 409, "clerk_signed_in_elsewhere")
    # A clerk allowed only window 1 may not sign in elsewhere, nor take over a
    # colleague's window that is not paused.
    narrow = hub.login("narrow")
    refused(window_action(hub, narrow, 3, "sign-in"), 403, "window_not_allowed")
    refused(window_action(hub, narrow, 1, "sign-in"), 409, "window_taken")
    me = ok(api(hub, "GET", "/api/v1/me", narrow))
    assert [w["id"] for w in me["windows"] if w["allowed"]] == [1]
    # Nothing of that changed the day: the one ticket still waits, nobody called it.
    state = ok(api(hub, "GET", "/api/v1/state", hub.tokens["hall-1"]))
    assert state["recent_calls"] == []
    called = ok(window_action(hub, wangli, 1, "call-next"))["ticket"]
    assert called["number"] == "A001"
    ok(window_action(hub, wangli, 1, "complete"))
    for token, window in ((wangli, 1), (liqiang, 2)):
        ok(window_action(hub, token, window, "sign-out"))


def test_a_clerk_of_another_center_neither_acts_nor_sees(two_centers: HubProcess) -> None:
    hub = two_centers
    east = hub.login("qianfang")
    me = ok(api(hub, "GET", "/api/v1/me", east))
    assert me["center"] == "east"
    assert [w["id"] for w in me["windows"]] == [1]
    assert [s["id"] for s in me["services"]] == ["social-security"]
    for path in ("/api/v1/me", "/api/v1/me/window", "/api/v1/me/today", "/api/v1/me/transfers",
                 "/api/v1/state", "/api/v1/windows/1/queue"):
        refused(api(hub, "GET", f"{path}?center=demo", east), 403, "forbidden")
    refused(api(hub, "POST", "/api/v1/windows/1/sign-in?center=demo", east), 403, "forbidden")
    # Signed in at east's window 1, the clerk works there only: demo's tickets are
    # not in its queue, and the demo center's window 1 is untouched.
    demo_ticket = ok(api(hub, "POST", "/api/v1/tickets", hub.tokens["kiosk-1"],
                         json={"service": "social-security"}))
    ok(window_action(hub, east, 1, "sign-in"))
    assert ok(api(hub, "GET", "/api/v1/windows/1/queue", east))["waiting"] == []
    assert ok(window_action(hub, east, 1, "call-next"))["ticket"] is None
    refused(window_action(hub, east, 1, "call", ticket=demo_ticket["number"]), 404,
            "unknown_ticket")
    assert ok(api(hub, "GET", "/api/v1/state", east))["center"] == "east"
    demo_state = ok(api(hub, "GET", "/api/v1/state", hub.tokens["hall-1"]))
    assert [w["clerk"] for w in demo_state["windows"] if w["id"] == 1] == [None]
    # The live channel, too, shows the clerk's own center only.
    assert live_snapshot(hub, east)["center"] == "east"
    ok(window_action(hub, east, 1, "sign-out"))


def live_snapshot(hub: HubProcess, token: str) -> dict[str, Any]:
    client = socketio.Client(reconnection=False)
    try:
        client.connect(hub.url, namespaces=["/live"], auth={"token": token},
                       transports=["websocket"], wait_timeout=10)
        ack = client.call("subscribe", {"rooms": ["hall", "window:1"], "since": None},
                          namespace="/live", timeout=10)
        snapshot: dict[str, Any] = ack["snapshot"]
        return snapshot
    finally:
        client.disconnect()
