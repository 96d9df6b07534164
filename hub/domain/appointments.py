"""Booking on the phone (网上预约): its commands, events, rules and fold in one module.

- A citizen books a slot of a service on one of the next `booking.horizon_days`
  working days (调休 and holidays from the calendar), confirming the phone number
  with a one-time code texted to it (`RequestBookingCode`, then `Book` with the
  code's keyed hash: the code itself is never in the journal).
- Limits against hoarding: a slot's capacity (`appointment_capacity`, counted on the
  journal's state, so it holds however many requests race: each decision sees the
  ones before it), `booking.per_phone_per_day` appointments per phone and day, and the
  no-show policy: `no_show_limit` missed appointments within `no_show_window_days`
  block the phone from booking for `no_show_block_days`; a manager can lift a block.
- An appointment not checked in by the end of its slot (plus the late tolerance,
  `queue.appointment_late_minutes`) is missed (`MarkMissed`, the clock's tick: time
  comes with the command's context).
- The citizen views, reschedules or cancels with the appointment code and the phone.
- Check-in by ID number: the booking may carry a keyed hash of the citizen's ID
  number (computed at the edge), and the kiosk checks in by the same hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from hub.domain import base, errors, notify
from hub.domain.base import (
    MAX_TEXT,
    Command,
    Decision,
    Event,
    Feature,
    Notice,
    appointment_code,
    event,
    phone_digits,
)
from hub.domain.calendar import at_local, business_day, is_working_day
from hub.domain.config import CenterConfig
from hub.domain.day import DayStarted
from hub.domain.issuing import TicketIssued, check_can_issue, next_number
from hub.domain.model import Appointment, CoreState

rules = Feature("appointments")

BookingLimitReached = errors._error("booking_limit_reached")
BookingBlockedError = errors._error("booking_blocked", errors.FORBIDDEN)
UnknownBlock = errors._error("unknown_block", errors.NOT_FOUND)
AppointmentTooEarly = errors._error("appointment_too_early")
NotRescheduled = errors._error("appointment_not_changeable")

CODE_RESEND_SECONDS = 60
OUTCOME_DAYS = 90  # how far back the no-show rate looks


# --------------------------------------------------------------------------- state


@dataclass
class VerifyCode:
    """A booking's one-time code sent to a phone: only its keyed hash is kept."""

    code_hash: str = field(repr=False)
    issued_at: datetime
    expires_at: datetime
    attempts: int = 0


@dataclass
class Block:
    """A phone that may not book until `until` (the no-show policy)."""

    id: str
    phone: str = field(repr=False)
    since: date
    until: date
    missed: int


@dataclass
class BookingState:
    part_name: ClassVar[str] = "booking"

    codes: dict[str, VerifyCode] = field(default_factory=dict)  # by phone digits
    # Per phone, the days of its missed appointments since its last block (or lift).
    missed: dict[str, list[date]] = field(default_factory=dict)
    blocks: dict[str, Block] = field(default_factory=dict)  # live ones, by id
    # Per ISO day, [checked in, missed] appointments: the no-show rate.
    outcomes: dict[str, list[int]] = field(default_factory=dict)


# --------------------------------------------------------------------------- commands


@dataclass(frozen=True)
class CheckIn(Command):
    """Check in a booked appointment by its code; a phone number given too must be the
    one it was booked with (the number alone is never enough: DOMAIN.md)."""

    code: str | None = None
    phone: str | None = None
    otp_hash: str | None = field(default=None, repr=False)  # keyed hash of a one-time code


@dataclass(frozen=True)
class BookAppointment(Command):
    """An appointment booked at the counter or the kiosk (no phone code asked)."""

    service: str
    day: date
    slot_start: time
    phone: str = field(default="", repr=False)


@dataclass(frozen=True)
class CancelAppointment(Command):
    code: str


@dataclass(frozen=True)
class RequestBookingCode(Command):
    phone: str = field(repr=False)
    code_hash: str = field(repr=False)  # keyed hash of phone and code, from the edge
    sealed: str = field(repr=False)  # the code sealed for the sender, from the edge


