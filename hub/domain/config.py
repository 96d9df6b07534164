"""The center's configuration as typed, validated, immutable data.

A configuration arrives as a plain mapping (parsed TOML, a JSON body from the
dashboard, or the payload of a `ConfigChanged` event) and is checked whole:
the first thing wrong is refused with a `ConfigError` naming the field, e.g.
`services[2].prefix`. Nothing here reads files or the clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from functools import cached_property
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, ValidationError
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

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class _Reader:
    """Reads one mapping, naming every field by its path for the error."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(path or "config", "must be a table/object")
        self.data = data
        self.path = path
        self.seen: set[str] = set()

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, default: Any = ...) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if default is ...:
                raise ConfigError(self.name(key), "is required")
            return default
        return self.data[key]

    def string(self, key: str, default: Any = ..., *, allow_empty: bool = False) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            raise ConfigError(self.name(key), "must be a non-empty string")
        return value.strip()

    def whole(self, key: str, default: Any = ..., *, low: int = 0, high: int = 10**6) -> int:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(self.name(key), "must be a whole number")
        if not low <= value <= high:
            raise ConfigError(self.name(key), f"must be between {low} and {high}")
        return value

    def number(self, key: str, default: Any = ..., *, low: float = 0.0) -> float:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(self.name(key), "must be a number")
        if value <= low:
            raise ConfigError(self.name(key), f"must be greater than {low}")
        return float(value)

    def strings(self, key: str, default: Any = ()) -> tuple[str, ...]:
        value = self.get(key, default)
        if not isinstance(value, list | tuple) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            raise ConfigError(self.name(key), "must be a list of non-empty strings")
        return tuple(item.strip() for item in value)

    def text(self, key: str, default: Any = ...) -> Text:
        value = self.get(key, default)
        if isinstance(value, str) and value.strip():
            return Text(zh=value.strip())
        inner = _Reader(value, self.name(key))
        text = Text(zh=inner.string("zh"), en=inner.string("en", "", allow_empty=True))
        inner.done()
        return text

    def items(self, key: str, default: Any = ...) -> list[Any]:
        value = self.get(key, default)
        if not isinstance(value, list | tuple):
            raise ConfigError(self.name(key), "must be a list")
        return list(value)

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise ConfigError(self.name(unknown[0]), "is not a known setting")


# ---------------------------------------------------------------- tables as pydantic models
#
# The option tables ([queue], [supervision], [close_out], [notify], [booking]) are
# pydantic models; `_read_table` turns pydantic's first error into the ConfigError
# naming the key by its path (`close_out.after_minutes`), with the messages _Reader
# gives. The lists of services, windows and the [center] table still use _Reader.


@dataclass(frozen=True)
class _Whole:
    """A whole number from low to high: `Annotated[int, _Whole(1, 60)]`."""

    low: int = 0
    high: int = 10**6

    def check(self, value: int) -> int:
        if not self.low <= value <= self.high:
            raise PydanticCustomError("range", "must be between {low} and {high}",
                                      {"low": self.low, "high": self.high})
        return value

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self.check, core_schema.int_schema(strict=True))


@dataclass(frozen=True)
class _Name:
    """A non-empty string, stripped (`allow_empty`: "" too)."""

    allow_empty: bool = False

    def check(self, value: str) -> str:
        if not self.allow_empty and not value.strip():
            raise PydanticCustomError("blank", "must be a non-empty string")
        return value.strip()

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self.check, core_schema.str_schema(strict=True))


_TYPE_MESSAGES = {"int_type": "must be a whole number", "string_type": "must be a non-empty string",
                  "bool_type": "must be true or false", "list_type": "must be a list",
                  "tuple_type": "must be a list", "dict_type": "must be a table/object",
                  "model_type": "must be a table/object", "missing": "is required",
                  "extra_forbidden": "is not a known setting"}


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _read_table(model: type[_T], data: Any, path: str) -> _T:
    """`data` as `model`, or the ConfigError naming the first wrong key by its path
    (unknown keys last, as _Reader reports them)."""
    if not isinstance(data, Mapping):
        raise ConfigError(path, "must be a table/object")
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        problems = error.errors(include_url=False)
        problems.sort(key=lambda p: p["type"] == "extra_forbidden")
        first = problems[0]
        loc = list(first["loc"])
        if first["type"] not in ("extra_forbidden",):
            while loc and isinstance(loc[-1], int):  # an entry of a list: the list's name
                loc.pop()
        field_path = ".".join([path, *(str(part) for part in loc)])
        if first["type"] in _TYPE_MESSAGES:
            message = _TYPE_MESSAGES[first["type"]]
            if first["type"] == "string_type" and len(loc) < len(first["loc"]):
                message = "must be a list of non-empty strings"
        elif first["type"] == "blank" and len(loc) < len(first["loc"]):
            message = "must be a list of non-empty strings"
        else:
            message = first["msg"]
        raise ConfigError(field_path, message) from None


