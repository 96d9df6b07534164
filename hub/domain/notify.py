"""Notifications that are never lost: the outbox rules.

- A notification is a *consequence* of an event: each feature's table maps its event
  types to pure functions that say which notifications they cause (`Feature.notifies`;
  this module's own: calls, reminders, check-in codes, 差评 follow-ups), and
  compose.py puts them together in one policy. `decide` runs the policy over the
  events of every decision (`queue_notifications`) and appends a `NotificationQueued`
  for each in the same batch, so a notification is durable exactly when its cause
  is, in every store, by construction.
- One notification per de-duplication key, ever (the reminder of an appointment,
  "3 ahead" of a ticket, the call of a ticket at one moment ...).
- The sending worker (hub/web/outbox.py) claims a pending notification with a lease
  (`ClaimNotification`, refused while another process holds an unexpired lease),
  sends it, and records the outcome (`RecordDelivery`): `NotificationSent`, or
  `NotificationFailed` with the next attempt's time. A notification recorded as
  sent is never claimed again; senders receive its id and receivers de-duplicate
  by it, so a send whose outcome was lost in a crash is harmless when repeated.
- One-time check-in codes (签到验证码): `RequestCheckInCode` for a phone with a
  booked appointment today issues a code kept only as a keyed hash (computed at the
  edge: the domain never sees the code), with an expiry and an attempt limit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import ClassVar

from hub.domain import errors
from hub.domain.base import Command, Decision, Event, Feature, Notice, event, phone_digits
from hub.domain.calendar import at_local
from hub.domain.calling import TicketCalled
from hub.domain.day import DayStarted
from hub.domain.model import WAITING, CoreState
from hub.domain.routing import position_key, queue_key
from hub.domain.supervision import FollowUpOpened

rules = Feature("notify")

# Notifications: how many finished ones the state keeps for the dashboard.
NOTIFICATIONS_KEPT = 200
PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass
class Notification:
    """One outbox entry: pending until sent, or failed for good when it expired."""

    id: str
    kind: str
    phone: str = field(repr=False)
    template: str
    params: dict[str, str]
    key: str
    queued_at: datetime
    sealed: str = field(default="", repr=False)
    expires_at: datetime | None = None
    status: str = PENDING
    attempts: int = 0
    claimed_by: str | None = None
    claimed_until: datetime | None = None
    retry_at: datetime | None = None
    outcome: str = ""
    done_at: datetime | None = None


@dataclass
class CheckInCode:
    """A one-time check-in code sent to a phone: only its keyed hash is kept."""

    appointment: str
    code_hash: str = field(repr=False)
    issued_at: datetime
    expires_at: datetime
    attempts: int = 0


@dataclass
class Outbox:
    part_name: ClassVar[str] = "outbox"

    pending: dict[str, Notification] = field(default_factory=dict)  # by id, in queue order
    finished: deque[Notification] = field(
        default_factory=lambda: deque(maxlen=NOTIFICATIONS_KEPT))
    keys: set[str] = field(default_factory=set)  # de-duplication keys ever queued
    reminded: set[str] = field(default_factory=set)  # appointments reminded
    codes: dict[str, CheckInCode] = field(default_factory=dict)  # by phone digits



# --------------------------------------------------------------- notifications (outbox)
#
# A notification is decided with the event that causes it and appended in the same
# batch (hub/domain/notify.py), so it is durable exactly when its cause is. The
# sending worker records each attempt's claim and outcome as events too.


@event
@dataclass(frozen=True, kw_only=True)
class NotificationQueued(Event):
    notification: str  # its id: senders and receivers de-duplicate by it
    kind: str
    phone: str = field(default="", repr=False)  # full only in the journal; masked on the wire
    template: str = ""
    params: dict[str, str] = field(default_factory=dict)
    key: str = ""  # the de-duplication key: one notification per key, ever
    sealed: str = field(default="", repr=False)  # secret params, sealed at the edge (a code)
    expires_at: datetime | None = None  # not worth sending after this


@event
@dataclass(frozen=True, kw_only=True)
class NotificationClaimed(Event):
    notification: str
    by: str  # the sending process
    until: datetime  # the lease: nobody else sends it before


@event
@dataclass(frozen=True, kw_only=True)
class NotificationSent(Event):
    notification: str
    attempt: int
    outcome: str = "sent"


@event
@dataclass(frozen=True, kw_only=True)
class NotificationFailed(Event):
    notification: str
    attempt: int
    outcome: str
    retry_at: datetime | None = None
    final: bool = False  # given up (expired): no more attempts


@event
@dataclass(frozen=True, kw_only=True)
class AppointmentReminded(Event):
    """The day before an appointment: the fact that causes its reminder."""

    appointment: str
    code: str


@event
@dataclass(frozen=True, kw_only=True)
class CheckInCodeIssued(Event):
    """A one-time check-in code for a phone with an appointment today. The code itself
    is kept only as a keyed hash; the SMS carries it sealed."""

    appointment: str
    phone: str = field(default="", repr=False)
    code_hash: str = field(default="", repr=False)
    sealed: str = field(default="", repr=False)
    expires_at: datetime


@event
@dataclass(frozen=True, kw_only=True)
class CheckInCodeRejected(Event):
    phone: str = field(default="", repr=False)
    attempts: int


@event
@dataclass(frozen=True, kw_only=True)
class CheckInCodeUsed(Event):
    phone: str = field(default="", repr=False)


def _part(state: CoreState) -> Outbox:
    return state.part(Outbox)


THREE_AHEAD = 3
NOTIFICATION_HOURS = 24  # a notification not sent within a day is given up
# A phone may ask for a new check-in code this often at most (the answer is the same).
CODE_RESEND_SECONDS = 60

UnknownNotification = errors._error("unknown_notification", errors.NOT_FOUND)
NotificationClaimedElsewhere = errors._error("notification_claimed")
WrongCode = errors._error("wrong_code", errors.INVALID)
CodeExpired = errors._error("code_expired", errors.INVALID)


# --------------------------------------------------------------------------- commands


@dataclass(frozen=True)
class ClaimNotification(Command):
    notification: str
    by: str
    lease_seconds: float = 30.0


@dataclass(frozen=True)
class RecordDelivery(Command):
    notification: str
    by: str
    ok: bool
    outcome: str = ""
    retry_after_seconds: float = 0.0


@dataclass(frozen=True)
class QueueReminders(Command):
    """The clock's tick: remind the appointments of the next day that are due."""


