"""The queue rules of a center's day: plain Python, no I/O, no clock reads.

Commands in, events out: `decide(state, command, context) -> [Event]`, and
`apply(state, event)` folds an event into the state.
"""

from hub.domain import accounts as accounts  # registers the account rules
from hub.domain import appointments as appointments  # registers booking on the phone
from hub.domain import cases as cases  # registers cases (办件) and 一次性告知
from hub.domain import notify as notify  # registers the outbox rules and policy
from hub.domain import supervision as supervision  # registers complaints and follow-ups
from hub.domain.commands import Context
from hub.domain.config import CenterConfig, ConfigError, parse_config
from hub.domain.decide import decide
from hub.domain.errors import DomainError
from hub.domain.fold import apply, replay
from hub.domain.state import CenterState

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
