"""`apply(state, event)`: fold one event into the state, in place; `replay` a journal.

Each feature module holds its own fold handlers; hub/domain/compose.py puts them
together. Events are facts: applying never fails and never checks a rule.
"""

from hub.domain.compose import apply, replay

__all__ = ["apply", "replay"]
