"""Unit tests: reading the hub's call payloads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from display.events import CallEvent, InvalidCallEvent

MakeCall = Callable[..., dict[str, Any]]


def test_reads_a_ticket_called_payload(make_call: MakeCall) -> None:
    event = {
        "seq": 41,
        "type": "ticket_called",
        "at": "2026-11-27T09:41:05+08:00",
        "data": {"number": "A012", "service": "social-security", "window": 3,
                 "window_name": "3号窗口", "recall_count": 0},
    }
    call = CallEvent.from_event(event)
    assert call == CallEvent(
        seq=41, type="ticket_called",
        at=datetime(2026, 11, 27, 9, 41, 5, tzinfo=timezone(timedelta(hours=8))),
        number="A012", window=3, window_name="3号窗口",
        service="social-security", recall_count=0,
    )
    assert not call.is_recall


def test_recalls_are_recognised(make_call: MakeCall) -> None:
    recalled = CallEvent.from_event(make_call(7, "A012", kind="ticket_recalled", recall_count=1))
    called_again = CallEvent.from_event(make_call(8, "A012", recall_count=2))
    assert recalled is not None and recalled.is_recall
    assert called_again is not None and called_again.is_recall


def test_other_events_are_not_calls(make_call: MakeCall) -> None:
    assert CallEvent.from_event(make_call(9, "A012", kind="ticket_issued")) is None
    assert CallEvent.from_event({"seq": 1, "type": "window_paused"}) is None


def test_utc_z_suffix_is_accepted(make_call: MakeCall) -> None:
    event = make_call(1, "A012")
    event["at"] = "2026-11-27T01:41:05Z"
    call = CallEvent.from_event(event)
    assert call is not None and call.at.utcoffset() == timedelta(0)


def _broken(make_call: MakeCall, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    event = make_call(41, "A012")
    change(event)
    return event


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.pop("seq"), "'seq' must be a whole number"),
        (lambda e: e.update(seq="41"), "'seq' must be a whole number"),
        (lambda e: e.update(data=None), "'data' must be an object"),
        (lambda e: e["data"].pop("number"), "'data.number' must be a string"),
        (lambda e: e["data"].update(number="A-12"), "'data.number': not a ticket number"),
        (lambda e: e["data"].update(window=True), "'data.window' must be a whole number"),
        (lambda e: e["data"].update(window=-1), "'data.window' must be a whole number"),
        (lambda e: e["data"].update(window_name=3), "'data.window_name' must be a string"),
        (lambda e: e.update(at="yesterday"), "'at' is not ISO 8601"),
        (lambda e: e.update(at="2026-11-27T09:41:05"), "'at' must carry a UTC offset"),
        (lambda e: e.pop("at"), "'at' must be an ISO 8601 timestamp"),
        (lambda e: e.update(data=["A012"]), "^ticket_called: 'data' must be an object"),
        (lambda e: e["data"].pop("window"),
         r"^ticket_called seq 41: 'data.window' must be a whole number >= 0, not None$"),
        (lambda e: e["data"].update(recall_count=-2), "'data.recall_count' must be a whole"),
        (lambda e: e["data"].update(service=None), "'data.service' must be a string"),
        (lambda e: e.update(at=1764207665), "'at' must be an ISO 8601 timestamp"),
    ],
)
def test_malformed_payloads_name_the_field(
    make_call: MakeCall, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(InvalidCallEvent, match=message):
        CallEvent.from_event(_broken(make_call, change))


def test_keys_the_display_does_not_know_are_ignored(make_call: MakeCall) -> None:
    """A newer hub may send more: the display still speaks the call."""
    event = make_call(41, "a012")
    event["colour"] = "red"
    event["data"]["clerk"] = "wangli"
    call = CallEvent.from_event(event)
    assert call is not None and (call.number, call.window) == ("A012", 3)


def test_a_payload_that_is_not_an_object_is_invalid() -> None:
    with pytest.raises(InvalidCallEvent, match="event must be an object, not list"):
        CallEvent.from_event(["ticket_called"])  # type: ignore[arg-type]
