"""The wait estimator (预计等待), as pure functions of the state and the moment.

`wait_estimate` is what every screen shows. It is a queue-length estimator
(Ibrahim & Whitt's QL family: the wait of the (k+1)-th in line is the time the
windows need for k+1 more calls) with two things the plain one lacks:

- capacity from *observed* throughput: each staffed window's calls per minute
  (its recent call-to-call cycles, idle time capped; the configured handling
  times are the prior while it has few), split between the services a shared
  window serves by the observed share of its recent calls (a 综合窗口 serving six
  services gives each only part of its time);
- the opening schedule as time-varying capacity: windows paused or signed out
  give nothing (a paused one is expected back after a short while), nothing is
  served between the spans (lunch), after closing nothing at all; at the next
  opening the windows staffed today are expected back.

The answer is honest about what it does not know: `state` says whether a window
serving the service is idle now (0 means that, and only that), whether nobody is
staffed for it, whether the hall is closed until `resumes_at`, and `low`/`high`
give a range that widens with the uncertainty; `after_closing` says the ticket
would likely not be called before closing.

The other estimators (`plain_eta`, `hol_eta`, `les_eta`) are kept for the
evaluation (`jiaohao bench --only eta`) that chose this one.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from hub.domain.calendar import at_local, business_day, is_working_day, local
from hub.domain.config import CenterConfig, Window
from hub.domain.model import WAITING, WINDOW_OPEN, WINDOW_PAUSED, CoreState, WindowState
from hub.domain.routing import earliest_arrival, position_key, priority_tickets

# The states a wait is shown in.
NOW = "now"  # a window serving it is open and idle: 马上办理
QUEUE = "queue"  # windows are serving it: about N minutes
NO_WINDOW = "no_window"  # opening hours, yet no window serving it is staffed
RESUMES = "resumes"  # outside the opening spans (lunch, before opening): from resumes_at
CLOSED = "closed"  # after closing or a day off: no estimate today

# A paused or signed-out window (or one expected and not yet come) is assumed back
# after this long; with nobody staffed for a service the number is not shown.
PAUSE_RETURN_MINUTES = 10.0
# Until this long after the first opening, a window nobody signed in to yet is expected.
LATE_CLERK_MINUTES = 30.0
# The service's observed throughput: looked at over at most this long (while its
# queue was never empty), with this many minutes of the expected capacity as prior.
OBSERVED_HORIZON_MINUTES = 60.0
OBSERVED_PRIOR_MINUTES = 20.0
# ... leaving out the first minutes of a span (the calls made at once at the opening).
SPAN_START_MINUTES = 3.0
# Pseudo-observations of the prior (configured handling times) in a window's rate.
PRIOR_CALLS = 3.0
# The overhead of a call on top of the handling time (calling, walking up, the gap).
CALL_OVERHEAD_MINUTES = 1.0
# Busy windows: the first of them frees up, on average, this fraction of a
# cycle after now (a residual service time, shared among the windows).
FIRST_CALL_FRACTION = 0.45


@dataclass(frozen=True)
class WaitEstimate:
    state: str
    minutes: float | None  # central estimate (None: not known at all)
    low: int | None = None
    high: int | None = None
    resumes_at: datetime | None = None
    after_closing: bool = False

    @property
    def rounded(self) -> int | None:
        return None if self.minutes is None else max(0, math.ceil(self.minutes - 0.25))

    def to_dict(self) -> dict[str, object]:
        """The wire form: what screens show (see assets/js/jiaohao.js waitText)."""
        shown = self.state in (NOW, QUEUE, RESUMES)
        return {
            "state": self.state,
            "minutes": self.rounded if shown else None,
            "low": self.low if shown else None,
            "high": self.high if shown else None,
            "resumes_at": self.resumes_at.isoformat() if self.resumes_at else None,
            "after_closing": self.after_closing,
        }


# --------------------------------------------------------------------------- the plain one


def estimate_wait_minutes(ahead: int, handling_minutes: float, windows: int) -> int:
    """People ahead × handling time ÷ windows serving them, rounded up to a minute."""
    if ahead <= 0:
        return 0
    return math.ceil(ahead * handling_minutes / max(windows, 1))


def recent_handling_minutes(samples: Iterable[float], default_minutes: float) -> float:
    """The mean of recent handling times (seconds), or the configured default."""
    values = list(samples)
    if not values:
        return default_minutes
    return sum(values) / len(values) / 60.0


def plain_eta(state: CoreState, config: CenterConfig, service_id: str, ahead: int) -> int:
    """The first estimator (plain queue length): people ahead × recent handling time
    ÷ windows configured for the service that are staffed (or all of them)."""
    service = config.service(service_id)
    assert service is not None
    serving = config.windows_serving(service_id)
    staffed = sum(
        1
        for window in serving
        if (w := state.windows.get(window.id)) is not None
        and w.state in (WINDOW_OPEN, WINDOW_PAUSED)
    )
    minutes = recent_handling_minutes(state.handling.get(service_id, ()), service.handling_minutes)
    return estimate_wait_minutes(ahead, minutes, staffed or len(serving))


# --------------------------------------------------------------------------- capacity


def prior_cycle_minutes(config: CenterConfig, window: Window) -> float:
    """A window's expected minutes per call before it has history: the handling
    times of its services, weighted by the window's weights, plus the overhead."""
    memo = config.derived
    if config.window(window.id) is window and ("prior", window.id) in memo:
        found: float = memo["prior", window.id]
        return found
    total = sum(weight for _, weight in window.services)
    handling = 0.0
    for service_id, weight in window.services:
        service = config.service(service_id)
        handling += weight * (service.handling_minutes if service else 8.0)
    prior = handling / total + CALL_OVERHEAD_MINUTES
    if config.window(window.id) is window:
        memo["prior", window.id] = prior
    return prior


