"""Calling (叫号) and what follows: routing of call-next, calling a given number,
recall, start, complete, no-show (过号) by hand and automatically, reinstate."""

from __future__ import annotations

from typing import Any

from daykit import Day

from hub.domain import commands as cmd
from hub.domain import events as ev
from hub.domain.state import CALLED, DONE, NO_SHOW, SERVING, WAITING

# --------------------------------------------------------------------------- routing


def test_call_next_with_nobody_waiting_decides_nothing(day: Day) -> None:
    day.sign_in(1, "wangli")
    assert day.run(cmd.CallNext(1), "wangli") == []


def test_call_next_puts_the_ticket_at_the_window(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.clock.advance(minutes=3)
    events = day.run(cmd.CallNext(1), "wangli")
    assert len(events) == 1 and isinstance(events[0], ev.TicketCalled)
    call = events[0]
    assert (call.number, call.window, call.window_name, call.clerk) == (
        "A001", 1, "1号窗口 社保", "wangli",
    )
    assert call.recall_count == 0 and not call.chosen
    ticket = day.ticket("A001")
    assert ticket.status == CALLED and ticket.window == 1 and ticket.clerk == "wangli"
    assert ticket.called_at == day.clock()
    assert day.current(1) == "A001" and day.waiting_numbers("social-security") == []
    assert day.state.recent_calls[0]["number"] == "A001"


def test_first_come_first_served_within_a_service(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    for _ in range(4):
        day.issue("household")
        day.clock.advance(seconds=30)
    assert day.call_order(4) == ["C001", "C002", "C003", "C004"]


def test_first_come_first_served_within_a_service_on_a_weighted_window(day: Day) -> None:
    # Window 1 serves social security (weight 3) and medical insurance (weight 1):
    # the weights rank services, never two tickets of the same service.
    day.sign_in(1, "wangli")
    for _ in range(3):
        day.issue("social-security")
        day.clock.advance(seconds=10)
    assert day.call_order(1) == ["A001", "A002", "A003"]


def test_priority_goes_first_by_class_weight_then_arrival(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    day.issue("household")
    day.issue("household", "elderly")  # weight 2
    day.issue("household", "disabled")  # weight 3
    day.issue("household", "military")  # weight 2
    day.issue("household", "pregnant")  # weight 3
    # (after three priority calls in a row the waiting ordinary C001 gets its turn)
    assert day.call_order(4) == ["C003", "C005", "C002", "C001", "C004"]


def test_priority_ratio_lets_an_ordinary_ticket_through_after_three_in_a_row(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    day.issue("household")  # C001 ordinary
    day.issue("household")  # C002 ordinary
    for _ in range(5):
        day.issue("household", "elderly")  # C003 … C007
    # priority_ratio = 3: three priority calls, then the waiting ordinary one.
    assert day.call_order(4) == ["C003", "C004", "C005", "C001", "C006", "C007", "C002"]


def test_priority_ratio_does_not_hold_back_priority_when_nobody_else_waits(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    for _ in range(5):
        day.issue("household", "elderly")
    assert day.call_order(4) == ["C001", "C002", "C003", "C004", "C005"]
    assert day.window(4).priority_streak == 5


def test_priority_ratio_is_configurable(make_day: Any, demo_config: dict[str, Any]) -> None:
    demo_config["queue"]["priority_ratio"] = 1
    day = make_day(demo_config)
    day.sign_in(4, "zhaolei")
    day.issue("household")
    day.issue("household")
    day.issue("household", "elderly")
    day.issue("household", "elderly")
    assert day.call_order(4) == ["C003", "C001", "C004", "C002"]


def test_ordinary_tickets_go_by_weighted_waiting_time_across_services(day: Day) -> None:
    # Window 1: social security weighs 3, medical insurance 1.
    day.sign_in(1, "wangli")
    day.issue("medical-insurance")  # B001 at 09:00
    day.clock.advance(minutes=1)
    day.issue("social-security")  # A001 at 09:01
    day.clock.advance(minutes=1)
    # At 09:02: B001 has waited 120 s (claim 120), A001 60 s × 3 = 180.
    assert day.call(1) == "A001"


def test_a_light_service_overtakes_once_it_has_waited_long_enough(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("medical-insurance")  # B001 at 09:00
    day.clock.advance(minutes=10)
    day.issue("social-security")  # A001 at 09:10
    day.clock.advance(minutes=2)
    # At 09:12: B001 720 s × 1 = 720 beats A001 120 s × 3 = 360.
    assert day.call(1) == "B001"


def test_weights_are_per_window(day: Day) -> None:
    # Window 3 weighs medical insurance 3 and social security 1: the opposite choice.
    day.sign_in(3, "zhangmin")
    day.issue("social-security")  # A001 at 09:00
    day.clock.advance(minutes=1)
    day.issue("medical-insurance")  # B001 at 09:01
    day.clock.advance(minutes=1)
    assert day.call(3) == "B001"


def test_window_calls_only_services_it_serves(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    day.issue("social-security")
    assert day.call(4) is None
    day.sign_in(7, "sunyue")  # the comprehensive window serves it
    assert day.call(7) == "A001"


def test_ticket_sent_to_a_named_window_is_called_only_there(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.sign_in(2, "liqiang")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.StartService)
    day.at_window(1, cmd.Transfer, to_window=7)
    assert day.waiting_numbers("window:7") == ["A001"]
    assert day.call(2) is None  # window 2 serves social security, but not this ticket
    day.sign_in(7, "sunyue")
    assert day.call(7) == "A001"


# --------------------------------------------------------------------------- call a given number


def test_call_a_given_number_out_of_turn(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    day.issue("household")
    day.issue("household")
    events = day.call_number(4, "c002")  # typed in lower case at the caller page
    assert isinstance(events[0], ev.TicketCalled) and events[0].chosen
    assert day.current(4) == "C002" and day.waiting_numbers("household") == ["C001"]


def test_calling_a_given_number_does_not_count_in_the_priority_streak(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    day.issue("household", "elderly")
    day.call_number(4, "C001")
    assert day.window(4).priority_streak == 0


def test_call_a_given_number_refusals(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    day.sign_in(1, "wangli")
    day.issue("household")
    day.issue("social-security")
    assert day.refuse(cmd.CallTicket(4, "C999"), "zhaolei", "unknown_ticket").field == "ticket"
    day.refuse(cmd.CallTicket(4, "A001"), "zhaolei", "service_not_served")
    day.call_number(4, "C001")
    day.refuse(cmd.CallTicket(1, "C001"), "wangli", "ticket_not_waiting")
    day.issue("household")
    day.refuse(cmd.CallTicket(4, "C002"), "zhaolei", "window_busy")


def test_call_a_ticket_sent_to_another_window_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.sign_in(2, "liqiang")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.Transfer, to_window=3)
    day.refuse(cmd.CallTicket(2, "A001"), "liqiang", "service_not_served")


# --------------------------------------------------------------------------- recall


def test_recall_repeats_the_call_and_counts(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    first = day.at_window(1, cmd.Recall)
    second = day.at_window(1, cmd.Recall)
    assert isinstance(first[0], ev.TicketRecalled) and first[0].recall_count == 1
    assert isinstance(second[0], ev.TicketRecalled) and second[0].recall_count == 2
    assert day.ticket("A001").recall_count == 2 and day.ticket("A001").status == CALLED
    assert [c["type"] for c in day.state.recent_calls] == [
        "ticket_recalled", "ticket_recalled", "ticket_called",
    ]


def test_recall_of_a_ticket_being_served_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.StartService)
    day.refuse(cmd.Recall(1), "wangli", "ticket_not_called")


def test_recall_with_nobody_at_the_window_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.refuse(cmd.Recall(1), "wangli", "window_idle")


# --------------------------------------------------------------------------- start / complete


def test_start_serves_the_called_ticket(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    day.clock.advance(minutes=1)
    events = day.at_window(1, cmd.StartService)
    assert isinstance(events[0], ev.ServiceStarted)
    ticket = day.ticket("A001")
    assert ticket.status == SERVING and ticket.started_at == day.clock()
    assert ticket.first_clerk == "wangli"


def test_start_twice_or_with_nobody_called_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.refuse(cmd.StartService(1), "wangli", "window_idle")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.StartService)
    day.refuse(cmd.StartService(1), "wangli", "ticket_not_called")


def test_complete_frees_the_window_and_records_the_handling_time(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.StartService)
    day.clock.advance(minutes=7)
    events = day.at_window(1, cmd.Complete)
    assert isinstance(events[0], ev.TicketCompleted) and events[0].clerk == "wangli"
    ticket = day.ticket("A001")
    assert ticket.status == DONE and ticket.completed_at == day.clock()
    assert day.current(1) is None and day.window(1).last_completed == ticket.id
    assert list(day.state.handling["social-security"]) == [420.0]


def test_complete_straight_from_called_starts_it_first(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    events = day.at_window(1, cmd.Complete)
    assert [e.type for e in events] == ["service_started", "ticket_completed"]
    assert day.ticket("A001").status == DONE and day.ticket("A001").first_clerk == "wangli"


def test_complete_with_nobody_at_the_window_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.refuse(cmd.Complete(1), "wangli", "window_idle")


def test_call_next_while_a_ticket_is_at_the_window_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.issue("social-security")
    day.call(1)
    day.refuse(cmd.CallNext(1), "wangli", "window_busy")
    day.at_window(1, cmd.StartService)
    day.refuse(cmd.CallNext(1), "wangli", "window_busy")


# --------------------------------------------------------------------------- no-show and reinstate


def test_no_show_by_hand_frees_the_window(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    events = day.at_window(1, cmd.MarkNoShow)
    assert isinstance(events[0], ev.TicketNoShow) and not events[0].automatic
    assert day.ticket("A001").status == NO_SHOW and day.current(1) is None
    assert day.waiting_numbers("social-security") == []


def test_no_show_of_a_ticket_being_served_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.refuse(cmd.MarkNoShow(1), "wangli", "window_idle")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.StartService)
    day.refuse(cmd.MarkNoShow(1), "wangli", "ticket_not_called")


def test_automatic_no_show_after_the_configured_recalls(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["queue"]["auto_no_show_after_recalls"] = 2
    day = make_day(demo_config)
    day.sign_in(4, "zhaolei")
    day.issue("household")
    day.issue("household")
    day.call(4)
    day.at_window(4, cmd.Recall)
    day.refuse(cmd.CallNext(4), "zhaolei", "window_busy")  # one recall is not enough
    day.at_window(4, cmd.Recall)
    events = day.run(cmd.CallNext(4), "zhaolei")
    assert [e.type for e in events] == ["ticket_no_show", "ticket_called"]
    no_show = events[0]
    assert isinstance(no_show, ev.TicketNoShow) and no_show.automatic
    assert day.ticket("C001").status == NO_SHOW and day.current(4) == "C002"


def test_automatic_no_show_also_when_nobody_else_waits(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["queue"]["auto_no_show_after_recalls"] = 1
    day = make_day(demo_config)
    day.sign_in(4, "zhaolei")
    day.issue("household")
    day.call(4)
    day.at_window(4, cmd.Recall)
    events = day.run(cmd.CallNext(4), "zhaolei")
    assert [e.type for e in events] == ["ticket_no_show"]
    assert day.current(4) is None


def test_no_automatic_no_show_when_not_configured(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    day.issue("household")
    day.call(4)
    for _ in range(5):
        day.at_window(4, cmd.Recall)
    day.refuse(cmd.CallNext(4), "zhaolei", "window_busy")


def test_no_automatic_no_show_of_a_ticket_being_served(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["queue"]["auto_no_show_after_recalls"] = 1
    day = make_day(demo_config)
    day.sign_in(4, "zhaolei")
    day.issue("household")
    day.call(4)
    day.at_window(4, cmd.Recall)
    day.at_window(4, cmd.StartService)
    day.refuse(cmd.CallNext(4), "zhaolei", "window_busy")


def test_reinstate_puts_a_no_show_back_at_its_original_place(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    for _ in range(3):
        day.issue("household")
        day.clock.advance(minutes=1)
    day.call(4)
    day.at_window(4, cmd.MarkNoShow)  # C001 absent
    day.serve(4)  # C002
    day.issue("household")  # C004
    events = day.at_window(4, cmd.Reinstate, number="C001")  # the citizen is back
    assert isinstance(events[0], ev.TicketReinstated)
    ticket = day.ticket("C001")
    assert ticket.status == WAITING and ticket.queue_at == ticket.issued_at
    assert day.waiting_numbers("household") == ["C003", "C004", "C001"]
    # Its original place: before C003 and C004, which came after it.
    assert day.call_order(4) == ["C001", "C003", "C004"]


def test_reinstate_only_a_no_show(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    day.issue("household")
    error = day.refuse(cmd.Reinstate(4, "C001"), "zhaolei", "ticket_not_no_show")
    assert error.field == "ticket"
    day.refuse(cmd.Reinstate(4, "C404"), "zhaolei", "unknown_ticket")


def test_reinstated_ticket_is_called_afresh(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    day.issue("household")
    day.call(4)
    day.at_window(4, cmd.Recall)
    day.at_window(4, cmd.MarkNoShow)
    day.at_window(4, cmd.Reinstate, number="C001")
    assert day.call(4) == "C001"
    assert day.ticket("C001").recall_count == 0
