"""The close-out at the end of the day (CloseDay → TicketClosedOut): nothing stays
"waiting" or "办理中" for hours after closing, each with a reason managers see."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from daykit import Day

from hub.domain import commands as cmd
from hub.domain import events as ev
from hub.domain.config import ConfigError, parse_config
from hub.domain.decide import close_out_due
from hub.domain.state import CLOSED_OUT, SERVING


def _at(day: Day, hour: int, minute: int = 0) -> None:
    day.clock.set(day.clock().replace(hour=hour, minute=minute))


def _due(day: Day) -> list[str]:
    assert day.state.config is not None
    return [t.number for t in close_out_due(day.state, day.state.config, day.clock())]


def test_waiting_tickets_are_closed_out_after_closing_and_called_ones_may_finish(
    day: Day,
) -> None:
    day.sign_in(1, "wangli")
    for _ in range(3):
        day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.StartService)  # A001 is being served
    day.sign_in(4, "zhaolei")
    day.issue("household")
    day.call(4)
    day.at_window(4, cmd.StartService)
    day.at_window(4, cmd.Suspend, reason="缺少材料")  # C001 suspended
    _at(day, 17, 30)
    assert _due(day) == []  # closing, but the close-out waits after_minutes (15)
    day.refuse(cmd.CloseDay(), "system", "not_closing_time")
    _at(day, 17, 45)
    assert _due(day) == ["A002", "A003", "C001"]
    events = day.run(cmd.CloseDay(), "system")
    closed = [e for e in events if isinstance(e, ev.TicketClosedOut)]
    assert [e.number for e in closed] == ["A002", "A003", "C001"]
    assert all(e.reason == "已到下班时间，今日未能办理" and e.window is None for e in closed)
    assert day.ticket("A002").status == CLOSED_OUT
    assert day.state.waiting_count("social-security") == 0
    assert day.state.closed_out[day.ticket("C001").id] == "已到下班时间，今日未能办理"
    assert day.ticket("A001").status == SERVING  # finish serving those already called
    assert _due(day) == []
    _at(day, 19, 31)  # force_after_minutes (120) past closing: that one too
    events = day.run(cmd.CloseDay(), "system")
    assert [e.number for e in events if isinstance(e, ev.TicketClosedOut)] == ["A001"]
    assert day.window(1).ticket is None
    assert not [t for t in day.state.tickets.values() if t.status in ("waiting", "called",
                                                                         "serving")]


def test_carry_over_books_the_next_working_day(make_day: Any, demo_config: dict[str, Any]
                                               ) -> None:
    demo_config["close_out"] = {"carry_over": True, "reason": "下班未办完，已改约次日",
                                "after_minutes": 0}
    day = make_day(demo_config)
    for _ in range(5):
        day.issue("civil-affairs")  # appointment_capacity 2 per slot
    _at(day, 17, 30)
    events = day.run(cmd.CloseDay(), "system")
    booked = [e for e in events if isinstance(e, ev.AppointmentBooked)]
    closed = [e for e in events if isinstance(e, ev.TicketClosedOut)]
    assert len(closed) == 5 and len(booked) == 5
    # Tuesday 14 Oct 2025 → Wednesday 15 Oct; two per slot, earliest slots first.
    assert {e.day for e in booked} == {date(2025, 10, 15)}
    assert [c.appointment_slot for c in closed] == [
        "09:00-10:00", "09:00-10:00", "10:00-11:00", "10:00-11:00", "11:00-12:00"]
    assert all(c.appointment_code == b.code for c, b in zip(closed, booked, strict=True))
    ticket = day.ticket("F001")
    assert day.state.carried[ticket.id][0] == closed[0].appointment_code
    # The phone page of the ticket (its holder) tells why, and the appointment.
    from hub.read import views

    public = views.public_ticket(day.state, day.state.config, ticket, day.clock())
    assert public["status"] == "closed_out" and public["wait"] is None
    assert public["closed_out"] == {"reason": "下班未办完，已改约次日", "appointment": {
        "code": closed[0].appointment_code, "day": "2025-10-15", "slot": "09:00-10:00"}}


def test_close_out_is_configurable_and_validated(demo_config: dict[str, Any]) -> None:
    assert parse_config(demo_config).close_out.enabled  # existing configs: on, by default
    demo_config["close_out"] = {"enabled": False}
    assert not parse_config(demo_config).close_out.enabled
    for bad, field in (({"after_minutes": -1}, "close_out.after_minutes"),
                       ({"carry_over": "yes"}, "close_out.carry_over"),
                       ({"after_minutes": 60, "force_after_minutes": 30},
                        "close_out.force_after_minutes"),
                       ({"colour": 1}, "close_out.colour")):
        demo_config["close_out"] = bad
        with pytest.raises(ConfigError) as caught:
            parse_config(demo_config)
        assert caught.value.field == field


def test_disabled_close_out_closes_nothing(make_day: Any, demo_config: dict[str, Any]) -> None:
    demo_config["close_out"] = {"enabled": False}
    day = make_day(demo_config)
    day.issue("household")
    _at(day, 20, 0)
    assert _due(day) == []
