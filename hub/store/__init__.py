"""Event journals behind one protocol: memory (tests), sqlite (default), redis."""

from __future__ import annotations

from urllib.parse import urlparse

from hub.store.base import ConcurrencyError, EventStore, StoreError


def open_store(url: str, *, wait_replicas: int = 0, wait_ms: int = 1000) -> EventStore:
    """A store from its URL: `memory://`, `sqlite:///path.db`, `redis://host:port/0`,
    `redis+sentinel://host1:26379,host2:26379/0/mymaster`. On Redis, each append
    waits for `wait_replicas` replicas (up to `wait_ms`) when that is above 0."""
    parsed = urlparse(url)
    if parsed.scheme == "memory":
        from hub.store.memory import MemoryStore

        return MemoryStore()
    if parsed.scheme == "sqlite":
        # As SQLAlchemy spells it: sqlite:///relative.db, sqlite:////absolute/path.db
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path:
            raise ValueError("sqlite store needs a file: sqlite:///path/to/journal.db")
        from hub.store.sqlite import SQLiteStore

        return SQLiteStore(path)
    if parsed.scheme in ("redis", "rediss", "unix", "redis+sentinel"):
        from hub.store.redis import RedisStore

        return RedisStore(url, wait_replicas=wait_replicas, wait_ms=wait_ms)
    raise ValueError(f"unknown store {url!r}: use sqlite:///path.db or redis://host:port/0")


__all__ = ["ConcurrencyError", "EventStore", "StoreError", "open_store"]
