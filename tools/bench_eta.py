"""`jiaohao bench --only eta`: how far off each wait estimator is, on simulated days.

Each day is `tools.daysim.DaySim` (the pure rules on a simulated clock, seeded).
At every walk-in ticket's issue every estimator is asked for that ticket's wait;
the actual wait is from issue to its first call. Per estimator it prints the
median absolute error, its P90, the bias (mean of estimate − actual: negative
is too short) and the share within tolerance (20 % of the actual wait, or
2 minutes for waits under 10 minutes), for the whole day and by hour band.

Tickets never called (the holder left and the day ended, or closed out) have
no actual wait: they are counted apart (`uncalled`), with how many the
estimator had flagged as likely after closing. What the kiosk shows (and so
what balking citizens read) is the estimator named by `shown`.

The `oracle` rows are not estimators a screen could use: for 1 walk-in in 6
the rest of the day is replayed 8 times from the issue moment with the
simulator's own parameters (see `Oracle`); they are the ceiling, what any
estimator could reach here. `--no-oracle` leaves them out (they take minutes).
"""

from __future__ import annotations

import heapq
import json
import pickle
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hub.domain import events as ev
from hub.domain.config import CenterConfig
from hub.domain.estimate import (
    hol_eta,
    les_eta,
    local_hour,
    plain_eta,
    wait_estimate,
)
from hub.domain.routing import ahead_of
from hub.domain.state import CenterState
from tools.daysim import DaySim, SimClerk, SimParams, demo_config

BANDS = (("08-09", 0, 9), ("09-11", 9, 11), ("11-12", 11, 12), ("lunch", 12, 13.5),
         ("afternoon", 13.5, 24))

Fn = Callable[[CenterState, CenterConfig, str, int, datetime], "float | None"]


def _plain(state: CenterState, config: CenterConfig, service: str, ahead: int,
           now: datetime) -> float | None:
    return float(plain_eta(state, config, service, ahead))


def _capacity(state: CenterState, config: CenterConfig, service: str, ahead: int,
              now: datetime) -> float | None:
    return wait_estimate(state, config, service, ahead, now).minutes


def _replay(state: CenterState, config: CenterConfig, service: str, ahead: int,
            now: datetime) -> float | None:
    return wait_estimate(state, config, service, ahead, now, replay=True).minutes


def _hol(state: CenterState, config: CenterConfig, service: str, ahead: int,
         now: datetime) -> float | None:
    found = hol_eta(state, config, service, ahead, now)
    return found if found is not None else _capacity(state, config, service, ahead, now)


def _les(state: CenterState, config: CenterConfig, service: str, ahead: int,
         now: datetime) -> float | None:
    found = les_eta(state, config, service, ahead, now)
    return found if found is not None else _capacity(state, config, service, ahead, now)


def _blend(state: CenterState, config: CenterConfig, service: str, ahead: int,
           now: datetime) -> float | None:
    """Capacity and head-of-line averaged while windows serve it now; the capacity
    one alone across a break (HOL does not know the schedule)."""
    estimate = wait_estimate(state, config, service, ahead, now)
    hol = hol_eta(state, config, service, ahead, now)
    if estimate.minutes is None or hol is None or estimate.state != "queue":
        return estimate.minutes
    return (estimate.minutes + hol) / 2


ESTIMATORS: dict[str, Fn] = {
    "plain": _plain,  # (1) today's queue length × configured handling ÷ windows
    "capacity": _capacity,  # (2) observed throughput of shared windows + schedule (chosen)
    "replay": _replay,  # (3) the routing replayed forward at observed speeds (candidate)
    "hol": _hol,  # (4) Ibrahim & Whitt head-of-line, refined
    "les": _les,  # (5) last to enter service
    "blend": _blend,  # (6) (2) and (4) averaged
}
CHOSEN = "capacity"
# Not estimators a screen could use: they read the simulator (see `oracle_waits`).
ORACLES = ("oracle", "oracle-tol")


