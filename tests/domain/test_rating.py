"""Rating (好差评, 一次一评): five levels after completion, aspects only for
the unhappy ones, one rating per ticket."""

from __future__ import annotations

import pytest
from daykit import Day

from hub.domain import commands as cmd
from hub.domain import events as ev


def _done(day: Day) -> str:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.serve(1)
    return day.ticket("A001").id


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_each_of_five_levels_rates_a_completed_ticket(day: Day, level: int) -> None:
    ticket = _done(day)
    events = day.run(cmd.Rate(ticket, level), "pad-1")
    rated = events[0]
    assert isinstance(rated, ev.TicketRated)
    assert (rated.number, rated.service, rated.window, rated.clerk, rated.level) == (
        "A001", "social-security", 1, "wangli", level,
    )
    assert day.ticket("A001").rating == level


@pytest.mark.parametrize("level", [0, 6, -1, True])
def test_level_outside_one_to_five_is_refused(day: Day, level: int) -> None:
    ticket = _done(day)
    assert day.refuse(cmd.Rate(ticket, level), "pad-1", "invalid_rating").field == "level"


@pytest.mark.parametrize("level", [1, 2])
def test_unhappy_rating_names_aspects_and_a_reason(day: Day, level: int) -> None:
    ticket = _done(day)
    events = day.run(cmd.Rate(ticket, level, ("服务态度", "服务效率"), " 等了很久 "), "pad-1")
    rated = events[0]
    assert isinstance(rated, ev.TicketRated)
    assert rated.aspects == ("服务态度", "服务效率") and rated.reason == "等了很久"


@pytest.mark.parametrize("level", [3, 4, 5])
def test_aspects_only_for_unhappy_levels(day: Day, level: int) -> None:
    ticket = _done(day)
    error = day.refuse(cmd.Rate(ticket, level, ("服务态度",)), "pad-1", "invalid_rating")
    assert error.field == "aspects"


def test_unknown_or_repeated_aspects_are_refused(day: Day) -> None:
    ticket = _done(day)
    day.refuse(cmd.Rate(ticket, 1, ("服务环境",)), "pad-1", "invalid_rating")
    day.refuse(cmd.Rate(ticket, 1, ("服务态度", "服务态度")), "pad-1", "invalid_rating")
    day.refuse(cmd.Rate(ticket, 1, reason="差" * 201), "pad-1", "invalid_rating")


def test_one_rating_per_ticket(day: Day) -> None:
    ticket = _done(day)
    day.run(cmd.Rate(ticket, 5), "pad-1")
    day.refuse(cmd.Rate(ticket, 1, ("服务态度",)), "pad-1", "already_rated")
    assert day.ticket("A001").rating == 5


def test_rating_before_completion_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    ticket = day.ticket("A001").id
    error = day.refuse(cmd.Rate(ticket, 5), "pad-1", "ticket_not_done")
    assert error.field == "ticket"
    day.call(1)
    day.refuse(cmd.Rate(ticket, 5), "pad-1", "ticket_not_done")
    day.at_window(1, cmd.StartService)
    day.refuse(cmd.Rate(ticket, 5), "pad-1", "ticket_not_done")


def test_rating_an_unknown_ticket_is_refused(day: Day) -> None:
    day.refuse(cmd.Rate("no-such-ticket", 5), "pad-1", "unknown_ticket")


def test_the_pad_of_the_window_rates_by_number(day: Day) -> None:
    """The pad channel: only a ticket completed at the pad's own window, by its number."""
    _done(day)
    refused = day.refuse(cmd.Rate("A001", 1, ("服务态度",), channel="pad", window=2), "pad-2",
                         "not_rated_here")
    assert (refused.kind, refused.field) == ("forbidden", "number")
    day.refuse(cmd.Rate("A999", 5, channel="pad", window=1), "pad-1", "not_rated_here")
    [rated] = day.run(cmd.Rate("A001", 4, channel="pad", window=1), "pad-1")
    assert isinstance(rated, ev.TicketRated) and (rated.number, rated.window) == ("A001", 1)
    day.refuse(cmd.Rate("A001", 4, channel="pad", window=1), "pad-1", "already_rated")
    day.refuse(cmd.Rate(day.ticket("A001").id, 1), "mobile", "already_rated")


def test_the_pad_may_not_rate_a_ticket_not_yet_completed_at_its_window(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    day.refuse(cmd.Rate("A001", 5, channel="pad", window=1), "pad-1", "not_rated_here")


def test_an_unknown_channel_is_refused(day: Day) -> None:
    ticket = _done(day)
    day.refuse(cmd.Rate(ticket, 5, channel="staff"), "wangli", "invalid_channel")
