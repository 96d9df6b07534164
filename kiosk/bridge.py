"""The kiosk page's way to the printer: the object behind ``window.pywebview.api``.

The page calls ``print_ticket(slip)`` only after the hub answered 201, so a
ticket is printed only once the hub confirmed it. Every answer is a small
JSON-ready dict ``{ok, status, message}``: a printer fault is an answer the
page shows, never an exception that would leave the citizen without a number.

pywebview exposes every public attribute of this object to the page (and
walks into public attributes that are objects), so all state is private.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from kiosk.printers import NoPrinter
from kiosk.printing import PrinterError, PrinterStatus, SlipError, TicketPrinter, TicketSlip

log = logging.getLogger(__name__)
StatusListener = Callable[[dict[str, Any]], None]
Clock = Callable[[], datetime]


def local_now() -> datetime:
    """The kiosk's clock, as an aware local time."""
    return datetime.now().astimezone()


def status_dict(printer: TicketPrinter, status: PrinterStatus) -> dict[str, Any]:
    """A printer status for the page and the hub; ``configured`` is False for ``none``."""
    return {"configured": not isinstance(printer, NoPrinter), **status.to_dict()}


class KioskBridge:
    """Prints confirmed tickets, keeps the last one for a reprint, tracks printer status.

    ``listeners`` hear every status that differs from the one before (the hub's
    health report and the page's printer line); ``check_status`` is called by
    the agent's watcher at a steady pace.
    """

    def __init__(self, printer: TicketPrinter, *, clock: Clock = local_now) -> None:
        self._printer = printer
        self._clock = clock
        self._lock = threading.Lock()  # one print at a time: a reprint must not interleave
        self._last: TicketSlip | None = None
        self._last_printed = False
        self._status: dict[str, Any] | None = None
        self._listeners: list[StatusListener] = []

    # ------------------------------------------------------------ for the page

    def print_ticket(self, ticket: Any) -> dict[str, Any]:
        """Print a ticket the hub confirmed: ``{ok, status, message}``."""
        try:
            slip = TicketSlip.from_json(ticket if isinstance(ticket, dict) else {})
        except SlipError as error:
            log.error("the page sent a ticket that cannot be printed: %s", error)
            message = f"号票内容有误 / bad ticket: {error}"
            return {"ok": False, "status": self._status, "message": message}
        return self._print(slip)

    def reprint_last(self) -> dict[str, Any]:
        """Print the last ticket again (staff only: the page hides it behind a long press).

        The slip says 补打 (reprint) and when, in the time zone it was issued in,
        so a second slip with the same number is not taken for a second ticket.
        """
        slip = self._last
        if slip is None:
            return {"ok": False, "status": self._status, "message": "还没有号票 / no ticket yet"}
        log.info("reprinting ticket %s", slip.number)
        at = self._clock().astimezone(slip.issued_at.tzinfo)
        return self._print(replace(slip, reprinted_at=at))

    def last_ticket(self) -> dict[str, Any] | None:
        """The number of the last ticket handed over, and whether it came out."""
        slip = self._last
        return {"number": slip.number, "printed": self._last_printed} if slip else None

    def printer_status(self) -> dict[str, Any] | None:
        """The last known printer status (None before the first check)."""
        return self._status

    # ------------------------------------------------------------ for the agent

    def add_listener(self, listener: StatusListener) -> None:
        """Call ``listener(status)`` whenever the printer's status changes."""
        self._listeners.append(listener)

    def check_status(self) -> dict[str, Any]:
        """Ask the printer how it is (it answers faults as a status, never raises)."""
        with self._lock:
            status = status_dict(self._printer, self._printer.status())
        self._set_status(status)
        return status

    def _print(self, slip: TicketSlip) -> dict[str, Any]:
        if isinstance(self._printer, NoPrinter):
            self._last, self._last_printed = slip, False
            return {"ok": False, "status": self._status, "message": "未配置打印机 / no printer"}
        with self._lock:
            self._last, self._last_printed = slip, False
            try:
                self._printer.print_slip(slip)
            except PrinterError as error:
                log.warning("ticket %s not printed: %s", slip.number, error)
                status = status_dict(self._printer, error.status)
                ok, message = False, str(error)
            else:
                self._last_printed = True
                # The print itself checked the printer: a fault seen before is over.
                status = dict(self._status or {}, configured=True, online=True, error=None)
                if status.get("paper") == "out":
                    status["paper"] = "unknown"
                if status.get("cover_open"):
                    status["cover_open"] = False
                ok, message = True, ""
        self._set_status(status)
        return {"ok": ok, "status": status, "message": message}

    def _set_status(self, status: dict[str, Any]) -> None:
        changed = status != self._status
        self._status = status
        if not changed:
            return
        for listener in self._listeners:
            try:
                listener(status)
            except Exception:  # noqa: BLE001 - a failed report must not fail a print
                log.exception("printer status listener failed")


class StatusWatcher(threading.Thread):
    """Checks the printer every ``every`` seconds; resends the health report
    every ``report_every`` seconds even when nothing changed, so the hub (which
    keeps health in memory) knows the kiosk is alive after its own restart."""

    def __init__(self, bridge: KioskBridge, report: StatusListener, *, every: float,
                 report_every: float = 60.0) -> None:
        super().__init__(name="printer status", daemon=True)
        self.bridge = bridge
        self.report = report
        self.every = every
        self.report_every = report_every
        self.stopping = threading.Event()

    def run(self) -> None:
        """Check, report when due, sleep; until ``stopping`` is set."""
        last_report = time.monotonic()  # the first check's change is reported by its listener
        while not self.stopping.is_set():
            status = self.bridge.check_status()
            if time.monotonic() - last_report >= self.report_every:
                self.report(status)
                last_report = time.monotonic()
            self.stopping.wait(self.every)