@dataclass
class Sample:
    service: str
    hour: float
    estimates: dict[str, float | None]
    actual: float | None = None
    after_closing: bool = False
    ahead: int = 0
    ticket: str = ""


@dataclass
class DayResult:
    samples: list[Sample] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Oracle:
    """The ceiling: what an estimator could reach that knew the simulator itself.

    At a walk-in's issue the simulated day is copied `runs` times and each copy
    plays the rest of the day with a fresh random stream, until that ticket is
    called. The copies know what no estimator on a screen can: every clerk's true
    speed, the true handling-time distribution, the appointments that will check
    in, when each clerk will sign in and leave, the walk-ins still to come (their
    moments and services; whether they balk is drawn afresh). They do not know
    the realised future handling times: those are drawn afresh too, also for
    the citizens being served at the moment (from the true distribution, given
    how long they have been at the window). With more than any estimator knows,
    its share within tolerance is an upper bound of what one can reach here.

    Two point estimates from the same copies: `oracle` the median of the
    replayed waits (the best for the absolute error), `oracle-tol` the replayed
    wait whose tolerance band holds most of the others (the best for the share
    within tolerance). Only every `every`-th walk-in is replayed (it is slow)."""

    runs: int = 8
    every: int = 6


def _tolerance_point(waits: list[float]) -> float:
    """The estimate e that most of `waits` are within tolerance of (|e - w| <=
    max(2, 0.2 w)), among the waits themselves; ties to the median-most."""
    ordered = sorted(waits)
    middle = (len(ordered) - 1) / 2

    def hits(e: float) -> int:
        return sum(1 for w in ordered if abs(e - w) <= tolerance(w))

    best = max(range(len(ordered)), key=lambda i: (hits(ordered[i]), -abs(i - middle)))
    return ordered[best]


def _fresh_service_times(sim: DaySim) -> None:
    """Redraw when each citizen at a window now is done (from the true handling
    time distribution, given how long they have been there): the copy must not
    know the realised handling time the original drew at the start."""
    for action in sim._queue:
        run = action.run
        if getattr(run, "__func__", None) is not SimClerk.finish:
            continue
        clerk: SimClerk = run.__self__  # type: ignore[attr-defined]
        assert clerk.ticket is not None
        ticket = sim.state.tickets[clerk.ticket]
        started = ticket.started_at or sim.now
        elapsed = (sim.now - started).total_seconds() / 60
        minutes = elapsed + 0.5  # beyond the distribution's cap: about to be done
        for _ in range(200):
            drawn = sim.handling_minutes(ticket.service, clerk.speed)
            if drawn > elapsed:
                minutes = drawn
                break
        action.at = started + timedelta(minutes=minutes)
    heapq.heapify(sim._queue)


