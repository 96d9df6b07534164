"""The composer: the features put together into one center.

It alone imports every feature (in one direction: no feature imports it), and
builds from their tables the state (`CenterState`: the core state plus each
feature's part), `decide` and `apply`. The order of FEATURES is the order in which
fold handlers of the same event run (the core's `DayStarted` first, then each
feature's part of the new day) and in which consequences are decided (the 差评
follow-up before the notifications, which tell the citizen of it).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from hub.domain import (
    accounts,
    appointments,
    calling,
    cases,
    closing,
    day,
    issuing,
    notify,
    rating,
    supervision,
    transfer,
    windows,
)
from hub.domain.appointments import BookingState
from hub.domain.base import (
    Command,
    Consequence,
    Context,
    Decider,
    Decision,
    Emitter,
    Event,
    Folder,
    Notifies,
)
from hub.domain.calendar import business_day
from hub.domain.cases import CasesState
from hub.domain.errors import DomainError
from hub.domain.model import CoreState
from hub.domain.notify import Outbox
from hub.domain.supervision import SupervisionState

S = TypeVar("S", bound=CoreState)

FEATURES = (
    day.rules, accounts.rules, windows.rules, issuing.rules, calling.rules, transfer.rules,
    rating.rules, supervision.rules, notify.rules, appointments.rules, cases.rules,
    closing.rules,
)


@dataclass
class CenterState(CoreState):
    """A center's state: the core (tickets, windows …) and each feature's part."""

    # 督查: complaints, 差评 follow-ups and call-back samples; they outlive the day.
    supervision: SupervisionState = field(default_factory=SupervisionState)
    # The outbox: notifications queued with their causes, until sent (notify.py).
    outbox: Outbox = field(default_factory=Outbox)
    # 办件: cases after the counter and 一次性告知 (cases.py); they outlive the day.
    cases: CasesState = field(default_factory=CasesState)
    # Booking on the phone: codes, no-shows and blocks; they outlive the day.
    booking: BookingState = field(default_factory=BookingState)


def _tables() -> tuple[dict[type[Command], Decider], dict[type[Event], tuple[Folder, ...]],
                       tuple[Consequence, ...], dict[type[Event], Notifies]]:
    deciders: dict[type[Command], Decider] = {}
    folders: dict[type[Event], list[Folder]] = {}
    consequences: list[Consequence] = []
    policy: dict[type[Event], Notifies] = {}
    for feature in FEATURES:
        for command_type, decider in feature.deciders.items():
            if command_type in deciders:
                raise TypeError(f"{command_type.__name__} is decided by two features")
            deciders[command_type] = decider
        for event_type, folder in feature.folders.items():
            folders.setdefault(event_type, []).append(folder)
        consequences.extend(feature.consequences)
        policy.update(feature.notices)

    def queue_notifications(d: Decision, caused: list[Event]) -> None:
        notify.queue_notifications(d, caused, policy)

    # The outbox last: it tells of what the other consequences decided (a follow-up).
    consequences.append(queue_notifications)
    return deciders, {k: tuple(v) for k, v in folders.items()}, tuple(consequences), policy


DECIDERS, FOLDERS, CONSEQUENCES, POLICY = _tables()


class NotConfigured(DomainError):
    code = "center_not_configured"


def decide(state: CoreState, command: Command, context: Context) -> list[Event]:
    """The events that `command` causes at `context.now`, or a DomainError.

    `decide` never changes the state it is given. A command the rules forbid
    raises a `DomainError` with a stable code."""
    emit = Emitter(state, context)
    if isinstance(command, day.ChangeConfig):
        day.change_config(state, command, emit)
        return emit.events
    config = state.config
    if config is None:
        raise NotConfigured("this center has no configuration yet")
    today = business_day(config, context.now)
    if state.business_day != today:
        # A new business day: numbering and queues start afresh. Decide the
        # command on a copy that has seen the DayStarted, leaving `state` as it is.
        state = apply(copy.copy(state), emit(day.DayStarted, business_day=today))
    handler = DECIDERS.get(type(command))
    if handler is None:
        raise TypeError(f"no rule for {type(command).__name__}")
    decision = Decision(state, config, context, emit)
    handler(decision, command)
    if emit.events:
        for consequence in CONSEQUENCES:  # each sees the events decided so far
            consequence(decision, list(emit.events))
    return emit.events


def apply(state: S, event: Event) -> S:
    """Fold `event` into `state` (mutating it) and return it. Events are facts:
    applying never fails and never checks a rule (that was done by `decide`)."""
    for folder in FOLDERS[type(event)]:
        folder(state, event)
    state.seq = event.seq
    state.at = event.at
    return state


def replay(events: Iterable[Event], state: CenterState | None = None) -> CenterState:
    state = state if state is not None else CenterState()
    for event in events:
        apply(state, event)
    return state
