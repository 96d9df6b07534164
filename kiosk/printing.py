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
from typing import Annotated, Any, Literal, Protocol, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainValidator, ValidationError
from pydantic_core import PydanticCustomError

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
    """Everything printed on one ticket. Construction validates every field
    (through ``_SlipFields``, the pydantic model of a slip)."""

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
        checked = _read(_SlipFields, {f.name: getattr(self, f.name) for f in fields(self)})
        for name, value in _slip_values(checked).items():
            if name != "wait" or not isinstance(self.wait, SlipWait):
                object.__setattr__(self, name, value)  # e.g. a list of materials as a tuple

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
        given = {key: value for key, value in data.items() if value is not None}
        return cls(**_slip_values(_read(_SlipFields, given)))


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
        _read(_WaitFields, {f.name: getattr(self, f.name) for f in fields(self)}, "wait.")

    @classmethod
    def from_json(cls, data: object) -> SlipWait:
        """Build from the hub's wait object; unknown keys (``as_of``) are ignored."""
        if isinstance(data, SlipWait):
            return data
        if not isinstance(data, Mapping):
            raise SlipError("wait", "must be a JSON object")
        return cls(**_read(_WaitFields, _wait_given(data), "wait.").model_dump())


# -- the slip's schema: what a page may hand over ------------------------------------


def _printable(value: object, max_length: int) -> str:
    """Printable text: not blank, at most ``max_length`` characters, no control bytes
    (they would reach the printer as commands: cut, drawer kick, ...)."""
    if not isinstance(value, str):
        raise PydanticCustomError("text", "must be a string")
    if not value.strip():
        raise PydanticCustomError("text", "must not be empty")
    if len(value) > max_length:
        raise PydanticCustomError("text", "must be at most {n} characters", {"n": max_length})
    if _CONTROL_CHARACTERS.search(value):
        raise PydanticCustomError("text", "must not contain control characters")
    return value


def _text(max_length: int) -> PlainValidator:
    return PlainValidator(lambda value: _printable(value, max_length))


def _count(maximum: int) -> PlainValidator:
    def check(value: object) -> int:
        # bool is an int subclass; true/false from a page is a bug, not a count.
        if not isinstance(value, int) or isinstance(value, bool):
            raise PydanticCustomError("count", "must be a whole number")
        if not 0 <= value <= maximum:
            raise PydanticCustomError("count", "must be between 0 and {n}", {"n": maximum})
        return value

    return PlainValidator(check)


def _number(value: object) -> str:
    if not isinstance(value, str) or not _NUMBER.fullmatch(value):
        raise PydanticCustomError("number", "must be 1-12 letters, digits or '-', e.g. 'A012'")
    return value


def _url(value: object) -> str:
    url = _printable(value, 300)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise PydanticCustomError("url", "must be an http(s) URL")
    return url


def _phone(value: object) -> str:
    phone = _printable(value, 30)
    if not _PHONE.fullmatch(phone) or not any(c.isdigit() for c in phone):
        raise PydanticCustomError("phone", "must be a phone number such as '12345'")
    return phone


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise PydanticCustomError("flag", "must be true or false")
    return value


def _moment(value: object) -> datetime:
    """An aware time: a datetime, or an ISO 8601 string with its offset."""
    if isinstance(value, datetime):
        parsed = value
    elif not isinstance(value, str) or len(value) > 40:
        raise PydanticCustomError("time", "must be an ISO 8601 time string")
    else:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("time", "is not an ISO 8601 time: {value}",
                                      {"value": repr(value)}) from None
    if parsed.utcoffset() is None:
        raise PydanticCustomError("time", "must include a UTC offset, e.g. '+08:00'")
    return parsed


def _list_of_materials(value: object) -> object:
    if not isinstance(value, list | tuple):
        raise PydanticCustomError("list", "must be a list of strings")
    if len(value) > 50:
        raise PydanticCustomError("list", "must be a list of at most 50 strings")
    return tuple(value)


def _state(value: object) -> str:
    if value not in WAIT_STATES:
        raise PydanticCustomError("state", "must be one of {states}",
                                  {"states": ", ".join(WAIT_STATES)})
    return str(value)


def _resumes_at(value: object) -> str:
    _moment(value)
    if not _CLOCK.search(str(value)):
        raise PydanticCustomError("time", "must be an ISO 8601 time with hours")
    return str(value)


def _wait_given(value: Mapping[str, object]) -> dict[str, object]:
    given = dict(value)
    if given.get("after_closing") is None:
        given.pop("after_closing", None)
    return given


def _wait_object(value: object) -> object:
    if isinstance(value, SlipWait):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if not isinstance(value, Mapping):
        raise PydanticCustomError("object", "must be a JSON object")
    return _wait_given(value)


class _Fields(BaseModel):
    # Unknown keys are ignored (a newer hub page's); a missing state is checked as "".
    model_config = ConfigDict(extra="ignore", frozen=True, validate_default=True)


class _WaitFields(_Fields):
    state: Annotated[str, PlainValidator(_state)] = ""
    minutes: Annotated[int, _count(10_000)] | None = None
    low: Annotated[int, _count(10_000)] | None = None
    high: Annotated[int, _count(10_000)] | None = None
    resumes_at: Annotated[str, PlainValidator(_resumes_at)] | None = None
    after_closing: Annotated[bool, PlainValidator(_flag)] = False


class _SlipFields(_Fields):
    center_name: Annotated[str, _text(40)]
    number: Annotated[str, PlainValidator(_number)]
    service_name: Annotated[str, _text(40)]
    service_name_en: Annotated[str, _text(80)] | None = None
    ahead: Annotated[int, _count(100_000)]
    eta_minutes: Annotated[int, _count(10_000)] | None = None
    issued_at: Annotated[datetime, PlainValidator(_moment)]
    track_url: Annotated[str, PlainValidator(_url)]
    materials: Annotated[tuple[Annotated[str, _text(60)], ...],
                         BeforeValidator(_list_of_materials)] = ()
    complaint_phone: Annotated[str, PlainValidator(_phone)]
    priority_label: Annotated[str, _text(16)] | None = None
    appointment: Annotated[bool, PlainValidator(_flag)] = False
    wait_note: Annotated[str, _text(40)] | None = None
    wait: Annotated[_WaitFields, BeforeValidator(_wait_object)] | None = None
    reprinted_at: Annotated[datetime, PlainValidator(_moment)] | None = None


_M = TypeVar("_M", bound=BaseModel)


def _read(model: type[_M], values: Mapping[str, object], prefix: str = "") -> _M:
    """``values`` as ``model``, or the SlipError naming the first bad field
    (``materials.1``, ``wait.state``: the hub's way of naming a field)."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        path = ".".join(str(part) for part in first["loc"])
        message = "is required" if first["type"] == "missing" else first["msg"]
        raise SlipError(prefix + path, message) from None


def _slip_values(checked: _SlipFields) -> dict[str, Any]:
    values = {name: getattr(checked, name) for name in _SlipFields.model_fields}
    if checked.wait is not None:
        values["wait"] = SlipWait(**checked.wait.model_dump())
    return values


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
