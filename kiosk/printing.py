"""Ticket printing, the printer-neutral part: the slip, its layout, printer status.

``TicketSlip`` is what the kiosk prints once the hub has confirmed a ticket.
``slip_layout`` decides what the slip says, line by line; the ESC/POS renderer
(``kiosk.escpos_ticket``) and the PNG preview (``kiosk.preview``) both draw from
that one layout, so the preview shows what the printer prints. ``TicketPrinter``,
``PrinterStatus`` and ``PrinterError`` are what the kiosk sees of a printer;
``kiosk.printers.open_printer`` makes one from a spec string. Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Literal, Protocol
from urllib.parse import urlsplit

NUMBER_SCALE = 4
REPRINT_MARK = "补打 REPRINT"
SERVICE_SCALE = 2
MATERIALS_SHOWN = 3

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NUMBER = re.compile(r"[A-Za-z0-9-]{1,12}")
_PHONE = re.compile(r"[0-9+()\- ]{3,30}")


class SlipError(ValueError):
    """A ticket slip field is missing or invalid; ``field`` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


@dataclass(frozen=True)
class TicketSlip:
    """Everything printed on one ticket. Construction validates every field."""

    center_name: str
    number: str
    service_name: str
    service_name_en: str | None
    ahead: int
    eta_minutes: int | None
    issued_at: datetime
    track_url: str
    materials: tuple[str, ...]
    complaint_phone: str
    priority_label: str | None
    appointment: bool
    # From pages older than ``wait``: the honest state in words (暂无窗口办理，请咨询导服台 /
    # 13:30 恢复办理… ); printed under the minutes, and ignored when ``wait`` is given.
    wait_note: str | None = None
    # The hub's wait for this ticket (views.wait_view): the slip words it as the
    # kiosk's screen does (马上办理, 暂无窗口办理…, 13:30 恢复办理…, 约 N 分钟, a range).
    wait: SlipWait | None = None
    # Set on a reprint (补打): when it was printed again, in the kiosk's local time.
    reprinted_at: datetime | None = None

    def __post_init__(self) -> None:
        _check_text("center_name", self.center_name, max_length=40)
        if not isinstance(self.number, str) or not _NUMBER.fullmatch(self.number):
            raise SlipError("number", "must be 1-12 letters, digits or '-', e.g. 'A012'")
        _check_text("service_name", self.service_name, max_length=40)
        if self.service_name_en is not None:
            _check_text("service_name_en", self.service_name_en, max_length=80)
        _check_count("ahead", self.ahead, maximum=100_000)
        if self.eta_minutes is not None:
            _check_count("eta_minutes", self.eta_minutes, maximum=10_000)
        if not isinstance(self.issued_at, datetime):
            raise SlipError("issued_at", "must be a datetime")
        if self.issued_at.utcoffset() is None:
            raise SlipError("issued_at", "must carry a UTC offset (an aware local time)")
        _check_url("track_url", self.track_url)
        if not isinstance(self.materials, tuple) or len(self.materials) > 50:
            raise SlipError("materials", "must be a list of at most 50 strings")
        for index, material in enumerate(self.materials):
            _check_text(f"materials[{index}]", material, max_length=60)
        _check_text("complaint_phone", self.complaint_phone, max_length=30)
        if not _PHONE.fullmatch(self.complaint_phone) or not any(
            c.isdigit() for c in self.complaint_phone
        ):
            raise SlipError("complaint_phone", "must be a phone number such as '12345'")
        if self.priority_label is not None:
            _check_text("priority_label", self.priority_label, max_length=16)
        if not isinstance(self.appointment, bool):
            raise SlipError("appointment", "must be true or false")
        if self.wait_note is not None:
            _check_text("wait_note", self.wait_note, max_length=40)
        if self.wait is not None and not isinstance(self.wait, SlipWait):
            raise SlipError("wait", "must be a wait object")
        if self.reprinted_at is not None and (
            not isinstance(self.reprinted_at, datetime) or self.reprinted_at.utcoffset() is None
        ):
            raise SlipError("reprinted_at", "must be an aware datetime")

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> TicketSlip:
        """Build a slip from a decoded JSON object, as a page hands it over a JS bridge.

        ``issued_at`` is an ISO 8601 string with an offset, ``materials`` a list.
        Optional fields (``service_name_en``, ``eta_minutes``, ``materials``,
        ``priority_label``, ``appointment``) may be missing or null. Unknown keys
        are ignored, so a newer hub page does not stop an older kiosk printing.
        Raises ``SlipError`` (a ``ValueError``) naming the first bad field.
        """
        if not isinstance(data, Mapping):
            raise SlipError("slip", "must be a JSON object")
        values: dict[str, object] = {}
        for field in fields(cls):
            value = data.get(field.name)
            if value is None and field.name not in _OPTIONAL_DEFAULTS:
                raise SlipError(field.name, "is required")
            values[field.name] = _OPTIONAL_DEFAULTS[field.name] if value is None else value
        values["issued_at"] = _parse_time(values["issued_at"])
        if values["wait"] is not None:
            values["wait"] = SlipWait.from_json(values["wait"])
        if values["reprinted_at"] is not None:
            values["reprinted_at"] = _parse_time(values["reprinted_at"], "reprinted_at")
        materials = values["materials"]
        if not isinstance(materials, list | tuple):
            raise SlipError("materials", "must be a list of strings")
        values["materials"] = tuple(materials)
        return cls(**values)  # type: ignore[arg-type]  # each field is checked in __post_init__


