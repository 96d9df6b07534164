"""Fixtures for the display's speech tests: call events, a fixed clock, sox measurements."""

from __future__ import annotations

import math
import re
import subprocess
from array import array
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from display.wavs import write_mono16

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 27, 9, 41, 10, tzinfo=CHINA)

MakeCall = Callable[..., dict[str, Any]]


@pytest.fixture
def now() -> datetime:
    """The fixed moment the tests' clock reads."""
    return NOW


@pytest.fixture
def make_call() -> MakeCall:
    """Build a hub ``ticket_called`` / ``ticket_recalled`` payload."""

    def build(
        seq: int,
        number: str,
        window: int = 3,
        *,
        kind: str = "ticket_called",
        recall_count: int = 0,
        age_seconds: float = 5.0,
        service: str = "social-security",
    ) -> dict[str, Any]:
        return {
            "seq": seq,
            "type": kind,
            "at": (NOW - timedelta(seconds=age_seconds)).isoformat(),
            "data": {
                "id": f"ticket-{number}",
                "number": number,
                "service": service,
                "window": window,
                "window_name": f"{window}号窗口",
                "recall_count": recall_count,
            },
        }

    return build


def sox_stat(path: Path, *effects: str) -> dict[str, float]:
    """Return ``sox FILE -n [effects] stat`` as a dict, e.g. ``{"Length (seconds)": 9.9}``.

    ``effects`` such as ``"trim", "1.0", "0.5"`` measure a slice of the file.
    """
    result = subprocess.run(
        ["sox", str(path), "-n", *effects, "stat"], capture_output=True, text=True, check=True
    )
    stats: dict[str, float] = {}
    for line in result.stderr.splitlines():
        match = re.match(r"^(.+?):\s+(-?[\d.]+)\s*$", line)
        if match:
            stats[re.sub(r"\s+", " ", match.group(1).strip())] = float(match.group(2))
    return stats


@pytest.fixture
def measure() -> Callable[..., dict[str, float]]:
    """sox's statistics of a WAV file (length, RMS amplitude, ...)."""
    return sox_stat


def tone(frequency: float, seconds: float, rate: int = 22050, level: float = 0.5) -> array[int]:
    """A sine tone as 16-bit samples."""
    count = round(seconds * rate)
    return array(
        "h",
        (round(level * 32767 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(count)),
    )


@pytest.fixture
def write_tone() -> Callable[..., Path]:
    """Write a sine tone WAV: ``write_tone(path, frequency, seconds, rate=22050)``."""

    def write(path: Path, frequency: float, seconds: float, rate: int = 22050) -> Path:
        write_mono16(path, tone(frequency, seconds, rate), rate)
        return path

    return write
