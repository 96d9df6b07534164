"""hub/web/heap.py: the C heap goes back once a burst of subscriptions is over, not
during it, and once per burst."""

from __future__ import annotations

from typing import Any

import pytest

from hub.web import heap
from hub.web.heap import HeapTrim


class Hub:
    def __init__(self, rounds: int) -> None:
        self.rounds = rounds

    def still_open_after(self, sleep: Any, seconds: float) -> bool:
        self.rounds -= 1
        return self.rounds >= 0


def test_trims_once_a_second_after_the_last_subscription(
        monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(heap.time, "monotonic", lambda: now[0])
    trims: list[int] = []
    trim = HeapTrim(Hub(0), sleep=None)
    trim.trim = trims.append
    assert not trim.step(100.0)  # nothing to give back before any subscription
    for moment in (100.0, 100.4, 100.8, 101.2):  # a burst
        now[0] = moment
        trim.touched()
        assert not trim.step(moment + 0.3)
    assert not trim.step(102.1)  # 0.9 s after the last one
    assert trim.step(102.2) and trims == [0]
    assert not trim.step(110.0)  # once per burst


def test_the_loop_steps_each_second_until_the_hub_closes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[float] = []
    trim = HeapTrim(Hub(3), sleep=None)
    monkeypatch.setattr(trim, "step", seen.append)
    trim.run()
    assert len(seen) == 3


def test_without_malloc_trim_there_is_no_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_malloc_trim", lambda: None)
    trim = HeapTrim(Hub(5), sleep=None)
    assert trim.trim is None
    trim.touched()
    assert not trim.step(1e9)
    trim.run()
    assert trim.hub.rounds == 5  # never waited


def test_malloc_trim_is_found_on_this_system() -> None:
    assert HeapTrim(Hub(0), sleep=None).trim is not None  # Debian: glibc


def test_the_hub_runs_it_and_each_answered_subscription_counts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """In the app: the live namespace tells the hub's HeapTrim of each subscription it
    answers; and a connection keeps neither a Flask session copy nor the werkzeug
    Request of its last event in its environ (both were kept for its whole life)."""
    from hub.domain.accounts import AddDevice
    from hub.settings import load_settings
    from hub.store.auth import new_device_token, token_hash
    from hub.web import revocation
    from hub.web.app import create_app
    from hub.web.live import NAMESPACE
    from tools.process import DEMO_CONFIG

    monkeypatch.setattr(revocation.RevocationWatch, "run", lambda self: None)
    monkeypatch.setattr(HeapTrim, "run", lambda self: None)  # the loop, tested above
    settings = load_settings(None, environ={}, store="memory://", async_mode="threading",
                             centers=(DEMO_CONFIG,), heartbeat_seconds=0)
    app, socketio, hub = create_app(settings)
    try:
        live = socketio.server.namespace_handlers[NAMESPACE]
        assert isinstance(live.heap, HeapTrim) and live.heap._last is None
        center = hub.center()
        assert center is not None
        token = new_device_token(center.id)
        center.execute(AddDevice("hall-trim", "display", token_hash(token)), "admin")
        client = socketio.test_client(app, namespace=NAMESPACE, auth={"token": token})
        answer = client.emit("subscribe", {"rooms": ["hall"], "since": None},
                             namespace=NAMESPACE, callback=True)
        assert "snapshot" in answer
        assert live.heap._last is not None
        sid = socketio.server.manager.sid_from_eio_sid(client.eio_sid, NAMESPACE)
        environ = socketio.server.get_environ(sid, NAMESPACE)
        assert "werkzeug.request" not in environ and "saved_session" not in environ
    finally:
        hub.store.close()
