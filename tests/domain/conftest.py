"""Fixtures of the domain tests: a day of the demo center driven through the rules."""

from __future__ import annotations

from typing import Any

import pytest
from daykit import Day


@pytest.fixture
def day(demo_config: dict[str, Any], clock: Any, ids: Any) -> Day:
    """The demo center configured at 09:00 on a working Tuesday; nobody signed in."""
    return Day(demo_config, clock, ids)


@pytest.fixture
def make_day(clock: Any, ids: Any) -> Any:
    """Build a day from a configuration the test changed first."""

    def build(config: dict[str, Any]) -> Day:
        return Day(config, clock, ids)

    return build
