"""A simulated day in the hall, in-process: the pure rules (decide/apply) on a
simulated clock, reproducible by seed. It is what the wait estimators are
measured against (`jiaohao bench --only eta`), in a second or so per day.

The day (all seeded, parameters in `SimParams`):
- citizens arrive by the hourly curve of `tools.simulate.ARRIVALS_BY_HOUR` for a mix
  of services weighted by their daily caps; 6 % are priority (老弱病残孕, 军人);
- at the kiosk a citizen sees the estimate of the service (the estimator under
  test): the longer it is beyond their patience, the likelier they leave without
  a ticket (balking); with a ticket, some give up after waiting far beyond the
  estimate and are not there when called (过号, as are a few who never came back);
- appointments are booked the day before and checked in 0-15 minutes before the
  slot (10 % never come); they are served as the routing rules say;
- each window's clerk has their own speed (lognormal around 1); handling times
  are lognormal around the service's configured time, with a heavier tail (a few
  cases take 2-4 times as long); clerks sign in around opening (some late),
  pause now and then, sign out for lunch after their current citizen, come back
  and leave at closing (a few early); shared windows serve what the
  configuration says, in the routing's order;
- now and then a clerk transfers a ticket to another service or suspends it
  (挂起) for missing papers and resumes it later.

Every command goes through `decide` at its simulated moment and every event is
folded with `apply`; `observe` hooks see the state at each issue and call.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from hub.domain import commands as cmd
from hub.domain import events as ev
from hub.domain.calendar import at_local, is_working_day
from hub.domain.decide import decide
from hub.domain.errors import DomainError
from hub.domain.fold import apply
from hub.domain.state import CenterState
from tools.simulate import ARRIVALS_BY_HOUR, balks, handling_minutes

DEMO = Path(__file__).resolve().parents[1] / "hub" / "centers" / "demo.toml"


@dataclass
class SimParams:
    tickets: int = 300
    seed: int = 1
    day: date = date(2025, 12, 1)  # a Monday, a working day in the china calendar
    priority_share: float = 0.06
    clerk_speed_sigma: float = 0.25  # spread of clerks' speeds (lognormal)
    handling_sigma: float = 0.5  # spread of one citizen's handling time (lognormal)
    complex_share: float = 0.05  # the heavier tail: cases taking 2-4× as long
    no_show_share: float = 0.05  # never come back (过号 after a recall)
    balk: bool = True  # leave at the kiosk when the estimate is beyond patience
    patience_minutes: tuple[float, float] = (40.0, 150.0)
    renege_factor: float = 2.0  # give up after waiting this × the shown estimate (+30 min)
    appointment_fill: float = 0.6  # share of appointment capacity booked
    appointment_no_show: float = 0.1
    late_clerk_share: float = 0.2
    early_leave_share: float = 0.15
    pauses_per_clerk: tuple[int, int] = (0, 2)
    transfer_share: float = 0.03
    suspend_share: float = 0.03


@dataclass
class Stats:
    arrived: int = 0
    issued: int = 0
    balked: int = 0
    reneged: int = 0
    appointments: int = 0
    checked_in: int = 0
    called: int = 0
    completed: int = 0
    no_shows: int = 0
    transfers: int = 0
    suspended: int = 0
    refused: int = 0


Estimator = Callable[[CenterState, str, int, datetime], float | None]


@dataclass(order=True)
class _Action:
    at: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


class DaySim:
    """One day of the demo center (or `config`), driven through the rules."""

    def __init__(self, config: dict[str, Any], params: SimParams,
                 shown: Estimator | None = None) -> None:
        self.params = params
        self.random = random.Random(params.seed)
        self.shown = shown  # the estimator the kiosk shows (balking reads it)
        self.state = CenterState()
        self.stats = Stats()
        self.now = datetime.combine(params.day, datetime.min.time())
        self._queue: list[_Action] = []
        self._order = itertools.count()
        self._ids = itertools.count(1)
        self.on_issue: list[Callable[[DaySim, ev.TicketIssued], None]] = []
        self.on_call: list[Callable[[DaySim, ev.TicketCalled], None]] = []
        self.gave_up: set[str] = set()  # tickets whose holder has left
        day_before = params.day - timedelta(days=1)
        self.run_command(cmd.ChangeConfig(config=config, source="test"), "admin",
                         at=self._at(day_before, 7))
        assert self.state.config is not None
        self.config = self.state.config
        assert is_working_day(self.config.hours, params.day), "simulate a working day"
        self.now = at_local(self.config, params.day, datetime.min.time())

    # ------------------------------------------------------------------ plumbing

    def _at(self, day: date, hour: float) -> datetime:
        config = self.state.config
        base = at_local(config, day, datetime.min.time()) if config else datetime.combine(
            day, datetime.min.time())
        return base + timedelta(hours=hour)

    def new_id(self) -> str:
        return f"sim{next(self._ids):06d}"

    def run_command(self, command: cmd.Command, actor: str,
                    at: datetime | None = None) -> list[ev.Event] | None:
        moment = at or self.now
        try:
            events = decide(self.state, command, cmd.Context(moment, actor, self.new_id))
        except DomainError:
            self.stats.refused += 1
            return None
        for event in events:
            apply(self.state, event)
            if isinstance(event, ev.TicketIssued):
                for issue_hook in self.on_issue:
                    issue_hook(self, event)
            elif isinstance(event, ev.TicketCalled):
                self.stats.called += 1
                for hook in self.on_call:
                    hook(self, event)
        return events

    def at(self, moment: datetime, run: Callable[[], None]) -> None:
        heapq.heappush(self._queue, _Action(moment, next(self._order), run))

    def after(self, minutes: float, run: Callable[[], None]) -> None:
        self.at(self.now + timedelta(minutes=max(minutes, 0.0)), run)

    def run(self, until_hour: float = 19.0) -> Stats:
        self._book_appointments()
        self._plan_arrivals()
        for window in self.config.windows:
            staff = [s["username"] for s in self.config.staff
                     if s.get("window") == str(window.id) and s.get("username")]
            SimClerk(self, window.id, staff[0] if staff else f"clerk{window.id}").plan()
        end = self._at(self.params.day, until_hour)
        while self._queue and self._queue[0].at < end:
            action = heapq.heappop(self._queue)
            self.now = max(self.now, action.at)
            action.run()
        self.now = end
        return self.stats

    # ------------------------------------------------------------------ citizens

    def _book_appointments(self) -> None:
        day = self.params.day
        before = self._at(day - timedelta(days=1), 10)
        for service in self.config.services:
            for start, _end in self.config.appointment_slots:
                booked = sum(self.random.random() < self.params.appointment_fill
                             for _ in range(service.appointment_capacity))
                for _ in range(booked):
                    events = self.run_command(cmd.BookAppointment(service.id, day, start),
                                              "web", at=before)
                    if not events:
                        continue
                    self.stats.appointments += 1
                    if self.random.random() < self.params.appointment_no_show:
                        continue
                    code = getattr(events[-1], "code")  # noqa: B009 - AppointmentBooked
                    slot = at_local(self.config, day, start)
                    moment = slot - timedelta(minutes=self.random.uniform(0, 15))
                    self.at(moment, functools.partial(self._check_in, code))

    def _check_in(self, code: str) -> None:
        if self.run_command(cmd.CheckIn(code=code), "kiosk-1"):
            self.stats.checked_in += 1

    def _plan_arrivals(self) -> None:
        services = self.config.services
        weights = [s.daily_cap for s in services]
        total = sum(ARRIVALS_BY_HOUR.values())
        for hour, share in ARRIVALS_BY_HOUR.items():
            start = self._at(self.params.day, hour)
            count = self.params.tickets * share / total * self.random.uniform(0.85, 1.15)
            for _ in range(round(count)):
                moment = start + timedelta(seconds=self.random.uniform(0, 3600))
                service = self.random.choices(services, weights)[0].id
                self.at(moment, functools.partial(self.arrive, service))

    def arrive(self, service: str) -> None:
        self.stats.arrived += 1
        patience = self.random.uniform(*self.params.patience_minutes)
        shown = None
        if self.shown is not None:
            shown = self.shown(self.state, service, self.state.waiting_count(service), self.now)
        if self.params.balk and balks(self.random, shown, patience):
            self.stats.balked += 1  # for lunch, or home
            return
        priority = None
        if self.config.priority_classes and self.random.random() < self.params.priority_share:
            priority = self.random.choice(self.config.priority_classes).id
        events = self.run_command(cmd.IssueTicket(service, priority), "kiosk-1")
        if not events:
            return
        self.stats.issued += 1
        ticket = getattr(events[-1], "ticket")  # noqa: B009 - TicketIssued
        if self.random.random() < self.params.no_show_share:
            self.gave_up.add(ticket)
        else:
            limit = max(patience, (shown or 0) * self.params.renege_factor) + 30
            self.after(limit, functools.partial(self._give_up, ticket))

    def _give_up(self, ticket_id: str) -> None:
        ticket = self.state.tickets.get(ticket_id)
        if ticket is not None and ticket.status == "waiting":
            self.gave_up.add(ticket_id)
            self.stats.reneged += 1

    def handling_minutes(self, service_id: str, speed: float) -> float:
        service = self.config.service(service_id)
        typical = service.handling_minutes if service else 8.0
        return handling_minutes(self.random, typical, speed, sigma=self.params.handling_sigma,
                                complex_share=self.params.complex_share)


class SimClerk:
    """One window's clerk through the day, on the simulation's action queue."""

    def __init__(self, sim: DaySim, window: int, username: str) -> None:
        self.sim, self.window, self.username = sim, window, username
        self.speed = sim.random.lognormvariate(0.0, sim.params.clerk_speed_sigma)
        self.ticket: str | None = None
        self.leaving = False
        self.signed_in = False
        low, high = sim.params.pauses_per_clerk
        self.pauses = sim.random.randint(low, high)

    def act(self, command: cmd.Command) -> list[ev.Event] | None:
        return self.sim.run_command(command, self.username)

    def plan(self) -> None:
        sim, spans = self.sim, self.sim.config.hours.spans
        late = sim.random.random() < sim.params.late_clerk_share
        for index, (start, end) in enumerate(spans):
            begin = at_local(sim.config, sim.params.day, start) + timedelta(
                minutes=sim.random.uniform(3, 15) if late and index == 0
                else sim.random.uniform(-8, 0))
            early = index == len(spans) - 1 and sim.random.random() < sim.params.early_leave_share
            finish = at_local(sim.config, sim.params.day, end) + timedelta(
                minutes=-sim.random.uniform(8, 25) if early else sim.random.uniform(0, 4))
            sim.at(begin, self.sign_in)
            sim.at(finish, self.leave)

    def sign_in(self) -> None:
        self.leaving = False
        if self.ticket is not None:
            return  # still serving from before the break: that chain carries on
        if self.act(cmd.SignIn(self.window)) is not None:
            self.signed_in = True
            self.sim.after(self.sim.random.uniform(0.2, 1), self.next)

    def leave(self) -> None:
        self.leaving = True
        if self.ticket is None and self.signed_in:
            self._sign_out()

    def _sign_out(self) -> None:
        if self.act(cmd.SignOut(self.window)) is not None:
            self.signed_in = False

    def next(self) -> None:
        sim = self.sim
        if not self.signed_in:
            return
        if self.leaving:
            self._sign_out()
            return
        if self.pauses and sim.random.random() < 0.03:
            self.pauses -= 1
            if self.act(cmd.PauseWindow(self.window, "临时离开")) is not None:
                sim.after(sim.random.uniform(5, 12), self.reopen)
                return
        events = self.act(cmd.CallNext(self.window))
        called = [e for e in events or () if isinstance(e, ev.TicketCalled)]
        self.ticket = called[-1].ticket if called else None
        if self.ticket is None:
            sim.after(sim.random.uniform(0.3, 1.0), self.next)
        elif self.ticket in sim.gave_up:  # nobody comes: recall, then 过号
            sim.after(sim.random.uniform(1, 2), self.recall)
        else:
            sim.after(sim.random.uniform(0.3, 1.2), self.start)

    def reopen(self) -> None:
        self.act(cmd.OpenWindow(self.window))
        self.next()

    def recall(self) -> None:
        self.act(cmd.Recall(self.window))
        self.sim.after(self.sim.random.uniform(1, 2), self.no_show)

    def no_show(self) -> None:
        if self.act(cmd.MarkNoShow(self.window)) is not None:
            self.sim.stats.no_shows += 1
        self.ticket = None
        self.next()

    def start(self) -> None:
        sim = self.sim
        assert self.ticket is not None
        self.act(cmd.StartService(self.window))
        service = sim.state.tickets[self.ticket].service
        sim.after(sim.handling_minutes(service, self.speed), self.finish)

    def finish(self) -> None:
        sim = self.sim
        assert self.ticket is not None
        roll = sim.random.random()
        ticket = sim.state.tickets[self.ticket]
        others = [s.id for s in sim.config.services if s.id != ticket.service]
        if roll < sim.params.transfer_share and others:
            if self.act(cmd.Transfer(self.window, to_service=sim.random.choice(others),
                                     note="需其他部门办理")) is not None:
                sim.stats.transfers += 1
        elif roll < sim.params.transfer_share + sim.params.suspend_share:
            if self.act(cmd.Suspend(self.window, "缺少材料")) is not None:
                sim.stats.suspended += 1
                number = ticket.number
                sim.after(sim.random.uniform(10, 25), functools.partial(self.resume, number))
        elif self.act(cmd.Complete(self.window)) is not None:
            sim.stats.completed += 1
        self.ticket = None
        sim.after(sim.random.uniform(0.2, 0.8), self.next)

    def resume(self, number: str) -> None:
        if self.signed_in:
            self.act(cmd.Resume(self.window, number))


def demo_config() -> dict[str, Any]:
    import tomllib

    return tomllib.loads(DEMO.read_text(encoding="utf-8"))
