"""Benchmark of the queue rules and the journals (the `domain` part of `jiaohao bench`).

Measures, and returns as a dict (medians over a few repetitions):

- decide + apply commands per second in memory, for a realistic mix over the
  demo center's windows (issue, call-next, start, complete) with the clock
  advancing; and the same through `Center.execute` on a MemoryStore;
- durable appends per second on SQLite (WAL, synchronous=FULL) in a temporary
  directory: one event per transaction, and grouped 20 and 100 per append;
- restart time, `Center.load()`, with a long journal, replaying everything
  and from a snapshot plus a tail.

Nothing here asserts a speed; machines are noisy. Run it alone with
`python -m tools.bench_domain [--seconds 10] [--json out.json]`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import tomllib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.center import Center
from hub.domain import commands as cmd
from hub.domain.calendar import next_working_day
from hub.domain.commands import Context
from hub.domain.decide import decide
from hub.domain.errors import DomainError
from hub.domain.events import Event
from hub.domain.fold import apply, replay
from hub.domain.state import CALLED, SERVING, CenterState
from hub.store.memory import MemoryStore
from hub.store.snapshots import encode_state
from hub.store.sqlite import SQLiteStore

DEMO_CONFIG = Path(__file__).resolve().parents[1] / "hub" / "centers" / "demo.toml"
CENTER = "demo"
REPETITIONS = 3
START = datetime(2025, 10, 14, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # a working Tuesday
# How often each service is asked for, roughly as in a county center.
SERVICE_MIX = {
    "social-security": 30,
    "medical-insurance": 25,
    "household": 20,
    "real-estate": 10,
    "business-license": 10,
    "civil-affairs": 5,
}


def demo_config() -> dict[str, Any]:
    """The demo center with every daily cap at its maximum, so caps do not end a day early."""
    config = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))
    for service in config["services"]:
        service["daily_cap"] = 999
    return config


class Workload:
    """A center's days as a stream of commands: a quarter of them issue a ticket,
    the rest move a random staffed window one step on (call-next → start →
    complete). The clock advances 1-3 s per command; when a service stops
    issuing for the day, the clock moves to the next working day and every
    clerk signs in again."""

    def __init__(self, seed: int = 1) -> None:
        self.random = random.Random(seed)
        self.now = START
        self.count = 0
        self.services = list(SERVICE_MIX)
        self.weights = list(SERVICE_MIX.values())
        self.clerks: dict[int, str] = {}
        self.pending: list[tuple[cmd.Command, str]] = []

    def clock(self) -> datetime:
        return self.now

    def new_id(self) -> str:
        self.count += 1
        return f"b{self.count}"

    def start_day(self, state: CenterState) -> None:
        assert state.config is not None
        self.clerks = {window.id: f"clerk-{window.id}" for window in state.config.windows}
        self.pending = [(cmd.SignIn(window), clerk) for window, clerk in self.clerks.items()]

    def next_day(self, state: CenterState) -> None:
        assert state.config is not None
        day = next_working_day(state.config.hours, self.now.astimezone(START.tzinfo).date())
        self.now = datetime.combine(day, START.timetz())
        self.start_day(state)

    def next(self, state: CenterState) -> tuple[cmd.Command, str]:
        self.now += timedelta(seconds=self.random.randint(1, 3))
        if self.pending:
            return self.pending.pop(0)
        if self.random.random() < 0.25:
            service = self.random.choices(self.services, self.weights)[0]
            priority = "elderly" if self.random.random() < 0.1 else None
            return cmd.IssueTicket(service, priority), "kiosk-1"
        window = self.random.choice(list(self.clerks))
        current = state.windows[window].ticket
        status = state.tickets[current].status if current else None
        command: cmd.Command
        if status == CALLED:
            command = cmd.StartService(window)
        elif status == SERVING:
            command = cmd.Complete(window)
        else:
            command = cmd.CallNext(window)
        return command, self.clerks[window]

    def refused(self, state: CenterState, error: DomainError) -> None:
        if error.code in ("service_closed", "daily_cap_reached", "not_signed_in"):
            self.next_day(state)


def _configured(workload: Workload) -> tuple[CenterState, list[Event]]:
    state = CenterState()
    context = Context(workload.clock(), "admin", workload.new_id)
    events = decide(state, cmd.ChangeConfig(config=demo_config(), source="bench"), context)
    for event in events:
        apply(state, event)
    workload.start_day(state)
    return state, events


def bench_rules(seconds: float, seed: int) -> dict[str, float]:
    """decide + apply in memory for `seconds` (only those two are timed)."""
    figures, _ = _run_rules(seed, seconds=seconds)
    return figures


def make_journal(events: int, seed: int = 7) -> list[Event]:
    """A journal of at least `events` events of busy days, made by the rules."""
    _, journal = _run_rules(seed, at_least=events)
    return journal


def _run_rules(
    seed: int, *, seconds: float = float("inf"), at_least: int | None = None
) -> tuple[dict[str, float], list[Event]]:
    workload = Workload(seed)
    state, journal = _configured(workload)
    spent = 0.0
    commands = refused = 0
    until = time.perf_counter() + seconds
    while time.perf_counter() < until and (at_least is None or len(journal) < at_least):
        for _ in range(200):
            command, actor = workload.next(state)
            began = time.perf_counter()
            try:
                events = decide(state, command, Context(workload.now, actor, workload.new_id))
            except DomainError as error:
                spent += time.perf_counter() - began
                commands += 1
                refused += 1
                workload.refused(state, error)
                continue
            for event in events:
                apply(state, event)
            spent += time.perf_counter() - began
            commands += 1
            journal.extend(events)
    return {
        "commands": commands,
        "refused": refused,
        "events": len(journal),
        "commands_per_s": commands / spent if spent else 0.0,
    }, journal


def bench_center(seconds: float, seed: int) -> dict[str, float]:
    """The same mix through `Center.execute` on a MemoryStore (lock, append, fold)."""
    workload = Workload(seed)
    center = Center(CENTER, MemoryStore(), workload.clock, workload.new_id,
                    snapshot_every=10**9)
    center.execute(cmd.ChangeConfig(config=demo_config(), source="bench"), "admin")
    workload.start_day(center.state)
    commands = 0
    began = time.perf_counter()
    until = began + seconds
    while time.perf_counter() < until:
        for _ in range(200):
            command, actor = workload.next(center.state)
            try:
                center.execute(command, actor)
            except DomainError as error:
                workload.refused(center.state, error)
            commands += 1
    elapsed = time.perf_counter() - began
    return {"commands": commands, "commands_per_s": commands / elapsed}


def _batches(journal: list[Event], size: int, limit: int) -> Iterator[list[Event]]:
    for start in range(0, min(len(journal), limit), size):
        yield journal[start : start + size]


def bench_sqlite_appends(
    folder: Path, journal: list[Event], per_append: int, seconds: float
) -> dict[str, float]:
    """Durable appends of `per_append` events each into a fresh SQLite file."""
    store = SQLiteStore(folder / f"appends-{per_append}-{time.perf_counter_ns()}.db")
    latencies: list[float] = []
    events = 0
    began = time.perf_counter()
    try:
        for chunk in _batches(journal, per_append, len(journal)):
            if len(chunk) < per_append or time.perf_counter() - began > seconds:
                break
            started = time.perf_counter()
            store.append(CENTER, chunk, chunk[0].seq - 1)
            latencies.append(time.perf_counter() - started)
            events += len(chunk)
    finally:
        elapsed = time.perf_counter() - began
        store.close()
    latencies.sort()
    return {
        "appends": len(latencies),
        "appends_per_s": len(latencies) / elapsed if elapsed else 0.0,
        "events_per_s": events / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0.0,
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else 0.0,
    }


def bench_restart(folder: Path, journal: list[Event], tail: int) -> dict[str, Any]:
    """`Center.load()` over the whole journal, then from a snapshot `tail` events back."""
    path = folder / "restart.db"
    store = SQLiteStore(path)
    for chunk in _batches(journal, 1000, len(journal)):
        store.append(CENTER, chunk, chunk[0].seq - 1)
    store.close()

    def load() -> float:
        opened = SQLiteStore(path)
        began = time.perf_counter()
        Center(CENTER, opened, lambda: START, lambda: "unused").load()
        elapsed = time.perf_counter() - began
        opened.close()
        return elapsed

    full = statistics.median(load() for _ in range(REPETITIONS))
    at = max(len(journal) - tail, 1)
    state = replay(journal[:at])
    store = SQLiteStore(path)
    store.save_snapshot(CENTER, state.seq, encode_state(state))
    store.close()
    with_snapshot = statistics.median(load() for _ in range(REPETITIONS))
    return {
        "events": len(journal),
        "full_replay_s": full,
        "snapshot_tail_events": len(journal) - at,
        "with_snapshot_s": with_snapshot,
        "replay_events_per_s": len(journal) / full if full else 0.0,
    }


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _rounded(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _rounded(inner) for key, inner in value.items()}
    if isinstance(value, float):
        return round(value, 4 if value < 1 else 1)
    return value


def run(seconds_budget: float = 10.0) -> dict[str, Any]:
    """Measure everything within roughly `seconds_budget` seconds; the figures as a dict."""
    began = time.perf_counter()
    budget = max(seconds_budget, 0.05)
    share = budget / REPETITIONS
    results: dict[str, Any] = {
        "rules_in_memory": _median(
            [bench_rules(0.25 * share, seed=r + 1) for r in range(REPETITIONS)]
        ),
        "center_on_memory_store": _median(
            [bench_center(0.1 * share, seed=r + 1) for r in range(REPETITIONS)]
        ),
    }
    # A long journal for the appends and the restart: about 2,000 events per
    # second of budget (20,000 for the default), made by the rules, untimed.
    journal = make_journal(max(int(2000 * budget), 500))
    with tempfile.TemporaryDirectory(prefix="jiaohao-bench-domain-") as directory:
        folder = Path(directory)
        for per_append, key in ((1, "sqlite_single"), (20, "sqlite_grouped_20"),
                                (100, "sqlite_grouped_100")):
            runs = [
                bench_sqlite_appends(folder, journal, per_append, 0.1 * share)
                for _ in range(REPETITIONS)
            ]
            results[key] = _median(runs)
        results["restart"] = bench_restart(folder, journal, tail=max(len(journal) // 20, 1))
    results["repetitions"] = REPETITIONS
    results["seconds_budget"] = seconds_budget
    results["elapsed_s"] = time.perf_counter() - began
    rounded: dict[str, Any] = _rounded(results)
    return rounded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=10.0, help="rough time budget")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    results = run(args.seconds)
    for key, value in results.items():
        print(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
