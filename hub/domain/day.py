"""The center and its day: the configuration and the start of a business day.

Core, not a feature: every feature's state follows the configuration and many
start their day afresh on `DayStarted` (each folds it for its own part).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hub.domain import errors
from hub.domain.base import ALL_WINDOWS, HALL, STAFF, Command, Emitter, Event, Feature, event
from hub.domain.config import ConfigError, parse_config
from hub.domain.model import CoreState, WindowState
from hub.domain.routing import window_queue_key

rules = Feature("day")


@dataclass(frozen=True)
class ChangeConfig(Command):
    config: Mapping[str, Any]
    source: str = "dashboard"
    summary: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class ConfigChanged(Event):
    audience = (HALL, ALL_WINDOWS, STAFF)
    public_fields = ()
    config: dict[str, Any]
    source: str = "dashboard"
    summary: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class DayStarted(Event):
    audience = (HALL, ALL_WINDOWS, STAFF)
    public_fields = ("business_day",)
    business_day: date


def change_config(state: CoreState, command: ChangeConfig, emit: Emitter) -> None:
    """Decided before anything else: a center without a configuration takes one."""
    new = parse_config(command.config)
    old = state.config
    if old is not None and old.id != new.id:
        raise ConfigError("center.id", "cannot be changed")
    new_windows = {w.id for w in new.windows}
    for window in state.windows.values():
        sent_here = state.waiting.get(window_queue_key(window.id))  # only it would call them
        if window.id not in new_windows and (window.clerk or window.ticket or sent_here):
            raise errors.InUse(
                f"window {window.id} is in use and cannot be removed", field="windows"
            )
    new_services = {s.id for s in new.services}
    for service_id, queue in state.waiting.items():
        if queue and not service_id.startswith("window:") and service_id not in new_services:
            raise errors.InUse(
                f"service {service_id} has people waiting and cannot be removed",
                field="services",
            )
    emit(ConfigChanged, config=dict(new.raw), source=command.source, summary=command.summary)


@rules.folds(ConfigChanged)
def _config_changed(state: CoreState, event: ConfigChanged) -> None:
    state.config = parse_config(event.config)
    if event.source == "file":
        state.config_file_digest = event.summary
    windows = {}
    for window in state.config.windows:
        windows[window.id] = state.windows.get(window.id) or WindowState(id=window.id)
    state.windows = windows


@rules.folds(DayStarted)
def _day_started(state: CoreState, event: DayStarted) -> None:
    # Only rebinds attributes (never mutates the old containers), so `decide`
    # may apply it to a shallow copy of the state without touching the original.
    state.business_day = event.business_day
    state.tickets = {}
    state.by_number = {}
    state.issued = {}
    state.waiting = {}
    state.clerk_window = {}
    state.windows = {window_id: WindowState(id=window_id) for window_id in state.windows}
    state.recent_calls = deque(maxlen=state.recent_calls.maxlen)
    state.last_called = {}
    state.service_calls = {}
    state.closed_out = {}
    state.carried = {}
    kept = {k: a for k, a in state.appointments.items() if a.day >= event.business_day}
    state.appointments = kept
    state.appointment_codes = {a.code: a.id for a in kept.values()}
