"""REST of the manager's dashboard, under /api/v1/manage (managers and admins only).

Translators like `hub.web.api`: check who asks and the input, build a command or read
a model (`hub.read.manage_views`, `hub.read.reports`, `hub.web.alerts`), answer. The rules of
complaints, follow-ups and call-backs live in `hub.domain.supervision`; accounts
and devices use `hub.domain.accounts`. `GET /api/v1/clock` is public: it lets
`jiaohao simulate` pace itself by the hub's (possibly accelerated) clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from hub.center import Center
from hub.domain.calendar import business_day
from hub.domain.commands import Command
from hub.domain.events import TicketIssued
from hub.domain.state import CenterState
from hub.read import manage_views, reports, reports_export
from hub.read.wire import TO_MANAGERS, payload
from hub.store.auth import MANAGERS, Principal
from hub.web.alerts import compute_alerts
from hub.web.api import center_for, execute, hub, no_store, require
from hub.web.validation import ApiError

manage_api = Blueprint("manage_api", __name__, url_prefix="/api/v1")
MAX_RANGE_DAYS = 366


def manager_and_center() -> tuple[Principal, Center]:
    """The manager or admin asking (401/403 for anyone else) and their center."""
    who = require(*MANAGERS)
    return who, center_for(who)


def read_answer(center: Center, function: Callable[[CenterState, Any], Any]) -> Response:
    """`function(state, now)` read under the center's lock, as an uncached JSON answer."""
    now = center.clock()
    return no_store(jsonify(center.read(lambda state: function(state, now))))


def run_command(center: Center, who: Principal, command: Command) -> int:
    """Execute `command` as `who`; the seq it reached."""
    events = execute(center, command, who.name)
    return events[-1].seq if events else center.state.seq


@manage_api.get("/clock")
def clock() -> Any:
    """The hub's time and how fast its clock runs (1 = real time)."""
    center = hub().center(request.args.get("center"))
    now = hub().clock()
    spec = hub().settings.clock
    speed = float(spec.split(":", 1)[1].split("@", 1)[0]) if spec.startswith("fast:") else 1.0
    day = business_day(center.state.config, now).isoformat() \
        if center and center.state.config else None
    return no_store(jsonify({"now": now.isoformat(), "speed": speed, "business_day": day}))


@manage_api.get("/manage/overview")
def overview() -> Any:
    _, center = manager_and_center()
    return read_answer(center, manage_views.overview)


@manage_api.get("/manage/alerts")
def alerts() -> Any:
    _, center = manager_and_center()
    monitor = current_app.extensions.get("jiaohao.alerts")
    if monitor is not None:
        return no_store(jsonify(monitor.current(center.id)))
    return read_answer(center, lambda state, now: {
        "seq": state.seq, "at": now.isoformat(), "cleared": [],
        "alerts": compute_alerts(state, now)})


# ------------------------------------------------------------------ reports


DAY_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MONTH_FORM = re.compile(r"[0-9]{4}-[0-9]{2}")


def day_arg(name: str) -> date | None:
    """?name= as a day (YYYY-MM-DD only); absent or empty is None; else 422 naming it."""
    raw = request.args.get(name, "")
    if not raw:
        return None
    try:
        if not DAY_FORM.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(422, "invalid_field", f"{name} must be a date (YYYY-MM-DD)",
                       name) from None


def _range() -> tuple[date, date]:
    """The days a report covers: ?day=, ?month=YYYY-MM or ?from=&to= (default today)."""
    start, end, day = day_arg("from"), day_arg("to"), day_arg("day")  # each checked
    month = request.args.get("month", "")
    if month:
        try:
            if not MONTH_FORM.fullmatch(month):
                raise ValueError(month)
            return reports.month_range(month)
        except ValueError:
            raise ApiError(422, "invalid_field", "month must be YYYY-MM", "month") from None
    if start or end:
        start, end = start or end, end or start
    elif day:
        start = end = day
    else:
        _, center = manager_and_center()
        start = end = business_day(center.state.config, center.clock())  # type: ignore[arg-type]
    assert start is not None and end is not None
    if end < start or (end - start) > timedelta(days=MAX_RANGE_DAYS):
        raise ApiError(422, "invalid_field", f"from must not be after to, at most "
                       f"{MAX_RANGE_DAYS} days", "to")
    return start, end


