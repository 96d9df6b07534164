"""A hub that texts through a local fake SMS gateway (tests/fakes/fake_gateway.py).

`gateway` and `sms_hub` are module fixtures: the demo center on `jiaohao hub`
(gevent) whose notifier posts every text to the fake gateway, so a test can read
the one-time codes and messages the hub sent. `start_sms_hub` is the same hub for a
module that needs another environment or a step between preparing and starting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.fake_gateway import FakeGateway
from tools.process import HubProcess


def sms_env(gateway: FakeGateway, **extra: str) -> dict[str, str]:
    return {"JIAOHAO_NOTIFY_SENDER": "sms", "JIAOHAO_NOTIFY_URL": gateway.url,
            "JIAOHAO_NOTIFY_SECRET": gateway.secret, "JIAOHAO_NOTIFY_POLL_SECONDS": "0.2",
            **extra}


@contextmanager
def start_sms_hub(gateway: FakeGateway, folder: Path, env: dict[str, str] | None = None,
                  prepared: Callable[[HubProcess, dict[str, Any]], None] | None = None,
                  ) -> Iterator[HubProcess]:
    """The demo center (accounts, devices, appointments) texting through `gateway`.

    `prepared(hub, credentials)` runs after the demo is prepared, before the hub
    starts. When the hub stops, its log must hold no traceback.
    """
    hub = HubProcess("gevent", folder=str(folder), env=sms_env(gateway, **(env or {})))
    credentials = hub.prepare_demo()
    if prepared is not None:
        prepared(hub, credentials)
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()
    assert "Traceback" not in hub.log(), hub.log()


@pytest.fixture(scope="module")
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def sms_hub(gateway: FakeGateway, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[HubProcess]:
    """The demo center whose hub texts through the fake gateway."""
    with start_sms_hub(gateway, tmp_path_factory.mktemp("hub")) as hub:
        yield hub
