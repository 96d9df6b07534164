"""The honest wait (wait_estimate / views.wait_view): one test per state a screen
shows, the schedule, shared windows, and a property test that staffing moves the
estimate the right way."""

from __future__ import annotations

import copy
import tomllib
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from daykit import Day
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain import commands as cmd
from hub.domain.estimate import (
    CLOSED,
    NO_WINDOW,
    NOW,
    QUEUE,
    RESUMES,
    wait_estimate,
)
from hub.read import views
from tests.support.kit import ManualClock

SHANGHAI = ZoneInfo("Asia/Shanghai")
SS = "social-security"


def _at(day: Day, hour: int, minute: int = 0) -> datetime:
    return day.clock.set(day.clock().replace(hour=hour, minute=minute))


def _wait(day: Day, service: str = SS, ahead: int | None = None) -> Any:
    assert day.state.config is not None
    if ahead is None:
        ahead = day.state.waiting_count(service)
    return wait_estimate(day.state, day.state.config, service, ahead, day.clock())


def test_no_staffed_window_shows_no_window_and_no_number(day: Day) -> None:
    for _ in range(3):
        day.issue(SS)
    found = _wait(day)
    assert found.state == NO_WINDOW
    assert found.to_dict()["minutes"] is None  # never 0, never an invented number
    assert day.state.config is not None
    view = views.services_view(day.state, day.clock())
    tile = next(s for s in view if s["id"] == SS)
    assert tile["wait"]["state"] == NO_WINDOW and tile["eta_minutes"] is None


def test_zero_only_when_a_window_serving_it_is_open_and_idle(day: Day) -> None:
    day.sign_in(1, "wangli")
    assert _wait(day).state == NOW and _wait(day).minutes == 0
    day.issue(SS)
    day.call(1)  # the window is now busy; nobody waits
    busy = _wait(day)
    assert busy.state == QUEUE and busy.rounded is not None and busy.rounded > 0
    day.run(cmd.Complete(1), "wangli")
    day.run(cmd.PauseWindow(1, "会议"), "wangli")  # paused is not idle
    paused = _wait(day)
    assert paused.state == QUEUE and paused.rounded is not None and paused.rounded >= 5


def test_all_closed_for_lunch_resumes_at_the_afternoon_opening(day: Day) -> None:
    day.sign_in(1, "wangli")
    day.sign_in(3, "zhangmin")
    _at(day, 12, 5)
    day.run(cmd.SignOut(1), "wangli")
    day.run(cmd.SignOut(3), "zhangmin")
    for _ in range(4):
        day.issue(SS)
    found = _wait(day, ahead=4)
    assert found.state == RESUMES
    assert found.resumes_at is not None and found.resumes_at.astimezone(SHANGHAI).hour == 13
    assert found.resumes_at.astimezone(SHANGHAI).minute == 30
    assert found.minutes is not None and found.minutes >= 85  # 12:05 → 13:30, then the queue
    wire = found.to_dict()
    assert wire["state"] == "resumes" and wire["resumes_at"].endswith("13:30:00+08:00")


def test_a_window_left_open_at_lunch_does_not_make_lunch_look_short(day: Day) -> None:
    day.sign_in(1, "wangli")
    _at(day, 12, 10)
    for _ in range(2):
        day.issue(SS)
    found = _wait(day, ahead=2)
    assert found.state == RESUMES and found.minutes is not None and found.minutes >= 80


def test_after_lunch_every_window_back_calls_someone_at_once(day: Day) -> None:
    """At 13:30 the three windows serving 社保 all call at once: the second in line
    is called at the opening, not two call cycles after it (the simulated days
    had lunch waits 24 minutes too long before)."""
    for window, clerk in ((1, "wangli"), (2, "liqiang"), (3, "zhangmin")):
        day.sign_in(window, clerk)
    _at(day, 12, 10)
    for window, clerk in ((1, "wangli"), (2, "liqiang"), (3, "zhangmin")):
        day.run(cmd.SignOut(window), clerk)
    for _ in range(2):
        day.issue(SS)
    found = _wait(day, ahead=1)
    assert found.state == RESUMES and found.minutes is not None
    assert 80 <= found.minutes <= 80 + 3  # 12:10 → 13:30, then at once


def test_the_last_tickets_before_closing_are_told_so_before_they_are_taken(day: Day) -> None:
    day.sign_in(1, "wangli")
    _at(day, 16, 50)
    for _ in range(25):
        day.issue(SS)
    found = _wait(day)
    assert found.after_closing
    tile = next(s for s in views.services_view(day.state, day.clock()) if s["id"] == SS)
    assert tile["wait"]["after_closing"] is True  # the kiosk shows it before issuing
    early = _wait(day, ahead=0)
    assert not early.after_closing


def test_after_closing_there_is_no_estimate(day: Day) -> None:
    day.sign_in(1, "wangli")
    _at(day, 17, 45)
    found = _wait(day, ahead=0)
    assert found.state == CLOSED and found.to_dict()["minutes"] is None