_T = TypeVar("_T", bound=_Table)
_Names = list[Annotated[str, _Name()]]


class _QueueTable(_Table):
    priority_ratio: Annotated[int, _Whole(1, 100)] = 3
    transfer_place: Annotated[str, _Name()] = "front"
    auto_no_show_after_recalls: Annotated[int, _Whole(0, 10)] = 0
    appointment_early_minutes: Annotated[int, _Whole(0, 240)] = 15
    appointment_late_minutes: Annotated[int, _Whole(0, 240)] = 15
    late_appointment: Annotated[str, _Name()] = "walk_in"
    pause_reasons: _Names = list(QueueRules.pause_reasons)


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
    enabled: bool = True
    after_minutes: Annotated[int, _Whole(0, 600)] = 15
    finish_called: bool = True
    force_after_minutes: Annotated[int, _Whole(0, 1440)] = 120
    carry_over: bool = False
    reason: Annotated[str, _Name()] = CloseOut.reason


class _NotifyTable(_Table):
    templates: dict[str, Annotated[str, _Name()]] = {}
    reminder_at: Annotated[str, _Name()] = "17:00"
    code_minutes: Annotated[int, _Whole(1, 30)] = 5
    code_attempts: Annotated[int, _Whole(1, 10)] = 5


class _BookingTable(_Table):
    horizon_days: Annotated[int, _Whole(1, 60)] = 7
    per_phone_per_day: Annotated[int, _Whole(1, 10)] = 1
    no_show_limit: Annotated[int, _Whole(0, 20)] = 3
    no_show_window_days: Annotated[int, _Whole(1, 365)] = 90
    no_show_block_days: Annotated[int, _Whole(1, 365)] = 30
    checkin_early_minutes: Annotated[int, _Whole(0, 480)] = 0


def _span(value: Any, path: str) -> tuple[time, time]:
    match = _SPAN.match(value) if isinstance(value, str) else None
    if not match:
        raise ConfigError(path, 'must look like "08:30-12:00"')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ConfigError(path, "is not a time of day")
    start, end = time(h1, m1), time(h2, m2)
    if start >= end:
        raise ConfigError(path, "must end after it starts")
    return start, end


def _spans(values: list[Any], path: str) -> tuple[tuple[time, time], ...]:
    spans = tuple(_span(value, f"{path}[{i}]") for i, value in enumerate(values))
    for i in range(1, len(spans)):
        if spans[i][0] < spans[i - 1][1]:
            raise ConfigError(f"{path}[{i}]", "overlaps the span before it")
    return spans


