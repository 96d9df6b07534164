"""The journal contract, run against every store (see STORES in conftest.py)."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from journalkit import batch, issued

from hub.center import SNAPSHOT_VERSION, Center
from hub.domain import commands as cmd
from hub.domain.fold import replay
from hub.store.base import ConcurrencyError, EventStore, StoreError
from tests.support.kit import ManualClock

CENTER = "demo"


def test_empty_journal(store: EventStore) -> None:
    assert store.last_seq(CENTER) == 0
    assert list(store.load(CENTER)) == []
    assert store.centers() == []
    assert store.load_snapshot(CENTER) is None


def test_append_then_load_in_order(store: EventStore) -> None:
    first, second = batch(1, 3), batch(4, 2)
    store.append(CENTER, first, 0)
    store.append(CENTER, second, 3)
    loaded = list(store.load(CENTER))
    assert loaded == first + second
    assert [e.seq for e in loaded] == [1, 2, 3, 4, 5]
    assert store.last_seq(CENTER) == 5


def test_load_since(store: EventStore) -> None:
    store.append(CENTER, batch(1, 5), 0)
    assert [e.seq for e in store.load(CENTER, 3)] == [4, 5]
    assert list(store.load(CENTER, 5)) == []
    assert list(store.load(CENTER, 9)) == []


def test_load_pages_through_a_journal_longer_than_a_page(store: EventStore) -> None:
    store.page_size = 7
    for first in range(1, 24, 4):
        store.append(CENTER, batch(first, 4), first - 1)
    assert [e.seq for e in store.load(CENTER)] == list(range(1, 25))
    assert [e.seq for e in store.load(CENTER, 5)] == list(range(6, 25))
    assert [e.seq for e in store.load(CENTER, 14)] == list(range(15, 25))  # page ends on the end
    assert [e.seq for e in store.load_page(CENTER, 0, 7)] == list(range(1, 8))
    assert [e.seq for e in store.load_page(CENTER, 20, 7)] == [21, 22, 23, 24]


def test_stale_expected_seq_is_refused_and_writes_nothing(store: EventStore) -> None:
    original = batch(1, 3)
    store.append(CENTER, original, 0)
    with pytest.raises(ConcurrencyError) as behind:
        store.append(CENTER, [issued(3, actor="late")], 2)
    assert (behind.value.center, behind.value.expected, behind.value.actual) == (CENTER, 2, 3)
    with pytest.raises(ConcurrencyError) as ahead:
        store.append(CENTER, [issued(6)], 5)
    assert ahead.value.actual == 3
    with pytest.raises(ConcurrencyError):
        store.append(CENTER, [], 1)
    assert list(store.load(CENTER)) == original
    assert store.last_seq(CENTER) == 3


def test_batch_that_does_not_continue_the_journal_gaplessly_is_refused(store: EventStore) -> None:
    store.append(CENTER, batch(1, 3), 0)
    for events in ([issued(4), issued(6)], [issued(5)], [issued(4), issued(4)], [issued(3)]):
        with pytest.raises(StoreError) as caught:
            store.append(CENTER, events, 3)
        assert not isinstance(caught.value, ConcurrencyError)
    assert store.last_seq(CENTER) == 3
    assert [e.seq for e in store.load(CENTER)] == [1, 2, 3]


def test_empty_batch_at_the_right_seq_changes_nothing(store: EventStore) -> None:
    store.append(CENTER, batch(1, 2), 0)
    store.append(CENTER, [], 2)
    assert store.last_seq(CENTER) == 2


def test_centers_lists_every_journal_with_events(store: EventStore) -> None:
    store.append("zhuozhou", batch(1, 1), 0)
    store.append("anping", batch(1, 2), 0)
    with pytest.raises(ConcurrencyError):
        store.append("nowhere", [issued(5)], 4)  # a failed append creates no journal
    store.append("empty", [], 0)
    assert store.centers() == ["anping", "zhuozhou"]


def test_two_centers_are_independent(store: EventStore) -> None:
    store.append("a", batch(1, 3, actor="at-a"), 0)
    store.append("b", batch(1, 1, actor="at-b"), 0)
    with pytest.raises(ConcurrencyError):
        store.append("b", [issued(4)], 3)  # a's seq means nothing to b
    store.append("b", batch(2, 1, actor="at-b"), 1)
    assert {e.actor for e in store.load("a")} == {"at-a"}
    assert [e.seq for e in store.load("b")] == [1, 2]
    assert (store.last_seq("a"), store.last_seq("b")) == (3, 2)
    store.save_snapshot("a", 3, b"state of a")
    assert store.load_snapshot("b") is None


def test_snapshots_save_load_and_replace(store: EventStore) -> None:
    store.append(CENTER, batch(1, 9), 0)
    store.save_snapshot(CENTER, 4, b"\x00four\xff")
    assert store.load_snapshot(CENTER) == (4, b"\x00four\xff")
    store.save_snapshot(CENTER, 9, b"nine")
    assert store.load_snapshot(CENTER) == (9, b"nine")
    assert store.centers() == [CENTER]


def test_loaded_events_equal_what_was_appended_field_by_field(store: EventStore) -> None:
    events = batch(1, 10)
    store.append(CENTER, events, 0)
    for original, loaded in zip(events, store.load(CENTER), strict=True):
        assert loaded == original and type(loaded) is type(original)
        assert loaded.at == original.at and loaded.at.utcoffset() == timedelta(hours=8)


def test_concurrent_appends_with_retry_never_duplicate_a_seq(store: EventStore) -> None:
    writers, each = 6, 25
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(writer: int) -> None:
        try:
            start.wait()
            for i in range(each):
                while True:  # what Center.execute does: read, decide, append or retry
                    seq = store.last_seq(CENTER)
                    try:
                        store.append(CENTER, [issued(seq + 1, actor=f"w{writer}-{i}")], seq)
                        break
                    except ConcurrencyError:
                        continue
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    journal = list(store.load(CENTER))
    assert [e.seq for e in journal] == list(range(1, writers * each + 1))
    actors = [e.actor for e in journal]
    assert sorted(actors) == sorted(f"w{w}-{i}" for w in range(writers) for i in range(each))


def test_secret_is_made_once_and_kept(store: EventStore) -> None:
    secret = store.secret()
    assert len(secret) >= 32 and store.secret() == secret


# --------------------------------------------------------------------------- Center on a store


def Clock() -> ManualClock:  # noqa: N802 - reads like the clocks it stands for
    """09:00 on a working Tuesday, 37 s later at each reading (a busy morning)."""
    return ManualClock(step=timedelta(seconds=37))


def counter(prefix: str) -> Callable[[], str]:
    count = iter(range(1, 10**9))
    return lambda: f"{prefix}-{next(count)}"


def busy_morning(center: Center, demo_config: dict[str, Any], tickets: int = 30) -> None:
    """A realistic stretch of a day: sign-ins, issues, calls, service, a transfer, a pause."""
    center.execute(cmd.ChangeConfig(config=demo_config, source="test"), "admin")
    for window, clerk in ((1, "wangli"), (4, "zhaolei"), (7, "sunyue")):
        center.execute(cmd.SignIn(window), clerk)
    services = ("social-security", "household", "business-license", "medical-insurance")
    for n in range(tickets):
        center.execute(cmd.IssueTicket(services[n % 4], "elderly" if n % 7 == 0 else None),
                       "kiosk")
        window, clerk = ((1, "wangli"), (4, "zhaolei"), (7, "sunyue"))[n % 3]
        if center.state.windows[window].ticket is None:
            center.execute(cmd.CallNext(window), clerk)
        elif n % 5 == 0:
            center.execute(cmd.Transfer(window, to_window=7 if window != 7 else 1), clerk)
        else:
            center.execute(cmd.Complete(window), clerk)
    center.execute(cmd.BookAppointment("household", center.clock().date(), center.clock().time()
                                       .replace(hour=16, minute=0, second=0, microsecond=0)),
                   "mobile")


def test_center_load_from_snapshot_and_tail_equals_full_replay(
    store: EventStore, demo_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    center = Center(CENTER, store, clock, counter("id"), snapshot_every=25)
    busy_morning(center, demo_config)
    last = store.last_seq(CENTER)
    snapshot = store.load_snapshot(CENTER)
    assert snapshot is not None and 0 < snapshot[0] < last  # a snapshot and a tail after it

    read_from: list[int] = []
    original_load_page = store.load_page

    def spy(center_id: str, since: int, limit: int) -> Any:
        read_from.append(since)
        return original_load_page(center_id, since, limit)

    monkeypatch.setattr(store, "load_page", spy)
    restarted = Center(CENTER, store, clock, counter("other")).load()
    assert read_from[0] == snapshot[0]  # only the tail was read
    monkeypatch.undo()

    full = replay(store.load(CENTER))
    assert restarted.state == full == center.state
    assert restarted.state.seq == last


@pytest.mark.parametrize(
    "snapshot",
    [
        b"not a pickle",
        pickle.dumps((SNAPSHOT_VERSION + 1, "a state from another version")),
        pickle.dumps((SNAPSHOT_VERSION, {"not": "a CenterState"})),
    ],
    ids=["unreadable", "other-version", "wrong-type"],
)
def test_center_load_ignores_a_snapshot_it_cannot_use(
    store: EventStore, demo_config: dict[str, Any], snapshot: bytes
) -> None:
    center = Center(CENTER, store, Clock(), counter("id"))
    busy_morning(center, demo_config, tickets=8)
    store.save_snapshot(CENTER, store.last_seq(CENTER), snapshot)
    restarted = Center(CENTER, store, Clock(), counter("other")).load()
    assert restarted.state == center.state


def test_two_hubs_on_one_journal_never_issue_the_same_number(
    store: EventStore, demo_config: dict[str, Any]
) -> None:
    clock = Clock()
    first = Center(CENTER, store, clock, counter("one"))
    first.execute(cmd.ChangeConfig(config=demo_config), "admin")
    second = Center(CENTER, store, clock, counter("two")).load()
    first.execute(cmd.IssueTicket("household"), "kiosk-1")
    # `second` decides on a stale state, meets a ConcurrencyError, catches up, decides again.
    events = second.execute(cmd.IssueTicket("household"), "kiosk-2")
    assert [getattr(e, "number", None) for e in events] == ["C002"]
    first.sync()
    assert first.state == second.state
    assert sorted(first.state.by_number) == ["C001", "C002"]


def test_events_since_comes_from_memory_or_the_journal(
    store: EventStore, demo_config: dict[str, Any]
) -> None:
    center = Center(CENTER, store, Clock(), counter("id"), recent=5)
    busy_morning(center, demo_config, tickets=6)
    seq = center.state.seq
    everything = list(store.load(CENTER))
    assert center.events_since(seq) == []
    assert center.events_since(seq + 1) is None
    assert center.events_since(seq - 3) == everything[-3:]
    assert center.events_since(0) == everything


def test_configure_skips_a_configuration_that_is_already_current(
    store: EventStore, demo_config: dict[str, Any]
) -> None:
    from datetime import date

    demo_config["hours"]["extra_holidays"] = [date(2025, 12, 31)]  # TOML dates
    center = Center(CENTER, store, Clock(), counter("id"))
    assert len(center.configure(demo_config, "admin", "file")) == 1
    restarted = Center(CENTER, store, Clock(), counter("id")).load()
    assert restarted.configure(demo_config, "admin", "file") == []
    assert store.last_seq(CENTER) == 1
