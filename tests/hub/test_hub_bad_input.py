"""Bad input over the REST routes and the /live subscribe: a 4xx with the documented
`{error, message, field?}` (or an error ack), never a 5xx, and the journal unchanged."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from hubkit import DEMO_TOML, HubProcess, expect_error
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from hub.store.keys import read_key

pytestmark = pytest.mark.slow

BIG = "x" * 20_000  # more than the hub's max_body_bytes (16 KiB)


@dataclass(frozen=True)
class Scene:
    """What the refusals are about: window 1 open and idle (clerk1), window 2 paused
    (clerk2), a waiting ticket; `seq` is the journal's position after all that."""

    ticket: str
    number: str
    seq: int


@pytest.fixture(scope="module")
def scene(hub: HubProcess) -> Scene:
    clerk1, clerk2 = hub.api(hub.user("clerk1")), hub.api(hub.user("clerk2"))
    clerk1.window(1, "sign-in")
    clerk2.window(2, "sign-in")
    clerk2.window(2, "pause", {"reason": "午休"})
    ticket = hub.api(hub.device("kiosk-1")).issue("real-estate")  # nobody at 1 or 2 serves it
    return Scene(ticket["id"], ticket["number"], hub.seq())


def forged_token(hub: HubProcess, user: str, version: int, age_hours: float) -> str:
    """A login token signed with the hub's own key (its key file beside the journal),
    as if issued `age_hours` ago."""
    secret = read_key(hub.journal.path.with_suffix(".key"))

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age_hours * 3600)

    serializer = URLSafeTimedSerializer(bytes(secret), salt="jiaohao-login", signer=Then)
    token: str = serializer.dumps({"c": "demo", "u": user, "v": version})
    return token


