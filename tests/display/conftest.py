"""Fixtures of the display's tests: call events, a fixed clock and sox measurements for
the speech; the demo hub, a browser, clerks at windows and a network link to cut for the
pages, the agent and its listener."""

from __future__ import annotations

import math
import re
import socket
import subprocess
import threading
from array import array
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests

from display.wavs import write_mono16
from tests.support.kit import wait_until
from tools.process import HubProcess

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 27, 9, 41, 10, tzinfo=CHINA)

MakeCall = Callable[..., dict[str, Any]]


@pytest.fixture
def now() -> datetime:
    """The fixed moment the tests' clock reads."""
    return NOW


@pytest.fixture
def make_call() -> MakeCall:
    """Build a hub ``ticket_called`` / ``ticket_recalled`` payload."""

    def build(
        seq: int,
        number: str,
        window: int = 3,
        *,
        kind: str = "ticket_called",
        recall_count: int = 0,
        age_seconds: float = 5.0,
        service: str = "social-security",
    ) -> dict[str, Any]:
        return {
            "seq": seq,
            "type": kind,
            "at": (NOW - timedelta(seconds=age_seconds)).isoformat(),
            "data": {
                "number": number,
                "service": service,
                "window": window,
                "window_name": f"{window}号窗口",
                "recall_count": recall_count,
            },
        }

    return build


def sox_stat(path: Path, *effects: str) -> dict[str, float]:
    """Return ``sox FILE -n [effects] stat`` as a dict, e.g. ``{"Length (seconds)": 9.9}``.

    ``effects`` such as ``"trim", "1.0", "0.5"`` measure a slice of the file.
    """
    result = subprocess.run(
        ["sox", str(path), "-n", *effects, "stat"], capture_output=True, text=True, check=True
    )
    stats: dict[str, float] = {}
    for line in result.stderr.splitlines():
        match = re.match(r"^(.+?):\s+(-?[\d.]+)\s*$", line)
        if match:
            stats[re.sub(r"\s+", " ", match.group(1).strip())] = float(match.group(2))
    return stats


@pytest.fixture
def measure() -> Callable[..., dict[str, float]]:
    """sox's statistics of a WAV file (length, RMS amplitude, ...)."""
    return sox_stat


def tone(frequency: float, seconds: float, rate: int = 22050, level: float = 0.5) -> array[int]:
    """A sine tone as 16-bit samples."""
    count = round(seconds * rate)
    return array(
        "h",
        (round(level * 32767 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(count)),
    )


@pytest.fixture
def write_tone() -> Callable[..., Path]:
    """Write a sine tone WAV: ``write_tone(path, frequency, seconds, rate=22050)``."""

    def write(path: Path, frequency: float, seconds: float, rate: int = 22050) -> Path:
        write_mono16(path, tone(frequency, seconds, rate), rate)
        return path

    return write


# --------------------------------------------------------------------- pages and agents
# For the tests of the display pages, the agent and its listener against a real hub
# (`demo_hub`, one per test module) in a real browser (`browser`).
# The demo center's clerks by window (hub/centers/demo.toml) and the first service
# each window serves.
CLERKS = {1: "wangli", 2: "liqiang", 3: "zhangmin", 4: "zhaolei", 5: "chenjing",
          6: "liuyang", 7: "sunyue", 8: "zhoutao"}
SERVICE_OF = {1: "social-security", 2: "social-security", 3: "medical-insurance",
              4: "household", 5: "real-estate", 6: "real-estate", 7: "business-license",
              8: "civil-affairs"}


class Desk:
    """A clerk at a window of the demo hub, acting through the REST API."""

    # A login is an argon2 check (slow on purpose): each clerk logs in once per hub and
    # every Desk of that clerk uses the token (logging in again if it was revoked).
    tokens: dict[tuple[str, str, str], str] = {}

    def __init__(self, hub: HubProcess, window: int) -> None:
        self.hub = hub
        self.window = window
        self.key = (hub.url, str(hub.folder), CLERKS[window])
        if self.key not in Desk.tokens:
            Desk.tokens[self.key] = hub.login(CLERKS[window])
        self.token = Desk.tokens[self.key]

    def act(self, action: str, **body: Any) -> dict[str, Any]:
        def post() -> requests.Response:
            return requests.post(f"{self.hub.url}/api/v1/windows/{self.window}/{action}",
                                 json=body or None, timeout=10,
                                 headers={"Authorization": f"Bearer {self.token}"})

        answer = post()
        if answer.status_code == 401:  # the clerk's login was revoked: log in again
            self.token = Desk.tokens[self.key] = self.hub.login(CLERKS[self.window])
            answer = post()
        assert answer.ok, f"{action} at window {self.window}: {answer.text}"
        found: dict[str, Any] = answer.json()
        return found

    def issue(self, service: str | None = None) -> str:
        """A ticket of this window's service from the kiosk; returns its number."""
        answer = requests.post(f"{self.hub.url}/api/v1/tickets", timeout=10,
                               json={"service": service or SERVICE_OF[self.window]},
                               headers={"Authorization": f"Bearer {self.hub.tokens['kiosk-1']}"})
        assert answer.status_code == 201, answer.text
        number: str = answer.json()["number"]
        return number

    def call_next(self) -> str:
        """Finish the current ticket if any, then call the next; returns its number."""
        state = self.act("sign-in")["window"]
        if state["ticket"]:
            self.act("complete")
        ticket = self.act("call-next")["ticket"]
        assert ticket is not None, f"nobody waits at window {self.window}"
        number: str = ticket["number"]
        return number


@pytest.fixture
def desk(demo_hub: HubProcess) -> Callable[[int], Desk]:  # noqa: F811
    """desk(N): the demo clerk of window N, signed in."""

    def make(window: int) -> Desk:
        found = Desk(demo_hub, window)
        found.act("sign-in")
        return found

    return make


class CuttableLink:
    """A TCP relay in front of the hub that a test can cut, as a network drop would.

    Pages and agents go through it; the test's own REST calls go straight to the
    hub, so calls can be made while the screen is cut off. While cut, open
    connections are closed and new ones are dropped at once.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._cut = threading.Event()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        self._cut.set()
        with self._lock:
            for sock in self._open:
                self._shut(sock)
            self._open.clear()

    def restore(self) -> None:
        self._cut.clear()

    def close(self) -> None:
        self._closed = True
        self.cut()
        self.server.close()

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if self._cut.is_set():
                self._shut(client)
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                self._shut(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open |= {client, upstream}
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(source)
                self._open.discard(target)
            self._shut(target)
            self._shut(source)


@pytest.fixture
def link(demo_hub: HubProcess) -> Iterator[CuttableLink]:  # noqa: F811
    """A cuttable network path to the demo hub (`.url`, `.cut()`, `.restore()`)."""
    relay = CuttableLink(demo_hub.port)
    yield relay
    relay.close()


def wait_for(condition: Callable[[], Any], timeout: float = 20, what: str = "") -> Any:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    return wait_until(condition, timeout, what, interval=0.1)


LIVE = 20_000  # ms a page may take to (re)connect


def open_page(chromium: Any, url: str, path: str, token: str,
              size: tuple[int, int] = (1920, 1080), wait_live: bool = True) -> Any:
    """A display page in its own browser context, its JavaScript errors in `.js_errors`."""
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    page.goto(f"{url}{path}#token={token}" if token else f"{url}{path}")
    if wait_live:
        expect(page.locator("body")).to_have_attribute("data-status", "live", timeout=LIVE)
    return page
