"""Reports of a day, a month or any range, per service, window and clerk (统计、分析).

A pure read model over the journal: `build_report(events, start, end)` walks the
events once and counts what happened on the business days from `start` to `end`.
The definitions, which the dashboard shows next to the figures:

- tickets: tickets issued (per service: the service they were issued for);
- called: tickets first called at a window / by a clerk;
- served: completions (办结), no-shows (过号) and transfers (转办) as events, at the
  window and by the clerk where they happened;
- wait: from taking the ticket to its first call, counted for the service it was
  issued for and the window and clerk that first called it;
- handling: from the (last) start of service to completion;
- mean and 90th percentile (nearest rank: the ⌈0.9·n⌉-th smallest), in seconds;
- ratings by level (5 非常满意 … 1 非常不满意); 满意率 = share rated 基本满意 (3)
  or better among those rated;
- bad ratings (1, 2) and how many were called back (回访 answered) by their
  deadline — their follow-ups may be answered after the range ends;
- complaints by the window and clerk they are about;
- attendance: each clerk's first sign-in and last sign-out of each day against
  the opening hours (late, early leave);
- ranking (优秀窗口): score = 60 × 满意率 + 40 × served ÷ the most served − 5 × complaints.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hub.domain import cases as cs
from hub.domain import events as ev
from hub.domain import supervision as sv
from hub.domain.calendar import add_working_days, business_day
from hub.domain.config import CenterConfig, parse_config

LEVELS = (5, 4, 3, 2, 1)
SATISFIED = 3
WAIT_BUCKETS = ((0, 5), (5, 10), (10, 20), (20, 30), (30, 45), (45, 60), (60, None))  # minutes


def mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def p90(values: list[float]) -> float | None:
    """The 90th percentile by nearest rank: the ⌈0.9·n⌉-th smallest value."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[math.ceil(0.9 * len(ordered)) - 1], 1)


@dataclass
class Tally:
    """The figures of one service, window, clerk or the whole center."""

    tickets: int = 0
    called: int = 0
    served: int = 0
    no_shows: int = 0
    transfers: int = 0
    waits: list[float] = field(default_factory=list)
    handlings: list[float] = field(default_factory=list)
    levels: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    bad: list[str] = field(default_factory=list)  # ticket ids rated 1 or 2
    complaints: int = 0

    def as_dict(self, in_time: set[str], answered: set[str]) -> dict[str, Any]:
        rated = sum(self.levels.values())
        satisfied = sum(n for level, n in self.levels.items() if level >= SATISFIED)
        return {
            "tickets": self.tickets,
            "called": self.called,
            "served": self.served,
            "no_shows": self.no_shows,
            "transfers": self.transfers,
            "wait": {"count": len(self.waits), "mean": mean(self.waits), "p90": p90(self.waits)},
            "handling": {"count": len(self.handlings), "mean": mean(self.handlings),
                         "p90": p90(self.handlings)},
            "ratings": {
                "count": rated,
                "levels": {str(level): self.levels[level] for level in LEVELS},
                "satisfaction_rate": round(satisfied / rated, 4) if rated else None,
            },
            "bad": {
                "count": len(self.bad),
                "followed_up": sum(1 for t in self.bad if t in answered),
                "in_time": sum(1 for t in self.bad if t in in_time),
            },
            "complaints": self.complaints,
        }


@dataclass
class _Ticket:
    service: str  # as issued
    issued_at: datetime
    day: date
    current: str = ""  # where it waits now (after transfers)
    called: bool = False
    window: int | None = None  # of the last call
    clerk: str | None = None
    started_at: datetime | None = None


@dataclass
class _Walk:
    """Everything counted while walking the journal."""

    start: date
    end: date
    config: CenterConfig | None = None
    total: Tally = field(default_factory=Tally)
    services: dict[str, Tally] = field(default_factory=dict)
    windows: dict[int, Tally] = field(default_factory=dict)
    clerks: dict[str, Tally] = field(default_factory=dict)
    tickets: dict[str, _Ticket] = field(default_factory=dict)
    due: dict[str, date] = field(default_factory=dict)  # bad rating -> follow-up deadline
    answered: dict[str, date] = field(default_factory=dict)  # follow-up -> first answer day
    attendance: dict[tuple[date, str], list[datetime | None]] = field(default_factory=dict)
    per_hour: dict[int, int] = field(default_factory=dict)
    per_day: dict[date, Tally] = field(default_factory=dict)
    complaints: dict[str, tuple[date, date | None]] = field(default_factory=dict)  # due, answer
    # 承诺件: id -> [service, due day, 办结 day, window opened at]
    cases: dict[str, list[Any]] = field(default_factory=dict)

    def day(self, at: datetime) -> date:
        assert self.config is not None
        return business_day(self.config, at)

    def inside(self, day: date) -> bool:
        return self.start <= day <= self.end

    def tallies(self, day: date, service: str | None, window: int | None,
                clerk: str | None) -> list[Tally]:
        found = [self.total, self.per_day.setdefault(day, Tally())]
        if service is not None:
            found.append(self.services.setdefault(service, Tally()))
        if window is not None:
            found.append(self.windows.setdefault(window, Tally()))
        if clerk is not None:
            found.append(self.clerks.setdefault(clerk, Tally()))
        return found


