"""Group commit: commands that arrive while an append is in flight are decided
together and appended in one store call; each is answered only after it.

A real SQLite journal; the store's append is held at a gate so that commands
queue up behind it, as they do behind an fsync under load.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.center import Center
from hub.domain import commands as cmd
from hub.domain.errors import DomainError
from hub.domain.events import Event
from hub.store.base import StoreError
from hub.store.sqlite import SQLiteStore
from tools.bench_domain import demo_config

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


class GatedStore(SQLiteStore):
    """SQLite whose appends are recorded, and held while `gate` is closed."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.gate = threading.Event()
        self.gate.set()
        self.held = threading.Event()  # an append is waiting at the gate
        self.appends: list[list[Event]] = []
        self.fail_next: Exception | None = None
        self.before_next: Callable[[], None] | None = None

    def append(self, center: str, events: Sequence[Event], expected_seq: int) -> None:
        if not self.gate.is_set():
            self.held.set()
            assert self.gate.wait(30)
        if self.before_next is not None:
            before, self.before_next = self.before_next, None
            before()
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        super().append(center, events, expected_seq)
        self.appends.append(list(events))


def make_center(store: Any, ids: Any = None, followed: Any = None) -> Center:
    counter = ids or itertools.count()
    center = Center("demo", store, lambda: NOW, lambda: f"t{next(counter):06d}",
                    followed=followed, lock=threading.RLock())
    center.load()
    if center.state.config is None:
        center.configure(demo_config(), "test", "file")
    return center


def queued_behind_a_held_append(center: Center, store: GatedStore,
                                commands: list[cmd.Command]) -> list[dict[str, Any]]:
    """Start one command whose append is held, queue `commands` behind it (in this
    order), open the gate; each command's outcome as {events} or {error}."""
    outcomes: list[dict[str, Any]] = [{} for _ in range(len(commands) + 1)]

    def run(index: int, command: cmd.Command) -> None:
        try:
            outcomes[index]["events"] = center.execute(command, f"kiosk-{index}")
        except Exception as error:  # noqa: BLE001 - recorded for the assertions
            outcomes[index]["error"] = error

    store.gate.clear()
    store.held.clear()
    first = threading.Thread(target=run, args=(0, cmd.IssueTicket("household")))
    first.start()
    assert store.held.wait(30)
    threads = [first]
    for index, command in enumerate(commands, start=1):
        thread = threading.Thread(target=run, args=(index, command))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 30
        while len(center._queue) < index:  # noqa: SLF001 - waits for it to be queued
            assert time.monotonic() < deadline, "the command never queued"
            time.sleep(0.005)
    store.gate.set()
    for thread in threads:
        thread.join(30)
    return outcomes


def numbers(outcome: dict[str, Any]) -> list[str]:
    return [e.number for e in outcome.get("events", []) if e.type == "ticket_issued"]


def test_commands_queued_behind_an_append_share_one_append_and_a_refusal_fails_only_itself(
        tmp_path: Path) -> None:
    store = GatedStore(tmp_path / "journal.db")
    center = make_center(store)
    before = len(store.appends)
    outcomes = queued_behind_a_held_append(center, store, [
        cmd.IssueTicket("social-security"),
        cmd.IssueTicket("no-such-service"),  # refused by the rules
        cmd.IssueTicket("social-security"),
        cmd.IssueTicket("household"),
    ])
    assert numbers(outcomes[0]) == ["C001"]
    # The four queued commands: one append for the three the rules accepted.
    assert len(store.appends) - before == 2
    batch = store.appends[-1]
    assert [e.number for e in batch] == ["A001", "A002", "C002"]  # type: ignore[attr-defined]
    assert isinstance(outcomes[2]["error"], DomainError)
    assert "events" not in outcomes[2]
    assert (numbers(outcomes[1]), numbers(outcomes[3]), numbers(outcomes[4])) == \
        (["A001"], ["A002"], ["C002"])
    # In the journal, gapless and in the order the commands arrived.
    journal = list(store.load("demo"))
    assert [e.seq for e in journal] == list(range(1, len(journal) + 1))
    assert center.state.seq == journal[-1].seq == store.last_seq("demo")
    reopened = make_center(SQLiteStore(tmp_path / "journal.db"))
    assert sorted(t.number for t in reopened.state.tickets.values()) == \
        ["A001", "A002", "C001", "C002"]


