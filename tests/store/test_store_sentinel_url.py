"""The redis+sentinel:// URL form of the store and the message queue."""

from __future__ import annotations

from typing import Any

import pytest
from journalkit import batch

from hub.settings import SettingsError, load_settings
from hub.store.base import StoreError
from hub.store.redis import RedisStore, parse_sentinel_url, socketio_url


def test_hosts_db_and_service_in_either_order() -> None:
    for url in ("redis+sentinel://h1:26379,h2:26380/2/mymaster",
                "redis+sentinel://h1:26379,h2:26380/mymaster/2"):
        sentinels, service, db, credentials = parse_sentinel_url(url)
        assert sentinels == [("h1", 26379), ("h2", 26380)]
        assert (service, db, credentials) == ("mymaster", 2, {})
    assert parse_sentinel_url("redis+sentinel://h1:1/mymaster")[2] == 0


def test_credentials_and_the_form_python_socketio_reads() -> None:
    url = "redis+sentinel://jiaohao:s%40cret@10.0.0.1:26379,10.0.0.2:26379/mymaster/0"
    _, service, db, credentials = parse_sentinel_url(url)
    assert credentials == {"username": "jiaohao", "password": "s@cret"}
    assert socketio_url(url) == (
        "redis+sentinel://jiaohao:s%40cret@10.0.0.1:26379,10.0.0.2:26379/0/mymaster")


@pytest.mark.parametrize("url", [
    "redis+sentinel://h1:26379/0",             # no master name
    "redis+sentinel://h1/0/mymaster",          # no port
    "redis+sentinel://h1:x/0/mymaster",
    "redis+sentinel://h1:1/0/a/b",
    "redis://h1:6379/0",
])
def test_a_bad_url_is_refused_with_the_form_to_use(url: str) -> None:
    with pytest.raises(ValueError):
        parse_sentinel_url(url)


def test_heartbeat_and_wait_settings() -> None:
    settings = load_settings(None, environ={"JIAOHAO_HEARTBEAT_SECONDS": "0.5",
                                            "JIAOHAO_REDIS_WAIT_REPLICAS": "1"})
    assert settings.heartbeat_seconds == 0.5 and settings.redis_wait_replicas == 1
    assert settings.redis_wait_ms == 1000
    for bad in ("-1", "nan", "soon"):
        with pytest.raises(SettingsError, match="heartbeat_seconds"):
            load_settings(None, environ={"JIAOHAO_HEARTBEAT_SECONDS": bad})


@pytest.mark.slow
def test_an_append_no_replica_confirms_in_time_is_refused(redis_server: Any) -> None:
    store = RedisStore(redis_server.url, wait_replicas=1, wait_ms=100)
    try:
        center = "wait-test"
        with pytest.raises(StoreError, match="reached 0 of 1 replicas"):
            store.append(center, batch(1, 1), 0)
        # Its outcome is unknown to the caller: the master has it.
        assert store.last_seq(center) == 1
    finally:
        store.close()
