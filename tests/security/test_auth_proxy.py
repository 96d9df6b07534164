"""Finding 7: behind nginx, the phone rate limit and the login lockout apply to the
phone's own address (X-Forwarded-For from a trusted proxy), not to nginx's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from authkit import demo_hub, login

from tools.process import HubProcess

pytestmark = pytest.mark.slow
PER_HOUR = 2


def phone_ticket(hub: HubProcess, forwarded_for: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return requests.post(f"{hub.url}/api/v1/tickets", headers=headers, timeout=10,
                         json={"service": "household", "channel": "mobile"}).status_code


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: Any) -> Iterator[HubProcess]:
    process = demo_hub(tmp_path_factory.mktemp("proxied"), env={
        "JIAOHAO_TRUSTED_PROXIES": "1", "JIAOHAO_MOBILE_TICKETS_PER_HOUR": str(PER_HOUR),
        "JIAOHAO_LOGIN_MAX_FAILURES": "3"})
    yield process
    process.stop()
    assert "Traceback" not in process.log(), process.log()


@pytest.fixture(scope="module")
def direct(tmp_path_factory: Any) -> Iterator[HubProcess]:
    process = demo_hub(tmp_path_factory.mktemp("direct"), env={
        "JIAOHAO_MOBILE_TICKETS_PER_HOUR": str(PER_HOUR)})
    yield process
    process.stop()


def test_behind_a_trusted_proxy_each_phone_has_its_own_ticket_limit(
    proxied: HubProcess,
) -> None:
    for _ in range(PER_HOUR):
        assert phone_ticket(proxied, "10.8.0.11") == 201
    assert phone_ticket(proxied, "10.8.0.11") == 429
    # Another phone behind the same nginx is not punished for the first one.
    assert phone_ticket(proxied, "10.8.0.12") == 201
    # nginx appends the peer it saw: a phone cannot pick its address by sending a header.
    assert phone_ticket(proxied, "10.8.0.99, 10.8.0.11") == 429


def test_behind_a_trusted_proxy_the_lockout_is_per_phone(proxied: HubProcess) -> None:
    for _ in range(3):
        assert login(proxied, "wangli", "wrong", **{"X-Forwarded-For": "10.9.0.1"}
                     ).status_code == 401
    assert login(proxied, "wangli", "wrong", **{"X-Forwarded-For": "10.9.0.1"}
                 ).status_code == 429
    assert login(proxied, "wangli", proxied.passwords["wangli"],
                 **{"X-Forwarded-For": "10.9.0.2"}).status_code == 200


def test_without_trusted_proxies_the_header_is_ignored(direct: HubProcess) -> None:
    for n in range(PER_HOUR):
        assert phone_ticket(direct, f"10.7.0.{n}") == 201
    assert phone_ticket(direct, "10.7.0.200") == 429  # a forged header changes nothing
