"""Golden files of everything a public screen or an anonymous phone receives.

A demo day is driven through an in-process hub (REST and /live through the test
clients): issue, call, recall, start, complete, no-show, reinstate, transfer,
suspend, resume, pause (a configured and a typed reason), open, sign-in/out and
ratings by the holder and by the window's pad. What the `hall`, `window:1`,
`window:2` and `ticket:<id>` rooms hear (the phone's `progress` updates too), what
the `staff` and `manager` rooms hear, and the subscribe acknowledgement
(snapshot) of each, is written to tests/golden/wire/*.json with times, ticket
ids and seqs normalised. Any difference fails; JIAOHAO_UPDATE_GOLDEN=1 rewrites
them (then read the diff before committing it).

One end-to-end check runs the same kind of call against a real hub process and
compares the shape of what the hall hears with the golden file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.security.kit import NAMESPACE, Kit, heard, subscribe
from tests.support.hub import api
from tests.support.kit import wait_until
from tools.process import HubProcess

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "wire"
UPDATE = os.environ.get("JIAOHAO_UPDATE_GOLDEN") == "1"
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?$")
SEQ_KEYS = frozenset({"seq"})


class Normaliser:
    """Times become "<time>", ticket ids "<id:N>" (in order of first sight) and seqs
    count from the day's start, so a rerun writes the same files."""

    def __init__(self, ticket_ids: list[str], base_seq: int) -> None:
        self.ids = {ticket_id: f"<id:{n}>" for n, ticket_id in enumerate(ticket_ids, 1)}
        self.base = base_seq

    def __call__(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {self.ids.get(k, k): self(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v, key) for v in value]
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int) and key in SEQ_KEYS:
            return value - self.base
        if isinstance(value, str):
            if value in self.ids:
                return self.ids[value]
            if ISO_TIME.match(value):
                return "<time>"
        return value


def compare(name: str, found: Any) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} missing: run with JIAOHAO_UPDATE_GOLDEN=1 and read it"
    assert json.loads(path.read_text(encoding="utf-8")) == found, (
        f"{name}: the wire changed; if on purpose, rewrite with JIAOHAO_UPDATE_GOLDEN=1 "
        "and read the diff")


def tok(k: Kit, name: str) -> str:
    return k.tokens[("demo", name)]


