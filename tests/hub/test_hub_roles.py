"""Roles on every route and socket event: who is refused what, with 401/403 and the
documented body, and nothing written to the journal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import socketio
from hubkit import DEVICES, PASSWORD, HubProcess, LiveClient, expect_error
from itsdangerous import URLSafeTimedSerializer

from tests.support.kit import wait_until

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Scene:
    """clerk1 serves window 1 (open, idle); a ticket waits; an appointment is booked."""

    ticket: str
    appointment: str
    seq: int


@pytest.fixture(scope="module")
def scene(hub: HubProcess) -> Scene:
    hub.api(hub.user("clerk1")).window(1, "sign-in")
    kiosk = hub.api(hub.device("kiosk-1"))
    ticket = kiosk.issue("household")
    booked = kiosk.ok("POST", "/appointments", 201, json={
        "service": "household", "day": "2026-11-27", "slot": "10:00", "phone": "13800138000"})
    wait_for_outbox(hub)
    return Scene(ticket["id"], booked["code"], hub.seq())


def wait_for_outbox(hub: HubProcess, timeout: float = 30) -> None:
    """Let the outbox send the booking code (its claim and outcome are events too), so
    the journal stands still while refused requests are checked to change nothing."""
    manager = hub.manager()
    wait_until(lambda: not manager.ok("GET", "/notifications")["pending"], timeout,
               "the outbox to send the booking code", interval=0.1)


# route -> who is refused, and how. "anonymous" sends no token.
DEVICE_ROLES = ("kiosk-1", "hall-1", "pad-1", "caller-1")
REFUSALS: list[tuple[str, str, dict[str, Any] | None, str, int, str]] = [
    # issuing: a kiosk (or staff); phones without a token only (rate-limited)
    ("POST", "/tickets", {"service": "household"}, "hall-1", 403, "forbidden"),
    ("POST", "/tickets", {"service": "household"}, "pad-1", 403, "forbidden"),
    ("POST", "/tickets", {"service": "household"}, "caller-1", 403, "forbidden"),
    ("POST", "/tickets", {"service": "household", "channel": "mobile"}, "hall-1", 403,
     "forbidden"),
    ("POST", "/tickets", {"service": "household", "channel": "kiosk"}, "anonymous", 401,
     "unauthenticated"),
    ("POST", "/tickets", {"service": "household", "channel": "counter"}, "anonymous", 401,
     "unauthenticated"),
    ("POST", "/tickets", {"service": "household", "channel": "counter"}, "kiosk-1", 403,
     "forbidden"),
    # rating: the phone holding the ticket (no token) by id; the window's pad by number
    *[("POST", "/tickets/{ticket}/rating", {"level": 5}, who, 403, "forbidden")
      for who in (*DEVICE_ROLES, "clerk1", "director", "admin")],
    *[("POST", "/windows/1/rating", {"number": "A001", "level": 5}, who, 403, "forbidden")
      for who in ("kiosk-1", "hall-1", "caller-1", "clerk1", "director", "admin")],
    ("POST", "/windows/1/rating", {"number": "A001", "level": 5}, "anonymous", 401,
     "unauthenticated"),
    # window actions: staff only, and only at their own window
    *[("POST", f"/windows/1/{action}", body, who, 403, "forbidden")
      for action, body in [("call-next", {}), ("recall", {}), ("complete", {}),
                           ("sign-in", {}), ("pause", {"reason": "x"})]
      for who in DEVICE_ROLES],
    ("POST", "/windows/1/call-next", {}, "anonymous", 401, "unauthenticated"),
    ("POST", "/windows/5/sign-in", {}, "narrow", 403, "window_not_allowed"),
    ("POST", "/windows/1/call-next", {}, "clerk2", 403, "not_signed_in"),
    ("POST", "/windows/1/sign-out", {}, "clerk2", 403, "not_signed_in"),
    ("POST", "/windows/1/pause", {"reason": "开会"}, "director", 403, "not_signed_in"),
    ("POST", "/windows/4/call-next", {}, "clerk4", 403, "not_signed_in"),
    ("GET", "/windows/1/queue", None, "anonymous", 401, "unauthenticated"),
    *[("GET", "/windows/1/queue", None, who, 403, "forbidden") for who in DEVICE_ROLES],
    # reading the state: anyone with a token
    ("GET", "/state", None, "anonymous", 401, "unauthenticated"),
    # the journal and the configuration: managers and admins
    ("GET", "/events", None, "anonymous", 401, "unauthenticated"),
    *[("GET", "/events", None, who, 403, "forbidden") for who in (*DEVICE_ROLES, "clerk1")],
    ("GET", "/config", None, "anonymous", 401, "unauthenticated"),
    *[("GET", "/config", None, who, 403, "forbidden") for who in (*DEVICE_ROLES, "clerk1")],
    ("PUT", "/config", {"config": {}}, "anonymous", 401, "unauthenticated"),
    *[("PUT", "/config", {"config": {}}, who, 403, "forbidden")
      for who in (*DEVICE_ROLES, "clerk1")],
    # appointments: kiosks and staff (a phone books on /book, with a texted code)
    ("POST", "/appointments", {"service": "household", "day": "2026-11-27", "slot": "11:00",
                               "phone": "13800138000"}, "anonymous", 401, "unauthenticated"),
    *[("POST", "/appointments", {"service": "household", "day": "2026-11-27", "slot": "11:00",
                                 "phone": "13800138000"}, who, 403, "forbidden")
      for who in ("hall-1", "pad-1", "caller-1")],
    ("POST", "/appointments/{appointment}/cancel", None, "anonymous", 401, "unauthenticated"),
    *[("POST", "/appointments/{appointment}/cancel", None, who, 403, "forbidden")
      for who in ("hall-1", "pad-1", "caller-1")],
    # device health: devices only
    ("POST", "/devices/health", {"message": "ok"}, "anonymous", 401, "unauthenticated"),
    *[("POST", "/devices/health", {"message": "ok"}, who, 403, "forbidden")
      for who in ("clerk1", "director", "admin")],
]


def token_of(hub: HubProcess, who: str) -> str | None:
    if who == "anonymous":
        return None
    return hub.device(who) if who in DEVICES else hub.user(who)


@pytest.mark.parametrize(("method", "path", "body", "who", "status", "code"), REFUSALS,
                         ids=[f"{m} {p} {w}" for m, p, _, w, _, _ in REFUSALS])
def test_a_role_is_refused_what_it_may_not_do(
    hub: HubProcess, scene: Scene, method: str, path: str, body: dict[str, Any] | None,
    who: str, status: int, code: str,
) -> None:
    path = path.format(ticket=scene.ticket, appointment=scene.appointment)
    extra = {} if body is None else {"json": body}
    response = hub.api(token_of(hub, who)).request(method, path, **extra)
    expect_error(response, status, code)
    assert hub.seq() == scene.seq, "a refused request changed the journal"


ALLOWED: list[tuple[str, str, dict[str, Any] | None, str, int]] = [
    ("GET", "/health", None, "anonymous", 200),
    ("GET", "/services", None, "anonymous", 200),
    ("GET", "/openapi.json", None, "anonymous", 200),
    ("GET", "/tickets/{ticket}", None, "anonymous", 200),
    *[("GET", "/state", None, who, 200) for who in (*DEVICE_ROLES, "clerk1", "director")],
    ("GET", "/windows/1/queue", None, "clerk1", 200),
    ("GET", "/windows/1/queue", None, "clerk2", 200),
    ("GET", "/events", None, "director", 200),
    ("GET", "/events", None, "admin", 200),
    ("GET", "/config", None, "director", 200),
    *[("POST", "/devices/health", {"message": "ok"}, who, 200) for who in DEVICE_ROLES],
]


@pytest.mark.parametrize(("method", "path", "body", "who", "status"), ALLOWED,
                         ids=[f"{m} {p} {w}" for m, p, _, w, _ in ALLOWED])
def test_a_role_may_do_what_it_is_for(
    hub: HubProcess, scene: Scene, method: str, path: str, body: dict[str, Any] | None,
    who: str, status: int,
) -> None:
    path = path.format(ticket=scene.ticket, appointment=scene.appointment)
    extra = {} if body is None else {"json": body}
    hub.api(token_of(hub, who)).ok(method, path, status, **extra)
    assert hub.seq() == scene.seq


def test_a_clerk_limited_to_window_1_signs_in_there_only(hub: HubProcess, scene: Scene) -> None:
    narrow = hub.api(hub.user("narrow"))
    expect_error(narrow.request("POST", "/windows/5/sign-in", json={}), 403,
                 "window_not_allowed", "window")
    expect_error(narrow.request("POST", "/windows/1/sign-in", json={}), 409, "window_taken")
    me = hub.api().ok("POST", "/auth/token", json={"username": "narrow", "password": PASSWORD})
    assert (me["role"], me["windows"]) == ("clerk", [1])
    assert hub.seq() == scene.seq


def test_events_hide_secrets_even_from_managers(hub: HubProcess, scene: Scene) -> None:
    journal = hub.events()
    kinds = {e["type"] for e in journal}
    assert {"user_saved", "device_added", "device_revoked"} <= kinds
    text = repr(journal)
    assert "password_hash" not in text and "token_hash" not in text and "$argon2" not in text
    booked = [e for e in journal if e["type"] == "appointment_booked"]
    assert booked and all(e["data"]["phone"] == "138****8000" for e in booked)


# ---------------------------------------------------------------------- sockets


def refused(hub: HubProcess, auth: dict[str, Any]) -> list[Any]:
    """Connect with `auth`; the refusal the hub answered (fails if it accepted)."""
    client = LiveClient(hub.base_url)
    client.sio.on("connect_error", client._on_refused, namespace="/live")
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.sio.connect(hub.base_url, namespaces=["/live"], auth=auth,
                           transports=["websocket"], wait_timeout=20)
    client.disconnect()
    return client.refused


def test_bad_tokens_are_refused_at_connect(hub: HubProcess, scene: Scene) -> None:
    other_key = URLSafeTimedSerializer(b"k" * 32, salt="jiaohao-login").dumps(
        {"c": "demo", "u": "director", "v": 1})
    for auth, reason in [
        ({"token": "garbage"}, "invalid_token"),
        ({"token": ""}, "invalid_token"),
        ({"token": 42}, "invalid_token"),
        ({"token": "dev.demo.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, "invalid_token"),
        ({"token": hub.device("old-kiosk")}, "invalid_token"),
        ({"token": other_key}, "invalid_token"),
        ({"center": "nowhere"}, "unknown_center"),
        ({"center": 5}, "invalid_center"),
    ]:
        answers = refused(hub, auth)
        assert answers and answers[-1] == {"message": reason}, (auth, answers)


SUBSCRIPTIONS: list[tuple[str, list[str], str | None]] = [
    # who, rooms, the error (None: allowed)
    ("anonymous", ["hall"], "forbidden"),
    ("anonymous", ["manager"], "forbidden"),
    ("anonymous", ["window:1"], "forbidden"),
    ("anonymous", ["ticket:{ticket}"], None),
    ("anonymous", ["ticket:{ticket}", "hall"], "forbidden"),
    ("hall-1", ["hall"], None),
    ("hall-1", ["window:3"], None),
    ("hall-1", ["manager"], "forbidden"),
    ("hall-1", ["hall", "manager"], "forbidden"),
    ("kiosk-1", ["hall"], None),
    ("kiosk-1", ["window:1"], "forbidden"),
    ("kiosk-1", ["manager"], "forbidden"),
    ("pad-1", ["window:1"], None),
    ("pad-1", ["manager"], "forbidden"),
    ("caller-1", ["manager"], "forbidden"),
    ("clerk1", ["hall", "window:1"], None),
    ("clerk1", ["manager"], "forbidden"),
    ("director", ["manager"], None),
    ("admin", ["manager", "hall"], None),
]


def test_who_may_listen_to_which_room(hub: HubProcess, scene: Scene) -> None:
    clients: dict[str, LiveClient] = {}
    try:
        for who, rooms, error in SUBSCRIPTIONS:
            if who not in clients:
                clients[who] = hub.live(token_of(hub, who)).connect()
            rooms = [room.format(ticket=scene.ticket) for room in rooms]
            answer = clients[who].subscribe(rooms, since=scene.seq)
            if error is None:
                assert "error" not in answer and answer["seq"] == scene.seq, (who, rooms, answer)
            else:
                assert answer.get("error") == error and answer.get("field") == "rooms", (
                    who, rooms, answer)
        assert hub.seq() == scene.seq
    finally:
        for client in clients.values():
            client.disconnect()


def test_managers_hear_actors_and_each_event_once(hub: HubProcess, scene: Scene) -> None:
    manager = hub.live(hub.user("director")).connect()
    display = hub.live(hub.device("hall-1")).connect()
    try:
        assert manager.subscribe(["hall", "manager", "window:1"], since=None)["seq"] == scene.seq
        assert display.subscribe(["hall", "window:1"], since=None)["seq"] == scene.seq
        kiosk = hub.api(hub.device("kiosk-1"))
        first, second = kiosk.issue("social-security"), kiosk.issue("social-security")
        clerk = hub.api(hub.user("clerk1"))
        called = clerk.window(1, "call-next")["seq"]
        for client in (manager, display):
            assert client.wait_seq(called)
            heard = client.events()
            assert [e["seq"] for e in heard] == [first["seq"], second["seq"], called]
        assert all(e["actor"] in ("kiosk-1", "clerk1") for e in manager.events())
        assert all("actor" not in e for e in display.events())
        clerk.window(1, "complete")
    finally:
        manager.disconnect()
        display.disconnect()


def test_a_device_revoked_while_the_hub_runs_is_refused(hub: HubProcess, scene: Scene) -> None:
    """`jiaohao device revoke` writes to the journal the running hub serves; the hub
    must stop taking that token (it learns of it within seconds, not at restart)."""
    pad = hub.api(hub.device("pad-1"))
    pad.ok("GET", "/state")
    hub.cli("device", "revoke", "pad-1")
    wait_until(lambda: pad.request("GET", "/state").status_code != 200, 30,
               "the hub to refuse the revoked pad", interval=0.2)
    expect_error(pad.request("GET", "/state"), 401, "invalid_token")
    with pytest.raises(socketio.exceptions.ConnectionError):
        hub.live(hub.device("pad-1")).connect()
