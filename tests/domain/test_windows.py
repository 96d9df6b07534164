"""Windows and clerks: sign in/out (签到), one clerk per window, 顶岗 on a paused
window, pause with a reason (暂停) and open again."""

from __future__ import annotations

from daykit import Day

from hub.domain import commands as cmd
from hub.domain import events as ev
from hub.domain.state import WINDOW_CLOSED, WINDOW_OPEN, WINDOW_PAUSED

# --------------------------------------------------------------------------- sign in / out


def test_sign_in_opens_a_closed_window(day: Day) -> None:
    events = day.sign_in(1, "wangli")
    assert len(events) == 1 and isinstance(events[0], ev.ClerkSignedIn)
    assert (events[0].window, events[0].clerk, events[0].replaced) == (1, "wangli", None)
    assert day.window(1).state == WINDOW_OPEN and day.window(1).clerk == "wangli"
    assert day.window(1).since == day.clock()
    assert day.state.clerk_window == {"wangli": 1}


def test_signing_in_again_to_the_same_window_changes_nothing(day: Day) -> None:
    day.sign_in(1, "wangli")
    assert day.sign_in(1, "wangli") == []


def test_clerk_signed_in_elsewhere_must_sign_out_first(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.refuse(cmd.SignIn(2), "wangli", "clerk_signed_in_elsewhere")


def test_one_clerk_per_window(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.refuse(cmd.SignIn(1), "liqiang", "window_taken")


def test_substitute_takes_over_only_a_paused_window(day: Day) -> None:
    # 顶岗: while 王丽 is away (window paused), 李强 signs in to her window.
    day.sign_in(1, "wangli")
    day.run(cmd.PauseWindow(1, "临时离开"), "wangli")
    events = day.sign_in(1, "liqiang")
    assert isinstance(events[0], ev.ClerkSignedIn) and events[0].replaced == "wangli"
    assert day.window(1).clerk == "liqiang" and day.window(1).state == WINDOW_OPEN
    assert day.state.clerk_window == {"liqiang": 1}
    # The replaced clerk is free to sign in to another window.
    day.sign_in(2, "wangli")
    assert day.state.clerk_window == {"liqiang": 1, "wangli": 2}


def test_sign_in_to_an_unknown_window_is_refused(day: Day) -> None:
    error = day.refuse(cmd.SignIn(99), "wangli", "unknown_window")
    assert error.field == "window" and error.kind == "not_found"


def test_sign_out_closes_the_window_and_frees_the_clerk(day: Day) -> None:
    day.sign_in(1, "wangli")
    events = day.run(cmd.SignOut(1), "wangli")
    assert isinstance(events[0], ev.ClerkSignedOut) and events[0].clerk == "wangli"
    assert day.window(1).state == WINDOW_CLOSED and day.window(1).clerk is None
    assert day.state.clerk_window == {}
    day.sign_in(2, "wangli")


def test_sign_out_needs_to_be_signed_in_there(day: Day) -> None:
    day.refuse(cmd.SignOut(1), "wangli", "not_signed_in")
    day.sign_in(1, "wangli")
    day.refuse(cmd.SignOut(1), "liqiang", "not_signed_in")


def test_sign_out_with_a_ticket_at_the_window_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    day.refuse(cmd.SignOut(1), "wangli", "window_busy")


def test_sign_out_from_a_paused_window(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.run(cmd.PauseWindow(1, "会议"), "wangli")
    day.run(cmd.SignOut(1), "wangli")
    assert day.window(1).state == WINDOW_CLOSED and day.window(1).reason is None


def test_sign_out_forgets_the_priority_streak(day: Day) -> None:
    day.sign_in(4, "zhaolei")
    day.issue("household", "elderly")
    day.issue("household")
    day.call(4)
    day.at_window(4, cmd.Complete)
    assert day.window(4).priority_streak == 1
    day.run(cmd.SignOut(4), "zhaolei")
    assert day.window(4).priority_streak == 0


# --------------------------------------------------------------------------- pause / open


def test_pause_with_a_reason_and_open_again(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.clock.advance(minutes=5)
    events = day.run(cmd.PauseWindow(1, "  午休 "), "wangli")
    assert isinstance(events[0], ev.WindowPaused) and events[0].reason == "午休"
    assert day.window(1).state == WINDOW_PAUSED and day.window(1).reason == "午休"
    assert day.window(1).since == day.clock()
    day.run(cmd.OpenWindow(1), "wangli")
    assert day.window(1).state == WINDOW_OPEN and day.window(1).reason is None


def test_pause_needs_a_short_reason(day: Day) -> None:
    day.sign_in(1, "wangli")
    assert day.refuse(cmd.PauseWindow(1, "  "), "wangli", "invalid_reason").field == "reason"
    day.refuse(cmd.PauseWindow(1, "很" * 41), "wangli", "invalid_reason")


def test_pause_a_paused_window_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.run(cmd.PauseWindow(1, "会议"), "wangli")
    day.refuse(cmd.PauseWindow(1, "午休"), "wangli", "window_paused")


def test_pause_with_a_ticket_at_the_window_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    day.refuse(cmd.PauseWindow(1, "午休"), "wangli", "window_busy")


def test_pause_and_open_need_the_clerk_of_the_window(day: Day) -> None:
    day.refuse(cmd.PauseWindow(1, "午休"), "wangli", "not_signed_in")
    day.sign_in(1, "wangli")
    day.run(cmd.PauseWindow(1, "午休"), "wangli")
    day.refuse(cmd.OpenWindow(1), "liqiang", "not_signed_in")


def test_open_a_window_that_is_not_paused_is_refused(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.refuse(cmd.OpenWindow(1), "wangli", "window_not_paused")


def test_paused_window_calls_nobody(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.run(cmd.PauseWindow(1, "会议"), "wangli")
    day.refuse(cmd.CallNext(1), "wangli", "window_paused")
    day.refuse(cmd.CallTicket(1, "A001"), "wangli", "window_paused")


def test_window_commands_need_the_clerk_signed_in_there(day: Day) -> None:
    day.issue("social-security")
    day.refuse(cmd.CallNext(1), "wangli", "not_signed_in")
    day.sign_in(1, "wangli")
    for command in (
        cmd.CallNext(1),
        cmd.CallTicket(1, "A001"),
        cmd.Recall(1),
        cmd.StartService(1),
        cmd.Complete(1),
        cmd.MarkNoShow(1),
        cmd.Transfer(1, to_service="household"),
        cmd.Suspend(1),
        cmd.Reinstate(1, "A001"),
        cmd.Resume(1, "A001"),
    ):
        day.refuse(command, "liqiang", "not_signed_in")
