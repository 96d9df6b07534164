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

`QueueOrder` keeps every queue's waiting tickets in that order as the fold moves
them (`enqueue`/`dequeue` in hub/domain/base.py), so how many are ahead of a
ticket and which one a window calls next are found by bisection and from the
head of each queue, not by walking the queues (tests/domain/test_queue_order.py
compares both with the walk over random days).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from hub.domain.config import CenterConfig, Window
from hub.domain.model import CoreState, Ticket


def window_queue_key(window: int) -> str:
    """Key in `CoreState.waiting` of tickets sent to one window by name."""
    return f"window:{window}"


def queue_key(ticket: Ticket) -> str:
    return window_queue_key(ticket.target_window) if ticket.target_window else ticket.service


def _queues(window: Window) -> tuple[str, ...]:
    """The queues a window calls from: its services', and the one of tickets sent to it."""
    return (*window.service_ids, window_queue_key(window.id))


def candidates(state: CoreState, window: Window) -> Iterable[Ticket]:
    tickets = state.tickets
    for key in _queues(window):
        for ticket_id in state.waiting.get(key, ()):
            yield tickets[ticket_id]


def candidate_count(state: CoreState, window: Window) -> int:
    """How many tickets `window` could call (those `candidates` yields), from the
    queues' lengths."""
    return sum(len(state.waiting.get(key, ())) for key in _queues(window))


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
    """The ticket `window` should call at `now`, or None when nobody waits for it.

    From each queue of the window only what can win is looked at (`QueueOrder`
    keeps them in `position_key` order): its first ticket put at the front, its
    first priority ticket of the heaviest class, its longest-waiting ordinary one
    (in a service's queue every ticket has the same weight here, so the one that
    came first has the largest claim), and its appointments (whether one is due
    depends on `now`). A window's own queue holds several services: all of its
    ordinary tickets are weighed."""
    order = queue_order(state, config)
    tickets = state.tickets
    front: tuple[Any, ...] | None = None
    due: tuple[Any, ...] | None = None
    priority: tuple[Any, ...] | None = None
    ordinary: tuple[Any, ...] | None = None
    own = window_queue_key(window.id)
    for key in (*window.service_ids, own):
        keys = order.keys(state, key)
        if not keys:
            continue
        if keys[0][0] == 0:
            found = keys[0][2:]
            front = found if front is None or found < front else front
        booked = bisect_left(keys, (2,))
        for entry in keys[bisect_left(keys, (1,)):booked]:
            ticket = tickets[entry[4]]
            if _due(config, ticket, now):
                found = (ticket.due_at, *entry[2:])
                due = found if due is None or found < due else due
            elif ticket.priority is not None:
                found = (-_priority_weight(config, ticket), *entry[2:])
                priority = found if priority is None or found < priority else priority
            else:
                found = (-_claim(window, ticket, now), *entry[2:])
                ordinary = found if ordinary is None or found < ordinary else ordinary
        first = bisect_left(keys, (3,))
        if booked < first:
            found = keys[booked][1:]
            priority = found if priority is None or found < priority else priority
        for entry in keys[first:] if key == own else keys[first:first + 1]:
            found = (-_claim(window, tickets[entry[4]], now), *entry[2:])
            ordinary = found if ordinary is None or found < ordinary else ordinary
    if front is not None:
        return tickets[front[-1]]
    if due is not None:
        return tickets[due[-1]]
    streak = state.windows[window.id].priority_streak
    if priority is not None and (ordinary is None or streak < config.queue.priority_ratio):
        return tickets[priority[-1]]
    if ordinary is None:
        return None
    return tickets[ordinary[-1]]


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
    return bisect_left(queue_order(state, config).keys(state, queue_key(ticket)),
                       position_key(config, ticket))


def earliest_arrival(state: CoreState, config: CenterConfig, key: str) -> datetime | None:
    """The earliest queue time among the tickets waiting in queue `key` (None: empty):
    the first of each run of one rank (and one priority weight) in position order."""
    keys = queue_order(state, config).keys(state, key)
    earliest: datetime | None = None
    index = 0
    while index < len(keys):
        arrived = keys[index][2]
        if earliest is None or arrived < earliest:
            earliest = arrived
        index = bisect_right(keys, keys[index][:2], lo=index, key=lambda e: e[:2])
    return earliest


