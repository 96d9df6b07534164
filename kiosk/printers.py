"""Ticket printers: open one from a spec string, print slips, ask for its status.

Specs: ``tcp:HOST[:PORT]``, ``usb:VID:PID[:IN_EP:OUT_EP]`` (hex), ``serial:DEVICE[:BAUD]``,
``file:PATH``, ``cups:NAME``, ``none``.

Every print and every status question opens a fresh connection and closes it
afterwards. A connection kept open to a printer that was switched off looks
healthy until the kernel gives up minutes later, and tickets would vanish into
the send buffer; a connect per ticket costs milliseconds and turns "printer
off" into an immediate, plain error, and "printer back on" into a working
print without restarting the kiosk.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from escpos.exceptions import Error as EscposError
from escpos.printer import CupsPrinter, File, Network, Serial, Usb

from kiosk.escpos_ticket import query_status, render_slip
from kiosk.printing import (
    DRIVER_MISSING,
    NO_PRINTER,
    NOT_RESPONDING,
    OFFLINE,
    WRITE_FAILED,
    PaperWidth,
    PrinterError,
    PrinterStatus,
    TicketPrinter,
    TicketSlip,
    paper_width,
)

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

Kind = Literal["tcp", "usb", "serial", "file", "cups", "none"]
SPEC_HELP = (
    "expected tcp:HOST[:PORT], usb:VID:PID (hex), serial:DEVICE[:BAUD], "
    "file:PATH, cups:NAME or none"
)
# Real-time status (DLE EOT) needs a channel back from the printer.
_BIDIRECTIONAL: frozenset[str] = frozenset({"tcp", "usb", "serial"})


@dataclass(frozen=True)
class PrinterSpec:
    """A parsed printer spec; only the fields of its ``kind`` are meaningful."""

    kind: Kind
    host: str = ""
    port: int = 9100
    vendor_id: int = 0
    product_id: int = 0
    in_endpoint: int = 0x82
    out_endpoint: int = 0x01
    path: str = ""
    baudrate: int = 9600
    name: str = ""

    def describe(self) -> str:
        """A short label for messages and logs, e.g. ``tcp 192.168.1.50:9100``."""
        details = {
            "tcp": f"{self.host}:{self.port}",
            "usb": f"{self.vendor_id:04x}:{self.product_id:04x}",
            "serial": f"{self.path} @ {self.baudrate}",
            "file": self.path,
            "cups": self.name,
            "none": "",
        }[self.kind]
        return f"{self.kind} {details}".strip()


def parse_printer_spec(spec: str) -> PrinterSpec:
    """Parse a printer spec string; raise ``ValueError`` saying what is wrong."""
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"empty printer spec; {SPEC_HELP}")
    text = spec.strip()
    if text.lower() == "none":
        return PrinterSpec(kind="none")
    kind, sep, rest = text.partition(":")
    kind = kind.lower()
    if not sep or not rest:
        raise ValueError(f"bad printer spec {spec!r}; {SPEC_HELP}")
    if kind == "tcp":
        host, port = _split_host_port(rest, spec)
        return PrinterSpec(kind="tcp", host=host, port=port)
    if kind == "usb":
        parts = rest.split(":")
        if len(parts) not in (2, 4):
            raise ValueError(f"bad USB printer spec {spec!r}; expected usb:VID:PID (hex)")
        ids = [_hex(part, spec) for part in parts]
        endpoints = ids[2:] or [0x82, 0x01]
        return PrinterSpec(
            kind="usb",
            vendor_id=ids[0],
            product_id=ids[1],
            in_endpoint=endpoints[0],
            out_endpoint=endpoints[1],
        )
    if kind == "serial":
        path, baud = rest, 9600
        head, colon, tail = rest.rpartition(":")
        if colon and tail.isdigit():
            path, baud = head, int(tail)
        if not path or baud <= 0:
            raise ValueError(f"bad serial printer spec {spec!r}; expected serial:/dev/ttyS0[:9600]")
        return PrinterSpec(kind="serial", path=path, baudrate=baud)
    if kind == "file":
        return PrinterSpec(kind="file", path=rest)
    if kind == "cups":
        if any(c.isspace() or c in "/#" for c in rest):
            raise ValueError(f"bad CUPS printer name in {spec!r}")
        return PrinterSpec(kind="cups", name=rest)
    raise ValueError(f"unknown printer type {kind!r} in {spec!r}; {SPEC_HELP}")


def _split_host_port(rest: str, spec: str) -> tuple[str, int]:
    if rest.startswith("["):  # [IPv6]:port
        host, _, after = rest[1:].partition("]")
        port_text = after.removeprefix(":")
    elif rest.count(":") == 1:
        host, _, port_text = rest.partition(":")
    else:
        host, port_text = rest, ""
    if not host or any(c.isspace() for c in host):
        raise ValueError(f"bad printer host in {spec!r}; expected tcp:HOST[:PORT]")
    if not port_text:
        return host, 9100
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad printer port {port_text!r} in {spec!r}; expected 1-65535")
    return host, int(port_text)


def _hex(text: str, spec: str) -> int:
    digits = text.lower().removeprefix("0x")
    if not 1 <= len(digits) <= 4 or any(c not in "0123456789abcdef" for c in digits):
        raise ValueError(f"bad USB id {text!r} in {spec!r}; expected hex such as 0416")
    return int(digits, 16)


def open_printer(
    spec: str, *, timeout: float = 3.0, status_timeout: float = 1.0,
    paper: PaperWidth | int | str = 80,
) -> TicketPrinter:
    """Return the printer described by ``spec``; raise ``ValueError`` if it is malformed.

    Nothing is connected here: each print connects, so a kiosk starts even while
    its printer is off. ``timeout`` bounds connecting and sending, ``status_timeout``
    how long to wait for the answer to a status query. ``paper`` is the roll's
    width in mm, 80 or 58: the slip is laid out for it.
    """
    parsed = parse_printer_spec(spec)
    width = paper_width(paper)
    if parsed.kind == "none":
        return NoPrinter()
    return EscposTicketPrinter(parsed, timeout=timeout, status_timeout=status_timeout,
                               paper=width)


class NoPrinter:
    """The kiosk has no printer: printing does nothing, status says so."""

    def print_slip(self, slip: TicketSlip) -> None:
        """Print nothing: the number is shown on screen only."""
        logger.info("no printer configured; ticket %s not printed", slip.number)

    def status(self) -> PrinterStatus:
        """Always 'no printer'."""
        return PrinterStatus(online=False, paper="unknown", cover_open=None, error=NO_PRINTER)


class EscposTicketPrinter:
    """An ESC/POS printer reached through one python-escpos connection class."""

    def __init__(self, spec: PrinterSpec, *, timeout: float, status_timeout: float,
                 paper: PaperWidth | None = None) -> None:
        self.spec = spec
        self.paper = paper or paper_width(80)
        self._timeout = timeout
        self._status_timeout = status_timeout
        # One job at a time: a status poll must not interleave with a print.
        self._lock = threading.Lock()

    def print_slip(self, slip: TicketSlip) -> None:
        """Print ``slip``; raise ``PrinterError`` if offline, out of paper or cut off."""
        data = render_slip(slip, paper=self.paper)
        with self._lock:
            if self.spec.kind in _BIDIRECTIONAL:
                self._print(data)  # every socket, serial and USB call has its own timeout
            else:
                self._with_deadline(lambda: self._print(data))
        logger.info("printed ticket %s on %s", slip.number, self.spec.describe())

    def status(self) -> PrinterStatus:
        """Ask the printer how it is; connection problems come back as an offline status."""
        with self._lock:
            try:
                if self.spec.kind == "file":
                    return self._file_status()
                if self.spec.kind == "cups":
                    return self._with_deadline(self._cups_status)
                return self._ask_status()
            except PrinterError as exc:
                return exc.status

    def _print(self, data: bytes) -> None:
        device = self._connect()
        try:
            if self.spec.kind in _BIDIRECTIONAL:
                status = self._query(device)
                if status.error:
                    raise PrinterError(status.error, status)
                if status.paper == "low":
                    logger.warning("printer %s: paper low", self.spec.describe())
            try:
                device._raw(data)
                if self.spec.kind == "cups":
                    device.send()  # submit now, so a refused job is reported, not logged
            except Exception as exc:  # OSError, or the CUPS binding's own IPPError
                raise self._fault(WRITE_FAILED, exc) from exc
        finally:
            self._disconnect(device)

    def _ask_status(self) -> PrinterStatus:
        device = self._connect()
        try:
            return self._query(device)
        finally:
            self._disconnect(device)

    def _with_deadline(self, job: Callable[[], _T]) -> _T:
        """Run ``job`` in a helper thread and give up on it after the timeout.

        File and CUPS writes have no timeout of their own: a usblp device blocks
        while its printer is out of paper. The helper thread is left to finish
        or fail by itself; the kiosk gets its answer in time.
        """
        outcome: list[_T] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                outcome.append(job())
            except BaseException as exc:  # handed over to the caller below
                failure.append(exc)

        worker = threading.Thread(target=run, name=f"printer {self.spec.describe()}", daemon=True)
        worker.start()
        worker.join(self._timeout)
        if worker.is_alive():
            raise self._fault(NOT_RESPONDING, TimeoutError())
        if failure:
            raise failure[0]
        return outcome[0]

    # -- connection ------------------------------------------------------------

    def _connect(self) -> Any:
        spec = self.spec
        driver, library = _DRIVERS[spec.kind]
        if not driver.is_usable():
            raise self._fault(f"{DRIVER_MISSING}: {spec.kind} printing needs {library}")
        try:
            device = self._make_device()
            device.open()
        except (OSError, EscposError) as exc:
            raise self._fault(OFFLINE, exc) from exc
        if spec.kind == "serial":
            # python-escpos sets no write timeout; with flow control a dead printer blocks forever.
            device.device.write_timeout = self._timeout
        return device

    def _make_device(self) -> Any:
        spec = self.spec
        if spec.kind == "tcp":
            return _NetworkDevice(
                host=spec.host, port=spec.port, timeout=self._timeout, linger=self._status_timeout
            )
        if spec.kind == "usb":
            return Usb(
                spec.vendor_id,
                spec.product_id,
                timeout=int(self._timeout * 1000),
                in_ep=spec.in_endpoint,
                out_ep=spec.out_endpoint,
            )
        if spec.kind == "serial":
            return Serial(spec.path, baudrate=spec.baudrate, timeout=self._status_timeout)
        if spec.kind == "file":
            return File(spec.path)
        return CupsPrinter(spec.name)

    def _disconnect(self, device: Any) -> None:
        try:
            device.close()
        except Exception as exc:  # drivers raise their own types; the ticket is already out
            logger.warning("printer %s: error while closing: %s", self.spec.describe(), exc)

    def _fault(self, message: str, exc: BaseException | None = None) -> PrinterError:
        detail = self.spec.describe() + (f": {_plain(exc)}" if exc else "")
        text = f"{message} ({detail})"
        logger.warning("printer problem: %s", text)
        return PrinterError(text, PrinterStatus(False, "unknown", None, text))

    # -- status ----------------------------------------------------------------

    def _query(self, device: Any) -> PrinterStatus:
        try:
            return query_status(lambda command: device._raw(command), self._reader(device))
        except (OSError, EscposError) as exc:
            raise self._fault(OFFLINE, exc) from exc

    def _reader(self, device: Any) -> Callable[[], bytes | None]:
        timeout = self._status_timeout

        def read() -> bytes | None:
            if self.spec.kind == "tcp":
                answer: bytes | None = device.read_reply(timeout)
                return answer
            try:
                reply = bytes(device._read())  # serial: b"" after its timeout
            except OSError as exc:
                if _is_timeout(exc):  # pyusb raises USBTimeoutError (an OSError)
                    return None
                raise
            return reply or None

        return read

    def _file_status(self) -> PrinterStatus:
        # Opening the file to probe it would truncate it; look at it instead.
        if os.access(self.spec.path, os.W_OK):
            return PrinterStatus(online=True, paper="unknown", cover_open=None, error=None)
        error = f"{OFFLINE} ({self.spec.describe()}: device missing or not writable)"
        return PrinterStatus(online=False, paper="unknown", cover_open=None, error=error)

    def _cups_status(self) -> PrinterStatus:
        device = self._connect()
        try:
            # CUPS knows its queue, not the paper: IPP printer-state 5 means stopped.
            if device.printers.get(self.spec.name, {}).get("printer-state") == 5:
                error = f"{OFFLINE} ({self.spec.describe()}: CUPS queue stopped)"
                return PrinterStatus(online=False, paper="unknown", cover_open=None, error=error)
            return PrinterStatus(online=True, paper="unknown", cover_open=None, error=None)
        finally:
            self._disconnect(device)


_DRIVERS: dict[str, tuple[Any, str]] = {
    "tcp": (Network, "python-escpos"),
    "usb": (Usb, "pyusb"),
    "serial": (Serial, "pyserial"),
    "file": (File, "python-escpos"),
    "cups": (CupsPrinter, "pycups"),
}


class _NetworkDevice(Network):
    """python-escpos' Network printer, made safe to open and close once per job.

    ``open`` uses ``socket.create_connection``, which closes the socket when the
    connection fails (escpos' own leaks it). ``close`` shuts down the sending
    side and waits, at most ``linger`` seconds, for the printer to close its
    side: that both confirms it read the whole ticket and avoids the reset a
    plain close sends when a late status reply is still unread.
    """

    _device: Any  # False, None or the socket, as in python-escpos

    def __init__(self, *, host: str, port: int, timeout: float, linger: float) -> None:
        super().__init__(host=host, port=port, timeout=timeout)
        self.linger = linger

    def open(self, raise_not_found: bool = True) -> None:
        self.device = socket.create_connection((self.host, self.port), timeout=self.timeout)

    def read_reply(self, timeout: float) -> bytes | None:
        sock: socket.socket = self.device
        sock.settimeout(timeout)
        try:
            reply = sock.recv(16)
        except TimeoutError:
            return None
        finally:
            sock.settimeout(self.timeout)
        if not reply:
            raise ConnectionResetError(errno.ECONNRESET, "printer closed the connection")
        return reply

    def close(self) -> None:
        sock = self._device
        if not sock:
            return
        self._device = False
        deadline = time.monotonic() + self.linger
        try:
            sock.shutdown(socket.SHUT_WR)
            # Bounded overall: a printer that keeps chatting must not keep us here.
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                if not sock.recv(64):
                    break
        except OSError:
            pass
        finally:
            sock.close()


def _is_timeout(exc: OSError) -> bool:
    return (
        isinstance(exc, TimeoutError)
        or exc.errno == errno.ETIMEDOUT
        or "timeout" in type(exc).__name__.lower()
    )


def _plain(exc: BaseException) -> str:
    """A short, readable reason for a connection failure."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError) and _is_timeout(exc):
        return "no answer"
    text = str(exc).strip().replace("\n", " ")
    return text or type(exc).__name__
