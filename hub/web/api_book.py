"""REST of booking on the phone (/api/v1/book/...), check-in by ID number at the kiosk,
and the managers' appointment views. Translators only: the rules are in
hub/domain/appointments.py, the views in hub/read/booking.py."""

from __future__ import annotations

from datetime import date, timedelta
from datetime import time as clock_time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from hub.center import Center
from hub.domain import appointments as ap
from hub.domain.calendar import business_day
from hub.domain.events import AppointmentBooked, TicketIssued
from hub.domain.notify import phone_digits
from hub.read import booking, views
from hub.store.auth import MANAGERS
from hub.store.limits import RateLimiter, counter_for
from hub.web.api import body, center_for, execute, hub, no_store, principal, require, track_url
from hub.web.codes import hash_code, new_code, seal
from hub.web.pages import _page
from hub.web.validation import ApiError, Field

api_book = Blueprint("api_book", __name__)

PHONE = Field(str, required=True, max_length=20, pattern=r"[0-9+ -]{7,20}")
CODE = Field(str, required=True, max_length=12, pattern=r"[0-9]{4,12}")
DAY = Field(str, required=True, pattern=r"\d{4}-\d{2}-\d{2}")
SLOT = Field(str, required=True, pattern=r"\d{2}:\d{2}")
OTP = Field(str, required=True, max_length=6, pattern=r"[0-9]{6}")
ID_NUMBER = Field(str, max_length=18, pattern=r"[0-9]{17}[0-9Xx]")

CODE_SENT = {"zh": "验证码已通过短信发送，5分钟内有效。",
             "en": "A code was sent by text message; it is valid for 5 minutes."}


@api_book.get("/book")
def book_page() -> Any:
    return _page("book")


def _center() -> Center:
    return center_for(principal())


def _limit() -> RateLimiter:
    limit: RateLimiter | None = current_app.extensions.get("jiaohao.booking_code_limit")
    if limit is None:
        limit = counter_for(hub().settings, hub().store, "booking_code",
                            hub().settings.checkin_codes_per_hour, 3600)
        current_app.extensions["jiaohao.booking_code_limit"] = limit
    return limit


def _actor() -> str:
    return f"mobile:{request.remote_addr}"


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_field", "day is not a valid date", "day") from None


def _slot(value: str) -> clock_time:
    try:
        return clock_time.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_field", "slot is not a valid time", "slot") from None


def _phone(value: str) -> str:
    digits = phone_digits(value)
    if not 7 <= len(digits) <= 15:
        raise ApiError(422, "invalid_phone", "phone number is not valid", "phone")
    return digits


# --------------------------------------------------------------------------- the citizen


@api_book.get("/api/v1/book/services")
def services() -> Any:
    """The services that take appointments, with their guides (materials ...)."""
    center = _center()
    now = center.clock()

    def read(state: Any) -> dict[str, Any]:
        config = state.config
        return {
            "center": config.name.to_dict(),
            "horizon_days": config.booking.horizon_days,
            "services": [{"id": s.id, "name": s.name.to_dict(),
                          "category": s.category.to_dict(), "guide": s.guide.to_dict(),
                          "capacity": s.appointment_capacity}
                         for s in config.services if s.appointment_capacity > 0],
            "today": business_day(config, now).isoformat(),
        }

    return jsonify(center.read(read))


@api_book.get("/api/v1/book/slots")
def slots() -> Any:
    """The bookable days of a service with each slot's places left."""
    service = request.args.get("service", "")
    center = _center()
    now = center.clock()

    def read(state: Any) -> dict[str, Any] | None:
        found = state.config.service(service)
        if found is None or found.appointment_capacity <= 0:
            return None
        return {"service": service, "seq": state.seq,
                "days": ap.slots_view(state, state.config, service, now)}

    answer = center.read(read)
    if answer is None:
        raise ApiError(404, "unknown_service", "no service taking appointments by that id",
                       "service")
    return no_store(jsonify(answer))


@api_book.post("/api/v1/book/code")
def request_code() -> Any:
    """Text a one-time code to the phone that will book."""
    data = body({"phone": PHONE})
    digits = _phone(data["phone"])
    if not (_limit().allow(f"ip:{request.remote_addr}") and _limit().allow(f"phone:{digits}")):
        raise ApiError(429, "rate_limited", "请稍后再试 (too many codes asked; please wait)")
    center = _center()
    secret = hub().run(hub().key)
    code = new_code()
    execute(center, ap.RequestBookingCode(digits, hash_code(secret, f"book:{digits}", code),
                                          seal(secret, code)), _actor())
    minutes = center.state.config.notify.code_minutes  # type: ignore[union-attr]
    return no_store(jsonify({"sent": True, "message": CODE_SENT, "expires_minutes": minutes}))


BOOK_BODY = {"service": Field(str, required=True, max_length=40), "day": DAY, "slot": SLOT,
             "phone": PHONE, "otp": OTP, "id_number": ID_NUMBER}


@api_book.post("/api/v1/book")
def book() -> Any:
    """Book with the code texted to the phone; the answer is the appointment code."""
    data = body(BOOK_BODY)
    digits = _phone(data["phone"])
    day, slot = _day(data["day"]), _slot(data["slot"])
    secret = hub().run(hub().key)
    id_hash = ""
    if data.get("id_number"):
        if not booking.valid_id_number(data["id_number"]):
            raise ApiError(422, "invalid_id_number", "身份证号码不正确 (not a valid ID number)",
                           "id_number")
        id_hash = booking.hash_id_number(secret, data["id_number"])
    center = _center()
    events = execute(center, ap.Book(data["service"], day, slot, digits,
                                     hash_code(secret, f"book:{digits}", data["otp"]), id_hash),
                     _actor())
    rejected = [e for e in events if isinstance(e, ap.BookingCodeRejected)]
    if rejected:
        left = max(center.state.config.notify.code_attempts - rejected[0].attempts, 0)  # type: ignore[union-attr]
        raise ApiError(422, "wrong_code", f"验证码不正确 (wrong code; {left} tries left)", "otp")
    booked = next(e for e in events if isinstance(e, AppointmentBooked))
    answer = center.read(lambda state: booking.citizen_view(
        state, state.appointments[booked.appointment]))
    response = jsonify({**answer, "seq": booked.seq})
    response.status_code = 201
    return no_store(response)


