"""Finding 8: GET /events answers 422 naming the field for numbers it cannot use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from authkit import demo_hub

from tools.process import HubProcess

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hub(tmp_path_factory: Any) -> Iterator[HubProcess]:
    process = demo_hub(tmp_path_factory.mktemp("events"))
    yield process
    process.stop()


@pytest.mark.parametrize(("field", "value"), [
    ("since", "9223372036854775808"),
    ("since", "²"),
    ("since", "٣"),  # an Arabic-Indic digit: isdigit() says yes
    ("since", "9" * 4300),
    ("since", "-1"),
    ("since", ""),
    ("limit", "²"),
    ("limit", "9" * 4300),
    ("limit", "0"),
    ("limit", "10001"),
])
def test_events_refuses_unusable_numbers_with_422(hub: HubProcess, field: str,
                                                    value: str) -> None:
    token = hub.login("director")
    answer = requests.get(f"{hub.url}/api/v1/events", params={field: value}, timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422, (answer.status_code, answer.text[:300])
    body = answer.json()
    assert body["error"] == "invalid_field" and body["field"] == field, body


def test_events_still_pages_with_good_numbers(hub: HubProcess) -> None:
    token = hub.login("director")
    answer = requests.get(f"{hub.url}/api/v1/events", params={"since": "0", "limit": "3"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200
    assert [e["seq"] for e in answer.json()["events"]] == [1, 2, 3]
    far = requests.get(f"{hub.url}/api/v1/events", params={"since": "9223372036854775807"},
                       headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert far.status_code == 200 and far.json()["events"] == []
