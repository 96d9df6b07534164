"""Booking on the phone against a real hub that texts through its SMS sender to a local
fake gateway: 16 phones racing for the last 3 places of a slot, every bad input named
by its field, check-in by ID number with only a keyed hash kept, and the one-time code
limit shared by hub processes on one Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from hubkit import HubProcess, expect_error

from tests.fakes.fake_gateway import FakeGateway
from tests.support.kit import wait_until
from tests.support.redis import redis_server as redis_server  # noqa: F401 - a fixture
from tools.process import CHINA
from tools.process import HubProcess as DemoHub

pytestmark = pytest.mark.slow

TOMORROW = "2026-11-27"  # the hub's day is Thursday 26 November 2026
ID_NUMBER = "11010519491231002X"  # a valid GB 11643 number (the standard's example)


@pytest.fixture(scope="module")
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def hub_options(gateway: FakeGateway) -> dict[str, Any]:
    return {"env": {"JIAOHAO_NOTIFY_SENDER": "sms", "JIAOHAO_NOTIFY_URL": gateway.url,
                    "JIAOHAO_NOTIFY_SECRET": gateway.secret,
                    "JIAOHAO_NOTIFY_POLL_SECONDS": "0.2"}}


def book(hub: HubProcess, gateway: FakeGateway, phone: str, service: str, day: str,
         slot: str, **extra: Any) -> dict[str, Any]:
    hub.api().ok("POST", "/book/code", json={"phone": phone})
    code = gateway.wait_code(phone, "booking_verify")
    found: dict[str, Any] = hub.api().ok("POST", "/book", 201, json={
        "service": service, "day": day, "slot": slot, "phone": phone, "otp": code, **extra})
    return found


def test_sixteen_phones_race_for_the_last_three_places(hub: HubProcess,
                                                       gateway: FakeGateway) -> None:
    slot = {"service": "social-security", "day": TOMORROW, "slot": "16:00"}
    hub.api(hub.device("kiosk-1")).ok("POST", "/appointments", 201,
                                      json={**slot, "phone": "13100131000"})
    places = hub.api().ok("GET", "/book/slots", params={"service": "social-security"})
    tomorrow = next(d for d in places["days"] if d["day"] == TOMORROW)
    assert next(s for s in tomorrow["slots"] if s["start"] == "16:00")["left"] == 3
    phones = [f"1{hub.mode == 'gevent' and 5 or 6}50015{n:04d}" for n in range(16)]
    for phone in phones:
        hub.api().ok("POST", "/book/code", json={"phone": phone})
    codes = {phone: gateway.wait_code(phone, "booking_verify") for phone in phones}
    start = threading.Barrier(len(phones))
    answers: dict[str, requests.Response] = {}

    def race(phone: str) -> None:
        session = requests.Session()
        start.wait()
        answers[phone] = session.post(f"{hub.base_url}/api/v1/book", timeout=60, json={
            **slot, "phone": phone, "otp": codes[phone]})

    threads = [threading.Thread(target=race, args=(p,)) for p in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [p for p, a in answers.items() if a.status_code == 201]
    assert len(won) == 3, {p: (a.status_code, a.text[:80]) for p, a in answers.items()}
    for phone, answer in answers.items():
        if phone not in won:
            expect_error(answer, 409, "slot_full", "slot")
    booked = [e for e in hub.events() if e["type"] == "appointment_booked"
              and e["data"]["day"] == TOMORROW and e["data"]["slot_start"] == "16:00:00"
              and e["data"]["service"] == "social-security"]
    assert len(booked) == 4
    places = hub.api().ok("GET", "/book/slots", params={"service": "social-security"})
    tomorrow = next(d for d in places["days"] if d["day"] == TOMORROW)
    assert next(s for s in tomorrow["slots"] if s["start"] == "16:00") == {
        "start": "16:00", "end": "17:00", "capacity": 4, "left": 0, "open": False,
        "over": False}


def test_every_bad_input_is_refused_naming_its_field(hub: HubProcess,
                                                     gateway: FakeGateway) -> None:
    phone = hub.api()
    start = hub.seq()
    good = {"service": "household", "day": TOMORROW, "slot": "10:00",
            "phone": "13800001111", "otp": "123456"}
    for change, status, code, field in [
        ({"service": None}, 422, "missing_field", "service"),
        ({"day": "27/11/2026"}, 422, "invalid_field", "day"),
        ({"day": "2026-02-30"}, 422, "invalid_field", "day"),
        ({"slot": "9am"}, 422, "invalid_field", "slot"),
        ({"slot": "25:00"}, 422, "invalid_field", "slot"),
        ({"phone": "12"}, 422, "invalid_field", "phone"),
        ({"otp": "12ab56"}, 422, "invalid_field", "otp"),
        ({"id_number": "110105194912310021"}, 422, "invalid_id_number", "id_number"),
        ({"service": "passport"}, 404, "unknown_service", "service"),
        ({"day": "2026-11-28"}, 422, "invalid_day", "day"),  # a Saturday
        ({"day": "2026-12-31"}, 422, "invalid_day", "day"),  # past the horizon
        ({"slot": "09:30"}, 422, "invalid_slot", "slot"),
        ({}, 422, "code_expired", "otp"),  # no code was sent to this phone
    ]:
        body = {k: v for k, v in {**good, **change}.items() if v is not None}
        expect_error(phone.request("POST", "/book", json=body), status, code, field)
    expect_error(phone.request("GET", "/book/slots", params={"service": "nope"}), 404,
                 "unknown_service", "service")
    expect_error(phone.request("POST", "/book/code", json={"phone": "abc"}), 422,
                 "invalid_field", "phone")
    mine = {"code": "123456", "phone": "13800001111"}
    expect_error(phone.request("POST", "/book/lookup", json=mine), 404, "unknown_appointment",
                 "code")
    expect_error(phone.request("POST", "/book/lookup", json={**mine, "code": "x"}), 422,
                 "invalid_field", "code")
    expect_error(phone.request("POST", "/book/reschedule", json={**mine, "day": TOMORROW}),
                 422, "missing_field", "slot")
    expect_error(phone.request("POST", "/book/cancel", json={"code": "123456"}), 422,
                 "missing_field", "phone")
    assert hub.seq() == start  # nothing was journaled
    manager = hub.manager()
    expect_error(manager.request("GET", "/manage/appointments", params={"from": "x"}), 422,
                 "invalid_field", "from")
    expect_error(manager.request("GET", "/manage/appointments/export",
                                 params={"format": "pdf"}), 422, "invalid_field", "format")
    expect_error(manager.request("POST", "/manage/appointments/blocks/nope/lift",
                                 json={"reason": "x"}), 404, "unknown_block", "block")
    expect_error(manager.request("POST", "/manage/appointments/blocks/nope/lift",
                                 json={"reason": "x" * 201}), 422, "invalid_field", "reason")
    expect_error(phone.request("GET", "/manage/appointments"), 401, "unauthenticated")
    expect_error(hub.api(hub.device("kiosk-1")).request("GET", "/manage/appointments"), 403,
                 "forbidden")


def test_reschedule_cancel_and_check_in_by_id_number_keeping_only_a_hash(
        hub: HubProcess, gateway: FakeGateway) -> None:
    phone = "13912340000" if hub.mode == "gevent" else "13912340001"
    booked = book(hub, gateway, phone, "household", "2026-11-26", "11:00",
                  id_number=ID_NUMBER.lower())
    assert booked["phone"] == phone[:3] + "****" + phone[-4:]
    citizen = hub.api()
    mine = {"code": booked["code"], "phone": phone}
    moved = citizen.ok("POST", "/book/reschedule", json={**mine, "day": "2026-11-26",
                                                          "slot": "10:00"})
    assert (moved["slot_start"], moved["status"]) == ("10:00", "booked")
    expect_error(citizen.request("POST", "/book/lookup", json={**mine, "phone": "13900000000"}),
                 404, "unknown_appointment", "code")
    kiosk = hub.api(hub.device("kiosk-1"))
    expect_error(kiosk.request("POST", "/checkin/id", json={"id_number": "110105194912310021"}),
                 422, "invalid_id_number", "id_number")
    expect_error(citizen.request("POST", "/checkin/id", json={"id_number": ID_NUMBER}), 401,
                 "unauthenticated")
    ticket = kiosk.ok("POST", "/checkin/id", 201, json={"id_number": ID_NUMBER})
    assert ticket["appointment"] is True and ticket["number"].startswith("C")
    assert citizen.ok("POST", "/book/lookup", json=mine)["status"] == "checked_in"
    expect_error(kiosk.request("POST", "/checkin/id", json={"id_number": ID_NUMBER}), 404,
                 "unknown_appointment", "id_number")
    expect_error(citizen.request("POST", "/book/cancel", json=mine), 409,
                 "appointment_not_changeable", "code")
    # The number is nowhere: not in the journal file, the log, or the events managers read.
    journal = Path(hub.journal.path).read_bytes()
    for form in (ID_NUMBER, ID_NUMBER.lower()):
        assert form.encode() not in journal
        assert form not in hub.log()
    events = [e for e in hub.events() if e["type"] == "appointment_booked"]
    assert events and all("id_hash" not in e["data"] for e in events)
    assert all(phone not in str(e["data"]) for e in events)
    view = hub.manager().ok("GET", "/manage/appointments")
    assert phone not in str(view) and booked["phone"] in str(view)


def test_code_and_case_look_up_limits_hold_across_hub_processes(
        redis_server: Any, tmp_path_factory: Any) -> None:  # noqa: F811 - the fixture
    env = {"JIAOHAO_MESSAGE_QUEUE": redis_server.url, "JIAOHAO_CHECKIN_CODES_PER_HOUR": "4"}
    hubs = [DemoHub("gevent", folder=str(tmp_path_factory.mktemp(f"limit{i}")),
                    store=redis_server.url, env=env) for i in range(2)]
    first = hubs[0]
    first.add_device("kiosk-1", "kiosk")
    hubs[1].tokens = first.tokens
    for hub in hubs:
        hub.start()
    try:
        answers = [requests.post(f"{hubs[n % 2].url}/api/v1/checkin/code", timeout=10,
                                 json={"phone": "13700000000"},
                                 headers={"Authorization": f"Bearer {first.tokens['kiosk-1']}"})
                   for n in range(6)]
        # 4 an hour for the phone in all: per process it would have been 3 + 3.
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429], [
            a.text for a in answers]
        booking = [requests.post(f"{hubs[n % 2].url}/api/v1/book/code", timeout=10,
                                 json={"phone": "13700000001"}) for n in range(6)]
        assert [a.status_code for a in booking] == [200, 200, 200, 200, 429, 429]
        # Someone guessing the phone of one case: 10 failed look-ups an hour in all.
        guesses = [requests.post(f"{hubs[n % 2].url}/api/v1/cases/lookup", timeout=10,
                                 json={"number": "C2026-999999", "phone": f"1370000{n:04d}"})
                   for n in range(12)]
        assert [a.status_code for a in guesses] == [404] * 10 + [429, 429], [
            a.text for a in guesses]
    finally:
        for hub in hubs:
            hub.stop()
            assert "Traceback" not in hub.log(), hub.log()


def test_a_missed_slot_becomes_a_no_show_blocks_the_phone_and_a_manager_lifts_it(
        gateway: FakeGateway, tmp_path_factory: Any) -> None:
    """The hub's own tick marks the slot missed after its end + the late tolerance; with
    a policy of 1 miss the phone is blocked. Booked at 09:40 (the clock at real speed, so
    a slow start cannot take the hub past the slot); then the hub is restarted with its
    clock jumped to 10:10 and running 60×, and its tick must leave the appointment alone
    until 10:15 (a mark at the slot's end, 10:00, would show at 10:10) and then mark it."""
    folder = tmp_path_factory.mktemp("no-show")
    config = folder / "center.toml"
    config.write_text((Path(DemoHub().config).read_text(encoding="utf-8")
                       .replace("no_show_limit = 3", "no_show_limit = 1")), encoding="utf-8")
    hub = DemoHub("gevent", folder=str(folder), config=str(config), env={
        "JIAOHAO_CLOCK": "fast:1@2026-11-26T09:40:00+08:00",
        "JIAOHAO_NOTIFY_SENDER": "sms", "JIAOHAO_NOTIFY_URL": gateway.url,
        "JIAOHAO_NOTIFY_SECRET": gateway.secret, "JIAOHAO_NOTIFY_POLL_SECONDS": "0.2"})
    hub.prepare_demo()
    hub.start()
    phone = "13655556666"
    api = f"{hub.url}/api/v1"
    try:
        kiosk = {"Authorization": f"Bearer {hub.tokens['kiosk-1']}"}
        booked = requests.post(f"{api}/appointments", headers=kiosk, timeout=10, json={
            "service": "household", "day": "2026-11-26", "slot": "09:00", "phone": phone})
        assert booked.status_code == 201, booked.text
        token = requests.post(f"{api}/auth/token", timeout=10, json={
            "username": "director", "password": hub.passwords["director"]}).json()["token"]
        manager = {"Authorization": f"Bearer {token}"}

        def events(kind: str) -> list[dict[str, Any]]:
            found = requests.get(f"{api}/events", headers=manager, timeout=10,
                                 params={"since": 0, "limit": 10000}).json()["events"]
            return [e for e in found if e["type"] == kind]

        assert not events("appointment_missed")  # 09:40: the slot has not even ended
        hub.restart(at=datetime(2026, 11, 26, 10, 10, tzinfo=CHINA), speed=60)
        token = requests.post(f"{api}/auth/token", timeout=10, json={
            "username": "director", "password": hub.passwords["director"]}).json()["token"]
        manager = {"Authorization": f"Bearer {token}"}
        wait_until(lambda: any(e["data"]["code"] == booked.json()["code"]
                               for e in events("appointment_missed")),
                   120, "the appointment to be missed", interval=0.5)
        missed = [e for e in events("appointment_missed")
                  if e["data"]["code"] == booked.json()["code"]]
        assert missed and missed[0]["at"] >= "2026-11-26T10:15"  # 10:00 + 15 minutes late
        assert missed[0]["actor"] == "clock" and missed[0]["data"]["phone"] == "136****6666"
        view = requests.get(f"{api}/manage/appointments", headers=manager, timeout=10).json()
        block = next(b for b in view["blocks"] if b["phone"] == "136****6666")
        assert (block["since"], block["until"], block["missed"]) == (
            "2026-11-26", "2026-12-26", 1)
        assert view["totals"]["missed"] >= 1 and view["totals"]["no_show_rate"] > 0
        # Blocked: a booking on the phone is refused, naming the phone.
        assert requests.post(f"{api}/book/code", json={"phone": phone}, timeout=10).ok
        code = gateway.wait_code(phone, "booking_verify")
        attempt = {"service": "household", "day": TOMORROW, "slot": "10:00", "phone": phone,
                   "otp": code}
        refused = requests.post(f"{api}/book", json=attempt, timeout=10)
        assert expect_error(refused, 403, "booking_blocked", "phone")["until"] == "2026-12-26"
        # The manager lifts it; the journal says who and why.
        lifted = requests.post(f"{api}/manage/appointments/blocks/{block['id']}/lift",
                               headers=manager, json={"reason": "电话核实：因病未到"}, timeout=10)
        assert lifted.status_code == 200, lifted.text
        unblocked = events("booking_unblocked")
        assert [(e["actor"], e["data"]["reason"]) for e in unblocked] == [
            ("director", "电话核实：因病未到")]
        assert requests.post(f"{api}/book", json=attempt, timeout=10).status_code == 201
    finally:
        hub.stop()
        assert "Traceback" not in hub.log(), hub.log()
