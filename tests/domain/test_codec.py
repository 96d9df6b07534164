"""Every event survives the journal's JSON form unchanged."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import hub.domain  # noqa: F401 - registers every event type, accounts included
from hub.domain import events as ev
from hub.domain.codec import decode, encode
from hub.domain.events import REGISTRY, Event

MOMENT = datetime(2025, 10, 14, 9, 30, 15, 250000, tzinfo=ZoneInfo("Asia/Shanghai"))


def sample(hint: Any, name: str) -> Any:
    """A value of type `hint` that is not the field's default."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return sample(inner, name)
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return (sample(item, name), sample(item, name + "2"))
    if typing.get_origin(hint) is dict or hint is dict:
        return {"center": {"id": "demo"}, "list": [1, "二"], "flag": True}
    if hint is bool:
        return True
    if hint is int:
        return 7
    if hint is str:
        return f"{name}-值"
    if hint is datetime:
        return MOMENT + timedelta(hours=1)
    if hint is date:
        return date(2025, 10, 15)
    if hint is time:
        return time(10, 0)
    raise AssertionError(f"no sample for {hint!r} ({name})")


def example(cls: type[Event]) -> Event:
    hints = typing.get_type_hints(cls)
    fields = {
        f.name: sample(hints[f.name], f.name)
        for f in dataclasses.fields(cls)
        if f.name not in ("seq", "at", "actor")
    }
    return cls(seq=42, at=MOMENT, actor="wangli", **fields)


@pytest.mark.parametrize("event_type", sorted(REGISTRY))
def test_event_round_trips_through_json(event_type: str) -> None:
    event = example(REGISTRY[event_type])
    record = json.loads(json.dumps(encode(event), ensure_ascii=False))
    assert record["type"] == event_type and record["seq"] == 42
    again = decode(record)
    assert again == event
    assert type(again) is type(event)
    for field in dataclasses.fields(event):  # same types, not merely equal values
        assert type(getattr(again, field.name)) is type(getattr(event, field.name)), field.name


def test_optional_fields_left_empty_round_trip() -> None:
    event = ev.TicketIssued(
        seq=1, at=MOMENT, actor="kiosk", ticket="t", number="A001", service="s", channel="kiosk"
    )
    assert decode(json.loads(json.dumps(encode(event)))) == event


def test_moment_keeps_its_offset() -> None:
    utc = MOMENT.astimezone(UTC)
    event = ev.WindowOpened(seq=1, at=utc, actor="x", window=1)
    again = decode(json.loads(json.dumps(encode(event))))
    assert again.at == utc and again.at.utcoffset() == timedelta(0)


def test_wire_names_are_snake_case_of_the_class() -> None:
    assert REGISTRY["ticket_called"].__name__ == "TicketCalled"
    assert REGISTRY["day_started"].__name__ == "DayStarted"
    assert all(name == name.lower() and " " not in name for name in REGISTRY)
