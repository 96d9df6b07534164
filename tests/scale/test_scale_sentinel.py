"""Redis Sentinel: the master is killed under calls, a replica takes over, nothing is lost.

A master, two replicas and three sentinels on loopback (real redis-server
binaries); three hub processes reach them through `redis+sentinel://` for both
the journal and the Socket.IO message queue, and acknowledge a command only once
a replica has it (`JIAOHAO_REDIS_WAIT_REPLICAS=1`; two replicas, so one is left
to confirm after the other is promoted). After SIGKILL of the master, every
acknowledged ticket and call is in the promoted replica's journal, the hubs go
on numbering after it, and every display (one per process) got every call once,
in order.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scale.test_scale_resync import Clerk, Cluster, assert_every_display_saw_every_call
from tests.support.kit import wait_until
from tests.support.sentinel import SentinelGroup

pytestmark = pytest.mark.slow


@pytest.fixture
def group(tmp_path: Path) -> Iterator[SentinelGroup]:
    found = SentinelGroup(tmp_path / "redis").start(discover=False)  # awaited before the kill
    yield found
    found.stop()


def test_the_master_killed_under_calls_a_replica_takes_over_and_nothing_is_lost(
    group: SentinelGroup, tmp_path: Path,
) -> None:
    cluster = Cluster(tmp_path, 3, group.url, env={"JIAOHAO_REDIS_WAIT_REPLICAS": "1",
                                                  "JIAOHAO_REDIS_WAIT_MS": "1000"})
    try:
        cluster.watch()
        since = max((seq for seq, _ in cluster.journal_calls()), default=0)
        clerk = Clerk(cluster, calling=cluster.hubs[0])
        clerk.thread.start()
        # Calls under way before the master goes (awaited: on a loaded machine 2 s may hold none).
        wait_until(lambda: len(clerk.acked) >= 5 or clerk.errors, 60, "5 calls before the kill")
        before = len(clerk.acked)
        group.wait_discovered()  # while the hubs started, the sentinels met
        old = group.master_port()
        group.kill_master()
        assert group.master_port() != old
        promoted = time.monotonic()
        while len(clerk.acked) < before + 30 and time.monotonic() < promoted + 60:
            time.sleep(0.1)
        clerk.stop.set()
        clerk.thread.join(30)
        assert not clerk.errors, clerk.errors
        assert before >= 5 and len(clerk.acked) >= before + 30, (before, len(clerk.acked))
        journal = cluster.journal()
        issued = [number for _seq, kind, number in journal if kind == "ticket_issued"]
        called = {number for _seq, kind, number in journal if kind == "ticket_called"}
        assert set(clerk.issued) <= set(issued), "an acknowledged ticket was lost"
        assert set(clerk.acked) <= called, "an acknowledged call was lost"
        assert len(issued) == len(set(issued)), "a number was given twice"
        assert_every_display_saw_every_call(cluster, since)
    finally:
        cluster.stop()
    for hub in cluster.hubs:
        assert "Traceback" not in hub.log(), hub.log()
