"""`jiaohao bench --only eta`: how far off each wait estimator is, on simulated days.

Each day is `hub.daysim.DaySim` (the pure rules on a simulated clock, seeded).
At every walk-in ticket's issue every estimator is asked for that ticket's wait;
the actual wait is from issue to its first call. Per estimator it prints the
median absolute error, its P90, the bias (mean of estimate − actual: negative
is too short) and the share within tolerance (20 % of the actual wait, or
2 minutes for waits under 10 minutes), for the whole day and by hour band.

Tickets never called (the holder left and the day ended, or closed out) have
no actual wait: they are counted apart (`uncalled`), with how many the
estimator had flagged as likely after closing. What the kiosk shows (and so
what balking citizens read) is the estimator named by `shown`.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.daysim import DaySim, SimParams, demo_config
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


def simulate_day(params: SimParams, shown: str = CHOSEN,
                 estimators: dict[str, Fn] | None = None,
                 watch: Callable[[DaySim], None] | None = None) -> DayResult:
    """One simulated day; every walk-in ticket with each estimator's estimate at issue."""
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
    pairs = [(s.estimates[name], s.actual) for s in samples if s.actual is not None]
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


def evaluate(tickets: int, days: int, seed: int = 1, shown: str = CHOSEN) -> dict[str, Any]:
    """`days` simulated days of about `tickets` tickets; figures per estimator."""
    samples: list[Sample] = []
    totals: dict[str, int] = {}
    for offset in range(days):
        result = simulate_day(SimParams(tickets=tickets, seed=seed + offset), shown)
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
    for name in ESTIMATORS:
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
    return out


def run(quick: bool = False) -> dict[str, Any]:
    began = time.perf_counter()
    days = 3 if quick else 10
    results: dict[str, Any] = {f"tickets_{n}": evaluate(n, days) for n in (200, 300)}
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
        lines.append(f"  {'estimator':<9} {'band':<9} {'n':>5} {'med|e|':>7} {'p90|e|':>7} "
                     f"{'bias':>6} {'within':>7}")
        for name, entry in block["estimators"].items():
            rows = [("day", entry)] + list(entry["bands"].items())
            for band, f in rows:
                if not f.get("n"):
                    continue
                lines.append(f"  {name:<9} {band:<9} {f['n']:>5} {f['median_abs_min']:>7} "
                             f"{f['p90_abs_min']:>7} {f['bias_min']:>6} "
                             f"{100 * f['within_tolerance']:>6.0f}%")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="wait estimators on simulated days")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    results = run(args.quick)
    print(table(results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
