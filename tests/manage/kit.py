"""A center's days in memory for the dashboard's unit tests: the real `Center`
(decide, append, fold) on a memory journal, a clock the test moves, staff accounts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from hub.center import Center
from hub.domain import commands as cmd
from hub.domain import events as ev
from hub.domain.accounts import SaveUser
from hub.store.memory import MemoryStore

CLERKS = {1: "wangli", 2: "liqiang", 3: "zhangmin", 4: "zhaolei", 5: "chenjing",
          6: "liuyang", 7: "sunyue", 8: "zhoutao"}


class Book:
    """The demo center in memory; `run` executes a command as someone at the clock's time."""

    def __init__(self, config: Mapping[str, Any], clock: Any, ids: Callable[[], str]) -> None:
        self.clock = clock
        self.store = MemoryStore()
        self.center = Center("demo", self.store, clock, ids)
        self.center.configure(config, actor="admin", source="test")
        for name, role in [("admin", "admin"), ("director", "manager"),
                           *((clerk, "clerk") for clerk in CLERKS.values())]:
            self.center.execute(SaveUser(name, role, "hash"), "admin")

    @property
    def state(self) -> Any:
        return self.center.state

    @property
    def events(self) -> list[ev.Event]:
        return list(self.store.load("demo", 0))

    def run(self, command: cmd.Command, actor: str = "director") -> list[ev.Event]:
        return self.center.execute(command, actor)

    def at(self, moment: datetime) -> Book:
        self.clock.set(moment)
        return self

    # ------------------------------------------------------------------ shortcuts

    def issue(self, service: str, priority: str | None = None) -> str:
        issued = self.run(cmd.IssueTicket(service, priority), "kiosk-1")[-1]
        return str(getattr(issued, "ticket"))  # noqa: B009

    def sign_in(self, window: int) -> None:
        self.run(cmd.SignIn(window), CLERKS[window])

    def sign_out(self, window: int) -> None:
        self.run(cmd.SignOut(window), CLERKS[window])

    def call(self, window: int) -> str | None:
        called = [e for e in self.run(cmd.CallNext(window), CLERKS[window])
                  if isinstance(e, ev.TicketCalled)]
        return called[0].ticket if called else None

    def act(self, window: int, command: cmd.Command) -> list[ev.Event]:
        return self.run(command, CLERKS[window])

    def serve(self, window: int, minutes: float = 5, rating: int | None = None) -> str:
        """Call the next ticket at `window`, start, serve `minutes`, complete (and rate)."""
        ticket = self.call(window)
        assert ticket is not None, f"nobody waits for window {window}"
        self.act(window, cmd.StartService(window))
        self.clock.advance(minutes=minutes)
        self.act(window, cmd.Complete(window))
        if rating is not None:
            aspects = ("服务态度",) if rating <= 2 else ()
            self.run(cmd.Rate(ticket, rating, aspects, "等太久" if rating <= 2 else ""),
                     f"pad-{window}")
        return ticket
