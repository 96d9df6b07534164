"""Issue 13: with a Redis store, the phone rate limit and the login lockout are counted
once for all hub processes ("6 tickets an hour" means 6 in total)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from authkit import login

from tools.process import HubProcess

pytestmark = pytest.mark.slow
PER_HOUR = 3
MAX_FAILURES = 4


@pytest.fixture(scope="module")
def pair(redis_server: Any, tmp_path_factory: Any) -> Iterator[list[HubProcess]]:
    env = {"JIAOHAO_MESSAGE_QUEUE": redis_server.url,
           "JIAOHAO_KEY_FILE": str(tmp_path_factory.mktemp("key") / "shared.key"),
           "JIAOHAO_MOBILE_TICKETS_PER_HOUR": str(PER_HOUR),
           "JIAOHAO_LOGIN_MAX_FAILURES": str(MAX_FAILURES)}
    hubs = [HubProcess("gevent", folder=str(tmp_path_factory.mktemp(f"limits{i}")),
                       store=redis_server.url, env=env) for i in range(2)]
    hubs[0].prepare_demo()
    hubs[1].passwords, hubs[1].tokens = hubs[0].passwords, hubs[0].tokens
    for process in hubs:
        process.start()
    yield hubs
    for process in hubs:
        process.stop()
        assert "Traceback" not in process.log(), process.log()


def phone_ticket(hub: HubProcess) -> int:
    return requests.post(f"{hub.url}/api/v1/tickets", timeout=10,
                         json={"service": "household", "channel": "mobile"}).status_code


def test_the_phone_limit_counts_tickets_on_every_process(pair: list[HubProcess]) -> None:
    statuses = [phone_ticket(pair[n % 2]) for n in range(PER_HOUR + 3)]
    assert statuses == [201] * PER_HOUR + [429] * 3, statuses


def test_the_lockout_counts_failures_on_every_process(pair: list[HubProcess]) -> None:
    statuses = [login(pair[n % 2], "wangli", "wrong").status_code for n in range(MAX_FAILURES)]
    assert statuses == [401] * MAX_FAILURES, statuses
    for hub in pair:
        assert login(hub, "wangli", hub.passwords["wangli"]).status_code == 429


def test_parallel_guesses_on_both_processes_check_at_most_the_limit(
    pair: list[HubProcess],
) -> None:
    with ThreadPoolExecutor(20) as pool:
        statuses = Counter(pool.map(
            lambda n: login(pair[n % 2], "liqiang", "wrong").status_code, range(20)))
    assert statuses[401] <= MAX_FAILURES and statuses[429] >= 20 - MAX_FAILURES, statuses