def window_rate(config: CenterConfig, window: Window, observed: WindowState | None) -> float:
    """Calls per minute of a window while it is staffed: its recent cycles, with the
    configured handling times as `PRIOR_CALLS` pseudo-observations."""
    prior = prior_cycle_minutes(config, window)
    cycles = list(observed.cycles) if observed is not None else []
    return (len(cycles) + PRIOR_CALLS) / (sum(cycles) + PRIOR_CALLS * prior)


def window_share(
    state: CoreState, config: CenterConfig, window: Window, service_id: str
) -> float:
    """The share of a window's calls that go to `service_id`: the observed share of
    its recent calls, with as prior each of its services' share of the people
    waiting (counting one more for this one). The routing weights are left out of
    the prior on purpose: they reorder who goes first, but over a morning every
    queue's throughput follows its demand, and the simulated days agreed (the
    weighted prior was 1-3 points worse within tolerance, and worse at lunch)."""
    weight = window.weight(service_id)
    if weight is None:
        return 0.0
    if len(window.services) == 1:
        return 1.0
    waiting = state.waiting
    total = 1  # one more for this service
    for other in window.service_ids:  # a window names a service once
        total += len(waiting.get(other, ()))
    prior = (len(waiting.get(service_id, ())) + 1) / total
    observed = state.windows.get(window.id)
    recent = list(observed.called_services) if observed is not None else []
    return (sum(1 for s in recent if s == service_id) + PRIOR_CALLS * prior) / (
        len(recent) + PRIOR_CALLS
    )


def _capacity(
    state: CoreState, config: CenterConfig, windows: Iterable[Window], service_id: str,
    shares: dict[int, float] | None = None,
) -> float:
    """Calls of `service_id` per minute that `windows` give together (`shares`:
    each window's share, remembered between the calls of one estimate)."""
    shares = {} if shares is None else shares

    def share(w: Window) -> float:
        found = shares.get(w.id)
        if found is None:
            found = shares[w.id] = window_share(state, config, w, service_id)
        return found

    return sum(window_rate(config, w, state.windows.get(w.id)) * share(w) for w in windows)


# --------------------------------------------------------------------------- schedule


def _spans_today(config: CenterConfig, now: datetime) -> list[tuple[datetime, datetime]]:
    day = business_day(config, now)
    found = config.derived.get(("spans", day))
    if found is None:
        found = () if not is_working_day(config.hours, day) else tuple(
            (at_local(config, day, a), at_local(config, day, b)) for a, b in config.hours.spans)
        config.derived["spans", day] = found
    return list(found)


@dataclass(frozen=True)
class _Segment:
    start: datetime
    end: datetime
    capacity: float  # calls per minute


