"""Closing (未办结): at the end of the day, the tickets left are closed out with a
reason; waiting and suspended ones may be carried to an appointment the next
working day (an appointment booked without a phone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from hub.domain import errors
from hub.domain.appointments import AppointmentBooked
from hub.domain.base import (
    TICKET_PUBLIC,
    Command,
    Decision,
    Event,
    Feature,
    appointment_code,
    dequeue,
    event,
    release_window,
)
from hub.domain.calendar import at_local, business_day, next_working_day
from hub.domain.config import CenterConfig
from hub.domain.model import CALLED, CLOSED_OUT, SERVING, SUSPENDED, WAITING, CoreState, Ticket

rules = Feature("closing")


class NotClosingTime(errors.DomainError):
    code = "not_closing_time"


@dataclass(frozen=True)
class CloseDay(Command):
    """At closing (the hub's clock decides when): close out tickets left today."""


@event
@dataclass(frozen=True, kw_only=True)
class TicketClosedOut(Event):
    public_fields = ("number", "service", "window")
    """未办结 at the end of the day: with why, and the appointment it was carried to."""

    # 未办结 at closing: queues shrink on the screens; the reason is the holder's (by REST).
    audience = TICKET_PUBLIC
    ticket: str
    number: str
    service: str
    reason: str
    window: int | None = None  # the window it was called to, released
    appointment_code: str | None = None
    appointment_day: date | None = None
    appointment_slot: str | None = None  # "09:00-10:00"


def close_out_due(state: CoreState, config: CenterConfig, now: datetime) -> list[Ticket]:
    """The tickets the close-out would close at `now` (none before its time):
    waiting and suspended ones from `after_minutes` after closing, called and
    served ones too from `force_after_minutes` (at once unless `finish_called`)."""
    rules_ = config.close_out
    day = business_day(config, now)
    if not rules_.enabled or state.business_day != day:
        return []
    closing = at_local(config, day, config.hours.closing)
    if now < closing + timedelta(minutes=rules_.after_minutes):
        return []
    force = not rules_.finish_called or now >= closing + timedelta(
        minutes=rules_.force_after_minutes)
    left = (WAITING, SUSPENDED) + ((CALLED, SERVING) if force else ())
    return sorted((t for t in state.tickets.values() if t.status in left),
                  key=lambda t: t.order)


@rules.decides(CloseDay)
def _close_day(d: Decision, c: CloseDay) -> None:
    tickets = close_out_due(d.state, d.config, d.now)
    if not tickets:
        raise NotClosingTime("nothing to close out now (not yet closing time, or all done)")
    policy = d.config.close_out
    booked: dict[tuple[str, Any, Any], int] = {}
    for a in d.state.appointments.values():
        if a.status != "cancelled":
            booked[(a.service, a.day, a.slot_start)] = booked.get(
                (a.service, a.day, a.slot_start), 0) + 1
    next_day = next_working_day(d.config.hours, business_day(d.config, d.now))
    for ticket in tickets:
        code = slot = None
        if policy.carry_over and ticket.status in (WAITING, SUSPENDED):
            service = d.config.service(ticket.service)
            capacity = service.appointment_capacity if service else 0
            for start, end in d.config.appointment_slots:
                key = (ticket.service, next_day, start)
                if booked.get(key, 0) < capacity:
                    booked[key] = booked.get(key, 0) + 1
                    appointment_id = d.context.new_id()
                    code = appointment_code(d, appointment_id)
                    d.emit(AppointmentBooked, appointment=appointment_id, code=code,
                           service=ticket.service, day=next_day, slot_start=start,
                           slot_end=end, phone="")
                    slot = f"{start:%H:%M}-{end:%H:%M}"
                    break
        d.emit(
            TicketClosedOut,
            ticket=ticket.id,
            number=ticket.number,
            service=ticket.service,
            reason=policy.reason,
            window=ticket.window if ticket.status in (CALLED, SERVING) else None,
            appointment_code=code,
            appointment_day=next_day if code else None,
            appointment_slot=slot,
        )


@rules.folds(TicketClosedOut)
def _ticket_closed_out(state: CoreState, event: TicketClosedOut) -> None:
    ticket = state.tickets[event.ticket]
    dequeue(state, ticket)
    ticket.status = CLOSED_OUT
    ticket.front = False
    if event.window is not None:
        release_window(state, event.window, ticket.id, event.at)
    state.closed_out[ticket.id] = event.reason
    if event.appointment_code and event.appointment_day and event.appointment_slot:
        state.carried[ticket.id] = (
            event.appointment_code, event.appointment_day, event.appointment_slot)
