"""REST under /api/v1: translate HTTP to commands and state to JSON. No rules here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from datetime import time as clock_time
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from hub import views
from hub.auth import MANAGERS, STAFF, Principal
from hub.center import Center
from hub.core import AuthError, Hub
from hub.domain import commands as cmd
from hub.domain import errors as domain_errors
from hub.domain.codec import event_data
from hub.domain.config import ConfigError
from hub.domain.decide import RATING_ASPECTS
from hub.domain.errors import DomainError
from hub.domain.events import (
    AppointmentBooked,
    CheckInCodeRejected,
    Event,
    TicketIssued,
    TicketRated,
)
from hub.domain.notify import phone_digits
from hub.notify.codes import hash_code
from hub.validation import ApiError, Field, check_body
from hub.wire import TO_MANAGERS, payload

api = Blueprint("api", __name__, url_prefix="/api/v1")

DEVICE_ROLES_ISSUING = ("kiosk",)
WINDOW_ACTIONS: dict[str, tuple[Callable[[int, dict[str, Any]], cmd.Command], dict[str, Field]]] = {
    "sign-in": (lambda w, b: cmd.SignIn(w), {}),
    "sign-out": (lambda w, b: cmd.SignOut(w), {}),
    "open": (lambda w, b: cmd.OpenWindow(w), {}),
    "pause": (lambda w, b: cmd.PauseWindow(w, b["reason"]),
              {"reason": Field(str, required=True, max_length=40)}),
    "call-next": (lambda w, b: cmd.CallNext(w), {}),
    "call": (lambda w, b: cmd.CallTicket(w, b["ticket"]),
             {"ticket": Field(str, required=True, max_length=8)}),
    "recall": (lambda w, b: cmd.Recall(w), {}),
    "start": (lambda w, b: cmd.StartService(w), {}),
    "complete": (lambda w, b: cmd.Complete(w), {}),
    "no-show": (lambda w, b: cmd.MarkNoShow(w), {}),
    "reinstate": (lambda w, b: cmd.Reinstate(w, b["ticket"]),
                  {"ticket": Field(str, required=True, max_length=8)}),
    "transfer": (
        lambda w, b: cmd.Transfer(
            w, to_service=b.get("to_service"), to_window=b.get("to_window"),
            note=b.get("note") or "",
        ),
        {
            "to_service": Field(str, max_length=40),
            "to_window": Field(int, minimum=1, maximum=999),
            "note": Field(str, max_length=200),
        },
    ),
    "suspend": (lambda w, b: cmd.Suspend(w, b.get("reason") or ""),
                {"reason": Field(str, max_length=200)}),
    "resume": (lambda w, b: cmd.Resume(w, b["ticket"]),
               {"ticket": Field(str, required=True, max_length=8)}),
}


def hub() -> Hub:
    found: Hub = current_app.extensions["jiaohao"]
    return found


# ------------------------------------------------------------------ auth helpers


def principal() -> Principal | None:
    """The caller, from the bearer token; None when no token was sent."""
    if "principal" in g:
        found: Principal | None = g.principal
        return found
    header = request.headers.get("Authorization", "")
    found = None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "invalid_token", "use Authorization: Bearer <token>")
        try:
            found = hub().authenticate(token.strip())
        except AuthError as error:
            raise ApiError(error.status, error.code, error.message) from None
    g.principal = found
    return found


def require(*roles: str) -> Principal:
    who = principal()
    if who is None:
        raise ApiError(401, "unauthenticated", "sign in first (Authorization: Bearer <token>)")
    if roles and who.role not in roles:
        raise ApiError(403, "forbidden", f"a {who.role} may not do this")
    return who


def center_for(who: Principal | None) -> Center:
    """The center a request is about: the caller's own, or named by ?center=."""
    named = request.args.get("center")
    if who is not None:
        if named and named != who.center:
            raise ApiError(403, "forbidden", "you belong to another center", "center")
        found = hub().center(who.center)
    else:
        found = hub().center(named)
        if found is None and named is None:
            raise ApiError(400, "center_required", "name the center: ?center=ID", "center")
    if found is None:
        raise ApiError(404, "unknown_center", f"no center {named!r}", "center")
    return found


