"""The test kit: the small helpers every layer's tests share, written once.

- `free_port()`: a free loopback port (the hubs, fake gateways and redis-servers take
  theirs from here; with `pytest -n` each worker asks the kernel, so no two collide);
  defined in `tools.process` with the hub process every test and the bench start.
- `wait_until(predicate, timeout)`: wait for a condition instead of sleeping.
- `Api(base_url, token)`: the REST client of a hub (`ok`, `window`, `issue`), and
  `api(hub, method, path, token)`: one request with it, by the whole path;
  `expect_error(response, status, code, field)`: a refusal as the API documents it.
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

__all__ = ["Api", "ManualClock", "api", "expect_error", "free_port", "wait_until", "xvfb",
           "SHANGHAI", "WORKDAY_MORNING"]
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


_UNSET: Any = object()


class Api:
    """A small REST client of a hub: paths under `prefix` (/api/v1), a bearer token."""

    def __init__(self, base_url: str, token: str | None = None, *,
                 prefix: str = "/api/v1", timeout: float = 60) -> None:
        self.base_url = base_url
        self.token = token
        self.prefix = prefix
        self.timeout = timeout
        self.session = requests.Session()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = _UNSET,
        headers: dict[str, str] | None = None,
        token: Any = _UNSET,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """`method prefix+path`; `json` is sent when given (even None, as null),
        `token` replaces the client's own for this request (None: none)."""
        sent = {}
        bearer = self.token if token is _UNSET else token
        if bearer:
            sent["Authorization"] = f"Bearer {bearer}"
        sent.update(headers or {})
        if json is not _UNSET:
            kwargs["json"] = json
        return self.session.request(method, f"{self.base_url}{self.prefix}{path}", headers=sent,
                                    timeout=timeout or self.timeout, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """The JSON answer of a request that must succeed with `status`."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == status, (
            f"{method} {path} -> {response.status_code} {response.text[:500]}")
        return response.json()

    def window(self, window: int, action: str, body: dict[str, Any] | None = None,
               status: int = 200) -> Any:
        return self.ok("POST", f"/windows/{window}/{action}", status, json=body or {})

    def issue(self, service: str, **body: Any) -> dict[str, Any]:
        found: dict[str, Any] = self.ok("POST", "/tickets", 201, json={"service": service, **body})
        return found

    def close(self) -> None:
        self.session.close()


def api(hub: Any, method: str, path: str, token: str | None = None,
        timeout: float = 15, **kwargs: Any) -> requests.Response:
    """One request, `method path` against `hub.url` (the whole path: /api/v1/…, /manage/…),
    with an optional bearer token."""
    client = Api(hub.url, token, prefix="", timeout=timeout)
    try:
        return client.request(method, path, **kwargs)
    finally:
        client.close()


def expect_error(response: requests.Response, status: int, code: str,
                 field: str | None = None) -> dict[str, Any]:
    """Check a refusal: the status, and the documented body {error, message, field?}."""
    where = f"{response.request.method} {response.request.url}"
    assert response.status_code == status, (
        f"{where}: expected {status} {code}, got {response.status_code} {response.text[:500]}")
    assert response.headers.get("Content-Type", "").startswith("application/json"), (
        f"{where}: not JSON: {response.headers.get('Content-Type')} {response.text[:200]}")
    body: dict[str, Any] = response.json()
    assert body.get("error") == code, f"{where}: expected error {code}, got {body}"
    assert isinstance(body.get("message"), str) and body["message"], f"{where}: {body}"
    if field is not None:
        assert body.get("field") == field, f"{where}: expected field {field}, got {body}"
    elif "field" in body:
        assert isinstance(body["field"], str) and body["field"], f"{where}: {body}"
    return body


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
