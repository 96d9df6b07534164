"""The event journal protocol that every store keeps.

One journal per center: an append-only list of events with a gapless
sequence. `append` is atomic and succeeds *only if* the journal is still at
`expected_seq` (optimistic concurrency), so two writers can never both add
event N. Snapshots are an optimisation: opaque bytes tagged with the seq
they include, so start-up replays only the tail.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

from hub.domain.codec import decode, encode
from hub.domain.events import Event


class StoreError(Exception):
    """The journal could not be read or written."""


class ConcurrencyError(StoreError):
    """The journal moved past `expected_seq`: decide again on fresh state."""

    def __init__(self, center: str, expected: int, actual: int) -> None:
        super().__init__(f"journal of {center} is at {actual}, expected {expected}")
        self.center = center
        self.expected = expected
        self.actual = actual


def dumps(event: Event) -> str:
    return json.dumps(encode(event), ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Event:
    return decode(json.loads(text))


def check_batch(events: Sequence[Event], expected_seq: int) -> None:
    for offset, event in enumerate(events, start=1):
        if event.seq != expected_seq + offset:
            raise StoreError(
                f"events must continue the journal gaplessly from {expected_seq + 1}"
            )


class EventStore(ABC):
    """A journal of events per center. Subclasses keep the bytes somewhere."""

    page_size = 5000
    # Whether calls block the OS thread (SQLite's disk I/O): the hub then runs them
    # on a real thread. A network store on monkey-patched sockets (Redis) already
    # yields to the event loop, and its connections must stay on the loop's thread.
    blocking_io = True

    @abstractmethod
    def append(self, center: str, events: Sequence[Event], expected_seq: int) -> None:
        """Add `events` (seqs expected_seq+1 …) atomically, or raise ConcurrencyError."""

    @abstractmethod
    def load_page(self, center: str, since: int, limit: int) -> list[Event]:
        """Up to `limit` events with seq > since, in order."""

    @abstractmethod
    def last_seq(self, center: str) -> int:
        """The seq of the newest event of `center`, 0 when there is none."""

    @abstractmethod
    def centers(self) -> list[str]:
        """Every center that has a journal."""

    @abstractmethod
    def save_snapshot(self, center: str, seq: int, data: bytes) -> None:
        """Keep `data` as the state of `center` after event `seq` (replacing older ones)."""

    @abstractmethod
    def load_snapshot(self, center: str) -> tuple[int, bytes] | None:
        """The newest snapshot of `center` as (seq, data), if any."""

    @abstractmethod
    def secret(self) -> bytes:
        """A signing key made once and kept with the journal. The hub keeps its key in
        a file of its own instead (hub.store.keys); this serves stores that have no file
        (memory, and Redis when no key file is configured)."""

    def legacy_secret(self) -> bytes | None:
        """A signing key an older hub left in the journal, if any (not creating one)."""
        return None

    def forget_secret(self) -> None:  # noqa: B027 - stores without one have nothing to do
        """Remove that key from the journal, once it lives elsewhere."""

    def wait(self, center: str, since: int, timeout: float) -> bool:
        """Block until the journal has an event after `since` or `timeout` passes.

        The default polls; a store that can block on the server (Redis) does so.
        Hub processes sharing a journal follow each other's appends with it.
        """
        time.sleep(timeout)
        return self.last_seq(center) > since

    def load(self, center: str, since: int = 0) -> Iterator[Event]:
        """Every event with seq > since, in order, read page by page."""
        while True:
            page = self.load_page(center, since, self.page_size)
            yield from page
            if len(page) < self.page_size:
                return
            since = page[-1].seq

    def close(self) -> None:  # noqa: B027 - most stores hold nothing to release
        """Release connections. The store must not be used afterwards."""
