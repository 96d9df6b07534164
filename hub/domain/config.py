"""The center's configuration as typed, validated, immutable data.

A configuration arrives as a plain mapping (parsed TOML, a JSON body from the
dashboard, or the payload of a `ConfigChanged` event) and is checked whole:
the first thing wrong is refused with a `ConfigError` naming the field, e.g.
`services.2.prefix` (the path every error answer of the hub names a field by).
Nothing here reads files or the clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from functools import cached_property
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    PlainValidator,
    ValidationError,
)
from pydantic_core import PydanticCustomError, core_schema


class ConfigError(ValueError):
    """A configuration that cannot be used; `field` names the offending entry."""

    code = "invalid_config"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Text:
    """A text shown to people, Chinese first, English optional."""

    zh: str
    en: str = ""

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.zh

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Guide:
    """办事指南: what a citizen must know before queueing (一次性告知)."""

    materials: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    time_limit: str = ""
    fees: str = ""
    basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "materials": list(self.materials),
            "conditions": list(self.conditions),
            "time_limit": self.time_limit,
            "fees": self.fees,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Service:
    id: str
    prefix: str
    name: Text
    category: Text
    guide: Guide
    daily_cap: int = 999
    cutoff_minutes: int = 30
    appointment_capacity: int = 0
    wait_alert_minutes: int = 30
    handling_minutes: float = 8.0


@dataclass(frozen=True)
class Window:
    id: int
    name: Text
    services: tuple[tuple[str, float], ...]
    comprehensive: bool = False

    def weight(self, service: str) -> float | None:
        return self._weights.get(service)

    @cached_property
    def service_ids(self) -> tuple[str, ...]:
        return tuple(service_id for service_id, _ in self.services)

    # Derived from `services` once (a frozen dataclass: cached_property writes the
    # instance __dict__; it takes no part in equality). The first weight of a
    # service named twice wins, as the scan it replaces did.
    @cached_property
    def _weights(self) -> dict[str, float]:
        found: dict[str, float] = {}
        for service_id, weight in self.services:
            found.setdefault(service_id, weight)
        return found


@dataclass(frozen=True)
class PriorityClass:
    id: str
    name: Text
    weight: float = 1.0


@dataclass(frozen=True)
class Hours:
    """Opening hours of a working day, with the lunch break between the spans."""

    spans: tuple[tuple[time, time], ...]
    issue_early_minutes: int = 30
    calendar: str = "china"
    extra_holidays: tuple[date, ...] = ()
    extra_workdays: tuple[date, ...] = ()

    @property
    def opening(self) -> time:
        return self.spans[0][0]

    @property
    def closing(self) -> time:
        return self.spans[-1][1]

    @cached_property
    def working_days(self) -> dict[date, bool]:
        """Memo of `hub.domain.calendar.is_working_day` for these hours (a pure
        function of them and the day; asked several times per ticket)."""
        return {}


@dataclass(frozen=True)
class QueueRules:
    priority_ratio: int = 3
    transfer_place: str = "front"
    auto_no_show_after_recalls: int = 0
    appointment_early_minutes: int = 15
    appointment_late_minutes: int = 15
    late_appointment: str = "walk_in"
    pause_reasons: tuple[str, ...] = ("午休", "会议", "临时离开", "请假", "外出办事")


@dataclass(frozen=True)
class CloseOut:
    """What happens to tickets left at closing (the optional [close_out] table).

    `after_minutes` after closing, tickets still waiting or suspended are marked
    未办结 with `reason`; those already called or being served are left to finish
    (`finish_called`) until `force_after_minutes` after closing, then closed too.
    With `carry_over`, each closed-out waiting ticket gets an appointment in the
    first slot of the next working day with room for its service.
    """

    enabled: bool = True
    after_minutes: int = 15
    finish_called: bool = True
    force_after_minutes: int = 120
    carry_over: bool = False
    reason: str = "已到下班时间，今日未能办理"


COMPLAINT_CLASSES = ("on_spot", "next_day", "multi_unit")


@dataclass(frozen=True)
class SupervisionRules:
    """督查 deadlines in working days: a complaint's by its class (answered on the
    spot, by the next working day, within a week when several units are involved)
    and the call-back and rectification of a bad rating (回访, 整改)."""

    complaint_days: tuple[tuple[str, int], ...] = (("on_spot", 0), ("next_day", 1),
                                                   ("multi_unit", 5))
    follow_up_days: int = 15
    call_back_sample: int = 5  # tickets drawn for a phone call-back, by default

    def complaint_deadline(self, deadline_class: str) -> int | None:
        """Working days to answer a complaint of `deadline_class` (None: no such class)."""
        return dict(self.complaint_days).get(deadline_class)


# 办件 stages: ids with their built-in names; a center may name more in [cases.stage_names].
CASE_STAGE_NAMES = {
    "accepted": ("受理", "Accepted"), "review": ("审核", "Under review"),
    "approval": ("审批", "Approval"), "done": ("办结", "Done"),
    "delivered": ("送达", "Delivered"), "collected": ("领取", "Collected"),
}
CASE_STAGES = ("accepted", "review", "done", "delivered")


@dataclass(frozen=True)
class CaseRules:
    """[cases]: 承诺件 deadlines in working days and stages, by default and per service.

    Stages run in order; the first is "accepted" (受理) and "done" (办结) is among
    them; stages after "done" are how the result reaches the citizen (送达/领取).
    `due_soon_days`: a case with this many working days or fewer left is due soon.
    """

    default_days: int = 10
    stages: tuple[str, ...] = CASE_STAGES
    due_soon_days: int = 1
    services: tuple[tuple[str, int, tuple[str, ...]], ...] = ()  # (service, days, stages)
    stage_names: tuple[tuple[str, str, str], ...] = ()  # (id, zh, en) beyond the built-ins

    def days_for(self, service: str) -> int:
        return next((days for s, days, _ in self.services if s == service), self.default_days)

    def stages_for(self, service: str) -> tuple[str, ...]:
        return next((stages for s, _, stages in self.services if s == service), self.stages)

    def stage_name(self, stage: str) -> Text:
        for stage_id, zh, en in self.stage_names:
            if stage_id == stage:
                return Text(zh=zh, en=en)
        zh, en = CASE_STAGE_NAMES.get(stage, (stage, stage))
        return Text(zh=zh, en=en)


# Kinds of notification the center sends (the outbox: hub/domain/notify.py).
NOTIFY_KINDS = ("booking_code", "reminder", "three_ahead", "called", "follow_up",
                "checkin_code", "case_accepted", "case_due_soon", "case_done",
                "materials_notice", "booking_verify")


@dataclass(frozen=True)
class NotifyRules:
    """[notify]: the SMS template code of each kind of notification (a provider's
    template id such as "SMS_123456789"; the log sender shows it), when the day-before
    reminder goes out, and how long a one-time check-in code lives."""

    templates: tuple[tuple[str, str], ...] = tuple((kind, kind) for kind in NOTIFY_KINDS)
    reminder_at: time = time(17, 0)
    code_minutes: int = 5
    code_attempts: int = 5

    def template(self, kind: str) -> str:
        return dict(self.templates).get(kind, kind)


@dataclass(frozen=True)
class BookingRules:
    """[booking]: booking on the phone (hub/domain/appointments.py). How many working
    days ahead a citizen may book, how many appointments a phone may hold per day, the
    no-show policy (`no_show_limit` missed in `no_show_window_days` -> no booking for
    `no_show_block_days`; 0 turns it off), and how early before its slot an
    appointment may be checked in (0: any time on its day)."""

    horizon_days: int = 7
    per_phone_per_day: int = 1
    no_show_limit: int = 3
    no_show_window_days: int = 90
    no_show_block_days: int = 30
    checkin_early_minutes: int = 0


@dataclass(frozen=True)
class CenterConfig:
    id: str
    name: Text
    timezone: str
    services: tuple[Service, ...]
    windows: tuple[Window, ...]
    priority_classes: tuple[PriorityClass, ...]
    hours: Hours
    queue: QueueRules
    appointment_slots: tuple[tuple[time, time], ...]
    complaint_phone: str = ""
    promises: tuple[str, ...] = ()
    notice: Text = Text(zh="")  # 公告: the line that scrolls along the foot of the hall screens
    staff: tuple[Mapping[str, str], ...] = ()
    supervision: SupervisionRules = SupervisionRules()
    close_out: CloseOut = CloseOut()
    notify: NotifyRules = NotifyRules()
    cases: CaseRules = CaseRules()
    booking: BookingRules = BookingRules()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def service(self, service_id: str) -> Service | None:
        return self._services.get(service_id)

    def window(self, window_id: int) -> Window | None:
        return self._windows.get(window_id)

    def priority(self, class_id: str) -> PriorityClass | None:
        for priority in self.priority_classes:
            if priority.id == class_id:
                return priority
        return None

    def windows_serving(self, service_id: str) -> tuple[Window, ...]:
        found = self._serving.get(service_id)
        if found is None:
            found = tuple(w for w in self.windows if w.weight(service_id) is not None)
            self._serving[service_id] = found
        return found

    @cached_property
    def _serving(self) -> dict[str, tuple[Window, ...]]:
        return {}

    @cached_property
    def derived(self) -> dict[Any, Any]:
        """A memo for values derived from this configuration alone (the wait
        estimator's per-window priors): gone with the configuration."""
        return {}

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    # cached_property writes to the instance __dict__ directly, which a frozen
    # dataclass allows; the lookups are derived, so they take no part in equality.
    @cached_property
    def _services(self) -> dict[str, Service]:
        return {service.id: service for service in self.services}

    @cached_property
    def _windows(self) -> dict[int, Window]:
        return {window.id: window for window in self.windows}


# --------------------------------------------------------------------------- parsing
#
# The whole configuration is read by the pydantic models below (extra="forbid": an
# unknown key anywhere is refused). Each value type is a small marker class whose
# validator speaks the words the dashboard shows ("must be a whole number", "must be
# between 1 and 999"...); `_config_error` turns pydantic's first error into the
# ConfigError naming the entry by its path (`services.2.prefix`). The rules that
# relate entries to each other (ids used twice, a window serving an unknown service,
# overlapping spans, case stages) are checked in `_build`, on the validated models.

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_ID_MESSAGE = "must be lowercase letters, digits, - or _"


def _plain_schema(check: Any) -> core_schema.CoreSchema:
    return core_schema.no_info_plain_validator_function(check)


@dataclass(frozen=True)
class _Whole:
    """A whole number from low to high: `Annotated[int, _Whole(1, 60)]`."""

    low: int = 0
    high: int = 10**6

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise PydanticCustomError("whole", "must be a whole number")
        if not self.low <= value <= self.high:
            raise PydanticCustomError("range", "must be between {low} and {high}",
                                      {"low": self.low, "high": self.high})
        return value

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _plain_schema(self.check)


@dataclass(frozen=True)
class _Number:
    """A number (whole or not) greater than 0, as a float."""

    message: str = ""

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PydanticCustomError("number", self.message or "must be a number")
        if value <= 0:
            raise PydanticCustomError("number", self.message or "must be greater than 0")
        return float(value)

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _plain_schema(self.check)


@dataclass(frozen=True)
class _Name:
    """A non-empty string, stripped (`allow_empty`: "" too); `pattern` it must match
    once stripped (with `pattern_message`), `max_length` characters at most."""

    allow_empty: bool = False
    pattern: re.Pattern[str] | None = None
    pattern_message: str = ""
    max_length: int = 0

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or (not self.allow_empty and not value.strip()):
            raise PydanticCustomError("text", "must be a non-empty string")
        value = value.strip()
        if self.pattern is not None and not self.pattern.match(value):
            raise PydanticCustomError("pattern", self.pattern_message)
        if self.max_length and len(value) > self.max_length:
            raise PydanticCustomError("length", "must be at most {n} characters",
                                      {"n": self.max_length})
        return value

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _plain_schema(self.check)


@dataclass(frozen=True)
class _Choice:
    """One of a few words."""

    options: tuple[str, ...]

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or value.strip() not in self.options:
            quoted = [f'"{option}"' for option in self.options]
            raise PydanticCustomError(
                "choice", f"must be {', '.join(quoted[:-1])} or {quoted[-1]}")
        return value.strip()

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _plain_schema(self.check)


class _Bool:
    """true or false, nothing that merely looks like it (bool("no") would be True)."""

    @staticmethod
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise PydanticCustomError("bool", "must be true or false")
        return value

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _plain_schema(self.check)


class _Strings:
    """A list of non-empty strings, stripped, as a tuple."""

    @staticmethod
    def check(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list | tuple):
            raise PydanticCustomError("list", "must be a list")
        if not all(isinstance(item, str) and item.strip() for item in value):
            raise PydanticCustomError("strings", "must be a list of non-empty strings")
        return tuple(item.strip() for item in value)

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _plain_schema(self.check)


class _Span:
    """An opening span such as "08:30-12:00"."""

    @staticmethod
    def check(value: Any) -> tuple[time, time]:
        match = _SPAN.match(value) if isinstance(value, str) else None
        if not match:
            raise PydanticCustomError("span", 'must look like "08:30-12:00"')
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise PydanticCustomError("span", "is not a time of day")
        start, end = time(h1, m1), time(h2, m2)
        if start >= end:
            raise PydanticCustomError("span", "must end after it starts")
        return start, end

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _plain_schema(self.check)


class _Date:
    """A date: a TOML date or an ISO string (as it travels in JSON)."""

    @staticmethod
    def check(value: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise PydanticCustomError("date", "must be a date like 2026-10-01") from None

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _plain_schema(self.check)


class _Clock:
    """A time of day such as "17:00"."""

    @staticmethod
    def check(value: Any) -> time:
        match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", value) if isinstance(value, str) \
            else None
        if not match:
            raise PydanticCustomError("clock", "must be a time of day like 17:00")
        return time(int(match.group(1)), int(match.group(2)))

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return _plain_schema(self.check)


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError("timezone", "unknown time zone {zone}",
                                  {"zone": repr(value)}) from None
    return value


NOTICE_MAX = 300  # characters of a 公告, in each language


def _notice_line(value: Any) -> str:
    """One language of the 公告: one line, no control characters, NOTICE_MAX at most."""
    if not isinstance(value, str):
        raise PydanticCustomError("text", "must be a string")
    text = " ".join(value.split())  # one line: the screen scrolls it sideways
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in text):
        raise PydanticCustomError("control", "must not contain control characters")
    if len(text) > NOTICE_MAX:
        raise PydanticCustomError("length", f"must be at most {NOTICE_MAX} characters")
    return text


def _text_shorthand(value: Any) -> Any:
    """A text is "中文" or {zh, en}; a blank string is no text."""
    if isinstance(value, str):
        if not value.strip():
            raise PydanticCustomError("text", "must be a non-empty string")
        return {"zh": value}
    return value


def _notice_shorthand(value: Any) -> Any:
    if isinstance(value, str):
        return {"zh": value}
    if not isinstance(value, Mapping):
        raise PydanticCustomError("notice", "must be a text or {zh, en}")
    return value


_ERROR_WORDS = {"missing": "is required", "extra_forbidden": "is not a known setting",
                "model_type": "must be a table/object", "dict_type": "must be a table/object",
                "model_attributes_type": "must be a table/object",
                "list_type": "must be a list", "tuple_type": "must be a list",
                "bool_type": "must be true or false", "int_type": "must be a whole number",
                "string_type": "must be a non-empty string"}


def _path(loc: tuple[int | str, ...]) -> str:
    """pydantic's location as every error answer names a field: `services.2.prefix`."""
    return ".".join(str(part) for part in loc) or "config"


def _config_error(error: ValidationError) -> ConfigError:
    """The ConfigError for pydantic's first error (unknown keys last)."""
    problems = error.errors(include_url=False)
    first = sorted(problems, key=lambda p: p["type"] == "extra_forbidden")[0]
    return ConfigError(_path(tuple(first["loc"])),
                       _ERROR_WORDS.get(first["type"], first["msg"]))


class _Table(BaseModel):
    # Defaults are not validated: a default that stands for "derived from another
    # entry" (a window's name, a service's category) is read through model_fields_set.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


_Id = Annotated[str, _Name(pattern=_ID, pattern_message=_ID_MESSAGE)]
_Str = Annotated[str, _Name()]
_MaybeStr = Annotated[str, _Name(allow_empty=True)]
_Names = Annotated[tuple[str, ...], _Strings()]
_Flag = Annotated[bool, _Bool()]


class _TextTable(_Table):
    zh: _Str
    en: _MaybeStr = ""

    def text(self) -> Text:
        return Text(zh=self.zh, en=self.en)


_TextValue = Annotated[_TextTable, BeforeValidator(_text_shorthand)]


class _NoticeTable(_Table):
    zh: Annotated[str, PlainValidator(_notice_line)] = ""
    en: Annotated[str, PlainValidator(_notice_line)] = ""


class _StaffTable(_Table):
    name: _Str
    post: _MaybeStr = ""
    window: Annotated[int, _Whole(0, 999)] = 0
    username: _MaybeStr = ""
    photo: _MaybeStr = ""


class _CenterTable(_Table):
    id: _Id
    timezone: Annotated[str, _Name(), AfterValidator(_timezone)] = "Asia/Shanghai"
    name: _TextValue
    complaint_phone: _MaybeStr = ""
    promises: _Names = ()
    notice: Annotated[_NoticeTable, BeforeValidator(_notice_shorthand)] = _NoticeTable()
    staff: list[_StaffTable] = []


class _GuideTable(_Table):
    materials: _Names = ()
    conditions: _Names = ()
    time_limit: _MaybeStr = ""
    fees: _MaybeStr = ""
    basis: _MaybeStr = ""


class _ServiceTable(_Table):
    id: _Id
    prefix: Annotated[str, _Name(pattern=re.compile(r"^[A-Z]$"),
                                 pattern_message="must be one capital letter A-Z")]
    name: _TextValue
    category: _TextValue = _TextTable(zh="-")  # the name, unless given
    guide: _GuideTable = _GuideTable()
    daily_cap: Annotated[int, _Whole(1, 999)] = 999
    cutoff_minutes: Annotated[int, _Whole(0, 600)] = 30
    appointment_capacity: Annotated[int, _Whole(0, 1000)] = 0
    wait_alert_minutes: Annotated[int, _Whole(1, 1440)] = 30
    handling_minutes: Annotated[float, _Number()] = 8.0


def _served(value: Any) -> Any:
    """A window's services: {id = weight} or a plain list of ids, each weighing 1."""
    if isinstance(value, list):
        if not all(isinstance(service_id, str) for service_id in value):
            raise PydanticCustomError("services", "must list service ids")
        value = dict.fromkeys(value, 1)
    if not isinstance(value, Mapping) or not value:
        raise PydanticCustomError("services", "must name at least one service")
    return dict(value)


class _WindowTable(_Table):
    id: Annotated[int, _Whole(1, 999)]
    name: _TextValue = _TextTable(zh="-")  # "N号窗口", unless given
    services: Annotated[
        dict[str, Annotated[float, _Number("weight must be a number greater than 0")]],
        BeforeValidator(_served)]
    comprehensive: _Flag = False  # serving more than two services, unless given


class _PriorityTable(_Table):
    id: _Id
    name: _TextValue
    weight: Annotated[float, _Number()] = 1.0


class _HoursTable(_Table):
    spans: list[Annotated[tuple[time, time], _Span()]] = [
        (time(8, 30), time(12, 0)), (time(13, 30), time(17, 30))]
    issue_early_minutes: Annotated[int, _Whole(0, 240)] = 30
    calendar: Annotated[str, _Choice(("china", "weekdays", "every_day"))] = "china"
    extra_holidays: list[Annotated[date, _Date()]] = []
    extra_workdays: list[Annotated[date, _Date()]] = []


class _QueueTable(_Table):
    priority_ratio: Annotated[int, _Whole(1, 100)] = 3
    transfer_place: Annotated[str, _Choice(("front", "arrival"))] = "front"
    auto_no_show_after_recalls: Annotated[int, _Whole(0, 10)] = 0
    appointment_early_minutes: Annotated[int, _Whole(0, 240)] = 15
    appointment_late_minutes: Annotated[int, _Whole(0, 240)] = 15
    late_appointment: Annotated[str, _Choice(("walk_in", "refuse"))] = "walk_in"
    pause_reasons: _Names = QueueRules.pause_reasons


class _ComplaintDays(_Table):
    on_spot: Annotated[int, _Whole(0, 30)] = dict(SupervisionRules.complaint_days)["on_spot"]
    next_day: Annotated[int, _Whole(0, 30)] = dict(SupervisionRules.complaint_days)["next_day"]
    multi_unit: Annotated[int, _Whole(0, 30)] = \
        dict(SupervisionRules.complaint_days)["multi_unit"]


class _SupervisionTable(_Table):
    complaint_days: _ComplaintDays = _ComplaintDays()
    follow_up_days: Annotated[int, _Whole(1, 60)] = 15
    call_back_sample: Annotated[int, _Whole(1, 50)] = 5


class _CloseOutTable(_Table):
    enabled: _Flag = True
    after_minutes: Annotated[int, _Whole(0, 600)] = 15
    finish_called: _Flag = True
    force_after_minutes: Annotated[int, _Whole(0, 1440)] = 120
    carry_over: _Flag = False
    reason: Annotated[str, _Name(max_length=40)] = CloseOut.reason


class _NotifyTable(_Table):
    templates: dict[str, Annotated[str, _Name(max_length=64)]] = {}
    reminder_at: Annotated[time, _Clock()] = time(17, 0)
    code_minutes: Annotated[int, _Whole(1, 30)] = 5
    code_attempts: Annotated[int, _Whole(1, 10)] = 5


class _BookingTable(_Table):
    horizon_days: Annotated[int, _Whole(1, 60)] = 7
    per_phone_per_day: Annotated[int, _Whole(1, 10)] = 1
    no_show_limit: Annotated[int, _Whole(0, 20)] = 3
    no_show_window_days: Annotated[int, _Whole(1, 365)] = 90
    no_show_block_days: Annotated[int, _Whole(1, 365)] = 30
    checkin_early_minutes: Annotated[int, _Whole(0, 480)] = 0


def _stage_ids(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PydanticCustomError("stages", "must be a list of stage ids")
    return tuple(value)


_StageIds = Annotated[tuple[str, ...], PlainValidator(_stage_ids)]


class _CaseServiceTable(_Table):
    days: Annotated[int, _Whole(1, 365)] = 10  # cases.default_days, unless given
    stages: _StageIds = CASE_STAGES  # cases.stages, unless given


class _CasesTable(_Table):
    default_days: Annotated[int, _Whole(1, 365)] = 10
    stages: _StageIds = CASE_STAGES
    due_soon_days: Annotated[int, _Whole(0, 30)] = 1
    services: dict[str, _CaseServiceTable] = {}
    stage_names: dict[str, _TextValue] = {}


class _ConfigModel(_Table):
    center: _CenterTable
    services: list[_ServiceTable]
    windows: list[_WindowTable]
    priority_classes: list[_PriorityTable] = []
    hours: _HoursTable = _HoursTable()
    queue: _QueueTable = _QueueTable()
    appointment_slots: list[Annotated[tuple[time, time], _Span()]] = []
    supervision: _SupervisionTable = _SupervisionTable()
    close_out: _CloseOutTable = _CloseOutTable()
    notify: _NotifyTable = _NotifyTable()
    cases: _CasesTable = _CasesTable()
    booking: _BookingTable = _BookingTable()


def parse_config(data: Mapping[str, Any]) -> CenterConfig:
    """Validate a whole configuration mapping and build the typed object."""
    if not isinstance(data, Mapping):
        raise ConfigError("config", "must be a table/object")
    # What is read is what travels in the ConfigChanged event: tables as dicts, lists
    # as lists (a tuple is a list too), dates as ISO strings.
    raw = _plain(data)
    try:
        model = _ConfigModel.model_validate(raw)
    except ValidationError as error:
        raise _config_error(error) from None
    return _build(model, raw)


def _build(m: _ConfigModel, raw: dict[str, Any]) -> CenterConfig:
    """The CenterConfig of validated tables, checking how their entries relate."""
    center = m.center
    if center.notice.en and not center.notice.zh:
        raise ConfigError("center.notice.zh", "give the Chinese text first")

    services = tuple(_service(s) for s in m.services)
    if not services:
        raise ConfigError("services", "must list at least one service")
    _unique(services, "services", "id", lambda s: s.id)
    _unique(services, "services", "prefix", lambda s: s.prefix)
    service_ids = {s.id for s in services}

    for i, window in enumerate(m.windows):
        for service_id in window.services:
            if service_id not in service_ids:
                raise ConfigError(f"windows.{i}.services.{service_id}",
                                  "is not a configured service")
    windows = tuple(_window(w) for w in m.windows)
    if not windows:
        raise ConfigError("windows", "must list at least one window")
    _unique(windows, "windows", "id", lambda w: w.id)

    priorities = tuple(PriorityClass(p.id, p.name.text(), p.weight) for p in m.priority_classes)
    _unique(priorities, "priority_classes", "id", lambda p: p.id)

    h = m.hours
    hours = Hours(spans=_spans(h.spans, "hours.spans"),
                  issue_early_minutes=h.issue_early_minutes, calendar=h.calendar,
                  extra_holidays=tuple(h.extra_holidays),
                  extra_workdays=tuple(h.extra_workdays))
    if not hours.spans:
        raise ConfigError("hours.spans", "must list at least one opening span")

    close_out = CloseOut(**m.close_out.model_dump())
    if close_out.force_after_minutes < close_out.after_minutes:
        raise ConfigError("close_out.force_after_minutes", "must not be before after_minutes")

    unknown = sorted(set(m.notify.templates) - set(NOTIFY_KINDS))
    if unknown:
        raise ConfigError(f"notify.templates.{unknown[0]}", "is not a known setting")
    notify = NotifyRules(
        templates=tuple((kind, m.notify.templates.get(kind, kind)) for kind in NOTIFY_KINDS),
        reminder_at=m.notify.reminder_at, code_minutes=m.notify.code_minutes,
        code_attempts=m.notify.code_attempts)

    t = m.supervision
    return CenterConfig(
        id=center.id,
        name=center.name.text(),
        timezone=center.timezone,
        services=services,
        windows=windows,
        priority_classes=priorities,
        hours=hours,
        queue=QueueRules(**m.queue.model_dump()),
        appointment_slots=_spans(m.appointment_slots, "appointment_slots"),
        complaint_phone=center.complaint_phone,
        promises=center.promises,
        notice=Text(zh=center.notice.zh, en=center.notice.en),
        staff=tuple({"name": s.name, "post": s.post, "window": str(s.window),
                     "username": s.username, "photo": s.photo} for s in center.staff),
        supervision=SupervisionRules(
            complaint_days=tuple((name, getattr(t.complaint_days, name))
                                 for name in COMPLAINT_CLASSES),
            follow_up_days=t.follow_up_days, call_back_sample=t.call_back_sample),
        close_out=close_out,
        notify=notify,
        cases=_cases(m.cases, service_ids),
        booking=BookingRules(**m.booking.model_dump()),
        raw=raw,
    )


def _service(s: _ServiceTable) -> Service:
    g = s.guide
    name = s.name.text()
    return Service(
        id=s.id, prefix=s.prefix, name=name,
        category=s.category.text() if "category" in s.model_fields_set else name,
        guide=Guide(materials=g.materials, conditions=g.conditions, time_limit=g.time_limit,
                    fees=g.fees, basis=g.basis),
        daily_cap=s.daily_cap, cutoff_minutes=s.cutoff_minutes,
        appointment_capacity=s.appointment_capacity,
        wait_alert_minutes=s.wait_alert_minutes, handling_minutes=s.handling_minutes,
    )


def _window(w: _WindowTable) -> Window:
    pairs = tuple(w.services.items())
    return Window(
        id=w.id,
        name=w.name.text() if "name" in w.model_fields_set else Text(zh=f"{w.id}号窗口"),
        services=pairs,
        comprehensive=(w.comprehensive if "comprehensive" in w.model_fields_set
                       else len(pairs) > 2),
    )


def _spans(spans: list[tuple[time, time]], path: str) -> tuple[tuple[time, time], ...]:
    for i in range(1, len(spans)):
        if spans[i][0] < spans[i - 1][1]:
            raise ConfigError(f"{path}.{i}", "overlaps the span before it")
    return tuple(spans)


def _case_stages(stages: tuple[str, ...], path: str, known: set[str]) -> tuple[str, ...]:
    if len(set(stages)) != len(stages) or not 2 <= len(stages) <= 8:
        raise ConfigError(path, "must list 2 to 8 different stages")
    unknown = [stage for stage in stages if stage not in known]
    if unknown:
        raise ConfigError(path, f"unknown stage {unknown[0]!r} (name it in cases.stage_names)")
    if stages[0] != "accepted" or "done" not in stages:
        raise ConfigError(path, 'must start with "accepted" and include "done"')
    return stages


def _cases(c: _CasesTable, service_ids: set[str]) -> CaseRules:
    """The optional [cases] table: deadlines and stages of 承诺件, per service."""
    stage_names = []
    for stage_id in sorted(c.stage_names):
        if not _ID.match(stage_id):
            raise ConfigError(f"cases.stage_names.{stage_id}", "must be a lowercase id")
        text = c.stage_names[stage_id]
        stage_names.append((stage_id, text.zh, text.en or text.zh))
    known = set(CASE_STAGE_NAMES) | {stage_id for stage_id, _, _ in stage_names}
    stages = _case_stages(c.stages, "cases.stages", known)
    per_service = []
    for service_id in sorted(c.services):
        if service_id not in service_ids:
            raise ConfigError(f"cases.services.{service_id}", "is not a configured service")
        s = c.services[service_id]
        per_service.append((
            service_id, s.days if "days" in s.model_fields_set else c.default_days,
            stages if "stages" not in s.model_fields_set else
            _case_stages(s.stages, f"cases.services.{service_id}.stages", known)))
    return CaseRules(default_days=c.default_days, stages=stages, due_soon_days=c.due_soon_days,
                     services=tuple(per_service), stage_names=tuple(stage_names))


def _unique(items: Any, path: str, attribute: str, key: Any) -> None:
    seen: set[Any] = set()
    for i, item in enumerate(items):
        value = key(item)
        if value in seen:
            raise ConfigError(f"{path}.{i}.{attribute}", f"{value!r} is used twice")
        seen.add(value)


def _plain(value: Any) -> Any:
    """The mapping as JSON-safe data, so it can travel in a ConfigChanged event."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
