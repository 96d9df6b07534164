"""A stopping hub's background loops end instead of reading a closed journal.

CI once caught the revocation watch waking after `hub stopped` and logging a
traceback ("Cannot operate on a closed database"). `Hub.close` marks the hub
closed before releasing the store, and each loop looks at that mark.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from hub.settings import load_settings
from hub.web.alerts import AlertMonitor
from hub.web.app import create_app
from hub.web.revocation import RevocationWatch
from tools.process import DEMO_CONFIG


class ClosingSleep:
    """A socketio stand-in whose first sleep is when the hub stops."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.sleeps = 0

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        if self.sleeps > 3:
            raise AssertionError("the loop kept running after the hub closed")
        self.hub.close()


@pytest.fixture
def stopping_hub(tmp_path: Any) -> Any:
    settings = load_settings(None, environ={}, store=f"sqlite:///{tmp_path}/journal.db",
                             async_mode="threading", centers=(DEMO_CONFIG,),
                             heartbeat_seconds=0)
    _app, _socketio, hub = create_app(settings)
    return hub


def test_close_marks_the_hub_closed_and_releases_the_store(stopping_hub: Any) -> None:
    hub = stopping_hub
    assert hub.closed is False
    hub.close()
    assert hub.closed is True


def test_revocation_watch_ends_quietly_when_the_hub_stops(
    stopping_hub: Any, caplog: pytest.LogCaptureFixture
) -> None:
    hub = stopping_hub
    live = type("Live", (), {"socketio": ClosingSleep(hub), "clients": {}})()
    with caplog.at_level(logging.ERROR):
        RevocationWatch(hub, live).run()  # returns: it would loop forever otherwise
    assert live.socketio.sleeps == 1
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_revocation_watch_still_reports_a_failed_look_while_running(
    stopping_hub: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = stopping_hub

    class Sleep:
        calls = 0

        def sleep(self, seconds: float) -> None:
            Sleep.calls += 1
            if Sleep.calls == 2:
                hub.close()

    live = type("Live", (), {"socketio": Sleep(), "clients": {}})()
    watch = RevocationWatch(hub, live)
    monkeypatch.setattr(watch, "look", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    with caplog.at_level(logging.ERROR):
        watch.run()
    assert any("revoked accounts failed" in r.getMessage() for r in caplog.records)


def test_alert_monitor_ends_when_the_hub_stops(stopping_hub: Any) -> None:
    hub = stopping_hub
    socketio = ClosingSleep(hub)
    monitor = AlertMonitor.__new__(AlertMonitor)
    monitor.hub, monitor.socketio, monitor.interval = hub, socketio, 0.0
    monitor._store_down = False
    monitor._run()
    assert socketio.sleeps == 1
