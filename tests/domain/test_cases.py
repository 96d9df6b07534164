"""办件 after the counter: 即办件 and 承诺件, deadlines in working days across 调休 and
the Spring Festival, stages one at a time, 全程代理, due-soon and overdue flags and
alerts, the 一次性告知, and the notifications each causes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from daykit import Day

from hub.domain import cases as cs
from hub.domain import events as ev
from hub.domain.accounts import SaveUser
from hub.domain.calendar import add_working_days
from hub.domain.config import CASE_STAGES, ConfigError, parse_config
from hub.domain.fold import replay
from hub.store.snapshots import decode_state, encode_state
from hub.web.alerts import compute_alerts

TZ = ZoneInfo("Asia/Shanghai")
PHONE = "13800138000"
CLERK = "clerk1"


def staffed(day: Day, *users: tuple[str, str]) -> Day:
    for name, role in users or ((CLERK, "clerk"), ("agent1", "clerk"), ("boss", "manager")):
        day.run(SaveUser(name, role, password_hash="x"), "admin")
    return day


def open_case(day: Day, kind: str = "promised", service: str = "medical-insurance",
              phone: str = PHONE, actor: str = CLERK, **more: Any) -> cs.Case:
    events = day.run(cs.OpenCase(kind, service, phone=phone, **more), actor)
    opened = next(e for e in events if isinstance(e, cs.CaseOpened))
    return day.state.cases.cases[opened.case]


def queued(events: list[ev.Event]) -> list[ev.NotificationQueued]:
    return [e for e in events if isinstance(e, ev.NotificationQueued)]


# --------------------------------------------------------------------------- deadlines


def test_a_deadline_counts_the_tiaoxiu_saturday_and_skips_the_spring_festival(
        make_day: Any, demo_config: dict[str, Any], clock: Any) -> None:
    # 2026: Sat 14 Feb is a 调休 working day; 15-23 Feb are the Spring Festival holiday.
    clock.set(datetime(2026, 2, 13, 10, 0, tzinfo=TZ))  # Friday
    demo_config["cases"] = {"services": {"medical-insurance": {"days": 3}}}
    day = staffed(make_day(demo_config))
    case = open_case(day)
    assert case.opened_on == date(2026, 2, 13)
    # 1: Sat 14 Feb (调休), 2: Tue 24 Feb, 3: Wed 25 Feb.
    assert case.due_on == date(2026, 2, 25)
    assert case.days == 3 and case.number == "C2026-000001"
    hours = day.state.config.hours  # type: ignore[union-attr]
    assert add_working_days(hours, date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert cs.working_days_left(hours, date(2026, 2, 16), date(2026, 2, 25)) == 2
    # An ordinary weekend is not counted: opened on Friday 6 Mar, 3 days -> Wed 11 Mar.
    clock.set(datetime(2026, 3, 6, 10, 0, tzinfo=TZ))
    assert open_case(day).due_on == date(2026, 3, 11)


def test_the_default_deadline_and_a_services_own_stages_come_from_the_configuration(
        make_day: Any, demo_config: dict[str, Any]) -> None:
    demo_config["cases"] = {"default_days": 5, "services": {
        "real-estate": {"days": 20, "stages": ["accepted", "review", "approval", "done",
                                                "collected"]}}}
    day = staffed(make_day(demo_config))
    other = open_case(day, service="household")
    assert other.days == 5 and other.stages == CASE_STAGES
    estate = open_case(day, service="real-estate")
    assert estate.days == 20 and estate.stages[-2:] == ("done", "collected")
    # Tuesday 14 Oct 2025 + 20 working days (no holiday until New Year) = Tue 11 Nov.
    assert estate.due_on == date(2025, 11, 11)


@pytest.mark.parametrize("cases, field", [
    ({"stages": ["review", "done"]}, "cases.stages"),
    ({"stages": ["accepted", "review"]}, "cases.stages"),
    ({"stages": ["accepted", "sealing", "done"]}, "cases.stages"),
    ({"default_days": 0}, "cases.default_days"),
    ({"services": {"no-such": {"days": 3}}}, "cases.services.no-such"),
    ({"services": {"household": {"weeks": 3}}}, "cases.services.household"),
])
def test_bad_case_settings_are_refused_naming_the_field(
        demo_config: dict[str, Any], cases: dict[str, Any], field: str) -> None:
    demo_config["cases"] = cases
    with pytest.raises(ConfigError) as caught:
        parse_config(demo_config)
    assert caught.value.field.startswith(field)


def test_a_stage_the_center_names_may_be_used(demo_config: dict[str, Any]) -> None:
    demo_config["cases"] = {"stage_names": {"sealing": {"zh": "盖章", "en": "Sealing"}},
                            "stages": ["accepted", "sealing", "done"]}
    rules = parse_config(demo_config).cases
    assert rules.stages == ("accepted", "sealing", "done")
    assert rules.stage_name("sealing").zh == "盖章" and rules.stage_name("review").zh == "审核"


# --------------------------------------------------------------------------- stages


def test_an_immediate_case_is_done_at_the_counter_and_on_time(day: Day) -> None:
    staffed(day)
    number = day.issue("household")
    events = day.run(cs.OpenCase("immediate", ticket=number), CLERK)
    assert [type(e) for e in events] == [cs.CaseOpened, cs.CaseAdvanced]
    case = day.state.cases.cases[events[0].case]  # type: ignore[attr-defined]
    assert (case.service, case.ticket_number, case.stage) == ("household", number, "done")
    assert case.closed and cs.on_time(case) and case.due_on == case.opened_on
    assert queued(events) == []  # the citizen is at the counter: no message


def test_a_promised_case_moves_one_stage_at_a_time_to_its_end(day: Day, clock: Any) -> None:
    staffed(day)
    case = open_case(day)
    assert (case.stage, case.holder, case.kind) == ("accepted", CLERK, "promised")
    err = day.refuse(cs.AdvanceCase(case.number, "done"), CLERK, "stage_not_allowed")
    assert err.field == "stage" and "审核" in err.message and err.details["expected"] == "review"
    err = day.refuse(cs.AdvanceCase(case.number, "mailed"), CLERK, "stage_not_allowed")
    assert "accepted, review, done, delivered" in err.message
    day.refuse(cs.AdvanceCase(case.number, "accepted"), CLERK, "stage_not_allowed")
    day.run(cs.AdvanceCase(case.number, "review", "材料齐全"), CLERK)
    day.refuse(cs.AdvanceCase(case.number, "accepted"), CLERK, "stage_not_allowed")  # no way back
    clock.advance(days=1)
    day.run(cs.AdvanceCase(case.id, "done"), CLERK)
    assert case.done_on == date(2025, 10, 15) and cs.on_time(case) and not case.closed
    day.run(cs.AdvanceCase(case.number, "delivered"), CLERK)
    assert case.closed
    day.refuse(cs.AdvanceCase(case.number, "delivered"), CLERK, "case_closed")
    assert [h["what"] for h in case.history] == ["opened", "stage", "stage", "stage"]
    assert [h.get("stage") for h in case.history] == ["accepted", "review", "done", "delivered"]
    assert case.history[1]["note"] == "材料齐全" and case.history[1]["by"] == CLERK
    day.refuse(cs.AdvanceCase("C2025-999999", "review"), CLERK, "unknown_case")


def test_only_the_holder_or_a_manager_moves_a_case(day: Day) -> None:
    staffed(day)
    case = open_case(day)
    err = day.refuse(cs.AdvanceCase(case.number, "review"), "agent1", "not_case_holder")
    assert CLERK in err.message
    day.run(cs.AdvanceCase(case.number, "review"), "boss")  # a manager may
    assert case.stage == "review"


def test_a_case_is_handed_to_an_agent_who_carries_it_through(day: Day) -> None:
    staffed(day)
    case = open_case(day)
    day.refuse(cs.HandCase(case.number, "nobody", agent=True), CLERK, "invalid_case")
    day.run(cs.HandCase(case.number, "agent1", agent=True, note="全程代理"), CLERK)
    assert (case.holder, case.agent) == ("agent1", True)
    day.refuse(cs.AdvanceCase(case.number, "review"), CLERK, "not_case_holder")  # no longer
    for stage in ("review", "done", "delivered"):
        day.run(cs.AdvanceCase(case.number, stage), "agent1")
    assert case.closed and case.history[1] == {
        "at": case.history[1]["at"], "what": "handed", "by": CLERK, "holder": "agent1",
        "agent": True, "note": "全程代理"}


def test_opening_refuses_bad_input_naming_the_field(day: Day) -> None:
    staffed(day)
    assert day.refuse(cs.OpenCase("later", "household", phone=PHONE), CLERK,
                      "invalid_case").field == "kind"
    assert day.refuse(cs.OpenCase("promised", "household"), CLERK,
                      "invalid_case").field == "phone"  # 承诺件: followed by number + phone
    assert day.refuse(cs.OpenCase("promised", "household", phone="123"), CLERK,
                      "invalid_case").field == "phone"
    assert day.refuse(cs.OpenCase("promised", "nothing", phone=PHONE), CLERK,
                      "unknown_service").field == "service"
    assert day.refuse(cs.OpenCase("promised", ticket="Z999", phone=PHONE), CLERK,
                      "unknown_ticket").field == "ticket"
    assert day.refuse(cs.OpenCase("promised", phone=PHONE), CLERK,
                      "missing_field").field == "service"


def test_case_numbers_run_per_year(make_day: Any, demo_config: dict[str, Any],
                                   clock: Any) -> None:
    clock.set(datetime(2026, 12, 30, 10, 0, tzinfo=TZ))
    day = staffed(make_day(demo_config))
    assert [open_case(day).number for _ in range(2)] == ["C2026-000001", "C2026-000002"]
    clock.set(datetime(2027, 1, 4, 10, 0, tzinfo=TZ))
    assert open_case(day).number == "C2027-000001"


# --------------------------------------------------------------------------- due and overdue


def test_due_soon_and_overdue_are_flagged_once_and_raise_alerts(
        make_day: Any, demo_config: dict[str, Any], clock: Any) -> None:
    demo_config["cases"] = {"default_days": 3, "due_soon_days": 1}
    day = staffed(make_day(demo_config))  # Tuesday 14 Oct 2025
    case = open_case(day, service="household")
    done = open_case(day, service="household")
    assert case.due_on == date(2025, 10, 17)  # Friday
    assert day.run(cs.FlagDueCases(), "system") == []  # 3 working days left
    assert not [a for a in compute_alerts(day.state, clock()) if a["kind"].startswith("case")]
    clock.set(datetime(2025, 10, 16, 9, 0, tzinfo=TZ))  # Thursday: 1 day left
    for stage in ("review", "done"):
        day.run(cs.AdvanceCase(done.number, stage), CLERK)  # a case done is never flagged
    events = day.run(cs.FlagDueCases(), "system")
    assert [type(e) for e in events] == [cs.CaseDueSoon, ev.NotificationQueued]
    assert (queued(events)[0].kind, queued(events)[0].phone) == ("case_due_soon", PHONE)
    assert day.run(cs.FlagDueCases(), "system") == []  # once
    alerts = [a for a in compute_alerts(day.state, clock()) if a["kind"].startswith("case")]
    assert [(a["id"], a["level"], a["data"]["days_left"]) for a in alerts] == [
        (f"case_due_soon:{case.id}", "warn", 1)]
    assert "即将到期" in alerts[0]["text"]["zh"] and PHONE not in str(alerts)
    clock.set(datetime(2025, 10, 20, 9, 0, tzinfo=TZ))  # Monday: past Friday
    events = day.run(cs.FlagDueCases(), "system")
    assert [type(e) for e in events] == [ev.DayStarted, cs.CaseOverdue]
    alerts = [a for a in compute_alerts(day.state, clock()) if a["kind"].startswith("case")]
    assert [(a["kind"], a["level"]) for a in alerts] == [("case_overdue", "bad")]
    assert day.run(cs.FlagDueCases(), "system") == []
    # 办结 late: the alert clears, and it counts as not on time.
    for stage in ("review", "done"):
        day.run(cs.AdvanceCase(case.number, stage), CLERK)
    assert not [a for a in compute_alerts(day.state, clock()) if a["kind"].startswith("case")]
    assert not cs.on_time(case) and cs.on_time(done)


# --------------------------------------------------------------------------- notifications


def test_accepted_and_done_are_told_to_the_citizens_phone(day: Day) -> None:
    staffed(day)
    events = day.run(cs.OpenCase("promised", "medical-insurance", phone="138 0013 8000"), CLERK)
    opened, notice = events
    assert notice.seq == opened.seq + 1  # stored with its cause
    assert (notice.kind, notice.phone, notice.key) == (  # type: ignore[attr-defined]
        "case_accepted", PHONE, f"case_accepted:{opened.case}")  # type: ignore[attr-defined]
    assert notice.params == {"number": "C2025-000001",  # type: ignore[attr-defined]
                             "service": "medical-insurance", "due": "2025-10-28"}
    assert queued(day.run(cs.AdvanceCase("C2025-000001", "review"), CLERK)) == []
    done = queued(day.run(cs.AdvanceCase("C2025-000001", "done"), CLERK))
    assert [(n.kind, n.params) for n in done] == [
        ("case_done", {"number": "C2025-000001", "service": "medical-insurance",
                       "next": "delivered"})]
    assert "138" not in repr(opened) and "138" not in repr(done[0])  # phones stay out of logs


def test_the_materials_notice_is_given_once_from_the_guide_and_free_text(day: Day) -> None:
    staffed(day)
    number = day.issue("medical-insurance")
    assert day.refuse(cs.GiveMaterialsNotice(number), CLERK, "invalid_case").field == "materials"
    assert day.refuse(cs.GiveMaterialsNotice(number, ("护照",)), CLERK,
                      "invalid_case").field == "materials"
    assert day.refuse(cs.GiveMaterialsNotice("Z001", ("住院发票原件",)), CLERK,
                      "unknown_ticket").field == "ticket"
    events = day.run(cs.GiveMaterialsNotice(number, ("住院发票原件", "出院小结"),
                                            "单位证明", PHONE), CLERK)
    given, notice = events
    assert isinstance(given, cs.MaterialsNoticeGiven)
    assert notice.kind == "materials_notice"  # type: ignore[attr-defined]
    assert notice.params["materials"] == "住院发票原件；出院小结；单位证明"  # type: ignore[attr-defined]
    err = day.refuse(cs.GiveMaterialsNotice(number, ("费用明细清单",)), CLERK,
                     "notice_already_given")
    assert err.field == "ticket" and "一次性告知" in err.message


def test_cases_replay_and_survive_a_snapshot(day: Day) -> None:
    staffed(day)
    case = open_case(day)
    day.run(cs.HandCase(case.number, "agent1", agent=True), CLERK)
    day.run(cs.AdvanceCase(case.number, "review"), "agent1")
    number = day.issue("household")
    day.run(cs.GiveMaterialsNotice(number, ("户口簿",), phone=PHONE), CLERK)
    rebuilt = replay(day.journal)
    assert rebuilt.cases == day.state.cases
    assert decode_state(encode_state(day.state)).cases == day.state.cases


def test_cases_outlive_the_day(day: Day, clock: Any) -> None:
    staffed(day)
    case = open_case(day)
    clock.advance(days=1)
    day.issue("household")  # a new business day starts
    assert day.state.cases.cases[case.id] is case


def test_the_report_counts_on_time_completion_per_service(
        make_day: Any, demo_config: dict[str, Any], clock: Any) -> None:
    from hub.read.reports import build_report

    demo_config["cases"] = {"default_days": 3, "services": {"real-estate": {"days": 10}}}
    day = staffed(make_day(demo_config))  # Tuesday 14 Oct 2025: 3 days -> Friday 17 Oct
    on_time, late, overdue = (open_case(day, service="household") for _ in range(3))
    pending = open_case(day, service="real-estate")  # due 28 Oct
    day.run(cs.OpenCase("immediate", "household"), CLERK)  # 即办件: not a 承诺件 row
    for stage in ("review", "done"):
        day.run(cs.AdvanceCase(on_time.number, stage), CLERK)
    clock.set(datetime(2025, 10, 20, 10, 0, tzinfo=TZ))  # Monday, past Friday
    for stage in ("review", "done"):
        day.run(cs.AdvanceCase(late.number, stage), CLERK)
    report = build_report(day.journal, date(2025, 10, 1), date(2025, 10, 31),
                          date(2025, 10, 20))
    rows = {r["service"]: r for r in report["cases"]}
    assert {k: rows["household"][k] for k in ("due", "on_time", "late", "overdue", "pending",
                                              "rate")} == {
        "due": 3, "on_time": 1, "late": 1, "overdue": 1, "pending": 0, "rate": 0.3333}
    assert (rows["real-estate"]["pending"], rows["real-estate"]["rate"]) == (1, None)
    assert (rows[""]["due"], rows[""]["rate"]) == (4, 0.3333)  # the total
    # A period in which none fell due has only the (empty) total.
    empty = build_report(day.journal, date(2025, 11, 1), date(2025, 11, 30), date(2025, 10, 20))
    assert [(r["service"], r["due"], r["rate"]) for r in empty["cases"]] == [("", 0, None)]
    assert overdue.done_on is None and pending.due_on == date(2025, 10, 28)


def test_case_events_reach_staff_only_with_the_phone_masked(day: Day) -> None:
    from hub.read.wire import HALL, MANAGER, STAFF_ROOM, TO_PUBLIC, TO_STAFF, payload, rooms_for

    staffed(day)
    number = day.issue("household")
    opened = day.run(cs.OpenCase("promised", ticket=number, phone=PHONE), CLERK)[0]
    notice = day.run(cs.GiveMaterialsNotice(number, ("户口簿",), phone=PHONE), CLERK)[0]
    for event in (opened, notice):
        assert rooms_for(event, [1, 2]) == {MANAGER, STAFF_ROOM}
        assert HALL not in rooms_for(event, [1, 2])
        staff = payload(event, TO_STAFF)
        assert staff["data"]["phone"] == "138****8000" and PHONE not in str(staff)
        assert payload(event, TO_PUBLIC)["data"] == {}  # nothing public, were it asked


def test_the_report_counts_on_time_completion_per_window_opened_at(
        make_day: Any, demo_config: dict[str, Any], clock: Any) -> None:
    from hub.read.reports import build_report

    demo_config["cases"] = {"default_days": 3}
    day = staffed(make_day(demo_config))  # Tuesday 14 Oct 2025: 3 days -> Friday 17 Oct
    day.sign_in(4, CLERK)
    done, overdue = (open_case(day, service="household") for _ in range(2))
    away = open_case(day, service="household", actor="boss")  # a manager, at no window
    assert (done.id, away.id) != (None, None)
    for stage in ("review", "done"):
        day.run(cs.AdvanceCase(done.number, stage), CLERK)
    opened = [e for e in day.journal if isinstance(e, cs.CaseOpened)]
    assert [e.window for e in opened] == [4, 4, None]
    report = build_report(day.journal, date(2025, 10, 1), date(2025, 10, 31),
                          date(2025, 10, 20))
    rows = {r["window"]: r for r in report["cases_by_window"]}
    assert {k: rows[4][k] for k in ("due", "on_time", "overdue", "rate")} == {
        "due": 2, "on_time": 1, "overdue": 1, "rate": 0.5}
    assert (rows[None]["due"], rows[None]["overdue"], rows[None]["name"]["zh"]) == (
        1, 1, "非窗口受理")
    assert overdue.done_on is None
