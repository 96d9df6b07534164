"""What every device agent shares: checking the hub, reporting health, the window.

The kiosk, display and caller agents are thin: each opens one of the hub's
pages in a pywebview window (GTK/WebKit on Linux) and owns one piece of local
hardware. pywebview runs the GTK loop in the main thread, so an agent's own
work (printing, speaking, health reports) runs in ordinary threads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
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
    """Sends the device's health to the hub; keeps the last report to resend."""

    hub: str
    token: str
    last: dict[str, Any] | None = None

    def report(self, **parts: Any) -> bool:
        """POST /api/v1/devices/health; False (logged) when the hub cannot be reached."""
        body = {key: value for key, value in parts.items() if value is not None}
        self.last = body
        try:
            answer = requests.post(
                f"{self.hub}/api/v1/devices/health", json=body, timeout=5,
                headers={"Authorization": f"Bearer {self.token}"},
            )
        except requests.RequestException as error:
            log.warning("health report not delivered: %s", error)
            return False
        if not answer.ok:
            log.warning("health report refused: %s", answer.text[:200])
        return answer.ok


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
