"""Hub processes on one Redis: no display silently misses a call.

The displays are the display agent's own client (`display.listener.LiveListener`,
the same protocol as the pages'), one subscribed to `hall` on each hub process.
What each one applied — live, replayed after a resubscription, or after a
reconnection — is compared with the journal: every `ticket_called` once, in order.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from display.listener import LiveListener
from hub.store.redis import RedisStore
from tests.support.kit import wait_until
from tests.support.redis import start_together
from tools.process import HubProcess, RedisServer

pytestmark = pytest.mark.slow
HEARTBEAT = 1  # seconds, so a stalled process is noticed quickly
FOLLOW_FAILED = "following the journal failed"  # a hub's log line when Redis is gone


class Cluster:
    """Hub processes on one redis-server (journal and message queue), a clerk, displays."""

    def __init__(self, folder: Path, processes: int, redis_url: str,
                 env: dict[str, str] | None = None) -> None:
        self.redis_url = redis_url
        env = {"JIAOHAO_MESSAGE_QUEUE": redis_url, "JIAOHAO_HEARTBEAT_SECONDS": str(HEARTBEAT),
               **(env or {})}
        self.hubs = [HubProcess("gevent", folder=str(folder / f"hub{i}"), store=redis_url,
                                env=env) for i in range(processes)]
        first = self.hubs[0]
        first.add_user("wangli", "clerk")
        first.add_device("kiosk-1", "kiosk")
        first.add_device("hall-1", "display")
        for hub in self.hubs[1:]:
            hub.passwords, hub.tokens = first.passwords, first.tokens
        start_together(self.hubs)
        self.displays: list[Display] = []

    def watch(self) -> None:
        """A hall display on every process, subscribed and caught up."""
        for hub in self.hubs:
            self.displays.append(Display(hub))
        for display in self.displays:
            assert display.listener.wait_live(20), "a display never got live"

    def stop(self) -> None:
        for display in self.displays:
            display.listener.close()
        for hub in self.hubs:
            hub.stop()

    def journal_calls(self) -> list[tuple[int, str]]:
        return [(seq, number) for seq, kind, number in self.journal() if kind == "ticket_called"]

    def journal(self) -> list[tuple[int, str, str]]:
        """(seq, type, number) of the center's ticket events."""
        store = RedisStore(self.redis_url)
        try:
            return [(e.seq, e.type, getattr(e, "number", "")) for e in store.load("demo")]
        finally:
            store.close()


class Display:
    def __init__(self, hub: HubProcess) -> None:
        self.calls: list[tuple[int, str]] = []
        self.statuses: list[str] = []
        self.lock = threading.Lock()
        self.listener = LiveListener(hub.url, hub.tokens["hall-1"], ["hall"], self._event,
                                     on_status=self.statuses.append).start()

    def _event(self, event: dict[str, Any], live: bool) -> None:
        if event["type"] == "ticket_called":
            with self.lock:
                self.calls.append((event["seq"], event["data"]["number"]))

    def seen(self) -> list[tuple[int, str]]:
        with self.lock:
            return list(self.calls)


def attempt(step: Callable[[], requests.Response], deadline: float) -> requests.Response | None:
    """A request retried while the hub cannot reach its journal (503) or is unreachable."""
    while time.monotonic() < deadline:
        try:
            answer = step()
        except requests.RequestException:
            time.sleep(0.2)
            continue
        if answer.status_code < 500:
            return answer
        time.sleep(0.2)
    return None


