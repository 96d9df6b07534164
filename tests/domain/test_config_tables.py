"""The option tables of a center configuration ([queue], [supervision], [close_out],
[notify], [booking]) are read by pydantic models (hub/domain/config.py), as the rest of
the configuration: each mistake is a ConfigError naming the key by its path, in the
dashboard's words."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hub.domain.config import ConfigError, parse_config


@pytest.mark.parametrize(("table", "value", "field", "message"), [
    ("queue", {"priority_ratio": 0}, "queue.priority_ratio", "must be between 1 and 100"),
    ("queue", {"priority_ratio": "3"}, "queue.priority_ratio", "must be a whole number"),
    ("queue", {"priority_ratio": True}, "queue.priority_ratio", "must be a whole number"),
    ("queue", {"pause_reasons": ["午休", " "]}, "queue.pause_reasons",
     "must be a list of non-empty strings"),
    ("queue", {"pause_reasons": ["午休", 3]}, "queue.pause_reasons",
     "must be a list of non-empty strings"),
    ("queue", {"pause_reasons": "午休"}, "queue.pause_reasons", "must be a list"),
    ("queue", {"transfer_place": "back"}, "queue.transfer_place", 'must be "front" or "arrival"'),
    ("queue", {"colour": 1}, "queue.colour", "is not a known setting"),
    ("queue", "fast", "queue", "must be a table/object"),
    ("supervision", {"complaint_days": {"on_spot": 31}}, "supervision.complaint_days.on_spot",
     "must be between 0 and 30"),
    ("supervision", {"complaint_days": {"someday": 1}}, "supervision.complaint_days.someday",
     "is not a known setting"),
    ("supervision", {"complaint_days": 3}, "supervision.complaint_days",
     "must be a table/object"),
    ("supervision", {"follow_up_days": 0}, "supervision.follow_up_days",
     "must be between 1 and 60"),
    ("close_out", {"enabled": "yes"}, "close_out.enabled", "must be true or false"),
    ("close_out", {"after_minutes": -1}, "close_out.after_minutes", "must be between 0 and 600"),
    ("close_out", {"reason": " "}, "close_out.reason", "must be a non-empty string"),
    ("close_out", {"after_minutes": 60, "force_after_minutes": 30},
     "close_out.force_after_minutes", "must not be before after_minutes"),
    ("notify", {"templates": {"shout": "x"}}, "notify.templates.shout", "is not a known setting"),
    ("notify", {"templates": {"called": 5}}, "notify.templates.called",
     "must be a non-empty string"),
    ("notify", {"reminder_at": "25:00"}, "notify.reminder_at",
     "must be a time of day like 17:00"),
    ("notify", {"code_attempts": 11}, "notify.code_attempts", "must be between 1 and 10"),
    ("booking", {"horizon_days": 61}, "booking.horizon_days", "must be between 1 and 60"),
    ("booking", {"no_show_limit": 2.5}, "booking.no_show_limit", "must be a whole number"),
])
def test_a_wrong_option_names_its_path(demo_config: dict[str, Any], table: str, value: Any,
                                       field: str, message: str) -> None:
    data = copy.deepcopy(demo_config)
    data[table] = value
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert (caught.value.field, caught.value.message) == (field, message)


def test_the_tables_default_and_read_what_is_given(demo_config: dict[str, Any]) -> None:
    data = copy.deepcopy(demo_config)
    for table in ("queue", "supervision", "close_out", "notify", "booking"):
        data.pop(table, None)
    plain = parse_config(data)
    assert plain.queue.pause_reasons == ("午休", "会议", "临时离开", "请假", "外出办事")
    assert plain.booking.horizon_days == 7 and plain.close_out.enabled
    assert dict(plain.supervision.complaint_days)["on_spot"] >= 0
    data.update(queue={"pause_reasons": [" 午休 ", "培训"], "priority_ratio": 5},
                supervision={"complaint_days": {"next_day": 2}},
                close_out={"enabled": False}, notify={"templates": {"called": "T1"}},
                booking={"horizon_days": 14})
    given = parse_config(data)
    assert given.queue.pause_reasons == ("午休", "培训") and given.queue.priority_ratio == 5
    assert dict(given.supervision.complaint_days)["next_day"] == 2
    assert not given.close_out.enabled and given.booking.horizon_days == 14
    assert dict(given.notify.templates)["called"] == "T1"