def _profile(
    state: CoreState, config: CenterConfig, service_id: str, now: datetime
) -> tuple[list[_Segment], str, datetime | None, float]:
    """Capacity for `service_id` from now to closing, as segments; the state
    (QUEUE, NO_WINDOW, RESUMES or CLOSED), when serving resumes, and over a
    break the calls made the moment it ends (every window expected back calls
    someone at once: its share of one call for this service)."""
    spans = [(max(a, now), b) for a, b in _spans_today(config, now) if b > now]
    if not spans:
        return [], CLOSED, None, 0.0
    serving = config.windows_serving(service_id)
    opened = [w for w in serving if _status(state, w) == WINDOW_OPEN]
    paused = [w for w in serving if _status(state, w) == WINDOW_PAUSED]
    in_span = spans[0][0] == now
    before_opening = all(b > now for _, b in _spans_today(config, now)) and not in_span
    # Expected after a break: the windows staffed today; until a while after the
    # first opening, also those nobody has signed in to yet (clerks come late).
    today = _spans_today(config, now)
    first_opening = today[0][0] + timedelta(minutes=LATE_CLERK_MINUTES)
    expected = [
        w for w in serving
        if ((s := state.windows.get(w.id)) is not None and s.staffed_today)
        or now < first_opening
    ]
    shares: dict[int, float] = {}
    later = _capacity(state, config, expected, service_id, shares)
    segments: list[_Segment] = []
    first_start, first_end = spans[0]
    if in_span or before_opening:
        # Now (or, signed in early, before opening): the windows open at the moment;
        # those paused, signed out or not yet come (if expected) after a while.
        now_capacity = _capacity(state, config, opened, service_id, shares)
        back = now + timedelta(minutes=PAUSE_RETURN_MINUTES)
        if in_span:
            segments.append(_Segment(now, min(back, first_end), now_capacity))
            segments.append(_Segment(back, first_end, max(later, now_capacity)))
            status = QUEUE if opened or paused else NO_WINDOW
        else:  # before opening: serving if signed in early, and everyone expected from opening
            segments.append(_Segment(now, first_start, now_capacity))
            segments.append(_Segment(first_start, first_end, max(later, now_capacity)))
            status = RESUMES
        rest = spans[1:]
        resumes = None if in_span else first_start
    instant = 0.0
    if not (in_span or before_opening):
        status, resumes, rest = RESUMES, first_start, spans
        instant = sum(shares[w.id] for w in expected)  # each found for `later`
    segments += [_Segment(a, b, later) for a, b in rest]
    factor = _observed_factor(state, config, service_id, now, later)
    segments = [_Segment(s.start, s.end, s.capacity * factor) for s in segments
                if s.end > s.start]
    if not any(s.capacity > 0 for s in segments):
        status = NO_WINDOW  # nobody serves it now, nor is expected to today
    return segments, status, resumes, instant


def _open_minutes(config: CenterConfig, start: datetime, end: datetime) -> float:
    """Minutes of opening spans between `start` and `end`."""
    total = 0.0
    for a, b in _spans_today(config, end):
        overlap = (min(b, end) - max(a, start)).total_seconds() / 60
        total += max(overlap, 0.0)
    return total


def _observed_factor(
    state: CoreState, config: CenterConfig, service_id: str, now: datetime, expected: float
) -> float:
    """How the service's observed throughput compares with what the windows were
    expected to give: its calls since the head of its queue arrived (the queue was
    never empty since, so they measure capacity, not demand), per open minute,
    over the capacity of the windows staffed today; `OBSERVED_PRIOR_MINUTES` of
    the expected capacity as prior."""
    if expected <= 0:
        return 1.0
    head = earliest_arrival(state, config, service_id)  # every ticket in a queue waits
    if head is None:
        return 1.0
    start = max(head, now - timedelta(minutes=OBSERVED_HORIZON_MINUTES))
    # Only the current span, less its first minutes: every window back from a
    # break calls someone at once (the queue built up meanwhile), not a rate.
    for a, b in _spans_today(config, now):
        if a <= now < b:
            start = max(start, a + timedelta(minutes=SPAN_START_MINUTES))
    if start >= now:
        return 1.0
    minutes = _open_minutes(config, start, now)
    calls = sum(1 for at in state.service_calls.get(service_id, ()) if start <= at <= now)
    return (calls / expected + OBSERVED_PRIOR_MINUTES) / (minutes + OBSERVED_PRIOR_MINUTES)


def _status(state: CoreState, window: Window) -> str | None:
    observed = state.windows.get(window.id)
    return observed.state if observed is not None and observed.clerk is not None else None


def _idle_windows(state: CoreState, config: CenterConfig, service_id: str) -> int:
    return sum(
        1
        for w in config.windows_serving(service_id)
        if (s := state.windows.get(w.id)) is not None
        and s.clerk is not None
        and s.state == WINDOW_OPEN
        and s.ticket is None
    )


