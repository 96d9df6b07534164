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
from typing import Any

from hub.domain import decide as rules
from hub.domain import errors, fold, notify
from hub.domain import events as ev
from hub.domain.calendar import at_local, business_day, is_working_day
from hub.domain.commands import Command
from hub.domain.config import CenterConfig
from hub.domain.state import Appointment, CenterState

BookingLimitReached = errors._error("booking_limit_reached")
BookingBlockedError = errors._error("booking_blocked", 403)
UnknownBlock = errors._error("unknown_block", 404)
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
    codes: dict[str, VerifyCode] = field(default_factory=dict)  # by phone digits
    # Per phone, the days of its missed appointments since its last block (or lift).
    missed: dict[str, list[date]] = field(default_factory=dict)
    blocks: dict[str, Block] = field(default_factory=dict)  # live ones, by id
    # Per ISO day, [checked in, missed] appointments: the no-show rate.
    outcomes: dict[str, list[int]] = field(default_factory=dict)


# --------------------------------------------------------------------------- commands


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


@ev.event
@dataclass(frozen=True, kw_only=True)
class BookingCodeIssued(ev.Event):
    phone: str = field(default="", repr=False)
    code_hash: str = field(default="", repr=False)
    sealed: str = field(default="", repr=False)
    expires_at: datetime


@ev.event
@dataclass(frozen=True, kw_only=True)
class BookingCodeRejected(ev.Event):
    phone: str = field(default="", repr=False)
    attempts: int


@ev.event
@dataclass(frozen=True, kw_only=True)
class BookingCodeUsed(ev.Event):
    phone: str = field(default="", repr=False)


@ev.event
@dataclass(frozen=True, kw_only=True)
class AppointmentRescheduled(ev.Event):
    appointment: str
    code: str
    service: str
    day: date
    slot_start: time
    slot_end: time


@ev.event
@dataclass(frozen=True, kw_only=True)
class AppointmentMissed(ev.Event):
    appointment: str
    code: str
    service: str
    day: date
    phone: str = field(default="", repr=False)


@ev.event
@dataclass(frozen=True, kw_only=True)
class BookingBlocked(ev.Event):
    block: str
    phone: str = field(default="", repr=False)
    since: date
    until: date
    missed: int


@ev.event
@dataclass(frozen=True, kw_only=True)
class BookingUnblocked(ev.Event):
    block: str
    phone: str = field(default="", repr=False)
    reason: str = ""


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


def taken(state: CenterState, service: str, day: date, slot_start: time,
          but: str | None = None) -> int:
    """Places of a slot taken (every appointment not cancelled), `but` one."""
    return sum(1 for a in state.appointments.values()
               if a.service == service and a.day == day and a.slot_start == slot_start
               and a.status != "cancelled" and a.id != but)


