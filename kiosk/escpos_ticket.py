"""ESC/POS bytes: the ticket's print stream, and the real-time status questions.

Pure functions over bytes; connections live in ``kiosk.printers``.
"""

from __future__ import annotations

from collections.abc import Callable

import qrcode
from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy

from kiosk.printing import (
    COVER_OPEN,
    OFFLINE,
    PAPER_OUT,
    PRINTER_FAULT,
    Align,
    Block,
    Paper,
    PaperWidth,
    PrinterStatus,
    QrCode,
    TextLine,
    TicketSlip,
    fit_scale,
    paper_width,
    slip_layout,
    wrap_columns,
)

# FS & / FS . switch a Chinese-capable printer into and out of its double-byte
# (GB) character mode. python-escpos 3.1 sends GB18030 bytes without them, which
# such printers print as pairs of Latin characters, and Chinese punctuation as "?".
CHINESE_MODE_ON = b"\x1c\x26"
CHINESE_MODE_OFF = b"\x1c\x2e"

# The QR code takes at most this share of the paper's width, quiet zone included.
QR_MAX_SHARE = 0.6
QR_MIN_MODULE = 3


def qr_module_dots(data: str, paper: PaperWidth) -> int:
    """The QR module size in dots: the paper's size for a short link, smaller for a
    long one so the code (and its 4-module quiet zone each side) fits the paper."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data.encode("utf-8"), optimize=0)  # byte mode, as the printer encodes it
    code.make(fit=True)
    room = int(paper.dots * QR_MAX_SHARE) // (code.modules_count + 8)
    return max(QR_MIN_MODULE, min(paper.qr_module, room))


class _EscposWriter:
    """Writes blocks to a python-escpos printer, sending a style only when it changes.

    Text is wrapped to the paper's columns at its scale (and a scale too big for
    the paper is made smaller), so the printer never breaks a line itself: its own
    wrap can split a Chinese character and cut a word anywhere.
    """

    def __init__(self, printer: Dummy, paper: PaperWidth) -> None:
        self._printer = printer
        self._paper = paper
        self._columns = paper.columns
        self._align: Align | None = None
        self._bold: bool | None = None
        self._scale: int | None = None

    def write(self, block: Block) -> None:
        if isinstance(block, TextLine):
            scale = fit_scale(block.text, block.scale, self._columns)
            self._style(block.align, block.bold, scale)
            for line in wrap_columns(block.text, self._columns // scale):
                self._text_line(line)
        elif isinstance(block, QrCode):
            self._style("center", False, 1)
            # native: the printer draws the code itself (GS ( k): sharp, and a few bytes.
            size = qr_module_dots(block.data, self._paper)
            self._printer.qr(block.data, native=True, size=size, ec=QR_ECLEVEL_M)
        else:
            self._style("center", False, 1)
            self._text_line("-" * self._columns)

    def _style(self, align: Align, bold: bool, scale: int) -> None:
        if align != self._align:
            self._printer.set(align=align)
            self._align = align
        if bold != self._bold:
            self._printer.set(bold=bold)
            self._bold = bold
        if scale != self._scale:
            # GS ! sizes ASCII and Chinese characters alike.
            self._printer.set(custom_size=True, width=scale, height=scale)
            self._scale = scale

    def _text_line(self, text: str) -> None:
        if text.isascii():
            self._printer.textln(text)
            return
        self._printer._raw(CHINESE_MODE_ON + text.encode("gb18030") + CHINESE_MODE_OFF)
        self._printer.ln()


def render_slip(slip: TicketSlip, *, paper: PaperWidth | int = 80) -> bytes:
    """Return the ESC/POS byte stream that prints ``slip`` and cuts the paper.

    The same slip always gives the same bytes: nothing here reads the clock.
    ``paper`` is the roll: 80 (mm: 48 columns, 576 dots) or 58 (32 columns,
    384 dots); lines are wrapped and the QR code sized for it.
    """
    paper = paper_width(paper)
    printer = Dummy()
    printer.hw("INIT")
    # ASCII goes out through python-escpos' text(); pin its code page now, so the
    # ESC t comes first and its "magic" encoder never switches pages mid-ticket.
    printer.magic.force_encoding("CP437")
    writer = _EscposWriter(printer, paper)
    for block in slip_layout(slip):
        writer.write(block)
    printer.cut()
    return bytes(printer.output)


# -- real-time status: DLE EOT n --------------------------------------------------

STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER = 1, 2, 4
# Every answer byte has bits 1 and 4 set and bits 0 and 7 clear; a byte that
# does not is not an answer to our question.
_ANSWER_MASK, _ANSWER_BITS = 0x93, 0x12
_PRINTER_OFFLINE = 0x08  # n=1
_COVER_OPEN, _STOPPED_AT_PAPER_END, _ERROR = 0x04, 0x20, 0x40  # n=2
_PAPER_NEAR_END, _PAPER_END = 0x0C, 0x60  # n=4


def status_request(n: int) -> bytes:
    """The DLE EOT n real-time status request."""
    return b"\x10\x04" + bytes([n])


def decode_status(printer: int, offline_cause: int | None, paper: int | None) -> PrinterStatus:
    """Turn the answers to DLE EOT 1, 2 and 4 into a ``PrinterStatus``."""
    cover_open = None if offline_cause is None else bool(offline_cause & _COVER_OPEN)
    paper_state: Paper = "unknown"
    if paper is not None:
        paper_state = "out" if paper & _PAPER_END else "low" if paper & _PAPER_NEAR_END else "ok"
    if offline_cause is not None and offline_cause & _STOPPED_AT_PAPER_END:
        paper_state = "out"
    offline = bool(printer & _PRINTER_OFFLINE)
    error = None
    if cover_open:
        error = COVER_OPEN
    elif paper_state == "out":
        error = PAPER_OUT
    elif offline_cause is not None and offline_cause & _ERROR:
        error = PRINTER_FAULT
    elif offline:
        error = OFFLINE
    return PrinterStatus(online=not offline, paper=paper_state, cover_open=cover_open, error=error)


def query_status(send: Callable[[bytes], None], read: Callable[[], bytes | None]) -> PrinterStatus:
    """Ask DLE EOT 1, 2 and 4 over an open connection; ``read`` returns None on timeout.

    A printer that does not answer the first question is connected but mute (a
    one-way cable, or no real-time status support): online, paper unknown.
    """
    answers: list[int | None] = []
    for n in (STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER):
        send(status_request(n))
        valid = [b for b in read() or b"" if b & _ANSWER_MASK == _ANSWER_BITS]
        answers.append(valid[-1] if valid else None)  # the last answer is the newest
        if answers[0] is None:
            return PrinterStatus(online=True, paper="unknown", cover_open=None, error=None)
    printer, offline_cause, paper = answers
    assert printer is not None  # checked in the loop
    return decode_status(printer, offline_cause, paper)