def _walk(walk: _Walk, event: ev.Event) -> None:
    if isinstance(event, ev.ConfigChanged):
        walk.config = parse_config(event.config)
        return
    if isinstance(event, ev.DayStarted):
        walk.tickets.clear()  # tickets live one business day
        return
    if walk.config is None:
        return
    day = walk.day(event.at)
    if isinstance(event, ev.TicketIssued):
        walk.tickets[event.ticket] = _Ticket(event.service, event.at, day, event.service)
        if walk.inside(day):
            for tally in walk.tallies(day, event.service, None, None):
                tally.tickets += 1
            hour = event.at.astimezone(walk.config.tz).hour
            walk.per_hour[hour] = walk.per_hour.get(hour, 0) + 1
        return
    if isinstance(event, ev.ClerkSignedIn | ev.ClerkSignedOut):
        _attend(walk, event, day)
        return
    if isinstance(event, sv.ComplaintRecorded | sv.ComplaintAnswered):
        _complaint(walk, event, day)
        return
    if isinstance(event, sv.FollowUpAnswered):
        walk.answered.setdefault(event.follow_up, day)
        return
    if isinstance(event, cs.CaseOpened | cs.CaseAdvanced):
        _case(walk, event, day)
        return
    ticket = walk.tickets.get(getattr(event, "ticket", ""))
    if ticket is None:
        return
    if isinstance(event, ev.TicketCalled):
        ticket.window, ticket.clerk = event.window, event.clerk
        if not ticket.called:
            ticket.called = True
            if walk.inside(ticket.day):
                wait = (event.at - ticket.issued_at).total_seconds()
                for tally in walk.tallies(ticket.day, ticket.service, event.window, event.clerk):
                    tally.called += 1
                    tally.waits.append(wait)
    elif isinstance(event, ev.ServiceStarted):
        ticket.started_at = event.at
    elif not walk.inside(day):
        if isinstance(event, ev.TicketTransferred):
            ticket.current = event.to_service
        return
    elif isinstance(event, ev.TicketCompleted):
        handling = (event.at - (ticket.started_at or event.at)).total_seconds()
        for tally in walk.tallies(day, event.service, event.window, event.clerk):
            tally.served += 1
            tally.handlings.append(handling)
    elif isinstance(event, ev.TicketNoShow):
        for tally in walk.tallies(day, ticket.current, event.window, ticket.clerk):
            tally.no_shows += 1
    elif isinstance(event, ev.TicketTransferred):
        ticket.current = event.to_service
        for tally in walk.tallies(day, event.from_service, event.from_window, ticket.clerk):
            tally.transfers += 1
    elif isinstance(event, ev.TicketRated):
        bad = event.level in sv.BAD_LEVELS
        if bad:
            walk.due[event.ticket] = add_working_days(
                walk.config.hours, day, walk.config.supervision.follow_up_days)
        for tally in walk.tallies(day, event.service, event.window, event.clerk):
            tally.levels[event.level] += 1
            if bad:
                tally.bad.append(event.ticket)


def _attend(walk: _Walk, event: ev.ClerkSignedIn | ev.ClerkSignedOut, day: date) -> None:
    if not walk.inside(day):
        return
    if isinstance(event, ev.ClerkSignedIn):
        times = walk.attendance.setdefault((day, event.clerk), [None, None])
        if times[0] is None:
            times[0] = event.at
        times[1] = None  # signed in again: not gone (yet)
        if event.replaced:  # 顶岗: the colleague's session ends here
            walk.attendance.setdefault((day, event.replaced), [None, None])[1] = event.at
    else:
        walk.attendance.setdefault((day, event.clerk), [None, None])[1] = event.at


