"""Issuing tickets (取号): services, priorities, channels, the calendar, the daily
cap, and numbering that restarts each business day."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from daykit import ADMIN, Day

from hub.domain import commands as cmd
from hub.domain import events as ev
from hub.domain.calendar import availability, is_open_hour, is_working_day, next_working_day
from hub.domain.commands import Context
from hub.domain.config import parse_config
from hub.domain.decide import decide, issue_availability
from hub.domain.state import WAITING, WINDOW_CLOSED, CenterState

TZ = "Asia/Shanghai"


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour, minute, second), tzinfo=ZoneInfo(TZ))


TUESDAY = date(2025, 10, 14)
SATURDAY = date(2025, 10, 18)
MONDAY = date(2025, 10, 20)
NATIONAL_DAY = date(2025, 10, 1)  # 国庆节, a Wednesday: closed
AFTER_NATIONAL_DAY = date(2025, 10, 9)  # first working day after the 2025 holiday
TIAOXIU_SATURDAY = date(2025, 10, 11)  # 调休: a Saturday worked to make up the holiday


# --------------------------------------------------------------------------- issuing


def test_walk_in_ticket_is_numbered_and_waits_in_its_service_queue(day: Day) -> None:
    events = day.run(cmd.IssueTicket("social-security"), "kiosk-1")
    issued = events[-1]
    assert isinstance(issued, ev.TicketIssued)
    assert (issued.number, issued.service, issued.channel) == ("A001", "social-security", "kiosk")
    assert issued.priority is None and issued.appointment is None and issued.due_at is None
    assert issued.actor == "kiosk-1" and issued.at == day.clock()
    assert issued.seq == day.state.seq
    ticket = day.ticket("A001")
    assert ticket.status == WAITING and ticket.queue_at == day.clock()
    assert day.waiting_numbers("social-security") == ["A001"]
    assert day.state.issued == {"social-security": 1}


def test_priority_ticket_carries_its_class(day: Day) -> None:
    day.issue("household", priority="elderly")
    assert day.ticket("C001").priority == "elderly"


@pytest.mark.parametrize("channel", ["kiosk", "mobile", "counter"])
def test_ticket_records_the_channel_it_came_from(day: Day, channel: str) -> None:
    day.issue("social-security", channel=channel)
    assert day.ticket("A001").channel == channel


def test_unknown_service_is_refused(day: Day) -> None:
    error = day.refuse(cmd.IssueTicket("passport"), "kiosk-1", "unknown_service")
    assert error.field == "service" and error.kind == "not_found"


def test_unknown_priority_class_is_refused(day: Day) -> None:
    error = day.refuse(cmd.IssueTicket("household", "vip"), "kiosk-1", "unknown_priority")
    assert error.field == "priority"


@pytest.mark.parametrize("channel", ["fax", "appointment"])
def test_unknown_channel_and_appointment_channel_are_refused(day: Day, channel: str) -> None:
    # Appointment tickets come only from a check-in, never from a plain issue.
    error = day.refuse(cmd.IssueTicket("household", channel=channel), "kiosk-1", "invalid_channel")
    assert error.field == "channel"


def test_nothing_is_decided_before_the_center_is_configured(clock: Any, ids: Any) -> None:
    from hub.domain.errors import DomainError

    with pytest.raises(DomainError) as caught:
        decide(CenterState(), cmd.IssueTicket("household"), Context(clock(), "kiosk", ids))
    assert caught.value.code == "center_not_configured"


# --------------------------------------------------------------------------- the calendar


def _closed(day: Day, moment: datetime, service: str = "social-security") -> Any:
    day.clock.set(moment)
    error = day.refuse(cmd.IssueTicket(service), "kiosk-1", "service_closed")
    assert error.field == "service"
    return error.details


def test_weekend_is_closed_until_monday(day: Day) -> None:
    details = _closed(day, at(SATURDAY, 10))
    assert details["reason"] == "closed_today"
    assert details["opens_at"] == at(MONDAY, 8).isoformat()  # 30 minutes before 08:30


def test_chinese_public_holiday_is_closed(day: Day) -> None:
    details = _closed(day, at(NATIONAL_DAY, 10))
    assert details["reason"] == "closed_today"
    assert details["opens_at"] == at(AFTER_NATIONAL_DAY, 8).isoformat()


def test_tiaoxiu_working_saturday_issues(day: Day) -> None:
    day.clock.set(at(TIAOXIU_SATURDAY, 10))
    assert day.issue("social-security") == "A001"


def test_before_issuing_starts_is_closed_and_says_when_it_opens(day: Day) -> None:
    details = _closed(day, at(TUESDAY, 7, 59, 59))
    assert details == {"reason": "not_yet_open", "opens_at": at(TUESDAY, 8).isoformat()}
    day.clock.set(at(TUESDAY, 8))
    assert day.issue("social-security") == "A001"


def test_past_the_service_cutoff_is_closed_until_the_next_working_day(day: Day) -> None:
    # Social security: closing 17:30 minus a 30-minute cut-off.
    day.clock.set(at(TUESDAY, 16, 59, 59))
    assert day.issue("social-security") == "A001"
    details = _closed(day, at(TUESDAY, 17))
    assert details["reason"] == "past_cutoff"
    assert details["opens_at"] == at(date(2025, 10, 15), 8).isoformat()


def test_cutoff_is_per_service(day: Day) -> None:
    # Real estate stops an hour before closing; social security still issues.
    _closed(day, at(TUESDAY, 16, 30), service="real-estate")
    assert day.issue("social-security") == "A001"


def test_lunch_break_still_issues(day: Day) -> None:
    day.clock.set(at(TUESDAY, 12, 30))
    assert day.issue("social-security") == "A001"
    assert not is_open_hour(day.state.config, day.clock())  # type: ignore[arg-type]


def test_extra_holidays_and_workdays_override_the_calendar(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["hours"]["extra_holidays"] = [TUESDAY]
    demo_config["hours"]["extra_workdays"] = [SATURDAY]
    day = make_day(demo_config)
    _closed(day, at(TUESDAY, 10))
    day.clock.set(at(SATURDAY, 10))
    assert day.issue("social-security") == "A001"


def test_calendar_kinds(demo_config: dict[str, Any]) -> None:
    china = parse_config(demo_config).hours
    assert is_working_day(china, TIAOXIU_SATURDAY) and not is_working_day(china, NATIONAL_DAY)
    assert next_working_day(china, date(2025, 9, 30)) == AFTER_NATIONAL_DAY
    demo_config["hours"]["calendar"] = "weekdays"
    weekdays = parse_config(demo_config).hours
    assert is_working_day(weekdays, NATIONAL_DAY) and not is_working_day(weekdays, SATURDAY)
    demo_config["hours"]["calendar"] = "every_day"
    assert is_working_day(parse_config(demo_config).hours, SATURDAY)


def test_availability_message_is_for_people(demo_config: dict[str, Any]) -> None:
    config = parse_config(demo_config)
    service = config.service("social-security")
    assert service is not None
    assert availability(config, service, at(TUESDAY, 10)).message() == "可以取号"
    closed = availability(config, service, at(SATURDAY, 10))
    assert closed.message() == "今天不办公，10月20日 08:00开始取号"


# --------------------------------------------------------------------------- the daily cap


def test_daily_cap_stops_issuing_for_that_service_only(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["services"][0]["daily_cap"] = 2
    day = make_day(demo_config)
    assert [day.issue("social-security"), day.issue("social-security")] == ["A001", "A002"]
    error = day.refuse(cmd.IssueTicket("social-security"), "kiosk-1", "daily_cap_reached")
    assert error.field == "service"
    assert day.issue("medical-insurance") == "B001"
    # What the kiosk shows comes from the same rule: greyed, with the reason.
    config = day.state.config
    full = issue_availability(day.state, config, config.service("social-security"), day.clock())
    other = issue_availability(day.state, config, config.service("medical-insurance"), day.clock())
    assert (full.open, full.reason) == (False, "daily_cap_reached")
    assert other.open


def test_daily_cap_counts_tickets_issued_even_when_served_or_transferred(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["services"][0]["daily_cap"] = 1
    day = make_day(demo_config)
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.serve(1)
    day.refuse(cmd.IssueTicket("social-security"), "kiosk-1", "daily_cap_reached")


def test_daily_cap_resets_the_next_business_day(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["services"][0]["daily_cap"] = 1
    day = make_day(demo_config)
    day.issue("social-security")
    day.clock.set(at(date(2025, 10, 15), 9))
    assert day.issue("social-security") == "A001"


# --------------------------------------------------------------------------- numbering


def test_numbers_count_per_service_with_its_prefix(day: Day) -> None:
    numbers = [
        day.issue("social-security"),
        day.issue("social-security"),
        day.issue("medical-insurance"),
        day.issue("social-security", priority="elderly"),
        day.issue("civil-affairs"),
    ]
    assert numbers == ["A001", "A002", "B001", "A003", "F001"]


def test_number_keeps_three_digits_up_to_the_cap(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["services"][5]["daily_cap"] = 999
    day = make_day(demo_config)
    day.check_pure = False  # 999 deep copies of a growing state would take a while
    numbers = [day.issue("civil-affairs") for _ in range(999)]
    assert numbers[0] == "F001" and numbers[9] == "F010" and numbers[-1] == "F999"
    day.refuse(cmd.IssueTicket("civil-affairs"), "kiosk-1", "daily_cap_reached")


def test_numbering_restarts_the_next_business_day_with_day_started(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.issue("social-security")
    day.call(1)
    day.clock.set(at(date(2025, 10, 15), 8, 45))
    events = day.run(cmd.IssueTicket("social-security"), "kiosk-1")
    assert [type(e) for e in events] == [ev.DayStarted, ev.TicketIssued]
    started, issued = events
    assert isinstance(started, ev.DayStarted) and isinstance(issued, ev.TicketIssued)
    assert started.business_day == date(2025, 10, 15)
    assert issued.seq == started.seq + 1
    assert issued.number == "A001"
    # Yesterday's queues, calls and sign-ins are gone; the configuration stays.
    assert day.state.business_day == date(2025, 10, 15)
    assert day.waiting_numbers("social-security") == ["A001"]
    assert len(day.state.tickets) == 1 and not day.state.recent_calls
    assert day.window(1).state == WINDOW_CLOSED and day.window(1).clerk is None
    assert day.state.clerk_window == {}
    assert day.state.config is not None and day.state.config.id == "demo"


def test_numbering_restarts_after_a_weekend(day: Day) -> None:
    day.issue("household")
    day.clock.set(at(MONDAY, 9))
    assert day.issue("household") == "C001"


def test_refused_command_on_a_new_day_leaves_no_day_started(day: Day) -> None:
    day.issue("household")
    seq = day.state.seq
    day.clock.set(at(SATURDAY, 10))
    day.refuse(cmd.IssueTicket("household"), "kiosk-1", "service_closed")
    assert day.state.seq == seq and day.state.business_day == TUESDAY


def test_day_started_on_a_copy_leaves_yesterdays_state_untouched(day: Day) -> None:
    # decide starts a new day on a copy of the state: the original must keep
    # its tickets, queues and windows (the harness also deep-compares it).
    day.sign_in(4, "zhaolei")
    day.issue("household")
    day.call(4)
    day.issue("household")
    day.clock.set(at(date(2025, 10, 15), 9))
    before_tickets = dict(day.state.tickets)
    events = day.decide(cmd.IssueTicket("household"), "kiosk-1")
    assert [e.type for e in events] == ["day_started", "ticket_issued"]
    assert day.state.tickets == before_tickets
    assert day.window(4).clerk == "zhaolei" and day.current(4) == "C001"
    assert day.waiting_numbers("household") == ["C002"]


def test_configuration_change_is_decided_by_an_admin_and_replaces_the_config(
    day: Day, demo_config: dict[str, Any]
) -> None:
    demo_config["services"][0]["daily_cap"] = 5
    events = day.run(cmd.ChangeConfig(config=demo_config, summary="cap 5"), ADMIN)
    assert [e.type for e in events] == ["config_changed"]
    assert day.state.config is not None
    service = day.state.config.service("social-security")
    assert service is not None and service.daily_cap == 5
