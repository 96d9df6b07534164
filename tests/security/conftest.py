"""Fixtures of the security tests: an in-process hub with the demo center and
Riverside, the demo's clerks at windows 1 and 2, a kiosk, a hall display and the
rating pads of windows 1 and 2."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.security.kit import Kit, kit


@pytest.fixture
def k(clock: Any) -> Iterator[Kit]:
    with kit(clock) as made:
        made.device("kiosk-1", "kiosk")
        made.device("hall-1", "display")
        made.device("window-1", "display", window=1)
        made.device("pad-1", "pad", window=1)
        made.device("pad-2", "pad", window=2)
        made.user("wangli", "clerk")
        made.user("liqiang", "clerk")
        made.user("director", "manager")
        yield made