_OPTIONAL_DEFAULTS: dict[str, object] = {
    "service_name_en": None,
    "eta_minutes": None,
    "materials": (),
    "priority_label": None,
    "appointment": False,
    "wait_note": None,
    "wait": None,
    "reprinted_at": None,
}

WAIT_STATES = ("now", "queue", "no_window", "resumes", "closed")
_CLOCK = re.compile(r"T(\d{2}):(\d{2})")


@dataclass(frozen=True)
class SlipWait:
    """The hub's wait of one ticket: ``state`` is one of ``WAIT_STATES``; minutes,
    ``low`` and ``high`` are whole minutes (None when there is no number);
    ``resumes_at`` the hub's ISO time serving starts again (state "resumes")."""

    state: str
    minutes: int | None = None
    low: int | None = None
    high: int | None = None
    resumes_at: str | None = None
    after_closing: bool = False

    def __post_init__(self) -> None:
        if self.state not in WAIT_STATES:
            raise SlipError("wait.state", f"must be one of {', '.join(WAIT_STATES)}")
        for name in ("minutes", "low", "high"):
            value = getattr(self, name)
            if value is not None:
                _check_count(f"wait.{name}", value, maximum=10_000)
        if self.resumes_at is not None:
            _parse_time(self.resumes_at, "wait.resumes_at")
            if not _CLOCK.search(self.resumes_at):
                raise SlipError("wait.resumes_at", "must be an ISO 8601 time with hours")
        if not isinstance(self.after_closing, bool):
            raise SlipError("wait.after_closing", "must be true or false")

    @classmethod
    def from_json(cls, data: object) -> SlipWait:
        """Build from the hub's wait object; unknown keys (``as_of``) are ignored."""
        if isinstance(data, SlipWait):
            return data
        if not isinstance(data, Mapping):
            raise SlipError("wait", "must be a JSON object")
        after_closing = data.get("after_closing")
        return cls(
            # Any type may arrive here; __post_init__ checks each field.
            state=data.get("state", ""),
            minutes=data.get("minutes"),
            low=data.get("low"),
            high=data.get("high"),
            resumes_at=data.get("resumes_at"),
            after_closing=False if after_closing is None else after_closing,
        )


def _check_text(field: str, value: object, *, max_length: int) -> str:
    if not isinstance(value, str):
        raise SlipError(field, "must be a string")
    if not value.strip():
        raise SlipError(field, "must not be empty")
    if len(value) > max_length:
        raise SlipError(field, f"must be at most {max_length} characters")
    # Control bytes would reach the printer as commands (cut, drawer kick, ...).
    if _CONTROL_CHARACTERS.search(value):
        raise SlipError(field, "must not contain control characters")
    return value