def _time_for(calls: float, segments: list[_Segment], now: datetime) -> tuple[float, bool]:
    """Minutes from now until `calls` more calls have been made under the capacity
    profile; and whether that is after closing (then extrapolated past it)."""
    remaining = calls
    last_capacity = 0.0
    for segment in segments:
        length = (segment.end - segment.start).total_seconds() / 60
        if segment.capacity > 0:
            last_capacity = segment.capacity
            if segment.capacity * length >= remaining:
                begin = (segment.start - now).total_seconds() / 60
                return begin + remaining / segment.capacity, False
            remaining -= segment.capacity * length
    end = (segments[-1].end - now).total_seconds() / 60 if segments else 0.0
    return end + remaining / max(last_capacity, 1e-3), True


def _range(minutes: float, calls: float) -> tuple[int, int]:
    """A range around the estimate: ±20 % plus a part that shrinks as more calls
    average out (the spread of a sum of `calls` cycles), at least ±2 minutes."""
    spread = minutes * (0.2 + 0.5 / math.sqrt(max(calls, 1.0)))
    spread = max(spread, 2.0)
    return max(0, math.floor(minutes - spread)), math.ceil(minutes + spread)


@dataclass(frozen=True)
class _Overtaking:
    """What passes an ordinary ticket: booked appointments of the service falling
    due (they are called first; due moments, sorted) and priority tickets at the
    rate they have come today (per minute)."""

    due: tuple[datetime, ...]
    priority_rate: float

    def within(self, now: datetime, minutes: float) -> float:
        until = now + timedelta(minutes=minutes)
        return sum(1 for at in self.due if now < at <= until) + self.priority_rate * minutes


def _overtaking(
    state: CoreState, config: CenterConfig, service_id: str, now: datetime
) -> _Overtaking:
    early = timedelta(minutes=config.queue.appointment_early_minutes)
    day = business_day(config, now)
    due = tuple(sorted(
        at_local(config, day, a.slot_start) - early + timedelta(minutes=5)
        for a in state.appointments.values()
        if a.service == service_id and a.status == "booked" and a.day == day
    ))
    opening = at_local(config, day, config.hours.opening) - timedelta(
        minutes=config.hours.issue_early_minutes)
    elapsed = (now - opening).total_seconds() / 60
    priority = priority_tickets(state, config, service_id)
    return _Overtaking(due, priority / elapsed if elapsed > 30 else 0.0)


class ServiceWaits:
    """The waits of one service's queue at one moment: the capacity profile, idle
    windows and what overtakes are worked out once, then `at(ahead)` per place (the
    phones following many tickets of a queue cost one profile, not one each)."""

    def __init__(
        self, state: CoreState, config: CenterConfig, service_id: str, now: datetime,
        *, replay: bool = False,
    ) -> None:
        self.now = now
        self.fixed: WaitEstimate | None = None
        self.replay: RoutingReplay | None = None
        if not config.windows_serving(service_id):
            self.fixed = WaitEstimate(NO_WINDOW, None)
            return
        self.segments, self.status, self.resumes, self.instant = _profile(
            state, config, service_id, now)
        if self.status == CLOSED:
            self.fixed = WaitEstimate(CLOSED, None, after_closing=True)
        elif not any(s.capacity > 0 for s in self.segments):
            self.fixed = WaitEstimate(NO_WINDOW, None)
        else:
            self.idle = _idle_windows(state, config, service_id) if self.status == QUEUE else 0
            self.overtaking = _overtaking(state, config, service_id, now)
            if replay:
                self.state, self.config, self.service = state, config, service_id
                self.more: dict[int, RoutingReplay] = {}
                self.replay = RoutingReplay(state, config, now, extra=service_id,
                                            only=service_id)
                self.queue = [t.id for t in sorted(state.waiting_in(service_id),
                                                   key=lambda t: position_key(config, t))]

    def at(self, ahead: int, *, overtaken: bool = True, ticket: str | None = None
           ) -> WaitEstimate:
        """The wait of the place after `ahead` others (of `ticket`, when it is
        known: a ticket sent to one window is not in its service's queue)."""
        if self.fixed is not None:
            return self.fixed
        ahead = max(ahead, 0)
        base = float(ahead + 1)
        if self.status == QUEUE:
            if self.idle > ahead:
                return WaitEstimate(NOW, 0.0, 0, 0)
            base -= self.idle
            if not self.idle:
                base -= 1 - FIRST_CALL_FRACTION
        else:  # after a break every window expected back calls someone at once
            base = max(base - self.instant, 0.0)
        if self.replay is not None:
            replay = self.replay
            if ticket is None and ahead < len(self.queue):
                ticket = self.queue[ahead]
            elif ticket is None:  # beyond the queue: as if the places between were taken
                extras = ahead - len(self.queue) + 1
                if extras > 1:
                    replay = self.more.get(extras) or self.more.setdefault(extras, RoutingReplay(
                        self.state, self.config, self.now, extra=self.service,
                        only=self.service, extras=extras))
                ticket = "+"
            replayed = replay.minutes(ticket)
            if replayed is not None:
                low, high = _range(replayed, base)
                return WaitEstimate(self.status, replayed, low, high, self.resumes, False)
            # Not called before closing in the replay: the capacity one extrapolates.
        calls = base
        minutes, late = _time_for(calls, self.segments, self.now)
        if overtaken:
            for _ in range(3):  # a fixed point: more wait, more are put ahead
                calls = base + self.overtaking.within(self.now, minutes)
                minutes, late = _time_for(calls, self.segments, self.now)
        low, high = _range(minutes, calls)
        late = late or self.replay is not None
        return WaitEstimate(self.status, minutes, low, high, self.resumes, late)


