"""A report as CSV tables and as one XLSX workbook (openpyxl), for 统计报表.

Times are in minutes (one decimal) and rates in percent (one decimal), as people
read them; the column headers are Chinese, as the center files them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

TABLES = ("summary", "services", "windows", "clerks", "attendance", "ranking", "cases")
SHEET_NAMES = {"summary": "汇总", "services": "事项", "windows": "窗口", "clerks": "人员",
               "attendance": "考勤", "ranking": "排名", "cases": "按期办结"}

Getter = Callable[[dict[str, Any]], Any]


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


# The figures every service, window and clerk row shares: (header, getter).
FIGURES: list[tuple[str, Getter]] = [
    ("呼叫", lambda r: r["called"]),
    ("办结", lambda r: r["served"]),
    ("过号", lambda r: r["no_shows"]),
    ("转办", lambda r: r["transfers"]),
    ("平均等候(分钟)", lambda r: minutes(r["wait"]["mean"])),
    ("等候P90(分钟)", lambda r: minutes(r["wait"]["p90"])),
    ("平均办理(分钟)", lambda r: minutes(r["handling"]["mean"])),
    ("办理P90(分钟)", lambda r: minutes(r["handling"]["p90"])),
    ("评价数", lambda r: r["ratings"]["count"]),
    ("非常满意", lambda r: r["ratings"]["levels"]["5"]),
    ("满意", lambda r: r["ratings"]["levels"]["4"]),
    ("基本满意", lambda r: r["ratings"]["levels"]["3"]),
    ("不满意", lambda r: r["ratings"]["levels"]["2"]),
    ("非常不满意", lambda r: r["ratings"]["levels"]["1"]),
    ("满意率(%)", lambda r: percent(r["ratings"]["satisfaction_rate"])),
    ("差评", lambda r: r["bad"]["count"]),
    ("已回访", lambda r: r["bad"]["followed_up"]),
    ("按期回访", lambda r: r["bad"]["in_time"]),
    ("投诉", lambda r: r["complaints"]),
]


def table(report: dict[str, Any], name: str) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of one table of `report`."""
    if name == "summary":
        totals = report["totals"]
        rows: list[list[Any]] = [["起始日期", report["from"]], ["截止日期", report["to"]],
                                 ["取号", totals["tickets"]]]
        rows += [[header, get(totals)] for header, get in FIGURES]
        deadlines = totals["complaint_deadlines"]
        rows += [["投诉按期答复", deadlines["answered_in_time"]],
                 ["投诉逾期答复", deadlines["answered_late"]],
                 ["投诉逾期未答复", deadlines["overdue"]]]
        return ["项目", "数值"], rows
    if name == "services":
        return (["事项编号", "事项名称", "取号"] + [h for h, _ in FIGURES],
                [[r["id"], r["name"]["zh"], r["tickets"]] + [g(r) for _, g in FIGURES]
                 for r in report["services"]])
    if name == "windows":
        return (["窗口", "窗口名称"] + [h for h, _ in FIGURES],
                [[r["id"], r["name"]["zh"]] + [g(r) for _, g in FIGURES]
                 for r in report["windows"]])
    if name == "clerks":
        return (["用户名", "姓名"] + [h for h, _ in FIGURES] + ["出勤天数", "迟到", "早退"],
                [[r["username"], r["name"]] + [g(r) for _, g in FIGURES]
                 + [r["attendance"]["days"], r["attendance"]["late"],
                    r["attendance"]["early_leave"]]
                 for r in report["clerks"]])
    if name == "attendance":
        return (["日期", "用户名", "姓名", "首次签到", "最后签退", "迟到", "早退"],
                [[a["day"], a["clerk"], a["name"], _clock(a["first_sign_in"]),
                  _clock(a["last_sign_out"]), "是" if a["late"] else "否",
                  "是" if a["early_leave"] else "否"] for a in report["attendance"]])
    if name == "ranking":
        rows = []
        for kind, label, key in (("windows", "窗口", "id"), ("clerks", "人员", "username")):
            for r in report["ranking"][kind]:
                rows.append([label, r["rank"], r[key], _name(r["name"]), r["score"], r["served"],
                             percent(r["satisfaction_rate"]), r["complaints"],
                             "优秀" if r["excellent"] else ""])
        return ["类别", "名次", "编号", "名称", "得分", "办结", "满意率(%)", "投诉", "评比"], rows
    if name == "cases":  # per service (with the total), then per window
        def counts(r: dict[str, Any]) -> list[Any]:
            return [r["due"], r["on_time"], r["late"], r["overdue"], r["pending"],
                    percent(r["rate"])]

        return (["按", "编号", "名称", "到期承诺件", "按期办结", "逾期办结", "超期未办结",
                 "未到期", "按期办结率(%)"],
                [["事项", r["service"] or "全部", _name(r["name"]), *counts(r)]
                 for r in report.get("cases", [])] +
                [["窗口", r["window"] if r["window"] is not None else "", _name(r["name"]),
                  *counts(r)] for r in report.get("cases_by_window", [])])
    raise ValueError(f"no table {name!r}; choose from {', '.join(TABLES)}")


def _clock(moment: str | None) -> str:
    return moment[11:16] if moment else ""  # HH:MM of an ISO local time


def _name(name: Any) -> str:
    return name["zh"] if isinstance(name, dict) else str(name)


def to_csv(report: dict[str, Any], name: str) -> bytes:
    """One table as CSV in UTF-8 with a BOM, so that Excel shows the Chinese right."""
    header, rows = table(report, name)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(report: dict[str, Any]) -> bytes:
    """Every table, one sheet each, in one workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name in TABLES:
        sheet = book.create_sheet(SHEET_NAMES[name])
        header, rows = table(report, name)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for index, title in enumerate(header, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(10, len(title) * 2 + 2)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
