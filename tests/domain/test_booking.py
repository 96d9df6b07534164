"""Booking on the phone (hub/domain/appointments.py): the one-time code, the horizon of
working days across 调休, the limits per slot and per phone (also when requests race),
the no-show policy and its lifting, reschedule/cancel by code + phone, and the
check-in windows and check-in by ID number (a keyed hash)."""

from __future__ import annotations

import copy
import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from daykit import Day

from hub.domain import appointments as ap
from hub.domain import commands as cmd
from hub.domain import events as ev
from hub.domain.commands import Context
from hub.domain.decide import decide
from hub.domain.errors import DomainError
from hub.domain.fold import apply

TZ = ZoneInfo("Asia/Shanghai")
TUESDAY = date(2025, 10, 14)
WEDNESDAY = date(2025, 10, 15)
PHONE = "13800138000"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def code_for(day: Day, phone: str) -> str:
    """Ask for a booking code; the edge's keyed hash is stood in for by a plain tag. A
    code asked for within the minute is still the one on its way: use it."""
    live = day.state.booking.codes.get(phone)
    if live is not None and day.clock() - live.issued_at < timedelta(seconds=60):
        return live.code_hash
    digest = f"hash:{phone}:{day.state.seq}"
    events = day.run(ap.RequestBookingCode(phone, digest, "sealed"), "mobile")
    assert any(isinstance(e, ap.BookingCodeIssued) for e in events)
    return digest


def book(day: Day, slot: time, phone: str = PHONE, on: date = TUESDAY,
         service: str = "social-security", id_hash: str = "") -> ev.AppointmentBooked:
    digest = code_for(day, phone)
    events = day.run(ap.Book(service, on, slot, phone, digest, id_hash), "mobile")
    return next(e for e in events if isinstance(e, ev.AppointmentBooked))


def refuse_book(day: Day, slot: time, code: str, phone: str = PHONE, on: date = TUESDAY,
                service: str = "social-security") -> DomainError:
    # The limits are checked before the code, so a refusal spends no code.
    return day.refuse(ap.Book(service, on, slot, phone, "any"), "mobile", code)


# --------------------------------------------------------------------------- the code


def test_booking_needs_the_code_sent_to_that_phone(day: Day) -> None:
    events = day.run(ap.RequestBookingCode(PHONE, "right", "sealed-code"), "mobile")
    queued = [e for e in events if isinstance(e, ev.NotificationQueued)]
    assert [(q.kind, q.phone, q.sealed) for q in queued] == [
        ("booking_verify", PHONE, "sealed-code")]
    assert "right" not in repr(events)  # the hash stays out of logs
    # A wrong code books nothing and counts an attempt.
    events = day.run(ap.Book("social-security", TUESDAY, time(10), PHONE, "wrong"), "mobile")
    assert [type(e) for e in events] == [ap.BookingCodeRejected]
    assert not day.state.appointments
    # Another phone's code does not book for this one.
    day.refuse(ap.Book("social-security", TUESDAY, time(10), "13900139000", "right"),
               "mobile", "code_expired")
    events = day.run(ap.Book("social-security", TUESDAY, time(10), PHONE, "right"), "mobile")
    booked = next(e for e in events if isinstance(e, ev.AppointmentBooked))
    assert booked.phone == PHONE and any(
        isinstance(e, ev.NotificationQueued) and e.kind == "booking_code" for e in events)
    # The code is used up.
    assert day.refuse(ap.Book("social-security", TUESDAY, time(11), PHONE, "right"),
                      "mobile", "code_expired").field == "otp"


def test_a_code_expires_and_tries_are_limited(day: Day) -> None:
    day.run(ap.RequestBookingCode(PHONE, "right", "s"), "mobile")
    for _ in range(5):
        day.run(ap.Book("social-security", TUESDAY, time(10), PHONE, "wrong"), "mobile")
    day.refuse(ap.Book("social-security", TUESDAY, time(10), PHONE, "right"), "mobile",
               "code_expired")
    day.clock.advance(minutes=2)
    day.run(ap.RequestBookingCode(PHONE, "again", "s"), "mobile")
    day.clock.advance(minutes=6)
    day.refuse(ap.Book("social-security", TUESDAY, time(14), PHONE, "again"), "mobile",
               "code_expired")


