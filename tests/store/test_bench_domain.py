"""The domain benchmark runs at a tiny size and reports every figure (no speed is asserted)."""

from __future__ import annotations

from tools import bench_domain


def test_benchmark_reports_every_figure_at_a_tiny_size() -> None:
    results = bench_domain.run(0.3)
    assert set(results) >= {
        "rules_in_memory",
        "center_on_memory_store",
        "sqlite_single",
        "sqlite_grouped_20",
        "sqlite_grouped_100",
        "restart",
        "repetitions",
    }
    assert results["rules_in_memory"]["commands"] > 0
    assert results["rules_in_memory"]["commands_per_s"] > 0
    assert results["center_on_memory_store"]["commands_per_s"] > 0
    for key in ("sqlite_single", "sqlite_grouped_20", "sqlite_grouped_100"):
        assert results[key]["appends"] > 0 and results[key]["events_per_s"] > 0
    restart = results["restart"]
    assert restart["events"] >= 500 and 0 < restart["snapshot_tail_events"] < restart["events"]
    assert restart["full_replay_s"] > 0 and restart["with_snapshot_s"] > 0


def test_benchmark_workload_keeps_the_queue_moving() -> None:
    journal = bench_domain.make_journal(600)
    types = {event.type for event in journal}
    assert {"ticket_issued", "ticket_called", "service_started", "ticket_completed"} <= types
    assert [event.seq for event in journal] == list(range(1, len(journal) + 1))