@dataclass(frozen=True)
class Book(Command):
    service: str
    day: date
    slot_start: time
    phone: str = field(repr=False)
    otp_hash: str = field(repr=False)
    id_hash: str = field(default="", repr=False)


@dataclass(frozen=True)
class Reschedule(Command):
    code: str
    phone: str = field(repr=False)
    day: date = date.min
    slot_start: time = time(0)


@dataclass(frozen=True)
class CancelBooking(Command):
    code: str
    phone: str = field(repr=False)


@dataclass(frozen=True)
class MarkMissed(Command):
    """The clock's tick: appointments whose check-in time is over become no-shows."""


@dataclass(frozen=True)
class LiftBlock(Command):
    block: str
    reason: str = ""


@dataclass(frozen=True)
class CheckInById(Command):
    id_hash: str = field(repr=False)  # keyed hash of the ID number, from the edge


# --------------------------------------------------------------------------- events


@event
@dataclass(frozen=True, kw_only=True)
class AppointmentBooked(Event):
    appointment: str
    code: str
    service: str
    day: date
    slot_start: time
    slot_end: time
    phone: str = field(default="", repr=False)  # needed for check-in by phone; masked on the wire
    id_hash: str = field(default="", repr=False)  # keyed hash of an ID number (check-in by ID)


@event
@dataclass(frozen=True, kw_only=True)
class AppointmentCancelled(Event):
    appointment: str
    code: str


@event
@dataclass(frozen=True, kw_only=True)
class BookingCodeIssued(Event):
    phone: str = field(default="", repr=False)
    code_hash: str = field(default="", repr=False)
    sealed: str = field(default="", repr=False)
    expires_at: datetime


@event
@dataclass(frozen=True, kw_only=True)
class BookingCodeRejected(Event):
    phone: str = field(default="", repr=False)
    attempts: int


@event
@dataclass(frozen=True, kw_only=True)
class BookingCodeUsed(Event):
    phone: str = field(default="", repr=False)


@event
@dataclass(frozen=True, kw_only=True)
class AppointmentRescheduled(Event):
    appointment: str
    code: str
    service: str
    day: date
    slot_start: time
    slot_end: time


@event
@dataclass(frozen=True, kw_only=True)
class AppointmentMissed(Event):
    appointment: str
    code: str
    service: str
    day: date
    phone: str = field(default="", repr=False)


@event
@dataclass(frozen=True, kw_only=True)
class BookingBlocked(Event):
    block: str
    phone: str = field(default="", repr=False)
    since: date
    until: date
    missed: int


@event
@dataclass(frozen=True, kw_only=True)
class BookingUnblocked(Event):
    block: str
    phone: str = field(default="", repr=False)
    reason: str = ""


# ------------------------------------------------------------------- at the counter and the kiosk


@rules.decides(CheckIn)
def _check_in(d: Decision, c: CheckIn) -> None:
    state = d.state
    if c.otp_hash and c.phone:
        # By phone number with the one-time code sent to it (hub/domain/notify.py).
        appointment_id = notify.check_code(d, c.phone, c.otp_hash)
        if appointment_id is None:
            return  # a wrong code: the attempt is recorded, nobody checked in
        check_in_appointment(d, state.appointments[appointment_id])
        return
    if not c.code or not c.code.strip():
        # By phone number, the appointment code or a one-time code sent to that phone
        # must come too: never the number alone.
        raise errors.MissingField("预约码必填 (the appointment code is required)", field="code")
    appointment_id = state.appointment_codes.get(c.code.strip())
    appointment = state.appointments.get(appointment_id) if appointment_id else None
    if appointment is not None and c.phone is not None:
        digits = "".join(ch for ch in c.phone if ch.isdigit())
        if not appointment.phone or appointment.phone != digits:
            appointment = None  # one answer for "no such code" and "not this phone's"
    if appointment is None:
        raise errors.UnknownAppointment(
            "没有找到这个预约，请核对预约码和手机号 (no appointment matches)", field="code")
    check_in_appointment(d, appointment)