def _date(value: Any, path: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ConfigError(path, "must be a date like 2026-10-01") from None


def _service(data: Any, path: str) -> Service:
    r = _Reader(data, path)
    service_id = r.string("id")
    if not _ID.match(service_id):
        raise ConfigError(r.name("id"), "must be lowercase letters, digits, - or _")
    prefix = r.string("prefix")
    if not re.fullmatch(r"[A-Z]", prefix):
        raise ConfigError(r.name("prefix"), "must be one capital letter A-Z")
    name = r.text("name")
    guide_reader = _Reader(r.get("guide", {}), r.name("guide"))
    guide = Guide(
        materials=guide_reader.strings("materials"),
        conditions=guide_reader.strings("conditions"),
        time_limit=guide_reader.string("time_limit", "", allow_empty=True),
        fees=guide_reader.string("fees", "", allow_empty=True),
        basis=guide_reader.string("basis", "", allow_empty=True),
    )
    guide_reader.done()
    service = Service(
        id=service_id,
        prefix=prefix,
        name=name,
        category=r.text("category", name.to_dict()),
        guide=guide,
        daily_cap=r.whole("daily_cap", 999, low=1, high=999),
        cutoff_minutes=r.whole("cutoff_minutes", 30, high=600),
        appointment_capacity=r.whole("appointment_capacity", 0, high=1000),
        wait_alert_minutes=r.whole("wait_alert_minutes", 30, low=1, high=1440),
        handling_minutes=r.number("handling_minutes", 8.0),
    )
    r.done()
    return service


def _window(data: Any, path: str, services: set[str]) -> Window:
    r = _Reader(data, path)
    window_id = r.whole("id", low=1, high=999)
    name = r.text("name", f"{window_id}号窗口")
    served = r.get("services")
    pairs: list[tuple[str, float]] = []
    if isinstance(served, list):  # a plain list of ids: every service weighs 1
        if not all(isinstance(service_id, str) for service_id in served):
            raise ConfigError(r.name("services"), "must list service ids")
        served = dict.fromkeys(served, 1)
    if not isinstance(served, Mapping) or not served:
        raise ConfigError(r.name("services"), "must name at least one service")
    for service_id, weight in served.items():
        where = f"{r.name('services')}.{service_id}"
        if service_id not in services:
            raise ConfigError(where, "is not a configured service")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise ConfigError(where, "weight must be a number greater than 0")
        pairs.append((service_id, float(weight)))
    comprehensive = r.get("comprehensive", len(pairs) > 2)
    if not isinstance(comprehensive, bool):  # bool("no") would be True
        raise ConfigError(r.name("comprehensive"), "must be true or false")
    window = Window(
        id=window_id,
        name=name,
        services=tuple(pairs),
        comprehensive=comprehensive,
    )
    r.done()
    return window


NOTICE_MAX = 300  # characters of a 公告, in each language


def _notice(value: Any, name: str) -> Text:
    """The hall screens' 公告: "" (none), a Chinese text, or {zh, en}; one line, no
    control characters, at most NOTICE_MAX characters each."""
    if isinstance(value, str):
        value = {"zh": value}
    if not isinstance(value, Mapping) or set(value) - {"zh", "en"}:
        raise ConfigError(name, "must be a text or {zh, en}")
    texts = {}
    for lang in ("zh", "en"):
        text = value.get(lang, "")
        if not isinstance(text, str):
            raise ConfigError(f"{name}.{lang}", "must be a string")
        text = " ".join(text.split())  # one line: the screen scrolls it sideways
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in text):
            raise ConfigError(f"{name}.{lang}", "must not contain control characters")
        if len(text) > NOTICE_MAX:
            raise ConfigError(f"{name}.{lang}", f"must be at most {NOTICE_MAX} characters")
        texts[lang] = text
    if texts["en"] and not texts["zh"]:
        raise ConfigError(f"{name}.zh", "give the Chinese text first")
    return Text(zh=texts["zh"], en=texts["en"])