# The HTTP status of each kind of domain error (hub/domain/errors.py): the one place.
_STATUS_OF_KIND = {
    domain_errors.NOT_FOUND: 404, domain_errors.CONFLICT: 409,
    domain_errors.FORBIDDEN: 403, domain_errors.INVALID: 422,
}


def http_status(error: DomainError) -> int:
    """The HTTP status REST answers a domain error with, by its kind."""
    return _STATUS_OF_KIND.get(error.kind, 409)


def execute(center: Center, command: cmd.Command, actor: str) -> list[Event]:
    try:
        return center.execute(command, actor)
    except DomainError as error:
        raise ApiError(http_status(error), error.code, error.message, error.field,
                       **{k: v for k, v in error.details.items() if isinstance(v, str | None)}
                       ) from None
    except ConfigError as error:
        raise ApiError(422, error.code, error.message, error.field) from None


def body(schema: dict[str, Field]) -> dict[str, Any]:
    """The JSON object in the request body, checked against `schema`; no body is {}."""
    raw = request.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH
    if not raw:
        return check_body({}, schema)
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    try:
        data = current_app.json.loads(raw)
    except (ValueError, RecursionError):  # bad JSON or text; nested past the parser's depth
        raise ApiError(400, "malformed_json", "the body is not valid JSON") from None
    return check_body(data, schema)


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------ routes


LOGIN_BODY = {
    "username": Field(str, required=True, max_length=40),
    "password": Field(str, required=True, max_length=200),
    "center": Field(str, max_length=40),
}


@api.post("/auth/token")
def login() -> Any:
    data = body(LOGIN_BODY)
    remote = request.remote_addr or "?"
    try:
        token, who, expires = hub().login(
            data.get("center"), data["username"], data["password"], remote
        )
    except AuthError as error:
        raise ApiError(error.status, error.code, error.message,
                       retry_after=int(error.retry_after) or None) from None
    return jsonify({
        "token": token, "role": who.role, "center": who.center, "username": who.name,
        "display_name": who.display_name, "windows": list(who.windows),
        "expires_at": expires.isoformat(),
    })


@api.get("/services")
def services() -> Any:
    center = center_for(principal())
    now = center.clock()
    return jsonify({"services": center.read(lambda s: views.services_view(s, now)),
                    "seq": center.state.seq})


TICKET_BODY = {
    "service": Field(str, max_length=40),
    "priority": Field(str, max_length=40),
    "appointment": Field(str, max_length=12, pattern=r"[0-9]{4,12}"),
    "phone": Field(str, max_length=20, pattern=r"[0-9+ -]{7,20}"),
    "otp": Field(str, max_length=6, pattern=r"[0-9]{6}"),
    "channel": Field(str, choices=("kiosk", "mobile", "counter")),
}