# --------------------------------------------------------------------------- the horizon


def test_the_horizon_counts_working_days_across_national_day_and_its_tiaoxiu(
        day: Day) -> None:
    config = day.state.config
    assert config is not None
    # Tuesday 30 September 2025: 1-8 October are the National Day holidays and
    # Saturday 11 October is a working day (调休).
    days = ap.bookable_days(config, date(2025, 9, 30))
    assert days == [date(2025, 9, 30), date(2025, 10, 9), date(2025, 10, 10),
                    date(2025, 10, 11), date(2025, 10, 13), date(2025, 10, 14),
                    date(2025, 10, 15)]
    day.clock.set(at(date(2025, 9, 30), 9))
    booked = book(day, time(10), on=date(2025, 10, 11))  # the 调休 Saturday
    assert booked.day == date(2025, 10, 11)
    for closed in (date(2025, 10, 1), date(2025, 10, 12), date(2025, 10, 16)):
        assert refuse_book(day, time(10), "invalid_day", on=closed).field == "day"
    view = ap.slots_view(day.state, config, "social-security", day.clock())
    assert [d["day"] for d in view] == [d.isoformat() for d in days]
    saturday = next(d for d in view if d["day"] == "2025-10-11")
    assert saturday["slots"][1] == {"start": "10:00", "end": "11:00", "capacity": 4,
                                    "left": 3, "open": True, "over": False}


# --------------------------------------------------------------------------- limits


def test_slot_capacity_and_places_left(day: Day) -> None:
    config = day.state.config
    assert config is not None
    for n in range(4):
        book(day, time(10), phone=f"1390013900{n}")
    assert refuse_book(day, time(10), "slot_full", phone="13700137000").field == "slot"
    view = ap.slots_view(day.state, config, "social-security", day.clock())
    assert view[0]["slots"][1]["left"] == 0 and not view[0]["slots"][1]["open"]
    day.clock.set(at(TUESDAY, 11, 5))
    view = ap.slots_view(day.state, config, "social-security", day.clock())
    assert not view[0]["slots"][0]["open"] and not view[0]["slots"][1]["open"]
    assert refuse_book(day, time(9), "invalid_slot", phone="13700137000").field == "slot"


def test_per_phone_per_day(day: Day) -> None:
    book(day, time(10))
    book(day, time(11))  # the demo allows 2 a day
    assert refuse_book(day, time(14), "booking_limit_reached").field == "phone"
    book(day, time(14), on=WEDNESDAY)  # another day
    cancelled = book(day, time(15), phone="13900139000")
    day.run(ap.CancelBooking(cancelled.code, "13900139000"), "mobile")
    book(day, time(16), phone="13900139000")  # a cancelled one does not count


def test_capacity_holds_when_16_phones_race_for_the_last_3_places(day: Day) -> None:
    """Requests decided concurrently on the same state: the journal appends a decision
    only on the seq it was decided on (compare-and-append, as every store does), and
    the loser decides again on the new state. Whatever the interleaving, 3 succeed."""
    book(day, time(10), phone="13100131000")  # 4 places: 3 left
    phones = [f"1500015{n:04d}" for n in range(16)]
    digests = {p: code_for(day, p) for p in phones}
    rng = random.Random(7)
    pending = list(phones)
    booked: list[str] = []
    refused: dict[str, str] = {}
    while pending:
        # Every pending request decides on the same state (they raced) ...
        decided: list[tuple[str, Any]] = []
        for phone in pending:
            context = Context(now=day.clock(), actor=f"mobile:{phone}", new_id=day.ids)
            command = ap.Book("social-security", TUESDAY, time(10), phone, digests[phone])
            try:
                decided.append((phone, decide(copy.copy(day.state), command, context)))
            except DomainError as error:
                refused[phone] = error.code
        rng.shuffle(decided)
        # ... one append wins; the others find the seq moved and decide again.
        pending = []
        for n, (phone, events) in enumerate(decided):
            if n == 0:
                for event in events:
                    apply(day.state, event)
                booked.append(phone)
            else:
                pending.append(phone)
    assert len(booked) == 3
    assert set(refused.values()) == {"slot_full"} and len(refused) == 13
    assert ap.taken(day.state, "social-security", TUESDAY, time(10)) == 4


