"""The display agent's listener notices it is behind while still connected.

`Resync.behind` is checked on its own; `LiveListener` against a real hub that
sends a heartbeat each second, with pushes the test makes it lose (as a hub
process cut off from its message queue would fail to send them).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from display.listener import LiveListener, Resync
from tests.display.conftest import Desk, wait_for
from tools.process import HubProcess


def test_behind_only_when_the_room_heard_more_than_was_applied() -> None:
    resync = Resync(["hall"])
    assert not resync.behind({"seq": 5, "heard": 5})  # nothing applied yet: no opinion
    resync.subscribing()
    assert not resync.behind({"seq": 12, "heard": 12})  # answer pending: it will tell
    resync.acknowledged({"seq": 10, "events": []})
    assert not resync.behind({"seq": 14, "heard": 10, "every": 5})  # events for others
    assert not resync.behind({"seq": 10, "heard": 9})
    assert resync.behind({"seq": 12, "heard": 11, "every": 5})
    for garbled in (None, [], {"heard": "11"}, {"heard": True}, {"seq": 99}):
        assert not resync.behind(garbled)
    resync.pushed({"seq": 11, "type": "ticket_called", "data": {}})
    assert not resync.behind({"seq": 12, "heard": 11})


class LossyListener(LiveListener):
    """A listener whose pushes (and, with `deaf`, heartbeats too) can be lost."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lose = threading.Event()
        self.deaf = threading.Event()

    def _pushed(self, event: Any) -> None:
        if not self.lose.is_set():
            super()._pushed(event)

    def _heartbeat(self, beat: Any = None) -> None:
        if not self.deaf.is_set():
            super()._heartbeat(beat)


@pytest.fixture(scope="module")
def beating_hub(tmp_path_factory: Any) -> Iterator[HubProcess]:
    hub = HubProcess("gevent", folder=str(tmp_path_factory.mktemp("hub")),
                     env={"JIAOHAO_HEARTBEAT_SECONDS": "1"})
    hub.prepare_demo()
    hub.start()
    yield hub
    hub.stop()
    assert "Traceback" not in hub.log(), hub.log()



@pytest.mark.slow
@pytest.mark.parametrize("deaf", [False, True], ids=["heartbeat", "silence"])
def test_a_listener_that_lost_a_call_gets_it_on_the_next_heartbeat_or_silence(
    beating_hub: HubProcess, deaf: bool,
) -> None:
    calls: list[str] = []
    listener = LossyListener(
        beating_hub.url, beating_hub.tokens["hall-1"], ["hall"],
        lambda event, live: calls.append(event["data"]["number"])
        if event["type"] == "ticket_called" else None).start()
    try:
        assert listener.wait_live(20)
        assert wait_for(lambda: listener._every == 1.0, 5), "no heartbeat came"
        clerk = Desk(beating_hub, 5 if deaf else 4)
        clerk.act("sign-in")
        clerk.issue()
        listener.lose.set()
        if deaf:  # the hub seems stalled: nothing at all arrives
            listener.deaf.set()
        number = clerk.call_next()
        assert wait_for(lambda: listener.resubscribed >= 1, 10), "never subscribed again"
        listener.lose.clear()
        assert wait_for(lambda: number in calls, 10), f"{number} never applied: {calls}"
        assert calls.count(number) == 1
    finally:
        listener.close()
