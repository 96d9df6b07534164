"""The `slow` marker is on every test that starts a process: enforced, not hoped for.

While a test runs (its fixtures' setup included), every `subprocess.Popen` goes
through this check; a test without `@pytest.mark.slow` that starts a process
(a hub, redis-server, chromium, Xvfb, the CLI…) fails with what it started, so
`pytest -m "not slow"` stays the quick, process-free run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Generator, Iterator
from typing import Any

import pytest

_current: pytest.Item | None = None
_started: dict[str, list[str]] = {}  # unmarked tests and what they tried to start
_original = subprocess.Popen._execute_child  # type: ignore[attr-defined]


class UnmarkedProcess(AssertionError):
    pass


def _checked(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> Any:
    item = _current
    if item is not None and item.get_closest_marker("slow") is None:
        shown = args if isinstance(args, str) else " ".join(str(a) for a in args)
        _started.setdefault(item.nodeid, []).append(shown[:200])
        raise UnmarkedProcess(
            f"{item.nodeid} starts a process ({shown[:200]}) but is not marked "
            "@pytest.mark.slow: mark it (or its module: pytestmark = pytest.mark.slow)")
    return _original(self, args, *rest, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _watch_processes() -> Iterator[None]:
    subprocess.Popen._execute_child = _checked  # type: ignore[attr-defined]
    try:
        yield
    finally:
        subprocess.Popen._execute_child = _original  # type: ignore[attr-defined]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Fail the test even when the code under test swallowed the refusal."""
    report = yield
    started = _started.pop(item.nodeid, None) if report.when == "call" else None
    if started and report.passed:
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid} started processes without @pytest.mark.slow: "
                           + "; ".join(started))
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None
                            ) -> Generator[None, Any, Any]:
    global _current
    _current = item
    try:
        return (yield)
    finally:
        _current = None
