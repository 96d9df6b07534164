"""Complaint and 差评 follow-up deadlines, in working days across weekends, public
holidays and 调休 working weekends (chinese-calendar's 2026 data), and the
supervision rules around them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from hub.domain import commands as cmd
from hub.domain.calendar import add_working_days
from hub.domain.config import ConfigError, parse_config
from hub.domain.errors import DomainError
from hub.domain.supervision import (
    AnswerComplaint,
    AnswerFollowUp,
    AssignComplaint,
    AssignFollowUp,
    CloseComplaint,
    CloseFollowUp,
    DrawCallBackSample,
    RecordCallBack,
    RecordComplaint,
    complaint_overdue,
    follow_up_overdue,
    followed_up_in_time,
)
from tests.conftest import SHANGHAI
from tests.manage.kit import Book


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def working_days_by_hand(start: date, count: int, holidays: set[date],
                         workdays: set[date]) -> date:
    """Count working days one by one from an explicit list (not chinese-calendar)."""
    day = start
    while count:
        day += timedelta(days=1)
        if day in workdays or (day.weekday() < 5 and day not in holidays):
            count -= 1
    return day


# 2026 as published by the State Council (国务院办公厅通知), written out here.
NATIONAL_DAY_2026 = {date(2026, 10, d) for d in range(1, 8)}
MID_AUTUMN_2026 = {date(2026, 9, 25)}  # a Friday; 26-27 are the weekend anyway
SPRING_2026 = {date(2026, 2, d) for d in range(15, 24)}
WORK_WEEKENDS_2026 = {date(2026, 9, 20), date(2026, 10, 10), date(2026, 2, 14),
                      date(2026, 2, 28)}
HOLIDAYS_2026 = NATIONAL_DAY_2026 | MID_AUTUMN_2026 | SPRING_2026


def test_the_calendar_counts_national_day_and_its_tiaoxiu(book: Book) -> None:
    hours = book.state.config.hours
    # Tuesday 29 Sept: Wed 30 Sept is the 1st; then 1-7 Oct closed; Thu 8, Fri 9 and
    # Saturday 10 Oct (调休, a working day) follow.
    assert add_working_days(hours, date(2026, 9, 29), 1) == date(2026, 9, 30)
    assert add_working_days(hours, date(2026, 9, 29), 2) == date(2026, 10, 8)
    assert add_working_days(hours, date(2026, 9, 29), 4) == date(2026, 10, 10)
    assert add_working_days(hours, date(2026, 9, 29), 5) == date(2026, 10, 12)
    # Sunday 20 Sept 2026 is a 调休 working day: Friday 18 + 1 working day is Sunday 20.
    assert add_working_days(hours, date(2026, 9, 18), 1) == date(2026, 9, 20)


@pytest.mark.parametrize("start", [
    date(2026, 9, 18), date(2026, 9, 24), date(2026, 9, 28), date(2026, 9, 30),
    date(2026, 10, 9), date(2026, 2, 10), date(2026, 2, 13), date(2026, 2, 27),
])
def test_fifteen_working_days_match_a_count_by_hand(book: Book, start: date) -> None:
    expected = working_days_by_hand(start, 15, HOLIDAYS_2026, WORK_WEEKENDS_2026)
    assert add_working_days(book.state.config.hours, start, 15) == expected


def test_a_bad_rating_opens_a_follow_up_due_in_fifteen_working_days(book: Book) -> None:
    # Monday 28 Sept 2026: 15 working days, counted by hand:
    # 29, 30 Sept (2) | 1-7 Oct closed | 8, 9, 10 (Sat, 调休) (5) | 12-16 (10) | 19-23 (15)
    book.at(at(date(2026, 9, 28), 9))
    book.issue("household")
    book.sign_in(4)
    rated = book.serve(4, minutes=7, rating=2)
    follow_up = book.state.supervision.follow_ups[rated]
    assert follow_up.due_on == date(2026, 10, 23)
    assert (follow_up.level, follow_up.window, follow_up.clerk) == (2, 4, "zhaolei")
    assert follow_up.status == "open" and follow_up.aspects == ("服务态度",)
    # A happy rating opens nothing.
    book.issue("household")
    happy = book.serve(4, minutes=5, rating=4)
    assert happy not in book.state.supervision.follow_ups


def test_a_very_bad_rating_on_the_eve_of_spring_festival(book: Book) -> None:
    # Friday 13 Feb 2026; Sat 14 Feb is a 调休 working day, 15-23 Feb the holiday.
    book.at(at(date(2026, 2, 13), 9))
    book.issue("social-security")
    book.sign_in(1)
    rated = book.serve(1, minutes=4, rating=1)
    expected = working_days_by_hand(date(2026, 2, 13), 15, HOLIDAYS_2026, WORK_WEEKENDS_2026)
    assert expected == date(2026, 3, 12)  # 14 Feb, 24-27 Feb, 28 Feb (Sat), 2-6, 9-12 Mar
    assert book.state.supervision.follow_ups[rated].due_on == expected


@pytest.mark.parametrize(("received", "deadline_class", "due"), [
    (date(2026, 9, 30), "on_spot", date(2026, 9, 30)),
    (date(2026, 9, 30), "next_day", date(2026, 10, 8)),       # over National Day
    (date(2026, 10, 9), "next_day", date(2026, 10, 10)),      # a 调休 Saturday
    (date(2026, 9, 18), "next_day", date(2026, 9, 20)),       # a 调休 Sunday
    (date(2026, 9, 24), "multi_unit", date(2026, 10, 9)),     # 28,29,30, 8, 9
    (date(2026, 11, 27), "multi_unit", date(2026, 12, 4)),    # an ordinary week
    (date(2026, 11, 27), "next_day", date(2026, 11, 30)),     # Friday -> Monday
])
def test_a_complaint_class_sets_its_deadline(book: Book, received: date, deadline_class: str,
                                             due: date) -> None:
    book.at(at(received))
    events = book.run(RecordComplaint("phone", "窗口人员态度生硬", deadline_class, window=4,
                                      complainant="张三丰", phone="138-0013-8000"))
    complaint = book.state.supervision.complaints[events[-1].complaint]
    assert complaint.due_on == due
    assert complaint.code == f"TS{received:%Y%m%d}-01"
    assert complaint.phone == "13800138000"
    assert "13800138000" not in repr(events[-1]) and "张三丰" not in repr(events[-1])


def test_the_deadlines_are_configurable(demo_config: dict[str, Any], clock: Any,
                                        ids: Any) -> None:
    demo_config["supervision"] = {"complaint_days": {"multi_unit": 7}, "follow_up_days": 10}
    book = Book(demo_config, clock, ids)
    book.at(at(date(2026, 11, 23)))  # a Monday
    events = book.run(RecordComplaint("letter", "需多部门协调", "multi_unit"))
    assert book.state.supervision.complaints[events[-1].complaint].due_on == date(2026, 12, 2)
    events = book.run(RecordComplaint("letter", "当场", "next_day"))
    assert book.state.supervision.complaints[events[-1].complaint].due_on == date(2026, 11, 24)
    book.issue("household")
    book.sign_in(4)
    rated = book.serve(4, rating=1)
    assert book.state.supervision.follow_ups[rated].due_on == date(2026, 12, 7)


@pytest.mark.parametrize(("table", "field"), [
    ({"complaint_days": {"same_week": 3}}, "supervision.complaint_days.same_week"),
    ({"complaint_days": {"next_day": -1}}, "supervision.complaint_days.next_day"),
    ({"follow_up_days": 0}, "supervision.follow_up_days"),
    ({"follow_up": 15}, "supervision.follow_up"),
])
def test_a_bad_supervision_table_is_refused(demo_config: dict[str, Any], table: Any,
                                           field: str) -> None:
    demo_config["supervision"] = table
    with pytest.raises(ConfigError) as caught:
        parse_config(demo_config)
    assert caught.value.field == field


def test_a_complaint_is_assigned_answered_closed_and_flagged_when_overdue(book: Book) -> None:
    book.at(at(date(2026, 11, 26), 10))  # Thursday
    book.issue("real-estate")
    number = book.state.tickets[next(iter(book.state.tickets))].number
    recorded = book.run(RecordComplaint("on_site", "等候时间过长", "next_day", window=5,
                                        clerk="chenjing", ticket=number.lower()))[-1]
    complaint = book.state.supervision.complaints[recorded.complaint]
    assert complaint.subject_number == number and complaint.subject_ticket is not None
    assert complaint.due_on == date(2026, 11, 27)
    assert not complaint_overdue(complaint, date(2026, 11, 27))
    assert complaint_overdue(complaint, date(2026, 11, 30))
    with pytest.raises(DomainError) as refused:
        book.run(CloseComplaint(complaint.id))
    assert refused.value.code == "not_answered"
    book.run(AssignComplaint(complaint.id, "director"))
    assert (complaint.status, complaint.assignee) == ("assigned", "director")
    book.at(at(date(2026, 11, 27), 16))
    book.run(AnswerComplaint(complaint.id, "已向群众致歉并说明情况"))
    assert complaint.status == "answered" and complaint.answered_on == date(2026, 11, 27)
    assert not complaint_overdue(complaint, date(2026, 12, 30))
    book.run(CloseComplaint(complaint.id, "群众表示满意"))
    assert complaint.status == "closed"
    with pytest.raises(DomainError) as refused:
        book.run(AnswerComplaint(complaint.id, "again"))
    assert refused.value.code == "already_closed"


@pytest.mark.parametrize(("command", "code", "field"), [
    (RecordComplaint("email", "x", "on_spot"), "invalid_field", "channel"),
    (RecordComplaint("phone", "x", "someday"), "invalid_field", "deadline_class"),
    (RecordComplaint("phone", "   ", "on_spot"), "invalid_field", "text"),
    (RecordComplaint("phone", "x", "on_spot", window=99), "unknown_window", "window"),
    (RecordComplaint("phone", "x", "on_spot", clerk="nobody"), "invalid_field", "clerk"),
    (RecordComplaint("phone", "x", "on_spot", phone="12"), "invalid_field", "phone"),
    (AssignComplaint("nope", "director"), "unknown_complaint", "complaint"),
    (AssignFollowUp("nope", "director"), "unknown_follow_up", "follow_up"),
    (RecordCallBack("nope", "t", "satisfied"), "unknown_sample", "sample"),
    (DrawCallBackSample(0, 1), "invalid_field", "size"),
])
def test_bad_supervision_commands_are_refused(book: Book, command: Any, code: str,
                                              field: str) -> None:
    before = book.state.seq
    with pytest.raises(DomainError) as refused:
        book.run(command)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert book.state.seq == before


def test_a_follow_up_is_answered_in_time_or_late(book: Book) -> None:
    book.at(at(date(2026, 11, 26), 9))
    book.sign_in(1)
    for _ in range(2):
        book.issue("social-security")
    first = book.serve(1, rating=2)
    second = book.serve(1, rating=1)
    supervision = book.state.supervision
    due = supervision.follow_ups[first].due_on
    assert due == date(2026, 12, 17)
    with pytest.raises(DomainError) as refused:
        book.run(AssignFollowUp(first, "ghost"))
    assert refused.value.field == "assignee"
    book.run(AssignFollowUp(first, "director"))
    book.at(at(due, 17))
    book.run(AnswerFollowUp(first, "已电话回访，群众接受道歉", "加强窗口服务礼仪培训"))
    book.run(CloseFollowUp(first))
    assert followed_up_in_time(supervision.follow_ups[first])
    assert supervision.follow_ups[first].status == "closed"
    later = due + timedelta(days=1)
    assert follow_up_overdue(supervision.follow_ups[second], later)
    book.at(at(later, 9))
    book.run(AnswerFollowUp(second, "回访未果后补"))
    assert not followed_up_in_time(supervision.follow_ups[second])
    assert not follow_up_overdue(supervision.follow_ups[second], later)


def test_a_call_back_sample_is_random_among_the_other_completed_tickets(book: Book) -> None:
    book.at(at(date(2026, 11, 26), 9))
    book.sign_in(4)
    tickets = []
    for level in (5, 4, 1, None, 3, 5, 2, None):
        book.issue("household")
        tickets.append(book.serve(4, minutes=3, rating=level))
    bad = {tickets[2], tickets[6]}
    drawn = book.run(DrawCallBackSample(4, seed=7))[-1]
    sample = book.state.supervision.samples[drawn.sample]
    chosen = [entry["ticket"] for entry in sample.entries]
    assert len(chosen) == 4 and not set(chosen) & bad
    assert set(chosen) <= set(tickets)
    # Drawing again leaves out what was drawn: 6 candidates, 4 taken, 2 left.
    again = book.run(DrawCallBackSample(4, seed=7))[-1]
    rest = [entry["ticket"] for entry in book.state.supervision.samples[again.sample].entries]
    assert sorted(rest + chosen) == sorted(set(tickets) - bad)
    with pytest.raises(DomainError) as refused:
        book.run(DrawCallBackSample(1, seed=1))
    assert refused.value.code == "nothing_to_sample"
    book.run(RecordCallBack(sample.id, chosen[0], "satisfied", "满意"))
    assert sample.outcomes[chosen[0]] == ("satisfied", "满意", "director")
    with pytest.raises(DomainError) as refused:
        book.run(RecordCallBack(sample.id, tickets[2], "satisfied"))
    assert refused.value.code == "unknown_ticket"


def test_the_same_seed_draws_the_same_sample(demo_config: dict[str, Any], clock: Any,
                                             ids: Any) -> None:
    def draw(seed: int) -> list[str]:
        book = Book(demo_config, type(clock)(at(date(2026, 11, 26), 9)), type(ids)())
        book.sign_in(4)
        for _ in range(10):
            book.issue("household")
            book.serve(4, minutes=2)
        drawn = book.run(DrawCallBackSample(3, seed=seed))[-1]
        return [e["number"] for e in book.state.supervision.samples[drawn.sample].entries]

    assert draw(11) == draw(11)
    assert any(draw(11) != draw(seed) for seed in range(12, 20))


def test_supervision_survives_a_new_day_and_a_replay(book: Book) -> None:
    from hub.domain.fold import replay

    book.at(at(date(2026, 11, 26), 9))
    book.sign_in(4)
    book.issue("household")
    rated = book.serve(4, rating=1)
    book.run(RecordComplaint("phone", "投诉", "next_day"))
    book.at(at(date(2026, 11, 27), 9))
    book.issue("household")  # a new business day starts
    assert rated in book.state.supervision.follow_ups
    assert len(book.state.supervision.complaints) == 1
    rebuilt = replay(book.events)
    assert rebuilt.supervision == book.state.supervision
    assert rebuilt.seq == book.state.seq
    _ = cmd  # commands module used by the kit


def test_supervision_events_survive_the_journal_codec(book: Book) -> None:
    import json

    from hub.domain.codec import decode, encode
    from hub.domain.fold import replay

    book.at(at(date(2026, 11, 26), 9))
    book.sign_in(4)
    for level in (1, 5, 2):
        book.issue("household")
        book.serve(4, rating=level)
    rated = next(iter(book.state.supervision.follow_ups))
    book.run(AssignFollowUp(rated, "director"))
    book.run(AnswerFollowUp(rated, "已回访", "整改"))
    book.run(CloseFollowUp(rated, "完成"))
    complaint = book.run(RecordComplaint("letter", "信件投诉", "multi_unit", window=4,
                                         complainant="李四", phone="13700001111"))[-1]
    book.run(AssignComplaint(complaint.complaint, "director"))
    drawn = book.run(DrawCallBackSample(1, seed=3))[-1]
    entry = book.state.supervision.samples[drawn.sample].entries[0]
    book.run(RecordCallBack(drawn.sample, entry["ticket"], "unreachable"))
    events = book.events
    decoded = [decode(json.loads(json.dumps(encode(e), ensure_ascii=False))) for e in events]
    assert decoded == events
    assert replay(decoded).supervision == book.state.supervision