def _report(center: Center) -> dict[str, Any]:
    start, end = _range()
    today = business_day(center.state.config, center.clock())  # type: ignore[arg-type]
    # The journal is read, and the report computed, off the event loop.
    found: dict[str, Any] = hub().run(
        lambda: reports.build_report(center.journal(0), start, end, today))
    return found


@manage_api.get("/manage/reports")
def report() -> Any:
    _, center = manager_and_center()
    return no_store(jsonify(_report(center)))


@manage_api.get("/manage/reports/export")
def export() -> Any:
    _, center = manager_and_center()
    kind = request.args.get("format", "xlsx")
    name = request.args.get("table", "windows")
    if kind not in ("csv", "xlsx"):
        raise ApiError(422, "invalid_field", "format must be csv or xlsx", "format")
    if (kind == "csv" or "table" in request.args) and name not in reports_export.TABLES:
        raise ApiError(422, "invalid_field",
                       f"table must be one of {', '.join(reports_export.TABLES)}", "table")
    found = _report(center)
    stem = f"jiaohao-{center.id}-{found['from']}_{found['to']}"
    if kind == "csv":
        data, mimetype, filename = (reports_export.to_csv(found, name), "text/csv; charset=utf-8",
                                    f"{stem}-{name}.csv")
    else:
        data = reports_export.to_xlsx(found)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        filename = f"{stem}.xlsx"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)


# ------------------------------------------------------------------ complaints


@manage_api.get("/manage/complaints")
def complaints() -> Any:
    _, center = manager_and_center()
    return read_answer(center, lambda state, now: {"seq": state.seq, "complaints": [
        manage_views.complaint_view(state, c, now)
        for c in sorted(state.supervision.complaints.values(), key=lambda c: c.received_at,
                        reverse=True)]})


@manage_api.get("/manage/follow-ups")
def follow_ups() -> Any:
    _, center = manager_and_center()
    return read_answer(center, lambda state, now: {"seq": state.seq, "follow_ups": [
        manage_views.follow_up_view(state, f, now)
        for f in sorted(state.supervision.follow_ups.values(), key=lambda f: f.rated_at,
                        reverse=True)]})


@manage_api.get("/manage/call-backs")
def call_backs() -> Any:
    _, center = manager_and_center()
    return read_answer(center, lambda state, now: {"seq": state.seq, "samples": [
        manage_views.sample_view(state, s)
        for s in sorted(state.supervision.samples.values(), key=lambda s: s.drawn_at,
                        reverse=True)]})


# ------------------------------------------------------------------ audit trail


AUDIT_FIELDS = ("ticket", "follow_up", "subject_ticket", "sampled")


@manage_api.get("/manage/audit")
def audit() -> Any:
    """Every event of one ticket (who and when): by ?ticket=ID or ?number=A012&day=."""
    _, center = manager_and_center()
    ticket_id = request.args.get("ticket", "").strip()
    number = request.args.get("number", "").strip().upper()
    if not ticket_id and not number:
        raise ApiError(422, "missing_field", "give ticket= or number=", "ticket")
    day = day_arg("day") or business_day(center.state.config, center.clock())  # type: ignore[arg-type]
    config = center.state.config
    assert config is not None

    def find() -> list[Any]:
        wanted, found = ticket_id, []
        for event in center.journal(0):
            if not wanted and isinstance(event, TicketIssued) and event.number == number \
                    and business_day(config, event.at) == day:
                wanted = event.ticket
            if wanted and (any(getattr(event, f, None) == wanted for f in AUDIT_FIELDS) or any(
                    e.get("ticket") == wanted for e in getattr(event, "entries", ()))):
                found.append(event)
        return found

    events = hub().run(find)
    if not events:
        raise ApiError(404, "unknown_ticket", "no such ticket in the journal", "ticket")
    issued = events[0]
    return no_store(jsonify({
        "ticket": getattr(issued, "ticket", ticket_id), "number": getattr(issued, "number", number),
        "day": business_day(config, issued.at).isoformat(),
        "events": [payload(e, TO_MANAGERS) for e in events]}))