def check_in_appointment(d: Decision, appointment: Any) -> None:
    state = d.state
    check_window(d, appointment)
    if appointment.status == "cancelled":
        raise errors.AppointmentCancelled("这个预约已取消", field="code")
    if appointment.status == "checked_in":
        raise errors.AppointmentAlreadyCheckedIn("这个预约已经签到过了", field="code")
    if appointment.day != state.business_day:
        raise errors.AppointmentNotToday(
            f"预约日期是 {appointment.day:%Y-%m-%d}，不是今天", field="code"
        )
    issuing = check_can_issue(d, appointment.service)
    slot_start = at_local(d.config, appointment.day, appointment.slot_start)
    slot_end = at_local(d.config, appointment.day, appointment.slot_end)
    late = d.now > slot_end + timedelta(minutes=d.config.queue.appointment_late_minutes)
    if late and d.config.queue.late_appointment == "refuse":
        raise errors.AppointmentMissed("预约时段已过，请重新取号或预约", field="code")
    d.emit(
        TicketIssued,
        ticket=d.context.new_id(),
        number=next_number(d, issuing),
        service=issuing.id,
        channel="appointment",
        appointment=appointment.id,
        due_at=None if late else slot_start,  # late: served as a walk-in
    )


@rules.decides(BookAppointment)
def _book_appointment(d: Decision, c: BookAppointment) -> None:
    found = base.service(d, c.service)
    if found.appointment_capacity <= 0:
        raise errors.ServiceClosed(f"{found.name.zh}不接受预约", field="service")
    slot = next((s for s in d.config.appointment_slots if s[0] == c.slot_start), None)
    if slot is None:
        raise errors.InvalidSlot("no such appointment slot", field="slot")
    if c.day < business_day(d.config, d.now) or not is_working_day(d.config.hours, c.day):
        raise errors.InvalidDay("the day is past or not a working day", field="day")
    if at_local(d.config, c.day, slot[1]) <= d.now:
        raise errors.InvalidSlot("the slot is already over", field="slot")
    booked = sum(
        1
        for a in d.state.appointments.values()
        if a.service == found.id and a.day == c.day and a.slot_start == c.slot_start
        and a.status != "cancelled"
    )
    if booked >= found.appointment_capacity:
        raise errors.SlotFull("这个时段已约满", field="slot")
    phone = "".join(ch for ch in c.phone if ch.isdigit())
    if c.phone and not 7 <= len(phone) <= 15:
        raise errors.InvalidPhone("phone number is not valid", field="phone")
    check_phone(d, phone, c.day, per_day=False)  # a no-show block holds whoever books
    appointment_id = d.context.new_id()
    code = appointment_code(d, appointment_id)
    d.emit(
        AppointmentBooked,
        appointment=appointment_id,
        code=code,
        service=found.id,
        day=c.day,
        slot_start=slot[0],
        slot_end=slot[1],
        phone=phone,
    )


@rules.decides(CancelAppointment)
def _cancel_appointment(d: Decision, c: CancelAppointment) -> None:
    appointment_id = d.state.appointment_codes.get(c.code.strip())
    appointment = d.state.appointments.get(appointment_id) if appointment_id else None
    if appointment is None:
        raise errors.UnknownAppointment("no such appointment", field="code")
    if appointment.status != "booked":
        raise errors.AppointmentCancelled(
            f"the appointment is {appointment.status.replace('_', ' ')}", field="code"
        )
    d.emit(AppointmentCancelled, appointment=appointment.id, code=appointment.code)



# --------------------------------------------------------------------------- reading


def bookable_days(config: CenterConfig, today: date) -> list[date]:
    """The next `booking.horizon_days` working days, today included when it is one."""
    days: list[date] = []
    day = today
    while len(days) < config.booking.horizon_days and day <= today + timedelta(days=120):
        if is_working_day(config.hours, day):
            days.append(day)
        day += timedelta(days=1)
    return days