def slots_view(state: CenterState, config: CenterConfig, service_id: str,
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


def live_block(state: CenterState, phone: str, today: date) -> Block | None:
    return next((b for b in state.booking.blocks.values()
                 if b.phone == phone and b.until > today), None)


def find(state: CenterState, code: str, phone: str) -> Appointment | None:
    """The appointment with `code` booked by `phone`; None for either mismatch."""
    appointment_id = state.appointment_codes.get(code.strip())
    appointment = state.appointments.get(appointment_id) if appointment_id else None
    digits = notify.phone_digits(phone)
    if appointment is None or not digits or appointment.phone != digits:
        return None
    return appointment


def missed_due(state: CenterState, now: datetime) -> list[Appointment]:
    """Booked appointments whose check-in time (slot end + late tolerance) is over."""
    config = state.config
    if config is None:
        return []
    late = timedelta(minutes=config.queue.appointment_late_minutes)
    return sorted((a for a in state.appointments.values() if a.status == "booked"
                   and at_local(config, a.day, a.slot_end) + late <= now),
                  key=lambda a: (a.day, a.slot_start, a.code))


# --------------------------------------------------------------------------- rules


def check_phone(d: rules.Decision, phone: str, day: date, but: str | None = None,
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


def _slot(d: rules.Decision, service: Any, day: date, slot_start: time,
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
    digits = notify.phone_digits(phone)
    if not 7 <= len(digits) <= 15:
        raise errors.InvalidPhone("phone number is not valid", field="phone")
    return digits


@rules._on(RequestBookingCode)
def _request_code(d: rules.Decision, c: RequestBookingCode) -> None:
    digits = _phone(c.phone)
    current = d.state.booking.codes.get(digits)
    if current is not None and d.now - current.issued_at < timedelta(
            seconds=CODE_RESEND_SECONDS):
        return  # the last code is still on its way
    d.emit(BookingCodeIssued, phone=digits, code_hash=c.code_hash, sealed=c.sealed,
           expires_at=d.now + timedelta(minutes=d.config.notify.code_minutes))


def _check_code(d: rules.Decision, digits: str, code_hash: str) -> bool:
    entry = d.state.booking.codes.get(digits)
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


@rules._on(Book)
def _book(d: rules.Decision, c: Book) -> None:
    service = rules._service(d, c.service)
    digits = _phone(c.phone)
    slot = _slot(d, service, c.day, c.slot_start)
    check_phone(d, digits, c.day)
    if not _check_code(d, digits, c.otp_hash):
        return  # a wrong code: the attempt is recorded, nothing booked
    appointment_id = d.context.new_id()
    d.emit(ev.AppointmentBooked, appointment=appointment_id,
           code=rules._appointment_code(d, appointment_id), service=service.id, day=c.day,
           slot_start=slot[0], slot_end=slot[1], phone=digits, id_hash=c.id_hash)


def _mine(d: rules.Decision, code: str, phone: str) -> Appointment:
    appointment = find(d.state, code, phone)
    if appointment is None:
        raise errors.UnknownAppointment(
            "没有找到这个预约，请核对预约码和手机号 (no appointment matches)", field="code")
    if appointment.status != "booked":
        raise NotRescheduled(f"the appointment is {appointment.status.replace('_', ' ')}",
                             field="code", now=appointment.status)
    return appointment


@rules._on(Reschedule)
def _reschedule(d: rules.Decision, c: Reschedule) -> None:
    appointment = _mine(d, c.code, c.phone)
    service = rules._service(d, appointment.service)
    if (c.day, c.slot_start) == (appointment.day, appointment.slot_start):
        raise errors.InvalidSlot("这就是现在预约的时段 (already this slot)", field="slot")
    slot = _slot(d, service, c.day, c.slot_start, but=appointment.id)
    check_phone(d, appointment.phone, c.day, but=appointment.id)
    d.emit(AppointmentRescheduled, appointment=appointment.id, code=appointment.code,
           service=service.id, day=c.day, slot_start=slot[0], slot_end=slot[1])


@rules._on(CancelBooking)
def _cancel(d: rules.Decision, c: CancelBooking) -> None:
    appointment = _mine(d, c.code, c.phone)
    d.emit(ev.AppointmentCancelled, appointment=appointment.id, code=appointment.code)


@rules._on(MarkMissed)
def _mark_missed(d: rules.Decision, c: MarkMissed) -> None:
    policy = d.config.booking
    counted: dict[str, list[date]] = {}
    for appointment in missed_due(d.state, d.now):
        d.emit(AppointmentMissed, appointment=appointment.id, code=appointment.code,
               service=appointment.service, day=appointment.day, phone=appointment.phone)
        phone = appointment.phone
        if not phone or not policy.no_show_limit:
            continue
        days = counted.setdefault(phone, list(d.state.booking.missed.get(phone, [])))
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


@rules._on(LiftBlock)
def _lift(d: rules.Decision, c: LiftBlock) -> None:
    block = d.state.booking.blocks.get(c.block)
    if block is None:
        raise UnknownBlock("no such booking block", field="block")
    reason = c.reason.strip()
    if len(reason) > rules.MAX_TEXT:
        raise errors.InvalidReason(f"the reason is longer than {rules.MAX_TEXT}",
                                   field="reason")
    d.emit(BookingUnblocked, block=block.id, phone=block.phone, reason=reason)


@rules._on(CheckInById)
def _check_in_by_id(d: rules.Decision, c: CheckInById) -> None:
    mine = [a for a in d.state.appointments.values()
            if c.id_hash and a.id_hash == c.id_hash and a.status == "booked"
            and a.day == d.state.business_day]
    if not mine:
        raise errors.UnknownAppointment(
            "没有找到今天的预约，请核对证件号码 (no appointment today for this ID)",
            field="id_number")
    rules._check_in_appointment(d, min(mine, key=lambda a: a.slot_start))


def check_window(d: rules.Decision, appointment: Appointment) -> None:
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


def _verify_code(state: CenterState, event: BookingCodeIssued) -> list[notify.Notice]:
    return [notify.Notice("booking_verify", event.phone, {}, f"booking_verify:{event.seq}",
                          sealed=event.sealed, expires_at=event.expires_at)]


notify.POLICY[BookingCodeIssued] = _verify_code


def _moved(state: CenterState, event: AppointmentRescheduled) -> list[notify.Notice]:
    """A moved appointment is confirmed by text, as a booked one is: same code, new time."""
    appointment = state.appointments.get(event.appointment)
    if appointment is None or not appointment.phone:
        return []
    return [notify.Notice("booking_code", appointment.phone, {
        "code": event.code, "service": event.service, "day": event.day.isoformat(),
        "time": f"{event.slot_start:%H:%M}"}, f"booking_code:{event.appointment}:{event.seq}")]


notify.POLICY[AppointmentRescheduled] = _moved


# --------------------------------------------------------------------------- fold


@fold._on(BookingCodeIssued)
def _code_issued(state: CenterState, event: BookingCodeIssued) -> None:
    state.booking.codes[event.phone] = VerifyCode(
        code_hash=event.code_hash, issued_at=event.at, expires_at=event.expires_at)


@fold._on(BookingCodeRejected)
def _code_rejected(state: CenterState, event: BookingCodeRejected) -> None:
    entry = state.booking.codes.get(event.phone)
    if entry is not None:
        entry.attempts = event.attempts


@fold._on(BookingCodeUsed)
def _code_used(state: CenterState, event: BookingCodeUsed) -> None:
    state.booking.codes.pop(event.phone, None)


@fold._on(AppointmentRescheduled)
def _rescheduled(state: CenterState, event: AppointmentRescheduled) -> None:
    appointment = state.appointments[event.appointment]
    appointment.day = event.day
    appointment.slot_start = event.slot_start
    appointment.slot_end = event.slot_end
    state.outbox.reminded.discard(event.appointment)  # remind of the new day


def _outcome(state: CenterState, day: date) -> list[int]:
    return state.booking.outcomes.setdefault(day.isoformat(), [0, 0])


@fold._on(AppointmentMissed)
def _missed(state: CenterState, event: AppointmentMissed) -> None:
    state.appointments[event.appointment].status = "missed"
    _outcome(state, event.day)[1] += 1
    if event.phone:
        state.booking.missed.setdefault(event.phone, []).append(event.day)


@fold._on(BookingBlocked)
def _blocked(state: CenterState, event: BookingBlocked) -> None:
    state.booking.blocks[event.block] = Block(
        id=event.block, phone=event.phone, since=event.since, until=event.until,
        missed=event.missed)
    state.booking.missed.pop(event.phone, None)  # counting starts afresh


@fold._on(BookingUnblocked)
def _unblocked(state: CenterState, event: BookingUnblocked) -> None:
    state.booking.blocks.pop(event.block, None)
    state.booking.missed.pop(event.phone, None)


_fold_issued = fold._HANDLERS[ev.TicketIssued]


@fold._on(ev.TicketIssued)
def _ticket_issued(state: CenterState, event: ev.TicketIssued) -> None:
    appointment = state.appointments.get(event.appointment or "")
    if appointment is not None:
        _outcome(state, appointment.day)[0] += 1
    _fold_issued(state, event)


_fold_day = fold._HANDLERS[ev.DayStarted]


@fold._on(ev.DayStarted)
def _day_started(state: CenterState, event: ev.DayStarted) -> None:
    """A new day: drop outcomes past the no-show rate's reach, ended blocks, misses past
    the policy's window, and codes. Rebinds only (decide applies it to a shallow copy)."""
    _fold_day(state, event)
    old = state.booking
    window = state.config.booking.no_show_window_days if state.config else OUTCOME_DAYS
    first = event.business_day - timedelta(days=max(window, OUTCOME_DAYS))
    state.booking = BookingState(
        codes={},
        missed={p: [d for d in days if d > event.business_day - timedelta(days=window)]
                for p, days in old.missed.items()},
        blocks={k: b for k, b in old.blocks.items() if b.until > event.business_day},
        outcomes={k: list(v) for k, v in old.outcomes.items() if k >= first.isoformat()},
    )
