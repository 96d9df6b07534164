"""An in-memory journal for unit tests and benchmarks of the rules."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence

from hub.domain.events import Event
from hub.store.base import ConcurrencyError, EventStore, check_batch


class MemoryStore(EventStore):
    blocking_io = False

    def __init__(self) -> None:
        self._journals: dict[str, list[Event]] = {}
        self._snapshots: dict[str, tuple[int, bytes]] = {}
        self._lock = threading.Lock()
        self._secret = secrets.token_bytes(32)

    def append(self, center: str, events: Sequence[Event], expected_seq: int) -> None:
        check_batch(events, expected_seq)
        with self._lock:
            current = len(self._journals.get(center, ()))
            if current != expected_seq:
                raise ConcurrencyError(center, expected_seq, current)
            if events:  # a journal exists once it holds an event, as in every store
                self._journals.setdefault(center, []).extend(events)

    def load_page(self, center: str, since: int, limit: int) -> list[Event]:
        journal = self._journals.get(center, [])
        return journal[since : since + limit]

    def last_seq(self, center: str) -> int:
        return len(self._journals.get(center, ()))

    def centers(self) -> list[str]:
        return sorted(self._journals)

    def save_snapshot(self, center: str, seq: int, data: bytes) -> None:
        self._snapshots[center] = (seq, data)

    def load_snapshot(self, center: str) -> tuple[int, bytes] | None:
        return self._snapshots.get(center)

    def secret(self) -> bytes:
        return self._secret