def demo_day(k: Kit, private: bool = False) -> dict[str, Any]:
    """Drive the day; return what each public room and the phone heard, their acks,
    the ticket ids in order of issue and the seq the day started from. With `private`,
    only what the `staff` room (a clerk) and the `manager` room heard, and their acks."""
    wangli, liqiang, kiosk = tok(k, "wangli"), tok(k, "liqiang"), tok(k, "kiosk-1")
    first = k.issue("social-security", kiosk)  # starts the day
    base = k.hub.centers["demo"].state.seq
    rooms = {"hall": k.live(tok(k, "hall-1")), "window-1": k.live(tok(k, "window-1")),
             "window-2": k.live(tok(k, "pad-2")), "ticket": k.live()}
    subscribe(rooms["hall"], ["hall"])
    subscribe(rooms["window-1"], ["window:1"])
    subscribe(rooms["window-2"], ["window:2"])
    subscribe(rooms["ticket"], [f"ticket:{first['id']}"])
    if private:
        rooms = {"staff": k.live(wangli), "manager": k.live(tok(k, "director"))}
        subscribe(rooms["staff"], ["staff"])
        subscribe(rooms["manager"], ["manager"])
    for client in rooms.values():
        heard(client)  # start from here
    k.window(wangli, 1, "sign-in")
    k.window(liqiang, 2, "sign-in")
    second = k.issue("social-security", kiosk)
    third = k.issue("medical-insurance", kiosk)
    fourth = k.issue("social-security", kiosk)
    k.clock.advance(minutes=2)
    k.window(wangli, 1, "call", ticket=first["number"])
    k.clock.advance(seconds=40)
    k.window(wangli, 1, "recall")
    k.window(wangli, 1, "start")
    k.clock.advance(minutes=6)
    k.window(wangli, 1, "complete")
    k.ok("POST", f"/api/v1/tickets/{first['id']}/rating?center=demo",
         json={"level": 5})  # the holder, from the phone
    k.window(liqiang, 2, "call", ticket=second["number"])
    k.clock.advance(minutes=3)
    k.window(liqiang, 2, "no-show")
    k.window(liqiang, 2, "reinstate", ticket=second["number"])
    k.window(wangli, 1, "call", ticket=third["number"])
    k.window(wangli, 1, "transfer", to_service="household", note="材料在户籍窗口补")
    k.window(liqiang, 2, "call", ticket=fourth["number"])
    k.window(liqiang, 2, "start")
    k.window(liqiang, 2, "suspend", reason="回家取户口本")
    k.window(liqiang, 2, "call", ticket=second["number"])
    k.window(liqiang, 2, "complete")
    k.ok("POST", "/api/v1/windows/2/rating", tok(k, "pad-2"),
         json={"number": second["number"], "level": 2, "aspects": ["服务效率"],
               "reason": "等太久"})
    k.window(liqiang, 2, "resume", ticket=fourth["number"])
    k.window(liqiang, 2, "call", ticket=fourth["number"])
    k.window(liqiang, 2, "start")
    k.clock.advance(minutes=4)
    k.window(liqiang, 2, "complete")
    k.window(wangli, 1, "pause", reason="午休")
    k.window(wangli, 1, "open")
    k.window(wangli, 1, "pause", reason="去楼下银行办点私事")
    k.window(wangli, 1, "open")
    k.issue("social-security", kiosk)
    k.window(liqiang, 2, "call-next")  # leaves a called ticket on screens for the snapshots
    k.window(wangli, 1, "sign-out")
    if private:
        heard_private: dict[str, Any] = {name: heard(client) for name, client in rooms.items()}
        heard_private["staff-snapshot"] = subscribe(k.live(liqiang), ["staff"])
        heard_private["manager-snapshot"] = subscribe(k.live(tok(k, "director")), ["manager"])
        return {"found": heard_private, "base": base}
    phone = rooms.pop("ticket").get_received(NAMESPACE)  # events, and `progress` updates
    found: dict[str, Any] = {name: heard(client) for name, client in rooms.items()}
    found["ticket"] = [m["args"][0] for m in phone if m["name"] == "event"]
    found["ticket-progress"] = [m["args"][0] for m in phone if m["name"] == "progress"]
    assert {m["name"] for m in phone} == {"event", "progress"}
    found["hall-snapshot"] = subscribe(k.live(tok(k, "hall-1")), ["hall"])
    found["window-2-snapshot"] = subscribe(k.live(tok(k, "pad-2")), ["window:2"])
    found["ticket-snapshot"] = subscribe(k.live(), [f"ticket:{first['id']}"])
    found["ticket-replay"] = subscribe(k.live(), [f"ticket:{first['id']}"], since=base)
    found["hall-replay"] = subscribe(k.live(tok(k, "hall-1")), ["hall"], since=base)
    ids = [t["id"] for t in (first, second, third, fourth)]
    return {"found": found, "ids": ids, "base": base, "first": first["id"]}


def test_what_public_rooms_hear_is_pinned(k: Kit) -> None:
    day = demo_day(k)
    normalise = Normaliser(day["ids"], day["base"])
    for name, value in day["found"].items():
        assert value, name
        text = json.dumps(value, ensure_ascii=False)
        others = [i for i in day["ids"] if not (name.startswith("ticket") and i == day["first"])]
        assert not any(i in text for i in others), f"{name} carries a ticket id"
        for login in ("wangli", "liqiang", "kiosk-1", "pad-2"):
            assert f'"{login}"' not in text, f"{name} carries the login {login}"
        for typed in ("材料在户籍窗口补", "回家取户口本", "去楼下银行办点私事", "等太久"):
            assert typed not in text, f"{name} carries free text {typed}"
        compare(name, normalise(value))
    types = {e["type"] for e in day["found"]["hall"]}
    assert {"ticket_issued", "ticket_called", "ticket_recalled", "service_started",
            "ticket_completed", "ticket_no_show", "ticket_reinstated", "ticket_transferred",
            "ticket_suspended", "ticket_resumed", "window_paused", "window_opened",
            "clerk_signed_in", "clerk_signed_out"} <= types
    assert "ticket_rated" in {e["type"] for e in day["found"]["window-2"]}
    assert "ticket_rated" in {e["type"] for e in day["found"]["ticket"]}


