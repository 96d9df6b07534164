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
    """`services.2.prefix` -> ["services", 2, "prefix"]."""
    return [int(part) if part.isdigit() else part for part in path.split(".")]


def _duplicate_service_id(data: dict[str, Any]) -> None:
    data["services"][2]["id"] = data["services"][0]["id"]


def _duplicate_window(data: dict[str, Any]) -> None:
    data["windows"].append(copy.deepcopy(data["windows"][0]))


def _duplicate_priority(data: dict[str, Any]) -> None:
    data["priority_classes"][1]["id"] = "elderly"


# name of the mistake: (how to make it, the field the error must name)
INVALID: dict[str, tuple[Change, str]] = {
    "lowercase prefix": _bad("services.1.prefix", "b"),
    "two-letter prefix": _bad("services.0.prefix", "AB"),
    "prefix used twice": _bad("services.2.prefix", "A"),
    "service id used twice": (_duplicate_service_id, "services.2.id"),
    "service id with spaces": _bad("services.3.id", "Real Estate"),
    "service without a name": (_delete("services.0.name"), "services.0.name"),
    "empty service name": _bad("services.0.name", ""),
    "daily cap of zero": _bad("services.0.daily_cap", 0),
    "daily cap over 999": _bad("services.0.daily_cap", 1000),
    "daily cap as text": _bad("services.0.daily_cap", "300"),
    "daily cap as a boolean": _bad("services.0.daily_cap", True),
    "negative handling time": _bad("services.1.handling_minutes", -1),
    "unknown service key": _bad("services.0.colour", "red"),
    "unknown guide key": _bad("services.0.guide.price", "free"),
    "materials not a list": _bad("services.0.guide.materials", "身份证"),
    "no services": _bad("services", []),
    "window serving an unknown service": _bad("windows.0.services.nope", 1),
    "window listing an unknown service": (
        _set("windows.3.services", ["household", "nope"]), "windows.3.services.nope"
    ),
    "window weight of zero": _bad("windows.0.services.social-security", 0),
    "window serving nothing": _bad("windows.0.services", {}),
    "window id used twice": (_duplicate_window, "windows.8.id"),
    "window id zero": _bad("windows.0.id", 0),
    "window marked comprehensive with text": _bad("windows.0.comprehensive", "no"),
    "no windows": _bad("windows", []),
    "overlapping opening spans": (
        _set("hours.spans", ["08:30-12:00", "11:00-17:00"]), "hours.spans.1"
    ),
    "span ending before it starts": (_set("hours.spans", ["12:00-08:30"]), "hours.spans.0"),
    "span that is not a time": (
        _set("hours.spans", ["08:30-12:00", "25:00-26:00"]), "hours.spans.1"
    ),
    "span in another shape": (_set("hours.spans", ["8.30 to 12"]), "hours.spans.0"),
    "no opening spans": _bad("hours.spans", []),
    "unknown calendar": _bad("hours.calendar", "lunar"),
    "holiday that is not a date": (
        _set("hours.extra_holidays", ["2025-13-01"]), "hours.extra_holidays.0"
    ),
    "unknown hours key": _bad("hours.lunch", "12:00-13:30"),
    "bad time zone": _bad("center.timezone", "Asia/Beijing"),
    "center id with capitals": _bad("center.id", "Demo"),
    "center without a name": (_delete("center.name"), "center.name"),
    "unknown center key": _bad("center.mayor", "张三"),
    "staff without a name": (_delete("center.staff.2.name"), "center.staff.2.name"),
    "staff window as text": _bad("center.staff.0.window", "one"),
    "priority ratio zero": _bad("queue.priority_ratio", 0),
    "unknown transfer place": _bad("queue.transfer_place", "back"),
    "unknown late appointment rule": _bad("queue.late_appointment", "shout"),
    "auto no-show after 11 recalls": _bad("queue.auto_no_show_after_recalls", 11),
    "empty pause reason": _bad("queue.pause_reasons", ["午休", " "]),
    "unknown queue key": _bad("queue.fast_lane", True),
    "priority class weight of zero": _bad("priority_classes.0.weight", 0),
    "priority class used twice": (_duplicate_priority, "priority_classes.1.id"),
    "appointment slot overlapping": (
        _set("appointment_slots", ["09:00-10:00", "09:30-10:30"]), "appointment_slots.1"
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


# The rest of the configuration (center, services, windows, priority classes, hours,
# slots, cases) is read by pydantic models too: the field and the words of each mistake.
WORDED: dict[str, tuple[Change, str, str]] = {
    "prefix as a number": (_set("services.1.prefix", 2), "services.1.prefix",
                           "must be a non-empty string"),
    "lowercase prefix": (_set("services.1.prefix", "b"), "services.1.prefix",
                         "must be one capital letter A-Z"),
    "service id with spaces": (_set("services.3.id", "Real Estate"), "services.3.id",
                               "must be lowercase letters, digits, - or _"),
    "service name as a number": (_set("services.0.name", 3), "services.0.name",
                                 "must be a table/object"),
    "service name without Chinese": (_set("services.0.name", {"en": "Tax"}),
                                     "services.0.name.zh", "is required"),
    "service name in French": (_set("services.0.name", {"zh": "税务", "fr": "Impôts"}),
                               "services.0.name.fr", "is not a known setting"),
    "category of null": (_set("services.0.category", None), "services.0.category",
                         "must be a table/object"),
    "service that is not a table": (_set("services.2", "tax"), "services.2",
                                    "must be a table/object"),
    "daily cap over 999": (_set("services.0.daily_cap", 1000), "services.0.daily_cap",
                           "must be between 1 and 999"),
    "daily cap as a boolean": (_set("services.0.daily_cap", True), "services.0.daily_cap",
                               "must be a whole number"),
    "handling time as text": (_set("services.1.handling_minutes", "6"),
                              "services.1.handling_minutes", "must be a number"),
    "negative handling time": (_set("services.1.handling_minutes", -1),
                               "services.1.handling_minutes", "must be greater than 0"),
    "unknown guide key": (_set("services.0.guide.price", "free"), "services.0.guide.price",
                          "is not a known setting"),
    "materials not a list": (_set("services.0.guide.materials", "身份证"),
                             "services.0.guide.materials", "must be a list"),
    "a blank material": (_set("services.0.guide.materials", ["身份证", ""]),
                         "services.0.guide.materials", "must be a list of non-empty strings"),
    "prefix used twice": (_set("services.2.prefix", "A"), "services.2.prefix",
                          "'A' is used twice"),
    "window serving an unknown service": (_set("windows.0.services.nope", 1),
                                          "windows.0.services.nope",
                                          "is not a configured service"),
    "window weight as text": (_set("windows.0.services.social-security", "3"),
                              "windows.0.services.social-security",
                              "weight must be a number greater than 0"),
    "window listing a number": (_set("windows.3.services", ["household", 4]),
                                "windows.3.services", "must list service ids"),
    "window serving nothing": (_set("windows.0.services", []), "windows.0.services",
                               "must name at least one service"),
    "window without an id": (_delete("windows.2.id"), "windows.2.id", "is required"),
    "window id 1000": (_set("windows.0.id", 1000), "windows.0.id",
                       "must be between 1 and 999"),
    "comprehensive of null": (_set("windows.0.comprehensive", None),
                              "windows.0.comprehensive", "must be true or false"),
    "comprehensive as text": (_set("windows.0.comprehensive", "no"),
                              "windows.0.comprehensive", "must be true or false"),
    "priority weight of zero": (_set("priority_classes.0.weight", 0),
                                "priority_classes.0.weight", "must be greater than 0"),
    "span in another shape": (_set("hours.spans", ["8.30 to 12"]), "hours.spans.0",
                              'must look like "08:30-12:00"'),
    "span past midnight": (_set("hours.spans", ["08:30-12:00", "25:00-26:00"]),
                           "hours.spans.1", "is not a time of day"),
    "span ending before it starts": (_set("hours.spans", ["12:00-08:30"]), "hours.spans.0",
                                     "must end after it starts"),
    "overlapping spans": (_set("hours.spans", ["08:30-12:00", "11:00-17:00"]),
                          "hours.spans.1", "overlaps the span before it"),
    "spans as text": (_set("hours.spans", "08:30-17:00"), "hours.spans", "must be a list"),
    "no opening spans": (_set("hours.spans", []), "hours.spans",
                         "must list at least one opening span"),
    "unknown calendar": (_set("hours.calendar", "lunar"), "hours.calendar",
                         'must be "china", "weekdays" or "every_day"'),
    "holiday that is not a date": (_set("hours.extra_holidays", ["2025-10-01", "2025-13-01"]),
                                   "hours.extra_holidays.1", "must be a date like 2026-10-01"),
    "early issuing for five hours": (_set("hours.issue_early_minutes", 300),
                                     "hours.issue_early_minutes", "must be between 0 and 240"),
    "slot in another shape": (_set("appointment_slots", ["9-10"]), "appointment_slots.0",
                              'must look like "08:30-12:00"'),
    "bad time zone": (_set("center.timezone", "Asia/Beijing"), "center.timezone",
                      "unknown time zone 'Asia/Beijing'"),
    "center id with capitals": (_set("center.id", "Demo"), "center.id",
                                "must be lowercase letters, digits, - or _"),
    "staff window as text": (_set("center.staff.0.window", "one"), "center.staff.0.window",
                             "must be a whole number"),
    "staff without a name": (_delete("center.staff.2.name"), "center.staff.2.name",
                             "is required"),
    "staff as text": (_set("center.staff", "王丽"), "center.staff", "must be a list"),
    "promises with a number": (_set("center.promises", ["一次告知", 2]), "center.promises",
                               "must be a list of non-empty strings"),
    "notice as a number": (_set("center.notice", 5), "center.notice",
                           "must be a text or {zh, en}"),
    "notice with control characters": (_set("center.notice", "通知\u200b"), "center.notice.zh",
                                       "must not contain control characters"),
    "notice too long": (_set("center.notice", {"zh": "通" * 301}), "center.notice.zh",
                        "must be at most 300 characters"),
    "notice in English only": (_set("center.notice", {"en": "Closed on Friday"}),
                               "center.notice.zh", "give the Chinese text first"),
    "center missing": (_delete("center"), "center", "is required"),
    "services not a list": (_set("services", {"id": "x"}), "services", "must be a list"),
    "no windows": (_set("windows", []), "windows", "must list at least one window"),
    "unknown top-level key": (_set("colour", "red"), "colour", "is not a known setting"),
    "case days of zero": (_set("cases", {"default_days": 0}), "cases.default_days",
                          "must be between 1 and 365"),
    "case stages as text": (_set("cases", {"stages": "accepted"}), "cases.stages",
                            "must be a list of stage ids"),
    "case stages not starting at accepted": (
        _set("cases", {"stages": ["review", "done"]}), "cases.stages",
        'must start with "accepted" and include "done"'),
    "case stage nobody named": (
        _set("cases", {"stages": ["accepted", "mailed", "done"]}), "cases.stages",
        "unknown stage 'mailed' (name it in cases.stage_names)"),
    "case stage name with capitals": (_set("cases", {"stage_names": {"Mailed": "邮寄"}}),
                                      "cases.stage_names.Mailed", "must be a lowercase id"),
    "cases for an unknown service": (_set("cases", {"services": {"nope": {"days": 3}}}),
                                     "cases.services.nope", "is not a configured service"),
    "case service days as text": (
        _set("cases", {"services": {"household": {"days": "3"}}}),
        "cases.services.household.days", "must be a whole number"),
    "case service with an unknown key": (
        _set("cases", {"services": {"household": {"colour": 1}}}),
        "cases.services.household.colour", "is not a known setting"),
}


@pytest.mark.parametrize(("change", "field", "message"), list(WORDED.values()), ids=list(WORDED))
def test_each_mistake_is_named_and_worded(
    demo_config: dict[str, Any], change: Change, field: str, message: str
) -> None:
    change(demo_config)
    with pytest.raises(ConfigError) as caught:
        parse_config(demo_config)
    assert (caught.value.field, caught.value.message) == (field, message)


def test_derived_defaults_are_derived_and_given_values_kept(demo_config: dict[str, Any]) -> None:
    """A window's name and comprehensive flag, a service's category and a service's
    case days and stages come from other entries unless given."""
    demo_config["windows"].append({"id": 9, "services": ["household", "real-estate",
                                                         "civil-affairs"]})
    demo_config["windows"].append({"id": 10, "name": {"zh": "十号", "en": "Ten"},
                                   "services": {"household": 2}, "comprehensive": True})
    demo_config["services"][0].pop("category", None)
    demo_config["cases"] = {"default_days": 7, "stages": ["accepted", "done"],
                            "services": {"household": {}, "real-estate": {"days": 3}}}
    config = parse_config(demo_config)
    nine, ten = config.window(9), config.window(10)
    assert nine is not None and nine.name.zh == "9号窗口" and nine.comprehensive
    assert ten is not None and (ten.name.zh, ten.name.en) == ("十号", "Ten")
    assert ten.comprehensive and ten.services == (("household", 2.0),)
    assert config.services[0].category == config.services[0].name
    assert config.cases.days_for("household") == 7 and config.cases.days_for("real-estate") == 3
    assert config.cases.stages_for("real-estate") == ("accepted", "done")


def test_a_configuration_built_in_python_reads_as_its_json(demo_config: dict[str, Any]) -> None:
    """Tuples are lists and dates ISO strings, as the ConfigChanged event carries them."""
    demo_config["services"] = tuple(demo_config["services"])
    demo_config["hours"]["spans"] = ("08:30-12:00", "13:30-17:30")
    demo_config["hours"]["extra_holidays"] = [date(2025, 10, 20)]
    config = parse_config(demo_config)
    assert config.hours.extra_holidays == (date(2025, 10, 20),)
    assert config == parse_config(json.loads(json.dumps(config.raw)))
    assert config.raw["hours"]["extra_holidays"] == ["2025-10-20"]