def test_a_shared_window_gives_a_service_only_its_share(day: Day) -> None:
    """Window 7 serves six services; with others waiting it is slower for 社保 than
    window 1, which serves 社保 first."""
    for _ in range(6):
        day.issue("business-license")
        day.issue("civil-affairs")
    for _ in range(6):
        day.issue(SS)
    day.sign_in(7, "sunyue")
    shared = _wait(day)
    day.run(cmd.SignOut(7), "sunyue")
    day.sign_in(1, "wangli")
    dedicated = _wait(day)
    assert shared.minutes is not None and dedicated.minutes is not None
    assert shared.minutes > 1.5 * dedicated.minutes


def test_observed_throughput_replaces_the_configured_handling_time(day: Day) -> None:
    """Household is configured at 9 minutes; window 4 takes 20: the estimate follows."""
    day.sign_in(4, "zhaolei")
    first = None
    for _ in range(8):
        day.issue("household")
    first = _wait(day, "household")
    for _ in range(6):
        day.call(4)
        day.clock.advance(minutes=20)
        day.run(cmd.Complete(4), "zhaolei")
    for _ in range(6):
        day.issue("household")
    later = _wait(day, "household", ahead=8)
    assert first.minutes is not None and later.minutes is not None
    assert later.minutes > first.minutes * 1.5


def test_the_ranged_wording_widens_with_the_wait(day: Day) -> None:
    day.sign_in(1, "wangli")
    for _ in range(15):
        day.issue(SS)
    found = _wait(day)
    assert found.low is not None and found.high is not None and found.minutes is not None
    assert found.low < found.minutes < found.high


# --------------------------------------------------------------------------- property

WINDOWS = {1: "wangli", 2: "liqiang", 3: "zhangmin", 4: "zhaolei", 5: "chenjing",
           6: "liuyang", 7: "sunyue", 8: "zhoutao"}
SERVICES = ("social-security", "medical-insurance", "household", "real-estate",
            "business-license", "civil-affairs")


def _config() -> dict[str, Any]:
    from tests.conftest import DEMO_TOML

    with DEMO_TOML.open("rb") as file:
        return tomllib.load(file)


CONFIG = _config()


def _build(minute: int, staffed: dict[int, str], queues: dict[str, int]) -> Day:
    counter = iter(range(1, 10**6))
    start = datetime(2025, 10, 14, 8, 0, tzinfo=SHANGHAI)
    day = Day(copy.deepcopy(CONFIG), ManualClock(start), lambda: f"id-{next(counter):05d}")
    day.check_pure = False
    day.clock.set(start + timedelta(minutes=5))  # tickets are taken in the morning
    for service, count in queues.items():
        for _ in range(count):
            day.issue(service)
    config = day.state.config
    assert config is not None
    busy = {window: day.issue(config.windows[window - 1].service_ids[0])
            for window, how in staffed.items() if how == "busy"}
    day.clock.set(start + timedelta(minutes=minute))
    for window, how in staffed.items():
        day.sign_in(window, WINDOWS[window])
        if how == "paused":
            day.run(cmd.PauseWindow(window, "临时离开"), WINDOWS[window])
        elif how == "busy":
            day.run(cmd.CallTicket(window, busy[window]), WINDOWS[window])
    return day


def _all(day: Day) -> dict[tuple[str, int], float]:
    found = {}
    for service in SERVICES:
        for ahead in (0, 1, 3, 10):
            estimate = _wait(day, service, ahead)
            found[(service, ahead)] = estimate.minutes if estimate.minutes is not None else -1
    return found


@settings(max_examples=150, deadline=None)
@given(
    minute=st.integers(min_value=0, max_value=9 * 60 + 40),  # 08:00 … 17:40
    staffed=st.dictionaries(st.sampled_from(sorted(WINDOWS)),
                            st.sampled_from(["open", "paused", "busy"]), max_size=8),
    queues=st.dictionaries(st.sampled_from(SERVICES), st.integers(0, 12), max_size=6),
    change=st.sampled_from(sorted(WINDOWS)),
)
def test_closing_a_window_never_shortens_and_opening_one_never_lengthens_a_wait(
    minute: int, staffed: dict[int, str], queues: dict[str, int], change: int
) -> None:
    day = _build(minute, staffed, queues)
    before = _all(day)
    window = day.state.windows[change]
    clerk = WINDOWS[change]
    if window.clerk is None:
        day.sign_in(change, clerk)  # a window opens: no wait gets longer
        after = _all(day)
        for key, minutes in before.items():
            if minutes >= 0 and after[key] >= 0:
                assert after[key] <= minutes + 1e-9, (key, minutes, after[key])
    elif window.state == "paused":
        day.run(cmd.OpenWindow(change), clerk)  # a paused window reopens: none longer
        after = _all(day)
        for key, minutes in before.items():
            if minutes >= 0 and after[key] >= 0:
                assert after[key] <= minutes + 1e-9, (key, minutes, after[key])
    elif window.ticket is None and window.state == "open":
        day.run(cmd.PauseWindow(change, "临时离开"), clerk)  # it closes for a while
        paused = _all(day)
        day.run(cmd.SignOut(change), clerk)  # and for good
        gone = _all(day)
        for key, minutes in before.items():
            if minutes >= 0 and paused[key] >= 0:
                assert paused[key] >= minutes - 1e-9, (key, minutes, paused[key])
            if paused[key] >= 0 and gone[key] >= 0:
                assert gone[key] >= paused[key] - 1e-9, (key, paused[key], gone[key])
