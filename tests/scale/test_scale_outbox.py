"""Two hub processes on one Redis journal share one outbox: each notification is
sent by one of them at a time (a claim with a lease, decided against the journal),
and every one reaches the gateway — once, though both workers see it pending."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.fakes.fake_gateway import FakeGateway
from tests.support.kit import wait_until
from tests.support.redis import start_together
from tools.process import HubProcess

pytestmark = pytest.mark.slow


def journal(hub: HubProcess, manager: dict[str, str]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = requests.get(
        f"{hub.url}/api/v1/events", headers=manager, timeout=10,
        params={"since": 0, "limit": 10000}).json()["events"]
    return events


@pytest.fixture(scope="module")
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def pair(redis_server: Any, gateway: FakeGateway,
         tmp_path_factory: Any) -> Iterator[list[HubProcess]]:
    env = {"JIAOHAO_MESSAGE_QUEUE": redis_server.url, "JIAOHAO_NOTIFY_SENDER": "sms",
           "JIAOHAO_NOTIFY_URL": gateway.url, "JIAOHAO_NOTIFY_SECRET": gateway.secret,
           "JIAOHAO_NOTIFY_POLL_SECONDS": "0.1", "JIAOHAO_NOTIFY_BACKOFF_SECONDS": "0.2",
           "JIAOHAO_NOTIFY_BACKOFF_CAP_SECONDS": "0.5", "JIAOHAO_NOTIFY_LEASE_SECONDS": "10"}
    hubs = [HubProcess("gevent", folder=str(tmp_path_factory.mktemp(f"hub{i}")),
                       store=redis_server.url, env=env) for i in range(2)]
    first = hubs[0]
    first.add_user("director", "manager")
    first.add_device("kiosk-1", "kiosk")
    hubs[1].passwords, hubs[1].tokens = first.passwords, first.tokens
    start_together(hubs)
    yield hubs
    for hub in hubs:
        hub.stop()
        assert "Traceback" not in hub.log(), hub.log()


def test_each_notification_is_sent_by_one_process_once(
        pair: list[HubProcess], gateway: FakeGateway) -> None:
    a, b = pair
    kiosk = {"Authorization": f"Bearer {a.tokens['kiosk-1']}"}
    manager = {"Authorization": f"Bearer {a.login('director')}"}
    day = requests.get(f"{a.url}/api/v1/kiosk", headers=kiosk, timeout=10).json()[
        "business_day"]
    gateway.down()  # both workers see every notification pending, again and again
    try:
        for n in range(12):
            hub = pair[n % 2]
            booked = requests.post(f"{hub.url}/api/v1/appointments", headers=kiosk, timeout=10,
                                   json={"service": ["household", "social-security"][n % 2],
                                         "day": day, "slot": ["14:00", "15:00"][n // 6],
                                         "phone": f"1390000{n:04d}"})
            assert booked.status_code == 201, booked.text

        def failed_by_both() -> bool:
            """Every notification failed twice and both processes claimed while down
            (instead of a fixed 3 s: on a loaded machine 3 s may hold fewer attempts)."""
            events = journal(a, manager)
            queued = {e["data"]["notification"] for e in events
                      if e["type"] == "notification_queued"}
            failed = Counter(e["data"]["notification"] for e in events
                             if e["type"] == "notification_failed")
            claimers = {e["data"]["by"] for e in events if e["type"] == "notification_claimed"}
            return (len(queued) == 12 and all(failed[n] >= 2 for n in queued)
                    and len(claimers) == 2)

        wait_until(failed_by_both, 60, "both processes to fail every notification twice")
    finally:
        gateway.up()
    deadline = time.monotonic() + 60
    while True:
        events = journal(a, manager)
        queued = {e["data"]["notification"] for e in events
                  if e["type"] == "notification_queued"}
        sent = Counter(e["data"]["notification"] for e in events
                       if e["type"] == "notification_sent")
        if len(queued) == 12 and set(sent) == queued or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert len(queued) == 12 and set(sent) == queued and max(sent.values()) == 1, sent
    claimers = {e["data"]["by"] for e in events if e["type"] == "notification_claimed"}
    assert len(claimers) == 2, claimers  # both processes worked the outbox
    received = Counter(gateway.ids())
    assert set(received) == queued
    assert max(received.values()) == 1, received  # never sent by both at once