def wait_estimate(
    state: CoreState, config: CenterConfig, service_id: str, ahead: int, now: datetime,
    *, overtaken: bool = True, ticket: str | None = None, replay: bool = False,
) -> WaitEstimate:
    """The wait of a ticket of `service_id` with `ahead` people before it, at `now`
    (also for a ticket about to be taken: `ahead` = those waiting). `overtaken`:
    an ordinary ticket, which appointments falling due and priority tickets pass.
    `replay=True`: the routing replay (`RoutingReplay`) where windows serve it now:
    closer on the simulated days, but not yet what screens show, since it does not
    keep the staffing property (a window opening can, through the routing, make
    another service's estimate longer; see the README's performance section)."""
    return ServiceWaits(state, config, service_id, now, replay=replay).at(
        ahead, overtaken=overtaken, ticket=ticket)


def service_eta(
    state: CoreState, config: CenterConfig, service_id: str, ahead: int,
    now: datetime | None = None,
) -> int:
    """Minutes until `ahead` people of `service_id` have been served (a number for
    old callers: 0 when not known). Prefer `wait_estimate`."""
    found = wait_estimate(state, config, service_id, ahead, now or state_now(state, config))
    return found.rounded or 0


def state_now(state: CoreState, config: CenterConfig) -> datetime:
    """The latest moment the state has seen, for callers that give no `now`."""
    if state.at is not None:
        return state.at
    day = state.business_day or date(2000, 1, 1)
    return at_local(config, day, config.hours.opening)


# --------------------------------------------------------------------------- delay history


def hol_eta(
    state: CoreState, config: CenterConfig, service_id: str, ahead: int, now: datetime
) -> float | None:
    """Head-of-line (Ibrahim & Whitt's HOL, refined): with k waiting before the
    ticket, the head of the line has waited w; k arrived in w, and as many were
    served, so the (k+1)-th waits (k+1)/k × w. None with nobody ahead."""
    queue = [t for t in state.waiting_in(service_id) if t.status == WAITING]
    if ahead <= 0 or not queue:
        return None
    head = min(t.queue_at or t.issued_at for t in queue)
    waited = max((now - head).total_seconds() / 60, 0.0)
    return (ahead + 1) / min(ahead, len(queue)) * waited


def les_eta(
    state: CoreState, config: CenterConfig, service_id: str, ahead: int, now: datetime
) -> float | None:
    """Last-to-enter-service (LES): the wait of the last ticket of the service called."""
    last = state.last_called.get(service_id)
    if last is None:
        return None
    return last[1] / 60


def local_hour(config: CenterConfig, at: datetime) -> float:
    moment = local(config, at)
    return moment.hour + moment.minute / 60


# --------------------------------------------------------------------------- the routing replay

# What a clerk already busy for longer than expected still needs, as a share of a
# cycle (a heavy-tailed handling time: the longer it has run, the longer it runs).
OVERRUN_FRACTION = 0.35
# Walk-ins of each service are expected to keep coming at their rate over this
# many recent minutes (they compete for the shared windows).
ARRIVAL_HORIZON_MINUTES = 45.0
# An appointment not yet checked in is expected this long before its slot.
APPOINTMENT_ARRIVAL_MINUTES = 7.5


@dataclass
class _Queued:
    """A waiting ticket as the routing sees it (a real one, or one expected)."""

    ident: str
    service: str
    queue_at: datetime
    order: float
    priority: float | None = None  # the class weight of a priority ticket
    due_at: datetime | None = None
    front: bool = False
    window: int | None = None  # sent to one window by name


