"""The domain by feature: a small core, feature modules on it, one composer.

Each feature holds its commands, events, decide and fold in its own `Feature` table;
a feature imports the core and, where it reacts to another's facts, only an earlier
feature; hub/domain/compose.py alone imports them all (so there is no circle)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hub.domain import base, commands, compose, events
from tests.arch import graph as g

CORE = {"hub.domain.base", "hub.domain.model", "hub.domain.day", "hub.domain.config",
        "hub.domain.calendar", "hub.domain.routing", "hub.domain.errors"}
# The features in the order they may lean on each other (the composer's order).
ORDER = ["day", "accounts", "windows", "issuing", "calling", "transfer", "rating",
         "supervision", "notify", "appointments", "cases", "closing"]


def test_features_import_the_core_and_earlier_features_only() -> None:
    arrows = g.graph()
    for index, name in enumerate(ORDER):
        allowed = CORE | {f"hub.domain.{earlier}" for earlier in ORDER[:index]}
        assert arrows[f"hub.domain.{name}"] - {f"hub.domain.{name}"} <= allowed, name
    for core in CORE:
        assert not arrows[core] - CORE, core
    assert {f"hub.domain.{name}" for name in ORDER} <= arrows["hub.domain.compose"]


def test_the_composer_takes_the_features_in_that_order() -> None:
    assert [feature.name for feature in compose.FEATURES] == ORDER


def test_every_command_and_event_belongs_to_one_feature() -> None:
    decided = [c for feature in compose.FEATURES for c in feature.deciders]
    assert len(decided) == len(set(decided))
    named = {obj for obj in vars(commands).values()
             if isinstance(obj, type) and issubclass(obj, base.Command) and obj is not base.Command}
    assert named - {commands.ChangeConfig} == set(decided)  # ChangeConfig: decided first
    folded = {e for feature in compose.FEATURES for e in feature.folders}
    assert folded == set(events.REGISTRY.values())


def test_two_features_deciding_one_command_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    @dataclass(frozen=True)
    class Twice(base.Command):
        pass

    one, two = base.Feature("one"), base.Feature("two")
    one.decides(Twice)(lambda d, c: None)
    two.decides(Twice)(lambda d, c: None)
    monkeypatch.setattr(compose, "FEATURES", (one, two))
    with pytest.raises(TypeError, match="Twice is decided by two features"):
        compose._tables()
