"""The queue rules of a center's day: plain Python, no I/O, no clock reads.

Commands in, events out: `decide(state, command, context) -> [Event]`, and
`apply(state, event)` folds an event into the state. The rules live in feature
modules (issuing, windows, calling, transfer, rating, supervision, appointments,
cases, notify, accounts, closing) on a small core (base, model, day, config,
calendar, routing, errors); hub/domain/compose.py puts them together.
"""

from hub.domain.base import Context
from hub.domain.compose import CenterState, apply, decide, replay
from hub.domain.config import CenterConfig, ConfigError, parse_config
from hub.domain.errors import DomainError

__all__ = [
    "CenterConfig",
    "CenterState",
    "ConfigError",
    "Context",
    "DomainError",
    "apply",
    "decide",
    "parse_config",
    "replay",
]
