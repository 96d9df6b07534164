"""Appointments (预约): booking by slot and capacity, cancelling, checking in
(签到) by code or phone, late arrivals, and being called at the slot."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from daykit import Day

from hub.domain import commands as cmd
from hub.domain import events as ev

TZ = ZoneInfo("Asia/Shanghai")
TUESDAY = date(2025, 10, 14)
WEDNESDAY = date(2025, 10, 15)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def book(day: Day, slot: time, service: str = "social-security", on: date = TUESDAY,
         phone: str = "") -> ev.AppointmentBooked:
    events = day.run(cmd.BookAppointment(service, on, slot, phone), "mobile")
    # With a phone, the booking code's notification follows it in the same batch.
    booked = events[0]
    assert isinstance(booked, ev.AppointmentBooked)
    return booked


def check_in(day: Day, **by: str) -> ev.TicketIssued:
    events = day.run(cmd.CheckIn(**by), "kiosk-1")
    issued = events[-1]
    assert isinstance(issued, ev.TicketIssued)
    return issued


# --------------------------------------------------------------------------- booking


def test_book_a_slot(day: Day) -> None:
    booked = book(day, time(10), phone="138-0013-8000")
    assert (booked.service, booked.day, booked.slot_start, booked.slot_end) == (
        "social-security", TUESDAY, time(10), time(11),
    )
    assert len(booked.code) == 6 and booked.code.isdigit()
    assert booked.phone == "13800138000"
    appointment = day.state.appointments[booked.appointment]
    assert appointment.status == "booked" and appointment.code == booked.code
    assert day.state.appointment_codes[booked.code] == booked.appointment


def test_slot_capacity_is_per_service_and_cancelling_frees_a_place(day: Day) -> None:
    # Social security takes 4 appointments per slot.
    codes = [book(day, time(10)).code for _ in range(4)]
    assert len(set(codes)) == 4
    day.refuse(cmd.BookAppointment("social-security", TUESDAY, time(10)), "mobile", "slot_full")
    book(day, time(11))  # another slot
    book(day, time(10), service="medical-insurance")  # another service
    day.run(cmd.CancelAppointment(codes[0]), "mobile")
    book(day, time(10))


def test_book_refusals(day: Day) -> None:
    def refused(command: cmd.BookAppointment, code: str) -> str | None:
        return day.refuse(command, "mobile", code).field

    day.clock.set(at(TUESDAY, 10, 30))
    assert refused(cmd.BookAppointment("passport", TUESDAY, time(14)), "unknown_service") == (
        "service"
    )
    unknown_slot = cmd.BookAppointment("social-security", TUESDAY, time(9, 30))
    assert refused(unknown_slot, "invalid_slot") == "slot"
    assert refused(cmd.BookAppointment("social-security", TUESDAY, time(9)), "invalid_slot") == (
        "slot"  # that slot is over already
    )
    assert refused(cmd.BookAppointment("social-security", date(2025, 10, 13), time(14)),
                   "invalid_day") == "day"  # yesterday
    assert refused(cmd.BookAppointment("social-security", date(2025, 10, 18), time(14)),
                   "invalid_day") == "day"  # a Saturday
    assert refused(cmd.BookAppointment("social-security", date(2025, 10, 1), time(14)),
                   "invalid_day") == "day"  # 国庆节
    assert refused(cmd.BookAppointment("social-security", TUESDAY, time(14), "12"),
                   "invalid_phone") == "phone"


def test_service_without_appointment_capacity_takes_no_bookings(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["services"][0]["appointment_capacity"] = 0
    day = make_day(demo_config)
    day.refuse(cmd.BookAppointment("social-security", TUESDAY, time(14)), "mobile",
               "service_closed")


def test_codes_stay_unique_when_two_ids_map_to_the_same_code(
    demo_config: dict[str, Any], clock: Any
) -> None:
    def code_of(text: str) -> int:
        return int.from_bytes(text.encode(), "big") % 900000

    seen: dict[int, str] = {}
    n = 0
    while True:  # find two ids whose derived codes collide
        candidate = f"appt-{n}"
        if code_of(candidate) in seen:
            pair = [seen[code_of(candidate)], candidate]
            break
        seen[code_of(candidate)] = candidate
        n += 1
    names = iter(pair)
    day = Day(demo_config, clock, lambda: next(names, "later"))
    first, second = book(day, time(10)), book(day, time(10))
    assert first.code != second.code


def test_cancel_an_appointment(day: Day) -> None:
    booked = book(day, time(10))
    events = day.run(cmd.CancelAppointment(booked.code), "mobile")
    assert isinstance(events[0], ev.AppointmentCancelled)
    assert day.state.appointments[booked.appointment].status == "cancelled"
    day.refuse(cmd.CancelAppointment(booked.code), "mobile", "appointment_cancelled")
    day.refuse(cmd.CancelAppointment("000000"), "mobile", "unknown_appointment")


def test_appointments_for_later_days_outlive_the_day_and_past_ones_are_dropped(day: Day) -> None:
    today = book(day, time(10))
    tomorrow = book(day, time(10), on=WEDNESDAY)
    day.clock.set(at(WEDNESDAY, 9))
    day.issue("household")  # the first command of Wednesday starts the day
    assert set(day.state.appointments) == {tomorrow.appointment}
    assert today.code not in day.state.appointment_codes
    assert check_in(day, code=tomorrow.code).due_at == at(WEDNESDAY, 10)


# --------------------------------------------------------------------------- check-in


def test_check_in_by_code_issues_an_appointment_ticket_due_at_the_slot(day: Day) -> None:
    day.issue("social-security")  # A001, a walk-in
    booked = book(day, time(10))
    day.clock.set(at(TUESDAY, 9, 40))
    issued = check_in(day, code=f" {booked.code} ")
    assert issued.number == "A002"  # numbered in the service's own sequence
    assert issued.channel == "appointment" and issued.appointment == booked.appointment
    assert issued.due_at == at(TUESDAY, 10)
    appointment = day.state.appointments[booked.appointment]
    assert appointment.status == "checked_in" and appointment.ticket == issued.ticket


def test_check_in_by_phone_needs_the_code_of_that_phones_booking(day: Day) -> None:
    book(day, time(14), phone="13800138000")
    first = book(day, time(10), phone="13800138000")
    other = book(day, time(11), phone="13900139000")
    # The number alone checks in nobody (DOMAIN.md: never the number alone).
    assert day.refuse(cmd.CheckIn(phone="13800138000"), "kiosk-1",
                      "missing_field").field == "code"
    # A code with another phone's number: the same answer as a code that does not exist.
    mismatch = day.refuse(cmd.CheckIn(code=other.code, phone="13800138000"), "kiosk-1",
                          "unknown_appointment")
    unknown = day.refuse(cmd.CheckIn(code="999999", phone="13800138000"), "kiosk-1",
                         "unknown_appointment")
    assert (mismatch.message, mismatch.field) == (unknown.message, unknown.field)
    issued = check_in(day, code=first.code, phone="138 0013 8000")
    assert issued.appointment == first.appointment


def test_check_in_refusals(day: Day) -> None:
    cancelled = book(day, time(10))
    day.run(cmd.CancelAppointment(cancelled.code), "mobile")
    tomorrow = book(day, time(10), on=WEDNESDAY)
    done = book(day, time(11))
    check_in(day, code=done.code)
    assert day.refuse(cmd.CheckIn(code="999999"), "kiosk-1", "unknown_appointment").field == "code"
    day.refuse(cmd.CheckIn(), "kiosk-1", "missing_field")
    day.refuse(cmd.CheckIn(code=cancelled.code), "kiosk-1", "appointment_cancelled")
    day.refuse(cmd.CheckIn(code=tomorrow.code), "kiosk-1", "appointment_not_today")
    day.refuse(cmd.CheckIn(code=done.code), "kiosk-1", "appointment_already_checked_in")


def test_check_in_follows_the_service_cutoff(day: Day) -> None:
    booked = book(day, time(16))
    day.clock.set(at(TUESDAY, 17, 5))
    day.refuse(cmd.CheckIn(code=booked.code), "kiosk-1", "service_closed")


def test_late_check_in_is_served_as_a_walk_in(day: Day) -> None:
    booked = book(day, time(9))
    # Slot 09:00-10:00, 15 minutes' tolerance: 10:16 is late.
    day.clock.set(at(TUESDAY, 10, 16))
    issued = check_in(day, code=booked.code)
    assert issued.due_at is None and issued.channel == "appointment"


def test_check_in_within_the_tolerance_keeps_the_slot(day: Day) -> None:
    booked = book(day, time(9))
    day.clock.set(at(TUESDAY, 10, 15))
    assert check_in(day, code=booked.code).due_at == at(TUESDAY, 9)


def test_late_check_in_is_refused_when_configured(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["queue"]["late_appointment"] = "refuse"
    day = make_day(demo_config)
    booked = book(day, time(9))
    day.clock.set(at(TUESDAY, 10, 16))
    day.refuse(cmd.CheckIn(code=booked.code), "kiosk-1", "appointment_missed")


# --------------------------------------------------------------------------- called at the slot


@pytest.mark.parametrize("with_priority", [False, True])
def test_due_checked_in_appointment_is_called_first(day: Day, with_priority: bool) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")  # A001 09:00
    day.issue("social-security")  # A002 09:00
    if with_priority:
        day.issue("social-security", "disabled")  # A003
    booked = book(day, time(10))
    day.clock.set(at(TUESDAY, 9, 30))
    appointment_number = check_in(day, code=booked.code).number
    # Due from 09:45 (15 minutes before the slot); before that it waits like anyone.
    day.clock.set(at(TUESDAY, 9, 44))
    first = day.call(1)
    assert first != appointment_number
    day.at_window(1, cmd.Complete)
    day.clock.set(at(TUESDAY, 9, 45))
    assert day.call(1) == appointment_number


def test_due_appointments_go_by_slot(day: Day) -> None:
    day.sign_in(1, "wangli")
    later = book(day, time(11))
    earlier = book(day, time(10))
    day.clock.set(at(TUESDAY, 9, 50))
    later_number = check_in(day, code=later.code).number
    earlier_number = check_in(day, code=earlier.code).number
    day.clock.set(at(TUESDAY, 10, 50))
    assert day.call_order(1) == [earlier_number, later_number]