# --------------------------------------------------------------------------- no-shows


def miss(day: Day, on: date, phone: str = PHONE) -> list[ev.Event]:
    """Book a 09:00 slot of `on` (from the evening before) and let it pass."""
    day.clock.set(at(on - timedelta(days=1), 17))
    book(day, time(9), phone=phone, on=on)
    day.clock.set(at(on, 10, 15))  # 09:00-10:00 + 15 minutes late tolerance
    return day.run(ap.MarkMissed(), "clock")


def test_a_slot_not_checked_in_is_missed_at_its_end_plus_the_late_tolerance(
        day: Day) -> None:
    booked = book(day, time(10), phone=PHONE)
    checked = book(day, time(10), phone="13900139000")
    day.run(cmd.CheckIn(code=checked.code), "kiosk-1")
    day.clock.set(at(TUESDAY, 11, 14))
    assert day.run(ap.MarkMissed(), "clock") == []
    day.clock.set(at(TUESDAY, 11, 15))
    events = day.run(ap.MarkMissed(), "clock")
    assert [(type(e), e.appointment) for e in events] == [  # type: ignore[attr-defined]
        (ap.AppointmentMissed, booked.appointment)]
    assert day.state.appointments[booked.appointment].status == "missed"
    assert day.run(ap.MarkMissed(), "clock") == []  # once
    assert day.refuse(cmd.CheckIn(code=booked.code), "kiosk-1",
                      "appointment_missed").field == "code"
    assert day.state.booking.outcomes["2025-10-14"] == [1, 1]


def test_three_missed_in_90_days_block_booking_for_30_days_until_a_manager_lifts_it(
        day: Day) -> None:
    first = date(2025, 10, 15)
    assert not any(isinstance(e, ap.BookingBlocked) for e in miss(day, first))
    second = date(2025, 11, 20)
    assert not any(isinstance(e, ap.BookingBlocked) for e in miss(day, second))
    third = date(2026, 1, 12)  # 89 days after the first
    blocked = [e for e in miss(day, third) if isinstance(e, ap.BookingBlocked)]
    assert [(b.since, b.until, b.missed) for b in blocked] == [
        (third, third + timedelta(days=30), 3)]
    error = refuse_book(day, time(14), "booking_blocked", on=third + timedelta(days=1))
    assert error.field == "phone" and error.details["until"] == "2026-02-11"
    book(day, time(14), phone="13900139000", on=third + timedelta(days=1))  # others may
    # The manager lifts it (journaled with who and why); the count starts afresh.
    lifted = day.run(ap.LiftBlock(blocked[0].block, "已电话核实"), "director")
    assert [(type(e), e.actor, e.reason) for e in lifted] == [  # type: ignore[attr-defined]
        (ap.BookingUnblocked, "director", "已电话核实")]
    day.refuse(ap.LiftBlock(blocked[0].block), "director", "unknown_block")
    book(day, time(15), on=third + timedelta(days=1))


def test_misses_older_than_the_window_do_not_count_and_a_block_ends(day: Day) -> None:
    miss(day, date(2025, 10, 15))
    miss(day, date(2025, 11, 20))
    fourth = date(2026, 1, 20)  # 97 days after the first: only 2 within 90 days
    assert not any(isinstance(e, ap.BookingBlocked) for e in miss(day, fourth))
    blocked = [e for e in miss(day, date(2026, 1, 21)) if isinstance(e, ap.BookingBlocked)]
    assert blocked and blocked[0].until == date(2026, 2, 20)
    day.clock.set(at(date(2026, 2, 24), 9))  # the block is over
    book(day, time(10), on=date(2026, 2, 24))
    assert not day.state.booking.blocks


