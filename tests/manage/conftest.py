"""Fixtures of the dashboard tests: a center driven in memory (unit tests of the
supervision rules, reports and alerts) and the real hub and browser (end to end)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.manage.kit import Book


@pytest.fixture
def book(demo_config: dict[str, Any], clock: Any, ids: Any) -> Book:
    """The demo center in memory at 09:00 on a working Tuesday, with staff accounts."""
    return Book(demo_config, clock, ids)
