"""`decide(state, command, context) -> events`: the rules of every feature, composed.

Each feature module (issuing, windows, calling, transfer, rating, supervision,
appointments, cases, notify, accounts, closing) holds its own decide handlers;
hub/domain/compose.py puts them together. The names below are kept for the hub.
"""

from hub.domain.base import MAX_TEXT, Decision, Emitter
from hub.domain.closing import NotClosingTime, close_out_due
from hub.domain.compose import NotConfigured, decide
from hub.domain.issuing import CHANNELS, issue_availability
from hub.domain.rating import RATING_ASPECTS, RATING_LEVELS

__all__ = [
    "CHANNELS", "MAX_TEXT", "RATING_ASPECTS", "RATING_LEVELS", "Decision", "Emitter",
    "NotClosingTime", "NotConfigured", "close_out_due", "decide", "issue_availability",
]
