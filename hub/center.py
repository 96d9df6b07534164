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
import pickle
import threading
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

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], datetime]
Ids = Callable[[], str]
Publisher = Callable[[str, Sequence[Event]], None]
RunBlocking = Callable[..., Any]

# Bump when CenterState's shape changes: older snapshots are then ignored and
# the journal is replayed instead.
SNAPSHOT_VERSION = 4  # 2: CenterState.supervision; 3: Ticket.note and hold_reason; 4: outbox
MAX_ATTEMPTS = 20


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

    # ------------------------------------------------------------------ loading

    def load(self) -> Center:
        """Rebuild the state from the newest snapshot and the journal after it."""
        with self._lock:
            snapshot = self.run_blocking(self.store.load_snapshot, self.id)
            state = CenterState()
            if snapshot is not None:
                state = self._unpickle(snapshot[1]) or state
            self.state = state
            self._recent.clear()
            self._catch_up(hand_on=False)
        return self

    def _unpickle(self, data: bytes) -> CenterState | None:
        try:
            version, state = pickle.loads(data)
        except Exception:  # noqa: BLE001 - any unreadable snapshot means "replay instead"
            log.warning("center %s: snapshot unreadable, replaying the journal", self.id)
            return None
        if version != SNAPSHOT_VERSION or not isinstance(state, CenterState):
            return None
        return state

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
            return self._catch_up()

    # ------------------------------------------------------------------ commands

    def execute(self, command: cmd.Command, actor: str) -> list[Event]:
        """Decide, append durably, fold and publish. Raises DomainError when refused."""
        for _attempt in range(MAX_ATTEMPTS):
            with self._lock:
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
        data = pickle.dumps((SNAPSHOT_VERSION, self.state), protocol=pickle.HIGHEST_PROTOCOL)
        self.run_blocking(self.store.save_snapshot, self.id, self.state.seq, data)
        self._since_snapshot = 0

    def snapshot_now(self) -> None:
        with self._lock:
            self._snapshot()

    # ------------------------------------------------------------------ reading

    def read(self, function: Callable[[CenterState], T]) -> T:
        """Run `function` on a consistent state (no command half-applied)."""
        with self._lock:
            return function(self.state)

    def events_since(self, since: int) -> list[Event] | None:
        """The events after `since`, from memory or the journal; None if `since` is ahead."""
        with self._lock:
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