@api.post("/tickets")
def issue_ticket() -> Any:
    data = body(TICKET_BODY)
    who = principal()
    channel = data.get("channel") or ("kiosk" if who and who.kind == "device" else "mobile")
    # A phone issues without a token; whoever sends a token is held to its role,
    # whatever channel it names (a hall display's token is no phone).
    if who is not None and who.role not in DEVICE_ROLES_ISSUING + STAFF:
        raise ApiError(403, "forbidden", f"a {who.role} may not issue tickets")
    if channel == "mobile":
        if who is None and not hub().mobile_limit.allow(request.remote_addr or "?"):
            raise ApiError(429, "rate_limited", "too many tickets from this phone; please wait")
    elif who is None:
        raise ApiError(401, "unauthenticated", "only a kiosk issues tickets on site")
    if channel == "counter" and (who is None or who.kind != "user"):
        raise ApiError(403, "forbidden", "counter tickets are issued by staff")
    center = center_for(who)
    actor = who.name if who else f"mobile:{request.remote_addr}"
    command: cmd.Command
    if data.get("otp") and not data.get("phone"):
        raise ApiError(422, "missing_field", "a one-time code comes with its phone number",
                       "phone")
    if data.get("phone") and not data.get("appointment") and not data.get("otp"):
        # The number alone checks in nobody (it would tell whose appointment it is).
        raise ApiError(422, "missing_field", "with a phone number, give the appointment code "
                       "or the one-time code sent to it", "appointment")
    if data.get("otp"):
        if who is None or who.role != "kiosk":
            raise ApiError(403, "forbidden", "a one-time code is checked in at a kiosk")
        command = cmd.CheckIn(phone=data["phone"], otp_hash=otp_hash(data["phone"], data["otp"]))
    elif data.get("appointment"):
        command = cmd.CheckIn(code=data.get("appointment"), phone=data.get("phone"))
    elif data.get("service"):
        command = cmd.IssueTicket(data["service"], data.get("priority"), channel)
    else:
        raise ApiError(422, "missing_field", "service is required", "service")
    events = execute(center, command, actor)
    rejected = [e for e in events if isinstance(e, CheckInCodeRejected)]
    if rejected:
        left = max(center.state.config.notify.code_attempts - rejected[0].attempts, 0)  # type: ignore[union-attr]
        raise ApiError(422, "wrong_code", f"验证码不正确 (wrong code; {left} tries left)", "otp")
    issued = next(e for e in events if isinstance(e, TicketIssued))
    ticket_id = issued.ticket

    def read(state: Any) -> dict[str, Any]:
        return views.ticket_view(state, state.config, state.tickets[ticket_id])

    view = center.read(read)
    result = {
        "id": ticket_id,
        "number": view["number"],
        "service": view["service"],
        "status": view["status"],
        "ahead": view["ahead"],
        "eta_minutes": view["eta_minutes"],
        "wait": view["wait"],
        "issued_at": view["issued_at"],
        "priority": view["priority"],
        "appointment": view["appointment"],
        "seq": issued.seq,
        "track_url": track_url(center, ticket_id),
    }
    response = jsonify(result)
    response.status_code = 201
    return response


def otp_hash(phone: str, code: str) -> str:
    """The keyed hash of a one-time code the journal keeps (hub/notify/codes.py)."""
    return hash_code(hub().run(hub().key), phone_digits(phone), code)


def track_url(center: Center, ticket_id: str) -> str:
    url = f"{hub().settings.base_url}/t/{ticket_id}"
    if len(hub().centers) > 1:
        url += f"?center={center.id}"
    return url


@api.get("/tickets/<ticket_id>")
def get_ticket(ticket_id: str) -> Any:
    center = center_for(principal())

    def read(state: Any) -> dict[str, Any] | None:
        ticket = state.tickets.get(ticket_id)
        now = center.clock()
        if ticket is None or not views.is_today(state, state.config, now):
            return None
        return views.public_ticket(state, state.config, ticket, now)

    found = center.read(read)
    if found is None:
        raise ApiError(404, "unknown_ticket", "no such ticket today", "ticket")
    return no_store(jsonify(found))


RATING_BODY = {
    "level": Field(int, required=True, minimum=1, maximum=5),
    "aspects": Field(list, items=str, item_choices=RATING_ASPECTS),
    "reason": Field(str, max_length=200),
}
PAD_RATING_BODY = {**RATING_BODY, "number": Field(str, required=True, max_length=8)}


def _rating(data: dict[str, Any]) -> tuple[int, tuple[str, ...], str]:
    """Level, aspects and reason of a checked RATING_BODY (its Field checks the aspects)."""
    return data["level"], tuple(data.get("aspects") or ()), data.get("reason") or ""


@api.post("/tickets/<ticket_id>/rating")
def rate(ticket_id: str) -> Any:
    """The holder of a ticket rates the visit from their phone: the id is the secret.
    Nobody rates with a token here (a clerk must not rate their own service; the
    window's pad rates through /windows/{n}/rating)."""
    data = body(RATING_BODY)
    who = principal()
    if who is not None:
        raise ApiError(403, "forbidden", f"a {who.role} may not rate a ticket by its id")
    center = center_for(who)
    level, aspects, reason = _rating(data)
    events = execute(center, cmd.Rate(ticket_id, level, aspects, reason, channel="holder"),
                     f"mobile:{request.remote_addr}")
    return jsonify({"ticket": ticket_id, "level": level, "seq": events[-1].seq})


