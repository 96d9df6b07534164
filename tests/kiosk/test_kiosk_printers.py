"""Printers opened from spec strings, against a fake TCP printer and real files."""

from __future__ import annotations

import json
import os
import select
import socket
import threading
from pathlib import Path

import pytest
from escpos.printer import CupsPrinter, Serial, Usb

from kiosk.escpos_ticket import render_slip, status_request
from kiosk.printers import PrinterSpec, open_printer, parse_printer_spec
from kiosk.printing import PrinterError, PrinterStatus, TicketPrinter, TicketSlip
from tests.fakes.fake_printer import FakeEscposPrinter, SilentPort, unused_port

STATUS_QUESTIONS = status_request(1) + status_request(2) + status_request(4)


def tcp(
    printer: FakeEscposPrinter | int, *, timeout: float = 3.0, status_timeout: float = 1.0
) -> TicketPrinter:
    """A printer spec'd as tcp:127.0.0.1:PORT, for a fake printer or a bare port."""
    port = printer if isinstance(printer, int) else printer.port
    return open_printer(f"tcp:127.0.0.1:{port}", timeout=timeout, status_timeout=status_timeout)


# -- specs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("tcp:192.168.1.50", PrinterSpec("tcp", host="192.168.1.50", port=9100)),
        ("tcp:printer.hall.local:9101", PrinterSpec("tcp", host="printer.hall.local", port=9101)),
        ("TCP:[fe80::1]:9100", PrinterSpec("tcp", host="fe80::1", port=9100)),
        ("usb:0416:5011", PrinterSpec("usb", vendor_id=0x0416, product_id=0x5011)),
        (
            "usb:0x04b8:0x0202:81:02",
            PrinterSpec(
                "usb", vendor_id=0x04B8, product_id=0x0202, in_endpoint=0x81, out_endpoint=0x02
            ),
        ),
        ("serial:/dev/ttyS0", PrinterSpec("serial", path="/dev/ttyS0", baudrate=9600)),
        ("serial:/dev/ttyUSB0:115200", PrinterSpec("serial", path="/dev/ttyUSB0", baudrate=115200)),
        ("file:/dev/usb/lp0", PrinterSpec("file", path="/dev/usb/lp0")),
        ("cups:TM-T88V", PrinterSpec("cups", name="TM-T88V")),
        (" none ", PrinterSpec("none")),
    ],
)
def test_good_specs_parse(spec: str, expected: PrinterSpec) -> None:
    assert parse_printer_spec(spec) == expected


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("", "empty printer spec"),
        ("lp0", "bad printer spec 'lp0'"),
        ("tcp:", "bad printer spec"),
        ("tcp:printer:0", "bad printer port '0'"),
        ("tcp:printer:99999", "bad printer port '99999'"),
        ("tcp:printer:http", "bad printer port 'http'"),
        ("tcp::9100", "bad printer host"),
        ("usb:0416", "bad USB printer spec"),
        ("usb:zz16:5011", "bad USB id 'zz16'"),
        ("usb:10416:5011", "bad USB id '10416'"),
        ("serial::9600", "bad serial printer spec"),
        ("cups:hall printer", "bad CUPS printer name"),
        ("bluetooth:00:11:22:33:44:55", "unknown printer type 'bluetooth'"),
    ],
)
def test_bad_specs_are_refused_with_a_reason(spec: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint) as raised:
        open_printer(spec)
    assert "expected" in str(raised.value) or "CUPS" in str(raised.value)


def test_no_printer_prints_nothing_and_says_so(slip: TicketSlip) -> None:
    printer = open_printer("none")
    printer.print_slip(slip)
    assert printer.status() == PrinterStatus(
        online=False, paper="unknown", cover_open=None, error="未配置打印机 / no printer"
    )


def test_opening_does_not_connect() -> None:
    open_printer(f"tcp:127.0.0.1:{unused_port()}")  # no error until it is used


# -- status over TCP ----------------------------------------------------------------


def test_ready_printer_reports_ok(fake_printer: FakeEscposPrinter) -> None:
    status = tcp(fake_printer).status()
    assert status.to_dict() == {"online": True, "paper": "ok", "cover_open": False, "error": None}
    assert json.loads(json.dumps(status.to_dict())) == status.to_dict()
    assert fake_printer.queries == [1, 2, 4]


def test_paper_out_is_reported_and_nothing_is_printed(
    fake_printer: FakeEscposPrinter, slip: TicketSlip
) -> None:
    fake_printer.set_status(paper="out")
    printer = tcp(fake_printer)

    status = printer.status()
    assert (status.online, status.paper, status.error) == (False, "out", "缺纸 / out of paper")

    with pytest.raises(PrinterError, match="缺纸") as raised:
        printer.print_slip(slip)
    assert raised.value.status.paper == "out"
    fake_printer.wait_for_closed_connections(2)
    assert fake_printer.jobs == [STATUS_QUESTIONS, STATUS_QUESTIONS]  # no ticket bytes


def test_cover_open_is_reported(fake_printer: FakeEscposPrinter, slip: TicketSlip) -> None:
    fake_printer.set_status(cover_open=True)
    printer = tcp(fake_printer)
    assert printer.status().cover_open is True
    with pytest.raises(PrinterError, match="纸仓盖打开 / cover open"):
        printer.print_slip(slip)


def test_offline_printer_is_reported(fake_printer: FakeEscposPrinter, slip: TicketSlip) -> None:
    fake_printer.set_status(offline=True)
    printer = tcp(fake_printer)
    assert printer.status().error == "打印机离线 / printer offline"
    with pytest.raises(PrinterError, match="打印机离线"):
        printer.print_slip(slip)


