"""Issuing tickets (取号): at the kiosk, on the phone, at the counter.

A ticket is issued when its service is open by the calendar and the clock and its
daily cap is not reached; its number is the service's prefix and today's count.
Check-in of an appointment issues one too (hub/domain/appointments.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.domain import errors
from hub.domain.base import (
    TICKET_PUBLIC,
    Command,
    Decision,
    Event,
    Feature,
    enqueue,
    event,
    service,
)
from hub.domain.calendar import Availability, availability, business_day
from hub.domain.config import CenterConfig
from hub.domain.model import CoreState, Ticket

rules = Feature("issuing")

CHANNELS = ("kiosk", "mobile", "counter", "appointment")


@dataclass(frozen=True)
class IssueTicket(Command):
    service: str
    priority: str | None = None
    channel: str = "kiosk"


@event
@dataclass(frozen=True, kw_only=True)
class TicketIssued(Event):
    audience = TICKET_PUBLIC
    public_fields = ("number", "service")
    ticket: str
    number: str
    service: str
    channel: str
    priority: str | None = None
    appointment: str | None = None
    due_at: datetime | None = None


def issue_availability(
    state: CoreState, config: CenterConfig, service: Any, now: datetime
) -> Availability:
    """Whether `service` issues a ticket at `now`: the calendar and the clock, then
    the daily cap (counted on the state's business day only). The kiosk's greyed
    tiles and the refusal of IssueTicket both come from here."""
    open_now = availability(config, service, now)
    today = state.business_day == business_day(config, now)
    if open_now.open and today and state.issued.get(service.id, 0) >= service.daily_cap:
        return Availability(False, "daily_cap_reached")
    return open_now


def check_can_issue(d: Decision, service_id: str) -> Any:
    found = service(d, service_id)
    open_now = issue_availability(d.state, d.config, found, d.now)
    if open_now.reason == "daily_cap_reached":
        raise errors.DailyCapReached(
            f"今日{found.name.zh}的号已取完 (daily cap {found.daily_cap})", field="service"
        )
    if not open_now.open:
        raise errors.ServiceClosed(
            open_now.message(),
            field="service",
            reason=open_now.reason,
            opens_at=open_now.opens_at.isoformat() if open_now.opens_at else None,
        )
    return found


def next_number(d: Decision, service: Any) -> str:
    return f"{service.prefix}{d.state.issued.get(service.id, 0) + 1:03d}"


@rules.decides(IssueTicket)
def _issue(d: Decision, c: IssueTicket) -> None:
    if c.channel not in CHANNELS or c.channel == "appointment":
        raise errors.InvalidChannel(f"unknown channel {c.channel!r}", field="channel")
    found = check_can_issue(d, c.service)
    if c.priority is not None and d.config.priority(c.priority) is None:
        raise errors.UnknownPriority(f"no priority class {c.priority!r}", field="priority")
    d.emit(
        TicketIssued,
        ticket=d.context.new_id(),
        number=next_number(d, found),
        service=found.id,
        channel=c.channel,
        priority=c.priority,
    )


@rules.folds(TicketIssued)
def _ticket_issued(state: CoreState, event: TicketIssued) -> None:
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
    enqueue(state, ticket)
    if event.appointment and event.appointment in state.appointments:
        appointment = state.appointments[event.appointment]
        appointment.status = "checked_in"
        appointment.ticket = ticket.id
