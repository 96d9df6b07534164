"""Clerks call through the REST API while displays listen on /live: every display hears
every call, in seq order, and one that drops out catches up exactly on `since`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hubkit import HubProcess, expect_error, of_type, seqs

from hub.domain.config import QueueRules
from hub.read.wire import PUBLIC_FIELDS

pytestmark = pytest.mark.slow

DISPLAYS = 20
WINDOWS = range(1, 9)
SERVICES = ["social-security", "medical-insurance", "household", "real-estate",
            "business-license", "civil-affairs"]
TICKETS = 120
CALLED_FIELDS = {"id", "number", "service", "window", "window_name", "recall_count"}
# The hub's clerks here (clerk1…8) have no published name: public screens say 工作人员.
UNNAMED = "工作人员"
PAUSE_REASONS = QueueRules.pause_reasons  # the demo keeps the default ones


# Free text a clerk typed about a citizen's matter: for staff, never for public screens.
STAFF_TEXT = {"ticket_transferred": "note", "ticket_suspended": "reason"}


def public(event: dict[str, Any], holder: bool = False) -> dict[str, Any]:
    """A manager's copy of an event as the hall hears it: the public fields of its type
    only (no actor, no ticket id, no staff notes), the clerk by published name, a pause
    reason only when configured; the holder's phone gets its ticket's id on top."""
    data = {k: v for k, v in event["data"].items() if k in PUBLIC_FIELDS[event["type"]]}
    if "clerk" in data:
        data["clerk"] = UNNAMED
    if event["type"] == "window_paused" and data["reason"] not in PAUSE_REASONS:
        data["reason"] = None
    if holder:
        data["id"] = event["data"]["id"]
    return {**{k: v for k, v in event.items() if k != "actor"}, "data": data}


def fact(event: dict[str, Any]) -> dict[str, Any]:
    """An event pushed live without the queue figures it carries (`data.queue` and, for
    the window screens, `data.window_queues`: the waiting counts, waits and next numbers
    at that moment, which the journal does not keep)."""
    data = {k: v for k, v in event["data"].items() if k not in ("queue", "window_queues")}
    return {**event, "data": data}


def touches_window(event: dict[str, Any], window: int) -> bool:
    data = event["data"]
    return window in (data.get("window"), data.get("from_window"), data.get("to_window"))


class Clerks:
    """Clerks at windows 1-8 calling, sometimes recalling, and completing, from threads,
    until the hall has made `budget` calls or their windows have nobody left."""

    def __init__(self, hub: HubProcess) -> None:
        self.apis = {w: hub.api(hub.user(f"clerk{w}")) for w in WINDOWS}
        self.lock = threading.Lock()
        self.calls = 0
        self.called: list[dict[str, Any]] = []
        self.done: set[int] = set()  # windows with nobody left to call
        self.errors: list[BaseException] = []

    def sign_in(self) -> None:
        for window, api in self.apis.items():
            answer = api.window(window, "sign-in")
            assert answer["window"]["clerk"] == f"clerk{window}"
            assert answer["window"]["state"] == "open"

    def run(self, budget: int) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._serve, args=(w, budget)) for w in WINDOWS
                   if w not in self.done]
        for thread in threads:
            thread.start()
        return threads

    def _serve(self, window: int, budget: int) -> None:
        try:
            self._calls(window, budget)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            self.errors.append(error)

    def _calls(self, window: int, budget: int) -> None:
        api = self.apis[window]
        while True:
            with self.lock:
                if self.calls >= budget:
                    return
                self.calls += 1
            answer = api.window(window, "call-next")
            ticket = answer["ticket"]
            if ticket is None:
                with self.lock:
                    self.calls -= 1
                    self.done.add(window)
                return
            assert ticket["status"] == "called" and ticket["window"] == window, ticket
            with self.lock:
                self.called.append(ticket)
            if int(ticket["number"][1:]) % 7 == 0:
                recalled = api.window(window, "recall")["ticket"]
                assert recalled["recall_count"] == 1, recalled
            completed = api.window(window, "complete")
            assert completed["ticket"]["status"] == "done"
            assert completed["window"]["ticket"] is None


def run_phase(clerks: Clerks, budget: int, meanwhile: Callable[[], None] | None = None) -> None:
    threads = clerks.run(budget)
    if meanwhile is not None:
        meanwhile()
    for thread in threads:
        thread.join(timeout=300)
        assert not thread.is_alive()
    if clerks.errors:
        raise clerks.errors[0]


def test_every_display_hears_every_call_in_order_and_resyncs_exactly(hub: HubProcess) -> None:
    kiosk = hub.api(hub.device("kiosk-1"))
    issued = [kiosk.issue(SERVICES[i % len(SERVICES)]) for i in range(TICKETS)]
    clerks = Clerks(hub)
    clerks.sign_in()

    displays = [hub.live(hub.device("hall-1")).connect() for _ in range(DISPLAYS)]
    window_screen = hub.live(hub.device("window-3")).connect()
    followed = issued[0]
    phone = hub.live(None).connect()  # a phone following its ticket, without a token
    clients = [*displays, window_screen, phone]
    try:
        start = hub.seq()
        for display in displays:
            ack = display.subscribe(["hall"], since=None)
            assert ack["seq"] == start and "snapshot" in ack, ack
            snapshot = ack["snapshot"]
            assert snapshot["seq"] == start
            assert sum(s["waiting"] for s in snapshot["services"]) == TICKETS
            assert {w["clerk"] for w in snapshot["windows"]} == {UNNAMED}  # never a login
        assert window_screen.subscribe(["window:3"], since=start) == {"seq": start, "events": []}
        ack = phone.subscribe([f"ticket:{followed['id']}"], since=None)
        assert ack["snapshot"]["tickets"][followed["id"]]["number"] == followed["number"]

        # Phase 1: everyone listens. Then one display drops out while phase 2 runs,
        # comes back with `since` while phase 3 is calling, and listens to phase 4.
        run_phase(clerks, TICKETS // 3)
        dropped = displays[0]
        dropped.disconnect()
        before = dropped.events()
        assert before, "the display heard nothing before it dropped out"
        last_applied = before[-1]["seq"]
        run_phase(clerks, 2 * TICKETS // 3)
        resync: dict[str, Any] = {}

        def come_back() -> None:
            dropped.connect()
            resync.update(dropped.subscribe(["hall"], since=last_applied))

        run_phase(clerks, 5 * TICKETS // 6, meanwhile=come_back)
        run_phase(clerks, TICKETS * 10)
        final = hub.seq()

        journal = hub.events(start)
        assert seqs(journal) == list(range(start + 1, final + 1))
        assert {e["type"] for e in journal} <= {
            "ticket_called", "ticket_recalled", "service_started", "ticket_completed"}
        calls = of_type(journal, "ticket_called")
        assert sorted(c["data"]["id"] for c in calls) == sorted(t["id"] for t in issued)
        assert len(clerks.called) == TICKETS
        for call in calls:
            assert set(call["data"]) >= CALLED_FIELDS, call
            assert call["data"]["recall_count"] == 0
            assert call["data"]["window_name"].startswith(f"{call['data']['window']}号")
        recalls = of_type(journal, "ticket_recalled")
        assert recalls and all(r["data"]["recall_count"] == 1 for r in recalls)
        expected = [public(e) for e in journal]

        # Every display that stayed heard the whole journal after its snapshot, in order.
        for display in displays[1:]:
            assert display.wait_seq(final), f"a display stopped at {seqs(display.events())[-1:]}"
            heard = display.events()
            assert seqs(heard) == list(range(start + 1, final + 1))
            assert [fact(e) for e in heard] == expected
            assert all("actor" not in e for e in heard)
            queues = [e["data"]["queue"] for e in heard if e["type"] == "ticket_called"]
            assert all(set(q) == {"waiting", "eta_minutes", "wait"}
                       for x in queues for q in x.values())

        # The one that dropped out: the ack holds exactly what it missed, the live
        # events after it nothing it already had; together, the whole journal once.
        assert "events" in resync, resync
        missed = resync["events"]
        assert missed, "the display missed nothing: phase 2 made no calls?"
        assert seqs(missed) == list(range(last_applied + 1, resync["seq"] + 1))
        assert dropped.wait_for(
            lambda got: max([resync["seq"], *seqs(got)]) >= final, timeout=60)
        after = dropped.events()[len(before):]
        doubled = [e["seq"] for e in after if e["seq"] <= resync["seq"]]
        assert not doubled, f"events both in the ack and live: {doubled}"
        assert seqs(after) == list(range(resync["seq"] + 1, final + 1))
        assert before and missed and after, "the display should hear, miss and hear again"
        applied = [fact(e) for e in before] + missed + [fact(e) for e in after]
        assert applied == expected

        # The window screen heard its window's events only; the phone its ticket's only.
        for_window = [e for e in expected if touches_window(e, 3)]
        assert for_window and window_screen.wait_seq(for_window[-1]["seq"])
        assert [fact(e) for e in window_screen.events()] == for_window
        for_ticket = [public(e, holder=True) for e in journal
                      if e["data"].get("id") == followed["id"]]
        assert phone.wait_seq(for_ticket[-1]["seq"])
        assert [fact(e) for e in phone.events()] == for_ticket
        assert [e["type"] for e in for_ticket][-1] == "ticket_completed"

        state = hub.manager().ok("GET", "/state")
        assert state["seq"] == final
        assert all(s["waiting"] == 0 for s in state["services"])
        assert all(w["ticket"] is None and w["state"] == "open" for w in state["windows"])
        latest = [e for e in journal if e["type"] in ("ticket_called", "ticket_recalled")]
        assert state["recent_calls"][0]["seq"] == latest[-1]["seq"]  # newest first
        assert state["recent_calls"][0]["number"] == latest[-1]["data"]["number"]
    finally:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda client: client.disconnect(), clients))


def test_every_window_action_answers_window_ticket_and_seq(hub: HubProcess) -> None:
    """One citizen through every action a clerk has, heard by a hall display."""
    kiosk = hub.api(hub.device("kiosk-1"))
    at7, at4 = hub.api(hub.user("clerk7")), hub.api(hub.user("clerk4"))
    display = hub.live(hub.device("hall-1")).connect()
    try:
        at7.window(7, "sign-in")  # signing in again changes nothing
        at4.window(4, "sign-in")
        start = display.subscribe(["hall"], since=None)["seq"]
        citizen = kiosk.issue("social-security")
        number = citizen["number"]
        answers: list[tuple[str, dict[str, Any]]] = []

        def act(api: Any, window: int, action: str, body: dict[str, Any] | None = None,
                ) -> dict[str, Any]:
            answer: dict[str, Any] = api.window(window, action, body)
            assert set(answer) == {"window", "ticket", "seq"}, answer
            assert answer["window"]["id"] == window
            assert answer["seq"] == hub.seq()
            answers.append((action, answer))
            return answer

        def status(answer: dict[str, Any]) -> str | None:
            return answer["ticket"]["status"] if answer["ticket"] else None

        assert act(at7, 7, "call", {"ticket": number})["ticket"]["status"] == "called"
        assert act(at7, 7, "recall")["ticket"]["recall_count"] == 1
        assert status(act(at7, 7, "no-show")) == "no_show"
        assert act(at7, 7, "reinstate", {"ticket": number})["window"]["ticket"] is None
        assert hub.api().ok("GET", f"/tickets/{citizen['id']}")["status"] == "waiting"
        act(at7, 7, "call", {"ticket": number})
        assert status(act(at7, 7, "start")) == "serving"
        assert status(act(at7, 7, "suspend", {"reason": "缺少户口簿"})) == "suspended"
        act(at7, 7, "resume", {"ticket": number})
        assert hub.api().ok("GET", f"/tickets/{citizen['id']}")["status"] == "waiting"
        act(at7, 7, "call", {"ticket": number})
        act(at7, 7, "start")
        moved = act(at7, 7, "transfer", {"to_service": "household", "note": "户口迁移"})
        assert moved["window"]["ticket"] is None
        assert moved["ticket"]["id"] == citizen["id"] and moved["ticket"]["service"] == "household"
        called = act(at4, 4, "call-next")
        assert called["ticket"]["id"] == citizen["id"] and called["ticket"]["number"] == number
        assert status(act(at4, 4, "complete")) == "done"
        assert act(at7, 7, "pause", {"reason": "开会"})["window"]["state"] == "paused"
        assert act(at7, 7, "open")["window"]["state"] == "open"
        assert act(at7, 7, "sign-out")["window"]["clerk"] is None

        # Served at window 4: the pad of window 1 may not rate it; its holder may, once.
        pad = hub.api(hub.device("pad-1"))
        expect_error(pad.request("POST", "/windows/1/rating", json={"number": number, "level": 1}),
                     403, "not_rated_here", "number")
        holder = hub.api()
        rated = holder.ok("POST", f"/tickets/{citizen['id']}/rating",
                          json={"level": 2, "aspects": ["服务效率"], "reason": "等太久"})
        assert rated["level"] == 2 and rated["seq"] == hub.seq()
        expect_error(holder.request("POST", f"/tickets/{citizen['id']}/rating",
                                    json={"level": 5}), 409, "already_rated")
        found = hub.api().ok("GET", f"/tickets/{citizen['id']}")
        assert (found["number"], found["status"], found["window"]) == (number, "done", 4)

        journal = hub.events(start)
        # Not for the hall: the rating, and the 差评 follow-up it opened (managers only).
        assert [e["type"] for e in journal[-2:]] == ["ticket_rated", "follow_up_opened"]
        heard = [public(e) for e in journal[:-2]]
        notes = {(e["type"], e["data"].get(STAFF_TEXT.get(e["type"], ""))) for e in journal}
        assert {("ticket_suspended", "缺少户口簿"), ("ticket_transferred", "户口迁移")} <= notes
        assert display.wait_seq(heard[-1]["seq"])
        assert heard[-3]["data"] == {"window": 7, "reason": None}  # 开会 is not configured
        assert [fact(e) for e in display.events()] == heard
        assert [e["type"] for e in heard] == [
            "ticket_issued", "ticket_called", "ticket_recalled", "ticket_no_show",
            "ticket_reinstated", "ticket_called", "service_started", "ticket_suspended",
            "ticket_resumed", "ticket_called", "service_started", "ticket_transferred",
            "ticket_called", "service_started", "ticket_completed", "window_paused",
            "window_opened", "clerk_signed_out"]
    finally:
        display.disconnect()
