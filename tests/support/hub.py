"""A real hub process with the demo center, its staff and devices, for page tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.kit import api
from tools.process import HubProcess

__all__ = ["api", "demo_hub"]  # api: the kit's, imported from here by older modules


@pytest.fixture(scope="module")
def demo_hub(tmp_path_factory: Any) -> Iterator[HubProcess]:
    """The demo center served by `jiaohao hub` (gevent) on a fresh SQLite journal.

    Logins are in `.passwords`, device tokens in `.tokens` (kiosk-1, hall-1,
    window-1…8 displays, pad-1…8). The clock starts 09:00 on a working day.
    """
    hub = HubProcess("gevent", folder=str(tmp_path_factory.mktemp("hub")))
    hub.prepare_demo()
    hub.start()
    yield hub
    hub.stop()
    assert "Traceback" not in hub.log(), hub.log()
