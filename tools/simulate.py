"""`jiaohao simulate`: a realistic day in the hall, driven through the public API.

Citizens arrive by an hourly curve (a morning and an afternoon peak) and take
tickets at the kiosk for a mix of services — with `--balk`, unless the wait the
kiosk shows is well beyond their patience (as `tools.daysim` does); clerks, each with
their own speed, sign in (some late), call, start, serve for a lognormal time
around their service's handling time with a heavier tail (`handling_minutes`,
shared with `tools.daysim`), complete, now and then
mark a no-show after a recall, transfer, suspend and resume, pause for a few
minutes, break for lunch and leave (some early); the rating pads rate most
visits, a few of them badly. Everything goes through REST with the demo's
logins and device tokens, exactly as the pages would do it.

The hub's clock may run fast (`clock = "fast:30@…"`): the simulation reads it
from GET /api/v1/clock and paces itself by it, so a whole day passes in minutes
and every event carries the hub's own time.
"""

from __future__ import annotations

import functools
import heapq
import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests

from hub.domain.calendar import at_local, business_day
from hub.domain.config import CenterConfig, parse_config

log = logging.getLogger(__name__)
# Share of the day's arrivals in each hour (8 = 08:00-09:00): a morning and an afternoon peak.
ARRIVALS_BY_HOUR = {8: 6, 9: 14, 10: 15, 11: 10, 12: 3, 13: 6, 14: 13, 15: 14, 16: 10, 17: 2}
RATINGS = ((5, 0.62), (4, 0.22), (3, 0.08), (2, 0.05), (1, 0.03))
ASPECTS = ("服务效率", "服务水平", "服务态度")
REASONS = ("等候时间太长", "材料要求没有一次说清", "工作人员态度不好")


PATIENCE_MINUTES = (40.0, 150.0)


def handling_minutes(rng: random.Random, typical: float, speed: float = 1.0, *,
                     sigma: float = 0.5, complex_share: float = 0.05) -> float:
    """One citizen's handling time: lognormal around the typical time × the clerk's
    speed; `complex_share` of cases take 2-4 times as long; capped at 5×."""
    typical *= speed
    minutes = rng.lognormvariate(math.log(typical), sigma)
    if rng.random() < complex_share:
        minutes *= rng.uniform(2, 4)
    return min(max(minutes, 1.0), typical * 5)


def balks(rng: random.Random, shown: float | None, patience: float) -> bool:
    """Whether a citizen shown `shown` minutes leaves without a ticket: the further
    beyond their patience, the likelier."""
    if shown is None or shown <= patience:
        return False
    return rng.random() < min(0.9, (shown - patience) / patience + 0.3)


class SimulationError(Exception):
    """Cannot simulate (hub unreachable, missing logins): one line for the CLI."""


@dataclass
class Credentials:
    users: dict[str, str]  # username -> password
    devices: dict[str, str]  # device name -> token

    @classmethod
    def load(cls, path: str) -> Credentials:
        """A JSON file {"users": {name: password | [role, password]}, "devices": {name: token}}."""
        try:
            data = json.loads(open(path, encoding="utf-8").read())
        except (OSError, ValueError) as error:
            raise SimulationError(f"cannot read credentials {path}: {error}") from None
        users = {name: value[-1] if isinstance(value, list) else value
                 for name, value in data.get("users", {}).items()}
        return cls(users, dict(data.get("devices", {})))


@dataclass(order=True)
class _Action:
    at: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


@dataclass
class Stats:
    issued: int = 0
    completed: int = 0
    no_shows: int = 0
    transfers: int = 0
    suspended: int = 0
    rated: int = 0
    bad: int = 0
    refused: int = 0
    balked: int = 0


