"""`jiaohao kiosk`: the kiosk page full screen in pywebview, and its ticket printer.

The page issues tickets through the hub's REST API; once the hub confirmed one,
the page hands it to ``KioskBridge.print_ticket`` over pywebview's JS bridge.
A watcher thread checks the printer every few seconds; each change of its
status goes to the hub as device health and to the page's printer line, and
the report is repeated every minute so a restarted hub learns it again.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import requests

from client.agent import (
    AgentError,
    HealthReporter,
    check_hub_url,
    open_window,
    page_url,
    wait_for_hub,
)
from kiosk.bridge import KioskBridge, StatusWatcher
from kiosk.printers import open_printer
from kiosk.printing import DEFAULT_PAPER_MM, paper_width

log = logging.getLogger(__name__)
TITLE = "取号机 Kiosk"


class Latest(threading.Thread):
    """Hands the newest value to a slow ``deliver`` (HTTP, the page) off the caller's
    thread; a value superseded while waiting is skipped, so the newest always wins."""

    def __init__(self, name: str, deliver: Callable[[Any], None]) -> None:
        super().__init__(name=name, daemon=True)
        self.deliver = deliver
        self.value: Any = None
        self.ready = threading.Condition()
        self.pending = False

    def put(self, value: Any) -> None:
        """Queue ``value`` for delivery, replacing any not yet delivered."""
        with self.ready:
            self.value, self.pending = value, True
            self.ready.notify()

    def run(self) -> None:
        """Deliver values one at a time, forever (a daemon thread)."""
        while True:
            with self.ready:
                self.ready.wait_for(lambda: self.pending)
                value, self.pending = self.value, False
            try:
                self.deliver(value)
            except Exception:  # noqa: BLE001 - keep delivering later values
                log.exception("%s: delivery failed", self.name)


def health_report(reporter: HealthReporter, spec: str) -> Callable[[dict[str, Any]], None]:
    """The hub-side listener: the printer's status as this kiosk's device health."""

    def report(status: dict[str, Any]) -> None:
        reporter.report(printer={**status, "spec": spec},
                        message=status.get("error") or "ok")

    return report


def push_to_page(status: dict[str, Any]) -> None:
    """Show the printer's status on the kiosk page (Kiosk.setPrinter in kiosk.js)."""
    import webview

    if webview.windows:
        webview.windows[0].evaluate_js(
            f"window.Kiosk && window.Kiosk.setPrinter({json.dumps(status)})")


def check_token(hub: str, token: str) -> None:
    """Refuse to start with a token the hub does not know (one clear line)."""
    try:
        answer = requests.get(f"{hub}/api/v1/kiosk", timeout=5,
                              headers={"Authorization": f"Bearer {token}"})
    except requests.RequestException as error:
        raise AgentError(f"hub {hub} is unreachable ({type(error).__name__})") from None
    if answer.status_code in (401, 403):
        raise AgentError(f"the hub refused this kiosk's token ({answer.json().get('error')})")


def main(args: argparse.Namespace) -> int:
    """Run the kiosk until its window is closed."""
    hub = check_hub_url(args.hub)
    try:
        paper = paper_width(getattr(args, "paper", None) or DEFAULT_PAPER_MM)
    except ValueError as error:
        raise AgentError(f"--paper: {error}") from None
    try:
        printer = open_printer(args.printer, paper=paper)
    except ValueError as error:
        raise AgentError(f"--printer: {error}") from None
    size = _size(getattr(args, "size", None))
    every = float(getattr(args, "status_every", 10.0) or 10.0)
    if every <= 0:
        raise AgentError("--status-every must be more than 0 seconds")
    wait_for_hub(hub)
    check_token(hub, args.token)

    bridge = KioskBridge(printer)
    reporter = HealthReporter(hub, args.token)
    to_hub = Latest("health report", health_report(reporter, args.printer))
    to_page = Latest("printer line", push_to_page)
    bridge.add_listener(to_hub.put)
    bridge.add_listener(to_page.put)
    watcher = StatusWatcher(bridge, to_hub.put, every=every)

    def started() -> None:
        reporter.keep()  # the printer's status again whenever the hub comes back
        to_hub.start()
        to_page.start()
        watcher.start()

    log.info("kiosk: hub %s, printer %s, %d mm paper", hub, args.printer, paper.mm)
    open_window(TITLE, page_url(hub, "/kiosk", args.token), fullscreen=not args.windowed,
                size=size, js_api=bridge, on_started=started)
    watcher.stopping.set()
    reporter.close()
    return 0


def _size(text: str | None) -> tuple[int, int]:
    if not text:
        return (1080, 1920)
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise AgentError(f"--size must look like 1080x1920, not {text!r}")
    return int(width), int(height)
