"""`decide(state, command, context) -> events`: every queue rule lives here.

`decide` never changes the state it is given. A command the rules forbid
raises a `DomainError` with a stable code. Handlers are small functions in
one table, keyed by the command's type.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hub.domain import commands as cmd
from hub.domain import errors
from hub.domain import events as ev
from hub.domain.calendar import (
    Availability,
    at_local,
    availability,
    business_day,
    is_working_day,
    next_working_day,
)
from hub.domain.config import CenterConfig, ConfigError, Window, parse_config
from hub.domain.fold import apply
from hub.domain.routing import next_ticket, window_queue_key
from hub.domain.state import (
    CALLED,
    DONE,
    NO_SHOW,
    SERVING,
    SUSPENDED,
    WAITING,
    WINDOW_PAUSED,
    CenterState,
    Ticket,
    WindowState,
)

CHANNELS = ("kiosk", "mobile", "counter", "appointment")
RATING_LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
RATING_ASPECTS = ("服务效率", "服务水平", "服务态度")
MAX_TEXT = 200


class NotConfigured(errors.DomainError):
    code = "center_not_configured"


class NotClosingTime(errors.DomainError):
    code = "not_closing_time"


class Emitter:
    """Builds the events of one decision with gapless seqs, the moment and the actor."""

    def __init__(self, state: CenterState, context: cmd.Context) -> None:
        self.next_seq = state.seq + 1
        self.context = context
        self.events: list[ev.Event] = []

    def __call__(self, event_type: type[ev.Event], **fields: Any) -> ev.Event:
        event = event_type(
            seq=self.next_seq, at=self.context.now, actor=self.context.actor, **fields
        )
        self.next_seq += 1
        self.events.append(event)
        return event


@dataclass
class Decision:
    state: CenterState
    config: CenterConfig
    context: cmd.Context
    emit: Emitter

    @property
    def now(self) -> datetime:
        return self.context.now


Handler = Callable[[Decision, Any], None]
_HANDLERS: dict[type[cmd.Command], Handler] = {}
# Consequences decided with every command from the events it caused, appended in the
# same batch: the outbox's notification policy (hub/domain/notify.py) is one.
CONSEQUENCES: list[Callable[[Decision, list[ev.Event]], None]] = []


def _on(command_type: type[cmd.Command]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[command_type] = handler
        return handler

    return register


def decide(state: CenterState, command: cmd.Command, context: cmd.Context) -> list[ev.Event]:
    """The events that `command` causes at `context.now`, or a DomainError."""
    emit = Emitter(state, context)
    if isinstance(command, cmd.ChangeConfig):
        _change_config(state, command, emit)
        return emit.events
    config = state.config
    if config is None:
        raise NotConfigured("this center has no configuration yet")
    today = business_day(config, context.now)
    if state.business_day != today:
        # A new business day: numbering and queues start afresh. Decide the
        # command on a copy that has seen the DayStarted, leaving `state` as it is.
        state = apply(copy.copy(state), emit(ev.DayStarted, business_day=today))
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise TypeError(f"no rule for {type(command).__name__}")
    decision = Decision(state, config, context, emit)
    handler(decision, command)
    if CONSEQUENCES and emit.events:
        caused = list(emit.events)
        for consequence in CONSEQUENCES:
            consequence(decision, caused)
    return emit.events


# --------------------------------------------------------------------------- configuration


def _change_config(state: CenterState, command: cmd.ChangeConfig, emit: Emitter) -> None:
    new = parse_config(command.config)
    old = state.config
    if old is not None and old.id != new.id:
        raise ConfigError("center.id", "cannot be changed")
    new_windows = {w.id for w in new.windows}
    for window in state.windows.values():
        sent_here = state.waiting.get(window_queue_key(window.id))  # only it would call them
        if window.id not in new_windows and (window.clerk or window.ticket or sent_here):
            raise errors.InUse(
                f"window {window.id} is in use and cannot be removed", field="windows"
            )
    new_services = {s.id for s in new.services}
    for service_id, queue in state.waiting.items():
        if queue and not service_id.startswith("window:") and service_id not in new_services:
            raise errors.InUse(
                f"service {service_id} has people waiting and cannot be removed",
                field="services",
            )
    emit(ev.ConfigChanged, config=dict(new.raw), source=command.source, summary=command.summary)


# --------------------------------------------------------------------------- issuing


def _service(d: Decision, service_id: str) -> Any:
    service = d.config.service(service_id)
    if service is None:
        raise errors.UnknownService(f"no service {service_id!r}", field="service")
    return service


def issue_availability(
    state: CenterState, config: CenterConfig, service: Any, now: datetime
) -> Availability:
    """Whether `service` issues a ticket at `now`: the calendar and the clock, then
    the daily cap (counted on the state's business day only). The kiosk's greyed
    tiles and the refusal of IssueTicket both come from here."""
    open_now = availability(config, service, now)
    today = state.business_day == business_day(config, now)
    if open_now.open and today and state.issued.get(service.id, 0) >= service.daily_cap:
        return Availability(False, "daily_cap_reached")
    return open_now


def _check_can_issue(d: Decision, service_id: str) -> Any:
    service = _service(d, service_id)
    open_now = issue_availability(d.state, d.config, service, d.now)
    if open_now.reason == "daily_cap_reached":
        raise errors.DailyCapReached(
            f"今日{service.name.zh}的号已取完 (daily cap {service.daily_cap})", field="service"
        )
    if not open_now.open:
        raise errors.ServiceClosed(
            open_now.message(),
            field="service",
            reason=open_now.reason,
            opens_at=open_now.opens_at.isoformat() if open_now.opens_at else None,
        )
    return service


def _number(d: Decision, service: Any) -> str:
    return f"{service.prefix}{d.state.issued.get(service.id, 0) + 1:03d}"


@_on(cmd.IssueTicket)
def _issue(d: Decision, c: cmd.IssueTicket) -> None:
    if c.channel not in CHANNELS or c.channel == "appointment":
        raise errors.InvalidChannel(f"unknown channel {c.channel!r}", field="channel")
    service = _check_can_issue(d, c.service)
    if c.priority is not None and d.config.priority(c.priority) is None:
        raise errors.UnknownPriority(f"no priority class {c.priority!r}", field="priority")
    d.emit(
        ev.TicketIssued,
        ticket=d.context.new_id(),
        number=_number(d, service),
        service=service.id,
        channel=c.channel,
        priority=c.priority,
    )


@_on(cmd.CheckIn)
def _check_in(d: Decision, c: cmd.CheckIn) -> None:
    state = d.state
    if c.otp_hash and c.phone:
        # By phone number with the one-time code sent to it (hub/domain/notify.py).
        from hub.domain.notify import check_code

        appointment_id = check_code(d, c.phone, c.otp_hash)
        if appointment_id is None:
            return  # a wrong code: the attempt is recorded, nobody checked in
        _check_in_appointment(d, state.appointments[appointment_id])
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
    _check_in_appointment(d, appointment)


def _check_in_appointment(d: Decision, appointment: Any) -> None:
    from hub.domain.appointments import check_window

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
    service = _check_can_issue(d, appointment.service)
    slot_start = at_local(d.config, appointment.day, appointment.slot_start)
    slot_end = at_local(d.config, appointment.day, appointment.slot_end)
    late = d.now > slot_end + timedelta(minutes=d.config.queue.appointment_late_minutes)
    if late and d.config.queue.late_appointment == "refuse":
        raise errors.AppointmentMissed("预约时段已过，请重新取号或预约", field="code")
    d.emit(
        ev.TicketIssued,
        ticket=d.context.new_id(),
        number=_number(d, service),
        service=service.id,
        channel="appointment",
        appointment=appointment.id,
        due_at=None if late else slot_start,  # late: served as a walk-in
    )


@_on(cmd.BookAppointment)
def _book(d: Decision, c: cmd.BookAppointment) -> None:
    service = _service(d, c.service)
    if service.appointment_capacity <= 0:
        raise errors.ServiceClosed(f"{service.name.zh}不接受预约", field="service")
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
        if a.service == service.id and a.day == c.day and a.slot_start == c.slot_start
        and a.status != "cancelled"
    )
    if booked >= service.appointment_capacity:
        raise errors.SlotFull("这个时段已约满", field="slot")
    phone = "".join(ch for ch in c.phone if ch.isdigit())
    if c.phone and not 7 <= len(phone) <= 15:
        raise errors.InvalidPhone("phone number is not valid", field="phone")
    from hub.domain.appointments import check_phone

    check_phone(d, phone, c.day, per_day=False)  # a no-show block holds whoever books
    appointment_id = d.context.new_id()
    code = _appointment_code(d, appointment_id)
    d.emit(
        ev.AppointmentBooked,
        appointment=appointment_id,
        code=code,
        service=service.id,
        day=c.day,
        slot_start=slot[0],
        slot_end=slot[1],
        phone=phone,
    )


def _appointment_code(d: Decision, appointment_id: str) -> str:
    # A 6-digit code, easy to type on the kiosk keypad, derived from the
    # (random) id and made unique among the codes in use.
    value = int.from_bytes(appointment_id.encode(), "big") % 900000 + 100000
    while str(value) in d.state.appointment_codes:
        value = value + 1 if value < 999999 else 100000
    return str(value)


@_on(cmd.CancelAppointment)
def _cancel(d: Decision, c: cmd.CancelAppointment) -> None:
    appointment_id = d.state.appointment_codes.get(c.code.strip())
    appointment = d.state.appointments.get(appointment_id) if appointment_id else None
    if appointment is None:
        raise errors.UnknownAppointment("no such appointment", field="code")
    if appointment.status != "booked":
        raise errors.AppointmentCancelled(
            f"the appointment is {appointment.status.replace('_', ' ')}", field="code"
        )
    d.emit(ev.AppointmentCancelled, appointment=appointment.id, code=appointment.code)


# --------------------------------------------------------------------------- windows


def _window(d: Decision, window_id: int) -> tuple[Window, WindowState]:
    window = d.config.window(window_id)
    if window is None or window_id not in d.state.windows:
        raise errors.UnknownWindow(f"no window {window_id}", field="window")
    return window, d.state.windows[window_id]


def _clerk_window(d: Decision, window_id: int) -> tuple[Window, WindowState]:
    """The window, checked to be signed in by the actor."""
    window, state = _window(d, window_id)
    if state.clerk != d.context.actor:
        raise errors.NotSignedIn(f"you are not signed in to window {window_id}", field="window")
    return window, state


def _serving_window(d: Decision, window_id: int) -> tuple[Window, WindowState]:
    window, state = _clerk_window(d, window_id)
    if state.state == WINDOW_PAUSED:
        raise errors.WindowPaused(f"window {window_id} is paused ({state.reason})")
    return window, state


def _current(d: Decision, state: WindowState) -> Ticket:
    if state.ticket is None:
        raise errors.WindowIdle(f"window {state.id} has no current ticket")
    return d.state.tickets[state.ticket]


@_on(cmd.SignIn)
def _sign_in(d: Decision, c: cmd.SignIn) -> None:
    window, state = _window(d, c.window)
    clerk = d.context.actor
    elsewhere = d.state.clerk_window.get(clerk)
    if elsewhere is not None and elsewhere != window.id:
        raise errors.ClerkElsewhere(f"you are signed in to window {elsewhere}; sign out first")
    if state.clerk == clerk:
        return  # signing in again changes nothing
    replaced = None
    if state.clerk is not None:
        if state.state != WINDOW_PAUSED:
            raise errors.WindowTaken(
                f"window {window.id} is staffed; a colleague may take it over only while paused"
            )
        replaced = state.clerk  # 顶岗: a substitute takes over a paused window
    d.emit(ev.ClerkSignedIn, window=window.id, clerk=clerk, replaced=replaced)


@_on(cmd.SignOut)
def _sign_out(d: Decision, c: cmd.SignOut) -> None:
    window, state = _clerk_window(d, c.window)
    if state.ticket is not None:
        raise errors.WindowBusy("finish, transfer or mark the current ticket first")
    d.emit(ev.ClerkSignedOut, window=window.id, clerk=d.context.actor)


@_on(cmd.PauseWindow)
def _pause(d: Decision, c: cmd.PauseWindow) -> None:
    window, state = _clerk_window(d, c.window)
    reason = c.reason.strip()
    if not reason or len(reason) > 40:
        raise errors.InvalidReason("give a reason of at most 40 characters", field="reason")
    if state.state == WINDOW_PAUSED:
        raise errors.WindowPaused(f"window {window.id} is already paused")
    if state.ticket is not None:
        raise errors.WindowBusy("finish, transfer or mark the current ticket first")
    d.emit(ev.WindowPaused, window=window.id, reason=reason)


@_on(cmd.OpenWindow)
def _open(d: Decision, c: cmd.OpenWindow) -> None:
    window, state = _clerk_window(d, c.window)
    if state.state != WINDOW_PAUSED:
        raise errors.WindowNotPaused(f"window {window.id} is not paused")
    d.emit(ev.WindowOpened, window=window.id)


# --------------------------------------------------------------------------- calling


def _emit_call(d: Decision, window: Window, ticket: Ticket, *, chosen: bool) -> None:
    d.emit(
        ev.TicketCalled,
        ticket=ticket.id,
        number=ticket.number,
        service=ticket.service,
        window=window.id,
        window_name=window.name.zh,
        clerk=d.context.actor,
        recall_count=0,
        chosen=chosen,
    )


def _free_window(d: Decision, state: WindowState) -> None:
    """Make room for a call: refuse if the window is busy, unless the rules
    mark the current unanswered ticket as a no-show after enough recalls."""
    if state.ticket is None:
        return
    current = d.state.tickets[state.ticket]
    limit = d.config.queue.auto_no_show_after_recalls
    if current.status == CALLED and limit and current.recall_count >= limit:
        d.emit(
            ev.TicketNoShow,
            ticket=current.id,
            number=current.number,
            window=state.id,
            automatic=True,
        )
        return
    raise errors.WindowBusy(
        f"{current.number} is still {'being served' if current.status == SERVING else 'called'}"
    )


@_on(cmd.CallNext)
def _call_next(d: Decision, c: cmd.CallNext) -> None:
    window, state = _serving_window(d, c.window)
    _free_window(d, state)
    ticket = next_ticket(d.state, d.config, window, d.now)
    if ticket is not None:
        _emit_call(d, window, ticket, chosen=False)


@_on(cmd.CallTicket)
def _call_ticket(d: Decision, c: cmd.CallTicket) -> None:
    window, state = _serving_window(d, c.window)
    ticket = _ticket_by_number(d, c.number)
    if ticket.status != WAITING:
        raise errors.TicketNotWaiting(f"{ticket.number} is not waiting", field="ticket")
    if ticket.target_window not in (None, window.id) or (
        ticket.target_window is None and window.weight(ticket.service) is None
    ):
        raise errors.ServiceNotServed(
            f"window {window.id} does not serve {ticket.number}", field="ticket"
        )
    _free_window(d, state)
    _emit_call(d, window, ticket, chosen=True)


def _ticket_by_number(d: Decision, number: str) -> Ticket:
    ticket = d.state.ticket_by_number(number) if isinstance(number, str) else None
    if ticket is None:
        raise errors.UnknownTicket(f"no ticket {number!r} today", field="ticket")
    return ticket


@_on(cmd.Recall)
def _recall(d: Decision, c: cmd.Recall) -> None:
    window, state = _serving_window(d, c.window)
    ticket = _current(d, state)
    if ticket.status != CALLED:
        raise errors.TicketNotCalled(f"{ticket.number} is already being served")
    d.emit(
        ev.TicketRecalled,
        ticket=ticket.id,
        number=ticket.number,
        service=ticket.service,
        window=window.id,
        window_name=window.name.zh,
        recall_count=ticket.recall_count + 1,
    )


@_on(cmd.StartService)
def _start(d: Decision, c: cmd.StartService) -> None:
    window, state = _serving_window(d, c.window)
    ticket = _current(d, state)
    if ticket.status != CALLED:
        raise errors.TicketNotCalled(f"{ticket.number} is already being served")
    d.emit(ev.ServiceStarted, ticket=ticket.id, number=ticket.number, window=window.id)


@_on(cmd.Complete)
def _complete(d: Decision, c: cmd.Complete) -> None:
    window, state = _serving_window(d, c.window)
    ticket = _current(d, state)
    if ticket.status == CALLED:  # served without pressing start: it started when called
        d.emit(ev.ServiceStarted, ticket=ticket.id, number=ticket.number, window=window.id)
    d.emit(
        ev.TicketCompleted,
        ticket=ticket.id,
        number=ticket.number,
        service=ticket.service,
        window=window.id,
        clerk=d.context.actor,
    )


@_on(cmd.MarkNoShow)
def _no_show(d: Decision, c: cmd.MarkNoShow) -> None:
    window, state = _serving_window(d, c.window)
    ticket = _current(d, state)
    if ticket.status != CALLED:
        raise errors.TicketNotCalled(f"{ticket.number} is being served, not absent")
    d.emit(ev.TicketNoShow, ticket=ticket.id, number=ticket.number, window=window.id)


@_on(cmd.Reinstate)
def _reinstate(d: Decision, c: cmd.Reinstate) -> None:
    _clerk_window(d, c.window)
    ticket = _ticket_by_number(d, c.number)
    if ticket.status != NO_SHOW:
        raise errors.TicketNotNoShow(f"{ticket.number} was not marked absent", field="ticket")
    d.emit(ev.TicketReinstated, ticket=ticket.id, number=ticket.number)


@_on(cmd.Transfer)
def _transfer(d: Decision, c: cmd.Transfer) -> None:
    window, state = _serving_window(d, c.window)
    ticket = _current(d, state)
    if (c.to_service is None) == (c.to_window is None):
        raise errors.InvalidTransfer("name either to_service or to_window", field="to_service")
    to_service = ticket.service
    if c.to_service is not None:
        to_service = _service(d, c.to_service).id
        if to_service == ticket.service:
            raise errors.TransferToSelf("the ticket is already in that service", field="to_service")
    if c.to_window is not None:
        target, _ = _window(d, c.to_window)
        if target.id == window.id:
            raise errors.TransferToSelf("the ticket is already at this window", field="to_window")
    note = c.note.strip()
    if len(note) > MAX_TEXT:
        raise errors.InvalidReason(f"the note is longer than {MAX_TEXT}", field="note")
    d.emit(
        ev.TicketTransferred,
        ticket=ticket.id,
        number=ticket.number,
        from_service=ticket.service,
        to_service=to_service,
        from_window=window.id,
        to_window=c.to_window,
        place=d.config.queue.transfer_place,
        note=note,
    )


@_on(cmd.Suspend)
def _suspend(d: Decision, c: cmd.Suspend) -> None:
    window, state = _serving_window(d, c.window)
    ticket = _current(d, state)
    if ticket.status != SERVING:  # 挂起 is for a citizen at the window; an absent one is 过号
        raise errors.TicketNotServing(f"{ticket.number} is called, not being served")
    reason = c.reason.strip()
    if len(reason) > MAX_TEXT:
        raise errors.InvalidReason(f"the reason is longer than {MAX_TEXT}", field="reason")
    d.emit(
        ev.TicketSuspended, ticket=ticket.id, number=ticket.number, window=window.id,
        reason=reason,
    )


@_on(cmd.Resume)
def _resume(d: Decision, c: cmd.Resume) -> None:
    window, _ = _clerk_window(d, c.window)
    ticket = _ticket_by_number(d, c.number)
    if ticket.status != SUSPENDED:
        raise errors.TicketNotSuspended(f"{ticket.number} is not suspended", field="ticket")
    d.emit(ev.TicketResumed, ticket=ticket.id, number=ticket.number, window=window.id)


# --------------------------------------------------------------------------- rating


@_on(cmd.Rate)
def _rate(d: Decision, c: cmd.Rate) -> None:
    if c.channel == "pad":
        # The pad of a window rates the visit it saw: a ticket completed at that window.
        ticket = d.state.ticket_by_number(c.ticket)
        if ticket is None or ticket.window != c.window or ticket.status != DONE:
            raise errors.NotRatableHere(
                f"{c.ticket} was not completed at window {c.window} today", field="number")
    elif c.channel == "holder":
        ticket = d.state.tickets.get(c.ticket)
        if ticket is None:
            raise errors.UnknownTicket("no such ticket today", field="ticket")
    else:
        raise errors.InvalidChannel(f"rate through one of {cmd.RATE_CHANNELS}", field="channel")
    if ticket.status != DONE:
        raise errors.TicketNotDone(f"{ticket.number} has not been completed", field="ticket")
    if ticket.rating is not None:
        raise errors.AlreadyRated(f"{ticket.number} has already been rated (一次一评)")
    if isinstance(c.level, bool) or c.level not in RATING_LEVELS:
        raise errors.InvalidRating("level must be 1 to 5", field="level")
    aspects = tuple(c.aspects)
    if any(a not in RATING_ASPECTS for a in aspects) or len(set(aspects)) != len(aspects):
        raise errors.InvalidRating(f"aspects must be among {RATING_ASPECTS}", field="aspects")
    if aspects and c.level > 2:
        raise errors.InvalidRating("aspects are asked only for unhappy ratings", field="aspects")
    reason = c.reason.strip()
    if len(reason) > MAX_TEXT:
        raise errors.InvalidRating(f"the reason is longer than {MAX_TEXT}", field="reason")
    assert ticket.window is not None and ticket.clerk is not None
    d.emit(
        ev.TicketRated,
        ticket=ticket.id,
        number=ticket.number,
        service=ticket.service,
        window=ticket.window,
        clerk=ticket.clerk,
        level=c.level,
        aspects=aspects,
        reason=reason,
    )



# --------------------------------------------------------------------------- closing


def close_out_due(state: CenterState, config: CenterConfig, now: datetime) -> list[Ticket]:
    """The tickets the close-out would close at `now` (none before its time):
    waiting and suspended ones from `after_minutes` after closing, called and
    served ones too from `force_after_minutes` (at once unless `finish_called`)."""
    rules = config.close_out
    day = business_day(config, now)
    if not rules.enabled or state.business_day != day:
        return []
    closing = at_local(config, day, config.hours.closing)
    if now < closing + timedelta(minutes=rules.after_minutes):
        return []
    force = not rules.finish_called or now >= closing + timedelta(
        minutes=rules.force_after_minutes)
    left = (WAITING, SUSPENDED) + ((CALLED, SERVING) if force else ())
    return sorted((t for t in state.tickets.values() if t.status in left),
                  key=lambda t: t.order)


@_on(cmd.CloseDay)
def _close_day(d: Decision, c: cmd.CloseDay) -> None:
    tickets = close_out_due(d.state, d.config, d.now)
    if not tickets:
        raise NotClosingTime("nothing to close out now (not yet closing time, or all done)")
    rules = d.config.close_out
    booked: dict[tuple[str, Any, Any], int] = {}
    for a in d.state.appointments.values():
        if a.status != "cancelled":
            booked[(a.service, a.day, a.slot_start)] = booked.get(
                (a.service, a.day, a.slot_start), 0) + 1
    next_day = next_working_day(d.config.hours, business_day(d.config, d.now))
    for ticket in tickets:
        code = slot = None
        if rules.carry_over and ticket.status in (WAITING, SUSPENDED):
            service = d.config.service(ticket.service)
            capacity = service.appointment_capacity if service else 0
            for start, end in d.config.appointment_slots:
                key = (ticket.service, next_day, start)
                if booked.get(key, 0) < capacity:
                    booked[key] = booked.get(key, 0) + 1
                    appointment_id = d.context.new_id()
                    code = _appointment_code(d, appointment_id)
                    d.emit(ev.AppointmentBooked, appointment=appointment_id, code=code,
                           service=ticket.service, day=next_day, slot_start=start,
                           slot_end=end, phone="")
                    slot = f"{start:%H:%M}-{end:%H:%M}"
                    break
        d.emit(
            ev.TicketClosedOut,
            ticket=ticket.id,
            number=ticket.number,
            service=ticket.service,
            reason=rules.reason,
            window=ticket.window if ticket.status in (CALLED, SERVING) else None,
            appointment_code=code,
            appointment_day=next_day if code else None,
            appointment_slot=slot,
        )
