"""Commands: what someone asks of a center's day, in the imperative.

A command says what is wanted; `decide` checks it against the state and the
rules and answers with events, or with a `DomainError`. The actor (who asks)
and the moment come with the `Context`, not with the command.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any


@dataclass(frozen=True)
class Context:
    """Who asks, when, and where new ids come from (all injected)."""

    now: datetime
    actor: str
    new_id: Callable[[], str]


class Command:
    """Marker base class of every command."""


@dataclass(frozen=True)
class ChangeConfig(Command):
    config: Mapping[str, Any]
    source: str = "dashboard"
    summary: str = ""


@dataclass(frozen=True)
class IssueTicket(Command):
    service: str
    priority: str | None = None
    channel: str = "kiosk"


@dataclass(frozen=True)
class CheckIn(Command):
    """Check in a booked appointment by its code; a phone number given too must be the
    one it was booked with (the number alone is never enough: DOMAIN.md)."""

    code: str | None = None
    phone: str | None = None
    otp_hash: str | None = field(default=None, repr=False)  # keyed hash of a one-time code


@dataclass(frozen=True)
class BookAppointment(Command):
    service: str
    day: date
    slot_start: time
    phone: str = field(default="", repr=False)


@dataclass(frozen=True)
class CancelAppointment(Command):
    code: str


@dataclass(frozen=True)
class SignIn(Command):
    window: int


@dataclass(frozen=True)
class SignOut(Command):
    window: int


@dataclass(frozen=True)
class PauseWindow(Command):
    window: int
    reason: str


@dataclass(frozen=True)
class OpenWindow(Command):
    window: int


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


RATE_CHANNELS = ("holder", "pad")


@dataclass(frozen=True)
class Rate(Command):
    """A citizen's 好差评 of a completed visit, through one of two channels:

    - "holder": the ticket's holder on their phone, naming the ticket by its id (the
      id is the holder's secret);
    - "pad": the rating pad of `window`, naming the ticket by its number; accepted
      only for a ticket completed at that window.
    """

    ticket: str
    level: int
    aspects: tuple[str, ...] = ()
    reason: str = ""
    channel: str = "holder"
    window: int | None = None


@dataclass(frozen=True)
class CloseDay(Command):
    """At closing (the hub's clock decides when): close out tickets left today."""