def taken(state: CoreState, service: str, day: date, slot_start: time,
          but: str | None = None) -> int:
    """Places of a slot taken (every appointment not cancelled), `but` one."""
    return sum(1 for a in state.appointments.values()
               if a.service == service and a.day == day and a.slot_start == slot_start
               and a.status != "cancelled" and a.id != but)


def slots_view(state: CoreState, config: CenterConfig, service_id: str,
               now: datetime) -> list[dict[str, Any]]:
    """Each bookable day of a service with its slots and the places left."""
    service = config.service(service_id)
    if service is None or service.appointment_capacity <= 0:
        return []
    found = []
    for day in bookable_days(config, business_day(config, now)):
        slots = []
        for start, end in config.appointment_slots:
            left = max(service.appointment_capacity - taken(state, service.id, day, start), 0)
            over = at_local(config, day, end) <= now
            slots.append({"start": f"{start:%H:%M}", "end": f"{end:%H:%M}",
                          "capacity": service.appointment_capacity,
                          "left": 0 if over else left, "open": not over and left > 0,
                          "over": over})
        found.append({"day": day.isoformat(), "weekday": day.isoweekday(), "slots": slots})
    return found


def live_block(state: CoreState, phone: str, today: date) -> Block | None:
    return next((b for b in _part(state).blocks.values()
                 if b.phone == phone and b.until > today), None)


def find(state: CoreState, code: str, phone: str) -> Appointment | None:
    """The appointment with `code` booked by `phone`; None for either mismatch."""
    appointment_id = state.appointment_codes.get(code.strip())
    appointment = state.appointments.get(appointment_id) if appointment_id else None
    digits = phone_digits(phone)
    if appointment is None or not digits or appointment.phone != digits:
        return None
    return appointment


def missed_due(state: CoreState, now: datetime) -> list[Appointment]:
    """Booked appointments whose check-in time (slot end + late tolerance) is over."""
    config = state.config
    if config is None:
        return []
    late = timedelta(minutes=config.queue.appointment_late_minutes)
    return sorted((a for a in state.appointments.values() if a.status == "booked"
                   and at_local(config, a.day, a.slot_end) + late <= now),
                  key=lambda a: (a.day, a.slot_start, a.code))


# --------------------------------------------------------------------------- rules


def check_phone(d: Decision, phone: str, day: date, but: str | None = None,
                per_day: bool = True) -> None:
    """The per-phone limits: the no-show block and (a citizen's own booking) the
    appointments per day. Staff booking for someone at the counter are held to the
    block only."""
    if not phone:
        return
    today = business_day(d.config, d.now)
    block = live_block(d.state, phone, today)
    if block is not None:
        raise BookingBlockedError(
            f"因多次预约未到，{block.until:%Y-%m-%d} 前暂停网上预约 "
            f"(missed appointments: no booking before {block.until:%Y-%m-%d})",
            field="phone", until=block.until.isoformat())
    if not per_day:
        return
    mine = sum(1 for a in d.state.appointments.values()
               if a.phone == phone and a.day == day and a.status != "cancelled"
               and a.id != but)
    if mine >= d.config.booking.per_phone_per_day:
        raise BookingLimitReached(
            f"同一手机号每天最多预约 {d.config.booking.per_phone_per_day} 次 "
            f"(at most {d.config.booking.per_phone_per_day} a day per phone)", field="phone")


