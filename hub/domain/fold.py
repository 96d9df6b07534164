"""`apply(state, event)`: fold one event into the state, in place.

Events are facts: applying never fails and never checks a rule (that was
done by `decide`). Replaying a journal through `apply` rebuilds the state.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from hub.domain import events as ev
from hub.domain.config import parse_config
from hub.domain.routing import queue_key
from hub.domain.state import (
    CALLED,
    CLOSED_OUT,
    DONE,
    HANDLING_SAMPLE,
    NO_SHOW,
    SERVICE_CALL_SAMPLE,
    SERVING,
    SUSPENDED,
    WAITING,
    WINDOW_CLOSED,
    WINDOW_OPEN,
    WINDOW_PAUSED,
    Appointment,
    CenterState,
    Ticket,
    WindowState,
)

Handler = Callable[[CenterState, Any], None]
_HANDLERS: dict[type[ev.Event], Handler] = {}


def _on(event_type: type[ev.Event]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[event_type] = handler
        return handler

    return register


def apply(state: CenterState, event: ev.Event) -> CenterState:
    """Fold `event` into `state` (mutating it) and return it."""
    _HANDLERS[type(event)](state, event)
    state.seq = event.seq
    state.at = event.at
    return state


def replay(events: Iterable[ev.Event], state: CenterState | None = None) -> CenterState:
    state = state if state is not None else CenterState()
    for event in events:
        apply(state, event)
    return state


# --------------------------------------------------------------------------- helpers


def _enqueue(state: CenterState, ticket: Ticket) -> None:
    ticket.status = WAITING
    state.waiting.setdefault(queue_key(ticket), {})[ticket.id] = None


def _dequeue(state: CenterState, ticket: Ticket) -> None:
    queue = state.waiting.get(queue_key(ticket))
    if queue is not None:
        queue.pop(ticket.id, None)


def _release_window(state: CenterState, window: int, ticket_id: str, at: datetime) -> None:
    window_state = state.windows.get(window)
    if window_state is not None and window_state.ticket == ticket_id:
        window_state.ticket = None
        window_state.last_release = at


# Idle time at a window beyond this (nobody waiting for it) is not part of a call cycle.
CYCLE_IDLE_CAP_MINUTES = 1.5


def _count_cycle(window: WindowState, at: datetime) -> None:
    """A new call at `window`: the previous call's cycle (call to release, plus the
    short gap before this call) is one sample of the window's throughput."""
    last_call, released = window.last_call, window.last_release
    if last_call is not None and released is not None and released >= last_call:
        busy = (released - last_call).total_seconds() / 60
        gap = min((at - released).total_seconds() / 60, CYCLE_IDLE_CAP_MINUTES)
        window.cycles.append(busy + max(gap, 0.0))
    window.last_call = at
    window.last_release = None


def _break_cycle(window: WindowState) -> None:
    """Signing in or out, pausing or reopening: the next call starts a fresh cycle."""
    window.last_call = None
    window.last_release = None


def _remember_call(
    state: CenterState, ticket: Ticket, event: ev.TicketCalled | ev.TicketRecalled
) -> None:
    state.recent_calls.appendleft(
        {
            "seq": event.seq,
            "type": event.type,
            "at": event.at.isoformat(),
            "ticket": ticket.id,
            "number": ticket.number,
            "service": ticket.service,
            "window": event.window,
            "window_name": event.window_name,
            "recall_count": event.recall_count,
        }
    )


# --------------------------------------------------------------------------- center and day


@_on(ev.ConfigChanged)
def _config_changed(state: CenterState, event: ev.ConfigChanged) -> None:
    state.config = parse_config(event.config)
    if event.source == "file":
        state.config_file_digest = event.summary
    windows = {}
    for window in state.config.windows:
        windows[window.id] = state.windows.get(window.id) or WindowState(id=window.id)
    state.windows = windows