class Simulation:
    """One simulated day against a running hub (call `run`; `stop` ends it early)."""

    def __init__(self, hub: str, credentials: Credentials, *, tickets: int = 300,
                 until: str | None = None, seed: int | None = None,
                 balk: bool = False) -> None:
        self.hub = hub.rstrip("/")
        self.credentials = credentials
        self.tickets = tickets
        self.until_text = until
        self.random = random.Random(seed)
        self.balk = balk  # citizens leave when the kiosk shows a long wait (--balk)
        self.http = requests.Session()
        self.stats = Stats()
        self.stopped = threading.Event()
        self._queue: list[_Action] = []
        self._order = 0
        self._tokens: dict[str, str] = {}

    # ------------------------------------------------------------------ the hub

    def call(self, method: str, path: str, token: str | None = None,
             body: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """One API call; a refusal (4xx) is counted and answers None."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            answer = self.http.request(method, self.hub + path, json=body, headers=headers,
                                       timeout=15)
        except requests.RequestException as error:
            raise SimulationError(f"hub {self.hub} unreachable: {error}") from None
        if answer.status_code >= 500:
            raise SimulationError(f"{method} {path}: HTTP {answer.status_code}")
        if not answer.ok:
            self.stats.refused += 1
            log.debug("%s %s refused: %s", method, path, answer.text[:200])
            return None
        found: dict[str, Any] = answer.json()
        return found

    def login(self, username: str) -> str:
        if username not in self._tokens:
            answer = self.call("POST", "/api/v1/auth/token", body={
                "username": username, "password": self.credentials.users[username]})
            if answer is None:
                raise SimulationError(f"cannot sign in as {username}")
            self._tokens[username] = answer["token"]
        return self._tokens[username]

    def sync_clock(self) -> None:
        answer = self.call("GET", "/api/v1/clock")
        assert answer is not None
        self._hub_time = datetime.fromisoformat(answer["now"])
        self._real_time = time.monotonic()
        self.speed = float(answer["speed"])

    def now(self) -> datetime:
        """The hub's time, extrapolated from the last reading by its speed."""
        return self._hub_time + timedelta(seconds=(time.monotonic() - self._real_time)
                                          * self.speed)

    # ------------------------------------------------------------------ planning

    def at(self, moment: datetime, run: Callable[[], None]) -> None:
        self._order += 1
        heapq.heappush(self._queue, _Action(moment, self._order, run))

    def after(self, minutes: float, run: Callable[[], None]) -> None:
        self.at(self.now() + timedelta(minutes=minutes), run)

    def prepare(self) -> None:
        self.sync_clock()
        managers = [u for u in self.credentials.users if u in ("director", "admin")] or \
            list(self.credentials.users)
        if not managers:
            raise SimulationError("the credentials name no user (a manager and the clerks)")
        config = self.call("GET", "/api/v1/config", self.login(managers[0]))
        if config is None:
            raise SimulationError(f"{managers[0]} may not read the configuration")
        self.config: CenterConfig = parse_config(config["config"])
        kiosks = sorted(n for n in self.credentials.devices if n.startswith("kiosk"))
        if not kiosks:
            raise SimulationError("the credentials name no kiosk device")
        self.kiosk = self.credentials.devices[kiosks[0]]
        day = business_day(self.config, self.now())
        closing = at_local(self.config, day, self.config.hours.closing)
        self.until = at_local(self.config, day, datetime.strptime(
            self.until_text, "%H:%M").time()) if self.until_text else closing + timedelta(
            minutes=10)
        self._plan_arrivals(day)
        clerks = 0
        for window in self.config.windows:
            staff = [s["username"] for s in self.config.staff
                     if s.get("window") == str(window.id) and s.get("username")
                     in self.credentials.users]
            if staff:
                Clerk(self, window.id, staff[0], day).plan()
                clerks += 1
        log.info("simulating %s at %s× until %s: %d windows staffed, about %d tickets",
                 day, self.speed, self.until.strftime("%H:%M"), clerks, self.tickets)

    def _plan_arrivals(self, day: Any) -> None:
        services = self.config.services
        weights = [s.daily_cap for s in services]
        total = sum(ARRIVALS_BY_HOUR.values())
        now = self.now()
        for hour, share in ARRIVALS_BY_HOUR.items():
            start = at_local(self.config, day, datetime.min.time()) + timedelta(hours=hour)
            count = self.tickets * share / total * self.random.uniform(0.85, 1.15)
            for _ in range(round(count)):
                moment = start + timedelta(seconds=self.random.uniform(0, 3600))
                if now <= moment < self.until:
                    service = self.random.choices(services, weights)[0].id
                    self.at(moment, functools.partial(self.arrive, service))

    def arrive(self, service: str) -> None:
        if self.balk and self.balks_at(service):
            self.stats.balked += 1
            return
        body: dict[str, Any] = {"service": service}

        if self.config.priority_classes and self.random.random() < 0.06:
            body["priority"] = self.random.choice(self.config.priority_classes).id
        if self.call("POST", "/api/v1/tickets", self.kiosk, body) is not None:
            self.stats.issued += 1

    def balks_at(self, service: str) -> bool:
        """Read the kiosk's tile of `service` (GET /services): leave if its wait is long."""
        services = self.call("GET", "/api/v1/services", self.kiosk) or {}
        listed = services.get("services", [])
        tile = next((s for s in listed if isinstance(s, dict) and s.get("id") == service), {})
        wait = tile.get("wait") or {}
        shown = wait.get("minutes") if wait.get("state") in ("queue", "resumes") else None
        return balks(self.random, shown, self.random.uniform(*PATIENCE_MINUTES))

    # ------------------------------------------------------------------ running

    def run(self) -> Stats:
        """Play the day until `--until` (or `stop()`), pacing by the hub's clock."""
        self.prepare()
        last_sync = time.monotonic()
        while self._queue and not self.stopped.is_set():
            action = self._queue[0]
            if action.at >= self.until:
                break
            ahead = (action.at - self.now()).total_seconds() / self.speed
            if ahead > 0:
                self.stopped.wait(min(ahead, 0.5))
                if time.monotonic() - last_sync > 30:
                    self.sync_clock()
                    last_sync = time.monotonic()
                continue
            heapq.heappop(self._queue).run()
        log.info("simulation done: %s", self.stats)
        return self.stats

    def stop(self) -> None:
        self.stopped.set()

    def rating(self) -> int:
        roll, total = self.random.random(), 0.0
        for level, share in RATINGS:
            total += share
            if roll < total:
                return level
        return 5


class Clerk:
    """One window's clerk through the day: a small state machine on the action queue."""

    def __init__(self, sim: Simulation, window: int, username: str, day: Any) -> None:
        self.sim, self.window, self.username, self.day = sim, window, username, day
        self.token = ""
        self.ticket: dict[str, Any] | None = None
        self.leaving = False
        self.pauses = sim.random.randint(0, 2)
        self.speed = sim.random.lognormvariate(0.0, 0.25)  # some clerks are quicker

    def act(self, action: str, **body: Any) -> dict[str, Any] | None:
        return self.sim.call("POST", f"/api/v1/windows/{self.window}/{action}", self.token,
                             body or None)

    def plan(self) -> None:
        sim, spans = self.sim, self.sim.config.hours.spans
        late = sim.random.random() < 0.2
        for index, (start, end) in enumerate(spans):
            begin = at_local(sim.config, self.day, start) + timedelta(
                minutes=sim.random.uniform(3, 15) if late and index == 0
                else sim.random.uniform(-8, 0))
            # Most leave at the end of a span (after their last citizen); a few leave early.
            early = index == len(spans) - 1 and sim.random.random() < 0.15
            finish = at_local(sim.config, self.day, end) + timedelta(
                minutes=-sim.random.uniform(8, 25) if early else sim.random.uniform(0, 4))
            if finish <= sim.now():
                continue
            sim.at(max(begin, sim.now()), self.sign_in)
            sim.at(finish, self.leave)

    def sign_in(self) -> None:
        self.token = self.sim.login(self.username)
        self.leaving = False
        if self.act("sign-in") is not None:
            self.sim.after(self.sim.random.uniform(0.2, 1), self.next)

    def leave(self) -> None:
        self.leaving = True
        if self.ticket is None:
            self.act("sign-out")

    def next(self) -> None:
        """Idle at the window: pause now and then, else call the next citizen."""
        sim = self.sim
        if self.leaving:
            self.act("sign-out")
            return
        if self.pauses and sim.random.random() < 0.03:
            self.pauses -= 1
            if self.act("pause", reason=sim.random.choice(("临时离开", "会议"))) is not None:
                sim.after(sim.random.uniform(5, 12), self.reopen)
                return
        answer = self.act("call-next")
        self.ticket = answer["ticket"] if answer else None
        if self.ticket is None:
            sim.after(sim.random.uniform(0.5, 1.5), self.next)
        elif sim.random.random() < 0.06:  # nobody comes: recall, then 过号
            sim.after(sim.random.uniform(1, 2), self.recall)
        else:
            sim.after(sim.random.uniform(0.3, 1.2), self.start)

    def reopen(self) -> None:
        self.act("open")
        self.next()

    def recall(self) -> None:
        self.act("recall")
        self.sim.after(self.sim.random.uniform(1, 2), self.no_show)

    def no_show(self) -> None:
        if self.act("no-show") is not None:
            self.sim.stats.no_shows += 1
        self.ticket = None
        self.next()

    def start(self) -> None:
        sim = self.sim
        assert self.ticket is not None
        self.act("start")
        service = sim.config.service(self.ticket["service"])
        typical = service.handling_minutes if service else 8.0
        sim.after(handling_minutes(sim.random, typical, self.speed), self.finish)

    def finish(self) -> None:
        sim, ticket = self.sim, self.ticket
        assert ticket is not None
        roll = sim.random.random()
        others = [s.id for s in sim.config.services if s.id != ticket["service"]]
        if roll < 0.04 and others:
            if self.act("transfer", to_service=sim.random.choice(others),
                        note="需其他部门办理") is not None:
                sim.stats.transfers += 1
        elif roll < 0.07:
            if self.act("suspend", reason="缺少材料") is not None:
                sim.stats.suspended += 1
                number = ticket["number"]
                sim.after(sim.random.uniform(10, 25), functools.partial(self.resume, number))
        elif self.act("complete") is not None:
            sim.stats.completed += 1
            self.rate(ticket["number"])
        self.ticket = None
        sim.after(sim.random.uniform(0.2, 0.8), self.next)

    def resume(self, number: str) -> None:
        self.act("resume", ticket=number)  # back at the front, for this window

    def rate(self, number: str) -> None:
        """The pad of this window rates the visit it just saw, by its number."""
        sim = self.sim
        pad = sim.credentials.devices.get(f"pad-{self.window}")
        if pad is None or sim.random.random() > 0.75:
            return
        level = sim.rating()
        body: dict[str, Any] = {"number": number, "level": level}
        if level <= 2:
            body["aspects"] = [sim.random.choice(ASPECTS)]
            body["reason"] = sim.random.choice(REASONS)
            sim.stats.bad += 1
        if sim.call("POST", f"/api/v1/windows/{self.window}/rating", pad, body) is not None:
            sim.stats.rated += 1


def main(args: Any) -> int:
    """`jiaohao simulate`: play one day against the hub at --hub; prints what it did."""
    simulation = Simulation(args.hub, Credentials.load(args.credentials), tickets=args.tickets,
                            until=args.until, seed=args.seed,
                            balk=getattr(args, "balk", False))
    stats = simulation.run()
    print(json.dumps(stats.__dict__))
    return 0
