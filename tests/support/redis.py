"""A real redis-server for the tests, on a free loopback port, with AOF on; and the
hub processes that share one, started together."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tools.process import HubProcess, RedisServer


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: Any) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


def start_together(hubs: Iterable[HubProcess]) -> None:
    """Start hub processes at once and wait until each answers /health: they share a
    journal that is already written (accounts, devices), so no start waits for another.
    Each one's failure is raised (the first), after all have been waited for."""
    hubs = list(hubs)
    with ThreadPoolExecutor(max_workers=len(hubs) or 1) as pool:
        for started in [pool.submit(hub.start) for hub in hubs]:
            started.result()