@_on(ev.DayStarted)
def _day_started(state: CenterState, event: ev.DayStarted) -> None:
    # Only rebinds attributes (never mutates the old containers), so `decide`
    # may apply it to a shallow copy of the state without touching the original.
    state.business_day = event.business_day
    state.tickets = {}
    state.by_number = {}
    state.issued = {}
    state.waiting = {}
    state.clerk_window = {}
    state.windows = {window_id: WindowState(id=window_id) for window_id in state.windows}
    state.recent_calls = deque(maxlen=state.recent_calls.maxlen)
    state.last_called = {}
    state.service_calls = {}
    state.closed_out = {}
    state.carried = {}
    kept = {k: a for k, a in state.appointments.items() if a.day >= event.business_day}
    state.appointments = kept
    state.appointment_codes = {a.code: a.id for a in kept.values()}


# --------------------------------------------------------------------------- tickets


@_on(ev.TicketIssued)
def _ticket_issued(state: CenterState, event: ev.TicketIssued) -> None:
    ticket = Ticket(
        id=event.ticket,
        number=event.number,
        service=event.service,
        channel=event.channel,
        issued_at=event.at,
        order=event.seq,
        priority=event.priority,
        appointment=event.appointment,
        due_at=event.due_at,
        queue_at=event.at,
    )
    state.tickets[ticket.id] = ticket
    state.by_number[ticket.number] = ticket.id
    state.issued[event.service] = state.issued.get(event.service, 0) + 1
    _enqueue(state, ticket)
    if event.appointment and event.appointment in state.appointments:
        appointment = state.appointments[event.appointment]
        appointment.status = "checked_in"
        appointment.ticket = ticket.id


@_on(ev.TicketCalled)
def _ticket_called(state: CenterState, event: ev.TicketCalled) -> None:
    ticket = state.tickets[event.ticket]
    _dequeue(state, ticket)
    ticket.status = CALLED
    ticket.front = False
    ticket.target_window = None
    ticket.window = event.window
    ticket.clerk = event.clerk
    ticket.called_at = event.at
    ticket.recall_count = event.recall_count
    window = state.windows[event.window]
    window.ticket = ticket.id
    _count_cycle(window, event.at)
    window.called_services.append(ticket.service)
    queued = ticket.queue_at or ticket.issued_at
    state.last_called[ticket.service] = (event.at, max((event.at - queued).total_seconds(), 0.0))
    state.service_calls.setdefault(
        ticket.service, deque(maxlen=SERVICE_CALL_SAMPLE)).append(event.at)
    if not event.chosen:
        window.priority_streak = window.priority_streak + 1 if ticket.priority else 0
    _remember_call(state, ticket, event)


@_on(ev.TicketRecalled)
def _ticket_recalled(state: CenterState, event: ev.TicketRecalled) -> None:
    ticket = state.tickets[event.ticket]
    ticket.recall_count = event.recall_count
    _remember_call(state, ticket, event)


@_on(ev.ServiceStarted)
def _service_started(state: CenterState, event: ev.ServiceStarted) -> None:
    ticket = state.tickets[event.ticket]
    ticket.status = SERVING
    ticket.started_at = event.at
    if ticket.first_clerk is None:
        ticket.first_clerk = ticket.clerk


@_on(ev.TicketCompleted)
def _ticket_completed(state: CenterState, event: ev.TicketCompleted) -> None:
    ticket = state.tickets[event.ticket]
    ticket.status = DONE
    ticket.completed_at = event.at
    began = ticket.started_at or ticket.called_at or event.at
    samples = state.handling.setdefault(ticket.service, deque(maxlen=HANDLING_SAMPLE))
    samples.append((event.at - began).total_seconds())
    _release_window(state, event.window, ticket.id, event.at)
    state.windows[event.window].last_completed = ticket.id


@_on(ev.TicketNoShow)
def _ticket_no_show(state: CenterState, event: ev.TicketNoShow) -> None:
    ticket = state.tickets[event.ticket]
    ticket.status = NO_SHOW
    _release_window(state, event.window, ticket.id, event.at)


