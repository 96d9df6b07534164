"""JSON Schemas of the /api/v1 answers (the OpenAPI document's components).

One place for what every 2xx answer looks like; `hub.web.openapi` refers to these by
name. The catalogue's commands answer with pydantic models (hub/web/answers.py):
their JSON Schemas, and those of the models they contain (Ticket, Window, Complaint,
Case …), are derived here. The read routes' answers are JSON Schema data below,
referring to those by name where they share them. Each object lists the keys the
route always sends as required; nested report and health payloads are typed as far
as their shape is fixed. A schema fuzz run (tests/security/test_fuzz_api.py) checks
real answers against these.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from hub.web import answers

Schema = dict[str, Any]

S: Schema = {"type": "string"}
I: Schema = {"type": "integer"}  # noqa: E741 - short names keep the tables readable
B: Schema = {"type": "boolean"}
N: Schema = {"type": "number"}
TIME: Schema = {"type": "string", "format": "date-time"}
DAY: Schema = {"type": "string", "format": "date"}


def null(schema: Schema) -> Schema:
    """`schema` or JSON null."""
    return {"anyOf": [schema, {"type": "null"}]}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(properties: dict[str, Schema], optional: tuple[str, ...] = ()) -> Schema:
    """An object whose every listed key is always there (but `optional`)."""
    return {"type": "object", "properties": properties,
            "required": [name for name in properties if name not in optional]}


def _derived() -> dict[str, Schema]:
    """The JSON Schema of every answer model, by its class name (refs between them
    point into the document's components)."""
    models = [value for value in vars(answers).values()
              if isinstance(value, type) and issubclass(value, answers.Output)
              and value is not answers.Output]
    _, found = models_json_schema([(model, "validation") for model in models],
                                  ref_template="#/components/schemas/{model}")
    schemas: dict[str, Schema] = found["$defs"]
    for schema in schemas.values():
        schema.pop("title", None)
        schema.pop("description", None)
        for prop in schema.get("properties", {}).values():
            prop.pop("title", None)
    return schemas


MODELS = _derived()

TEXT = obj({"zh": S, "en": S})  # a bilingual label
# A wait estimate in minutes: null when there is no honest number (nobody serves it,
# closed); `wait` says which state it is (hub/domain/estimate.py WaitEstimate).
ETA = null(I)
WAIT = obj({"state": {"type": "string", "enum": ["now", "queue", "no_window", "resumes", "closed"]},
            "minutes": null(I), "low": null(I), "high": null(I), "resumes_at": null(TIME),
            "after_closing": B})
GUIDE = obj({"materials": array(S), "conditions": array(S), "time_limit": S, "fees": S,
             "basis": S})
SEQ = {"seq": I}

TICKET = MODELS["Ticket"]
TICKET_DETAIL = obj({
    **TICKET["properties"], "called_at": null(TIME), "started_at": null(TIME),
    "completed_at": null(TIME), "waited_seconds": null(I), "clerk": null(S), "clerk_name": S,
    "first_clerk": null(S), "transfers": I, "rating": null(I), "last_window": null(I),
    "note": S, "hold_reason": S,
})
STAFF_CARD = {"type": "object", "additionalProperties": S}  # {} when nobody is at it
WINDOW = MODELS["Window"]
# What a public screen or a phone gets of a window (views.public_snapshot): the
# ticket by number only, the clerk by the name the center publishes.
PUBLIC_WINDOW = obj({
    "id": I, "name": TEXT, "services": array(S), "state": S, "reason": null(S),
    "since": null(TIME), "clerk": null(S), "staff": STAFF_CARD,
    "ticket": null(obj({"number": S, "service": S, "status": S, "recall_count": I,
                        "window": null(I)})),
})
EVENT = obj({"seq": I, "type": S, "at": TIME, "data": {"type": "object"}, "actor": S},
            optional=("actor",))
RATINGS = obj({"count": I, "levels": {"type": "object", "additionalProperties": I},
               "satisfaction_rate": null(N)})
STAT = obj({"count": I, "mean": null(N), "p90": null(N)})
TALLY = {
    "tickets": I, "called": I, "served": I, "no_shows": I, "transfers": I, "wait": STAT,
    "handling": STAT, "ratings": RATINGS,
    "bad": obj({"count": I, "followed_up": I, "in_time": I}), "complaints": I,
}
HOUR = obj({"hour": I, "tickets": I})
BUCKET = obj({"from": null(N), "to": null(N), "count": I})
ALERT = obj({"id": S, "kind": S, "level": S, "data": {"type": "object"}, "text": TEXT,
             "raised_at": TIME, "cleared_at": TIME}, optional=("raised_at", "cleared_at"))
# Every named answer of the document: components/schemas.
SCHEMAS: dict[str, Schema] = {
    "Error": obj({"error": S, "message": S, "field": S, "retry_after": I},
                 optional=("field", "retry_after")),
    "TicketDetail": TICKET_DETAIL,
    "Event": EVENT,
    "Services": obj({"services": array(obj({
        "id": S, "prefix": S, "name": TEXT, "category": TEXT, "open": B,
        "closed_reason": null(S), "opens_at": null(TIME), "guide": GUIDE, "waiting": I,
        "eta_minutes": ETA, "wait": null(WAIT), "appointments": B}, optional=("wait",))), **SEQ}),
    "PublicTicket": obj({
        "id": S, "number": S, "status": S, "ahead": I, "eta_minutes": ETA, "window": null(I),
        "window_name": null(S), "service": S, "service_name": null(TEXT),
        "guide": null(GUIDE), "issued_at": TIME, "center": S, "center_name": TEXT,
        "wait": null(WAIT), **SEQ}, optional=("wait",)),
    # Booking on the phone (hub/web/api_book.py)
    "BookServices": obj({"center": TEXT, "horizon_days": I, "today": S, "services": array(obj({
        "id": S, "name": TEXT, "category": TEXT, "guide": GUIDE, "capacity": I}))}),
    "BookSlots": obj({**SEQ, "service": S, "days": array(obj({
        "day": S, "weekday": I, "slots": array(obj({
            "start": S, "end": S, "capacity": I, "left": I, "open": B, "over": B}))}))}),
    "ManageAppointments": obj({
        "from": S, "to": S, "today": S, "at": TIME, "totals": {"type": "object"},
        "no_show_rate_90": null({"type": "number"}),
        "slots": array({"type": "object"}), "appointments": array(obj({
            "code": S, "day": S, "slot": S, "service": S, "phone": S, "status": S,
            "number": null(S)})),
        "blocks": array(obj({"id": S, "phone": S, "since": S, "until": S, "missed": I})),
        "policy": {"type": "object"}}),
    "Notifications": obj({**SEQ, "pending": array(ref("Notification")),
                          "finished": array(ref("Notification"))}),
    "Notification": obj({
        "id": S, "kind": S, "phone": S, "template": S, "status": S, "attempts": I,
        "outcome": null(S), "queued_at": TIME, "done_at": null(TIME), "retry_at": null(TIME),
        "params": {"type": "object"}}),
    "WindowQueue": obj({**SEQ, "waiting": array({"allOf": [ref("Ticket"), obj({"note": S})]})}),
    "State": obj({
        **SEQ, "center": S, "center_name": TEXT, "business_day": DAY,
        "services": array(obj({"id": S, "prefix": S, "name": TEXT, "waiting": I,
                               "eta_minutes": ETA, "open": B})),
        # staff get every window whole, devices the public picture (no ids, no logins)
        "windows": array({"anyOf": [ref("Window"), PUBLIC_WINDOW]}),
        "recent_calls": array(obj({"seq": I, "type": S, "at": TIME, "ticket": S, "number": S,
                                   "service": S, "window": I, "window_name": null(S),
                                   "recall_count": I}, optional=("ticket",))),
        "display": obj({"complaint_phone": S, "promises": array(S)})}),
    "Events": obj({**SEQ, "events": array(ref("Event"))}),
    "Health": obj({"ok": B, "centers": {"type": "object", "additionalProperties": obj(
        {"ok": B, "seq": I, "followed": B, "error": S},
        optional=("seq", "followed", "error"))}}),
    "Config": obj({**SEQ, "config": {"type": "object"}}),
    "Me": obj({
        "username": S, "name": S, "role": S, "center": S, "center_name": TEXT,
        "window": null(I),
        "windows": array(obj({"id": I, "name": TEXT, "services": array(S), "state": S,
                              "reason": null(S), "clerk": null(S), "clerk_name": S,
                              "allowed": B})),
        "services": array(obj({"id": S, "prefix": S, "name": TEXT})),
        "priority_classes": array(obj({"id": S, "name": TEXT})),
        "pause_reasons": array(S), "staff": {"type": "object", "additionalProperties": S},
        "now": TIME, **SEQ}),
    "MyWindow": obj({
        "now": TIME, "window": null({"allOf": [ref("Window"), obj({
            "clerk_name": S, "ticket": null(ref("TicketDetail"))})]}),
        "suspended": array(ref("TicketDetail")), "no_show": array(ref("TicketDetail")),
        **SEQ}),
    "MyDay": obj({
        "now": TIME, "clerk": S, "served": I, "no_shows": I, "transferred": I,
        "average_handling_seconds": null(I),
        "ratings": obj({"count": I, "levels": {"type": "object", "additionalProperties": I},
                        "average": null(N), "satisfaction_rate": null(N)}), **SEQ}),
    "MyTransfers": obj({"now": TIME, "tickets": array(ref("TicketDetail")), **SEQ}),
    "Kiosk": obj({
        "center": S, "center_name": TEXT, "complaint_phone": S, "promises": array(S),
        "priority_classes": array(obj({"id": S, "name": TEXT})),
        "appointment_slots": array(S), "hours": array(S), "now": TIME,
        "business_day": DAY}),
    "DeviceReports": obj({"devices": array(obj({
        "device": S, "role": S, "at": TIME, "report": {"type": "object"},
        # reports merge by part: when each part (printer, sound, display, message) came
        "parts_at": {"type": "object", "additionalProperties": TIME}}))}),
    "OpenAPI": obj({"openapi": S, "info": {"type": "object"}, "paths": {"type": "object"}}),
    "Clock": obj({"now": TIME, "speed": N, "business_day": null(DAY)}),
    "Overview": obj({
        **SEQ, "now": TIME, "business_day": DAY, "center_name": TEXT,
        "services": array(obj({"id": S, "prefix": S, "name": TEXT, "waiting": I,
                               "longest_wait_seconds": I, "eta_minutes": ETA, "issued": I,
                               "served": I, "threshold_minutes": null(I)})),
        "windows": array({"allOf": [
            obj({**WINDOW["properties"], "ticket": null({"type": "object"})}),
            obj({"clerk_name": S, "served": I, "since_seconds": null(I)})]}),
        "today": obj({"issued": I, "waiting": I, "in_service": I, "served": I, "no_shows": I,
                      "rated": I, "satisfaction_rate": null(N), "wait_mean_seconds": null(N),
                      "per_hour": array(HOUR), "wait_buckets": array(BUCKET)}),
        "supervision": obj({"complaints_open": I, "complaints_overdue": I,
                            "follow_ups_open": I, "follow_ups_overdue": I})}),
    "Alerts": obj({**SEQ, "at": TIME, "alerts": array(ALERT), "cleared": array(ALERT)}),
    "Report": obj({
        "from": DAY, "to": DAY,
        "totals": obj({**TALLY, "complaint_deadlines": obj({
            "answered_in_time": I, "answered_late": I, "overdue": I})}),
        "services": array(obj({"id": S, "name": TEXT, **TALLY})),
        "windows": array(obj({"id": I, "name": TEXT, **TALLY})),
        "clerks": array(obj({"username": S, "name": S, **TALLY, "attendance": obj({
            "days": I, "late": I, "early_leave": I})})),
        "attendance": array(obj({"day": DAY, "clerk": S, "name": S, "first_sign_in": TIME,
                                 "last_sign_out": null(TIME), "late": B, "early_leave": B})),
        "ranking": obj({"windows": array({"type": "object"}),
                        "clerks": array({"type": "object"})}),
        # 按期办结率 per service of the 承诺件 due in the period, then the total
        "cases": array(obj({"service": S, "name": TEXT, "due": I, "on_time": I, "late": I,
                            "overdue": I, "pending": I, "rate": null(N)})),
        # … and per window they were opened at (null: not at a window)
        "cases_by_window": array(obj({"window": null(I), "name": TEXT, "due": I, "on_time": I,
                                      "late": I, "overdue": I, "pending": I,
                                      "rate": null(N)})),
        "charts": obj({"per_hour": array(HOUR), "wait_buckets": array(BUCKET),
                       "per_day": array(obj({"day": DAY, "tickets": I, "served": I,
                                             "satisfaction_rate": null(N)}))})}),
    "Complaints": obj({**SEQ, "complaints": array(ref("Complaint"))}),
    "FollowUps": obj({**SEQ, "follow_ups": array(ref("FollowUp"))}),
    "Samples": obj({**SEQ, "samples": array(ref("Sample"))}),
    "Audit": obj({"ticket": S, "number": S, "day": DAY, "events": array(ref("Event"))}),
    "Users": obj({**SEQ, "users": array(obj({
        "username": S, "role": S, "display_name": S, "name": S, "windows": array(I),
        "active": B}))}),
    "Devices": obj({**SEQ, "devices": array(obj({
        "name": S, "role": S, "active": B, "online": B, "health": null({"type": "object"}),
        "health_at": null(TIME)}))}),
}

# 办件 (hub/read/case_views.py): a case itself is a catalogue answer (Case).
SCHEMAS.update({
    "Cases": obj({
        **SEQ, "now": TIME, "today": DAY, "show": S,
        "counts": obj({"open": I, "due_soon": I, "overdue": I, "mine": I}),
        "cases": array(ref("Case")),
        "services": array(obj({"id": S, "name": TEXT, "days": I,
                               "stages": array(obj({"id": S, "name": TEXT})),
                               "materials": array(S)})),
        "staff": array(obj({"username": S, "name": S, "role": S})), "due_soon_days": I}),
})

# The catalogue's answers and the models in them (hub/web/answers.py).
SCHEMAS.update(MODELS)

# Answers that are not JSON: media type -> schema of the body.
SVG = {"image/svg+xml": {"schema": {"type": "string"}}}
EXPORT = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "contentMediaType":
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   "contentEncoding": "binary"}},
}
