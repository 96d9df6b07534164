"""The core every feature builds on: events, commands, a decision, a feature's rules.

- An event is a fact of a center's day in the past tense, with the center's gapless
  sequence number, the moment and the actor. Its wire name is the snake_case of its
  class name, and it declares who hears it (`audience`): the rooms come from that.
- A command says what someone wants; the actor and the moment come with the
  `Context`, not with the command.
- A feature (hub/domain/issuing.py, windows.py, calling.py …) holds its commands,
  events, decide handlers and fold handlers in one module and lists them in its own
  `Feature` table; hub/domain/compose.py puts the features together. Features import
  this core and, where one reacts to another's facts, an earlier feature: never the
  composer, so there is no import circle.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from hub.domain import errors
from hub.domain.config import CenterConfig, Window
from hub.domain.model import WAITING, WINDOW_PAUSED, CoreState, Ticket, WindowState
from hub.domain.routing import dequeued, enqueued, queue_key

# ----------------------------------------------------------------------------- events

# Who hears an event (besides managers, who hear every event):
HALL = "hall"  # the hall room
WINDOWS = "windows"  # the window:N rooms of the windows the event names (`windows_of`)
ALL_WINDOWS = "all_windows"  # every window:N room
HOLDER = "holder"  # the ticket:<id> room of the ticket it is about (`holder_of`)
STAFF = "staff"  # the staff room
TICKET_PUBLIC = (HALL, WINDOWS, HOLDER, STAFF)


@dataclass(frozen=True, kw_only=True)
class Event:
    seq: int
    at: datetime
    actor: str
    type: ClassVar[str] = "event"
    # The rooms that hear it besides the managers' (HALL, WINDOWS, ALL_WINDOWS, HOLDER,
    # STAFF); none: managers only.
    audience: ClassVar[tuple[str, ...]] = ()
    # The fields naming the windows it is shown at (for WINDOWS) and the ticket whose
    # holder hears it (for HOLDER).
    window_fields: ClassVar[tuple[str, ...]] = ("window",)
    holder_field: ClassVar[str] = "ticket"
    # What a public screen (hall, window:N) and the holder's phone may read of it:
    # these fields and nothing else (never a ticket's id, a login or free text).
    public_fields: ClassVar[tuple[str, ...]] = ()
    # Free text a clerk typed about a citizen's matter (转办说明, 挂起原因): staff read
    # it through their own REST views; only managers get it on the wire.
    staff_hidden: ClassVar[str | None] = None

    def windows_of(self) -> set[int]:
        found = set()
        for name in self.window_fields:
            window = getattr(self, name, None)
            if isinstance(window, int) and not isinstance(window, bool):
                found.add(window)
        return found

    def holder_of(self) -> str | None:
        ticket = getattr(self, self.holder_field, None)
        return ticket if isinstance(ticket, str) else None


REGISTRY: dict[str, type[Event]] = {}


def event(cls: type[Event]) -> type[Event]:
    """Register an event class under its snake_case wire name."""
    cls.type = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
    REGISTRY[cls.type] = cls
    return cls


# ----------------------------------------------------------------------------- commands


@dataclass(frozen=True)
class Context:
    """Who asks, when, and where new ids come from (all injected)."""

    now: datetime
    actor: str
    new_id: Callable[[], str]


class Command:
    """Marker base class of every command."""


# ----------------------------------------------------------------------------- deciding


class Emitter:
    """Builds the events of one decision with gapless seqs, the moment and the actor."""

    def __init__(self, state: CoreState, context: Context) -> None:
        self.next_seq = state.seq + 1
        self.context = context
        self.events: list[Event] = []

    def __call__(self, event_type: type[Event], **fields: Any) -> Event:
        event = event_type(
            seq=self.next_seq, at=self.context.now, actor=self.context.actor, **fields
        )
        self.next_seq += 1
        self.events.append(event)
        return event


@dataclass
class Decision:
    state: CoreState
    config: CenterConfig
    context: Context
    emit: Emitter

    @property
    def now(self) -> datetime:
        return self.context.now


@dataclass(frozen=True)
class Notice:
    """A notification a feature's policy decided: whom, what, its de-duplication key.
    The outbox (hub/domain/notify.py) queues it in the batch of the event causing it."""

    kind: str
    phone: str
    params: dict[str, str]
    key: str
    sealed: str = ""
    expires_at: datetime | None = None


Decider = Callable[[Decision, Any], None]
Folder = Callable[[Any, Any], None]
# A consequence is decided with every command from the events it caused so far and
# appended in the same batch (a policy: the 差评 follow-up, the outbox's notifications).
Consequence = Callable[[Decision, list[Event]], None]
# Which notifications an event causes, judged on the state just before it.
Notifies = Callable[[Any, Any], list[Notice]]


class Feature:
    """One feature's table: which commands it decides, which events it folds, the
    consequences it draws from a decision's events, and the notifications its events
    cause (queued by the outbox). Put together by compose.py."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.deciders: dict[type[Command], Decider] = {}
        self.folders: dict[type[Event], Folder] = {}
        self.consequences: list[Consequence] = []
        self.notices: dict[type[Event], Notifies] = {}

    def decides(self, command_type: type[Command]) -> Callable[[Decider], Decider]:
        def register(handler: Decider) -> Decider:
            self.deciders[command_type] = handler
            return handler

        return register

    def folds(self, event_type: type[Event]) -> Callable[[Folder], Folder]:
        def register(handler: Folder) -> Folder:
            self.folders[event_type] = handler
            return handler

        return register

    def consequence(self, handler: Consequence) -> Consequence:
        self.consequences.append(handler)
        return handler

    def notifies(self, event_type: type[Event]) -> Callable[[Notifies], Notifies]:
        def register(policy: Notifies) -> Notifies:
            self.notices[event_type] = policy
            return policy

        return register