def _check_count(field: str, value: object, *, maximum: int) -> None:
    # bool is an int subclass; true/false from a page is a bug, not a count.
    if not isinstance(value, int) or isinstance(value, bool):
        raise SlipError(field, "must be a whole number")
    if not 0 <= value <= maximum:
        raise SlipError(field, f"must be between 0 and {maximum}")


def _check_url(field: str, value: object) -> None:
    url = _check_text(field, value, max_length=300)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise SlipError(field, "must be an http(s) URL")


def _parse_time(value: object, field: str = "issued_at") -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) > 40:
        raise SlipError(field, "must be an ISO 8601 time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise SlipError(field, f"is not an ISO 8601 time: {value!r}") from None
    if parsed.utcoffset() is None:
        raise SlipError(field, "must include a UTC offset, e.g. '+08:00'")
    return parsed


# -- paper -------------------------------------------------------------------


@dataclass(frozen=True)
class PaperWidth:
    """A thermal paper roll: ``columns`` of Font A (12 dots) on ``dots`` printable
    dots; a Chinese character takes two columns. ``qr_module`` is the largest QR
    module, in dots, for a short tracking link."""

    mm: int
    columns: int
    dots: int
    qr_module: int


PAPER_WIDTHS: dict[int, PaperWidth] = {
    58: PaperWidth(mm=58, columns=32, dots=384, qr_module=5),
    80: PaperWidth(mm=80, columns=48, dots=576, qr_module=6),
}
DEFAULT_PAPER_MM = 80


def paper_width(value: object) -> PaperWidth:
    """The paper for a setting such as ``58``, ``"80"`` or ``"58mm"``; ``ValueError`` if none."""
    if isinstance(value, PaperWidth):
        return value
    text = str(value).strip().lower().removesuffix("mm").strip()
    if not text.isdigit() or int(text) not in PAPER_WIDTHS:
        raise ValueError(f"paper width must be 58 or 80 (mm), not {value!r}")
    return PAPER_WIDTHS[int(text)]


def text_columns(text: str) -> int:
    """Columns ``text`` takes on the printer: 1 for ASCII, 2 for a character sent in
    Chinese mode (every non-ASCII one: GB18030 prints it full width)."""
    return sum(1 if character.isascii() else 2 for character in text)


_NO_LINE_START = frozenset("，。、；：！？）】」』》〉”’%,.;:!?)]")
_NO_LINE_END = frozenset("（【「『《〈“‘([")


def wrap_columns(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` columns: between any two Chinese
    characters, at a space inside Latin words, and inside a word only when it is
    longer than a line. No line starts or ends with a space, none starts with a
    closing mark (，。）…) or ends with an opening one (（“…)."""
    width = max(width, 2)
    lines: list[str] = []
    current = ""
    for character in text:
        if current and text_columns(current + character) > width:
            head, space, tail = current.rpartition(" ")
            if space and head.strip() and character != " " and character.isascii() \
                    and tail.isascii():
                lines.append(head.rstrip())
                current = tail
            else:
                # 禁则: a closing mark never starts a line, an opening one never ends one.
                carry = 0
                if width >= 6 and len(current) > 1 and character in _NO_LINE_START:
                    carry = 1
                while width >= 6 and len(current) > carry + 1 \
                        and current[-1 - carry] in _NO_LINE_END:
                    carry += 1
                carry = min(carry, 2)
                head, current = current[: len(current) - carry], current[len(current) - carry :]
                lines.append(head.rstrip())
                current = current.lstrip()
        if character == " " and not current:
            continue
        current += character
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def fit_scale(text: str, scale: int, columns: int) -> int:
    """The largest scale up to ``scale`` at which the longest unbreakable part of
    ``text`` (a Latin word or number, or one Chinese character) fits on a line."""
    words = re.split(r"[^\x21-\x7e]+", text)
    longest = max([len(word) for word in words] + [2 if not text.isascii() else 1])
    while scale > 1 and longest * scale > columns:
        scale -= 1
    return scale


# -- layout ------------------------------------------------------------------

Align = Literal["left", "center"]


@dataclass(frozen=True)
class TextLine:
    """One paragraph of text; ``scale`` multiplies width and height (1-8)."""

    text: str
    scale: int = 1
    bold: bool = False
    align: Align = "center"


@dataclass(frozen=True)
class QrCode:
    """A QR code holding ``data``."""

    data: str


@dataclass(frozen=True)
class Rule:
    """A horizontal separator."""


Block = TextLine | QrCode | Rule


def eta_text(eta_minutes: int | None) -> str:
    """The waiting-time line: an estimate in minutes, or a dash when unknown."""
    if eta_minutes is None:
        return "预计等待：—"
    return f"预计等待约 {eta_minutes} 分钟"


# The kiosk screen's words for a wait: the same strings as the w_* keys of
# assets/js/strings/waits.js (tests/kiosk/test_kiosk_slip_wait.py runs the pages'
# waitText in Chromium and checks the printed slip says the same).
WAIT_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "w_now": "马上办理", "w_about": "约 {n} 分钟", "w_range": "约 {low}–{high} 分钟",
        "w_no_window": "暂无窗口办理，请咨询导服台",
        "w_resumes": "{time} 恢复办理，预计等待约 {n} 分钟",
        "w_resumes_range": "{time} 恢复办理，预计等待约 {low}–{high} 分钟",
        "w_closed": "今日已停止办理", "w_after_closing": "今日下班前可能无法办理", "w_unknown": "—",
    },
    "en": {
        "w_now": "Served now", "w_about": "about {n} min", "w_range": "about {low}–{high} min",
        "w_no_window": "No window serving this now; please ask at the help desk",
        "w_resumes": "Resumes at {time}; wait about {n} min",
        "w_resumes_range": "Resumes at {time}; wait about {low}–{high} min",
        "w_closed": "Closed for today", "w_after_closing": "May not be served before closing today",
        "w_unknown": "—",
    },
}
WaitLanguage = Literal["zh", "en"]


def wait_text(wait: SlipWait, lang: WaitLanguage) -> str:
    """The words for ``wait``, as ``Jiaohao.waitText`` puts them on the kiosk's screen."""
    words = WAIT_WORDS[lang]
    floor = 0 if wait.state == "now" else 1

    def less(n: int | None) -> int:
        return max(floor, n or 0)

    if wait.state in ("now", "no_window", "closed"):
        return words[{"now": "w_now", "no_window": "w_no_window", "closed": "w_closed"}[wait.state]]
    wide = wait.low is not None and wait.high is not None and wait.high - wait.low >= 10
    if wait.state == "resumes":
        match = _CLOCK.search(wait.resumes_at or "")
        time = f"{match[1]}:{match[2]}" if match else ""
        if wait.minutes is None:
            return words["w_no_window"]
        if wide:
            low, high = less(wait.low), less(wait.high)
            return words["w_resumes_range"].format(time=time, low=low, high=high)
        return words["w_resumes"].format(time=time, n=less(wait.minutes))
    if wait.minutes is None:
        return words["w_unknown"]
    if wait.minutes >= 20 and wide:
        return words["w_range"].format(low=less(wait.low), high=less(wait.high))
    return words["w_about"].format(n=less(wait.minutes))


def wait_lines(slip: TicketSlip) -> tuple[str, ...]:
    """The slip's wait, Chinese then English: the screen's words for the hub's wait."""
    wait = slip.wait
    if wait is None:  # a page older than the wait object: minutes, and its own note
        if slip.ahead == 0 and not slip.eta_minutes:
            return (WAIT_WORDS["zh"]["w_now"], WAIT_WORDS["en"]["w_now"])
        return tuple(line for line in (eta_text(slip.eta_minutes), slip.wait_note) if line)
    zh, en = wait_text(wait, "zh"), wait_text(wait, "en")
    if wait.state == "queue":  # a bare figure needs its label
        zh = "预计等待：—" if wait.minutes is None else "预计等待" + zh
        en = "Estimated wait: " + en
    lines = [zh, en]
    if wait.after_closing and wait.state != "closed":
        lines += [WAIT_WORDS["zh"]["w_after_closing"], WAIT_WORDS["en"]["w_after_closing"]]
    return tuple(lines)


def materials_hint(materials: tuple[str, ...]) -> str | None:
    """A short "bring these" line naming the first few materials, or None."""
    if not materials:
        return None
    hint = "请携带：" + "、".join(materials[:MATERIALS_SHOWN])
    if len(materials) > MATERIALS_SHOWN:
        hint += f"等{len(materials)}项"
    return hint


def slip_layout(slip: TicketSlip) -> tuple[Block, ...]:
    """What the slip says, top to bottom, shared by the printer and the preview."""
    tags = [label for label in ("预约" if slip.appointment else None, slip.priority_label) if label]
    hint = materials_hint(slip.materials)
    blocks: list[Block | None] = [
        TextLine(slip.center_name, bold=True),
        TextLine(REPRINT_MARK, scale=SERVICE_SCALE, bold=True) if slip.reprinted_at else None,
        TextLine("  ".join(tags), bold=True) if tags else None,
        TextLine(slip.number, scale=NUMBER_SCALE, bold=True),
        TextLine(slip.service_name, scale=SERVICE_SCALE),
        TextLine(slip.service_name_en) if slip.service_name_en else None,
        Rule(),
        TextLine(f"前面还有 {slip.ahead} 人"),
        *(TextLine(line) for line in wait_lines(slip)),
        TextLine(f"取号时间：{slip.issued_at:%Y-%m-%d %H:%M}"),
        TextLine(f"补打时间：{slip.reprinted_at:%Y-%m-%d %H:%M}") if slip.reprinted_at else None,
        QrCode(slip.track_url),
        TextLine("扫码查看排队进度 Scan to follow your turn"),
        TextLine(hint, align="left") if hint else None,
        Rule(),
        TextLine("请留意叫号", bold=True),
        TextLine("Please wait for your number to be called"),
        TextLine(f"投诉电话：{slip.complaint_phone}"),
    ]
    return tuple(block for block in blocks if block is not None)


# -- the printer, as the kiosk sees it ------------------------------------------

# What the kiosk screen and the dashboard show: Chinese first, then English.
OFFLINE = "打印机离线 / printer offline"
PAPER_OUT = "缺纸 / out of paper"
COVER_OPEN = "纸仓盖打开 / cover open"
PRINTER_FAULT = "打印机故障 / printer error"
NO_PRINTER = "未配置打印机 / no printer"
WRITE_FAILED = "打印中断 / printing interrupted"
DRIVER_MISSING = "打印机驱动未安装 / printer driver missing"
NOT_RESPONDING = "打印机无响应 / printer not responding"

Paper = Literal["ok", "low", "out", "unknown"]


@dataclass(frozen=True)
class PrinterStatus:
    """How the printer is; ``error`` is a plain sentence when it cannot print."""

    online: bool
    paper: Paper
    cover_open: bool | None
    error: str | None

    def to_dict(self) -> dict[str, object]:
        """The status as a JSON-ready dict (for the hub and the dashboard)."""
        return {
            "online": self.online,
            "paper": self.paper,
            "cover_open": self.cover_open,
            "error": self.error,
        }


class PrinterError(Exception):
    """The ticket was not printed; ``str(error)`` is fit to show on the kiosk screen."""

    def __init__(self, message: str, status: PrinterStatus) -> None:
        super().__init__(message)
        self.status = status


class TicketPrinter(Protocol):
    """What the kiosk needs from a printer."""

    def print_slip(self, slip: TicketSlip) -> None:
        """Print one ticket, or raise ``PrinterError`` with a message for the screen."""

    def status(self) -> PrinterStatus:
        """Report whether the printer can print now; printer faults come back as a status."""