@dataclass(frozen=True)
class RequestCheckInCode(Command):
    phone: str = field(repr=False)
    code_hash: str = field(repr=False)  # keyed hash of phone and code, from the edge
    sealed: str = field(repr=False)  # the code sealed for the sender, from the edge


# --------------------------------------------------------------------------- the policy


Policy = Callable[[CoreState, Event], list[Notice]]


def _ticket_phone(state: CoreState, ticket_id: str) -> str:
    """The phone a ticket can be told on: its appointment's, if it came from one."""
    ticket = state.tickets.get(ticket_id)
    if ticket is None or not ticket.appointment:
        return ""
    appointment = state.appointments.get(ticket.appointment)
    return appointment.phone if appointment is not None else ""


@rules.notifies(AppointmentReminded)
def _reminder(state: CoreState, event: AppointmentReminded) -> list[Notice]:
    appointment = state.appointments.get(event.appointment)
    if appointment is None or not appointment.phone:
        return []
    return [Notice("reminder", appointment.phone, {
        "code": appointment.code, "service": appointment.service,
        "day": appointment.day.isoformat(), "time": f"{appointment.slot_start:%H:%M}"},
        f"reminder:{appointment.id}")]


@rules.notifies(TicketCalled)
def _called(state: CoreState, event: TicketCalled) -> list[Notice]:
    found = []
    phone = _ticket_phone(state, event.ticket)
    if phone:
        found.append(Notice("called", phone, {
            "number": event.number, "window": str(event.window),
            "window_name": event.window_name}, f"called:{event.ticket}:{event.seq}"))
    return found + _three_ahead(state, event)


def _three_ahead(state: CoreState, event: TicketCalled) -> list[Notice]:
    """"3 people ahead of you": for each ticket with a phone in the queue the call
    shortened that now has at most three ahead (once per ticket)."""
    called = state.tickets.get(event.ticket)
    config = state.config
    if called is None or config is None:
        return []
    queue = [state.tickets[t] for t in state.waiting.get(queue_key(called), ())]
    if not any(t.appointment and f"three_ahead:{t.id}" not in _part(state).keys
               for t in queue):
        return []  # nobody here could be told (the common case: walk-ins only)
    ranked = sorted((t for t in queue if t.id != called.id and t.status == WAITING),
                    key=lambda t: position_key(config, t))
    found = []
    for ahead, ticket in enumerate(ranked):
        if ahead > THREE_AHEAD:
            break
        key = f"three_ahead:{ticket.id}"
        phone = _ticket_phone(state, ticket.id)
        if ahead >= 1 and phone and key not in _part(state).keys:
            found.append(Notice("three_ahead", phone, {
                "number": ticket.number, "ahead": str(ahead)}, key))
    return found


@rules.notifies(FollowUpOpened)
def _follow_up(state: CoreState, event: FollowUpOpened) -> list[Notice]:
    """A 差评's follow-up opened (a policy's event itself): tell the citizen."""
    phone = _ticket_phone(state, event.follow_up)
    if not phone:
        return []
    return [Notice("follow_up", phone, {"number": event.number},
                   f"follow_up:{event.follow_up}")]


