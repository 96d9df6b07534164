"""Events: the facts of a center's day, in the past tense.

Every event carries the center's gapless sequence number, the moment it
happened (from the injected clock) and the actor (a user or device name)
that caused it. Its wire name is the snake_case of its class name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, ClassVar


@dataclass(frozen=True, kw_only=True)
class Event:
    seq: int
    at: datetime
    actor: str
    type: ClassVar[str] = "event"


REGISTRY: dict[str, type[Event]] = {}


def event(cls: type[Event]) -> type[Event]:
    """Register an event class under its snake_case wire name."""
    cls.type = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
    REGISTRY[cls.type] = cls
    return cls


# --------------------------------------------------------------- center and day


@event
@dataclass(frozen=True, kw_only=True)
class ConfigChanged(Event):
    config: dict[str, Any]
    source: str = "dashboard"
    summary: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class DayStarted(Event):
    business_day: date


# --------------------------------------------------------------- tickets


@event
@dataclass(frozen=True, kw_only=True)
class TicketIssued(Event):
    ticket: str
    number: str
    service: str
    channel: str
    priority: str | None = None
    appointment: str | None = None
    due_at: datetime | None = None


@event
@dataclass(frozen=True, kw_only=True)
class TicketCalled(Event):
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
    ticket: str
    number: str
    service: str
    window: int
    window_name: str
    recall_count: int


@event
@dataclass(frozen=True, kw_only=True)
class ServiceStarted(Event):
    ticket: str
    number: str
    window: int


@event
@dataclass(frozen=True, kw_only=True)
class TicketCompleted(Event):
    ticket: str
    number: str
    service: str
    window: int
    clerk: str


@event
@dataclass(frozen=True, kw_only=True)
class TicketNoShow(Event):
    ticket: str
    number: str
    window: int
    automatic: bool = False


@event
@dataclass(frozen=True, kw_only=True)
class TicketReinstated(Event):
    ticket: str
    number: str


@event
@dataclass(frozen=True, kw_only=True)
class TicketTransferred(Event):
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
    ticket: str
    number: str
    window: int
    reason: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class TicketResumed(Event):
    ticket: str
    number: str
    window: int


@event
@dataclass(frozen=True, kw_only=True)
class TicketRated(Event):
    ticket: str
    number: str
    service: str
    window: int
    clerk: str
    level: int
    aspects: tuple[str, ...] = ()
    reason: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class TicketClosedOut(Event):
    """未办结 at the end of the day: with why, and the appointment it was carried to."""

    ticket: str
    number: str
    service: str
    reason: str
    window: int | None = None  # the window it was called to, released
    appointment_code: str | None = None
    appointment_day: date | None = None
    appointment_slot: str | None = None  # "09:00-10:00"


# --------------------------------------------------------------- windows and clerks


@event
@dataclass(frozen=True, kw_only=True)
class ClerkSignedIn(Event):
    window: int
    clerk: str
    replaced: str | None = None


@event
@dataclass(frozen=True, kw_only=True)
class ClerkSignedOut(Event):
    window: int
    clerk: str


@event
@dataclass(frozen=True, kw_only=True)
class WindowPaused(Event):
    window: int
    reason: str


@event
@dataclass(frozen=True, kw_only=True)
class WindowOpened(Event):
    window: int


# --------------------------------------------------------------- appointments


@event
@dataclass(frozen=True, kw_only=True)
class AppointmentBooked(Event):
    appointment: str
    code: str
    service: str
    day: date
    slot_start: time
    slot_end: time
    phone: str = field(default="", repr=False)  # needed for check-in by phone; masked on the wire
    id_hash: str = field(default="", repr=False)  # keyed hash of an ID number (check-in by ID)


@event
@dataclass(frozen=True, kw_only=True)
class AppointmentCancelled(Event):
    appointment: str
    code: str


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