# ----------------------------------------------------------------------------- lookups
# What several features look up the same way, with the same refusals.

MAX_TEXT = 200


def service(d: Decision, service_id: str) -> Any:
    found = d.config.service(service_id)
    if found is None:
        raise errors.UnknownService(f"no service {service_id!r}", field="service")
    return found


def window(d: Decision, window_id: int) -> tuple[Window, WindowState]:
    found = d.config.window(window_id)
    if found is None or window_id not in d.state.windows:
        raise errors.UnknownWindow(f"no window {window_id}", field="window")
    return found, d.state.windows[window_id]


def clerk_window(d: Decision, window_id: int) -> tuple[Window, WindowState]:
    """The window, checked to be signed in by the actor."""
    found, state = window(d, window_id)
    if state.clerk != d.context.actor:
        raise errors.NotSignedIn(f"you are not signed in to window {window_id}", field="window")
    return found, state


def serving_window(d: Decision, window_id: int) -> tuple[Window, WindowState]:
    found, state = clerk_window(d, window_id)
    if state.state == WINDOW_PAUSED:
        raise errors.WindowPaused(f"window {window_id} is paused ({state.reason})")
    return found, state


def current(d: Decision, state: WindowState) -> Ticket:
    if state.ticket is None:
        raise errors.WindowIdle(f"window {state.id} has no current ticket")
    return d.state.tickets[state.ticket]


def ticket_by_number(d: Decision, number: str) -> Ticket:
    ticket = d.state.ticket_by_number(number) if isinstance(number, str) else None
    if ticket is None:
        raise errors.UnknownTicket(f"no ticket {number!r} today", field="ticket")
    return ticket


def appointment_code(d: Decision, appointment_id: str) -> str:
    # A 6-digit code, easy to type on the kiosk keypad, derived from the
    # (random) id and made unique among the codes in use.
    value = int.from_bytes(appointment_id.encode(), "big") % 900000 + 100000
    while str(value) in d.state.appointment_codes:
        value = value + 1 if value < 999999 else 100000
    return str(value)


def phone_digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


# ----------------------------------------------------------------------------- folding
# What several features' folds do the same way.


def enqueue(state: CoreState, ticket: Ticket) -> None:
    """Put `ticket` in its queue. Its routing fields (service, target window,
    priority, due time, front, queue time, order) are set before, and not changed
    while it waits: the queue order (hub.domain.routing.QueueOrder) keeps them."""
    ticket.status = WAITING
    state.waiting.setdefault(queue_key(ticket), {})[ticket.id] = None
    enqueued(state, ticket)


def dequeue(state: CoreState, ticket: Ticket) -> None:
    queue = state.waiting.get(queue_key(ticket))
    if queue is not None:
        queue.pop(ticket.id, None)
    dequeued(state, ticket)


def release_window(state: CoreState, window_id: int, ticket_id: str, at: datetime) -> None:
    """The ticket leaves the window it was called to (served, absent, moved on)."""
    window_state = state.windows.get(window_id)
    if window_state is not None and window_state.ticket == ticket_id:
        window_state.ticket = None
        window_state.last_release = at