def test_a_batch_whose_append_fails_answers_every_command_with_the_error_and_leaves_no_trace(
        tmp_path: Path) -> None:
    store = GatedStore(tmp_path / "journal.db")
    center = make_center(store)
    store.fail_next = None

    def fail_the_batch() -> None:
        store.fail_next = StoreError("disk full")

    # The first (held) append succeeds; the batch behind it fails.
    store.before_next = lambda: setattr(store, "before_next", fail_the_batch)
    outcomes = queued_behind_a_held_append(center, store, [
        cmd.IssueTicket("social-security"), cmd.IssueTicket("social-security")])
    assert numbers(outcomes[0]) == ["C001"]
    assert all(isinstance(o.get("error"), StoreError) for o in outcomes[1:])
    # What was folded ahead of the failed append is gone from the state.
    assert center.state.seq == store.last_seq("demo")
    assert sorted(t.number for t in center.state.tickets.values()) == ["C001"]
    assert numbers({"events": center.execute(cmd.IssueTicket("social-security"), "k")}) == \
        ["A001"]


def test_a_batch_that_meets_another_writer_is_decided_again_after_it(tmp_path: Path) -> None:
    store = GatedStore(tmp_path / "journal.db")
    heard: list[int] = []
    center = make_center(store, followed=lambda _c, events: heard.extend(e.seq for e in events))
    other = make_center(SQLiteStore(tmp_path / "journal.db"), ids=itertools.count(1000))

    def the_other_writer_appends() -> None:
        store.before_next = lambda: other.execute(cmd.IssueTicket("social-security"), "other")

    store.before_next = the_other_writer_appends  # after the held append, before the batch
    outcomes = queued_behind_a_held_append(center, store, [
        cmd.IssueTicket("social-security"), cmd.IssueTicket("social-security")])
    assert "error" not in outcomes[1] and "error" not in outcomes[2], outcomes
    # The other writer took A001; the batch, decided again, A002 and A003.
    assert (numbers(outcomes[1]), numbers(outcomes[2])) == (["A002"], ["A003"])
    journal = list(store.load("demo"))
    assert [e.seq for e in journal] == list(range(1, len(journal) + 1))
    issued = [e.number for e in journal if e.type == "ticket_issued"]  # type: ignore[attr-defined]
    assert len(issued) == len(set(issued)) == 4
    assert center.state.seq == journal[-1].seq
    other_seq = next(e.seq for e in journal if e.actor == "other")
    assert heard == [other_seq]  # this process's clients hear the other writer's ticket


@pytest.mark.parametrize("count", [40])
def test_many_concurrent_commands_all_land_once_in_fewer_appends(tmp_path: Path,
                                                                  count: int) -> None:
    store = GatedStore(tmp_path / "journal.db")
    center = make_center(store)
    before = len(store.appends)
    results: list[list[Event]] = []
    lock = threading.Lock()

    def kiosk() -> None:
        for _ in range(count // 8):
            events = center.execute(cmd.IssueTicket("social-security"), "kiosk")
            with lock:
                results.append(events)

    threads = [threading.Thread(target=kiosk) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    issued = sorted(e.number for events in results for e in events  # type: ignore[attr-defined]
                    if e.type == "ticket_issued")
    assert issued == [f"A{n:03d}" for n in range(1, count + 1)]
    assert len(store.appends) - before <= count + 1  # the day's start joins the first
    assert [e.seq for e in store.load("demo")] == list(range(1, center.state.seq + 1))