def test_the_policy_is_configurable_and_can_be_off(demo_config: dict[str, Any],
                                                  make_day: Any) -> None:
    config = copy.deepcopy(demo_config)
    config["booking"] = {**config.get("booking", {}), "no_show_limit": 0}
    day = make_day(config)
    for when in (date(2025, 10, 15), date(2025, 10, 16), date(2025, 10, 17)):
        assert not any(isinstance(e, ap.BookingBlocked) for e in miss(day, when))


# --------------------------------------------------------------------------- the citizen


def test_reschedule_and_cancel_by_code_and_phone(day: Day) -> None:
    booked = book(day, time(10))
    day.refuse(ap.Reschedule(booked.code, "13900139000", WEDNESDAY, time(9)), "mobile",
               "unknown_appointment")
    moved = day.run(ap.Reschedule(booked.code, PHONE, WEDNESDAY, time(9)), "mobile")
    assert [(type(e), e.day, e.slot_start) for e in moved  # type: ignore[attr-defined]
            if isinstance(e, ap.AppointmentRescheduled)] == [
        (ap.AppointmentRescheduled, WEDNESDAY, time(9))]
    # The new time is texted, with the same code (a confirmation like the booking's).
    (texted,) = [day.state.outbox.pending[e.notification] for e in moved
                 if isinstance(e, ev.NotificationQueued)]
    assert (texted.template, texted.phone, texted.params["code"], texted.params["day"],
            texted.params["time"]) == ("booking_code", PHONE, booked.code,
                                       WEDNESDAY.isoformat(), "09:00")
    appointment = day.state.appointments[booked.appointment]
    assert (appointment.day, appointment.slot_start, appointment.code) == (
        WEDNESDAY, time(9), booked.code)
    assert ap.taken(day.state, "social-security", TUESDAY, time(10)) == 0
    day.refuse(ap.Reschedule(booked.code, PHONE, date(2025, 10, 18), time(9)), "mobile",
               "invalid_day")  # a Saturday
    day.refuse(ap.CancelBooking(booked.code, "13900139000"), "mobile", "unknown_appointment")
    day.run(ap.CancelBooking(booked.code, PHONE), "mobile")
    assert appointment.status == "cancelled"
    day.refuse(ap.Reschedule(booked.code, PHONE, WEDNESDAY, time(10)), "mobile",
               "appointment_not_changeable")


# --------------------------------------------------------------------------- check-in


def test_check_in_by_id_number_hash(day: Day) -> None:
    booked = book(day, time(10), id_hash="idhash-1")
    assert "idhash-1" not in repr(booked)
    day.refuse(ap.CheckInById("idhash-2"), "kiosk-1", "unknown_appointment")
    events = day.run(ap.CheckInById("idhash-1"), "kiosk-1")
    issued = next(e for e in events if isinstance(e, ev.TicketIssued))
    assert issued.appointment == booked.appointment
    assert day.state.appointments[booked.appointment].status == "checked_in"
    assert day.refuse(ap.CheckInById("idhash-1"), "kiosk-1",
                      "unknown_appointment").field == "id_number"


def test_check_in_window_opens_before_the_slot_as_configured(
        demo_config: dict[str, Any], make_day: Any) -> None:
    config = copy.deepcopy(demo_config)
    config["booking"] = {**config.get("booking", {}), "checkin_early_minutes": 30}
    day = make_day(config)
    booked = book(day, time(14))
    day.clock.set(at(TUESDAY, 13, 29))
    error = day.refuse(cmd.CheckIn(code=booked.code), "kiosk-1", "appointment_too_early")
    assert "13:30" in error.message
    day.clock.set(at(TUESDAY, 13, 30))
    day.run(cmd.CheckIn(code=booked.code), "kiosk-1")
