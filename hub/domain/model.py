"""The core of a center's state: the day's tickets, windows and clerks, accounts
and appointments. Every feature reads it; the features' own parts (督查, 办件, the
outbox, booking) are added by hub/domain/compose.py, which builds `CenterState`.

The fold (each feature's fold handlers) is the only writer of these objects;
everything else reads them. Day-scoped parts (tickets, windows, counters) start
afresh on each `DayStarted`; the configuration and future appointments carry over.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar

from hub.domain.config import CenterConfig

P = TypeVar("P")

WAITING = "waiting"
CALLED = "called"
SERVING = "serving"
SUSPENDED = "suspended"
DONE = "done"
NO_SHOW = "no_show"
CLOSED_OUT = "closed_out"  # 未办结: left at the end of the day (CloseDay)

WINDOW_CLOSED = "closed"
WINDOW_OPEN = "open"
WINDOW_PAUSED = "paused"

# How many handling times per service the wait estimator looks back on.
HANDLING_SAMPLE = 20
# How many recent calls a snapshot carries for the hall display.
RECENT_CALLS = 12
# How many recent call cycles and called services a window remembers (for the
# wait estimator's observed throughput and each shared window's split).
WINDOW_SAMPLE = 16
SERVICE_CALL_SAMPLE = 60


@dataclass
class Ticket:
    id: str
    number: str
    service: str
    channel: str
    issued_at: datetime
    order: int  # the seq that put it in the queue: ties in routing go by it
    priority: str | None = None
    appointment: str | None = None
    due_at: datetime | None = None
    status: str = WAITING
    queue_at: datetime | None = None  # its place in the queue (arrival, or as a rule moved it)
    front: bool = False  # put at the front of its queue by a transfer or a resume
    target_window: int | None = None
    window: int | None = None
    clerk: str | None = None
    first_clerk: str | None = None  # 首问负责: the first clerk who received the citizen
    called_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    recall_count: int = 0
    transfers: int = 0
    rating: int | None = None
    note: str = ""  # the clerk's note with the last transfer: for staff, never public
    hold_reason: str = ""  # why it was suspended (挂起): for staff, never public


@dataclass
class WindowState:
    id: int
    state: str = WINDOW_CLOSED
    clerk: str | None = None
    reason: str | None = None
    ticket: str | None = None  # the ticket called to or served at this window
    since: datetime | None = None
    priority_streak: int = 0
    last_completed: str | None = None
    # Observed throughput (for the wait estimator): minutes from one call to the
    # next while staffed (idle time capped), and the services of recent calls.
    cycles: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW_SAMPLE))
    called_services: deque[str] = field(default_factory=lambda: deque(maxlen=WINDOW_SAMPLE))
    last_call: datetime | None = None  # the call that began the current cycle
    last_release: datetime | None = None  # when that ticket left the window
    staffed_today: bool = False  # a clerk signed in here today: expected back after lunch


@dataclass
class Appointment:
    id: str
    code: str
    service: str
    day: date
    slot_start: time
    slot_end: time
    phone: str = field(default="", repr=False)
    status: str = "booked"  # booked | cancelled | checked_in | missed
    ticket: str | None = None
    id_hash: str = field(default="", repr=False)


@dataclass
class Account:
    """A staff login (admin, manager, clerk) or a device (kiosk, display, caller, pad)."""

    name: str
    role: str
    secret_hash: str = field(repr=False)  # password hash (users) or token hash (devices)
    display_name: str = ""
    windows: tuple[int, ...] = ()  # windows a clerk may serve; () means every window
    active: bool = True
    version: int = 1  # bumped on every change, so old login tokens stop working


@dataclass
class CoreState:
    seq: int = 0
    at: datetime | None = None  # the moment of the last event folded in
    config: CenterConfig | None = None
    config_file_digest: str = ""  # digest of the last configuration taken from a file
    business_day: date | None = None
    tickets: dict[str, Ticket] = field(default_factory=dict)
    by_number: dict[str, str] = field(default_factory=dict)
    issued: dict[str, int] = field(default_factory=dict)  # per service, today
    waiting: dict[str, dict[str, None]] = field(default_factory=dict)  # service -> ordered ids
    windows: dict[int, WindowState] = field(default_factory=dict)
    clerk_window: dict[str, int] = field(default_factory=dict)
    appointments: dict[str, Appointment] = field(default_factory=dict)
    appointment_codes: dict[str, str] = field(default_factory=dict)
    users: dict[str, Account] = field(default_factory=dict)
    devices: dict[str, Account] = field(default_factory=dict)
    handling: dict[str, deque[float]] = field(default_factory=dict)  # seconds, per service
    # Per service, the wait (seconds) of the last ticket called today and when: LES.
    last_called: dict[str, tuple[datetime, float]] = field(default_factory=dict)
    # Per service, when its recent tickets were called today (observed throughput).
    service_calls: dict[str, deque[datetime]] = field(default_factory=dict)
    # Tickets closed out at the end of the day (未办结), by id: the reason, for managers.
    closed_out: dict[str, str] = field(default_factory=dict)
    # Closed-out tickets carried to an appointment: ticket id -> (code, day, slot).
    carried: dict[str, tuple[str, date, str]] = field(default_factory=dict)
    recent_calls: deque[dict[str, object]] = field(
        default_factory=lambda: deque(maxlen=RECENT_CALLS)
    )

    def ticket_by_number(self, number: str) -> Ticket | None:
        ticket_id = self.by_number.get(number.strip().upper())
        return self.tickets.get(ticket_id) if ticket_id else None

    def waiting_in(self, service: str) -> list[Ticket]:
        return [self.tickets[ticket_id] for ticket_id in self.waiting.get(service, ())]

    def waiting_count(self, service: str) -> int:
        return len(self.waiting.get(service, ()))

    def clerk_of(self, window: int) -> str | None:
        state = self.windows.get(window)
        return state.clerk if state else None

    def part(self, kind: type[P]) -> P:
        """A feature's part of the state (its class names the attribute: `part_name`)."""
        found = getattr(self, kind.part_name)  # type: ignore[attr-defined]
        if not isinstance(found, kind):
            raise TypeError(f"the state has no {kind.__name__}")
        return found

    def set_part(self, value: Any) -> None:
        """Rebind a feature's part (a new day: decide folds it into a shallow copy)."""
        setattr(self, type(value).part_name, value)
