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
_original = subprocess.Popen._execute_child  # type: ignore[attr-defined]


class UnmarkedProcess(AssertionError):
    pass


def _checked(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> Any:
    item = _current
    if item is not None and item.get_closest_marker("slow") is None:
        shown = args if isinstance(args, str) else " ".join(str(a) for a in args)
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
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None
                            ) -> Generator[None, Any, Any]:
    global _current
    _current = item
    try:
        return (yield)
    finally:
        _current = None
