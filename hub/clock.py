"""Clocks and id sources the hub injects into the rules."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def real_clock() -> datetime:
    return datetime.now(UTC)


def parse_fast(spec: str) -> tuple[float, datetime]:
    """The speed and start moment of a "fast:SPEED@START" clock, or ValueError."""
    try:
        kind, rest = spec.split(":", 1)
        speed_text, start_text = rest.split("@", 1)
        speed = float(speed_text)
        start = datetime.fromisoformat(start_text)
    except ValueError:
        raise ValueError(f"clock {spec!r}: use fast:SPEED@2026-11-27T08:25+08:00") from None
    if kind != "fast" or speed <= 0 or start.tzinfo is None:
        raise ValueError(f"clock {spec!r}: use fast:SPEED@2026-11-27T08:25+08:00")
    return speed, start


def fast_clock(spec: str) -> Clock:
    """A clock that runs `speed` times faster than real time from a start moment.

    `spec` is "fast:SPEED@START", e.g. "fast:60@2026-11-27T08:25+08:00": one real
    second is a minute of the center's day. Demos and `jiaohao simulate` use it
    so a whole day passes in minutes.
    """
    speed, start = parse_fast(spec)
    origin, base = time.monotonic(), start.timestamp()

    def clock() -> datetime:
        elapsed = (time.monotonic() - origin) * speed
        return datetime.fromtimestamp(base + elapsed, tz=start.tzinfo)

    return clock


def make_clock(spec: str) -> Clock:
    return fast_clock(spec) if spec else real_clock


def new_id() -> str:
    """An unguessable id (ticket ids are handed to phones as capabilities)."""
    return secrets.token_urlsafe(12)
