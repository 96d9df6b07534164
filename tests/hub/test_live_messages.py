"""The /live `subscribe` message is checked by its pydantic model (hub.web.live.Subscribe):
in-process, the error acks name the field as they always have."""

from __future__ import annotations

from typing import Any

import pytest

from hub.web.live import Subscribe, _subscription

BODY = "invalid_body"


@pytest.mark.parametrize(("data", "code", "field", "message"), [
    ("hall", BODY, None, "send {rooms: [...], since: SEQ|null}"),
    (None, BODY, None, "send {rooms: [...], since: SEQ|null}"),
    ({"rooms": ["hall"], "since": None, "extra": 1}, BODY, None,
     "send {rooms: [...], since: SEQ|null}"),
    ({"rooms": ["lobby"], "zz": 1}, BODY, None, "send {rooms: [...], since: SEQ|null}"),
    ({}, "invalid_field", "rooms", "rooms must list 1 to 10 rooms"),
    ({"rooms": "hall"}, "invalid_field", "rooms", "rooms must list 1 to 10 rooms"),
    ({"rooms": []}, "invalid_field", "rooms", "rooms must list 1 to 10 rooms"),
    ({"rooms": ["hall"] * 11}, "invalid_field", "rooms", "rooms must list 1 to 10 rooms"),
    ({"rooms": ["hall", "lobby"]}, "invalid_field", "rooms", "unknown room 'lobby'"),
    ({"rooms": [3]}, "invalid_field", "rooms", "unknown room 3"),
    ({"rooms": ["window:0"]}, "invalid_field", "rooms", "unknown room 'window:0'"),
    ({"rooms": ["window:1000"]}, "invalid_field", "rooms", "unknown room 'window:1000'"),
    ({"rooms": ["ticket:short"]}, "invalid_field", "rooms", "unknown room 'ticket:short'"),
    ({"rooms": [" hall"]}, "invalid_field", "rooms", "unknown room ' hall'"),
    ({"rooms": ["hall"], "since": "5"}, "invalid_field", "since",
     "since must be a seq number or null"),
    ({"rooms": ["hall"], "since": -1}, "invalid_field", "since",
     "since must be a seq number or null"),
    ({"rooms": ["hall"], "since": True}, "invalid_field", "since",
     "since must be a seq number or null"),
    ({"rooms": ["hall"], "since": 1.5}, "invalid_field", "since",
     "since must be a seq number or null"),
])
def test_a_bad_subscribe_gets_the_error_ack_naming_the_field(
        data: Any, code: str, field: str | None, message: str) -> None:
    answer = _subscription(data)
    assert isinstance(answer, dict)
    assert answer == {"error": code, "message": message, **({"field": field} if field else {})}


def test_a_good_subscribe_is_the_model() -> None:
    rooms = ["hall", "window:12", "staff", "manager", "ticket:Ab3_-xyz0"]
    found = _subscription({"rooms": rooms, "since": 0})
    assert found == Subscribe(rooms=rooms, since=0)
    assert _subscription({"rooms": ["hall"]}) == Subscribe(rooms=["hall"], since=None)
