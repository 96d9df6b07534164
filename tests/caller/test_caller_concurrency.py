"""Two clerks press 叫号 at the same moment, at two windows serving the same service,
round after round against a real hub: never the same ticket, none skipped."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
import requests

from tests.caller.callerkit import issue, journal, last_seq, ok, window_action

pytestmark = pytest.mark.slow
ROUNDS = 40


def test_simultaneous_call_next_never_gives_the_same_ticket(demo_hub: Any) -> None:
    clerks = {1: demo_hub.login("wangli"), 2: demo_hub.login("liqiang")}
    since = last_seq(demo_hub)
    for window, token in clerks.items():
        ok(window_action(demo_hub, token, window, "sign-in"))
    issued = [issue(demo_hub, "social-security")["id"] for _ in range(2 * ROUNDS)]
    barrier = threading.Barrier(2)
    called: dict[int, list[str | None]] = {1: [], 2: []}
    problems: list[str] = []

    def clerk(window: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {clerks[window]}"
        url = f"{demo_hub.url}/api/v1/windows/{window}"
        try:
            for _ in range(ROUNDS):
                barrier.wait(timeout=30)  # both press at the same moment
                answer = session.post(f"{url}/call-next", json={}, timeout=30)
                assert answer.ok, answer.text
                ticket = answer.json()["ticket"]
                called[window].append(ticket["id"] if ticket else None)
                if ticket:
                    done = session.post(f"{url}/complete", json={}, timeout=30)
                    assert done.ok, done.text
        except (AssertionError, threading.BrokenBarrierError) as error:
            problems.append(f"window {window}: {error!r}")
            barrier.abort()  # do not leave the other clerk waiting

    threads = [threading.Thread(target=clerk, args=(window,)) for window in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert problems == []
    assert len(called[1]) == len(called[2]) == ROUNDS
    for one, two in zip(called[1], called[2], strict=True):
        assert one is not None and two is not None and one != two
    every = [ticket for ticket in called[1] + called[2] if ticket is not None]
    assert sorted(every) == sorted(issued)  # each exactly once, none skipped

    calls = Counter(e["data"]["id"] for e in journal(demo_hub, since)
                    if e["type"] == "ticket_called")
    assert set(calls) == set(issued)
    assert set(calls.values()) == {1}
    for window, token in clerks.items():
        ok(window_action(demo_hub, token, window, "sign-out"))
