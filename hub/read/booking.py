"""Booking on the phone, hub side: what the citizen and the manager see of appointments
(phones masked), the clock's tick that marks missed slots, the keyed hash of an ID
number, and the managers' export. The rules are in hub/domain/appointments.py."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import logging
import re
from datetime import date, datetime, timedelta
from typing import Any

from hub.domain import appointments as ap
from hub.domain.calendar import business_day, is_working_day
from hub.domain.errors import DomainError
from hub.domain.state import DONE, CenterState

log = logging.getLogger(__name__)
TICK_ACTOR = "clock"
STATUSES = ("booked", "checked_in", "served", "missed", "cancelled")
STATUS_ZH = {"booked": "已预约", "checked_in": "已签到", "served": "已办结", "missed": "爽约",
             "cancelled": "已取消"}

# GB 11643 citizen ID: 17 digits and a check character.
_ID = re.compile(r"\d{17}[\dX]")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_id_number(value: str) -> bool:
    value = value.strip().upper()
    if not _ID.fullmatch(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17]


def hash_id_number(secret: bytes, value: str) -> str:
    """The keyed (salted with the hub's secret) hash that is all the hub keeps of an ID
    number: the same number gives the same hash at booking and at the kiosk."""
    key = hmac.new(secret, b"jiaohao-id-number", hashlib.sha256).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask(phone: str) -> str:
    from hub.read.views import mask_phone

    return mask_phone(phone)


# --------------------------------------------------------------------------- the citizen


def status_of(state: CenterState, appointment: Any) -> str:
    if appointment.status == "checked_in":
        ticket = state.tickets.get(appointment.ticket or "")
        if ticket is not None and ticket.status == DONE:
            return "served"
    return str(appointment.status)


def citizen_view(state: CenterState, appointment: Any) -> dict[str, Any]:
    config = state.config
    assert config is not None
    service = config.service(appointment.service)
    ticket = state.tickets.get(appointment.ticket or "")
    return {
        "code": appointment.code, "service": appointment.service,
        "service_name": service.name.to_dict() if service else {"zh": appointment.service},
        "day": appointment.day.isoformat(), "slot_start": f"{appointment.slot_start:%H:%M}",
        "slot_end": f"{appointment.slot_end:%H:%M}", "phone": mask(appointment.phone),
        "status": status_of(state, appointment),
        "number": ticket.number if ticket else None,
        "track": ticket.id if ticket else None,
        "changeable": appointment.status == "booked",
    }


# --------------------------------------------------------------------------- the clock


def mark_missed(center: Any, now: datetime) -> None:
    """The tick: appointments whose check-in time is over become no-shows (another hub
    process may have done it first)."""
    due = center.read(lambda state: bool(ap.missed_due(state, now)))
    if not due:
        return
    try:
        events = center.execute(ap.MarkMissed(), TICK_ACTOR)
    except DomainError:
        return
    blocked = sum(1 for e in events if isinstance(e, ap.BookingBlocked))
    log.info("center %s: %d appointments missed, %d phones blocked from booking", center.id,
             sum(1 for e in events if isinstance(e, ap.AppointmentMissed)), blocked)


# --------------------------------------------------------------------------- the manager


def manager_view(state: CenterState, now: datetime, first: date, last: date) -> dict[str, Any]:
    """Appointments from `first` to `last` per day, service and slot, with counts per
    status, capacity use, the no-show rate, the list (phones masked) and the blocks."""
    config = state.config
    assert config is not None
    today = business_day(config, now)
    rows: dict[tuple[date, str, str], dict[str, Any]] = {}
    listed = []
    for a in sorted(state.appointments.values(),
                    key=lambda a: (a.day, a.slot_start, a.service, a.code)):
        if not first <= a.day <= last:
            continue
        status = status_of(state, a)
        service = config.service(a.service)
        slot = f"{a.slot_start:%H:%M}-{a.slot_end:%H:%M}"
        row = rows.setdefault((a.day, a.service, slot), {
            "day": a.day.isoformat(), "service": a.service,
            "service_name": service.name.to_dict() if service else {"zh": a.service},
            "slot": slot, "capacity": service.appointment_capacity if service else 0,
            **{s: 0 for s in STATUSES}})
        row[status] += 1
        ticket = state.tickets.get(a.ticket or "")
        listed.append({"code": a.code, "day": a.day.isoformat(), "slot": slot,
                       "service": a.service, "phone": mask(a.phone), "status": status,
                       "number": ticket.number if ticket else None})
    slots = []
    for row in rows.values():
        used = row["capacity"] and (row["booked"] + row["checked_in"] + row["served"]
                                    + row["missed"]) / row["capacity"]
        slots.append({**row, "use": round(used, 3) if row["capacity"] else None})
    settled = {s: sum(r[s] for r in rows.values()) for s in STATUSES}
    came = settled["checked_in"] + settled["served"]
    window_from = (today - timedelta(days=ap.OUTCOME_DAYS)).isoformat()
    history = [v for k, v in state.booking.outcomes.items() if k >= window_from]
    attended, missed = sum(v[0] for v in history), sum(v[1] for v in history)
    return {
        "from": first.isoformat(), "to": last.isoformat(), "today": today.isoformat(),
        "at": now.isoformat(),
        "totals": {**settled, "capacity": _capacity(config, first, last),
                   "no_show_rate": (settled["missed"] / (came + settled["missed"])
                                    if came + settled["missed"] else None)},
        "no_show_rate_90": missed / (attended + missed) if attended + missed else None,
        "slots": slots,
        "appointments": listed,
        "blocks": [{"id": b.id, "phone": mask(b.phone), "since": b.since.isoformat(),
                    "until": b.until.isoformat(), "missed": b.missed}
                   for b in sorted(state.booking.blocks.values(), key=lambda b: b.since)],
        "policy": {"limit": config.booking.no_show_limit,
                   "window_days": config.booking.no_show_window_days,
                   "block_days": config.booking.no_show_block_days,
                   "per_phone_per_day": config.booking.per_phone_per_day,
                   "horizon_days": config.booking.horizon_days},
    }


def _capacity(config: Any, first: date, last: date) -> int:
    """Every place of every slot on the working days from `first` to `last`."""
    per_day = sum(s.appointment_capacity for s in config.services) * len(
        config.appointment_slots)
    days = sum(1 for n in range((last - first).days + 1)
               if is_working_day(config.hours, first + timedelta(days=n)))
    return int(per_day * days)


EXPORT_TABLES = {
    "slots": ("时段", ["日期", "事项编号", "事项名称", "时段", "名额", "已预约", "已签到",
                      "已办结", "爽约", "已取消", "名额使用率(%)"]),
    "appointments": ("预约", ["日期", "时段", "事项编号", "预约码", "手机号", "状态", "号码"]),
}


def export_rows(view: dict[str, Any], table: str) -> list[list[Any]]:
    if table == "slots":
        return [[r["day"], r["service"], r["service_name"]["zh"], r["slot"], r["capacity"],
                 r["booked"], r["checked_in"], r["served"], r["missed"], r["cancelled"],
                 None if r["use"] is None else round(r["use"] * 100, 1)]
                for r in view["slots"]]
    return [[a["day"], a["slot"], a["service"], a["code"], a["phone"],
             STATUS_ZH[a["status"]], a["number"] or ""] for a in view["appointments"]]


def to_csv(view: dict[str, Any], table: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_TABLES[table][1])
    writer.writerows([["" if v is None else v for v in row] for row in export_rows(view, table)])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(view: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table, (title, header) in EXPORT_TABLES.items():
        sheet = book.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in export_rows(view, table):
            sheet.append(row)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
