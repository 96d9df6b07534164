"""The OpenAPI document of /api/v1 (a test keeps it true to the routes)."""

from __future__ import annotations

import re
from typing import Any

from hub.web.catalogue import CENTER_QUERY, Command, routes
from hub.web.openapi_schemas import EXPORT, SCHEMAS, SVG, ref
from hub.web.schema import Input

ERROR = ref("Error")


def _op(summary: str, who: str, answer: str | dict[str, Any], *,
        ok: int = 200, params: list[dict[str, Any]] | None = None,
        also: dict[str, Any] | None = None) -> dict[str, Any]:
    """An operation: `answer` names the 2xx JSON schema (components) or gives the
    content by media type; `also` adds other documented answers (e.g. 503)."""
    content = {"application/json": {"schema": ref(answer)}} if isinstance(answer, str) \
        else answer
    operation: dict[str, Any] = {
        "summary": summary,
        "description": f"Who: {who}.",
        "responses": {
            str(ok): {"description": "OK", "content": content},
            "4XX": {"description": "Refused", "content": {"application/json": {"schema": ERROR}}},
            **(also or {}),
        },
    }
    if params:
        operation["parameters"] = params
    return operation


def _path(name: str, kind: str = "string", **constraints: Any) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": kind, **constraints}}


def _query(name: str, kind: str = "string", **constraints: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False,
            "schema": {"type": kind, **constraints}}


CENTER = [_query("center")]
DATE = {"pattern": r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$",
        "description": "a day, YYYY-MM-DD; empty is the same as absent"}
WINDOW = _path("window", "integer", minimum=0)


def _rule_path(rule: str) -> str:
    """/windows/<int:window>/<action> -> /api/v1/windows/{window}/{action}"""
    return "/api/v1" + re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([A-Za-z_][A-Za-z0-9_]*)>", r"{\1}",
                              rule)


def _rule_params(rule: str, rows: list[Command]) -> list[dict[str, Any]]:
    """The path parameters of a Flask rule: <int:…> is a whole number (werkzeug
    takes no sign), a value that selects the row is one of the rows' values."""
    params = []
    for converter, name in re.findall(r"<(?:([a-z_]+):)?([A-Za-z_][A-Za-z0-9_]*)>", rule):
        choices = [value for row in rows for key, value in row.select if key == name]
        if choices:
            params.append(_path(name, enum=choices))
        elif converter == "int":
            params.append(_path(name, "integer", minimum=0))
        else:
            params.append(_path(name))
    return params