def _slot(d: Decision, service: Any, day: date, slot_start: time,
          but: str | None = None) -> tuple[time, time]:
    if service.appointment_capacity <= 0:
        raise errors.ServiceClosed(f"{service.name.zh}不接受预约", field="service")
    if day not in bookable_days(d.config, business_day(d.config, d.now)):
        raise errors.InvalidDay("只能预约今后几个工作日 (not a bookable working day)",
                                field="day")
    slot = next((s for s in d.config.appointment_slots if s[0] == slot_start), None)
    if slot is None:
        raise errors.InvalidSlot("no such appointment slot", field="slot")
    if at_local(d.config, day, slot[1]) <= d.now:
        raise errors.InvalidSlot("这个时段已经过了 (the slot is over)", field="slot")
    if taken(d.state, service.id, day, slot_start, but) >= service.appointment_capacity:
        raise errors.SlotFull("这个时段已约满 (the slot is full)", field="slot")
    return slot


def _phone(phone: str) -> str:
    digits = phone_digits(phone)
    if not 7 <= len(digits) <= 15:
        raise errors.InvalidPhone("phone number is not valid", field="phone")
    return digits


@rules.decides(RequestBookingCode)
def _request_code(d: Decision, c: RequestBookingCode) -> None:
    digits = _phone(c.phone)
    current = _part(d.state).codes.get(digits)
    if current is not None and d.now - current.issued_at < timedelta(
            seconds=CODE_RESEND_SECONDS):
        return  # the last code is still on its way
    d.emit(BookingCodeIssued, phone=digits, code_hash=c.code_hash, sealed=c.sealed,
           expires_at=d.now + timedelta(minutes=d.config.notify.code_minutes))


def _check_code(d: Decision, digits: str, code_hash: str) -> bool:
    entry = _part(d.state).codes.get(digits)
    if entry is None or d.now >= entry.expires_at:
        raise notify.CodeExpired("验证码已失效，请重新获取 (no valid code: ask for a new one)",
                                 field="otp")
    if entry.attempts >= d.config.notify.code_attempts:
        raise notify.CodeExpired("验证码输错次数过多，请重新获取 (too many wrong codes)",
                                 field="otp")
    if entry.code_hash != code_hash:
        d.emit(BookingCodeRejected, phone=digits, attempts=entry.attempts + 1)
        return False
    d.emit(BookingCodeUsed, phone=digits)
    return True


@rules.decides(Book)
def _book(d: Decision, c: Book) -> None:
    service = base.service(d, c.service)
    digits = _phone(c.phone)
    slot = _slot(d, service, c.day, c.slot_start)
    check_phone(d, digits, c.day)
    if not _check_code(d, digits, c.otp_hash):
        return  # a wrong code: the attempt is recorded, nothing booked
    appointment_id = d.context.new_id()
    d.emit(AppointmentBooked, appointment=appointment_id,
           code=appointment_code(d, appointment_id), service=service.id, day=c.day,
           slot_start=slot[0], slot_end=slot[1], phone=digits, id_hash=c.id_hash)


def _mine(d: Decision, code: str, phone: str) -> Appointment:
    appointment = find(d.state, code, phone)
    if appointment is None:
        raise errors.UnknownAppointment(
            "没有找到这个预约，请核对预约码和手机号 (no appointment matches)", field="code")
    if appointment.status != "booked":
        raise NotRescheduled(f"the appointment is {appointment.status.replace('_', ' ')}",
                             field="code", now=appointment.status)
    return appointment


@rules.decides(Reschedule)
def _reschedule(d: Decision, c: Reschedule) -> None:
    appointment = _mine(d, c.code, c.phone)
    service = base.service(d, appointment.service)
    if (c.day, c.slot_start) == (appointment.day, appointment.slot_start):
        raise errors.InvalidSlot("这就是现在预约的时段 (already this slot)", field="slot")
    slot = _slot(d, service, c.day, c.slot_start, but=appointment.id)
    check_phone(d, appointment.phone, c.day, but=appointment.id)
    d.emit(AppointmentRescheduled, appointment=appointment.id, code=appointment.code,
           service=service.id, day=c.day, slot_start=slot[0], slot_end=slot[1])


@rules.decides(CancelBooking)
def _cancel(d: Decision, c: CancelBooking) -> None:
    appointment = _mine(d, c.code, c.phone)
    d.emit(AppointmentCancelled, appointment=appointment.id, code=appointment.code)


