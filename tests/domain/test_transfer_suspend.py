"""Transfer (转办) to a service or a named window, keeping the first clerk
(首问负责), and suspend (挂起) / resume."""

from __future__ import annotations

from typing import Any

from daykit import Day

from hub.domain import commands as cmd
from hub.domain import events as ev
from hub.domain.state import SERVING, SUSPENDED, WAITING


def _serving(day: Day, window: int, clerk: str, service: str) -> str:
    if day.state.windows[window].clerk is None:
        day.sign_in(window, clerk)
    day.issue(service)
    number = day.call(window)
    assert number is not None
    day.at_window(window, cmd.StartService)
    return number


# --------------------------------------------------------------------------- transfer


def test_transfer_to_a_service_goes_to_the_front_of_its_queue(day: Day) -> None:
    day.issue("household")  # C001, waiting since 09:00
    day.clock.advance(minutes=5)
    number = _serving(day, 1, "wangli", "social-security")
    events = day.at_window(1, cmd.Transfer, to_service="household", note="需办户口迁移")
    transfer = events[0]
    assert isinstance(transfer, ev.TicketTransferred)
    assert (transfer.from_service, transfer.to_service, transfer.from_window) == (
        "social-security", "household", 1,
    )
    assert transfer.place == "front" and transfer.to_window is None
    assert transfer.note == "需办户口迁移"
    ticket = day.ticket(number)
    assert ticket.status == WAITING and ticket.service == "household" and ticket.front
    assert ticket.number == "A001"  # the citizen keeps the number on the paper
    assert day.current(1) is None and ticket.transfers == 1
    day.sign_in(4, "zhaolei")
    assert day.call_order(4) == ["A001", "C001"]


def test_transfer_by_arrival_time_keeps_the_original_place(
    make_day: Any, demo_config: dict[str, Any]
) -> None:
    demo_config["queue"]["transfer_place"] = "arrival"
    day = make_day(demo_config)
    day.issue("household")  # C001 at 09:00
    day.clock.advance(minutes=1)
    number = _serving(day, 1, "wangli", "social-security")  # A001 at 09:01
    day.clock.advance(minutes=1)
    day.issue("household")  # C002 at 09:02
    day.clock.advance(minutes=5)
    events = day.at_window(1, cmd.Transfer, to_service="household")
    assert isinstance(events[0], ev.TicketTransferred) and events[0].place == "arrival"
    ticket = day.ticket(number)
    assert not ticket.front and ticket.queue_at == ticket.issued_at
    day.sign_in(4, "zhaolei")
    assert day.call_order(4) == ["C001", "A001", "C002"]


def test_transfer_to_a_named_window_keeps_the_service(day: Day) -> None:
    number = _serving(day, 1, "wangli", "social-security")
    day.issue("business-license")  # E001 waits for window 7 too
    day.at_window(1, cmd.Transfer, to_window=7)
    ticket = day.ticket(number)
    assert ticket.service == "social-security" and ticket.target_window == 7
    assert day.waiting_numbers("window:7") == [number]
    day.sign_in(7, "sunyue")
    assert day.call(7) == number  # sent to this window by name: ahead of its own queue
    assert day.ticket(number).target_window is None


def test_first_clerk_stays_responsible_through_transfers(day: Day) -> None:
    # 首问负责: 王丽 received the citizen; two transfers later she is still the first clerk.
    number = _serving(day, 1, "wangli", "social-security")
    day.at_window(1, cmd.Transfer, to_service="household")
    day.sign_in(4, "zhaolei")
    assert day.call(4) == number
    day.at_window(4, cmd.StartService)
    assert day.ticket(number).clerk == "zhaolei"
    day.at_window(4, cmd.Transfer, to_window=7)
    day.sign_in(7, "sunyue")
    day.call(7)
    day.at_window(7, cmd.Complete)
    ticket = day.ticket(number)
    assert ticket.first_clerk == "wangli" and ticket.clerk == "sunyue"
    assert ticket.transfers == 2