def _complaint(walk: _Walk, event: sv.ComplaintRecorded | sv.ComplaintAnswered,
               day: date) -> None:
    if isinstance(event, sv.ComplaintRecorded):
        if walk.inside(day):
            walk.complaints[event.complaint] = (event.due_on, None)
            walk.total.complaints += 1
            if event.subject_window is not None:
                walk.windows.setdefault(event.subject_window, Tally()).complaints += 1
            if event.subject_clerk:
                walk.clerks.setdefault(event.subject_clerk, Tally()).complaints += 1
    elif event.complaint in walk.complaints:
        due, answered = walk.complaints[event.complaint]
        walk.complaints[event.complaint] = (due, answered or day)


def _case(walk: _Walk, event: cs.CaseOpened | cs.CaseAdvanced, day: date) -> None:
    if isinstance(event, cs.CaseOpened):
        if event.kind == "promised":
            walk.cases[event.case] = [event.service, event.due_on, None, event.window]
    elif event.stage == cs.DONE and event.case in walk.cases:
        walk.cases[event.case][2] = walk.cases[event.case][2] or day


def _on_time_tally(walk: _Walk, today: date | None, by: int) -> dict[Any, dict[str, int]]:
    """The 承诺件 due within the report's days, by service (by=0) or window (by=3):
    done by the due day (on_time), done after it (late), open past it (overdue), open
    and not yet due (pending, not judged)."""
    rows: dict[Any, dict[str, int]] = {}
    for case in walk.cases.values():
        due_on, done_on = case[1], case[2]
        if not walk.inside(due_on):
            continue
        row = rows.setdefault(case[by], {"due": 0, "on_time": 0, "late": 0, "overdue": 0,
                                         "pending": 0})
        row["due"] += 1
        if done_on is not None:
            row["on_time" if done_on <= due_on else "late"] += 1
        elif today is not None and today > due_on:
            row["overdue"] += 1
        else:
            row["pending"] += 1
    return rows


def _rate(row: dict[str, int]) -> float | None:
    judged = row["due"] - row["pending"]
    return round(row["on_time"] / judged, 4) if judged else None


def on_time_rows(walk: _Walk, today: date | None) -> list[dict[str, Any]]:
    """按期办结率 per service (rate = on_time / (due - pending)), then the total."""
    rows = _on_time_tally(walk, today, 0)
    found = []
    config = walk.config
    order = [s.id for s in config.services] if config else []
    for service in sorted(rows, key=lambda s: (order.index(s) if s in order else 999, s)):
        row = rows[service]
        known = config.service(service) if config else None
        found.append({"service": service,
                      "name": known.name.to_dict() if known else {"zh": service, "en": service},
                      **row, "rate": _rate(row)})
    total = {key: sum(r[key] for r in found) for key in
             ("due", "on_time", "late", "overdue", "pending")}
    found.append({"service": "", "name": {"zh": "合计", "en": "Total"}, **total,
                  "rate": _rate(total)})
    return found


def on_time_by_window(walk: _Walk, today: date | None) -> list[dict[str, Any]]:
    """按期办结率 per window the 承诺件 were opened at (window None: opened away from a
    window, e.g. by a manager)."""
    rows = _on_time_tally(walk, today, 3)
    found = []
    for window in sorted(rows, key=lambda w: (w is None, w or 0)):
        known = walk.config.window(window) if walk.config and window is not None else None
        name = known.name.to_dict() if known else (
            {"zh": f"{window}号窗口", "en": f"Window {window}"} if window is not None
            else {"zh": "非窗口受理", "en": "Not at a window"})
        found.append({"window": window, "name": name, **rows[window], "rate": _rate(rows[window])})
    return found