class Clerk:
    """Issues a ticket at a kiosk of one process and calls it through another, in a loop."""

    def __init__(self, cluster: Cluster, calling: HubProcess) -> None:
        self.cluster = cluster
        self.calling = calling
        self.headers = {"Authorization": f"Bearer {calling.login('wangli')}"}
        self.kiosk = {"Authorization": f"Bearer {calling.tokens['kiosk-1']}"}
        self.acked: list[str] = []  # numbers of the calls the hub acknowledged
        self.issued: list[str] = []  # numbers of the tickets the hub acknowledged
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        answer = requests.post(f"{calling.url}/api/v1/windows/4/sign-in", headers=self.headers,
                               timeout=10)
        assert answer.ok, answer.text
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            n = 0
            deadline = time.monotonic() + 120
            while not self.stop.is_set() and time.monotonic() < deadline:
                issuing = self.cluster.hubs[n % len(self.cluster.hubs)]
                n += 1
                issued = attempt(lambda issuing=issuing: requests.post(  # type: ignore[misc]
                    f"{issuing.url}/api/v1/tickets", json={"service": "household"},
                    headers=self.kiosk, timeout=5), deadline)
                if issued is not None and issued.status_code == 201:
                    self.issued.append(issued.json()["number"])
                called = attempt(lambda: requests.post(
                    f"{self.calling.url}/api/v1/windows/4/call-next", json={},
                    headers=self.headers, timeout=5), deadline)
                if called is not None and called.status_code == 200 and called.json()["ticket"]:
                    self.acked.append(called.json()["ticket"]["number"])
                attempt(lambda: requests.post(
                    f"{self.calling.url}/api/v1/windows/4/complete", json={},
                    headers=self.headers, timeout=5), deadline)
        except BaseException as error:  # noqa: BLE001 - handed to the test
            self.errors.append(error)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own (AOF always), to kill and restart."""
    (tmp_path / "redis").mkdir()
    found = RedisServer(tmp_path / "redis").start()
    yield found
    found.stop()


@pytest.fixture
def make_cluster(tmp_path: Path, server: RedisServer) -> Iterator[Callable[[int], Cluster]]:
    made: list[Cluster] = []

    def make(processes: int) -> Cluster:
        made.append(Cluster(tmp_path, processes, server.url))
        return made[-1]

    yield make
    for cluster in made:
        cluster.stop()
        for hub in cluster.hubs:
            assert "Traceback" not in hub.log(), hub.log()


def assert_every_display_saw_every_call(cluster: Cluster, since: int) -> None:
    expected = [call for call in cluster.journal_calls() if call[0] > since]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
            len(d.seen()) < len(expected) for d in cluster.displays):
        time.sleep(0.2)
    # Asserts that nothing doubled arrives late: a resubscription is decided on a
    # heartbeat, so two heartbeats is the shortest wait that would see one.
    time.sleep(2 * HEARTBEAT)
    for index, display in enumerate(cluster.displays):
        seen = display.seen()
        missed = [call for call in expected if call not in seen]
        doubled = len(seen) - len(set(seen))
        assert (missed, doubled) == ([], 0), (
            f"display on process {index}: missed {len(missed)} of {len(expected)} calls "
            f"{missed[:5]}, doubled {doubled}")
        assert seen == expected, f"display on process {index} saw calls out of order"
        print(f"display on process {index}: {len(seen)} of {len(expected)} calls, "
              f"subscribed again {display.listener.resubscribed} times")


@pytest.mark.parametrize("processes", [2, 3])
def test_redis_killed_and_restarted_under_calls_every_display_gets_every_call(
    make_cluster: Callable[[int], Cluster], server: RedisServer, processes: int,
) -> None:
    cluster = make_cluster(processes)
    cluster.watch()
    since = max((seq for seq, _ in cluster.journal_calls()), default=0)
    clerk = Clerk(cluster, calling=cluster.hubs[0])
    clerk.thread.start()
    # Calls under way before Redis goes (awaited: on a loaded machine 2 s may hold none).
    wait_until(lambda: len(clerk.acked) >= 5 or clerk.errors, 60, "5 calls before the kill")
    before = len(clerk.acked)
    failures = [hub.log().count(FOLLOW_FAILED) for hub in cluster.hubs]
    server.stop(kill=True)
    # Redis comes back once every process has found it gone (not after a fixed second).
    wait_until(lambda: all(hub.log().count(FOLLOW_FAILED) > failed
                           for hub, failed in zip(cluster.hubs, failures, strict=True)),
               30, "every process to lose its journal")
    server.start()
    restarted = time.monotonic()
    while len(clerk.acked) < before + 30 and time.monotonic() < restarted + 60:
        time.sleep(0.1)
    clerk.stop.set()
    clerk.thread.join(30)
    assert not clerk.errors, clerk.errors
    assert before >= 5 and len(clerk.acked) >= before + 30, (before, len(clerk.acked))
    assert_every_display_saw_every_call(cluster, since)
    # Every acknowledged call is in the journal (AOF always): nothing was lost either.
    assert set(clerk.acked) <= {number for _seq, number in cluster.journal_calls()}
    issued = {number for _seq, kind, number in cluster.journal() if kind == "ticket_issued"}
    assert set(clerk.issued) <= issued


def test_a_paused_process_catches_its_displays_up(
    make_cluster: Callable[[int], Cluster],
) -> None:
    cluster = make_cluster(2)
    cluster.watch()
    since = max((seq for seq, _ in cluster.journal_calls()), default=0)
    clerk = Clerk(cluster, calling=cluster.hubs[0])
    paused = cluster.hubs[1]
    # Only the first process takes requests while the second is stopped.
    cluster.hubs = cluster.hubs[:1]
    clerk.thread.start()
    time.sleep(1)
    os.kill(paused.pid(), signal.SIGSTOP)
    try:
        time.sleep(4 * HEARTBEAT + 1)
        stalled = len(cluster.displays[1].seen())
    finally:
        os.kill(paused.pid(), signal.SIGCONT)
    time.sleep(2)
    clerk.stop.set()
    clerk.thread.join(30)
    assert not clerk.errors, clerk.errors
    assert len(clerk.acked) > stalled + 5, "no calls were made while the process was stopped"
    cluster.hubs.append(paused)
    assert_every_display_saw_every_call(cluster, since)
    # Its display heard nothing for three heartbeats and asked again meanwhile.
    assert cluster.displays[1].listener.resubscribed >= 1


def test_a_journal_found_behind_after_an_outage_is_reloaded_and_displays_start_over(
    make_cluster: Callable[[int], Cluster], server: RedisServer,
) -> None:
    """What a failover without WAIT can do: the new master lacks the last events.
    Each process reloads the center, tells its clients to resync (they get a
    snapshot: their `since` is ahead), and the calls made after — whose seqs were
    used before — reach every display instead of being dropped as seen."""
    cluster = make_cluster(2)
    cluster.watch()
    clerk = Clerk(cluster, calling=cluster.hubs[0])
    for _ in range(3):
        assert requests.post(f"{cluster.hubs[0].url}/api/v1/tickets",
                             json={"service": "household"}, headers=clerk.kiosk,
                             timeout=10).status_code == 201
    called = requests.post(f"{cluster.hubs[0].url}/api/v1/windows/4/call-next", json={},
                           headers=clerk.headers, timeout=10)
    assert called.status_code == 200, called.text
    lost = cluster.journal_calls()[-1]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(lost in d.seen() for d in cluster.displays):
        time.sleep(0.1)
    # The failover's new master never had the call: cut the journal back before it.
    marks = [len(d.seen()) for d in cluster.displays]
    client = server.client()
    stream = "jiaohao:{demo}:events"
    kept = client.xrange(stream, max=f"{lost[0] - 1}-1")
    client.delete(stream)  # as the replica had it: the stream never went further
    for entry_id, fields in kept:
        client.xadd(stream, fields, id=entry_id)
    client.set("jiaohao:{demo}:seq", lost[0] - 1)
    client.close()
    server.stop(kill=True)
    server.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all("reloading it" in h.log() for h in cluster.hubs):
        time.sleep(0.1)
    retried = attempt(lambda: requests.post(
        f"{cluster.hubs[1].url}/api/v1/windows/4/call-next", json={},
        headers=clerk.headers, timeout=5), time.monotonic() + 30)
    assert retried is not None and retried.status_code == 200, retried and retried.text
    again = cluster.journal_calls()[-1]
    assert again[0] == lost[0], "the call was not made again at the same seq"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all(
            again in d.seen()[mark:] for d, mark in zip(cluster.displays, marks, strict=True)):
        time.sleep(0.1)
    for index, (display, mark) in enumerate(zip(cluster.displays, marks, strict=True)):
        assert display.seen()[mark:] == [again], (
            f"display {index} after the rewind: {display.seen()[mark:]}, wanted {again}")
        assert display.listener.resubscribed >= 1, f"display {index} was not told to resync"
