"""Notifications that are never lost, end to end: a real hub process sending SMS
through the generic gateway preset to a local fake gateway (tests/fakes/).

- the gateway down, then back: every notification delivered exactly once to the
  gateway's de-duplicated log. The 10-minute outage is compressed: the hub retries
  with a 0.2 s base backoff capped at 1 s (instead of 5 s capped at 300 s), and the
  gateway stays down until every notification has failed 6 times, the last two after
  waits at the cap — the same path as 10 minutes at the real schedule;
- the hub SIGKILLed with notifications pending and sends in flight (the gateway
  records a request, then holds its answer back): after the restart every one is
  delivered, none twice into the de-duplicated log, each recorded sent once;
- check-in at the kiosk by phone and a one-time code read from the gateway's log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hubkit import HubProcess

from hub.store.sqlite import SQLiteStore
from tests.fakes.fake_gateway import FakeGateway
from tests.support.kit import wait_until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def hub_options(gateway: FakeGateway) -> dict[str, Any]:
    return {"env": {
        "JIAOHAO_NOTIFY_SENDER": "sms",
        "JIAOHAO_NOTIFY_URL": gateway.url,
        "JIAOHAO_NOTIFY_SECRET": gateway.secret,
        "JIAOHAO_NOTIFY_SMS_SIGN": "便民服务中心",
        "JIAOHAO_NOTIFY_POLL_SECONDS": "0.2",
        "JIAOHAO_NOTIFY_BACKOFF_SECONDS": "0.2",
        "JIAOHAO_NOTIFY_BACKOFF_CAP_SECONDS": "1",
        "JIAOHAO_NOTIFY_LEASE_SECONDS": "3",
        "JIAOHAO_NOTIFY_TIMEOUT_SECONDS": "2",
    }}


_phones = iter(range(13900000000, 13999999999, 7))


def book(hub: HubProcess, count: int, slot: str = "10:00") -> list[dict[str, Any]]:
    """`count` appointments for today, each with a new phone, booked at a kiosk."""
    kiosk = hub.api(hub.device("kiosk-1"))
    services = ["social-security", "medical-insurance", "household", "real-estate"]
    booked = []
    for n in range(count):
        phone = str(next(_phones))
        answer = kiosk.ok("POST", "/appointments", 201, json={
            "service": services[n % len(services)], "day": hub.now().date().isoformat(),
            "slot": slot, "phone": phone})
        booked.append({**answer, "full_phone": phone})
    return booked


def journal(hub: HubProcess, since: int) -> list[dict[str, Any]]:
    return hub.events(since)


def queued(events: list[dict[str, Any]]) -> list[str]:
    return [e["data"]["notification"] for e in events if e["type"] == "notification_queued"]


def sent_counts(events: list[dict[str, Any]]) -> Counter[str]:
    return Counter(e["data"]["notification"] for e in events if e["type"] == "notification_sent")


def wait_all_sent(hub: HubProcess, since: int, ids: list[str], timeout: float = 60) -> Counter[str]:
    def all_sent() -> Counter[str] | None:
        counts = sent_counts(journal(hub, since))
        return counts if all(counts[i] for i in ids) else None

    try:
        return wait_until(all_sent, timeout, interval=0.3)
    except AssertionError:
        return sent_counts(journal(hub, since))  # the callers' assertions say what is missing


def test_gateway_down_then_back_every_notification_delivered_exactly_once(
        hub: HubProcess, gateway: FakeGateway) -> None:
    start = hub.seq()
    gateway.down()
    try:
        booked = book(hub, 8)

        def failed_at_the_cap() -> list[dict[str, Any]] | None:
            # The outage: every notification fails, again and again. Backoffs after
            # 1, 2, 3, 4, 5 failures: 0.2, 0.4, 0.8, 1 (the cap), 1 s.
            events = journal(hub, start)
            failures = Counter(e["data"]["notification"] for e in events
                               if e["type"] == "notification_failed")
            ids = queued(events)
            return events if ids and all(failures[i] >= 6 for i in ids) else None

        events = wait_until(failed_at_the_cap, 60, "every notification to fail 6 times",
                            interval=0.3)
        ids = queued(events)
        assert len(ids) == len(booked) == len(set(ids))
        assert sent_counts(events) == Counter()
        failures = Counter(e["data"]["notification"] for e in events
                           if e["type"] == "notification_failed")
        assert set(failures) == set(ids) and min(failures.values()) >= 3, failures
        # The manager's list shows them pending, the phones masked.
        listed = hub.manager().ok("GET", "/notifications")
        pending = {n["id"]: n for n in listed["pending"]}
        assert set(ids) <= set(pending)
        assert all("****" in pending[i]["phone"] for i in ids)
    finally:
        gateway.up()
    counts = wait_all_sent(hub, start, ids)
    assert all(counts[i] == 1 for i in ids), counts  # recorded sent once each
    delivered = gateway.delivered()
    assert set(ids) <= set(delivered)  # none lost
    received = Counter(r for r in gateway.ids() if r in ids)
    assert all(received[i] == 1 for i in ids), received  # and no duplicates even
    by_phone = {delivered[i].body["phone"]: delivered[i].body for i in ids}
    for appointment in booked:
        body = by_phone[appointment["full_phone"]]
        assert body["template"] == "booking_code" and body["sign"] == "便民服务中心"
        assert body["params"]["code"] == appointment["code"]


def test_a_hub_killed_with_sends_in_flight_loses_and_doubles_nothing(
        hub: HubProcess, gateway: FakeGateway) -> None:
    start = hub.seq()
    gateway.down()
    booked = book(hub, 6, slot="11:00")
    ids = queued(journal(hub, start))
    assert len(ids) == len(booked)
    gateway.delay = 1.5  # recorded at once, acknowledged late
    gateway.up()
    try:
        wait_until(lambda: any(i in ids for i in gateway.ids()), 30,
                   "a notification to reach the gateway")
        hub.kill()  # one send in flight (delivered, never acknowledged), the rest pending
        in_flight = [i for i in gateway.ids() if i in ids]
        assert sent_counts(journal_after_kill(hub, start)) == Counter()
        hub.start()
    finally:
        gateway.delay = 0.0
    counts = wait_all_sent(hub, start, ids)
    assert all(counts[i] == 1 for i in ids), counts
    delivered = gateway.delivered()
    assert set(ids) <= set(delivered)  # none lost across the SIGKILL
    assert len([i for i in delivered if i in ids]) == len(ids)  # each once in the log
    received = Counter(r for r in gateway.ids() if r in ids)
    # The send cut off by the kill was repeated after the restart (at least once);
    # the gateway's log holds it once.
    assert in_flight and received[in_flight[0]] >= 2, (in_flight, received)


def journal_after_kill(hub: HubProcess, since: int) -> list[dict[str, Any]]:
    """What survived the kill, read from the journal file while the hub is down."""
    store = SQLiteStore(hub.journal.path)
    try:
        found = list(store.load("demo", since))
    finally:
        store.close()
    return [{"type": e.type, "data": {"notification": getattr(e, "notification", "")}}
            for e in found]


def test_check_in_by_phone_and_a_one_time_code_at_the_kiosk(
        hub: HubProcess, gateway: FakeGateway) -> None:
    kiosk = hub.api(hub.device("kiosk-2"))
    (appointment,) = book(hub, 1, slot="14:00")
    phone = appointment["full_phone"]
    # Asking: only a kiosk may; the answer is the same with or without an appointment.
    assert hub.api().request("POST", "/checkin/code", json={"phone": phone}).status_code == 401
    display = hub.api(hub.device("hall-1"))
    assert display.request("POST", "/checkin/code", json={"phone": phone}).status_code == 403
    nobody = kiosk.ok("POST", "/checkin/code", json={"phone": "13700000001"})
    answer = kiosk.ok("POST", "/checkin/code", json={"phone": phone})
    assert answer == nobody and answer["sent"] is True
    bad = kiosk.request("POST", "/checkin/code", json={"phone": "12"})
    assert bad.status_code == 422 and bad.json()["field"] == "phone"
    code = wait_for_code(gateway, phone)
    # The phone alone checks in nobody; a wrong code is refused and counted.
    alone = kiosk.request("POST", "/tickets", json={"phone": phone})
    assert alone.status_code == 422 and alone.json()["error"] == "missing_field"
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = kiosk.request("POST", "/tickets", json={"phone": phone, "otp": wrong})
    assert refused.status_code == 422 and refused.json()["error"] == "wrong_code"
    assert refused.json()["field"] == "otp"
    # Only a kiosk checks a code in.
    assert hub.api().request("POST", "/tickets", json={"phone": phone, "otp": code,
                                                       "channel": "mobile"}).status_code == 403
    ticket = kiosk.ok("POST", "/tickets", 201, json={"phone": phone, "otp": code})
    assert ticket["service"] == "social-security" and ticket["number"].startswith("A")
    again = kiosk.request("POST", "/tickets", json={"phone": phone, "otp": code})
    assert again.status_code == 422 and again.json()["error"] == "code_expired"
    # The journal never holds a code in clear, nor its hash or seal.
    events = hub.events(0)
    assert not any(code in str(e["data"]) for e in events
                   if e["type"].startswith(("check_in_code", "notification")))
    assert not any({"code_hash", "sealed"} & set(e["data"]) for e in events)


def test_wrong_codes_are_limited(hub: HubProcess, gateway: FakeGateway) -> None:
    kiosk = hub.api(hub.device("kiosk-3"))
    (appointment,) = book(hub, 1, slot="15:00")
    phone = appointment["full_phone"]
    kiosk.ok("POST", "/checkin/code", json={"phone": phone})
    code = wait_for_code(gateway, phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        answer = kiosk.request("POST", "/tickets", json={"phone": phone, "otp": wrong})
        assert answer.json()["error"] == "wrong_code"
    blocked = kiosk.request("POST", "/tickets", json={"phone": phone, "otp": code})
    assert blocked.status_code == 422 and blocked.json()["error"] == "code_expired"
    # The phone with the appointment code still checks in.
    kiosk.ok("POST", "/tickets", 201, json={"phone": phone, "appointment": appointment["code"]})


def wait_for_code(gateway: FakeGateway, phone: str, timeout: float = 20) -> str:
    codes = wait_until(lambda: gateway.codes_for(phone), timeout,
                       f"a code to reach the gateway for {phone}", interval=0.1)
    assert len(codes) == 1 and len(codes[0]) == 6 and codes[0].isdigit()
    return codes[0]