@api.post("/windows/<int:window>/rating")
def rate_at_window(window: int) -> Any:
    """The rating pad of window `window` rates the visit just completed there, by its
    number; only a pad bound to that window (jiaohao device add --window) may."""
    data = body(PAD_RATING_BODY)
    who = require("pad")
    center = center_for(who)
    if window not in who.windows:
        raise ApiError(403, "window_not_allowed", f"this pad does not stand at window {window}",
                       "window")
    level, aspects, reason = _rating(data)
    events = execute(center, cmd.Rate(data["number"].strip().upper(), level, aspects, reason,
                                      channel="pad", window=window), who.name)
    rated = next(e for e in events if isinstance(e, TicketRated))
    return jsonify({"number": rated.number, "window": window, "level": level,
                    "seq": rated.seq})


@api.post("/windows/<int:window>/<action>")
def window_action(window: int, action: str) -> Any:
    if action not in WINDOW_ACTIONS:
        raise ApiError(404, "unknown_action", f"no window action {action!r}", "action")
    who = require(*STAFF)
    make, schema = WINDOW_ACTIONS[action]
    data = body(schema)
    center = center_for(who)
    if center.state.config is not None and center.state.config.window(window) is None:
        raise ApiError(404, "unknown_window", f"no window {window}", "window")
    if action == "sign-in" and not who.may_serve(window):
        raise ApiError(403, "window_not_allowed", f"you may not serve window {window}", "window")
    events = execute(center, make(window, data), who.name)
    ticket_ids = [getattr(e, "ticket", None) for e in events if hasattr(e, "ticket")]

    def answer(state: Any) -> dict[str, Any]:
        current = state.windows[window].ticket
        ticket_id = current or (ticket_ids[-1] if ticket_ids else None)
        ticket = state.tickets.get(ticket_id) if ticket_id else None
        return {
            "window": views.window_view(state, state.config, state.windows[window], True),
            "ticket": views.ticket_view(state, state.config, ticket) if ticket else None,
            "seq": state.seq,
        }

    return jsonify(center.read(answer))


@api.get("/windows/<int:window>/queue")
def window_queue(window: int) -> Any:
    who = require(*STAFF)
    center = center_for(who)
    if center.state.config is None or center.state.config.window(window) is None:
        raise ApiError(404, "unknown_window", f"no window {window}", "window")
    now = center.clock()

    def read(state: Any) -> dict[str, Any]:
        today = views.is_today(state, state.config, now)
        waiting = views.waiting_list(state, state.config, window, now) if today else []
        return {"seq": state.seq, "waiting": waiting}

    return jsonify(center.read(read))


@api.get("/state")
def get_state() -> Any:
    who = require()
    center = center_for(who)
    now = center.clock()
    # Staff see ids and logins; a device (kiosk, screen, pad) sees the public picture.
    read = views.snapshot if who.kind == "user" and who.role in STAFF else views.public_snapshot
    return no_store(jsonify(center.read(lambda s: read(s, now))))


def _whole_query(name: str, default: str, low: int, high: int) -> int:
    """?name= as a whole number in low..high: ASCII digits only (not ² or ٣), and
    short, so int() never sees a 4,300-digit string; else 422 naming it."""
    raw = request.args.get(name, default)
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19 and low <= int(raw) <= high):
        raise ApiError(422, "invalid_field", f"{name} must be a whole number from {low} to "
                       f"{high}", name)
    return int(raw)


@api.get("/events")
def get_events() -> Any:
    who = require(*MANAGERS)
    center = center_for(who)
    since = _whole_query("since", "0", 0, 2**63 - 1)
    limit = _whole_query("limit", "1000", 1, 10000)
    page = hub().run(center.store.load_page, center.id, since, limit)
    return jsonify({"seq": center.state.seq,
                    "events": [payload(e, TO_MANAGERS) for e in page]})


