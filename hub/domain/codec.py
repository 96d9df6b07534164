"""Events to and from plain JSON-ready dicts (the journal and the wire share it)."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from hub.domain.events import REGISTRY, Event

Converter = Callable[[Any], Any]


def _decoder(hint: Any) -> Converter | None:
    """How to turn the JSON form of a field back into its Python type."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    target = args[0] if typing.get_origin(hint) in (typing.Union, type(int | None)) else hint
    if target is datetime:
        return datetime.fromisoformat
    if target is date:
        return date.fromisoformat
    if target is time:
        return time.fromisoformat
    if typing.get_origin(target) is tuple:
        return tuple
    return None


_DECODERS: dict[str, dict[str, Converter | None]] = {}


def _decoders(cls: type[Event]) -> dict[str, Converter | None]:
    found = _DECODERS.get(cls.type)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = {f.name: _decoder(hints[f.name]) for f in dataclasses.fields(cls)}
        _DECODERS[cls.type] = found
    return found


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def event_data(event: Event, *, journal: bool = False) -> dict[str, Any]:
    """The event's own fields (without seq, at and actor), JSON-ready. A field marked
    `metadata={"wire": False}` (bookkeeping of the journal's versions) is kept only
    in the journal's form."""
    return {
        f.name: _encode_value(getattr(event, f.name))
        for f in dataclasses.fields(event)
        if f.name not in ("seq", "at", "actor") and (journal or f.metadata.get("wire", True))
    }


def encode(event: Event) -> dict[str, Any]:
    """The journal's form of `event` (`decode` reads it back, old forms included: a
    field an older journal lacks takes its default)."""
    return {
        "seq": event.seq,
        "type": event.type,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "data": event_data(event, journal=True),
    }


def decode(record: dict[str, Any]) -> Event:
    cls = REGISTRY[record["type"]]
    fields: dict[str, Any] = {}
    decoders = _decoders(cls)
    for name, value in record["data"].items():
        convert = decoders.get(name)
        fields[name] = convert(value) if convert is not None and value is not None else value
    return cls(
        seq=int(record["seq"]),
        at=datetime.fromisoformat(record["at"]),
        actor=record["actor"],
        **fields,
    )
