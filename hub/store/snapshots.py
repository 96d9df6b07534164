"""A center's state to and from JSON, for snapshots.

Snapshots used to be pickles: whoever could write the journal's Redis (or the
SQLite file) could then run code in every hub that loaded one. Now they are
plain JSON, rebuilt field by field from the state's type hints, so a snapshot
can at worst be wrong (the hub then replays the journal), never run anything.
An old pickled snapshot is not JSON: it is ignored and the journal replayed.

The configuration is kept as the mapping it was parsed from and parsed again.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections import deque
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from hub.domain import appointments as appointments_module
from hub.domain import cases as cases_module
from hub.domain import compose as compose_module
from hub.domain import config as config_module
from hub.domain import model as model_module
from hub.domain import notify as notify_module
from hub.domain import supervision as supervision_module
from hub.domain.config import CenterConfig, parse_config
from hub.domain.state import CenterState

FORMAT = "jiaohao-snapshot"
# Bump when CenterState's shape changes: older snapshots are then ignored and
# the journal is replayed instead.
VERSION = 8  # 4: JSON (1-3 were pickles, never read again); 5: the wait estimator's
# observed throughput (WindowState.cycles …) and closed-out tickets; 6: the outbox;
# 7: cases (办件); 8: booking on the phone (CenterState.booking, Appointment.id_hash)


class SnapshotError(ValueError):
    """The snapshot cannot be read as this version's state."""


def encode_state(state: CenterState) -> bytes:
    document = {"format": FORMAT, "version": VERSION, "state": _encode(state)}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def decode_state(data: bytes) -> CenterState:
    """The state in `data`, or SnapshotError (never anything else for bad bytes)."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise SnapshotError("not a JSON snapshot") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT \
            or document.get("version") != VERSION:
        raise SnapshotError("a snapshot of another format or version")
    try:
        state = _decode(document.get("state"), CenterState)
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
        raise SnapshotError(f"snapshot unreadable: {error!r}") from None
    if not isinstance(state, CenterState):
        raise SnapshotError("the snapshot holds no center state")
    return state


# ------------------------------------------------------------------ encoding


def _encode(value: Any) -> Any:
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool or kind is float:
        return value
    fields = _FIELDS.get(kind)
    if fields is not None:  # a dataclass seen before (`_fields`): most of a day's values
        return {name: _encode(getattr(value, name)) for name, _hint in fields}
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, CenterConfig):
        return {"raw": _encode(dict(value.raw))}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _encode(getattr(value, name)) for name, _hint in _fields(kind)}
    if isinstance(value, bool | int | float | str):  # their subclasses (enums)
        return value
    if isinstance(value, deque):
        return {"maxlen": value.maxlen, "items": [_encode(item) for item in value]}
    if isinstance(value, Mapping):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return [[_encode(k), _encode(v)] for k, v in value.items()]  # e.g. window numbers
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if isinstance(value, set | frozenset):  # sorted: the same state, the same bytes
        return sorted((_encode(item) for item in value), key=repr)
    raise TypeError(f"cannot keep a {type(value).__name__} in a snapshot")


# ------------------------------------------------------------------ decoding

_NAMESPACE: dict[str, Any] = {
    **vars(typing), **vars(config_module), **vars(supervision_module), **vars(cases_module),
    **vars(appointments_module), **vars(notify_module), **vars(model_module),
    **vars(compose_module),
}
_FIELDS: dict[type, tuple[tuple[str, Any], ...]] = {}
_SHAPES: dict[Any, tuple[Any, tuple[Any, ...]]] = {}


def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass's fields and their type hints, worked out once per class."""
    found = _FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls, globalns=_NAMESPACE)
        found = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
        _FIELDS[cls] = found
    return found


def _shape(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    """`hint`'s origin and arguments, worked out once per hint: asking typing for
    them at every value was most of the time a big day's snapshot took to load."""
    try:
        return _SHAPES[hint]
    except KeyError:
        shape = _SHAPES[hint] = (typing.get_origin(hint), typing.get_args(hint))
        return shape
    except TypeError:  # an unhashable hint
        return typing.get_origin(hint), typing.get_args(hint)


def _decode(data: Any, hint: Any) -> Any:  # noqa: PLR0911, PLR0912 - one case per kind of type
    if hint in (int, float, str, bool):  # first: most values are
        if hint is float and isinstance(data, int) and not isinstance(data, bool):
            return float(data)
        if type(data) is not hint:
            raise TypeError(f"{data!r} is not a {hint.__name__}")
        return data
    origin, args = _shape(hint)
    if hint is Any or hint is object:
        return _plain(data)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            return _decode(data, options[0])
        for option in options:  # unions of plain types only
            if isinstance(option, type) and isinstance(data, option):
                return data
        raise TypeError(f"{data!r} fits none of {hint}")
    if hint is CenterConfig:
        if not isinstance(data, dict) or not isinstance(data.get("raw"), dict):
            raise TypeError("a configuration without its mapping")
        return parse_config(_plain(data["raw"]))
    if hint in _FIELDS or isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(data, dict):
            raise TypeError(f"{hint.__name__} must be an object")
        values = {name: _decode(data[name], field_hint)
                  for name, field_hint in _fields(hint) if name in data}
        return hint(**values)
    if hint in (datetime, date, time):
        if not isinstance(data, str):
            raise TypeError(f"{hint.__name__} must be a string")
        return hint.fromisoformat(data)
    if origin is deque:
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise TypeError("a deque must be {maxlen, items}")
        maxlen = data.get("maxlen")
        if maxlen is not None and (type(maxlen) is not int or maxlen < 0):
            raise TypeError("a deque's maxlen must be a whole number")
        return deque((_decode(item, args[0]) for item in data["items"]), maxlen=maxlen)
    if origin in (dict, Mapping):
        key, value = args if args else (Any, Any)
        if isinstance(data, dict) and key is str:
            return {k: _decode(v, value) for k, v in data.items()}
        if not isinstance(data, list) or not all(isinstance(p, list) and len(p) == 2
                                                 for p in data):
            raise TypeError("a mapping must be an object or a list of pairs")
        return {_decode(k, key): _decode(v, value) for k, v in data}
    if origin is tuple:
        if not isinstance(data, list):
            raise TypeError("a tuple must be a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(item, args[0]) for item in data)
        if len(args) != len(data):
            raise TypeError("a tuple of the wrong length")
        return tuple(_decode(item, arg) for item, arg in zip(data, args, strict=True))
    if origin is list:
        if not isinstance(data, list):
            raise TypeError("a list must be a list")
        return [_decode(item, args[0]) for item in data]
    if origin in (set, frozenset):
        if not isinstance(data, list):
            raise TypeError("a set must be a list")
        return origin(_decode(item, args[0]) for item in data)
    if hint is None or hint is type(None):
        if data is not None:
            raise TypeError("expected null")
        return None
    raise TypeError(f"no snapshot decoding for {hint!r}")


def _plain(data: Any) -> Any:
    """A value typed Any: JSON as it is (mappings with text keys are JSON objects)."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(item) for item in data]
    return data
