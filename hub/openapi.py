"""The OpenAPI document of /api/v1 (a test keeps it true to the routes)."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def _op(summary: str, who: str, *, body: dict[str, Any] | None = None,
        ok: int = 200, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "description": f"Who: {who}.",
        "responses": {
            str(ok): {"description": "OK", "content": {"application/json": {}}},
            "4XX": {"description": "Refused", "content": {"application/json": {"schema": ERROR}}},
        },
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False, "properties": body}}},
        }
    if params:
        operation["parameters"] = params
    return operation


def _audio(operation: dict[str, Any]) -> dict[str, Any]:
    """An operation that answers with a WAV file."""
    operation["responses"]["200"]["content"] = {"audio/wav": {"schema": {
        "type": "string", "format": "binary"}}}
    return operation


def _path(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _query(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}}


S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741 - short names keep the table readable
CENTER = [_query("center")]
WINDOW_ACTIONS = ["sign-in", "sign-out", "open", "pause", "call-next", "call", "recall",
                  "start", "complete", "no-show", "reinstate", "transfer", "suspend", "resume"]


def manage_paths() -> dict[str, Any]:
    """The manager's dashboard (hub/api_manage.py): managers and admins only."""
    who = "manager, admin"
    report_range = [_query("day"), _query("month"), _query("from"), _query("to")]
    item = [_path("item")]
    return {
        "/api/v1/clock": {"get": _op(
            "The hub's time, business day and clock speed (jiaohao simulate paces by it)",
            "anyone", params=CENTER)},
        "/api/v1/manage/overview": {"get": _op(
            "Live overview: per service waiting, longest wait, eta, served; per window state, "
            "clerk, current ticket and for how long; today's figures and charts", who)},
        "/api/v1/manage/alerts": {"get": _op(
            "Current alerts (long waits, 无人顶岗, late appointments, device faults and "
            "offline displays, overdue complaints and follow-ups) and recently cleared", who)},
        "/api/v1/manage/reports": {"get": _op(
            "Report of a day, a month or a range: per service, window, clerk; attendance; "
            "ranking (优秀窗口); charts", who, params=report_range)},
        "/api/v1/manage/reports/export": {"get": _op(
            "The report as CSV (one table) or XLSX (every table)", who,
            params=[*report_range, _query("format"), _query("table")])},
        "/api/v1/manage/complaints": {
            "get": _op("Complaints (投诉), newest first, complainant included", who),
            "post": _op("Record a complaint; its class sets the deadline in working days", who,
                        body={"channel": {"type": "string", "enum": ["on_site", "phone",
                                                                     "letter"]},
                              "text": S, "deadline_class": {"type": "string", "enum": [
                                  "on_spot", "next_day", "multi_unit"]},
                              "window": I, "clerk": S, "ticket": S, "complainant": S,
                              "phone": S}, ok=201)},
        "/api/v1/manage/{kind}/{item}/{action}": {"post": _op(
            "Assign, answer or close a complaint or a 差评 follow-up (回访/整改)", who,
            body={"assignee": S, "answer": S, "call_back": S, "rectification": S, "note": S},
            params=[{**_path("kind"), "schema": {"type": "string",
                                                 "enum": ["complaints", "follow-ups"]}},
                    *item, {**_path("action"), "schema": {"type": "string", "enum": [
                        "assign", "answer", "close"]}}])},
        "/api/v1/manage/follow-ups": {"get": _op(
            "Follow-ups of every 不满意/非常不满意 rating, due in 15 working days", who)},
        "/api/v1/manage/call-backs": {
            "get": _op("Call-back samples (抽样回访) with their outcomes", who),
            "post": _op("Draw a random sample of today's other completed tickets", who,
                        body={"size": I}, ok=201)},
        "/api/v1/manage/call-backs/{sample}/record": {"post": _op(
            "Record the outcome of one call-back", who,
            body={"ticket": S, "outcome": {"type": "string", "enum": [
                "satisfied", "dissatisfied", "unreachable"]}, "note": S},
            params=[_path("sample")])},
        "/api/v1/manage/audit": {"get": _op(
            "Audit trail of a ticket: every event, who and when", who,
            params=[_query("ticket"), _query("number"), _query("day")])},
        "/api/v1/manage/users": {
            "get": _op("Staff accounts", who),
            "post": _op("Add or change a staff account (only an admin touches admins)", who,
                        body={"username": S, "role": S, "password": S, "display_name": S,
                              "windows": {"type": "array", "items": I},
                              "active": {"type": "boolean"}, "create": {"type": "boolean"}})},
        "/api/v1/manage/devices": {
            "get": _op("Devices with their health and whether they are connected", who),
            "post": _op("Add a device (or re-issue a revoked one): its token, shown once", who,
                        body={"name": S, "role": S, "window": I}, ok=201)},
        "/api/v1/manage/devices/{name}/revoke": {"post": _op(
            "Revoke a device's token", who, params=[_path("name")])},
    }


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/v1/auth/token": {"post": _op(
            "Sign in; returns a bearer token", "anyone",
            body={"username": S, "password": S, "center": S})},
        "/api/v1/services": {"get": _op(
            "Every service, whether it issues now (and why not), waiting, eta", "anyone",
            params=CENTER)},
        "/api/v1/tickets": {"post": _op(
            "Issue a ticket (or check in an appointment by its code; a phone number "
            "given too must be the one it was booked with)",
            "kiosk device; anyone for channel mobile within rate limits",
            body={"service": S, "priority": S, "appointment": S, "phone": S,
                  "channel": {"type": "string", "enum": ["kiosk", "mobile", "counter"]}},
            ok=201, params=CENTER)},
        "/api/v1/tickets/{ticket_id}": {"get": _op(
            "A ticket's number, status, people ahead, eta, window: no personal data",
            "anyone holding the id", params=[_path("ticket_id"), *CENTER])},
        "/api/v1/tickets/{ticket_id}/rating": {"post": _op(
            "The holder rates their completed ticket once (好差评, 一次一评)",
            "the id holder, without a token",
            body={"level": I, "aspects": {"type": "array", "items": S}, "reason": S},
            params=[_path("ticket_id"), *CENTER])},
        "/api/v1/windows/{window}/rating": {"post": _op(
            "The window's rating pad rates the visit completed there, by its number, once",
            "the pad device bound to that window",
            body={"number": S, "level": I, "aspects": {"type": "array", "items": S},
                  "reason": S},
            params=[_path("window", "integer")])},
        "/api/v1/windows/{window}/{action}": {"post": _op(
            "A clerk's action at a window", "the clerk signed in to that window",
            body={"reason": S, "ticket": S, "to_service": S, "to_window": I, "note": S},
            params=[_path("window", "integer"),
                    {**_path("action"), "schema": {"type": "string", "enum": WINDOW_ACTIONS}}])},
        "/api/v1/windows/{window}/queue": {"get": _op(
            "The tickets this window could call, in order", "staff",
            params=[_path("window", "integer")])},
        "/api/v1/state": {"get": _op(
            "Snapshot: seq, business day, services, windows, recent calls",
            "any authenticated device or user")},
        "/api/v1/events": {"get": _op(
            "The journal after SEQ, in order", "manager, admin",
            params=[_query("since", "integer"), _query("limit", "integer")])},
        "/api/v1/health": {"get": _op("200 when the journal can be read", "anyone")},
        "/api/v1/appointments": {"post": _op(
            "Book an appointment slot", "kiosk, staff; anyone within rate limits",
            body={"service": S, "day": S, "slot": S, "phone": S}, ok=201, params=CENTER)},
        "/api/v1/appointments/{code}/cancel": {"post": _op(
            "Cancel a booked appointment", "kiosk, staff", params=[_path("code")])},
        "/api/v1/devices/health": {"post": _op(
            "A device reports its health (printer, sound, display)", "devices",
            body={"printer": {"type": "object"}, "sound": {"type": "object"},
                  "display": {"type": "object"}, "message": S})},
        "/api/v1/config": {
            "get": _op("The center's configuration", "manager, admin"),
            "put": _op("Replace the configuration (validated, recorded as an event)",
                       "manager, admin", body={"config": {"type": "object"}, "summary": S}),
        },
        "/api/v1/me": {"get": _op(
            "Who I am; my center's windows (which I may serve, who is at each), services, "
            "priority classes, pause reasons; the window I am signed in to", "staff")},
        "/api/v1/me/window": {"get": _op(
            "My window in detail: state, current ticket with its times, tickets suspended "
            "or absent at it (window null when not signed in)", "staff")},
        "/api/v1/me/today": {"get": _op(
            "Today's own counters: served, no-shows, transferred, average handling, ratings",
            "staff")},
        "/api/v1/me/transfers": {"get": _op(
            "Tickets I received first and transferred on today, and where each is now "
            "(首问负责)", "staff")},
        "/api/v1/kiosk": {"get": _op(
            "What a kiosk shows besides the services: center name, complaint phone, "
            "promises, priority classes, appointment slots, hours, the hub's clock",
            "anyone", params=CENTER)},
        "/api/v1/tickets/{ticket_id}/qr.svg": {"get": _op(
            "The QR code of a ticket's phone page (image/svg+xml)", "anyone holding the id",
            params=[_path("ticket_id"), *CENTER])},
        "/api/v1/devices": {"get": _op(
            "The last health report of each device of the center", "manager, admin")},
        "/api/v1/calls/{seq}/audio.wav": {"get": _audio(_op(
            "A recent call's announcement (chime, then the Mandarin phrase) as audio/wav, "
            "for hall and window pages without the display program", "anyone",
            params=[_path("seq", "integer"), *CENTER]))},
        "/api/v1/openapi.json": {"get": _op("This document", "anyone")},
    }
    paths.update(manage_paths())
    return {
        "openapi": "3.1.0",
        "info": {"title": "jiaohao hub", "version": "1",
                 "description": "Queue, kiosk and hall-display hub. Socket.IO namespace /live "
                                "carries events {seq, type, at, data}."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "required": ["error", "message"],
                                  "properties": {"error": S, "message": S, "field": S}}},
        },
        "security": [{"bearer": []}, {}],
    }
