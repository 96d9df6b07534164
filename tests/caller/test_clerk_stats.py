"""The caller's read models (hub/read/clerk_stats.py), pure: a day driven through the
domain rules with a clock the test moves, then read as the clerk's page reads it."""

from __future__ import annotations

from typing import Any

import pytest

from hub.domain import commands as cmd
from hub.read import clerk_stats
from tests.domain.daykit import Day

SS = "social-security"


@pytest.fixture
def day(demo_config: dict[str, Any], clock: Any, ids: Any) -> Day:
    return Day(demo_config, clock, ids)


def test_counters_of_the_clerks_own_day(day: Day, clock: Any) -> None:
    for _ in range(4):
        day.issue(SS)
    day.run(cmd.SignIn(1), "wangli")
    day.run(cmd.SignIn(2), "liqiang")
    # Served with a start: 4 minutes of handling.
    day.run(cmd.CallNext(1), "wangli")
    clock.advance(minutes=1)
    day.run(cmd.StartService(1), "wangli")
    clock.advance(minutes=4)
    first = day.run(cmd.Complete(1), "wangli")[-1].ticket
    # Completed straight from "called": it started when completed, 0 s of handling.
    day.run(cmd.CallNext(1), "wangli")
    day.run(cmd.Complete(1), "wangli")
    # An absent citizen, and one the colleague serves.
    day.run(cmd.CallNext(1), "wangli")
    day.run(cmd.MarkNoShow(1), "wangli")
    day.run(cmd.CallNext(2), "liqiang")
    other = day.run(cmd.Complete(2), "liqiang")[-1].ticket
    day.run(cmd.Rate(first, 5, (), ""), "pad-1")
    day.run(cmd.Rate(other, 1, ("服务态度",), ""), "pad-2")

    mine = clerk_stats.clerk_day(day.state, day.config, "wangli", clock())
    assert (mine["served"], mine["no_shows"], mine["transferred"]) == (2, 1, 0)
    assert mine["average_handling_seconds"] == 120
    assert mine["ratings"] == {"count": 1, "levels": {"5": 1, "4": 0, "3": 0, "2": 0, "1": 0},
                               "average": 5.0, "satisfaction_rate": 1.0}
    theirs = clerk_stats.clerk_day(day.state, day.config, "liqiang", clock())
    assert (theirs["served"], theirs["ratings"]["count"]) == (1, 1)
    assert theirs["ratings"]["satisfaction_rate"] == 0.0

    # The next business day starts afresh.
    tomorrow = clock.advance(days=1)
    fresh = clerk_stats.clerk_day(day.state, day.config, "wangli", tomorrow)
    assert (fresh["served"], fresh["ratings"]["count"], fresh["average_handling_seconds"]) \
        == (0, 0, None)


def test_window_detail_has_the_times_and_the_held_tickets(day: Day, clock: Any) -> None:
    first, second, third = day.issue(SS), day.issue(SS), day.issue("household")
    day.run(cmd.SignIn(1), "wangli")
    day.run(cmd.SignIn(4), "zhaolei")
    clock.advance(minutes=7)
    day.run(cmd.CallNext(1), "wangli")
    day.run(cmd.StartService(1), "wangli")
    day.run(cmd.Suspend(1, "缺少材料"), "wangli")
    day.run(cmd.CallNext(1), "wangli")
    day.run(cmd.MarkNoShow(1), "wangli")
    day.run(cmd.CallNext(4), "zhaolei")
    day.run(cmd.MarkNoShow(4), "zhaolei")  # another window's no-show
    day.run(cmd.Reinstate(1, second), "wangli")
    day.run(cmd.CallNext(1), "wangli")
    clock.advance(seconds=30)

    detail = clerk_stats.window_detail(day.state, day.config, 1, clock())
    ticket = detail["window"]["ticket"]
    assert (ticket["number"], ticket["status"], ticket["clerk_name"]) == (second, "called", "王丽")
    assert ticket["waited_seconds"] == 7 * 60
    assert ticket["called_at"] is not None and ticket["started_at"] is None
    assert detail["window"]["clerk_name"] == "王丽"
    assert [t["number"] for t in detail["suspended"]] == [first]
    assert detail["no_show"] == []  # reinstated, and window 4's no-show is not ours
    assert [t["number"] for t in
            clerk_stats.window_detail(day.state, day.config, 4, clock())["no_show"]] == [third]


def test_responsible_for_follows_a_transfer_until_completed(day: Day, clock: Any) -> None:
    number = day.issue("real-estate")
    day.run(cmd.SignIn(6), "liuyang")
    day.run(cmd.SignIn(4), "zhaolei")
    day.run(cmd.CallNext(6), "liuyang")
    day.run(cmd.StartService(6), "liuyang")
    day.run(cmd.Transfer(6, to_service="household", note="需其他部门办理"), "liuyang")

    def where() -> list[tuple[Any, ...]]:
        return [(t["number"], t["status"], t["service"], t["window"], t["clerk_name"])
                for t in clerk_stats.responsible_for(day.state, day.config, "liuyang", clock())]

    assert where() == [(number, "waiting", "household", None, "刘洋")]
    day.run(cmd.CallNext(4), "zhaolei")
    assert where() == [(number, "called", "household", 4, "赵磊")]
    day.run(cmd.Complete(4), "zhaolei")
    assert where() == [(number, "done", "household", 4, "赵磊")]
    # The receiving clerk served it; the first clerk stays responsible for it.
    assert clerk_stats.responsible_for(day.state, day.config, "zhaolei", clock()) == []
    assert clerk_stats.clerk_day(day.state, day.config, "liuyang", clock())["transferred"] == 1
    assert clerk_stats.clerk_day(day.state, day.config, "zhaolei", clock())["served"] == 1


def test_staff_name_from_the_published_card(day: Day) -> None:
    assert clerk_stats.staff_name(day.config, "wangli") == "王丽"
    assert clerk_stats.staff_name(day.config, "director", "主任") == "主任"
    assert clerk_stats.staff_name(day.config, "director") == "director"
    assert clerk_stats.staff_name(day.config, None) == ""
