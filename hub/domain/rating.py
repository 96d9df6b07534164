"""好差评: a citizen rates a completed visit once, on the phone or at the window's pad.

What a bad rating sets off (the 差评 follow-up) is supervision's policy
(hub/domain/supervision.py), decided with the rating as an event of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.domain import errors
from hub.domain.base import (
    HOLDER,
    MAX_TEXT,
    STAFF,
    WINDOWS,
    Command,
    Decision,
    Event,
    Feature,
    event,
)
from hub.domain.model import DONE, CoreState

rules = Feature("rating")

RATE_CHANNELS = ("holder", "pad")
RATING_LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
RATING_ASPECTS = ("服务效率", "服务水平", "服务态度")


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


@event
@dataclass(frozen=True, kw_only=True)
class TicketRated(Event):
    public_fields = ("number", "window", "level")
    # The window's pad learns its citizen has rated; the hall does not hear ratings.
    audience = (WINDOWS, HOLDER, STAFF)
    ticket: str
    number: str
    service: str
    window: int
    clerk: str
    level: int
    aspects: tuple[str, ...] = ()
    reason: str = ""
    # True when decided with its policies as events of their own (a bad rating's
    # FollowUpOpened follows it); a journal written before has none, and the fold
    # applies the policy for it. Kept in the journal, never on the wire.
    policies_decided: bool = field(default=False, metadata={"wire": False})


@rules.decides(Rate)
def _rate(d: Decision, c: Rate) -> None:
    if c.channel == "pad":
        # The pad of a window rates the visit it saw: a ticket completed at that window.
        ticket = d.state.ticket_by_number(c.ticket)
        if ticket is None or ticket.window != c.window or ticket.status != DONE:
            raise errors.NotRatableHere(
                f"{c.ticket} was not completed at window {c.window} today", field="number")
    elif c.channel == "holder":
        ticket = d.state.tickets.get(c.ticket)
        if ticket is None:
            raise errors.UnknownTicket("no such ticket today", field="ticket")
    else:
        raise errors.InvalidChannel(f"rate through one of {RATE_CHANNELS}", field="channel")
    if ticket.status != DONE:
        raise errors.TicketNotDone(f"{ticket.number} has not been completed", field="ticket")
    if ticket.rating is not None:
        raise errors.AlreadyRated(f"{ticket.number} has already been rated (一次一评)")
    if isinstance(c.level, bool) or c.level not in RATING_LEVELS:
        raise errors.InvalidRating("level must be 1 to 5", field="level")
    aspects = tuple(c.aspects)
    if any(a not in RATING_ASPECTS for a in aspects) or len(set(aspects)) != len(aspects):
        raise errors.InvalidRating(f"aspects must be among {RATING_ASPECTS}", field="aspects")
    if aspects and c.level > 2:
        raise errors.InvalidRating("aspects are asked only for unhappy ratings", field="aspects")
    reason = c.reason.strip()
    if len(reason) > MAX_TEXT:
        raise errors.InvalidRating(f"the reason is longer than {MAX_TEXT}", field="reason")
    assert ticket.window is not None and ticket.clerk is not None
    d.emit(
        TicketRated,
        ticket=ticket.id,
        number=ticket.number,
        service=ticket.service,
        window=ticket.window,
        clerk=ticket.clerk,
        level=c.level,
        aspects=aspects,
        reason=reason,
        policies_decided=True,
    )


@rules.folds(TicketRated)
def _ticket_rated(state: CoreState, event: TicketRated) -> None:
    state.tickets[event.ticket].rating = event.level