def test_transfer_of_a_called_ticket_makes_its_caller_the_first_clerk(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.Transfer, to_service="household")
    assert day.ticket("A001").first_clerk == "wangli"


def test_transfer_needs_exactly_one_destination(day: Day) -> None:
    _serving(day, 1, "wangli", "social-security")
    for command in (cmd.Transfer(1), cmd.Transfer(1, to_service="household", to_window=4)):
        assert day.refuse(command, "wangli", "invalid_transfer").field == "to_service"


def test_transfer_to_where_it_already_is_is_refused(day: Day) -> None:
    _serving(day, 1, "wangli", "social-security")
    day.refuse(cmd.Transfer(1, to_service="social-security"), "wangli", "transfer_to_same_place")
    day.refuse(cmd.Transfer(1, to_window=1), "wangli", "transfer_to_same_place")


def test_transfer_to_unknown_places_is_refused(day: Day) -> None:
    _serving(day, 1, "wangli", "social-security")
    day.refuse(cmd.Transfer(1, to_service="passport"), "wangli", "unknown_service")
    day.refuse(cmd.Transfer(1, to_window=42), "wangli", "unknown_window")


def test_transfer_with_nobody_at_the_window_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.refuse(cmd.Transfer(1, to_service="household"), "wangli", "window_idle")


def test_transfer_note_has_a_limit(day: Day) -> None:
    _serving(day, 1, "wangli", "social-security")
    error = day.refuse(cmd.Transfer(1, to_service="household", note="材" * 201), "wangli",
                       "invalid_reason")
    assert error.field == "note"


# --------------------------------------------------------------------------- suspend / resume


def test_suspend_frees_the_window_and_takes_the_ticket_out_of_every_queue(day: Day) -> None:
    number = _serving(day, 1, "wangli", "social-security")
    events = day.at_window(1, cmd.Suspend, reason="缺少户口簿")
    assert isinstance(events[0], ev.TicketSuspended) and events[0].reason == "缺少户口簿"
    assert day.ticket(number).status == SUSPENDED and day.current(1) is None
    assert all(day.ticket(number).id not in queue for queue in day.state.waiting.values())
    day.issue("social-security")
    assert day.call(1) == "A002"


def test_resume_puts_the_ticket_at_the_front_of_the_resuming_window(day: Day) -> None:
    number = _serving(day, 1, "wangli", "social-security")
    day.at_window(1, cmd.Suspend, reason="回家取材料")
    day.issue("social-security")  # A002 came while A001 was away
    day.clock.advance(minutes=20)
    events = day.at_window(1, cmd.Resume, number=number)
    assert isinstance(events[0], ev.TicketResumed) and events[0].window == 1
    ticket = day.ticket(number)
    assert ticket.status == WAITING and ticket.front and ticket.target_window == 1
    assert day.waiting_numbers("window:1") == [number]
    day.sign_in(2, "liqiang")
    assert day.call(2) == "A002"  # window 2 does not see a ticket resumed at window 1
    assert day.call(1) == number
    day.at_window(1, cmd.StartService)
    assert day.ticket(number).status == SERVING


def test_resume_only_a_suspended_ticket(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    error = day.refuse(cmd.Resume(1, "A001"), "wangli", "ticket_not_suspended")
    assert error.field == "ticket"
    day.refuse(cmd.Resume(1, "A404"), "wangli", "unknown_ticket")


def test_suspend_needs_a_ticket_at_the_window_and_a_short_reason(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.refuse(cmd.Suspend(1), "wangli", "window_idle")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.StartService)
    day.refuse(cmd.Suspend(1, reason="缺" * 201), "wangli", "invalid_reason")


def test_suspend_only_a_ticket_being_served(day: Day) -> None:
    # A called citizen who has not come to the window is a no-show, not 挂起:
    # suspending would let them skip the queue when resumed.
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    day.refuse(cmd.Suspend(1, reason="缺材料"), "wangli", "ticket_not_serving")