@rules.decides(MarkMissed)
def _mark_missed(d: Decision, c: MarkMissed) -> None:
    policy = d.config.booking
    counted: dict[str, list[date]] = {}
    for appointment in missed_due(d.state, d.now):
        d.emit(AppointmentMissed, appointment=appointment.id, code=appointment.code,
               service=appointment.service, day=appointment.day, phone=appointment.phone)
        phone = appointment.phone
        if not phone or not policy.no_show_limit:
            continue
        days = counted.setdefault(phone, list(_part(d.state).missed.get(phone, [])))
        days.append(appointment.day)
        recent = [day for day in days
                  if day > appointment.day - timedelta(days=policy.no_show_window_days)]
        if len(recent) >= policy.no_show_limit and live_block(
                d.state, phone, appointment.day) is None:
            d.emit(BookingBlocked, block=d.context.new_id(), phone=phone,
                   since=appointment.day,
                   until=appointment.day + timedelta(days=policy.no_show_block_days),
                   missed=len(recent))
            counted[phone] = []


@rules.decides(LiftBlock)
def _lift(d: Decision, c: LiftBlock) -> None:
    block = _part(d.state).blocks.get(c.block)
    if block is None:
        raise UnknownBlock("no such booking block", field="block")
    reason = c.reason.strip()
    if len(reason) > MAX_TEXT:
        raise errors.InvalidReason(f"the reason is longer than {MAX_TEXT}",
                                   field="reason")
    d.emit(BookingUnblocked, block=block.id, phone=block.phone, reason=reason)


@rules.decides(CheckInById)
def _check_in_by_id(d: Decision, c: CheckInById) -> None:
    mine = [a for a in d.state.appointments.values()
            if c.id_hash and a.id_hash == c.id_hash and a.status == "booked"
            and a.day == d.state.business_day]
    if not mine:
        raise errors.UnknownAppointment(
            "没有找到今天的预约，请核对证件号码 (no appointment today for this ID)",
            field="id_number")
    check_in_appointment(d, min(mine, key=lambda a: a.slot_start))


def check_window(d: Decision, appointment: Appointment) -> None:
    """Refusals before the check-in window: a missed appointment, or too early."""
    if appointment.status == "missed":
        raise errors.AppointmentMissed("预约已过时未签到，请重新取号或预约", field="code")
    early = d.config.booking.checkin_early_minutes
    start = at_local(d.config, appointment.day, appointment.slot_start)
    if early and d.now < start - timedelta(minutes=early):
        raise AppointmentTooEarly(
            f"请在 {start - timedelta(minutes=early):%H:%M} 后签到 "
            f"(check-in opens {early} minutes before the slot)", field="code")


# --------------------------------------------------------------------------- notifications


@rules.notifies(BookingCodeIssued)
def _verify_code(state: CoreState, event: BookingCodeIssued) -> list[Notice]:
    return [Notice("booking_verify", event.phone, {}, f"booking_verify:{event.seq}",
                          sealed=event.sealed, expires_at=event.expires_at)]


@rules.notifies(AppointmentBooked)
def _booking_code(state: CoreState, event: AppointmentBooked) -> list[Notice]:
    if not event.phone:
        return []
    return [Notice("booking_code", event.phone, {
        "code": event.code, "service": event.service, "day": event.day.isoformat(),
        "time": f"{event.slot_start:%H:%M}"}, f"booking_code:{event.appointment}")]



@rules.notifies(AppointmentRescheduled)
def _moved(state: CoreState, event: AppointmentRescheduled) -> list[Notice]:
    """A moved appointment is confirmed by text, as a booked one is: same code, new time."""
    appointment = state.appointments.get(event.appointment)
    if appointment is None or not appointment.phone:
        return []
    return [Notice("booking_code", appointment.phone, {
        "code": event.code, "service": event.service, "day": event.day.isoformat(),
        "time": f"{event.slot_start:%H:%M}"}, f"booking_code:{event.appointment}:{event.seq}")]