def _window_speed(config: CenterConfig, window: Window, observed: WindowState | None,
                  prior: float = 1.0) -> float:
    """How long this window's clerk takes per call against the configured times
    (1.0 = as configured): its recent cycles over what their services should
    have taken, with `PRIOR_CALLS` calls at `prior` (the hall's) as prior."""
    if observed is None or not observed.cycles:
        return prior
    expected = [_service_cycle(config, s) for s in observed.called_services] or [
        prior_cycle_minutes(config, window)]
    mean = sum(expected) / len(expected)
    cycles = list(observed.cycles)
    return (sum(cycles) + PRIOR_CALLS * mean * prior) / ((len(cycles) + PRIOR_CALLS) * mean)


def _hall_speed(state: CoreState, config: CenterConfig) -> float:
    """The speed of all windows pooled (1.0 = as configured, `PRIOR_CALLS` calls
    as prior): the prior of a window with little history of its own."""
    taken = expected = 0.0
    count = 0
    for window in config.windows:
        observed = state.windows.get(window.id)
        if observed is None or not observed.cycles:
            continue
        services = [_service_cycle(config, s) for s in observed.called_services] or [
            prior_cycle_minutes(config, window)]
        mean = sum(services) / len(services)
        taken += sum(observed.cycles)
        expected += len(observed.cycles) * mean
        count += len(observed.cycles)
    unit = expected / count if count else 1.0
    return (taken + PRIOR_CALLS * unit) / (expected + PRIOR_CALLS * unit)


def _service_cycle(config: CenterConfig, service_id: str) -> float:
    service = config.service(service_id)
    return (service.handling_minutes if service else 8.0) + CALL_OVERHEAD_MINUTES


class _Line:
    """One queue of the replay (a service's, or a window's by name), by the
    routing's categories, each kept in the order the routing takes them."""

    def __init__(self) -> None:
        self.front: list[tuple[datetime, float, _Queued]] = []
        self.booked: list[tuple[datetime, datetime, float, _Queued]] = []  # by due moment
        self.priority: list[tuple[float, datetime, float, _Queued]] = []
        self.ordinary: list[tuple[datetime, float, _Queued]] = []  # first come, first served

    def add(self, q: _Queued) -> None:
        if q.front:
            bisect.insort(self.front, (q.queue_at, q.order, q), key=lambda e: e[:2])
        elif q.due_at is not None:
            bisect.insort(self.booked, (q.due_at, q.queue_at, q.order, q), key=lambda e: e[:3])
        elif q.priority is not None:
            bisect.insort(self.priority, (-q.priority, q.queue_at, q.order, q),
                          key=lambda e: e[:3])
        else:
            bisect.insort(self.ordinary, (q.queue_at, q.order, q), key=lambda e: e[:2])


