"""A center's day driven through the pure rules, for the domain tests.

`Day.run` decides a command on the current state, checks that deciding did not
touch that state (decide must never mutate), then folds the events in.
`Day.refuse` checks that a command is refused with a given stable code and
that nothing changed. The helpers (`issue`, `sign_in`, `call`, …) are thin
shortcuts over `run` that return what a test usually wants to look at.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import pytest

from hub.domain import commands as cmd
from hub.domain import events as ev
from hub.domain.calendar import business_day
from hub.domain.commands import Context
from hub.domain.decide import decide
from hub.domain.errors import DomainError
from hub.domain.fold import apply
from hub.domain.state import CenterState, Ticket, WindowState

ADMIN = "admin"


class Clock(Protocol):
    """The tests' clock (conftest.ManualClock): read it by calling it, move it by hand."""

    def __call__(self) -> datetime: ...

    def advance(self, **delta: float) -> datetime: ...

    def set(self, moment: datetime) -> datetime: ...


class Day:
    def __init__(
        self,
        config: Mapping[str, Any],
        clock: Clock,
        ids: Callable[[], str],
    ) -> None:
        self.clock = clock
        self.ids = ids
        self.state = CenterState()
        self.journal: list[ev.Event] = []
        self.check_pure = True  # deep-compare the state around every decide (slow in bulk)
        self.run(cmd.ChangeConfig(config=config, source="test"), ADMIN)
        # Start the business day up front, as the first command of the day would,
        # so that each test sees only the events of its own commands.
        assert self.state.config is not None
        self._fold(
            ev.DayStarted(
                seq=self.state.seq + 1,
                at=clock(),
                actor=ADMIN,
                business_day=business_day(self.state.config, clock()),
            )
        )

    # ------------------------------------------------------------------ core

    def decide(self, command: cmd.Command, actor: str) -> list[ev.Event]:
        """Decide without folding, checking that the state was not touched."""
        if not self.check_pure:
            return decide(self.state, command, Context(self.clock(), actor, self.ids))
        before = copy.deepcopy(self.state)
        try:
            return decide(self.state, command, Context(self.clock(), actor, self.ids))
        finally:
            assert self.state == before, "decide changed the state it was given"

    def run(self, command: cmd.Command, actor: str) -> list[ev.Event]:
        events = self.decide(command, actor)
        for event in events:
            self._fold(event)
        return events

    def _fold(self, event: ev.Event) -> None:
        apply(self.state, event)
        self.journal.append(event)

    def refuse(self, command: cmd.Command, actor: str, code: str) -> DomainError:
        """Assert `command` is refused with `code` and that nothing changed."""
        before = copy.deepcopy(self.state)
        with pytest.raises(DomainError) as caught:
            self.run(command, actor)
        assert caught.value.code == code, f"expected {code}, got {caught.value.code}"
        assert self.state == before
        return caught.value

    # ------------------------------------------------------------------ reading

    @property
    def config(self) -> Any:
        return self.state.config

    def ticket(self, number: str) -> Ticket:
        ticket = self.state.ticket_by_number(number)
        assert ticket is not None, f"no ticket {number}"
        return ticket

    def window(self, window: int) -> WindowState:
        return self.state.windows[window]

    def current(self, window: int) -> str | None:
        ticket_id = self.state.windows[window].ticket
        return self.state.tickets[ticket_id].number if ticket_id else None

    def waiting_numbers(self, queue: str) -> list[str]:
        return [self.state.tickets[t].number for t in self.state.waiting.get(queue, {})]

    # ------------------------------------------------------------------ shortcuts

    def issue(self, service: str, priority: str | None = None, channel: str = "kiosk") -> str:
        events = self.run(cmd.IssueTicket(service, priority, channel), "kiosk-1")
        issued = [e for e in events if isinstance(e, ev.TicketIssued)]
        assert len(issued) == 1
        return issued[0].number

    def sign_in(self, window: int, clerk: str) -> list[ev.Event]:
        return self.run(cmd.SignIn(window), clerk)

    def clerk(self, window: int) -> str:
        clerk = self.state.windows[window].clerk
        assert clerk is not None, f"nobody is signed in to window {window}"
        return clerk

    def call(self, window: int) -> str | None:
        """CallNext at `window` by its clerk: the number called, or None."""
        events = self.run(cmd.CallNext(window), self.clerk(window))
        called = [e for e in events if isinstance(e, ev.TicketCalled)]
        return called[0].number if called else None

    def call_number(self, window: int, number: str) -> list[ev.Event]:
        return self.run(cmd.CallTicket(window, number), self.clerk(window))

    def at_window(
        self, window: int, command_type: type[cmd.Command], **fields: Any
    ) -> list[ev.Event]:
        """Run a window command (Recall, StartService, Complete, …) as its clerk."""
        command = command_type(window=window, **fields)  # type: ignore[call-arg]
        return self.run(command, self.clerk(window))

    def serve(self, window: int) -> str:
        """Call, start and complete the next ticket at `window`."""
        number = self.call(window)
        assert number is not None, f"nobody waits for window {window}"
        self.at_window(window, cmd.StartService)
        self.at_window(window, cmd.Complete)
        return number

    def call_order(self, window: int, limit: int = 100) -> list[str]:
        """Serve at `window` until nobody waits: the numbers in the order called."""
        order: list[str] = []
        for _ in range(limit):
            number = self.call(window)
            if number is None:
                return order
            order.append(number)
            self.at_window(window, cmd.Complete)
        raise AssertionError("the queue did not empty")
