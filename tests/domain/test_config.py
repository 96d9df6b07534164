"""The center's configuration: the demo parses, and every bad entry is refused
with a ConfigError naming it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest

from hub.domain.config import ConfigError, parse_config

Change = Callable[[dict[str, Any]], None]


def test_demo_configuration_parses(demo_config: dict[str, Any]) -> None:
    config = parse_config(demo_config)
    assert config.id == "demo"
    assert config.timezone == "Asia/Shanghai"
    assert [s.prefix for s in config.services] == ["A", "B", "C", "D", "E", "F"]
    assert [w.id for w in config.windows] == [1, 2, 3, 4, 5, 6, 7, 8]
    comprehensive, social, household = config.window(7), config.window(1), config.window(4)
    assert comprehensive is not None and comprehensive.comprehensive
    assert social is not None and social.weight("social-security") == 3.0
    assert household is not None and household.weight("social-security") is None
    assert config.hours.spans == ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
    assert config.queue.priority_ratio == 3
    assert config.priority("disabled") is not None
    assert config.priority("nobody") is None
    assert len(config.appointment_slots) == 6
    service = config.service("social-security")
    assert service is not None and service.daily_cap == 300 and service.handling_minutes == 6.0
    assert "居民身份证原件" in service.guide.materials
    assert {w.id for w in config.windows_serving("household")} == {4, 7}


def test_parsed_configuration_travels_as_json_and_parses_to_the_same(
    demo_config: dict[str, Any],
) -> None:
    demo_config["hours"]["extra_holidays"] = [date(2025, 10, 20)]
    config = parse_config(demo_config)
    again = parse_config(json.loads(json.dumps(config.raw)))
    assert again == config
    assert again.hours.extra_holidays == (date(2025, 10, 20),)


def test_minimal_configuration_takes_defaults() -> None:
    config = parse_config(
        {
            "center": {"id": "tiny", "name": "小中心"},
            "services": [{"id": "one", "prefix": "A", "name": "唯一事项"}],
            "windows": [{"id": 1, "services": ["one"]}],
        }
    )
    assert config.hours.opening == time(8, 30) and config.hours.closing == time(17, 30)
    assert config.windows[0].name.zh == "1号窗口"
    assert config.windows[0].services == (("one", 1.0),)
    assert config.services[0].daily_cap == 999
    assert config.queue.transfer_place == "front"
    assert config.priority_classes == () and config.appointment_slots == ()


def _set(path: str, value: Any) -> Change:
    """A change that sets the entry at `path` (dots and [i]) to `value`."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = _steps(path)
        target: Any = data
        for step in parents:
            target = target[step]
        target[last] = value

    return change


def _bad(path: str, value: Any) -> tuple[Change, str]:
    """Set `path` to a bad `value`; the error must name `path` itself."""
    return _set(path, value), path


