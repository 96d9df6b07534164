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


def _path(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _query(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}}


S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741 - short names keep the table readable
CENTER = [_query("center")]
WINDOW_ACTIONS = ["sign-in", "sign-out", "open", "pause", "call-next", "call", "recall",
                  "start", "complete", "no-show", "reinstate", "transfer", "suspend", "resume"]


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/v1/auth/token": {"post": _op(
            "Sign in; returns a bearer token", "anyone",
            body={"username": S, "password": S, "center": S})},
        "/api/v1/services": {"get": _op(
            "Every service, whether it issues now (and why not), waiting, eta", "anyone",
            params=CENTER)},
        "/api/v1/tickets": {"post": _op(
            "Issue a ticket (or check in an appointment by code or phone)",
            "kiosk device; anyone for channel mobile within rate limits",
            body={"service": S, "priority": S, "appointment": S, "phone": S,
                  "channel": {"type": "string", "enum": ["kiosk", "mobile", "counter"]}},
            ok=201, params=CENTER)},
        "/api/v1/tickets/{ticket_id}": {"get": _op(
            "A ticket's number, status, people ahead, eta, window: no personal data",
            "anyone holding the id", params=[_path("ticket_id"), *CENTER])},
        "/api/v1/tickets/{ticket_id}/rating": {"post": _op(
            "Rate a completed ticket once (好差评, 一次一评)", "rating pad, staff, id holder",
            body={"level": I, "aspects": {"type": "array", "items": S}, "reason": S},
            params=[_path("ticket_id"), *CENTER])},
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
        "/api/v1/openapi.json": {"get": _op("This document", "anyone")},
    }
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
