"""The booking page, its reads (/api/v1/book/services, /book/slots) and the managers'
appointment views. Booking on the phone and check-in by ID number are commands of
the catalogue (hub/web/catalogue.py). Translators only: the rules are in
hub/domain/appointments.py, the views in hub/read/booking.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, jsonify, request

from hub.center import Center
from hub.domain import appointments as ap
from hub.domain.calendar import business_day
from hub.read import booking
from hub.store.auth import MANAGERS
from hub.web.api import center_for, no_store, principal, require
from hub.web.pages import _page
from hub.web.validation import ApiError

api_book = Blueprint("api_book", __name__)


@api_book.get("/book")
def book_page() -> Any:
    return _page("book")


def _center() -> Center:
    return center_for(principal())


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
