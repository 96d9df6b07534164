"""Reports from the journal: a scripted day whose figures are worked out by hand,
months and ranges, attendance, ranking, and the CSV and XLSX exports read back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from hub.domain import commands as cmd
from hub.domain.supervision import AnswerComplaint, AnswerFollowUp, RecordComplaint
from hub.read.reports import build_report, month_range, p90
from hub.read.reports_export import TABLES, table, to_csv, to_xlsx
from tests.conftest import SHANGHAI
from tests.manage.kit import Book

DAY = date(2026, 11, 26)  # a Thursday


def at(hour: int, minute: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def scripted(book: Book) -> Book:
    """One morning, minute by minute (see the expectations below)."""
    book.at(at(8, 20)).sign_in(1)
    book.at(at(8, 45)).sign_in(4)
    a001 = book.at(at(9, 0)).issue("social-security")
    book.at(at(9, 2)).issue("social-security")
    book.at(at(9, 4)).issue("household")
    assert book.at(at(9, 10)).call(1) == a001
    book.act(1, cmd.StartService(1))
    book.at(at(9, 16)).act(1, cmd.Complete(1))
    book.run(cmd.Rate(a001, 5), "pad-1")
    book.call(1)  # A002, waited 14 minutes
    book.at(at(9, 17)).act(1, cmd.MarkNoShow(1))
    book.at(at(9, 20)).call(4)  # C001, waited 16 minutes
    book.act(4, cmd.StartService(4))
    book.at(at(9, 25)).act(4, cmd.Transfer(4, to_service="real-estate"))
    complaint = book.at(at(9, 30)).run(RecordComplaint(
        "on_site", "态度不好", "next_day", window=4, clerk="zhaolei"))[-1]
    b001 = book.issue("medical-insurance")
    book.at(at(9, 40)).call(1)
    book.at(at(9, 41)).act(1, cmd.StartService(1))
    book.at(at(9, 50)).act(1, cmd.Complete(1))
    book.run(cmd.Rate(b001, 2, ("服务效率",), "太慢"), "pad-1")
    book.at(at(16, 0)).sign_out(1)  # leaves early
    book.at(at(17, 35)).sign_out(4)
    book.at(at(10, 0, date(2026, 11, 27)))
    book.run(AnswerFollowUp(b001, "已回访"))
    book.run(AnswerComplaint(complaint.complaint, "已答复"))
    return book


def test_p90_is_the_nearest_rank() -> None:
    assert p90([5.0]) == 5.0
    assert p90([4.0, 1.0, 3.0, 2.0]) == 4.0
    assert p90([float(n) for n in range(1, 11)]) == 9.0
    assert p90([float(n) for n in range(1, 21)]) == 18.0
    assert p90([]) is None


def test_the_scripted_day_by_hand(scripted: Book) -> None:
    report = build_report(scripted.events, DAY, DAY, today=date(2026, 11, 27))
    totals = report["totals"]
    assert (totals["tickets"], totals["called"], totals["served"]) == (4, 4, 2)
    assert (totals["no_shows"], totals["transfers"], totals["complaints"]) == (1, 1, 1)
    assert totals["wait"] == {"count": 4, "mean": 750.0, "p90": 960.0}  # 10, 14, 16, 10 min
    assert totals["handling"] == {"count": 2, "mean": 450.0, "p90": 540.0}  # 6, 9 min
    assert totals["ratings"] == {"count": 2, "satisfaction_rate": 0.5,
                                 "levels": {"5": 1, "4": 0, "3": 0, "2": 1, "1": 0}}
    assert totals["bad"] == {"count": 1, "followed_up": 1, "in_time": 1}
    assert totals["complaint_deadlines"] == {"answered_in_time": 1, "answered_late": 0,
                                             "overdue": 0}
    services = {s["id"]: s for s in report["services"]}
    assert [s["id"] for s in report["services"]][:2] == ["social-security", "medical-insurance"]
    social = services["social-security"]
    assert (social["tickets"], social["called"], social["served"], social["no_shows"]) == \
        (2, 2, 1, 1)
    assert social["wait"]["mean"] == 720.0
    assert services["household"]["transfers"] == 1
    assert services["medical-insurance"]["ratings"]["satisfaction_rate"] == 0.0
    assert services["real-estate"]["tickets"] == 0
    windows = {w["id"]: w for w in report["windows"]}
    assert len(windows) == 8
    assert (windows[1]["called"], windows[1]["served"], windows[1]["no_shows"]) == (3, 2, 1)
    assert (windows[4]["transfers"], windows[4]["complaints"]) == (1, 1)
    assert windows[1]["name"]["zh"] == "1号窗口 社保"
    clerks = {c["username"]: c for c in report["clerks"]}
    assert clerks["wangli"]["name"] == "王丽"
    assert clerks["wangli"]["attendance"] == {"days": 1, "late": 0, "early_leave": 1}
    assert clerks["zhaolei"]["attendance"] == {"days": 1, "late": 1, "early_leave": 0}
    assert clerks["zhaolei"]["complaints"] == 1
    assert report["ranking"]["windows"] == [{
        "id": 1, "name": {"zh": "1号窗口 社保", "en": "Window 1 Social insurance"},
        "score": 70.0, "served": 2, "satisfaction_rate": 0.5, "complaints": 0,
        "wait_mean": 680.0, "rank": 1, "excellent": True}]
    assert report["charts"]["per_hour"] == [{"hour": 9, "tickets": 4}]
    buckets = {b["from"]: b["count"] for b in report["charts"]["wait_buckets"]}
    assert buckets == {0: 0, 5: 0, 10: 4, 20: 0, 30: 0, 45: 0, 60: 0}


def test_a_complaint_not_answered_in_time_is_overdue(book: Book) -> None:
    book.at(at(9, 0)).run(RecordComplaint("phone", "电话投诉", "on_spot"))
    report = build_report(book.events, DAY, DAY, today=date(2026, 11, 27))
    assert report["totals"]["complaint_deadlines"]["overdue"] == 1
    assert build_report(book.events, DAY, DAY, today=DAY)["totals"][
        "complaint_deadlines"]["overdue"] == 0


def test_days_outside_the_range_do_not_count(scripted: Book) -> None:
    scripted.at(at(9, 0, date(2026, 11, 27))).issue("household")
    next_day = build_report(scripted.events, date(2026, 11, 27), date(2026, 11, 27))
    assert next_day["totals"]["tickets"] == 1 and next_day["totals"]["served"] == 0
    first, last = month_range("2026-11")
    assert (first, last) == (date(2026, 11, 1), date(2026, 11, 30))
    assert month_range("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    month = build_report(scripted.events, first, last)
    assert month["totals"]["tickets"] == 5
    assert [d["day"] for d in month["charts"]["per_day"]] == ["2026-11-26", "2026-11-27"]


def test_csv_tables_read_back(scripted: Book) -> None:
    report = build_report(scripted.events, DAY, DAY)
    for name in TABLES:
        header, rows = table(report, name)
        text = to_csv(report, name).decode("utf-8-sig")
        back = list(csv.reader(io.StringIO(text)))
        assert back[0] == header
        assert back[1:] == [["" if v is None else str(v) for v in row] for row in rows]
    windows = list(csv.DictReader(io.StringIO(to_csv(report, "windows").decode("utf-8-sig"))))
    one = next(w for w in windows if w["窗口"] == "1")
    assert (one["办结"], one["过号"], one["平均等候(分钟)"], one["满意率(%)"]) == \
        ("2", "1", "11.3", "50.0")
    with pytest.raises(ValueError):
        to_csv(report, "salaries")


def test_the_xlsx_workbook_reads_back(scripted: Book) -> None:
    report = build_report(scripted.events, DAY, DAY)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    assert book.sheetnames == ["汇总", "事项", "窗口", "人员", "考勤", "排名", "按期办结"]
    for name, sheet in zip(TABLES, book.worksheets, strict=True):
        header, rows = table(report, name)
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert values[0] == header
        assert values[1:] == rows
    attendance = [list(r) for r in book["考勤"].iter_rows(values_only=True)][1:]
    assert attendance == [["2026-11-26", "wangli", "王丽", "08:20", "16:00", "否", "是"],
                          ["2026-11-26", "zhaolei", "赵磊", "08:45", "17:35", "是", "否"]]
