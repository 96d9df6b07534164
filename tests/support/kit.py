"""The test kit: the small helpers every layer's tests share, written once.

- `free_port()`: a free loopback port (the hubs, fake gateways and redis-servers take
  theirs from here; with `pytest -n` each worker asks the kernel, so no two collide);
  defined in `tools.process` with the hub process every test and the bench start.
- `wait_until(predicate, timeout)`: wait for a condition instead of sleeping.
- `api(hub, method, path, token)`: one REST call to a hub started with
  `tools.process.HubProcess` (the end-to-end tests in tests/hub use `hubkit.Api`).
- `ManualClock`: a clock that stands still until the test moves it (or ticks by a
  fixed step at each reading).
- `xvfb(width, height)`: a private Xvfb screen whose number Xvfb picks itself
  (`-displayfd`), so parallel workers never race for one.

Fixtures built on these live in tests/support/{hub,sms,redis,browser}.py.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import requests

from tools.process import free_port

__all__ = ["ManualClock", "api", "free_port", "wait_until", "xvfb", "SHANGHAI", "WORKDAY_MORNING"]
T = TypeVar("T")

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 14 October 2025, 09:00 in the center: an ordinary working day
# (chinese-calendar knows 2025; the demo center opens 08:30-12:00, 13:30-17:30).
WORKDAY_MORNING = datetime(2025, 10, 14, 9, 0, tzinfo=SHANGHAI)


def wait_until(predicate: Callable[[], T], timeout: float = 20, what: str = "",
               interval: float = 0.05, ignore: tuple[type[BaseException], ...] = ()) -> T:
    """Poll `predicate` until it returns something truthy, and return that.

    Raises AssertionError naming `what` after `timeout` seconds. Exceptions of the
    types in `ignore` count as "not yet" (a server still starting, say).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = predicate()
            if found:
                return found
        except ignore:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for "
                                 f"{what or getattr(predicate, '__name__', 'a condition')}")
        time.sleep(interval)


def api(hub: Any, method: str, path: str, token: str | None = None,
        timeout: float = 15, **kwargs: Any) -> requests.Response:
    """`method path` against `hub.url` with an optional bearer token."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers.update(kwargs.pop("headers", None) or {})
    return requests.request(method, f"{hub.url}{path}", headers=headers, timeout=timeout,
                            **kwargs)


class ManualClock:
    """A clock that stands still until the test moves it. Call it to read it.

    With `step`, every reading first moves it on by that much (a clock that ticks
    between the commands of a busy morning).
    """

    def __init__(self, start: datetime = WORKDAY_MORNING,
                 step: timedelta | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock reads aware datetimes only")
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        if self.step is not None:
            self.now += self.step
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return self.now


@contextmanager
def xvfb(width: int, height: int, depth: int = 24) -> Iterator[str]:
    """A private Xvfb screen; its DISPLAY name (":N"). Xvfb chooses a free N itself."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x{depth}",
         "-nolisten", "tcp"], pass_fds=(write,),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read, "rb") as pipe:
            number = pipe.readline().decode().strip()  # written once the screen is ready
        assert number.isdigit(), f"Xvfb did not start (exit {server.poll()})"
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