@api.get("/health")
def health() -> Any:
    checks = {}
    ok = True
    for center in hub().centers.values():
        try:
            seq = hub().run(center.store.last_seq, center.id)
            checks[center.id] = {"ok": True, "seq": seq}
        except Exception as error:  # noqa: BLE001 - health reports any failure
            ok = False
            checks[center.id] = {"ok": False, "error": str(error)}
    response = jsonify({"ok": ok, "centers": checks})
    response.status_code = 200 if ok else 503
    return no_store(response)


APPOINTMENT_BODY = {
    "service": Field(str, required=True, max_length=40),
    "day": Field(str, required=True, pattern=r"\d{4}-\d{2}-\d{2}"),
    "slot": Field(str, required=True, pattern=r"\d{2}:\d{2}"),
    "phone": Field(str, required=True, pattern=r"[0-9+ -]{7,20}"),
}


@api.post("/appointments")
def book() -> Any:
    data = body(APPOINTMENT_BODY)
    who = principal()
    if who is None:
        # A citizen books on /book, confirming the phone with a one-time code; booking
        # here by number alone would let anyone fill slots and text strangers.
        raise ApiError(401, "unauthenticated", "book on the phone page (/book) with the code "
                       "sent to your phone (POST /api/v1/book/code, then /api/v1/book); "
                       "this route is for kiosks and staff")
    if who.role not in ("kiosk",) + STAFF:
        raise ApiError(403, "forbidden", f"a {who.role} may not book appointments")
    center = center_for(who)
    try:
        day = date.fromisoformat(data["day"])
        slot = clock_time.fromisoformat(data["slot"])
    except ValueError:
        raise ApiError(422, "invalid_field", "day or slot is not a valid date/time", "day") \
            from None
    events = execute(center, cmd.BookAppointment(data["service"], day, slot, data["phone"]),
                     who.name)
    event = next(e for e in events if isinstance(e, AppointmentBooked))
    booked = event_data(event)
    response = jsonify({
        "code": booked["code"], "service": booked["service"], "day": booked["day"],
        "slot_start": booked["slot_start"], "slot_end": booked["slot_end"],
        "phone": views.mask_phone(booked["phone"]), "seq": event.seq,
    })
    response.status_code = 201
    return response


@api.post("/appointments/<code>/cancel")
def cancel(code: str) -> Any:
    who = require("kiosk", *STAFF)
    center = center_for(who)
    events = execute(center, cmd.CancelAppointment(code), who.name)
    return jsonify({"code": code, "status": "cancelled", "seq": events[-1].seq})


HEALTH_BODY = {
    "printer": Field(dict),
    "sound": Field(dict),
    "display": Field(dict),
    "message": Field(str, max_length=200),
}


@api.post("/devices/health")
def device_health() -> Any:
    who = require("kiosk", "display", "caller", "pad")
    data = body(HEALTH_BODY)
    for part in ("printer", "sound", "display"):
        if part in data and data[part] is not None and len(str(data[part])) > 500:
            raise ApiError(422, "invalid_field", f"{part} is too large", part)
    health = hub().report_health(who, data)
    return jsonify({"device": who.name, "at": health.at.isoformat()})


@api.get("/config")
def get_config() -> Any:
    who = require(*MANAGERS)
    center = center_for(who)
    config = center.state.config
    assert config is not None
    return jsonify({"seq": center.state.seq, "config": dict(config.raw)})


CONFIG_BODY = {"config": Field(dict, required=True), "summary": Field(str, max_length=200)}


@api.put("/config")
def put_config() -> Any:
    who = require(*MANAGERS)
    center = center_for(who)
    data = body(CONFIG_BODY)
    summary = data.get("summary") or ""
    events = execute(center, cmd.ChangeConfig(data["config"], "dashboard", summary), who.name)
    return jsonify({"seq": events[-1].seq if events else center.state.seq})