class RoutingReplay:
    """Ibrahim & Whitt's queue-length predictor, taken to a hall with shared
    windows, priorities and a schedule: the windows' calls are replayed forward
    from `now` by the routing rules themselves (`hub.domain.routing`: front,
    appointments due, priority with its ratio, weighted waiting time across a
    shared window's services), each call taking the expected cycle of its
    service at that window's observed speed, windows following the schedule
    (busy ones free when their citizen is expected to be done, paused or
    expected ones after a while, nothing between the spans, nothing after
    closing), with the appointments still to check in and the walk-ins still
    to come (at each service's recent rate) competing for the shared windows.
    The expected moment each waiting ticket is called is its estimate: the
    share of a shared window a service gets follows from the queues as they
    are, not from a fixed split. `extra`: a ticket of that service about to be
    taken (`extras` of them; the last one's id in the answer is "+"); `only`:
    the replay may stop once the tickets of that service have been called."""

    def __init__(self, state: CoreState, config: CenterConfig, now: datetime,
                 extra: str | None = None, *, only: str | None = None,
                 extras: int = 1) -> None:
        self.config, self.now = config, now
        self.cycles = {s.id: _service_cycle(config, s.id) for s in config.services}
        self.spans = [(a, b) for a, b in _spans_today(config, now) if b > now]
        self.calls: dict[str, datetime] = {}
        self.lines: dict[str, _Line] = {}
        tracked: set[str] = set()
        for ids in state.waiting.values():
            for ticket_id in ids:
                t = state.tickets[ticket_id]
                weight = None
                if t.priority is not None:
                    found = config.priority(t.priority)
                    weight = found.weight if found else 1.0
                self._add(_Queued(t.id, t.service, t.queue_at or t.issued_at, t.order,
                                  weight, t.due_at, t.front, t.target_window))
                if only is None or t.service == only:
                    tracked.add(t.id)
        if extra is not None:  # tickets about to be taken: "+" is the last of them
            for index in range(extras):
                ident = "+" if index == extras - 1 else f"+{index}"
                self._add(_Queued(ident, extra, now, math.inf - extras + index))
                tracked.add(ident)
        if not self.spans or not tracked:
            return
        self._plan_arrivals(state)
        self._run(state, tracked)

    def _add(self, q: _Queued) -> None:
        key = f"window:{q.window}" if q.window is not None else q.service
        self.lines.setdefault(key, _Line()).add(q)

    # ------------------------------------------------------------------ who comes

    def _plan_arrivals(self, state: CoreState) -> None:
        """Appointments still to check in (at their moment), and per service the
        walk-ins to come: one every `gap` minutes (the recent rate), every
        1/`share`-th of them a priority one."""
        config, now = self.config, self.now
        end = self.spans[-1][1]
        early = timedelta(minutes=config.queue.appointment_early_minutes)
        day = business_day(config, now)
        booked: list[_Queued] = []
        for a in state.appointments.values():
            if a.status != "booked" or a.day != day:
                continue
            due = at_local(config, day, a.slot_start)
            at = max(due - timedelta(minutes=APPOINTMENT_ARRIVAL_MINUTES), now)
            if at < end and due + early > now:
                booked.append(_Queued(f"a:{a.id}", a.service, at, math.inf, None, due))
        self.booked = sorted(booked, key=lambda q: q.queue_at)
        self.booked_next = 0
        since = now - timedelta(minutes=ARRIVAL_HORIZON_MINUTES)
        counts: dict[str, int] = {}
        first = now
        walk_ins = priority = 0
        for t in state.tickets.values():
            if t.channel == "appointment":
                continue
            walk_ins += 1
            priority += t.priority is not None
            if t.issued_at > since:
                counts[t.service] = counts.get(t.service, 0) + 1
                first = min(first, t.issued_at)
        self.share = priority / max(walk_ins, 1)
        minutes = (now - first).total_seconds() / 60
        self.gaps: dict[str, float] = {}
        self.coming: dict[str, tuple[datetime, int, float]] = {}  # next moment, k, owed
        if minutes < 10:
            return  # too little seen to tell a rate
        for service_id, count in counts.items():
            self.gaps[service_id] = min(minutes, ARRIVAL_HORIZON_MINUTES) / count
            self._next_walk_in(service_id, now, 0, 0.0)

    def _next_walk_in(self, service_id: str, after: datetime, k: int, owed: float) -> None:
        at = after + timedelta(minutes=self.gaps[service_id])
        start = self._next_start(at)
        if start is None or k > 300:
            self.coming.pop(service_id, None)
        else:
            self.coming[service_id] = (start, k + 1, owed)

    def _arrive_until(self, at: datetime) -> None:
        while self.booked_next < len(self.booked) and self.booked[self.booked_next].queue_at <= at:
            self._add(self.booked[self.booked_next])
            self.booked_next += 1
        for service_id in list(self.coming):
            moment, k, owed = self.coming[service_id]
            while moment <= at:
                owed += self.share
                weight = 1.0 if owed >= 1 else None
                owed -= 1.0 if owed >= 1 else 0.0
                self._add(_Queued(f"w:{service_id}:{k}", service_id, moment, math.inf, weight))
                self._next_walk_in(service_id, moment, k, owed)
                if service_id not in self.coming:
                    break
                moment, k, owed = self.coming[service_id]

    def _next_arrival(self, keys: Iterable[str]) -> datetime | None:
        wanted = set(keys)
        found = [m for s, (m, _, _) in self.coming.items() if s in wanted]
        found += [q.queue_at for q in self.booked[self.booked_next:] if q.service in wanted]
        return min(found) if found else None

    # ------------------------------------------------------------------ the windows

    def _next_start(self, at: datetime) -> datetime | None:
        for a, b in self.spans:
            if at < b:
                return max(at, a)
        return None

    def _pick(self, window: Window, keys: tuple[str, ...], at: datetime,
              streak: int) -> _Queued | None:
        """What `hub.domain.routing.next_ticket` would call at `window` (and removes it)."""
        early = timedelta(minutes=self.config.queue.appointment_early_minutes)
        lines = [(k, line) for k in keys if (line := self.lines.get(k)) is not None]
        best: tuple[object, ...] | None = None
        where: tuple[list[Any], int] | None = None
        for _, line in lines:
            if line.front and (best is None or line.front[0][:2] < best):
                best, where = line.front[0][:2], (line.front, 0)
        if where is None:
            for _, line in lines:
                if line.booked and line.booked[0][0] - early <= at and (
                        best is None or line.booked[0][:3] < best):
                    best, where = line.booked[0][:3], (line.booked, 0)
        if where is None:
            ordinary: list[tuple[float, datetime, float, list[Any], int]] = []
            for key, line in lines:
                weight = window.weight(key) or 1.0
                if line.ordinary:
                    queued, order, _ = line.ordinary[0]
                    ordinary.append((-weight * (at - queued).total_seconds(), queued, order,
                                     line.ordinary, 0))
                for index, (_, queued, order, _) in enumerate(line.booked):
                    ordinary.append((-weight * (at - queued).total_seconds(), queued, order,
                                     line.booked, index))  # booked, not yet due
            heads = [line.priority[0] for _, line in lines if line.priority]
            if heads and (not ordinary or streak < self.config.queue.priority_ratio):
                head = min(heads, key=lambda e: e[:3])
                for _, line in lines:
                    if line.priority and line.priority[0] is head:
                        where = (line.priority, 0)
                        break
            elif ordinary:
                chosen = min(ordinary, key=lambda e: e[:3])
                where = (chosen[3], chosen[4])
        if where is None:
            return None
        entries, index = where
        entry = entries.pop(index)
        found: _Queued = entry[-1]
        return found

    def _run(self, state: CoreState, tracked: set[str]) -> None:
        config, now = self.config, self.now
        today = _spans_today(config, now)
        first_opening = today[0][0] + timedelta(minutes=LATE_CLERK_MINUTES)
        back = now + timedelta(minutes=PAUSE_RETURN_MINUTES)
        hall = _hall_speed(state, config)
        speed: dict[int, float] = {}
        streak: dict[int, int] = {}
        heap: list[tuple[datetime, int]] = []
        for window in config.windows:
            observed = state.windows.get(window.id)
            speed[window.id] = _window_speed(config, window, observed, hall)
            streak[window.id] = observed.priority_streak if observed else 0
            free: datetime
            if observed is not None and observed.clerk is not None:
                if observed.state == WINDOW_OPEN and observed.ticket is None:
                    free = now
                elif observed.state == WINDOW_OPEN and observed.ticket in state.tickets:
                    busy = state.tickets[observed.ticket]
                    cycle = self.cycles.get(busy.service, 9.0) * speed[window.id]
                    began = observed.last_call or now
                    free = max(began + timedelta(minutes=cycle),
                               now + timedelta(minutes=OVERRUN_FRACTION * cycle))
                else:
                    free = back  # paused: back after a while
            elif (observed is not None and observed.staffed_today) or now < first_opening:
                free = back  # expected: after a while (no sooner than one paused now)
            else:
                continue
            heap.append((free, window.id))
        heapq.heapify(heap)
        by_id = {w.id: w for w in config.windows}
        keys = {w.id: (*w.service_ids, f"window:{w.id}") for w in config.windows}
        left = set(tracked)
        steps = 0
        while heap and left and steps < 20000:
            steps += 1
            at, window_id = heapq.heappop(heap)
            start = self._next_start(at)
            if start is None:
                continue  # closed: this window calls nobody more today
            if start > at:
                heapq.heappush(heap, (start, window_id))
                continue
            self._arrive_until(at)
            window = by_id[window_id]
            chosen = self._pick(window, keys[window_id], at, streak[window_id])
            if chosen is None:  # idle until someone it serves comes
                upcoming = self._next_arrival(keys[window_id])
                if upcoming is not None:
                    heapq.heappush(heap, (max(upcoming, at + timedelta(seconds=1)), window_id))
                continue
            if not chosen.front and not (chosen.due_at is not None
                                         and chosen.due_at - timedelta(
                                             minutes=config.queue.appointment_early_minutes)
                                         <= at):
                streak[window_id] = streak[window_id] + 1 if chosen.priority is not None else 0
            self.calls[chosen.ident] = at
            left.discard(chosen.ident)
            cycle = self.cycles.get(chosen.service, 9.0) * speed[window_id]
            heapq.heappush(heap, (at + timedelta(minutes=cycle), window_id))

    def minutes(self, ident: str) -> float | None:
        """Minutes from now until `ident` is called, or None: not before closing."""
        at = self.calls.get(ident)
        return None if at is None else max((at - self.now).total_seconds() / 60, 0.0)


def replay_eta(state: CoreState, config: CenterConfig, ticket_id: str,
               now: datetime) -> float | None:
    return RoutingReplay(state, config, now).minutes(ticket_id)
