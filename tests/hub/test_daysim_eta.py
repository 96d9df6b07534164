"""The in-process simulated day (tools.daysim) and the estimator evaluation on it
(tools.bench_eta, `jiaohao bench --only eta`)."""

from __future__ import annotations

from tools.bench_eta import ESTIMATORS, evaluate, simulate_day, table, tolerance
from tools.daysim import DaySim, SimParams, demo_config


def test_a_day_is_reproducible_by_seed_and_differs_between_seeds() -> None:
    first = simulate_day(SimParams(tickets=120, seed=7))
    again = simulate_day(SimParams(tickets=120, seed=7))
    other = simulate_day(SimParams(tickets=120, seed=8))
    assert first.stats == again.stats
    assert [s.actual for s in first.samples] == [s.actual for s in again.samples]
    assert first.stats != other.stats


def test_the_day_has_what_an_estimate_must_cope_with() -> None:
    sim = DaySim(demo_config(), SimParams(tickets=300, seed=3),
                 shown=lambda state, service, ahead, now: 80.0)  # a long-ish wait shown
    stats = sim.run()
    assert stats.balked > 0  # some leave when the kiosk shows a long wait
    assert stats.checked_in > 0 and stats.no_shows > 0 and stats.transfers > 0
    served_appointments = [t for t in sim.state.tickets.values()
                           if t.channel == "appointment" and t.status == "done"]
    assert served_appointments  # appointments are checked in and served
    by_window: dict[int, set[str]] = {}
    for ticket in sim.state.tickets.values():
        if ticket.window is not None:
            by_window.setdefault(ticket.window, set()).add(ticket.service)
    assert len(by_window[7]) >= 3  # the 综合窗口 serves several services
    speeds = {round(clerk, 3) for clerk in _clerk_speeds(seed=3)}
    assert len(speeds) == 8  # every clerk has their own speed


def _clerk_speeds(seed: int) -> list[float]:
    from tools.daysim import SimClerk

    sim = DaySim(demo_config(), SimParams(tickets=10, seed=seed))
    return [SimClerk(sim, w.id, f"c{w.id}").speed for w in sim.config.windows]


def test_the_chosen_estimator_beats_the_plain_one_on_simulated_days() -> None:
    results = evaluate(300, days=2, seed=11)
    chosen, plain = results["estimators"]["capacity"], results["estimators"]["plain"]
    assert set(results["estimators"]) == set(ESTIMATORS)
    assert chosen["within_tolerance"] > plain["within_tolerance"] + 0.1
    assert abs(chosen["bias_min"]) < abs(plain["bias_min"]) / 2
    assert chosen["median_abs_min"] < plain["median_abs_min"]
    assert set(chosen["bands"]) == {"08-09", "09-11", "11-12", "lunch", "afternoon"}
    text = table({"tickets_300": results})
    assert "capacity" in text and "lunch" in text
    # The decomposition the README quotes: by service and by how many were ahead.
    assert set(chosen["services"]) >= {"social-security", "civil-affairs"}
    assert sum(f.get("n", 0) for f in chosen["ahead"].values()) == chosen["n"]
    # The routing replay (the candidate) is closer than the capacity estimator.
    replay = results["estimators"]["replay"]
    assert replay["within_tolerance"] > chosen["within_tolerance"]
    assert replay["median_abs_min"] < chosen["median_abs_min"]