def priority_tickets(state: CoreState, config: CenterConfig, service: str) -> int:
    """How many of today's tickets of `service` (by their service now) are priority ones."""
    return queue_order(state, config).priority.get(service, 0)


# --------------------------------------------------------------------------- the index

_ORDER = "_queue_order"  # where a state keeps its QueueOrder (no dataclass field)


class QueueOrder:
    """Per queue, its waiting tickets as sorted `(*position_key, id)` entries, and
    per service the number of today's priority tickets: derived from the state,
    kept up to date by the fold (`enqueued`/`dequeued`, from hub.domain.base).

    It is not a dataclass field, so snapshots, replays and state equality never
    see it; `queue_order` builds it on first use and again whenever the state's
    tickets, queues or configuration it was built on were replaced (a new day,
    a configuration change, a snapshot, a shallow copy given a new day). The fold
    changes a ticket's routing fields (service, target window, priority, due
    time, front, queue time, order) only while it is out of its queue."""

    def __init__(self, state: CoreState, config: CenterConfig | None) -> None:
        self.config = config
        self.waiting = state.waiting
        self.tickets = state.tickets
        self.queues: dict[str, list[tuple[Any, ...]]] = {}
        self.entries: dict[str, tuple[Any, ...]] = {}  # ticket id -> its entry
        self.priority: dict[str, int] = {}
        self.counted: dict[str, str] = {}  # priority ticket id -> the service counted
        for ticket in state.tickets.values():
            self.count(ticket)

    def fits(self, state: CoreState, config: CenterConfig | None) -> bool:
        return (self.config is config and self.waiting is state.waiting
                and self.tickets is state.tickets)

    def keys(self, state: CoreState, key: str) -> list[tuple[Any, ...]]:
        """The entries of queue `key` in order (built on first use of each queue)."""
        queue = self.queues.get(key)
        waiting = self.waiting.get(key, ())
        if queue is None or len(queue) != len(waiting):
            assert self.config is not None
            for ticket_id in waiting:
                self.entries.pop(ticket_id, None)
            queue = sorted(self._entry(state.tickets[ticket_id]) for ticket_id in waiting)
            self.queues[key] = queue
        return queue

    def _entry(self, ticket: Ticket) -> tuple[Any, ...]:
        assert self.config is not None
        entry = (*position_key(self.config, ticket), ticket.id)
        self.entries[ticket.id] = entry
        return entry

    def count(self, ticket: Ticket) -> None:
        """Count `ticket` under its service (again, if a transfer changed it)."""
        if ticket.priority is None:
            return
        before = self.counted.get(ticket.id)
        if before == ticket.service:
            return
        if before is not None:
            self.priority[before] -= 1
        self.priority[ticket.service] = self.priority.get(ticket.service, 0) + 1
        self.counted[ticket.id] = ticket.service

    def add(self, key: str, ticket: Ticket) -> None:
        self.remove(key, ticket.id)
        queue = self.queues.get(key)
        if queue is not None:
            insort(queue, self._entry(ticket))
        self.count(ticket)

    def remove(self, key: str, ticket_id: str) -> None:
        entry = self.entries.pop(ticket_id, None)
        queue = self.queues.get(key)
        if queue is not None and entry is not None:
            index = bisect_left(queue, entry)
            if index < len(queue) and queue[index] == entry:
                del queue[index]


def queue_order(state: CoreState, config: CenterConfig | None = None) -> QueueOrder:
    """The state's `QueueOrder` for `config` (by default its own), built if need be."""
    config = state.config if config is None else config
    found = state.__dict__.get(_ORDER)
    if not isinstance(found, QueueOrder) or not found.fits(state, config):
        found = QueueOrder(state, config)
        state.__dict__[_ORDER] = found
    return found


def enqueued(state: CoreState, ticket: Ticket) -> None:
    """The fold put `ticket` in its queue (after `state.waiting` has it)."""
    found = state.__dict__.get(_ORDER)
    if isinstance(found, QueueOrder):
        if found.fits(state, state.config):
            found.add(queue_key(ticket), ticket)
        else:
            del state.__dict__[_ORDER]


def dequeued(state: CoreState, ticket: Ticket) -> None:
    """The fold took `ticket` out of its queue."""
    found = state.__dict__.get(_ORDER)
    if isinstance(found, QueueOrder):
        if found.fits(state, state.config):
            found.remove(queue_key(ticket), ticket.id)
        else:
            del state.__dict__[_ORDER]