def parse_config(data: Mapping[str, Any]) -> CenterConfig:
    """Validate a whole configuration mapping and build the typed object."""
    r = _Reader(data, "")
    center = _Reader(r.get("center"), "center")
    center_id = center.string("id")
    if not _ID.match(center_id):
        raise ConfigError("center.id", "must be lowercase letters, digits, - or _")
    timezone = center.string("timezone", "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("center.timezone", f"unknown time zone {timezone!r}") from None
    name = center.text("name")
    complaint_phone = center.string("complaint_phone", "", allow_empty=True)
    promises = center.strings("promises")
    notice = _notice(center.get("notice", ""), center.name("notice"))
    staff = tuple(_staff(item, f"center.staff[{i}]") for i, item in
                  enumerate(center.items("staff", [])))
    center.done()

    services = tuple(
        _service(item, f"services[{i}]") for i, item in enumerate(r.items("services"))
    )
    if not services:
        raise ConfigError("services", "must list at least one service")
    _unique(services, "services", "id", lambda s: s.id)
    _unique(services, "services", "prefix", lambda s: s.prefix)
    service_ids = {s.id for s in services}

    windows = tuple(
        _window(item, f"windows[{i}]", service_ids) for i, item in enumerate(r.items("windows"))
    )
    if not windows:
        raise ConfigError("windows", "must list at least one window")
    _unique(windows, "windows", "id", lambda w: w.id)

    priorities = []
    for i, item in enumerate(r.items("priority_classes", [])):
        p = _Reader(item, f"priority_classes[{i}]")
        class_id = p.string("id")
        if not _ID.match(class_id):
            raise ConfigError(p.name("id"), "must be lowercase letters, digits, - or _")
        priorities.append(PriorityClass(class_id, p.text("name"), p.number("weight", 1.0)))
        p.done()
    _unique(priorities, "priority_classes", "id", lambda p: p.id)

    h = _Reader(r.get("hours", {}), "hours")
    hours = Hours(
        spans=_spans(h.items("spans", ["08:30-12:00", "13:30-17:30"]), "hours.spans"),
        issue_early_minutes=h.whole("issue_early_minutes", 30, high=240),
        calendar=h.string("calendar", "china"),
        extra_holidays=tuple(
            _date(v, f"hours.extra_holidays[{i}]")
            for i, v in enumerate(h.items("extra_holidays", []))
        ),
        extra_workdays=tuple(
            _date(v, f"hours.extra_workdays[{i}]")
            for i, v in enumerate(h.items("extra_workdays", []))
        ),
    )
    if not hours.spans:
        raise ConfigError("hours.spans", "must list at least one opening span")
    if hours.calendar not in ("china", "weekdays", "every_day"):
        raise ConfigError("hours.calendar", 'must be "china", "weekdays" or "every_day"')
    h.done()

    q = _read_table(_QueueTable, r.get("queue", {}), "queue")
    queue = QueueRules(
        priority_ratio=q.priority_ratio,
        transfer_place=q.transfer_place,
        auto_no_show_after_recalls=q.auto_no_show_after_recalls,
        appointment_early_minutes=q.appointment_early_minutes,
        appointment_late_minutes=q.appointment_late_minutes,
        late_appointment=q.late_appointment,
        pause_reasons=tuple(q.pause_reasons),
    )
    if queue.transfer_place not in ("front", "arrival"):
        raise ConfigError("queue.transfer_place", 'must be "front" or "arrival"')
    if queue.late_appointment not in ("walk_in", "refuse"):
        raise ConfigError("queue.late_appointment", 'must be "walk_in" or "refuse"')

    slots = _spans(r.items("appointment_slots", []), "appointment_slots")
    supervision = _supervision(r.get("supervision", {}))
    close_out = _close_out(r.get("close_out", {}))
    notify = _notify(r.get("notify", {}))
    cases = _cases(r.get("cases", {}), service_ids)
    booking = _booking(r.get("booking", {}))
    r.done()
    return CenterConfig(
        id=center_id,
        name=name,
        timezone=timezone,
        services=services,
        windows=windows,
        priority_classes=tuple(priorities),
        hours=hours,
        queue=queue,
        appointment_slots=slots,
        complaint_phone=complaint_phone,
        promises=promises,
        notice=notice,
        staff=staff,
        supervision=supervision,
        close_out=close_out,
        notify=notify,
        cases=cases,
        booking=booking,
        raw=_plain(data),
    )


def _supervision(data: Any) -> SupervisionRules:
    """The optional [supervision] table; every key has a default."""
    t = _read_table(_SupervisionTable, data, "supervision")
    return SupervisionRules(
        complaint_days=tuple((name, getattr(t.complaint_days, name))
                             for name in COMPLAINT_CLASSES),
        follow_up_days=t.follow_up_days,
        call_back_sample=t.call_back_sample,
    )


def _close_out(data: Any) -> CloseOut:
    """The optional [close_out] table; every key has a default."""
    t = _read_table(_CloseOutTable, data, "close_out")
    rules = CloseOut(enabled=t.enabled, after_minutes=t.after_minutes,
                     finish_called=t.finish_called,
                     force_after_minutes=t.force_after_minutes, carry_over=t.carry_over,
                     reason=t.reason)
    if len(rules.reason) > 40:
        raise ConfigError("close_out.reason", "must be at most 40 characters")
    if rules.force_after_minutes < rules.after_minutes:
        raise ConfigError("close_out.force_after_minutes", "must not be before after_minutes")
    return rules


def _notify(data: Any) -> NotifyRules:
    """The optional [notify] table: templates per kind, reminder time, code rules."""
    t = _read_table(_NotifyTable, data, "notify")
    unknown = sorted(set(t.templates) - set(NOTIFY_KINDS))
    if unknown:
        raise ConfigError(f"notify.templates.{unknown[0]}", "is not a known setting")
    templates = tuple((kind, t.templates.get(kind, kind)) for kind in NOTIFY_KINDS)
    for kind, template in templates:
        if len(template) > 64:
            raise ConfigError(f"notify.templates.{kind}", "must be at most 64 characters")
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", t.reminder_at)
    if not match:
        raise ConfigError("notify.reminder_at", "must be a time of day like 17:00")
    return NotifyRules(
        templates=templates,
        reminder_at=time(int(match.group(1)), int(match.group(2))),
        code_minutes=t.code_minutes,
        code_attempts=t.code_attempts,
    )


def _case_stages(values: Any, path: str, known: set[str]) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigError(path, "must be a list of stage ids")
    stages = tuple(values)
    if len(set(stages)) != len(stages) or not 2 <= len(stages) <= 8:
        raise ConfigError(path, "must list 2 to 8 different stages")
    unknown = [stage for stage in stages if stage not in known]
    if unknown:
        raise ConfigError(path, f"unknown stage {unknown[0]!r} (name it in cases.stage_names)")
    if stages[0] != "accepted" or "done" not in stages:
        raise ConfigError(path, 'must start with "accepted" and include "done"')
    return stages


def _cases(data: Any, service_ids: set[str]) -> CaseRules:
    """The optional [cases] table: deadlines and stages of 承诺件, per service."""
    r = _Reader(data, "cases")
    names = _Reader(r.get("stage_names", {}), "cases.stage_names")
    stage_names = []
    for stage_id in sorted(names.data) if isinstance(names.data, Mapping) else ():
        if not _ID.match(stage_id):
            raise ConfigError(f"cases.stage_names.{stage_id}", "must be a lowercase id")
        text = names.text(stage_id)
        stage_names.append((stage_id, text.zh, text.en or text.zh))
    names.done()
    known = set(CASE_STAGE_NAMES) | {stage_id for stage_id, _, _ in stage_names}
    default_days = r.whole("default_days", 10, low=1, high=365)
    stages = _case_stages(r.get("stages", list(CASE_STAGES)), "cases.stages", known)
    per_service = []
    given = _Reader(r.get("services", {}), "cases.services")
    for service_id in sorted(given.data) if isinstance(given.data, Mapping) else ():
        if service_id not in service_ids:
            raise ConfigError(f"cases.services.{service_id}", "is not a configured service")
        s = _Reader(given.get(service_id), f"cases.services.{service_id}")
        per_service.append((service_id, s.whole("days", default_days, low=1, high=365),
                            _case_stages(s.get("stages", list(stages)),
                                         f"cases.services.{service_id}.stages", known)))
        s.done()
    given.done()
    rules = CaseRules(default_days=default_days, stages=stages,
                      due_soon_days=r.whole("due_soon_days", 1, high=30),
                      services=tuple(per_service), stage_names=tuple(stage_names))
    r.done()
    return rules


def _booking(data: Any) -> BookingRules:
    """The optional [booking] table; every key has a default."""
    t = _read_table(_BookingTable, data, "booking")
    return BookingRules(**t.model_dump())


def _staff(data: Any, path: str) -> Mapping[str, str]:
    r = _Reader(data, path)
    entry = {
        "name": r.string("name"),
        "post": r.string("post", "", allow_empty=True),
        "window": str(r.whole("window", 0, high=999)),
        "username": r.string("username", "", allow_empty=True),
        "photo": r.string("photo", "", allow_empty=True),
    }
    r.done()
    return entry


def _unique(items: Any, path: str, attribute: str, key: Any) -> None:
    seen: set[Any] = set()
    for i, item in enumerate(items):
        value = key(item)
        if value in seen:
            raise ConfigError(f"{path}[{i}].{attribute}", f"{value!r} is used twice")
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
