"""The wait estimator (预计等待) as pure functions, and how many are ahead."""

from __future__ import annotations

import pytest
from daykit import Day

from hub.domain import commands as cmd
from hub.domain.estimate import estimate_wait_minutes, plain_eta, recent_handling_minutes
from hub.domain.routing import ahead_of


@pytest.mark.parametrize(
    ("ahead", "handling", "windows", "minutes"),
    [
        (0, 8.0, 2, 0),  # nobody ahead: no wait
        (-1, 8.0, 2, 0),
        (3, 8.0, 2, 12),
        (1, 6.0, 4, 2),  # 1.5 minutes rounds up
        (10, 6.0, 5, 12),
        (2, 5.0, 0, 10),  # no window counted: as if one
    ],
)
def test_estimate_is_people_ahead_times_handling_over_windows(
    ahead: int, handling: float, windows: int, minutes: int
) -> None:
    assert estimate_wait_minutes(ahead, handling, windows) == minutes


def test_recent_handling_is_the_mean_of_samples_or_the_default() -> None:
    assert recent_handling_minutes([], 8.0) == 8.0
    assert recent_handling_minutes([300.0, 420.0], 8.0) == 6.0
    assert recent_handling_minutes(iter([60.0]), 8.0) == 1.0


def test_plain_eta_counts_every_configured_window_before_anyone_signs_in(day: Day) -> None:
    assert day.state.config is not None
    # Social security: 6 minutes each, windows 1, 2, 3, 7 and 8 serve it.
    assert plain_eta(day.state, day.state.config, "social-security", 10) == 12


def test_plain_eta_counts_staffed_windows_including_paused_ones(day: Day) -> None:
    assert day.state.config is not None
    day.sign_in(1, "wangli")
    assert plain_eta(day.state, day.state.config, "social-security", 10) == 60
    day.sign_in(2, "liqiang")
    day.run(cmd.PauseWindow(2, "临时离开"), "liqiang")
    assert plain_eta(day.state, day.state.config, "social-security", 10) == 30
    day.sign_in(4, "zhaolei")  # serves another service: does not count
    assert plain_eta(day.state, day.state.config, "social-security", 10) == 30


def test_plain_eta_learns_from_recent_handling_times(day: Day) -> None:
    assert day.state.config is not None
    day.sign_in(4, "zhaolei")
    for minutes in (2, 4):
        day.issue("household")
        day.call(4)
        day.at_window(4, cmd.StartService)
        day.clock.advance(minutes=minutes)
        day.at_window(4, cmd.Complete)
    assert plain_eta(day.state, day.state.config, "household", 3) == 9  # 3 × 3 min / 1


def _ahead(day: Day, number: str) -> int:
    assert day.state.config is not None
    return ahead_of(day.state, day.state.config, day.ticket(number))


def test_ahead_of_counts_earlier_tickets_of_the_same_queue(day: Day) -> None:
    for _ in range(3):
        day.issue("household")
        day.clock.advance(seconds=20)
    day.issue("social-security")
    assert [_ahead(day, n) for n in ("C001", "C002", "C003", "A001")] == [0, 1, 2, 0]


def test_ahead_of_puts_priority_before_ordinary_and_by_weight(day: Day) -> None:
    day.issue("household")  # C001
    day.issue("household", "elderly")  # C002, weight 2
    day.issue("household", "disabled")  # C003, weight 3
    assert [_ahead(day, n) for n in ("C001", "C002", "C003")] == [2, 1, 0]


def test_ahead_of_puts_a_transfer_to_the_front_before_everyone(day: Day) -> None:
    day.issue("household")
    day.issue("household", "disabled")
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.Transfer, to_service="household")
    assert [_ahead(day, n) for n in ("A001", "C002", "C001")] == [0, 1, 2]


def test_ahead_of_a_ticket_sent_to_a_window_counts_that_window_queue(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.Transfer, to_window=7)
    assert _ahead(day, "A001") == 0
    assert _ahead(day, "A002") == 0  # A001 is no longer in the social security queue