MINE_BODY = {"code": CODE, "phone": PHONE}


def _mine(center: Center, code: str, phone: str) -> dict[str, Any]:
    found = center.read(lambda state: (lambda a: booking.citizen_view(state, a) if a else None)(
        ap.find(state, code, phone)))
    if found is None:
        raise ApiError(404, "unknown_appointment",
                       "没有找到这个预约，请核对预约码和手机号 (no appointment matches)", "code")
    return found


@api_book.post("/api/v1/book/lookup")
def lookup() -> Any:
    """An appointment by its code and the phone it was booked with (POST: the phone
    number stays out of URLs and access logs)."""
    data = body(MINE_BODY)
    return no_store(jsonify(_mine(_center(), data["code"], _phone(data["phone"]))))


@api_book.post("/api/v1/book/reschedule")
def reschedule() -> Any:
    data = body({**MINE_BODY, "day": DAY, "slot": SLOT})
    phone = _phone(data["phone"])
    day, slot = _day(data["day"]), _slot(data["slot"])
    center = _center()
    execute(center, ap.Reschedule(data["code"], phone, day, slot), _actor())
    return no_store(jsonify(_mine(center, data["code"], phone)))


@api_book.post("/api/v1/book/cancel")
def cancel() -> Any:
    data = body(MINE_BODY)
    phone = _phone(data["phone"])
    center = _center()
    execute(center, ap.CancelBooking(data["code"], phone), _actor())
    return no_store(jsonify(_mine(center, data["code"], phone)))


# --------------------------------------------------------------------------- the kiosk


CHECKIN_ID_BODY = {"id_number": Field(str, required=True, max_length=18,
                                     pattern=r"[0-9]{17}[0-9Xx]")}


@api_book.post("/api/v1/checkin/id")
def check_in_by_id() -> Any:
    """A kiosk checks an appointment in by the ID number typed (or read) there; only
    its keyed hash reaches the journal."""
    data = body(CHECKIN_ID_BODY)
    who = require("kiosk")
    if not booking.valid_id_number(data["id_number"]):
        raise ApiError(422, "invalid_id_number", "身份证号码不正确 (not a valid ID number)",
                       "id_number")
    center = center_for(who)
    id_hash = booking.hash_id_number(hub().run(hub().key), data["id_number"])
    events = execute(center, ap.CheckInById(id_hash), who.name)
    issued = next(e for e in events if isinstance(e, TicketIssued))
    view = center.read(lambda state: views.ticket_view(state, state.config,  # type: ignore[arg-type]
                                                       state.tickets[issued.ticket]))
    response = jsonify({
        "id": issued.ticket, "number": view["number"], "service": view["service"],
        "status": view["status"], "ahead": view["ahead"], "eta_minutes": view["eta_minutes"],
        "wait": view["wait"], "issued_at": view["issued_at"], "priority": view["priority"],
        "appointment": view["appointment"], "seq": issued.seq,
        "track_url": track_url(center, issued.ticket)})
    response.status_code = 201
    return response


# --------------------------------------------------------------------------- the manager


def _range(center: Center) -> tuple[date, date]:
    today = business_day(center.state.config, center.clock())  # type: ignore[arg-type]
    first = request.args.get("from") or today.isoformat()
    last = request.args.get("to") or (today + timedelta(days=14)).isoformat()
    try:
        span = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        field = "from" if not _is_date(first) else "to"
        raise ApiError(422, "invalid_field", f"{field} must be a date like 2026-11-26",
                       field) from None
    if span[1] < span[0] or span[1] - span[0] > timedelta(days=92):
        raise ApiError(422, "invalid_field", "to must be after from, within 92 days", "to")
    return span


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _manager_view() -> tuple[Center, dict[str, Any]]:
    who = require(*MANAGERS)
    center = center_for(who)
    first, last = _range(center)
    now = center.clock()
    return center, center.read(lambda state: booking.manager_view(state, now, first, last))


@api_book.get("/api/v1/manage/appointments")
def manage_appointments() -> Any:
    return no_store(jsonify(_manager_view()[1]))


@api_book.get("/api/v1/manage/appointments/export")
def export() -> Any:
    fmt = request.args.get("format", "xlsx")
    table = request.args.get("table", "slots")
    if fmt not in ("csv", "xlsx"):
        raise ApiError(422, "invalid_field", "format must be csv or xlsx", "format")
    if table not in booking.EXPORT_TABLES:
        raise ApiError(422, "invalid_field", "table must be slots or appointments", "table")
    _, view = _manager_view()
    name = f"appointments-{view['from']}-{view['to']}"
    if fmt == "csv":
        data, mime, name = (booking.to_csv(view, table), "text/csv; charset=utf-8",
                            f"{name}-{table}.csv")
    else:
        data, mime, name = (booking.to_xlsx(view), "application/vnd.openxmlformats-"
                            "officedocument.spreadsheetml.sheet", f"{name}.xlsx")
    response = Response(data, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return no_store(response)