# --------------------------------------------------------------------------- fold


@rules.folds(BookingCodeIssued)
def _code_issued(state: CoreState, event: BookingCodeIssued) -> None:
    _part(state).codes[event.phone] = VerifyCode(
        code_hash=event.code_hash, issued_at=event.at, expires_at=event.expires_at)


@rules.folds(BookingCodeRejected)
def _code_rejected(state: CoreState, event: BookingCodeRejected) -> None:
    entry = _part(state).codes.get(event.phone)
    if entry is not None:
        entry.attempts = event.attempts


@rules.folds(BookingCodeUsed)
def _code_used(state: CoreState, event: BookingCodeUsed) -> None:
    _part(state).codes.pop(event.phone, None)


@rules.folds(AppointmentRescheduled)
def _rescheduled(state: CoreState, event: AppointmentRescheduled) -> None:
    appointment = state.appointments[event.appointment]
    appointment.day = event.day
    appointment.slot_start = event.slot_start
    appointment.slot_end = event.slot_end
    state.part(notify.Outbox).reminded.discard(event.appointment)  # remind of the new day


def _outcome(state: CoreState, day: date) -> list[int]:
    return _part(state).outcomes.setdefault(day.isoformat(), [0, 0])


@rules.folds(AppointmentMissed)
def _missed(state: CoreState, event: AppointmentMissed) -> None:
    state.appointments[event.appointment].status = "missed"
    _outcome(state, event.day)[1] += 1
    if event.phone:
        _part(state).missed.setdefault(event.phone, []).append(event.day)


@rules.folds(BookingBlocked)
def _blocked(state: CoreState, event: BookingBlocked) -> None:
    _part(state).blocks[event.block] = Block(
        id=event.block, phone=event.phone, since=event.since, until=event.until,
        missed=event.missed)
    _part(state).missed.pop(event.phone, None)  # counting starts afresh


@rules.folds(BookingUnblocked)
def _unblocked(state: CoreState, event: BookingUnblocked) -> None:
    _part(state).blocks.pop(event.block, None)
    _part(state).missed.pop(event.phone, None)


@rules.folds(TicketIssued)
def _ticket_issued(state: CoreState, event: TicketIssued) -> None:
    appointment = state.appointments.get(event.appointment or "")
    if appointment is not None:
        _outcome(state, appointment.day)[0] += 1


@rules.folds(DayStarted)
def _day_started(state: CoreState, event: DayStarted) -> None:
    """A new day: drop outcomes past the no-show rate's reach, ended blocks, misses past
    the policy's window, and codes. Rebinds only (decide applies it to a shallow copy)."""
    old = _part(state)
    window = state.config.booking.no_show_window_days if state.config else OUTCOME_DAYS
    first = event.business_day - timedelta(days=max(window, OUTCOME_DAYS))
    state.set_part(BookingState(
        codes={},
        missed={p: [d for d in days if d > event.business_day - timedelta(days=window)]
                for p, days in old.missed.items()},
        blocks={k: b for k, b in old.blocks.items() if b.until > event.business_day},
        outcomes={k: list(v) for k, v in old.outcomes.items() if k >= first.isoformat()},
    ))


@rules.folds(AppointmentBooked)
def _appointment_booked(state: CoreState, event: AppointmentBooked) -> None:
    state.appointments[event.appointment] = Appointment(
        id=event.appointment,
        code=event.code,
        service=event.service,
        day=event.day,
        slot_start=event.slot_start,
        slot_end=event.slot_end,
        phone=event.phone,
        id_hash=event.id_hash,
    )
    state.appointment_codes[event.code] = event.appointment


@rules.folds(AppointmentCancelled)
def _appointment_cancelled(state: CoreState, event: AppointmentCancelled) -> None:
    state.appointments[event.appointment].status = "cancelled"


def _part(state: CoreState) -> BookingState:
    return state.part(BookingState)
