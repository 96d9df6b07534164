"""Changing the configuration during the day: refused when it would strand
someone (a clerk, a called ticket, people waiting) or rename the center."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from daykit import ADMIN, Day

from hub.domain import commands as cmd
from hub.domain.config import ConfigError


def _without_window(config: dict[str, Any], window: int) -> dict[str, Any]:
    changed = copy.deepcopy(config)
    changed["windows"] = [w for w in changed["windows"] if w["id"] != window]
    changed["center"]["staff"] = [s for s in changed["center"]["staff"] if s["window"] != window]
    return changed


def test_invalid_configuration_is_refused_naming_the_field(
    day: Day, demo_config: dict[str, Any]
) -> None:
    demo_config["services"][0]["prefix"] = "a"
    with pytest.raises(ConfigError) as caught:
        day.run(cmd.ChangeConfig(config=demo_config), ADMIN)
    assert caught.value.field == "services.0.prefix"


def test_center_id_cannot_change(day: Day, demo_config: dict[str, Any]) -> None:
    demo_config["center"]["id"] = "other"
    with pytest.raises(ConfigError) as caught:
        day.run(cmd.ChangeConfig(config=demo_config), ADMIN)
    assert caught.value.field == "center.id"


def test_window_in_use_cannot_be_removed(day: Day, demo_config: dict[str, Any]) -> None:
    day.sign_in(8, "zhoutao")
    error = day.refuse(cmd.ChangeConfig(config=_without_window(demo_config, 8)), ADMIN,
                       "in_use")
    assert error.field == "windows"
    day.run(cmd.ChangeConfig(config=_without_window(demo_config, 6)), ADMIN)
    assert 6 not in day.state.windows and 8 in day.state.windows


def test_window_with_tickets_sent_to_it_cannot_be_removed(
    day: Day, demo_config: dict[str, Any]
) -> None:
    # A ticket transferred to window 8 by name waits for nobody else: removing
    # the window would leave it waiting forever.
    day.sign_in(1, "wangli")
    day.issue("social-security")
    day.call(1)
    day.at_window(1, cmd.Transfer, to_window=8)
    error = day.refuse(cmd.ChangeConfig(config=_without_window(demo_config, 8)), ADMIN,
                       "in_use")
    assert error.field == "windows"


def test_service_with_people_waiting_cannot_be_removed(
    day: Day, demo_config: dict[str, Any]
) -> None:
    day.issue("civil-affairs")
    changed = copy.deepcopy(demo_config)
    changed["services"] = [s for s in changed["services"] if s["id"] != "civil-affairs"]
    for window in changed["windows"]:
        window["services"].pop("civil-affairs", None)
    error = day.refuse(cmd.ChangeConfig(config=changed), ADMIN, "in_use")
    assert error.field == "services"


def test_new_window_opens_closed_and_existing_windows_keep_their_state(
    day: Day, demo_config: dict[str, Any]
) -> None:
    day.sign_in(1, "wangli")
    demo_config["windows"].append({"id": 9, "services": ["household"]})
    day.run(cmd.ChangeConfig(config=demo_config), ADMIN)
    assert day.window(9).state == "closed"
    assert day.window(1).clerk == "wangli"