def _model_schema(model: type[Input]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema.pop("title", None)
    schema.pop("description", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    return schema


def _catalogue_op(rows: list[Command]) -> dict[str, Any]:
    """One documented operation from the catalogue rows that share its route."""
    schemas: list[dict[str, Any]] = []
    for row in rows:
        schema = _model_schema(row.body)
        if schema not in schemas:
            schemas.append(schema)
    answers = list(dict.fromkeys(row.answer.__name__ for row in rows))
    first = rows[0]
    if len(rows) == 1:
        summary, who = first.summary, first.who
    else:
        name = first.select[0][0]
        summary = f"{first.family or name}: " + "; ".join(
            f"{dict(row.select)[name]}: {row.summary}" for row in rows)
        who = ", ".join(dict.fromkeys(row.who for row in rows))
    operation = _op(summary, who, answers[0] if len(answers) == 1 else {
        "application/json": {"schema": {"anyOf": [ref(a) for a in answers]}}},
        ok=first.status, params=[*_rule_params(first.path, rows),
                                 *([CENTER_QUERY] if first.center_query else []), *first.query])
    operation["operationId"] = first.name if len(rows) == 1 else first.name.split(".")[0]
    operation["requestBody"] = {
        "required": all(bool(schema.get("required")) for schema in schemas),
        "content": {"application/json": {
            "schema": schemas[0] if len(schemas) == 1 else {"anyOf": schemas}}}}
    return operation


def catalogue_paths() -> dict[str, Any]:
    """The documented operations of every catalogue route (hub/web/catalogue.py)."""
    found: dict[str, Any] = {}
    for (method, rule), rows in routes().items():
        found.setdefault(_rule_path(rule), {})[method.lower()] = _catalogue_op(rows)
    return found


def manage_paths() -> dict[str, Any]:
    """The manager's dashboard (hub/web/api_manage.py): managers and admins only."""
    from hub.read.reports_export import TABLES

    who = "manager, admin"
    report_range = [_query("day", **DATE), _query("month", pattern=r"^([0-9]{4}-[0-9]{2})?$"),
                    _query("from", **DATE), _query("to", **DATE)]
    return {
        "/api/v1/clock": {"get": _op(
            "The hub's time, business day and clock speed (jiaohao simulate paces by it)",
            "anyone", "Clock", params=CENTER)},
        "/api/v1/manage/overview": {"get": _op(
            "Live overview: per service waiting, longest wait, eta, served; per window state, "
            "clerk, current ticket and for how long; today's figures and charts", who,
            "Overview")},
        "/api/v1/manage/alerts": {"get": _op(
            "Current alerts (long waits, 无人顶岗, late appointments, device faults and "
            "offline displays, overdue complaints and follow-ups) and recently cleared", who,
            "Alerts")},
        "/api/v1/manage/reports": {"get": _op(
            "Report of a day, a month or a range (at most 366 days): per service, window, "
            "clerk; attendance; ranking (优秀窗口); charts", who, "Report", params=report_range)},
        "/api/v1/manage/reports/export": {"get": _op(
            "The report as CSV (one table) or XLSX (every table)", who, EXPORT,
            params=[*report_range, _query("format", enum=["csv", "xlsx"]),
                    _query("table", enum=list(TABLES))])},
        "/api/v1/manage/complaints": {
            "get": _op("Complaints (投诉), newest first, complainant included", who,
                       "Complaints")},
        "/api/v1/manage/follow-ups": {"get": _op(
            "Follow-ups of every 不满意/非常不满意 rating, due in 15 working days", who,
            "FollowUps")},
        "/api/v1/manage/call-backs": {
            "get": _op("Call-back samples (抽样回访) with their outcomes", who, "Samples")},
        "/api/v1/manage/audit": {"get": _op(
            "Audit trail of a ticket: every event, who and when (ticket= or number=)", who,
            "Audit", params=[_query("ticket"), _query("number"), _query("day", **DATE)])},
        "/api/v1/manage/users": {"get": _op("Staff accounts", who, "Users")},
        "/api/v1/manage/devices": {"get": _op(
            "Devices with their health and whether they are connected", who, "Devices")},
    }


def notify_paths() -> dict[str, Any]:
    """The outbox (hub/web/api_notify.py): the notification list."""
    return {
        "/api/v1/notifications": {"get": _op(
            "Recent notifications (pending with attempts and next try; sent; given up), "
            "phone numbers masked, codes never shown", "manager, admin", "Notifications",
            params=CENTER)},
    }


def cases_paths() -> dict[str, Any]:
    """Cases (办件) and 一次性告知 (hub/web/api_cases.py)."""
    from hub.read.case_views import SHOWS

    return {
        "/api/v1/cases": {
            "get": _op("Cases by show= (open, due_soon, overdue, mine, done, all), soonest due "
                       "first, with each service's committed days, stages and materials and "
                       "the staff a case may be handed to; phones masked", "staff", "Cases",
                       params=[_query("show", enum=list(SHOWS))])},
        "/api/v1/cases/{case}": {"get": _op(
            "A case (by id or number C2026-000123) with its stages and history", "staff",
            "Case", params=[_path("case")])},
    }


def book_paths() -> dict[str, Any]:
    """The booking page's reads and the managers' appointment views (hub/web/api_book.py;
    booking on the phone and check-in by ID number are catalogue commands)."""
    span = [_query("from", format="date"), _query("to", format="date"), *CENTER]
    return {
        "/api/v1/book/services": {"get": _op(
            "Services that take appointments, with their guides (materials ...)", "anyone",
            "BookServices", params=CENTER)},
        "/api/v1/book/slots": {"get": _op(
            "A service's bookable working days (the horizon, 调休 included) and each "
            "slot's places left", "anyone", "BookSlots",
            params=[{**_query("service"), "required": True}, *CENTER])},
        "/api/v1/manage/appointments": {"get": _op(
            "Appointments per day, service and slot (booked, checked in, served, missed, "
            "cancelled), capacity use, no-show rates, the list (phones masked) and the "
            "no-show blocks", "manager, admin", "ManageAppointments", params=span)},
        "/api/v1/manage/appointments/export": {"get": _op(
            "The appointment views as CSV (one table) or XLSX (both)", "manager, admin",
            EXPORT, params=[_query("format", enum=["csv", "xlsx"]),
                            _query("table", enum=["slots", "appointments"]), *span])},
    }


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/v1/services": {"get": _op(
            "Every service, whether it issues now (and why not), waiting, eta", "anyone",
            "Services", params=CENTER)},
        "/api/v1/tickets/{ticket_id}": {"get": _op(
            "A ticket's number, status, people ahead, eta, window: no personal data",
            "anyone holding the id", "PublicTicket", params=[_path("ticket_id"), *CENTER])},
        "/api/v1/windows/{window}/queue": {"get": _op(
            "The tickets this window could call, in order", "staff", "WindowQueue",
            params=[WINDOW])},
        "/api/v1/state": {"get": _op(
            "Snapshot: seq, business day, services, windows, recent calls",
            "any authenticated device or user", "State")},
        "/api/v1/events": {"get": _op(
            "The journal after SEQ, in order", "manager, admin", "Events",
            params=[_query("since", "integer", minimum=0, maximum=2**63 - 1),
                    _query("limit", "integer", minimum=1, maximum=10000)])},
        "/api/v1/health": {"get": _op("200 when the journal can be read", "anyone", "Health",
                                      also={"503": {"description": "A journal is unreadable",
                                                    "content": {"application/json": {
                                                        "schema": ref("Health")}}}})},
        "/api/v1/config": {
            "get": _op("The center's configuration", "manager, admin", "Config")},
        "/api/v1/me": {"get": _op(
            "Who I am; my center's windows (which I may serve, who is at each), services, "
            "priority classes, pause reasons; the window I am signed in to", "staff", "Me")},
        "/api/v1/me/window": {"get": _op(
            "My window in detail: state, current ticket with its times, tickets suspended "
            "or absent at it (window null when not signed in)", "staff", "MyWindow")},
        "/api/v1/me/today": {"get": _op(
            "Today's own counters: served, no-shows, transferred, average handling, ratings",
            "staff", "MyDay")},
        "/api/v1/me/transfers": {"get": _op(
            "Tickets I received first and transferred on today, and where each is now "
            "(首问负责)", "staff", "MyTransfers")},
        "/api/v1/kiosk": {"get": _op(
            "What a kiosk shows besides the services: center name, complaint phone, "
            "promises, priority classes, appointment slots, hours, the hub's clock",
            "anyone", "Kiosk", params=CENTER)},
        "/api/v1/tickets/{ticket_id}/qr.svg": {"get": _op(
            "The QR code of a ticket's phone page", "anyone holding the id", SVG,
            params=[_path("ticket_id"), *CENTER])},
        "/api/v1/devices": {"get": _op(
            "The last health report of each device of the center", "manager, admin",
            "DeviceReports")},
        "/api/v1/calls/{seq}/audio.wav": {"get": _op(
            "A recent call's announcement (chime, then the Mandarin phrase) as audio/wav, "
            "for hall and window pages without the display program", "anyone",
            {"audio/wav": {"schema": {"type": "string", "format": "binary"}}},
            params=[_path("seq", "integer", minimum=1, maximum=10**12 - 1), *CENTER])},
        "/api/v1/openapi.json": {"get": _op("This document", "anyone", "OpenAPI")},
    }
    paths.update(manage_paths())
    paths.update(notify_paths())
    paths.update(cases_paths())
    paths.update(book_paths())
    for path, item in catalogue_paths().items():
        paths.setdefault(path, {}).update(item)
    return {
        "openapi": "3.1.0",
        "info": {"title": "jiaohao hub", "version": "1",
                 "description": "Queue, kiosk and hall-display hub. Socket.IO namespace /live "
                                "carries events {seq, type, at, data}."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "security": [{"bearer": []}, {}],
    }
