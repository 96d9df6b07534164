"""Guessing passwords gets slow and then locked; phones issue only so many tickets."""

from __future__ import annotations

from typing import Any

import pytest
from hubkit import PASSWORD, HubProcess, expect_error

pytestmark = pytest.mark.slow

MOBILE_PER_HOUR = 3
MAX_FAILURES = 3


@pytest.fixture(scope="module")
def hub_options() -> dict[str, Any]:
    return {"env": {"JIAOHAO_MOBILE_TICKETS_PER_HOUR": str(MOBILE_PER_HOUR),
                    "JIAOHAO_LOGIN_MAX_FAILURES": str(MAX_FAILURES)}}


def login(hub: HubProcess, username: str, password: str) -> Any:
    return hub.api().request("POST", "/auth/token",
                             json={"username": username, "password": password})


def test_wrong_passwords_get_401_then_429_login_locked(hub: HubProcess) -> None:
    start = hub.seq()
    for _attempt in range(MAX_FAILURES):
        expect_error(login(hub, "clerk5", "not-the-password"), 401, "bad_credentials")
    locked = login(hub, "clerk5", "not-the-password")
    expect_error(locked, 429, "login_locked")
    assert int(locked.headers["Retry-After"]) > 0
    # Locked means locked: the right password does not open it either…
    expect_error(login(hub, "clerk5", PASSWORD), 429, "login_locked")
    # …while other accounts sign in as usual, and unknown names fail like wrong passwords.
    assert login(hub, "clerk6", PASSWORD).status_code == 200
    expect_error(login(hub, "nobody-here", PASSWORD), 401, "bad_credentials")
    # A token already held keeps working; a failed sign-in writes nothing to the journal.
    assert hub.seq() == start


def test_phones_are_rate_limited_but_kiosks_are_not(hub: HubProcess) -> None:
    phone = hub.api()
    for _ticket in range(MOBILE_PER_HOUR):
        answer = phone.ok("POST", "/tickets", 201,
                          json={"service": "household", "channel": "mobile"})
        assert answer["number"].startswith("C")
    start = hub.seq()
    expect_error(phone.request("POST", "/tickets", json={"service": "household"}), 429,
                 "rate_limited")
    expect_error(phone.request("POST", "/tickets",
                               json={"service": "household", "channel": "mobile"}),
                 429, "rate_limited")
    # A phone does not book here at all (it books on /book with a texted code).
    expect_error(phone.request("POST", "/appointments", json={
        "service": "household", "day": "2026-11-27", "slot": "10:00",
        "phone": "13800138000"}), 401, "unauthenticated")
    assert hub.seq() == start
    hub.api(hub.device("kiosk-1")).issue("household")
    assert hub.seq() == start + 1