def test_paper_low_still_prints(fake_printer: FakeEscposPrinter, slip: TicketSlip) -> None:
    fake_printer.set_status(paper="low")
    printer = tcp(fake_printer)
    printer.print_slip(slip)
    assert printer.status().paper == "low"
    assert fake_printer.jobs[0] == STATUS_QUESTIONS + render_slip(slip)


@pytest.mark.timeout(10)
def test_mute_printer_prints_with_paper_unknown(slip: TicketSlip) -> None:
    with FakeEscposPrinter(answer_status=False) as mute:
        printer = tcp(mute, status_timeout=0.2)
        assert printer.status() == PrinterStatus(True, "unknown", None, None)
        printer.print_slip(slip)
        mute.wait_for_closed_connections(2)
        # It asked once, heard nothing, and did not wait for the other answers.
        assert mute.jobs[1] == status_request(1) + render_slip(slip)


# -- unreachable printers --------------------------------------------------------------


@pytest.mark.timeout(10)
def test_refused_connection_is_offline(slip: TicketSlip) -> None:
    port = unused_port()
    printer = tcp(port)

    status = printer.status()
    assert not status.online
    assert status.error == (
        f"打印机离线 / printer offline (tcp 127.0.0.1:{port}: connection refused)"
    )

    with pytest.raises(PrinterError, match="打印机离线 / printer offline") as raised:
        printer.print_slip(slip)
    assert "connection refused" in str(raised.value)


@pytest.mark.timeout(10)
def test_connect_timeout_is_offline_not_a_hang(slip: TicketSlip) -> None:
    with SilentPort() as silent:
        printer = tcp(silent.port, timeout=0.5)
        assert printer.status().error == (
            f"打印机离线 / printer offline (tcp 127.0.0.1:{silent.port}: no answer)"
        )
        with pytest.raises(PrinterError, match="no answer"):
            printer.print_slip(slip)


@pytest.mark.timeout(10)
def test_printer_hanging_up_is_offline(slip: TicketSlip) -> None:
    # Something that accepts and hangs up at once, like a print server busy with another job.
    with socket.create_server(("127.0.0.1", 0)) as server:

        def hang_up() -> None:
            for _ in range(2):
                connection, _ = server.accept()
                connection.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        printer = tcp(server.getsockname()[1])
        assert printer.status().error is not None
        with pytest.raises(PrinterError, match="打印机离线"):
            printer.print_slip(slip)
        thread.join(timeout=5)


@pytest.mark.timeout(20)
def test_printer_that_comes_back_prints_again(slip: TicketSlip) -> None:
    port = unused_port()
    printer = tcp(port)
    with pytest.raises(PrinterError):
        printer.print_slip(slip)

    with FakeEscposPrinter(port) as switched_on:
        printer.print_slip(slip)
        switched_on.wait_for_closed_connections(1)
        assert switched_on.jobs == [STATUS_QUESTIONS + render_slip(slip)]

    with pytest.raises(PrinterError):  # switched off again
        printer.print_slip(slip)

    with FakeEscposPrinter(port) as switched_on_again:
        printer.print_slip(slip)
        switched_on_again.wait_for_closed_connections(1)
        assert switched_on_again.received.endswith(render_slip(slip))


# -- file and driver-less printers ----------------------------------------------------


def test_file_printer_writes_the_ticket(tmp_path: Path, slip: TicketSlip) -> None:
    device = tmp_path / "lp0"
    device.touch()
    printer = open_printer(f"file:{device}")
    assert printer.status() == PrinterStatus(True, "unknown", None, None)
    printer.print_slip(slip)
    assert device.read_bytes() == render_slip(slip)  # one-way: no status questions


def test_missing_file_printer_is_offline(tmp_path: Path, slip: TicketSlip) -> None:
    printer = open_printer(f"file:{tmp_path}/unplugged/lp0")
    status = printer.status()
    assert not status.online and status.error and status.error.startswith("打印机离线")
    with pytest.raises(PrinterError, match="打印机离线"):
        printer.print_slip(slip)


@pytest.mark.timeout(10)
def test_blocked_file_printer_is_given_up_on(tmp_path: Path, slip: TicketSlip) -> None:
    # A FIFO nobody reads blocks the writer, as /dev/usb/lp0 does while out of paper.
    device = tmp_path / "lp0"
    os.mkfifo(device)
    printer = open_printer(f"file:{device}", timeout=0.5)
    with pytest.raises(PrinterError, match="打印机无响应 / printer not responding"):
        printer.print_slip(slip)

    # The abandoned writer finishes once someone reads: it must not be stuck for good.
    reader = os.open(device, os.O_RDONLY | os.O_NONBLOCK)
    received = b""
    try:
        while not received.endswith(render_slip(slip)):
            select.select([reader], [], [], 1.0)
            received += os.read(reader, 4096)
    finally:
        os.close(reader)
    assert received == render_slip(slip)


@pytest.mark.parametrize(
    ("spec", "driver", "library"),
    [
        ("usb:0416:5011", Usb, "pyusb"),
        ("serial:/dev/ttyS0", Serial, "pyserial"),
        ("cups:TM-T88V", CupsPrinter, "pycups"),
    ],
)
def test_missing_driver_library_is_a_plain_error(
    spec: str, driver: type, library: str, slip: TicketSlip
) -> None:
    if driver.is_usable():  # type: ignore[attr-defined]
        pytest.skip(f"{library} is installed here")
    printer = open_printer(spec)
    assert printer.status().error == (
        f"打印机驱动未安装 / printer driver missing: {spec.split(':')[0]} printing needs "
        f"{library} ({parse_printer_spec(spec).describe()})"
    )
    with pytest.raises(PrinterError, match=library):
        printer.print_slip(slip)
