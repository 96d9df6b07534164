"""Which centers a hub process follows when several share one journal (hub/core.py,
`Hub.rest_or_wake`): in-process, two hubs on one memory journal, the moments forced."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from hub import core
from hub.core import Hub, bootstrap
from hub.domain.commands import IssueTicket
from hub.domain.events import Event
from hub.settings import load_settings
from hub.store.base import EventStore
from hub.store.memory import MemoryStore
from tests.conftest import DEMO_TOML
from tests.support.kit import ManualClock

IDLE = 0.05


def open_hub(store: EventStore, idle: float = IDLE) -> Hub:
    settings = load_settings(None, environ={}, store="memory://", centers=(str(DEMO_TOML),),
                             follow_idle_seconds=idle)
    # 09:00 on a working day: the services issue whatever the real time.
    return bootstrap(settings, store=store, clock=ManualClock()).open()


def issue(hub: Hub) -> None:
    center = hub.centers["demo"]
    center.execute(IssueTicket(service="real-estate"), "kiosk-1")


@pytest.fixture
def pair() -> tuple[Hub, Hub]:
    store = MemoryStore()
    return open_hub(store), open_hub(store)


def test_a_center_another_process_writes_to_rests_once_idle_here(pair: tuple[Hub, Hub]) -> None:
    a, b = pair
    b.rest_or_wake()
    assert b.resting() == set()  # nobody else wrote yet
    time.sleep(IDLE * 2)
    issue(a)
    b.centers["demo"].sync()
    b.heard_from_others("demo")
    b.rest_or_wake()
    assert b.resting() == {"demo"}
    assert [c.id for c in b.followed_centers()] == []


def test_a_center_with_a_client_here_or_asked_about_keeps_being_followed(
        pair: tuple[Hub, Hub]) -> None:
    a, b = pair
    time.sleep(IDLE * 2)
    issue(a)
    b.heard_from_others("demo")
    b.connected_centers = lambda: {"demo"}
    b.rest_or_wake()
    assert b.resting() == set()
    b.connected_centers = set
    assert b.center("demo") is not None  # a request about it, just now
    b.rest_or_wake()
    assert b.resting() == set()


def test_asking_about_a_resting_center_catches_it_up_first(pair: tuple[Hub, Hub]) -> None:
    a, b = pair
    time.sleep(IDLE * 2)
    issue(a)
    b.heard_from_others("demo")
    b.rest_or_wake()
    assert b.resting() == {"demo"}
    for _ in range(3):
        issue(a)
    assert b.centers["demo"].state.seq < a.centers["demo"].state.seq  # resting: not read
    center = b.center("demo")
    assert center is not None and center.state.seq == a.centers["demo"].state.seq
    assert b.resting() == set()


def test_a_resting_center_whose_journal_fell_quiet_is_followed_again(
        pair: tuple[Hub, Hub], monkeypatch: pytest.MonkeyPatch) -> None:
    # Its process died and no client moved here: the day's duties (close-out,
    # no-shows, reminders) must still run somewhere.
    a, b = pair
    monkeypatch.setattr(core, "QUIET_SECONDS", 0.0)
    time.sleep(IDLE * 2)
    issue(a)
    b.heard_from_others("demo")
    b.rest_or_wake()
    assert b.resting() == {"demo"}
    issue(a)  # still written to: it keeps resting
    b.rest_or_wake()
    assert b.resting() == {"demo"}
    b.rest_or_wake()  # nothing written since the last look
    assert b.resting() == set()
    assert b.centers["demo"].state.seq == a.centers["demo"].state.seq


def test_idle_zero_follows_every_center_always(pair: tuple[Hub, Hub]) -> None:
    a, _ = pair
    b = open_hub(a.store, idle=0)
    time.sleep(IDLE * 2)
    issue(a)
    b.heard_from_others("demo")
    b.rest_or_wake()
    assert b.resting() == set()


class HeldJournal(MemoryStore):
    """A memory journal whose appends wait, once `hold` is set, until `release`."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.appending = threading.Event()
        self.released = threading.Event()

    def append(self, center: str, events: Sequence[Event], expected_seq: int) -> None:
        if self.hold:
            self.appending.set()
            assert self.released.wait(10)
        super().append(center, events, expected_seq)


def test_a_batch_in_flight_is_not_taken_for_a_journal_that_lost_events() -> None:
    # A batch folds its events into the state before its append returns. The
    # follower's check for a rewound journal (a failover that lost writes) must read
    # the seq held under the center's lock, or it sees more than the journal holds
    # and reloads the center and resubscribes its clients for nothing.
    store = HeldJournal()
    hub = open_hub(store)
    center = hub.centers["demo"]
    resets: list[str] = []
    base = store.last_seq("demo")
    store.hold = True
    kiosks = [threading.Thread(target=issue, args=(hub,)) for _ in range(2)]
    checking = threading.Thread(target=hub._check_rewound, args=(resets.append,))
    try:
        with center._lock:  # both commands queue, then go as one batch
            for kiosk in kiosks:
                kiosk.start()
            deadline = time.monotonic() + 10
            while len(center._queue) < 2 and time.monotonic() < deadline:
                time.sleep(0.001)
            assert len(center._queue) == 2
        assert store.appending.wait(10)
        assert center.state.seq > store.last_seq("demo") == base  # folded ahead
        checking.start()
        time.sleep(0.1)  # the check now waits for the batch's lock
    finally:
        store.released.set()
    checking.join(10)
    for kiosk in kiosks:
        kiosk.join(10)
    assert resets == []
    assert center.state.seq == store.last_seq("demo") > base
    assert len(center.state.tickets) == 2
