"""The stores under the one contract. Adding a store is one line in STORES
(its factory may ask pytest for fixtures it needs, e.g. a redis server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hub.store.base import EventStore
from hub.store.memory import MemoryStore
from hub.store.redis import RedisStore
from hub.store.sqlite import SQLiteStore

StoreFactory = Callable[[pytest.FixtureRequest, Path], EventStore]

STORES: dict[str, StoreFactory] = {
    "memory": lambda request, path: MemoryStore(),
    "sqlite": lambda request, path: SQLiteStore(path / "journal.db"),
    "redis": lambda request, path: _fresh_redis(request),
}


def _fresh_redis(request: pytest.FixtureRequest) -> EventStore:
    """A RedisStore on the module's real redis-server, emptied for this test."""
    server = request.getfixturevalue("redis_server")
    client = server.client()
    client.flushall()
    client.close()
    return RedisStore(server.url)


# Stores on a server of their own start a process: their tests are slow.
SLOW = {"redis"}


@pytest.fixture(params=[pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name
                        for name in sorted(STORES)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EventStore]:
    made = STORES[request.param](request, tmp_path)
    yield made
    made.close()