# (method, path, who, request keywords, status, error code, field)
# who: a user or device name, "anonymous", or "bearer:<raw Authorization header>".
JSON = {"Content-Type": "application/json"}
CASES: list[tuple[str, str, str, dict[str, Any], int, str, str | None]] = [
    # ---- issuing
    ("POST", "/tickets", "kiosk-1", {"json": {"service": 5}}, 422, "invalid_field", "service"),
    ("POST", "/tickets", "kiosk-1", {"json": {"service": True}}, 422, "invalid_field", "service"),
    ("POST", "/tickets", "kiosk-1", {"json": {"service": ["household"]}}, 422, "invalid_field",
     "service"),
    ("POST", "/tickets", "kiosk-1", {"json": {"service": "x" * 41}}, 422, "invalid_field",
     "service"),
    ("POST", "/tickets", "kiosk-1", {"json": {}}, 422, "missing_field", "service"),
    ("POST", "/tickets", "kiosk-1", {"json": {"service": "  "}}, 422, "missing_field", "service"),
    ("POST", "/tickets", "kiosk-1", {"json": {"service": "household", "colour": "red"}}, 422,
     "unknown_field", "colour"),
    ("POST", "/tickets", "kiosk-1", {"json": {"service": "passport"}}, 404, "unknown_service",
     "service"),
    ("POST", "/tickets", "kiosk-1", {"json": {"service": "household", "priority": "vip"}}, 422,
     "unknown_priority", "priority"),
    ("POST", "/tickets", "kiosk-1", {"json": {"service": "household", "priority": 7}}, 422,
     "invalid_field", "priority"),
    ("POST", "/tickets", "kiosk-1", {"json": {"service": "household", "channel": "fax"}}, 422,
     "invalid_field", "channel"),
    ("POST", "/tickets", "kiosk-1", {"json": {"appointment": "12ab"}}, 422, "invalid_field",
     "appointment"),
    ("POST", "/tickets", "kiosk-1", {"json": {"appointment": "999999"}}, 404,
     "unknown_appointment", None),
    ("POST", "/tickets", "kiosk-1", {"json": {"phone": "call me"}}, 422, "invalid_field",
     "phone"),
    ("POST", "/tickets", "kiosk-1", {"json": {"service": "household", "pad": BIG}}, 413,
     "body_too_large", None),
    ("POST", "/tickets", "kiosk-1", {"data": '{"service": ', "headers": JSON}, 400,
     "malformed_json", None),
    ("POST", "/tickets", "kiosk-1", {"data": b"\xff\xfe{}", "headers": JSON}, 400,
     "malformed_json", None),
    ("POST", "/tickets", "kiosk-1", {"data": "[" * 5000 + "]" * 5000, "headers": JSON}, 400,
     "malformed_json", None),
    ("POST", "/tickets", "kiosk-1", {"data": "[1, 2]", "headers": JSON}, 400, "invalid_body",
     None),
    ("POST", "/tickets", "kiosk-1", {"data": '"household"', "headers": JSON}, 400,
     "invalid_body", None),
    ("POST", "/tickets", "kiosk-1", {"data": "null", "headers": JSON}, 400, "invalid_body", None),
    ("POST", "/tickets", "kiosk-1",
     {"data": '{"service": "household"}', "headers": {"Content-Type": "text/plain"}}, 415,
     "unsupported_media_type", None),
    # ---- tokens
    ("POST", "/tickets", "bearer:Bearer garbage", {"json": {"service": "household"}}, 401,
     "invalid_token", None),
    ("POST", "/tickets", "bearer:Basic a2lvc2s6cGFzcw==", {"json": {"service": "household"}},
     401, "invalid_token", None),
    ("POST", "/tickets", "bearer:Bearer", {"json": {"service": "household"}}, 401,
     "invalid_token", None),
    ("POST", "/tickets", "bearer:Bearer dev.demo.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     {"json": {"service": "household"}}, 401, "invalid_token", None),
    ("POST", "/tickets", "bearer:Bearer dev.nowhere.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     {"json": {"service": "household"}}, 401, "invalid_token", None),
    ("POST", "/tickets", "old-kiosk", {"json": {"service": "household"}}, 401, "invalid_token",
     None),
    ("GET", "/state", "bearer:Bearer eyJjIjoiZGVtbyJ9.Zm9v.YmFy", {}, 401, "invalid_token", None),
    ("GET", "/state", "expired:director", {}, 401, "invalid_token", None),
    ("GET", "/state", "stale:director", {}, 401, "invalid_token", None),
    ("GET", "/state", "foreign:director", {}, 401, "invalid_token", None),
    ("GET", "/state", "anonymous", {}, 401, "unauthenticated", None),
    # ---- signing in
    ("POST", "/auth/token", "anonymous", {"json": {}}, 422, "missing_field", "username"),
    ("POST", "/auth/token", "anonymous", {"json": {"username": 5, "password": "p"}}, 422,
     "invalid_field", "username"),
    ("POST", "/auth/token", "anonymous",
     {"json": {"username": "director", "password": "p", "otp": "1"}}, 422, "unknown_field",
     "otp"),
    ("POST", "/auth/token", "anonymous", {"json": {"username": "director"}}, 422,
     "missing_field", "password"),
    # ---- windows
    ("POST", "/windows/1/dance", "clerk1", {"json": {}}, 404, "unknown_action", "action"),
    ("POST", "/windows/99/sign-in", "clerk1", {"json": {}}, 404, "unknown_window", "window"),
    ("POST", "/windows/0/sign-in", "clerk1", {"json": {}}, 404, "unknown_window", "window"),
    ("POST", "/windows/one/sign-in", "clerk1", {"json": {}}, 404, "not_found", None),
    ("GET", "/windows/1/call-next", "clerk1", {}, 405, "method_not_allowed", None),
    ("POST", "/windows/1/complete", "clerk1", {"json": {}}, 409, "window_idle", None),
    ("POST", "/windows/1/recall", "clerk1", {"json": {}}, 409, "window_idle", None),
    ("POST", "/windows/1/start", "clerk1", {"json": {}}, 409, "window_idle", None),
    ("POST", "/windows/1/no-show", "clerk1", {"json": {}}, 409, "window_idle", None),
    ("POST", "/windows/1/suspend", "clerk1", {"json": {}}, 409, "window_idle", None),
    ("POST", "/windows/1/transfer", "clerk1", {"json": {"to_window": 3}}, 409, "window_idle",
     None),
    ("POST", "/windows/1/open", "clerk1", {"json": {}}, 409, "window_not_paused", None),
    ("POST", "/windows/2/call-next", "clerk2", {"json": {}}, 409, "window_paused", None),
    ("POST", "/windows/2/pause", "clerk2", {"json": {"reason": "开会"}}, 409, "window_paused",
     None),
    ("POST", "/windows/1/pause", "clerk1", {"json": {}}, 422, "missing_field", "reason"),
    ("POST", "/windows/1/pause", "clerk1", {"json": {"reason": 12}}, 422, "invalid_field",
     "reason"),
    ("POST", "/windows/1/pause", "clerk1", {"json": {"reason": "   "}}, 422, "invalid_field",
     "reason"),
    ("POST", "/windows/1/pause", "clerk1", {"json": {"reason": "长" * 41}}, 422,
     "invalid_field", "reason"),
    ("POST", "/windows/1/call", "clerk1", {"json": {}}, 422, "missing_field", "ticket"),
    ("POST", "/windows/1/call", "clerk1", {"json": {"ticket": 1}}, 422, "invalid_field",
     "ticket"),
    ("POST", "/windows/1/call", "clerk1", {"json": {"ticket": "Z999"}}, 404, "unknown_ticket",
     "ticket"),
    ("POST", "/windows/1/call", "clerk1", {"json": {"ticket": "D001"}}, 409,
     "service_not_served", "ticket"),
    ("POST", "/windows/1/call-next", "clerk1", {"json": {"ticket": "D001"}}, 422,
     "unknown_field", "ticket"),
    ("POST", "/windows/1/call-next", "clerk1", {"data": "[]", "headers": JSON}, 400,
     "invalid_body", None),
    ("POST", "/windows/1/transfer", "clerk1", {"json": {"to_window": "3"}}, 422,
     "invalid_field", "to_window"),
    ("POST", "/windows/1/transfer", "clerk1", {"json": {"to_window": 0}}, 422, "invalid_field",
     "to_window"),
    ("POST", "/windows/1/reinstate", "clerk1", {"json": {"ticket": "D001"}}, 409,
     "ticket_not_no_show", "ticket"),
    ("POST", "/windows/1/resume", "clerk1", {"json": {"ticket": "D001"}}, 409,
     "ticket_not_suspended", "ticket"),
    ("POST", "/windows/3/sign-in", "clerk1", {"json": {}}, 409, "clerk_signed_in_elsewhere",
     None),
    ("POST", "/windows/4/call-next", "clerk1", {"json": {}}, 403, "not_signed_in", "window"),
    ("POST", "/windows/1/sign-in", "clerk3", {"json": {}}, 409, "window_taken", None),
    # ---- tickets and ratings
    ("GET", "/tickets/no-such-ticket-here", "anonymous", {}, 404, "unknown_ticket", "ticket"),
    # The holder rates by the ticket's id, without a token; the window's pad by number.
    ("POST", "/tickets/{ticket}/rating", "anonymous", {"json": {"level": 5}}, 409,
     "ticket_not_done", "ticket"),
    ("POST", "/tickets/{ticket}/rating", "anonymous", {"json": {"level": "5"}}, 422,
     "invalid_field", "level"),
    ("POST", "/tickets/{ticket}/rating", "anonymous", {"json": {"level": 9}}, 422,
     "invalid_field", "level"),
    ("POST", "/tickets/{ticket}/rating", "anonymous", {"json": {}}, 422, "missing_field",
     "level"),
    ("POST", "/tickets/{ticket}/rating", "anonymous", {"json": {"level": 2, "aspects": ["慢"]}},
     422, "invalid_field", "aspects"),
    ("POST", "/tickets/{ticket}/rating", "anonymous",
     {"json": {"level": 2, "aspects": "服务效率"}}, 422, "invalid_field", "aspects"),
    ("POST", "/tickets/no-such-ticket-here/rating", "anonymous", {"json": {"level": 5}}, 404,
     "unknown_ticket", "ticket"),
    ("POST", "/tickets/{ticket}/rating", "pad-1", {"json": {"level": 5}}, 403, "forbidden",
     None),
    ("POST", "/windows/1/rating", "pad-1", {"json": {"number": "{number}", "level": 5}}, 403,
     "not_rated_here", "number"),
    ("POST", "/windows/2/rating", "pad-1", {"json": {"number": "{number}", "level": 5}}, 403,
     "window_not_allowed", "window"),
    ("POST", "/windows/1/rating", "pad-1", {"json": {"level": 5}}, 422, "missing_field",
     "number"),
    ("POST", "/windows/1/rating", "pad-1", {"json": {"number": "{number}", "level": 0}}, 422,
     "invalid_field", "level"),
    ("POST", "/windows/1/rating", "pad-1",
     {"json": {"number": "{number}", "level": 1, "aspects": ["慢"]}}, 422, "invalid_field",
     "aspects"),
    ("POST", "/windows/1/rating", "clerk1", {"json": {"number": "{number}", "level": 5}}, 403,
     "forbidden", None),
    # ---- journal reads
    ("GET", "/events?since=abc", "director", {}, 422, "invalid_field", "since"),
    ("GET", "/events?since=-1", "director", {}, 422, "invalid_field", "since"),
    ("GET", "/events?limit=0", "director", {}, 422, "invalid_field", "limit"),
    ("GET", "/events?limit=99999", "director", {}, 422, "invalid_field", "limit"),
    ("GET", "/services?center=nowhere", "anonymous", {}, 404, "unknown_center", "center"),
    ("GET", "/services?center=elsewhere", "kiosk-1", {}, 403, "forbidden", "center"),
    ("GET", "/events?center=elsewhere", "director", {}, 403, "forbidden", "center"),
    # ---- appointments
    ("POST", "/appointments", "kiosk-1", {"json": {"service": "household"}}, 422,
     "missing_field", "day"),
    ("POST", "/appointments", "kiosk-1",
     {"json": {"service": "household", "day": "2026-13-45", "slot": "10:00",
               "phone": "13800138000"}}, 422, "invalid_field", "day"),
    ("POST", "/appointments", "kiosk-1",
     {"json": {"service": "household", "day": "2026-11-27", "slot": "25:00",
               "phone": "13800138000"}}, 422, "invalid_field", None),
    ("POST", "/appointments", "kiosk-1",
     {"json": {"service": "passport", "day": "2026-11-27", "slot": "10:00",
               "phone": "13800138000"}}, 404, "unknown_service", "service"),
    ("POST", "/appointments/000000/cancel", "kiosk-1", {"json": {}}, 404,
     "unknown_appointment", None),
    # ---- devices
    ("POST", "/devices/health", "kiosk-1", {"json": {"printer": "ok"}}, 422, "invalid_field",
     "printer"),
    ("POST", "/devices/health", "kiosk-1", {"json": {"printer": {"paper": "y" * 600}}}, 422,
     "invalid_field", "printer"),
    ("POST", "/devices/health", "kiosk-1", {"json": {"battery": 5}}, 422, "unknown_field",
     "battery"),
    # ---- configuration
    ("PUT", "/config", "director", {"json": {"config": "x"}}, 422, "invalid_field", "config"),
    ("PUT", "/config", "director", {"json": {}}, 422, "missing_field", "config"),
    ("PUT", "/config", "director", {"json": {"config": {}}}, 422, "invalid_config", None),
    ("PUT", "/config", "director", {"json": {"config": "@demo", "summary": 5}}, 422,
     "invalid_field", "summary"),
    ("PUT", "/config", "director", {"json": {"config": "@demo", "note": "x"}}, 422,
     "unknown_field", "note"),
    ("PUT", "/config", "director", {"json": {"config": "@other-center"}}, 422,
     "invalid_config", "center.id"),
    ("PUT", "/config", "director", {"data": "{", "headers": JSON}, 400, "malformed_json", None),
    # ---- the rest
    ("GET", "/nothing-here", "anonymous", {}, 404, "not_found", None),
    ("DELETE", "/tickets", "kiosk-1", {}, 405, "method_not_allowed", None),
]


def demo_config(center_id: str = "demo") -> dict[str, Any]:
    import tomllib

    config = tomllib.loads(DEMO_TOML.read_text(encoding="utf-8"))
    config["center"]["id"] = center_id
    return config


def authorization(hub: HubProcess, who: str) -> dict[str, str]:
    if who == "anonymous":
        return {}
    if who.startswith("bearer:"):
        return {"Authorization": who.removeprefix("bearer:")}
    kind, _, name = who.partition(":")
    if kind == "expired":  # a genuine token, older than token_hours (12)
        token = forged_token(hub, name, 1, age_hours=13)
    elif kind == "stale":  # for an older version of the account (password changed since)
        token = forged_token(hub, name, 0, age_hours=0)
    elif kind == "foreign":  # signed with another deployment's key
        token = URLSafeTimedSerializer(b"k" * 32, salt="jiaohao-login").dumps(
            {"c": "demo", "u": name, "v": 1})
    elif who in hub.journal.tokens:
        token = hub.device(who)
    else:
        token = hub.user(who)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("method", "path", "who", "sent", "status", "code", "field"), CASES,
    ids=[f"{m} {p} {w} {c}" for m, p, w, _, _, c, _ in CASES])
def test_bad_request_is_refused_and_changes_nothing(
    hub: HubProcess, scene: Scene, method: str, path: str, who: str, sent: dict[str, Any],
    status: int, code: str, field: str | None,
) -> None:
    sent = dict(sent)
    body = sent.get("json")
    if isinstance(body, dict) and str(body.get("config")).startswith("@"):
        body = {**body, "config": demo_config(body["config"][1:])}
        sent["json"] = body
    headers = {**authorization(hub, who), **sent.pop("headers", {})}
    path = path.replace("{ticket}", scene.ticket)
    if isinstance(body, dict) and body.get("number") == "{number}":
        sent["json"] = {**body, "number": scene.number}
    response = hub.api().request(method, path, headers=headers, token=None, **sent)
    expect_error(response, status, code, field)
    assert hub.seq() == scene.seq, "a refused request changed the journal"


def test_the_journal_holds_nothing_the_refusals_asked_for(hub: HubProcess, scene: Scene) -> None:
    assert hub.events(scene.seq) == []
    state = hub.manager().ok("GET", "/state")
    windows = {w["id"]: w for w in state["windows"]}
    assert (windows[1]["state"], windows[1]["clerk"], windows[1]["ticket"]) == (
        "open", "clerk1", None)
    assert (windows[2]["state"], windows[2]["reason"]) == ("paused", "午休")
    ticket = hub.api().ok("GET", f"/tickets/{scene.ticket}")
    assert (ticket["number"], ticket["status"]) == (scene.number, "waiting")


SUBSCRIBE_CASES: list[tuple[Any, str, str | None]] = [
    ("hall", "invalid_body", None),
    (["hall"], "invalid_body", None),
    ({"rooms": ["hall"], "since": None, "extra": 1}, "invalid_body", None),
    ({"rooms": "hall", "since": None}, "invalid_field", "rooms"),
    ({"rooms": [], "since": None}, "invalid_field", "rooms"),
    ({"rooms": ["hall"] * 11, "since": None}, "invalid_field", "rooms"),
    ({"rooms": ["lobby"], "since": None}, "invalid_field", "rooms"),
    ({"rooms": [3], "since": None}, "invalid_field", "rooms"),
    ({"rooms": ["window:0"], "since": None}, "invalid_field", "rooms"),
    ({"rooms": ["ticket:doesnotexist000"], "since": None}, "unknown_ticket", "rooms"),
    ({"rooms": ["hall"], "since": "5"}, "invalid_field", "since"),
    ({"rooms": ["hall"], "since": -1}, "invalid_field", "since"),
    ({"rooms": ["hall"], "since": True}, "invalid_field", "since"),
    ({"rooms": ["hall"], "since": 1.5}, "invalid_field", "since"),
]


def test_bad_subscriptions_get_an_error_ack_and_change_nothing(
        hub: HubProcess, scene: Scene) -> None:
    display = hub.live(hub.device("hall-1")).connect()
    try:
        for data, code, field in SUBSCRIBE_CASES:
            answer = display.call("subscribe", data)
            assert isinstance(answer, dict) and answer.get("error") == code, (data, answer)
            assert isinstance(answer.get("message"), str) and answer["message"], answer
            assert answer.get("field") == field, (data, answer)
        # Events no handler knows, including the names of the connection's own events,
        # are ignored: no ack data, no effect, and the connection still works.
        for event, data in [("call-next", {"window": 1}), ("connect", {"token": "bad"}),
                            ("disconnect", None), ("subscribe_all", {})]:
            assert display.call(event, data) in (None, [], ()), event
        ack = display.subscribe(["hall"], since=10**9)  # ahead of the journal: a snapshot
        assert ack["seq"] == scene.seq and "snapshot" in ack
        ack = display.subscribe(["hall"], since=scene.seq)
        assert ack == {"seq": scene.seq, "events": []}
        assert hub.seq() == scene.seq
    finally:
        display.disconnect()


def test_an_unreadable_packet_closes_only_its_own_connection(hub: HubProcess,
                                                             scene: Scene) -> None:
    """Socket.IO packets the hub cannot decode (broken JSON, nested past the parser's
    depth): the sender is dropped, with a line in the log and no traceback; others
    carry on."""
    bystander = hub.live(hub.device("hall-1")).connect()
    try:
        bystander.subscribe(["hall"], since=scene.seq)
        for packet in ['2/live,["subscribe",{"rooms":', '2/live,["subscribe",'
                       + "[" * 20_000 + "]" * 20_000 + "]"]:
            sender = hub.live(hub.device("hall-1")).connect()
            sender.sio.eio.send(packet)  # an EVENT packet written by hand
            assert sender.wait_state(lambda client: bool(client.drops)), "still connected"
            assert sender.drops == ["server disconnect"]
            sender.disconnect()
        assert bystander.subscribe(["hall"], since=scene.seq) == {"seq": scene.seq,
                                                                  "events": []}
        assert hub.seq() == scene.seq
    finally:
        bystander.disconnect()
