"""A real redis-server for the tests, on a free loopback port, with AOF on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tools.process import RedisServer


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: Any) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()
