"""The agent's /live subscription: each event once and in order, across drops.

`Resync` is checked on its own with the hub's answers written out; `HubClock`
with a clock the test moves; `LiveListener` against a real hub through a link
the test cuts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest

from display.listener import HubClock, LiveListener, Resync, call_from_recent
from tests.display.conftest import CHINA, CuttableLink, Desk, wait_for
from tools.process import HubProcess


def event(seq: int, kind: str = "ticket_called", number: str = "A001") -> dict[str, Any]:
    return {"seq": seq, "type": kind, "at": f"2026-11-26T09:00:{seq % 60:02d}+08:00",
            "data": {"number": number, "window": 1}}


def seqs(deliveries: list[tuple[dict[str, Any], bool]]) -> list[tuple[int, bool]]:
    return [(found["seq"], live) for found, live in deliveries]


# --------------------------------------------------------------------- Resync


def test_the_first_snapshot_is_the_picture_not_news() -> None:
    resync = Resync(["hall"])
    assert resync.subscribing() == {"rooms": ["hall"], "since": None}
    snapshot = {"recent_calls": [{"seq": 9, "type": "ticket_called",
                                  "number": "A009", "window": 1}]}
    deliveries, found = resync.acknowledged({"seq": 10, "snapshot": snapshot})
    assert deliveries == [] and found == snapshot
    assert resync.seq == 10
    assert seqs(resync.pushed(event(11))) == [(11, True)]


def test_pushes_held_during_the_answer_come_after_it_each_once_in_order() -> None:
    resync = Resync(["hall"])
    resync.subscribing()
    resync.acknowledged({"seq": 10, "snapshot": {}})
    resync.lost()
    assert resync.subscribing() == {"rooms": ["hall"], "since": 10}
    assert resync.pushed(event(14)) == []   # held: the answer may hold it too
    assert resync.pushed(event(13)) == []
    deliveries, snapshot = resync.acknowledged(
        {"seq": 13, "events": [event(12), event(11), event(13)]})
    assert snapshot is None
    assert seqs(deliveries) == [(11, False), (12, False), (13, False), (14, True)]
    assert resync.pushed(event(14)) == [] and resync.pushed(event(12)) == []
    assert seqs(resync.pushed(event(15))) == [(15, True)]
    assert resync.seq == 15


def test_a_snapshot_after_a_long_drop_hands_on_the_calls_made_meanwhile() -> None:
    resync = Resync(["hall"])
    resync.subscribing()
    resync.acknowledged({"seq": 10, "snapshot": {}})
    resync.subscribing()
    resync.pushed(event(20))   # already in the snapshot below
    resync.pushed(event(21))
    recent = [{"seq": s, "type": "ticket_called", "at": "2026-11-26T09:30:00+08:00",
               "number": f"A0{s}", "service": "social-security",
               "window": 2, "window_name": "2号窗口", "recall_count": 0} for s in (20, 15, 9)]
    deliveries, snapshot = resync.acknowledged({"seq": 20, "snapshot": {"recent_calls": recent}})
    assert snapshot is not None
    assert seqs(deliveries) == [(15, False), (20, False), (21, True)]
    assert deliveries[0][0] == call_from_recent(recent[1])
    # Public: the number and the window, no ticket id.
    assert deliveries[0][0]["data"] == {"number": "A015", "service": "social-security",
                                        "window": 2, "window_name": "2号窗口", "recall_count": 0}


def test_garbled_answers_and_pushes_are_refused() -> None:
    resync = Resync(["hall"])
    resync.subscribing()
    with pytest.raises(ValueError, match="refused"):
        resync.acknowledged({"error": "forbidden", "message": "you may not join hall"})
    assert resync.pushed({"type": "ticket_called"}) == []
    assert resync.pushed({"seq": True, "type": "ticket_called"}) == []
    assert resync.pushed("nonsense") == []


def test_resync_remembers_a_bounded_number_of_seqs() -> None:
    resync = Resync(["hall"], remember=3)
    resync.subscribing()
    resync.acknowledged({"seq": 0, "events": []})
    for seq in range(1, 7):
        resync.pushed(event(seq))
    assert len(resync._applied) == 3 and resync.seq == 6


# --------------------------------------------------------------------- HubClock


class Ticking:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_hub_clock_follows_live_events_and_is_raised_by_replays() -> None:
    wall = datetime(2026, 11, 27, 15, 0, tzinfo=CHINA)
    ticking = Ticking()
    clock = HubClock(wall=lambda: wall, monotonic=ticking)
    assert clock.now() == wall and clock.skew() is None      # nothing heard yet: our clock
    hub_time = datetime(2026, 11, 26, 9, 0, tzinfo=CHINA)
    clock.observe(hub_time, live=True)
    ticking.now += 5
    assert clock.now() == hub_time + timedelta(seconds=5)
    clock.observe(hub_time - timedelta(minutes=3), live=False)  # an old call replayed
    assert clock.now() == hub_time + timedelta(seconds=5)
    clock.observe_text((hub_time + timedelta(seconds=65)).isoformat(), live=False)
    assert clock.now() == hub_time + timedelta(seconds=65)   # the hub was further on
    clock.observe(hub_time, live=True)                        # a restarted demo hub
    assert clock.now() == hub_time
    clock.observe_text("not a time", live=True)
    clock.observe_text(None, live=True)
    assert clock.now() == hub_time


# --------------------------------------------------------------------- LiveListener


class Heard:
    def __init__(self) -> None:
        self.events: list[tuple[dict[str, Any], bool]] = []
        self.statuses: list[str] = []
        self.lock = threading.Lock()

    def event(self, found: dict[str, Any], live: bool) -> None:
        with self.lock:
            self.events.append((found, live))

    def calls(self) -> list[tuple[int, str, bool]]:
        with self.lock:
            return [(e["seq"], e["data"]["number"], live) for e, live in self.events
                    if e["type"] == "ticket_called"]


@pytest.mark.slow
def test_the_listener_hears_every_call_once_in_order_across_a_drop(
    demo_hub: HubProcess, desk: Callable[[int], Desk], link: CuttableLink
) -> None:
    heard = Heard()
    listener = LiveListener(link.url, demo_hub.tokens["hall-1"], ["hall"], heard.event,
                            on_status=heard.statuses.append)
    listener.start()
    try:
        assert listener.wait_live(20)
        clerks = [desk(window) for window in (1, 3, 4, 5, 7)]
        for clerk in clerks:
            clerk.issue()
            clerk.issue()  # window 7 serves the others' services too: enough for everyone
            if clerk.act("sign-in")["window"]["ticket"]:
                clerk.act("complete")
        start = threading.Barrier(len(clerks))

        def call(clerk: Desk) -> str:
            start.wait()
            number: str = clerk.act("call-next")["ticket"]["number"]
            return number

        with ThreadPoolExecutor(len(clerks)) as pool:
            numbers = set(pool.map(call, clerks))
        wait_for(lambda: len(heard.calls()) == len(clerks), 20, "every call")
        calls = heard.calls()
        assert {number for _, number, _ in calls} == numbers
        assert [seq for seq, _, _ in calls] == sorted(seq for seq, _, _ in calls)
        assert all(live for _, _, live in calls)

        link.cut()
        wait_for(lambda: listener.status == "lost", 20, "the drop noticed")
        clerk = clerks[0]
        clerk.issue()
        missed = clerk.call_next()
        link.restore()
        wait_for(lambda: len(heard.calls()) == len(clerks) + 1, 30, "the missed call")
        assert heard.calls()[-1][1:] == (missed, False)   # replayed from `since`, once
        assert listener.status == "live"
        assert heard.statuses[:2] == ["live", "lost"] and heard.statuses[-1] == "live"
        all_seqs = [found["seq"] for found, _ in heard.events]
        assert len(all_seqs) == len(set(all_seqs))
        assert listener.clock.skew() is not None   # learnt from the hub's timestamps
    finally:
        listener.close()


@pytest.mark.slow
def test_a_refused_token_is_reported(demo_hub: HubProcess) -> None:
    statuses: list[str] = []
    listener = LiveListener(demo_hub.url, "not-a-token", ["hall"], lambda *_: None,
                            on_status=statuses.append)
    listener.start()
    try:
        wait_for(lambda: "refused" in statuses, 20, "the refusal")
        assert not listener.wait_live(0.1)
    finally:
        listener.close()
