"""What every device agent shares: checking the hub, reporting health, the window.

The kiosk, display and caller agents are thin: each opens one of the hub's
pages in a pywebview window (GTK/WebKit on Linux) and owns one piece of local
hardware. pywebview runs the GTK loop in the main thread, so an agent's own
work (printing, speaking, health reports) runs in ordinary threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

log = logging.getLogger(__name__)


class AgentError(Exception):
    """A problem to report in one line (bad arguments, hub unreachable at start)."""


def check_hub_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AgentError(f"--hub must be a URL like http://192.168.1.10:8600, not {url!r}")
    return url.rstrip("/")


def wait_for_hub(url: str, timeout: float = 10.0) -> None:
    """Return when the hub answers /api/v1/health; AgentError after `timeout`."""
    deadline = time.monotonic() + timeout
    last = ""
    while True:
        try:
            answer = requests.get(f"{url}/api/v1/health", timeout=3)
            if answer.status_code in (200, 503):
                return
            last = f"HTTP {answer.status_code}"
        except requests.RequestException as error:
            last = type(error).__name__
        if time.monotonic() > deadline:
            raise AgentError(f"hub {url} is unreachable ({last})")
        time.sleep(0.5)


@dataclass
class HealthReporter:
    """Sends the device's health to the hub, part by part, and sends it all again
    whenever the hub comes back (a hub restart forgets what it was told).

    The hub merges reports by part (printer, sound, display, message), so each
    report names only the parts that changed; `parts` keeps the latest value of
    every part this device has reported, which `resend()` sends as one report.
    """

    hub: str
    token: str
    last: dict[str, Any] | None = None  # the last report asked for
    parts: dict[str, Any] = field(default_factory=dict)  # part -> its latest value
    resent: int = 0  # how many times everything was sent again
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _undelivered: bool = False

    def report(self, **parts: Any) -> bool:
        """POST /api/v1/devices/health; False (logged) when the hub cannot be reached."""
        body = {key: value for key, value in parts.items() if value is not None}
        with self._lock:
            self.last = body
            self.parts.update(body)
        return self._send(body)

    def resend(self) -> bool:
        """Send every part's latest value again (after the hub or the link came back)."""
        with self._lock:
            body = dict(self.parts)
        if not body:
            return True
        self.resent += 1
        log.info("sending this device's health again: %s", ", ".join(sorted(body)))
        return self._send(body)

    def _send(self, body: dict[str, Any]) -> bool:
        try:
            answer = requests.post(
                f"{self.hub}/api/v1/devices/health", json=body, timeout=5,
                headers={"Authorization": f"Bearer {self.token}"},
            )
        except requests.RequestException as error:
            log.warning("health report not delivered: %s", error)
            self._undelivered = True
            return False
        if not answer.ok:
            log.warning("health report refused: %s", answer.text[:200])
            self._undelivered = answer.status_code >= 500
        return answer.ok

    def keep(self, every: float = 2.0, refresh: float = 60.0) -> threading.Thread:
        """Watch the hub in a daemon thread: when it answers again after being
        unreachable (restarted, or the network came back), or a report was lost,
        send everything again; and every `refresh` seconds anyway, in case a
        restart fell between two looks. A look is one GET /api/v1/health every
        `every` seconds (one cheap read of each center's last seq)."""

        def watch() -> None:
            lost = False
            last_sent = time.monotonic()
            while not self._stop.wait(every):
                try:
                    up = requests.get(f"{self.hub}/api/v1/health", timeout=3).status_code in (
                        200, 503)
                except requests.RequestException:
                    up = False
                if not up:
                    lost = True
                    continue
                due = time.monotonic() - last_sent >= refresh
                if lost or self._undelivered or due:
                    self._undelivered = False
                    if not self.resend():
                        continue
                    lost, last_sent = False, time.monotonic()

        thread = threading.Thread(target=watch, name="health-keeper", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop the thread of `keep()`."""
        self._stop.set()


def page_url(hub: str, path: str, token: str | None = None) -> str:
    """The page's URL; a device token rides in the fragment, never sent in requests."""
    return f"{hub}{path}" + (f"#token={token}" if token else "")


def open_window(
    title: str,
    url: str,
    *,
    fullscreen: bool = True,
    on_top: bool = False,
    size: tuple[int, int] = (1280, 800),
    js_api: Any = None,
    on_started: Callable[..., None] | None = None,
) -> None:
    """Open `url` in a pywebview window (GTK) and run until it is closed."""
    import webview

    webview.create_window(
        title, url, js_api=js_api, fullscreen=fullscreen, on_top=on_top,
        width=size[0], height=size[1], text_select=False,
    )
    webview.start(on_started, gui="gtk", private_mode=False)
