"""One center's day at the hub: state, journal and publishing in one place.

`Center.execute(command, actor)` decides the command against the current
state, appends the events to the journal *only if* it is still at the seq
the decision was made on, then folds them into the state and hands them to
the publisher — so what clients hear is always durable, in seq order. On a
seq conflict (another hub process appended first) it catches up and decides
again. Blocking journal I/O goes through `run_blocking`, which the server
points at a real thread so a green-thread event loop never waits on disk.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from hub.domain import commands as cmd
from hub.domain.commands import Context
from hub.domain.config import parse_config
from hub.domain.decide import decide
from hub.domain.events import Event
from hub.domain.fold import apply
from hub.domain.state import CenterState
from hub.store.base import ConcurrencyError, EventStore, StoreError
from hub.store.snapshots import VERSION, SnapshotError, decode_state, encode_state

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], datetime]
Ids = Callable[[], str]
Publisher = Callable[[str, Sequence[Event]], None]
RunBlocking = Callable[..., Any]

# Bump hub.store.snapshots.VERSION when CenterState's shape changes: older snapshots
# are then ignored and the journal is replayed instead.
SNAPSHOT_VERSION = VERSION
MAX_ATTEMPTS = 20
MAX_BATCH = 64  # commands decided and appended together at most
CAUTIOUS_SECONDS = 2.0  # one append per command for this long after a seq conflict


def _direct(function: Callable[..., T], *args: Any) -> T:
    return function(*args)


class Center:
    def __init__(
        self,
        center_id: str,
        store: EventStore,
        clock: Clock,
        ids: Ids,
        *,
        publish: Publisher | None = None,
        followed: Publisher | None = None,
        run_blocking: RunBlocking = _direct,
        lock: Any = None,
        snapshot_every: int = 10_000,
        recent: int = 20_000,
    ) -> None:
        self.id = center_id
        self.store = store
        self.clock = clock
        self.ids = ids
        self.publish = publish
        # Hears, under the lock, the events other writers appended as this center
        # catches up with them (whichever path reads them: the follower, a seq
        # conflict, a token check), so each is handed on once, in order.
        self.followed = followed
        self.run_blocking = run_blocking
        self.snapshot_every = snapshot_every
        self._lock = lock if lock is not None else threading.RLock()
        self.state = CenterState()
        self._recent: deque[Event] = deque(maxlen=recent)
        self._since_snapshot = 0
        self._queue: deque[_Pending] = deque()  # commands waiting for the next commit
        self._committing = False
        self._cautious_until = 0.0
        # Events folded ahead of an append that failed are still in `state` (the journal
        # could not be read to rebuild it): rebuild before anything else uses it.
        self._stale = False
        self._stale_base = 0

    # ------------------------------------------------------------------ loading

    def load(self) -> Center:
        """Rebuild the state from the newest snapshot and the journal after it."""
        with self._lock:
            snapshot = self.run_blocking(self.store.load_snapshot, self.id)
            state = CenterState()
            if snapshot is not None:
                state = self._read_snapshot(snapshot[1]) or state
            self.state = state
            self._recent.clear()
            self._catch_up(hand_on=False)
        return self

    def _read_snapshot(self, data: bytes) -> CenterState | None:
        """The state in a snapshot (JSON: hub.store.snapshots), or None to replay instead.
        An old pickled snapshot is not JSON, so it is ignored, never unpickled."""
        try:
            return decode_state(data)
        except SnapshotError as error:
            log.warning("center %s: snapshot not used (%s); replaying the journal",
                        self.id, error)
            return None

    def _catch_up(self, hand_on: bool = True) -> list[Event]:
        """Fold in events other writers appended after our state (lock held)."""
        new = self.run_blocking(lambda: list(self.store.load(self.id, self.state.seq)))
        for event in new:
            apply(self.state, event)
            self._recent.append(event)
        if new and hand_on and self.followed is not None:
            self.followed(self.id, new)
        return new

    def sync(self) -> list[Event]:
        """Catch up with the journal; returns the events that were new here."""
        with self._lock:
            if self._stale:
                self._restore(self._stale_base)
                return []
            return self._catch_up()

    # ------------------------------------------------------------------ commands

    def execute(self, command: cmd.Command, actor: str) -> list[Event]:
        """Decide, append durably, fold and publish. Raises DomainError when refused.

        Group commit: the command joins the center's queue; whoever takes the lock
        next decides every queued command in order and appends all their events in
        one store call (one SQLite transaction, one Redis script), then answers each.
        A command the rules refuse gets its own DomainError; the others of its batch
        go on. Nothing is answered before the append that holds its events returned.
        """
        pending = _Pending(command, actor)
        self._queue.append(pending)
        with self._lock:
            if self._committing:  # called from inside a commit (same thread): no batch
                self._queue.remove(pending)
                return self._execute_one(command, actor)
            if not pending.done:
                self._commit_queued()
        if pending.error is not None:
            raise pending.error
        return pending.events

    def _commit_queued(self) -> None:
        """Take the queued commands (lock held) and settle each of them."""
        batch: list[_Pending] = []
        while self._queue and len(batch) < MAX_BATCH:
            batch.append(self._queue.popleft())
        self._committing = True
        try:
            if self._stale:
                self._restore(self._stale_base)
            if len(batch) == 1 or time.monotonic() < self._cautious_until:
                self._one_by_one(batch)
            else:
                self._execute_batch(batch)
        except BaseException as error:
            for pending in batch:
                if not pending.done:
                    pending.settle(error=error if isinstance(error, Exception)
                                   else StoreError("the hub stopped"))
            if not isinstance(error, Exception):
                raise
        finally:
            self._committing = False

    def _one_by_one(self, batch: list[_Pending]) -> None:
        for pending in batch:
            try:
                pending.settle(events=self._execute_one(pending.command, pending.actor))
            except Exception as error:  # noqa: BLE001 - handed to the command's caller
                pending.settle(error=error)

    def _execute_batch(self, batch: list[_Pending]) -> None:
        """Decide every command on the state the previous ones left (folding their
        events in ahead of the append), append all the events at once, then answer.
        If the append fails, the state is rebuilt from the journal: the events
        folded ahead were never durable. After a seq conflict (another writer is
        busy on this center) the batch is retried one command at a time, and so
        are the next batches for a while: rebuilding the state on every conflict
        would cost more than the transactions saved."""
        base = self.state.seq
        decided: list[tuple[_Pending, list[Event]]] = []
        appended: list[Event] = []
        refused: list[tuple[_Pending, Exception]] = []
        try:
            for pending in batch:
                context = Context(now=self.clock(), actor=pending.actor, new_id=self.ids)
                try:
                    events = decide(self.state, pending.command, context)
                except Exception as error:  # noqa: BLE001 - refused alone; the others go on
                    refused.append((pending, error))
                    continue
                for event in events:
                    apply(self.state, event)
                decided.append((pending, events))
                appended.extend(events)
            if appended:
                self.run_blocking(self.store.append, self.id, appended, base)
        except ConcurrencyError as error:
            self._restore(base)
            if 0 <= error.actual < base:
                raise StoreError(f"the journal of {self.id} is behind this process; "
                                 "reloading") from error
            self._cautious_until = time.monotonic() + CAUTIOUS_SECONDS
            self._one_by_one(batch)
            return
        except BaseException:
            if self.state.seq != base:
                self._restore(base)
            raise
        for pending, refusal in refused:
            pending.settle(error=refusal)
        if appended:
            self._recent.extend(appended)
            if self.publish is not None:
                self.publish(self.id, appended)
            self._since_snapshot += len(appended)
            if self._since_snapshot >= self.snapshot_every:
                self._snapshot()
        for pending, events in decided:
            pending.settle(events=events)

    def _restore(self, base: int) -> None:
        """Rebuild the state from the journal after events folded ahead of an append
        that failed; hand on what other writers appended after `base` meanwhile. If
        the journal cannot be read now, the next command or read tries again."""
        if not self._stale:
            self._stale, self._stale_base = True, base
        self.load()
        self._stale = False
        if self.followed is not None and self.state.seq > base:
            self.followed(self.id, self.events_since(base) or [])

    def _execute_one(self, command: cmd.Command, actor: str) -> list[Event]:
        """One command in its own append (lock held)."""
        for _attempt in range(MAX_ATTEMPTS):
            context = Context(now=self.clock(), actor=actor, new_id=self.ids)
            events = decide(self.state, command, context)
            if not events:
                return []
            try:
                self.run_blocking(self.store.append, self.id, events, self.state.seq)
            except ConcurrencyError as error:
                if 0 <= error.actual < self.state.seq:
                    # The journal lost events we hold (a failover without WAIT):
                    # not a race to retry; the follower reloads the center.
                    raise StoreError(f"the journal of {self.id} is behind this "
                                     "process; reloading") from error
                self._catch_up()
                continue
            for event in events:
                apply(self.state, event)
                self._recent.append(event)
            if self.publish is not None:
                self.publish(self.id, events)
            self._since_snapshot += len(events)
            if self._since_snapshot >= self.snapshot_every:
                self._snapshot()
            return events
        raise ConcurrencyError(self.id, self.state.seq, -1)

    def configure(
        self, config: Mapping[str, Any], actor: str, source: str, digest: str = ""
    ) -> list[Event]:
        """Apply a configuration unless it is already the current one.

        `digest` identifies a configuration file's content, so a restart with
        an unchanged file does not undo what managers changed in the dashboard.
        """
        current = self.state.config
        # Compare in the stored (JSON-ready) form: a TOML file gives dates where
        # the journal keeps ISO strings, and they must still count as unchanged.
        if current is not None and current.raw == parse_config(config).raw:
            return []
        command = cmd.ChangeConfig(config=config, source=source, summary=digest)
        return self.execute(command, actor)

    def _snapshot(self) -> None:
        data = encode_state(self.state)
        self.run_blocking(self.store.save_snapshot, self.id, self.state.seq, data)
        self._since_snapshot = 0

    def snapshot_now(self) -> None:
        with self._lock:
            self._snapshot()

    # ------------------------------------------------------------------ reading

    def read(self, function: Callable[[CenterState], T]) -> T:
        """Run `function` on a consistent state (no command half-applied)."""
        with self._lock:
            if self._stale:
                self._restore(self._stale_base)
            return function(self.state)

    def events_since(self, since: int) -> list[Event] | None:
        """The events after `since`, from memory or the journal; None if `since` is ahead."""
        with self._lock:
            if self._stale:
                self._restore(self._stale_base)
            seq = self.state.seq
            if since > seq:
                return None
            if since == seq:
                return []
            if self._recent and self._recent[0].seq <= since + 1:
                return [event for event in self._recent if event.seq > since]
        return list(self.run_blocking(lambda: list(self.store.load(self.id, since))))

    def journal(self, since: int = 0) -> Iterable[Event]:
        """Every event of the journal after `since` (for reports and audit)."""
        return self.store.load(self.id, since)


class _Pending:
    """A command waiting in a center's queue, then its outcome."""

    __slots__ = ("actor", "command", "done", "error", "events")

    def __init__(self, command: cmd.Command, actor: str) -> None:
        self.command = command
        self.actor = actor
        self.done = False
        self.events: list[Event] = []
        self.error: Exception | None = None

    def settle(self, events: list[Event] | None = None, error: Exception | None = None) -> None:
        self.events = events or []
        self.error = error
        self.done = True
