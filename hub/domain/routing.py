"""Which ticket a window calls next, and how many are ahead of a ticket.

For a window, the candidates are the waiting tickets of every service it
serves, plus those transferred or resumed to this very window. In order:

1. tickets put at the front (a transfer with place "front", a resumed 挂起);
2. checked-in appointments whose slot is due (from `appointment_early_minutes`
   before the slot starts), earliest slot first;
3. priority tickets (老弱病残孕, 军人 …) by class weight, unless the window has
   already called `priority_ratio` priority tickets in a row while ordinary
   ones wait — so ordinary tickets are never starved;
4. ordinary tickets by weighted waiting time: the service's weight at this
   window times how long the ticket has waited. Within a service this is first
   come, first served; across services a heavier service goes first, yet every
   ticket's claim grows while it waits, so a light service is never starved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from hub.domain.config import CenterConfig, Window
from hub.domain.model import CoreState, Ticket


def window_queue_key(window: int) -> str:
    """Key in `CoreState.waiting` of tickets sent to one window by name."""
    return f"window:{window}"


def queue_key(ticket: Ticket) -> str:
    return window_queue_key(ticket.target_window) if ticket.target_window else ticket.service


def candidates(state: CoreState, window: Window) -> Iterable[Ticket]:
    tickets = state.tickets
    for key in (*window.service_ids, window_queue_key(window.id)):
        for ticket_id in state.waiting.get(key, ()):
            yield tickets[ticket_id]


def _due(config: CenterConfig, ticket: Ticket, now: datetime) -> bool:
    if ticket.due_at is None:
        return False
    return ticket.due_at - timedelta(minutes=config.queue.appointment_early_minutes) <= now


def _arrival(ticket: Ticket) -> tuple[datetime, int]:
    assert ticket.queue_at is not None
    return ticket.queue_at, ticket.order


def next_ticket(
    state: CoreState, config: CenterConfig, window: Window, now: datetime
) -> Ticket | None:
    """The ticket `window` should call at `now`, or None when nobody waits for it."""
    front: list[Ticket] = []
    due: list[Ticket] = []
    priority: list[Ticket] = []
    ordinary: list[Ticket] = []
    for ticket in candidates(state, window):
        if ticket.front:
            front.append(ticket)
        elif _due(config, ticket, now):
            due.append(ticket)
        elif ticket.priority is not None:
            priority.append(ticket)
        else:
            ordinary.append(ticket)
    if front:
        return min(front, key=_arrival)
    if due:
        return min(due, key=lambda t: (t.due_at, *_arrival(t)))
    streak = state.windows[window.id].priority_streak
    if priority and (not ordinary or streak < config.queue.priority_ratio):
        return min(priority, key=lambda t: (-_priority_weight(config, t), *_arrival(t)))
    if not ordinary:
        return None
    return min(ordinary, key=lambda t: (-_claim(window, t, now), *_arrival(t)))


def _priority_weight(config: CenterConfig, ticket: Ticket) -> float:
    found = config.priority(ticket.priority) if ticket.priority else None
    return found.weight if found else 1.0


def _claim(window: Window, ticket: Ticket, now: datetime) -> float:
    weight = window.weight(ticket.service) or 1.0
    assert ticket.queue_at is not None
    waited = max((now - ticket.queue_at).total_seconds(), 0.0)
    return weight * waited


def position_key(config: CenterConfig, ticket: Ticket) -> tuple[int, float, datetime, int]:
    """A ticket's rank within its own queue, for telling it how many are ahead."""
    if ticket.front:
        rank = 0
    elif ticket.due_at is not None:
        rank = 1
    elif ticket.priority is not None:
        rank = 2
    else:
        rank = 3
    weight = -_priority_weight(config, ticket) if rank == 2 else 0.0
    return (rank, weight, *_arrival(ticket))


def ahead_of(state: CoreState, config: CenterConfig, ticket: Ticket) -> int:
    """How many waiting tickets of the same queue come before `ticket`."""
    mine = position_key(config, ticket)
    return sum(
        1
        for other_id in state.waiting.get(queue_key(ticket), ())
        if other_id != ticket.id and position_key(config, state.tickets[other_id]) < mine
    )
