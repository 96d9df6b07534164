"""The call events the announcer speaks, read from the hub's Socket.IO payloads.

A payload looks like::

    {"seq": 41, "type": "ticket_called", "at": "2026-11-27T09:41:05+08:00",
     "data": {"number": "A012", "service": "social-security",
              "window": 3, "window_name": "3号窗口", "recall_count": 0}}

A call payload is read by pydantic models (`_CallPayload`); keys the display does not
know are ignored, so a newer hub does not silence an older display. The first thing
wrong is an `InvalidCallEvent` naming the field ('data.window').
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainValidator, ValidationError
from pydantic_core import PydanticCustomError

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
        try:
            payload = _CallPayload.model_validate(dict(event))
        except ValidationError as error:
            raise _invalid(error, kind, event.get("seq")) from None
        data = payload.data
        return cls(seq=payload.seq, type=kind, at=payload.at, number=data.number,
                   window=data.window, window_name=data.window_name, service=data.service,
                   recall_count=data.recall_count)


# ------------------------------------------------------------------ the payload's schema


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PydanticCustomError("whole", "must be a whole number >= 0, not {value}",
                                  {"value": repr(value)})
    return value


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("string", "must be a string")
    return value


def _ticket_number(value: Any) -> str:
    _string(value)
    try:
        spoken_number(value)
    except ValueError as error:
        raise PydanticCustomError("unreadable", "{problem}", {"problem": str(error)}) from None
    return str(value).strip().upper()


def _timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise PydanticCustomError("timestamp", "must be an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("timestamp", "is not ISO 8601: {value}",
                                  {"value": repr(value)}) from None
    if moment.tzinfo is None:
        raise PydanticCustomError("timestamp", "must carry a UTC offset: {value}",
                                  {"value": repr(value)})
    return moment


def _an_object(value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise PydanticCustomError("object", "must be an object")
    return dict(value)


class _Payload(BaseModel):
    # Unknown keys are ignored (a newer hub's); a missing key is checked as None.
    model_config = ConfigDict(extra="ignore", frozen=True, validate_default=True)


class _CallData(_Payload):
    number: Annotated[str, PlainValidator(_ticket_number)] = None  # type: ignore[assignment]
    window: Annotated[int, PlainValidator(_whole)] = None  # type: ignore[assignment]
    window_name: Annotated[str, PlainValidator(_string)] = ""
    service: Annotated[str, PlainValidator(_string)] = ""
    recall_count: Annotated[int, PlainValidator(_whole)] = 0


class _CallPayload(_Payload):
    seq: Annotated[int, PlainValidator(_whole)] = None  # type: ignore[assignment]
    data: Annotated[_CallData, BeforeValidator(_an_object)] = None  # type: ignore[assignment]
    at: Annotated[datetime, PlainValidator(_timestamp)] = None  # type: ignore[assignment]


def _invalid(error: ValidationError, kind: str, seq: Any) -> InvalidCallEvent:
    """The InvalidCallEvent for pydantic's first error: "ticket_called seq 41: 'data.window'
    must be a whole number >= 0, not -1" (without the seq when it or 'data' is wrong)."""
    first = error.errors(include_url=False)[0]
    loc = tuple(str(part) for part in first["loc"])
    where = f"'{'.'.join(loc)}'"
    words = f"{where}: {first['msg']}" if first["type"] == "unreadable" else \
        f"{where} {first['msg']}"
    if loc in (("seq",), ("data",)):
        return InvalidCallEvent(f"{kind}: {words}")
    return InvalidCallEvent(f"{kind} seq {seq}: {words}")