@_on(ev.TicketReinstated)
def _ticket_reinstated(state: CenterState, event: ev.TicketReinstated) -> None:
    ticket = state.tickets[event.ticket]
    # Back at its original place: its queue time was never changed.
    ticket.front = False
    _enqueue(state, ticket)


@_on(ev.TicketTransferred)
def _ticket_transferred(state: CenterState, event: ev.TicketTransferred) -> None:
    ticket = state.tickets[event.ticket]
    _release_window(state, event.from_window, ticket.id, event.at)
    if ticket.first_clerk is None:
        ticket.first_clerk = ticket.clerk
    ticket.service = event.to_service
    ticket.target_window = event.to_window
    ticket.transfers += 1
    ticket.note = event.note
    ticket.front = event.place == "front"
    if ticket.front:
        ticket.queue_at = event.at
    ticket.order = event.seq if ticket.front else ticket.order
    _enqueue(state, ticket)


@_on(ev.TicketSuspended)
def _ticket_suspended(state: CenterState, event: ev.TicketSuspended) -> None:
    ticket = state.tickets[event.ticket]
    ticket.status = SUSPENDED
    ticket.hold_reason = event.reason
    _release_window(state, event.window, ticket.id, event.at)


@_on(ev.TicketResumed)
def _ticket_resumed(state: CenterState, event: ev.TicketResumed) -> None:
    ticket = state.tickets[event.ticket]
    ticket.front = True
    ticket.target_window = event.window
    ticket.queue_at = event.at
    ticket.order = event.seq
    _enqueue(state, ticket)


@_on(ev.TicketClosedOut)
def _ticket_closed_out(state: CenterState, event: ev.TicketClosedOut) -> None:
    ticket = state.tickets[event.ticket]
    _dequeue(state, ticket)
    ticket.status = CLOSED_OUT
    ticket.front = False
    if event.window is not None:
        _release_window(state, event.window, ticket.id, event.at)
    state.closed_out[ticket.id] = event.reason
    if event.appointment_code and event.appointment_day and event.appointment_slot:
        state.carried[ticket.id] = (
            event.appointment_code, event.appointment_day, event.appointment_slot)


@_on(ev.TicketRated)
def _ticket_rated(state: CenterState, event: ev.TicketRated) -> None:
    state.tickets[event.ticket].rating = event.level


# --------------------------------------------------------------------------- windows


@_on(ev.ClerkSignedIn)
def _clerk_signed_in(state: CenterState, event: ev.ClerkSignedIn) -> None:
    window = state.windows[event.window]
    if event.replaced:
        state.clerk_window.pop(event.replaced, None)
    window.clerk = event.clerk
    window.state = WINDOW_OPEN
    window.reason = None
    window.since = event.at
    window.staffed_today = True
    _break_cycle(window)
    state.clerk_window[event.clerk] = event.window


@_on(ev.ClerkSignedOut)
def _clerk_signed_out(state: CenterState, event: ev.ClerkSignedOut) -> None:
    window = state.windows[event.window]
    window.clerk = None
    window.state = WINDOW_CLOSED
    window.reason = None
    window.since = event.at
    window.priority_streak = 0
    _break_cycle(window)
    state.clerk_window.pop(event.clerk, None)


@_on(ev.WindowPaused)
def _window_paused(state: CenterState, event: ev.WindowPaused) -> None:
    window = state.windows[event.window]
    window.state = WINDOW_PAUSED
    window.reason = event.reason
    window.since = event.at
    _break_cycle(window)


@_on(ev.WindowOpened)
def _window_opened(state: CenterState, event: ev.WindowOpened) -> None:
    window = state.windows[event.window]
    window.state = WINDOW_OPEN
    window.reason = None
    window.since = event.at
    _break_cycle(window)


# --------------------------------------------------------------------------- appointments


@_on(ev.AppointmentBooked)
def _appointment_booked(state: CenterState, event: ev.AppointmentBooked) -> None:
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


@_on(ev.AppointmentCancelled)
def _appointment_cancelled(state: CenterState, event: ev.AppointmentCancelled) -> None:
    state.appointments[event.appointment].status = "cancelled"