@rules.notifies(CheckInCodeIssued)
def _checkin_code(state: CoreState, event: CheckInCodeIssued) -> list[Notice]:
    return [Notice("checkin_code", event.phone, {}, f"checkin_code:{event.seq}",
                   sealed=event.sealed, expires_at=event.expires_at)]


def notices(state: CoreState, event: Event, policy: Mapping[type[Event], Policy]) -> list[Notice]:
    """The notifications `event` causes, judged on the state just before it."""
    found = policy.get(type(event))
    return found(state, event) if found is not None else []


def queue_notifications(d: Decision, caused: list[Event],
                        policy: Mapping[type[Event], Policy]) -> None:
    """Run the policy (every feature's, put together by compose.py) over a decision's
    events, each on the state it was decided on (the state before the decision), and
    emit the notifications in the same batch."""
    if not any(type(e) in policy for e in caused):
        return
    seen: set[str] = set()
    for cause in caused:
        for notice in notices(d.state, cause, policy):
            if notice.key in _part(d.state).keys or notice.key in seen:
                continue
            seen.add(notice.key)
            d.emit(
                NotificationQueued,
                notification=d.context.new_id(),
                kind=notice.kind,
                phone=notice.phone,
                template=d.config.notify.template(notice.kind),
                params=notice.params,
                key=notice.key,
                sealed=notice.sealed,
                expires_at=notice.expires_at
                or d.now + timedelta(hours=NOTIFICATION_HOURS),
            )



# --------------------------------------------------------------------------- sending


def due(state: CoreState, now: datetime, me: str) -> list[Notification]:
    """Pending notifications this process may claim now (no live lease elsewhere)."""
    found = []
    for n in _part(state).pending.values():
        if n.retry_at is not None and n.retry_at > now:
            continue
        if n.claimed_by not in (None, me) and n.claimed_until and n.claimed_until > now:
            continue
        found.append(n)
    return found


@rules.decides(ClaimNotification)
def _claim(d: Decision, c: ClaimNotification) -> None:
    n = _part(d.state).pending.get(c.notification)
    if n is None:
        raise UnknownNotification("no such pending notification", field="notification")
    if n.claimed_by not in (None, c.by) and n.claimed_until and n.claimed_until > d.now:
        raise NotificationClaimedElsewhere(f"claimed by {n.claimed_by}")
    d.emit(NotificationClaimed, notification=n.id, by=c.by,
           until=d.now + timedelta(seconds=c.lease_seconds))


@rules.decides(RecordDelivery)
def _record(d: Decision, c: RecordDelivery) -> None:
    n = _part(d.state).pending.get(c.notification)
    if n is None:
        return  # already recorded as sent (or given up): nothing more to say
    attempt = n.attempts + 1
    outcome = c.outcome[:200]
    if c.ok:
        d.emit(NotificationSent, notification=n.id, attempt=attempt,
               outcome=outcome or "sent")
        return
    expired = n.expires_at is not None and d.now >= n.expires_at
    d.emit(NotificationFailed, notification=n.id, attempt=attempt, outcome=outcome,
           retry_at=None if expired else d.now + timedelta(seconds=c.retry_after_seconds),
           final=expired)


# --------------------------------------------------------------------------- reminders


def reminders_due(state: CoreState, now: datetime) -> list[str]:
    """Appointments of the next day, with a phone, whose reminder time has come."""
    config = state.config
    if config is None:
        return []
    found = []
    for appointment in state.appointments.values():
        if (appointment.status != "booked" or not appointment.phone
                or appointment.id in _part(state).reminded):
            continue
        eve = appointment.day - timedelta(days=1)
        # Only on the day before, from the reminder time: a booking for today (or made
        # after midnight) has just had its code and needs no reminder.
        if at_local(config, eve, config.notify.reminder_at) <= now < at_local(
                config, appointment.day, time(0)):
            found.append(appointment.id)
    return sorted(found)


@rules.decides(QueueReminders)
def _queue_reminders(d: Decision, c: QueueReminders) -> None:
    for appointment_id in reminders_due(d.state, d.now):
        appointment = d.state.appointments[appointment_id]
        d.emit(AppointmentReminded, appointment=appointment.id, code=appointment.code)


# --------------------------------------------------------------------------- check-in codes


def appointment_for_phone(state: CoreState, phone: str) -> str | None:
    """Today's booked appointment of a phone (the earliest slot), or None."""
    digits = phone_digits(phone)
    mine = [a for a in state.appointments.values()
            if digits and a.phone == digits and a.status == "booked"
            and a.day == state.business_day]
    return min(mine, key=lambda a: a.slot_start).id if mine else None