def build_report(events: Iterable[ev.Event], start: date, end: date,
                 today: date | None = None) -> dict[str, Any]:
    """The report of the business days `start`..`end` from the whole journal `events`.

    `today` (the hub's business day) decides which open complaints are overdue.
    """
    walk = _Walk(start, end)
    for event in events:
        _walk(walk, event)
    config = walk.config
    in_time = {t for t, day in walk.answered.items() if t in walk.due and day <= walk.due[t]}
    answered = set(walk.answered)

    def row(tally: Tally) -> dict[str, Any]:
        return tally.as_dict(in_time, answered)

    services = [{"id": service.id, "name": service.name.to_dict(),
                 **row(walk.services.get(service.id, Tally()))}
                for service in (config.services if config else ())]
    services += [{"id": sid, "name": {"zh": sid, "en": sid}, **row(tally)}
                 for sid, tally in sorted(walk.services.items())
                 if config is None or config.service(sid) is None]
    window_ids = sorted({w.id for w in (config.windows if config else ())} | set(walk.windows))
    windows = [{"id": wid, "name": _window_name(config, wid),
                **row(walk.windows.get(wid, Tally()))} for wid in window_ids]
    attendance = _attendance_rows(walk)
    clerks = []
    for clerk in sorted(set(walk.clerks) | {a["clerk"] for a in attendance}):
        mine = [a for a in attendance if a["clerk"] == clerk]
        clerks.append({
            "username": clerk, "name": staff_name(config, clerk),
            **row(walk.clerks.get(clerk, Tally())),
            "attendance": {"days": len(mine), "late": sum(a["late"] for a in mine),
                           "early_leave": sum(a["early_leave"] for a in mine)},
        })
    complaints_due = [(due, answered_on) for due, answered_on in walk.complaints.values()]
    totals = row(walk.total)
    totals["complaint_deadlines"] = {
        "answered_in_time": sum(1 for due, a in complaints_due if a is not None and a <= due),
        "answered_late": sum(1 for due, a in complaints_due if a is not None and a > due),
        "overdue": sum(1 for due, a in complaints_due
                       if a is None and today is not None and today > due),
    }
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "totals": totals,
        "services": services,
        "windows": windows,
        "clerks": clerks,
        "attendance": attendance,
        "ranking": {"windows": ranking(windows, "id"), "clerks": ranking(clerks, "username")},
        "cases": on_time_rows(walk, today),  # 按期办结率
        "cases_by_window": on_time_by_window(walk, today),
        "charts": {
            "per_hour": [{"hour": h, "tickets": n} for h, n in sorted(walk.per_hour.items())],
            "wait_buckets": wait_buckets(walk.total.waits),
            "per_day": [
                {"day": d.isoformat(), "tickets": t.tickets, "served": t.served,
                 "satisfaction_rate": row(t)["ratings"]["satisfaction_rate"]}
                for d, t in sorted(walk.per_day.items())
            ],
        },
    }


def _attendance_rows(walk: _Walk) -> list[dict[str, Any]]:
    config = walk.config
    rows = []
    for (day, clerk), (first_in, last_out) in sorted(walk.attendance.items()):
        if first_in is None:
            continue
        late = early = False
        if config is not None:
            opening, closing = config.hours.opening, config.hours.closing
            late = first_in.astimezone(config.tz).time() > opening
            early = last_out is not None and last_out.astimezone(config.tz).time() < closing
        rows.append({
            "day": day.isoformat(), "clerk": clerk, "name": staff_name(config, clerk),
            "first_sign_in": first_in.isoformat(),
            "last_sign_out": last_out.isoformat() if last_out else None,
            "late": late, "early_leave": early,
        })
    return rows


def wait_buckets(waits: list[float]) -> list[dict[str, Any]]:
    """How many waited 0-5, 5-10, … minutes, and 60 or more."""
    found = []
    for low, high in WAIT_BUCKETS:
        count = sum(1 for w in waits if w >= low * 60 and (high is None or w < high * 60))
        found.append({"from": low, "to": high, "count": count})
    return found


def ranking(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """优秀窗口评比: rank by score = 60 × 满意率 + 40 × served ÷ the most served − 5 × complaints.

    Only those who served anyone take part; an unrated row counts 满意率 as 0.
    Ties go to more served, then the shorter mean wait.
    """
    taking_part = [r for r in rows if r["served"] > 0]
    most = max((r["served"] for r in taking_part), default=0)
    scored = []
    for r in taking_part:
        rate = r["ratings"]["satisfaction_rate"] or 0.0
        score = round(60 * rate + 40 * r["served"] / most - 5 * r["complaints"], 1)
        scored.append({key: r[key], "name": r["name"], "score": score, "served": r["served"],
                       "satisfaction_rate": r["ratings"]["satisfaction_rate"],
                       "complaints": r["complaints"], "wait_mean": r["wait"]["mean"]})
    scored.sort(key=lambda s: (-s["score"], -s["served"], s["wait_mean"] or 0.0))
    for rank, entry in enumerate(scored, start=1):
        entry["rank"] = rank
        entry["excellent"] = rank == 1
    return scored


def _window_name(config: CenterConfig | None, window: int) -> dict[str, str]:
    found = config.window(window) if config else None
    return found.name.to_dict() if found else {"zh": f"{window}号窗口", "en": f"Window {window}"}


def staff_name(config: CenterConfig | None, username: str) -> str:
    """The clerk's published name (staff card), else the username."""
    for entry in config.staff if config else ():
        if entry.get("username") == username and entry.get("name"):
            return str(entry["name"])
    return username


def month_range(month: str) -> tuple[date, date]:
    """The first and last day of "YYYY-MM"; ValueError when it is not one."""
    first = date.fromisoformat(f"{month}-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)