def test_the_actual_wait_is_from_issue_to_the_first_call_of_that_ticket() -> None:
    """Checked against the day's own events: transferred or suspended tickets are
    called again later, and only the first call counts; tickets never called have
    no actual wait (counted apart), and appointments are not samples."""
    from hub.domain import events as ev

    issued: dict[str, ev.TicketIssued] = {}
    first_call: dict[str, ev.TicketCalled] = {}
    calls: dict[str, int] = {}

    def watch(sim: DaySim) -> None:
        sim.on_issue.append(lambda _sim, e: issued.setdefault(e.ticket, e))
        sim.on_call.append(lambda _sim, e: (first_call.setdefault(e.ticket, e),
                                            calls.__setitem__(e.ticket,
                                                              calls.get(e.ticket, 0) + 1)))

    result = simulate_day(SimParams(tickets=300, seed=5), watch=watch)
    assert any(n > 1 for n in calls.values())  # some tickets are called more than once
    walk_ins = {t for t, e in issued.items() if e.channel != "appointment"}
    assert {s.ticket for s in result.samples} == walk_ins
    uncalled = 0
    for sample in result.samples:
        if sample.ticket not in first_call:
            assert sample.actual is None
            uncalled += 1
            continue
        expected = (first_call[sample.ticket].at - issued[sample.ticket].at).total_seconds() / 60
        assert sample.actual is not None and abs(sample.actual - expected) < 1e-9
    assert uncalled > 0  # a 300-ticket day leaves some uncalled


def test_tolerance_is_twenty_percent_or_two_minutes() -> None:
    assert tolerance(5) == 2.0 and tolerance(9.9) == 2.0
    assert tolerance(30) == 6.0


def test_the_oracle_replays_copies_and_leaves_the_day_itself_alone() -> None:
    """The oracle (the ceiling in the bench) plays copies of the day forward: the
    day with it is the same day as without (same draws, same waits), and every
    replayed ticket gets the oracle's estimates, the others none."""
    from tools.bench_eta import Oracle

    plain = simulate_day(SimParams(tickets=120, seed=4))
    with_oracle = simulate_day(SimParams(tickets=120, seed=4), oracle=Oracle(runs=3, every=5))
    assert plain.stats == with_oracle.stats
    assert [s.actual for s in plain.samples] == [s.actual for s in with_oracle.samples]
    replayed = [s for s in with_oracle.samples if "oracle" in s.estimates]
    assert len(replayed) == (len(with_oracle.samples) + 4) // 5
    called = [s for s in replayed if s.actual is not None and s.estimates["oracle"] is not None]
    assert called and all((s.estimates["oracle"] or 0) >= 0 for s in called)


def test_the_oracle_does_not_know_the_realised_handling_times() -> None:
    """A copy redraws when the citizens at the windows are done (the original drew
    it at the start): not before they have been there as long as they have."""
    from datetime import datetime, timedelta

    from tools.bench_eta import _fresh_service_times
    from tools.daysim import SimClerk

    sim = DaySim(demo_config(), SimParams(tickets=200, seed=2))
    sim._book_appointments()
    sim._plan_arrivals()
    for window in sim.config.windows:
        SimClerk(sim, window.id, f"clerk{window.id}").plan()
    end = sim._at(sim.params.day, 10.5)
    import heapq
    while sim._queue and sim._queue[0].at < end:
        action = heapq.heappop(sim._queue)
        sim.now = max(sim.now, action.at)
        action.run()

    def finishing(s: DaySim) -> dict[str, datetime]:
        return {a.run.__self__.ticket: a.at for a in s._queue  # type: ignore[attr-defined]
                if getattr(a.run, "__func__", None) is SimClerk.finish}

    before = finishing(sim)
    assert len(before) >= 3  # windows busy at 10:30
    sim.random.seed("another future")
    _fresh_service_times(sim)
    after = finishing(sim)
    assert after.keys() == before.keys() and after != before
    for ticket, at in after.items():
        started = sim.state.tickets[str(ticket)].started_at
        assert started is not None and at > sim.now - timedelta(seconds=1)


def test_the_tolerance_point_is_where_most_replays_are_within_tolerance() -> None:
    from tools.bench_eta import _tolerance_point

    assert _tolerance_point([10.0, 11.0, 12.0, 40.0, 90.0]) == 12.0
    assert _tolerance_point([10.0, 20.0, 21.0, 23.0, 24.0, 80.0]) == 21.0
    assert _tolerance_point([5.0]) == 5.0
