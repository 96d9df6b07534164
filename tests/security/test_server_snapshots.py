"""Finding 8: snapshots are JSON, not pickles (whoever may write Redis must not run
code in every hub), and an old pickled snapshot is ignored, never unpickled."""

from __future__ import annotations

import json
import os
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from authkit import demo_hub

from hub.center import Center
from hub.domain.fold import apply
from hub.domain.state import CenterState
from hub.store.snapshots import decode_state
from hub.store.sqlite import SQLiteStore
from tools.bench_domain import make_journal


def replay(events: list[Any]) -> CenterState:
    state = CenterState()
    for event in events:
        apply(state, event)
    return state


def test_a_snapshot_is_json_and_loads_back_to_the_same_state(tmp_path: Path) -> None:
    journal = make_journal(3000)
    for cut in range(len(journal), 0, -7):  # a moment with people waiting and calls made
        state = replay(journal[:cut])
        if any(state.waiting.values()) and state.recent_calls and state.handling:
            journal = journal[:cut]
            break
    else:
        raise AssertionError("no moment with a queue in the journal")
    store = SQLiteStore(tmp_path / "j.db")
    store.append("demo", journal, 0)
    center = Center("demo", store, lambda: journal[-1].at, lambda: "x").load()
    center.snapshot_now()
    found = store.load_snapshot("demo")
    assert found is not None and found[0] == journal[-1].seq
    document = json.loads(found[1])  # JSON, not a pickle
    assert isinstance(document, dict)
    assert decode_state(found[1]) == replay(journal)  # the snapshot itself, no replay
    loaded = Center("demo", store, lambda: journal[-1].at, lambda: "x")
    loaded._catch_up = lambda hand_on=True: []  # type: ignore[method-assign] # the snapshot alone
    loaded.load()
    assert loaded.state == replay(journal)
    store.close()


class Boom:
    def __reduce__(self) -> Any:
        return (os.system, (f"touch {Path(os.environ['BOOM_FILE'])}",))


@pytest.mark.slow
def test_a_pickled_snapshot_in_redis_is_ignored_not_run(redis_server: Any,
                                                         tmp_path: Path) -> None:
    env = {"JIAOHAO_KEY_FILE": str(tmp_path / "redis.key")}
    hub = demo_hub(tmp_path / "hub", store=redis_server.url, env=env)
    hub.stop()
    boom = tmp_path / "boom"
    os.environ["BOOM_FILE"] = str(boom)
    try:
        client = redis_server.client()
        seq = int(client.get("jiaohao:{demo}:seq"))
        client.hset("jiaohao:{demo}:snapshot", mapping={
            "seq": seq, "data": pickle.dumps((3, Boom()))})
        hub.start()
        assert not boom.exists(), "the hub unpickled a snapshot from Redis"
        token = hub.login("director")
        state = requests.get(f"{hub.url}/api/v1/state", timeout=10,
                             headers={"Authorization": f"Bearer {token}"})
        assert state.status_code == 200 and state.json()["seq"] >= seq
    finally:
        os.environ.pop("BOOM_FILE", None)
        hub.stop()


def test_accounts_appointments_and_configuration_survive_a_snapshot(tmp_path: Path) -> None:
    from hub.settings import load_settings
    from tools.demo import prepare
    from tools.process import DEMO_CLOCK, DEMO_CONFIG

    store_url = f"sqlite:///{tmp_path / 'demo.db'}"
    settings = load_settings(None, environ={}, store=store_url, centers=DEMO_CONFIG,
                             clock=DEMO_CLOCK)
    prepare(settings)
    store = SQLiteStore(tmp_path / "demo.db")
    center = Center("demo", store, lambda: datetime(2026, 11, 26, 1, 0, tzinfo=UTC),
                    lambda: "x").load()
    assert center.state.users and center.state.devices and center.state.appointments
    center.snapshot_now()
    reloaded = Center("demo", store, center.clock, lambda: "x")
    reloaded._catch_up = lambda hand_on=True: []  # type: ignore[method-assign] # the snapshot alone
    reloaded.load()
    assert reloaded.state == center.state
    assert reloaded.state.config is not None and reloaded.state.config.raw
    store.close()