@rules.decides(RequestCheckInCode)
def _request_code(d: Decision, c: RequestCheckInCode) -> None:
    digits = phone_digits(c.phone)
    appointment_id = appointment_for_phone(d.state, digits)
    if appointment_id is None:
        return  # nothing happens, and the kiosk says the same as when a code is sent
    current = _part(d.state).codes.get(digits)
    if current is not None and d.now - current.issued_at < timedelta(
            seconds=CODE_RESEND_SECONDS):
        return  # the last code is still on its way
    d.emit(CheckInCodeIssued, appointment=appointment_id, phone=digits,
           code_hash=c.code_hash, sealed=c.sealed,
           expires_at=d.now + timedelta(minutes=d.config.notify.code_minutes))


def check_code(d: Decision, phone: str, code_hash: str) -> str | None:
    """The appointment a one-time code checks in, or None after recording a wrong
    attempt; raises when there is no live code for the phone."""
    digits = phone_digits(phone)
    entry = _part(d.state).codes.get(digits)
    if entry is None or d.now >= entry.expires_at:
        raise CodeExpired("验证码已失效，请重新获取 (no valid code: ask for a new one)",
                          field="otp")
    if entry.attempts >= d.config.notify.code_attempts:
        raise CodeExpired("验证码输错次数过多，请重新获取 (too many wrong codes)", field="otp")
    if entry.code_hash != code_hash:
        d.emit(CheckInCodeRejected, phone=digits, attempts=entry.attempts + 1)
        return None
    d.emit(CheckInCodeUsed, phone=digits)
    return entry.appointment


# --------------------------------------------------------------------------- fold


@rules.folds(NotificationQueued)
def _queued(state: CoreState, event: NotificationQueued) -> None:
    _part(state).pending[event.notification] = Notification(
        id=event.notification, kind=event.kind, phone=event.phone, template=event.template,
        params=dict(event.params), key=event.key, queued_at=event.at, sealed=event.sealed,
        expires_at=event.expires_at)
    _part(state).keys.add(event.key)


@rules.folds(NotificationClaimed)
def _claimed(state: CoreState, event: NotificationClaimed) -> None:
    n = _part(state).pending.get(event.notification)
    if n is not None:
        n.claimed_by = event.by
        n.claimed_until = event.until


def _finish(state: CoreState, n: Notification, status: str, at: datetime) -> None:
    _part(state).pending.pop(n.id, None)
    n.status = status
    n.done_at = at
    n.sealed = ""  # a code is no longer needed once sent or given up
    n.claimed_by = n.claimed_until = None
    _part(state).finished.appendleft(n)


@rules.folds(NotificationSent)
def _sent(state: CoreState, event: NotificationSent) -> None:
    n = _part(state).pending.get(event.notification)
    if n is not None:
        n.attempts = event.attempt
        n.outcome = event.outcome
        _finish(state, n, SENT, event.at)


@rules.folds(NotificationFailed)
def _failed(state: CoreState, event: NotificationFailed) -> None:
    n = _part(state).pending.get(event.notification)
    if n is None:
        return
    n.attempts = event.attempt
    n.outcome = event.outcome
    n.retry_at = event.retry_at
    n.claimed_by = n.claimed_until = None
    if event.final:
        _finish(state, n, FAILED, event.at)


@rules.folds(DayStarted)
def _day_started(state: CoreState, event: DayStarted) -> None:
    """A new day: forget the de-duplication keys of yesterday's tickets and the codes
    (so the outbox does not grow for ever); keep what is pending and what belongs to
    appointments still ahead. Rebinds only (decide applies it to a shallow copy)."""
    outbox = _part(state)
    pending = {n.key for n in outbox.pending.values()}
    ahead = set(state.appointments)
    state.set_part(Outbox(
        pending=outbox.pending, finished=outbox.finished,
        keys={k for k in outbox.keys if k in pending or k.split(":")[1] in ahead},
        reminded={a for a in outbox.reminded if a in ahead}, codes={}))


@rules.folds(AppointmentReminded)
def _reminded(state: CoreState, event: AppointmentReminded) -> None:
    _part(state).reminded.add(event.appointment)


@rules.folds(CheckInCodeIssued)
def _code_issued(state: CoreState, event: CheckInCodeIssued) -> None:
    _part(state).codes[event.phone] = CheckInCode(
        appointment=event.appointment, code_hash=event.code_hash, issued_at=event.at,
        expires_at=event.expires_at)


@rules.folds(CheckInCodeRejected)
def _code_rejected(state: CoreState, event: CheckInCodeRejected) -> None:
    entry = _part(state).codes.get(event.phone)
    if entry is not None:
        entry.attempts = event.attempts


@rules.folds(CheckInCodeUsed)
def _code_used(state: CoreState, event: CheckInCodeUsed) -> None:
    _part(state).codes.pop(event.phone, None)


__all__ = ["PENDING", "Notice", "due", "notices", "phone_digits", "queue_notifications",
           "reminders_due"]
