"""Calling (叫号): call the next by the routing rules or one by number, recall, start,
complete, mark absent (过号, automatically after enough recalls) and reinstate."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

from hub.domain import errors
from hub.domain.base import (
    TICKET_PUBLIC,
    Command,
    Decision,
    Event,
    Feature,
    clerk_window,
    current,
    dequeue,
    enqueue,
    event,
    release_window,
    serving_window,
    ticket_by_number,
)
from hub.domain.config import Window
from hub.domain.model import (
    CALLED,
    DONE,
    HANDLING_SAMPLE,
    NO_SHOW,
    SERVICE_CALL_SAMPLE,
    SERVING,
    WAITING,
    CoreState,
    Ticket,
    WindowState,
)
from hub.domain.routing import next_ticket

rules = Feature("calling")


@dataclass(frozen=True)
class CallNext(Command):
    window: int


@dataclass(frozen=True)
class CallTicket(Command):
    window: int
    number: str


@dataclass(frozen=True)
class Recall(Command):
    window: int


@dataclass(frozen=True)
class StartService(Command):
    window: int


@dataclass(frozen=True)
class Complete(Command):
    window: int


@dataclass(frozen=True)
class MarkNoShow(Command):
    window: int


@dataclass(frozen=True)
class Reinstate(Command):
    window: int
    number: str


@event
@dataclass(frozen=True, kw_only=True)
class TicketCalled(Event):
    audience = TICKET_PUBLIC
    public_fields = ("number", "service", "window", "window_name", "clerk", "recall_count")
    ticket: str
    number: str
    service: str
    window: int
    window_name: str
    clerk: str
    recall_count: int = 0
    chosen: bool = False  # called by number rather than by routing


@event
@dataclass(frozen=True, kw_only=True)
class TicketRecalled(Event):
    audience = TICKET_PUBLIC
    public_fields = ("number", "service", "window", "window_name", "recall_count")
    ticket: str
    number: str
    service: str
    window: int
    window_name: str
    recall_count: int


@event
@dataclass(frozen=True, kw_only=True)
class ServiceStarted(Event):
    audience = TICKET_PUBLIC
    public_fields = ("number", "window")
    ticket: str
    number: str
    window: int


@event
@dataclass(frozen=True, kw_only=True)
class TicketCompleted(Event):
    audience = TICKET_PUBLIC
    public_fields = ("number", "service", "window")
    ticket: str
    number: str
    service: str
    window: int
    clerk: str


@event
@dataclass(frozen=True, kw_only=True)
class TicketNoShow(Event):
    audience = TICKET_PUBLIC
    public_fields = ("number", "window", "automatic")
    ticket: str
    number: str
    window: int
    automatic: bool = False


@event
@dataclass(frozen=True, kw_only=True)
class TicketReinstated(Event):
    audience = TICKET_PUBLIC
    public_fields = ("number",)
    ticket: str
    number: str


# --------------------------------------------------------------------------- decide


def _emit_call(d: Decision, window: Window, ticket: Ticket, *, chosen: bool) -> None:
    d.emit(
        TicketCalled,
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
    found = d.state.tickets[state.ticket]
    limit = d.config.queue.auto_no_show_after_recalls
    if found.status == CALLED and limit and found.recall_count >= limit:
        d.emit(
            TicketNoShow,
            ticket=found.id,
            number=found.number,
            window=state.id,
            automatic=True,
        )
        return
    raise errors.WindowBusy(
        f"{found.number} is still {'being served' if found.status == SERVING else 'called'}"
    )


@rules.decides(CallNext)
def _call_next(d: Decision, c: CallNext) -> None:
    window, state = serving_window(d, c.window)
    _free_window(d, state)
    ticket = next_ticket(d.state, d.config, window, d.now)
    if ticket is not None:
        _emit_call(d, window, ticket, chosen=False)


@rules.decides(CallTicket)
def _call_ticket(d: Decision, c: CallTicket) -> None:
    window, state = serving_window(d, c.window)
    ticket = ticket_by_number(d, c.number)
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


@rules.decides(Recall)
def _recall(d: Decision, c: Recall) -> None:
    window, state = serving_window(d, c.window)
    ticket = current(d, state)
    if ticket.status != CALLED:
        raise errors.TicketNotCalled(f"{ticket.number} is already being served")
    d.emit(
        TicketRecalled,
        ticket=ticket.id,
        number=ticket.number,
        service=ticket.service,
        window=window.id,
        window_name=window.name.zh,
        recall_count=ticket.recall_count + 1,
    )


@rules.decides(StartService)
def _start(d: Decision, c: StartService) -> None:
    window, state = serving_window(d, c.window)
    ticket = current(d, state)
    if ticket.status != CALLED:
        raise errors.TicketNotCalled(f"{ticket.number} is already being served")
    d.emit(ServiceStarted, ticket=ticket.id, number=ticket.number, window=window.id)


@rules.decides(Complete)
def _complete(d: Decision, c: Complete) -> None:
    window, state = serving_window(d, c.window)
    ticket = current(d, state)
    if ticket.status == CALLED:  # served without pressing start: it started when called
        d.emit(ServiceStarted, ticket=ticket.id, number=ticket.number, window=window.id)
    d.emit(
        TicketCompleted,
        ticket=ticket.id,
        number=ticket.number,
        service=ticket.service,
        window=window.id,
        clerk=d.context.actor,
    )


@rules.decides(MarkNoShow)
def _no_show(d: Decision, c: MarkNoShow) -> None:
    window, state = serving_window(d, c.window)
    ticket = current(d, state)
    if ticket.status != CALLED:
        raise errors.TicketNotCalled(f"{ticket.number} is being served, not absent")
    d.emit(TicketNoShow, ticket=ticket.id, number=ticket.number, window=window.id)


@rules.decides(Reinstate)
def _reinstate(d: Decision, c: Reinstate) -> None:
    clerk_window(d, c.window)
    ticket = ticket_by_number(d, c.number)
    if ticket.status != NO_SHOW:
        raise errors.TicketNotNoShow(f"{ticket.number} was not marked absent", field="ticket")
    d.emit(TicketReinstated, ticket=ticket.id, number=ticket.number)


# --------------------------------------------------------------------------- fold

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


def _remember_call(state: CoreState, ticket: Ticket, event: TicketCalled | TicketRecalled) -> None:
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


@rules.folds(TicketCalled)
def _ticket_called(state: CoreState, event: TicketCalled) -> None:
    ticket = state.tickets[event.ticket]
    dequeue(state, ticket)
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


@rules.folds(TicketRecalled)
def _ticket_recalled(state: CoreState, event: TicketRecalled) -> None:
    ticket = state.tickets[event.ticket]
    ticket.recall_count = event.recall_count
    _remember_call(state, ticket, event)


@rules.folds(ServiceStarted)
def _service_started(state: CoreState, event: ServiceStarted) -> None:
    ticket = state.tickets[event.ticket]
    ticket.status = SERVING
    ticket.started_at = event.at
    if ticket.first_clerk is None:
        ticket.first_clerk = ticket.clerk


@rules.folds(TicketCompleted)
def _ticket_completed(state: CoreState, event: TicketCompleted) -> None:
    ticket = state.tickets[event.ticket]
    ticket.status = DONE
    ticket.completed_at = event.at
    began = ticket.started_at or ticket.called_at or event.at
    samples = state.handling.setdefault(ticket.service, deque(maxlen=HANDLING_SAMPLE))
    samples.append((event.at - began).total_seconds())
    release_window(state, event.window, ticket.id, event.at)
    state.windows[event.window].last_completed = ticket.id


@rules.folds(TicketNoShow)
def _ticket_no_show(state: CoreState, event: TicketNoShow) -> None:
    ticket = state.tickets[event.ticket]
    ticket.status = NO_SHOW
    release_window(state, event.window, ticket.id, event.at)


@rules.folds(TicketReinstated)
def _ticket_reinstated(state: CoreState, event: TicketReinstated) -> None:
    ticket = state.tickets[event.ticket]
    # Back at its original place: its queue time was never changed.
    ticket.front = False
    enqueue(state, ticket)
