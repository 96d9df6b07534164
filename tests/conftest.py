"""Fixtures shared by the whole suite: the demo configuration, a clock the test
moves by hand, and a predictable id source. Keep this file small and general;
layer-specific fixtures live in the layer's own conftest.py."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.support.kit import SHANGHAI, WORKDAY_MORNING, ManualClock

# Real components every layer may need, registered once for the whole suite (a
# fixture imported into several conftest files would start one browser per folder).
pytest_plugins = ["tests.support.browser", "tests.support.hub", "tests.support.redis",
                  "tests.support.sms", "tests.support.slowcheck"]
__all__ = ["SHANGHAI", "WORKDAY_MORNING", "ManualClock", "SequentialIds"]

ROOT = Path(__file__).resolve().parent.parent
DEMO_TOML = ROOT / "hub" / "centers" / "demo.toml"


class SequentialIds:
    """Ids "id-0001", "id-0002", … in order, so tests can name what they made."""

    def __init__(self, prefix: str = "id") -> None:
        self.prefix = prefix
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"{self.prefix}-{self.count:04d}"


@pytest.fixture(scope="session")
def _demo_config_data() -> dict[str, Any]:
    with DEMO_TOML.open("rb") as file:
        return tomllib.load(file)


@pytest.fixture
def demo_config(_demo_config_data: dict[str, Any]) -> dict[str, Any]:
    """The demo center's configuration mapping, a fresh copy each test may change."""
    return copy.deepcopy(_demo_config_data)


@pytest.fixture
def clock() -> ManualClock:
    """A clock standing at 09:00 on a working Tuesday in Asia/Shanghai."""
    return ManualClock()


@pytest.fixture
def ids() -> SequentialIds:
    return SequentialIds()


def pytest_addoption(parser: pytest.Parser) -> None:
    # tests/security/test_fuzz_api.py: many more examples per operation (a long run).
    parser.addoption("--deep", action="store_true", default=False,
                     help="long schema fuzz run of /api/v1 (also JIAOHAO_FUZZ_DEEP=1)")
