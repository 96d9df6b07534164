"""Transfer (转办) to another service or window, suspend (挂起) and resume."""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain import errors
from hub.domain.base import (
    MAX_TEXT,
    TICKET_PUBLIC,
    Command,
    Decision,
    Event,
    Feature,
    clerk_window,
    current,
    enqueue,
    event,
    release_window,
    service,
    serving_window,
    ticket_by_number,
    window,
)
from hub.domain.model import SERVING, SUSPENDED, CoreState

rules = Feature("transfer")


@dataclass(frozen=True)
class Transfer(Command):
    window: int
    to_service: str | None = None
    to_window: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Suspend(Command):
    window: int
    reason: str = ""


@dataclass(frozen=True)
class Resume(Command):
    window: int
    number: str


@event
@dataclass(frozen=True, kw_only=True)
class TicketTransferred(Event):
    audience = TICKET_PUBLIC
    public_fields = ("number", "from_service", "to_service", "from_window", "to_window", "place")
    staff_hidden = "note"
    window_fields = ("from_window", "to_window")
    ticket: str
    number: str
    from_service: str
    to_service: str
    from_window: int
    to_window: int | None = None
    place: str = "front"
    note: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class TicketSuspended(Event):
    audience = TICKET_PUBLIC
    public_fields = ("number", "window")
    staff_hidden = "reason"
    ticket: str
    number: str
    window: int
    reason: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class TicketResumed(Event):
    audience = TICKET_PUBLIC
    public_fields = ("number", "window")
    ticket: str
    number: str
    window: int


@rules.decides(Transfer)
def _transfer(d: Decision, c: Transfer) -> None:
    here, state = serving_window(d, c.window)
    ticket = current(d, state)
    if (c.to_service is None) == (c.to_window is None):
        raise errors.InvalidTransfer("name either to_service or to_window", field="to_service")
    to_service = ticket.service
    if c.to_service is not None:
        to_service = service(d, c.to_service).id
        if to_service == ticket.service:
            raise errors.TransferToSelf("the ticket is already in that service", field="to_service")
    if c.to_window is not None:
        target, _ = window(d, c.to_window)
        if target.id == here.id:
            raise errors.TransferToSelf("the ticket is already at this window", field="to_window")
    note = c.note.strip()
    if len(note) > MAX_TEXT:
        raise errors.InvalidReason(f"the note is longer than {MAX_TEXT}", field="note")
    d.emit(
        TicketTransferred,
        ticket=ticket.id,
        number=ticket.number,
        from_service=ticket.service,
        to_service=to_service,
        from_window=here.id,
        to_window=c.to_window,
        place=d.config.queue.transfer_place,
        note=note,
    )


@rules.decides(Suspend)
def _suspend(d: Decision, c: Suspend) -> None:
    here, state = serving_window(d, c.window)
    ticket = current(d, state)
    if ticket.status != SERVING:  # 挂起 is for a citizen at the window; an absent one is 过号
        raise errors.TicketNotServing(f"{ticket.number} is called, not being served")
    reason = c.reason.strip()
    if len(reason) > MAX_TEXT:
        raise errors.InvalidReason(f"the reason is longer than {MAX_TEXT}", field="reason")
    d.emit(
        TicketSuspended, ticket=ticket.id, number=ticket.number, window=here.id,
        reason=reason,
    )


@rules.decides(Resume)
def _resume(d: Decision, c: Resume) -> None:
    here, _ = clerk_window(d, c.window)
    ticket = ticket_by_number(d, c.number)
    if ticket.status != SUSPENDED:
        raise errors.TicketNotSuspended(f"{ticket.number} is not suspended", field="ticket")
    d.emit(TicketResumed, ticket=ticket.id, number=ticket.number, window=here.id)


@rules.folds(TicketTransferred)
def _ticket_transferred(state: CoreState, event: TicketTransferred) -> None:
    ticket = state.tickets[event.ticket]
    release_window(state, event.from_window, ticket.id, event.at)
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
    enqueue(state, ticket)


@rules.folds(TicketSuspended)
def _ticket_suspended(state: CoreState, event: TicketSuspended) -> None:
    ticket = state.tickets[event.ticket]
    ticket.status = SUSPENDED
    ticket.hold_reason = event.reason
    release_window(state, event.window, ticket.id, event.at)


@rules.folds(TicketResumed)
def _ticket_resumed(state: CoreState, event: TicketResumed) -> None:
    ticket = state.tickets[event.ticket]
    ticket.front = True
    ticket.target_window = event.window
    ticket.queue_at = event.at
    ticket.order = event.seq
    enqueue(state, ticket)
