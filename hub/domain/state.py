"""The state of a center: a fold of its events (compatibility names).

The core of the state (tickets, windows, clerks, accounts, appointments) is in
hub/domain/model.py; each feature keeps its own part (督查 in supervision.py, the
outbox in notify.py, 办件 in cases.py, booking in appointments.py), and
hub/domain/compose.py builds `CenterState` from them.
"""

from hub.domain.compose import CenterState
from hub.domain.model import (
    CALLED,
    CLOSED_OUT,
    DONE,
    HANDLING_SAMPLE,
    NO_SHOW,
    RECENT_CALLS,
    SERVICE_CALL_SAMPLE,
    SERVING,
    SUSPENDED,
    WAITING,
    WINDOW_CLOSED,
    WINDOW_OPEN,
    WINDOW_PAUSED,
    WINDOW_SAMPLE,
    Account,
    Appointment,
    CoreState,
    Ticket,
    WindowState,
)
from hub.domain.notify import (
    FAILED,
    NOTIFICATIONS_KEPT,
    PENDING,
    SENT,
    CheckInCode,
    Notification,
    Outbox,
)

__all__ = [
    "Account",
    "Appointment",
    "CALLED",
    "CLOSED_OUT",
    "CenterState",
    "CheckInCode",
    "CoreState",
    "DONE",
    "FAILED",
    "HANDLING_SAMPLE",
    "NOTIFICATIONS_KEPT",
    "NO_SHOW",
    "Notification",
    "Outbox",
    "PENDING",
    "RECENT_CALLS",
    "SENT",
    "SERVICE_CALL_SAMPLE",
    "SERVING",
    "SUSPENDED",
    "Ticket",
    "WAITING",
    "WINDOW_CLOSED",
    "WINDOW_OPEN",
    "WINDOW_PAUSED",
    "WINDOW_SAMPLE",
    "WindowState",
]