def oracle_waits(sim: DaySim, ticket_id: str, runs: int, until_hour: float = 19.0
                 ) -> list[float]:
    """The replayed waits (minutes from now until `ticket_id` is first called;
    inf: not called before the day ends) of `runs` copies of `sim`."""
    hooks = (sim.shown, sim.on_issue, sim.on_call)
    sim.shown, sim.on_issue, sim.on_call = None, [], []
    try:
        frozen = pickle.dumps(sim, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        sim.shown, sim.on_issue, sim.on_call = hooks
    waits = []
    for run in range(runs):
        copy: DaySim = pickle.loads(frozen)
        copy.shown = sim.shown  # citizens still to come read the kiosk as in the original
        copy.random.seed(f"oracle:{sim.params.seed}:{ticket_id}:{run}")
        _fresh_service_times(copy)
        called: list[datetime] = []

        def seen(_: DaySim, event: ev.TicketCalled, called: list[datetime] = called) -> None:
            if event.ticket == ticket_id:
                called.append(event.at)

        copy.on_call = [seen]
        end = copy._at(copy.params.day, until_hour)
        while copy._queue and not called and copy._queue[0].at < end:
            action = heapq.heappop(copy._queue)
            copy.now = max(copy.now, action.at)
            action.run()
        waits.append((called[0] - sim.now).total_seconds() / 60 if called else float("inf"))
    return waits


def simulate_day(params: SimParams, shown: str = CHOSEN,
                 estimators: dict[str, Fn] | None = None,
                 watch: Callable[[DaySim], None] | None = None,
                 oracle: Oracle | None = None) -> DayResult:
    """One simulated day; every walk-in ticket with each estimator's estimate at
    issue (and, for every `oracle.every`-th, the oracle's)."""
    estimators = estimators or ESTIMATORS
    show = estimators[shown]

    def shown_minutes(state: CenterState, service: str, ahead: int,
                      now: datetime) -> float | None:
        assert state.config is not None
        return show(state, state.config, service, ahead, now)

    sim = DaySim(demo_config(), params, shown=shown_minutes)
    samples: dict[str, Sample] = {}

    def issued(sim: DaySim, event: ev.TicketIssued) -> None:
        if event.channel == "appointment":
            return
        state, config = sim.state, sim.config
        ticket = state.tickets[event.ticket]
        ahead = ahead_of(state, config, ticket)
        found = {name: fn(state, config, event.service, ahead, event.at)
                 for name, fn in estimators.items()}
        flagged = wait_estimate(state, config, event.service, ahead, event.at).after_closing
        if oracle is not None and len(samples) % oracle.every == 0:
            waits = oracle_waits(sim, event.ticket, oracle.runs)
            median = statistics.median(waits)
            found["oracle"] = median if median != float("inf") else None
            called = [w for w in waits if w != float("inf")]
            found["oracle-tol"] = _tolerance_point(called) if len(called) * 2 > len(waits) \
                else None
        samples[event.ticket] = Sample(event.service, local_hour(config, event.at), found,
                                       after_closing=flagged, ahead=ahead,
                                       ticket=event.ticket)

    def called(sim: DaySim, event: ev.TicketCalled) -> None:
        sample = samples.get(event.ticket)
        if sample is not None and sample.actual is None:
            ticket = sim.state.tickets[event.ticket]
            sample.actual = (event.at - ticket.issued_at).total_seconds() / 60

    sim.on_issue.append(issued)
    sim.on_call.append(called)
    if watch is not None:
        watch(sim)  # tests add their own hooks
    stats = sim.run()
    return DayResult(list(samples.values()), dict(stats.__dict__))


def tolerance(actual: float) -> float:
    """Within 20 % of the actual wait, or 2 minutes for waits under 10 minutes."""
    return max(2.0, 0.2 * actual)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def figures(samples: list[Sample], name: str) -> dict[str, Any]:
    pairs = [(s.estimates[name], s.actual) for s in samples
             if s.actual is not None and name in s.estimates]
    known = [(e, a) for e, a in pairs if e is not None]
    if not known:
        return {"n": 0}
    errors = [e - a for e, a in known]
    absolute = [abs(x) for x in errors]
    within = sum(1 for e, a in known if abs(e - a) <= tolerance(a))
    return {
        "n": len(pairs),
        "median_abs_min": round(statistics.median(absolute), 1),
        "p90_abs_min": round(_percentile(absolute, 90), 1),
        "bias_min": round(statistics.fmean(errors), 1),
        "within_tolerance": round(within / len(pairs), 3),  # no estimate counts as a miss
    }


def evaluate(tickets: int, days: int, seed: int = 1, shown: str = CHOSEN,
             oracle: Oracle | None = None) -> dict[str, Any]:
    """`days` simulated days of about `tickets` tickets; figures per estimator
    (and the oracle's, on every `oracle.every`-th walk-in)."""
    samples: list[Sample] = []
    totals: dict[str, int] = {}
    for offset in range(days):
        result = simulate_day(SimParams(tickets=tickets, seed=seed + offset), shown,
                              oracle=oracle)
        samples += result.samples
        for key, value in result.stats.items():
            totals[key] = totals.get(key, 0) + value
    uncalled = [s for s in samples if s.actual is None]
    actual = [s.actual for s in samples if s.actual is not None]
    out: dict[str, Any] = {
        "days": days,
        "tickets_per_day": tickets,
        "sim": {k: round(v / days, 1) for k, v in totals.items()},
        "walk_ins": len(samples),
        "actual_wait_median_min": round(statistics.median(actual), 1) if actual else None,
        "uncalled": len(uncalled),
        "uncalled_flagged_after_closing": sum(1 for s in uncalled if s.after_closing),
        "estimators": {},
    }
    names = list(ESTIMATORS) + (list(ORACLES) if oracle is not None else [])
    for name in names:
        entry = figures(samples, name)
        entry["bands"] = {
            band: figures([s for s in samples if low <= s.hour < high], name)
            for band, low, high in BANDS
        }
        # Where the error comes from: by service (shared windows serve some more
        # than others) and by how many were ahead at issue (in the JSON only).
        entry["services"] = {
            service: figures([s for s in samples if s.service == service], name)
            for service in sorted({s.service for s in samples})
        }
        entry["ahead"] = {
            label: figures([s for s in samples if low <= s.ahead < high], name)
            for label, low, high in (("0", 0, 1), ("1-2", 1, 3), ("3-5", 3, 6),
                                     ("6-10", 6, 11), ("11+", 11, 10**6))
        }
        out["estimators"][name] = entry
    if oracle is not None:  # every estimator on the tickets the oracle replayed
        replayed = [s for s in samples if "oracle" in s.estimates]
        out["oracle_tickets"] = {"every": oracle.every, "runs": oracle.runs,
                                 "estimators": {name: figures(replayed, name)
                                                for name in names}}
    return out


def run(quick: bool = False, oracle: Oracle | None = Oracle()) -> dict[str, Any]:
    began = time.perf_counter()
    days = 3 if quick else 10
    if quick and oracle is not None:
        oracle = Oracle(runs=oracle.runs, every=oracle.every * 3)
    results: dict[str, Any] = {f"tickets_{n}": evaluate(n, days, oracle=oracle)
                               for n in (200, 300)}
    results["elapsed_s"] = round(time.perf_counter() - began, 1)
    return results


def table(results: dict[str, Any]) -> str:
    """The figures as a plain-text table (what README's performance section quotes)."""
    lines = []
    for key, block in results.items():
        if not key.startswith("tickets_"):
            continue
        lines.append(f"{block['tickets_per_day']} tickets/day, {block['days']} days, "
                     f"{block['walk_ins']} walk-ins, median actual wait "
                     f"{block['actual_wait_median_min']} min, uncalled {block['uncalled']} "
                     f"(flagged after closing: {block['uncalled_flagged_after_closing']})")
        header = (f"  {'estimator':<10} {'band':<9} {'n':>5} {'med|e|':>7} {'p90|e|':>7} "
                  f"{'bias':>6} {'within':>7}")
        lines.append(header)

        def row(name: str, band: str, f: dict[str, Any]) -> str:
            return (f"  {name:<10} {band:<9} {f['n']:>5} {f['median_abs_min']:>7} "
                    f"{f['p90_abs_min']:>7} {f['bias_min']:>6} "
                    f"{100 * f['within_tolerance']:>6.0f}%")

        for name, entry in block["estimators"].items():
            rows = [("day", entry)] + list(entry["bands"].items())
            lines += [row(name, band, f) for band, f in rows if f.get("n")]
        same = block.get("oracle_tickets")
        if same:
            lines.append(f"  the same, on the oracle's tickets only (1 walk-in in {same['every']}, "
                         f"{same['runs']} replays each):")
            lines += [row(name, "day", f) for name, f in same["estimators"].items()
                      if f.get("n")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="wait estimators on simulated days")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json")
    parser.add_argument("--no-oracle", action="store_true", help="leave the (slow) oracle out")
    args = parser.parse_args(argv)
    results = run(args.quick, None if args.no_oracle else Oracle())
    print(table(results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
