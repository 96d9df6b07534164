"""The call events the announcer speaks, read from the hub's Socket.IO payloads.

A payload looks like::

    {"seq": 41, "type": "ticket_called", "at": "2026-11-27T09:41:05+08:00",
     "data": {"number": "A012", "service": "social-security",
              "window": 3, "window_name": "3号窗口", "recall_count": 0}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from display.phrases import spoken_number

SPOKEN_TYPES = frozenset({"ticket_called", "ticket_recalled"})


class InvalidCallEvent(ValueError):
    """A call payload with a missing or malformed field (named in the message)."""


@dataclass(frozen=True)
class CallEvent:
    """One call to announce."""

    seq: int
    type: str
    at: datetime
    number: str
    window: int
    window_name: str
    service: str
    recall_count: int

    @property
    def is_recall(self) -> bool:
        """Whether this call repeats an earlier one (spoken again all the same)."""
        return self.type == "ticket_recalled" or self.recall_count > 0

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> CallEvent | None:
        """Read a hub event; None if it is not a call, InvalidCallEvent if it is malformed."""
        if not isinstance(event, Mapping):
            raise InvalidCallEvent(f"event must be an object, not {type(event).__name__}")
        kind = event.get("type")
        if kind not in SPOKEN_TYPES:
            return None
        data = event.get("data")
        if not isinstance(data, Mapping):
            raise InvalidCallEvent(f"{kind}: 'data' must be an object")
        seq = _integer(event, "seq", kind)
        number = data.get("number")
        if not isinstance(number, str):
            raise InvalidCallEvent(f"{kind} seq {seq}: 'data.number' must be a string")
        try:
            spoken_number(number)
        except ValueError as error:
            raise InvalidCallEvent(f"{kind} seq {seq}: 'data.number': {error}") from None
        return cls(
            seq=seq,
            type=kind,
            at=_timestamp(event.get("at"), kind, seq),
            number=number.strip().upper(),
            window=_integer(data, "window", kind, seq),
            window_name=_text(data, "window_name", kind, seq),
            service=_text(data, "service", kind, seq),
            recall_count=_integer(data, "recall_count", kind, seq, default=0),
        )


def _integer(
    source: Mapping[str, Any], key: str, kind: str, seq: int | None = None,
    default: int | None = None,
) -> int:
    value = source.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        where = f"{kind} seq {seq}: 'data.{key}'" if seq is not None else f"{kind}: '{key}'"
        raise InvalidCallEvent(f"{where} must be a whole number >= 0, not {value!r}")
    return value


def _text(source: Mapping[str, Any], key: str, kind: str, seq: int) -> str:
    value = source.get(key, "")
    if not isinstance(value, str):
        raise InvalidCallEvent(f"{kind} seq {seq}: 'data.{key}' must be a string")
    return value


def _timestamp(value: Any, kind: str, seq: int) -> datetime:
    if not isinstance(value, str):
        raise InvalidCallEvent(f"{kind} seq {seq}: 'at' must be an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidCallEvent(f"{kind} seq {seq}: 'at' is not ISO 8601: {value!r}") from None
    if moment.tzinfo is None:
        raise InvalidCallEvent(f"{kind} seq {seq}: 'at' must carry a UTC offset: {value!r}")
    return moment