def _delete(path: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        *parents, last = _steps(path)
        target: Any = data
        for step in parents:
            target = target[step]
        del target[last]

    return change


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        if name:
            steps.append(name)
        if rest:
            steps.extend(int(index) for index in rest.rstrip("]").split("]["))
    return steps


def _duplicate_service_id(data: dict[str, Any]) -> None:
    data["services"][2]["id"] = data["services"][0]["id"]


def _duplicate_window(data: dict[str, Any]) -> None:
    data["windows"].append(copy.deepcopy(data["windows"][0]))


def _duplicate_priority(data: dict[str, Any]) -> None:
    data["priority_classes"][1]["id"] = "elderly"


# name of the mistake: (how to make it, the field the error must name)
INVALID: dict[str, tuple[Change, str]] = {
    "lowercase prefix": _bad("services[1].prefix", "b"),
    "two-letter prefix": _bad("services[0].prefix", "AB"),
    "prefix used twice": _bad("services[2].prefix", "A"),
    "service id used twice": (_duplicate_service_id, "services[2].id"),
    "service id with spaces": _bad("services[3].id", "Real Estate"),
    "service without a name": (_delete("services[0].name"), "services[0].name"),
    "empty service name": _bad("services[0].name", ""),
    "daily cap of zero": _bad("services[0].daily_cap", 0),
    "daily cap over 999": _bad("services[0].daily_cap", 1000),
    "daily cap as text": _bad("services[0].daily_cap", "300"),
    "daily cap as a boolean": _bad("services[0].daily_cap", True),
    "negative handling time": _bad("services[1].handling_minutes", -1),
    "unknown service key": _bad("services[0].colour", "red"),
    "unknown guide key": _bad("services[0].guide.price", "free"),
    "materials not a list": _bad("services[0].guide.materials", "身份证"),
    "no services": _bad("services", []),
    "window serving an unknown service": _bad("windows[0].services.nope", 1),
    "window listing an unknown service": (
        _set("windows[3].services", ["household", "nope"]), "windows[3].services.nope"
    ),
    "window weight of zero": _bad("windows[0].services.social-security", 0),
    "window serving nothing": _bad("windows[0].services", {}),
    "window id used twice": (_duplicate_window, "windows[8].id"),
    "window id zero": _bad("windows[0].id", 0),
    "window marked comprehensive with text": _bad("windows[0].comprehensive", "no"),
    "no windows": _bad("windows", []),
    "overlapping opening spans": (
        _set("hours.spans", ["08:30-12:00", "11:00-17:00"]), "hours.spans[1]"
    ),
    "span ending before it starts": (_set("hours.spans", ["12:00-08:30"]), "hours.spans[0]"),
    "span that is not a time": (
        _set("hours.spans", ["08:30-12:00", "25:00-26:00"]), "hours.spans[1]"
    ),
    "span in another shape": (_set("hours.spans", ["8.30 to 12"]), "hours.spans[0]"),
    "no opening spans": _bad("hours.spans", []),
    "unknown calendar": _bad("hours.calendar", "lunar"),
    "holiday that is not a date": (
        _set("hours.extra_holidays", ["2025-13-01"]), "hours.extra_holidays[0]"
    ),
    "unknown hours key": _bad("hours.lunch", "12:00-13:30"),
    "bad time zone": _bad("center.timezone", "Asia/Beijing"),
    "center id with capitals": _bad("center.id", "Demo"),
    "center without a name": (_delete("center.name"), "center.name"),
    "unknown center key": _bad("center.mayor", "张三"),
    "staff without a name": (_delete("center.staff[2].name"), "center.staff[2].name"),
    "staff window as text": _bad("center.staff[0].window", "one"),
    "priority ratio zero": _bad("queue.priority_ratio", 0),
    "unknown transfer place": _bad("queue.transfer_place", "back"),
    "unknown late appointment rule": _bad("queue.late_appointment", "shout"),
    "auto no-show after 11 recalls": _bad("queue.auto_no_show_after_recalls", 11),
    "empty pause reason": _bad("queue.pause_reasons", ["午休", " "]),
    "unknown queue key": _bad("queue.fast_lane", True),
    "priority class weight of zero": _bad("priority_classes[0].weight", 0),
    "priority class used twice": (_duplicate_priority, "priority_classes[1].id"),
    "appointment slot overlapping": (
        _set("appointment_slots", ["09:00-10:00", "09:30-10:30"]), "appointment_slots[1]"
    ),
    "unknown top-level key": _bad("colour", "red"),
    "center missing": (_delete("center"), "center"),
    "services not a list": _bad("services", {"id": "x"}),
}


@pytest.mark.parametrize(("change", "field"), list(INVALID.values()), ids=list(INVALID))
def test_invalid_configuration_is_refused_naming_the_field(
    demo_config: dict[str, Any], change: Change, field: str
) -> None:
    change(demo_config)
    with pytest.raises(ConfigError) as caught:
        parse_config(demo_config)
    assert caught.value.field == field
    assert caught.value.code == "invalid_config"
    assert str(caught.value).startswith(f"{field}: ")


def test_configuration_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(["not", "a", "table"])  # type: ignore[arg-type]
    assert caught.value.field == "config"