# The hub's ids (tickets, follow-ups, notifications…): 16 url-safe characters.
ID_LIKE = re.compile(r"^(?=.*[A-Z0-9])[A-Za-z0-9_-]{16}$")


class IdNormaliser(Normaliser):
    """Also every other id, numbered in order of first sight (staff payloads carry
    the ids of follow-ups and the like, which the day does not return)."""

    def __call__(self, value: Any, key: str = "") -> Any:
        for found in (value if isinstance(value, dict) else [value]):
            if isinstance(found, str) and found not in self.ids and ID_LIKE.match(found):
                self.ids[found] = f"<id:{len(self.ids) + 1}>"
        return super().__call__(value, key)


def test_what_the_staff_and_manager_rooms_hear_is_pinned(k: Kit) -> None:
    """The same day as heard by a clerk in the `staff` room and a manager in the
    `manager` room (full payloads: logins, notes and ids are theirs to see), and the
    acknowledgement (snapshot) each gets."""
    day = demo_day(k, private=True)
    normalise = IdNormaliser([], day["base"])
    for name, value in day["found"].items():
        assert value, name
        compare(name, normalise(value))
    staff = {e["type"] for e in day["found"]["staff"]}
    manager = {e["type"] for e in day["found"]["manager"]}
    assert {"ticket_called", "ticket_transferred", "ticket_suspended", "window_paused",
            "clerk_signed_in", "clerk_signed_out"} <= staff
    assert staff <= manager  # the manager room hears every event
    # Staff see who serves where; managers also see what a clerk typed.
    assert '"wangli"' in json.dumps(day["found"]["staff"], ensure_ascii=False)
    assert "材料在户籍窗口补" in json.dumps(day["found"]["manager"], ensure_ascii=False)


@pytest.mark.slow
def test_a_real_hub_sends_the_hall_what_the_golden_files_say(demo_hub: HubProcess) -> None:
    """End to end: a real `jiaohao hub` (gevent), a real Socket.IO client as the hall
    display; the call it hears has the golden file's fields and no id or login."""
    golden = json.loads((GOLDEN / "hall.json").read_text(encoding="utf-8"))
    expected = {e["type"]: set(e["data"]) for e in golden}
    pushed: list[dict[str, Any]] = []
    client = socketio.Client(reconnection=False)
    client.on("event", pushed.append, namespace="/live")
    client.connect(demo_hub.url, namespaces=["/live"], transports=["websocket"],
                   auth={"token": demo_hub.tokens["hall-1"]}, wait_timeout=10)
    try:
        ack = client.call("subscribe", {"rooms": ["hall"], "since": None}, namespace="/live",
                          timeout=10)
        assert "snapshot" in ack
        login = "zhoutao"
        token = api(demo_hub, "POST", "/api/v1/auth/token", json={
            "username": login, "password": demo_hub.passwords[login]}).json()["token"]
        ticket = api(demo_hub, "POST", "/api/v1/tickets", demo_hub.tokens["kiosk-1"],
                     json={"service": "business-license"}).json()
        for action, body in (("sign-in", {}), ("call", {"ticket": ticket["number"]}),
                             ("complete", {}), ("sign-out", {})):
            answer = api(demo_hub, "POST", f"/api/v1/windows/8/{action}", token, json=body)
            assert answer.status_code == 200, answer.text
        wait_until(lambda: any(e["type"] == "clerk_signed_out" for e in pushed), 15,
                   "the hall to hear the sign-out")
    finally:
        client.disconnect()
    kinds = [e["type"] for e in pushed]
    assert kinds == ["ticket_issued", "clerk_signed_in", "ticket_called", "service_started",
                     "ticket_completed", "clerk_signed_out"], kinds
    text = json.dumps(pushed, ensure_ascii=False) + json.dumps(ack, ensure_ascii=False)
    assert ticket["id"] not in text and login not in text
    for event in pushed:
        assert set(event["data"]) == expected[event["type"]], event
