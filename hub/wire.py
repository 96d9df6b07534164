"""Who hears which event, and what it looks like on the wire.

The one place that maps event types to Socket.IO rooms. Rooms are
`hall`, `window:N`, `manager` and `ticket:<id>`, each scoped to a center.
Payloads are `{seq, type, at, data}`; `actor` and appointment details go
to managers only, secrets to nobody, phone numbers always masked.
"""

from __future__ import annotations

from typing import Any

from hub.domain.accounts import SECRET_FIELDS
from hub.domain.codec import event_data
from hub.domain.events import Event
from hub.views import mask_phone

HALL = "hall"
MANAGER = "manager"

# Heard by hall screens, window screens' page and clerks' waiting lists.
HALL_EVENTS = frozenset(
    {
        "config_changed",
        "day_started",
        "ticket_issued",
        "ticket_called",
        "ticket_recalled",
        "service_started",
        "ticket_completed",
        "ticket_no_show",
        "ticket_reinstated",
        "ticket_transferred",
        "ticket_suspended",
        "ticket_resumed",
        "clerk_signed_in",
        "clerk_signed_out",
        "window_paused",
        "window_opened",
    }
)
# Also heard by every window:N room, whatever the window.
ALL_WINDOWS = frozenset({"config_changed", "day_started"})
def window_room(window: int) -> str:
    return f"window:{window}"


def ticket_room(ticket: str) -> str:
    return f"ticket:{ticket}"


def rooms_for(event: Event) -> set[str]:
    """The logical rooms (without the center) that hear `event`."""
    rooms = {MANAGER}
    kind = event.type
    if kind in HALL_EVENTS:
        rooms.add(HALL)
    for attribute in ("window", "from_window", "to_window"):
        window = getattr(event, attribute, None)
        if isinstance(window, int):
            rooms.add(window_room(window))
    ticket = getattr(event, "ticket", None)
    if isinstance(ticket, str) and kind != "appointment_booked":
        rooms.add(ticket_room(ticket))
    return rooms


def hears(room: str, event: Event) -> bool:
    if room.startswith("window:") and event.type in ALL_WINDOWS:
        return True
    return room in rooms_for(event)


# Free text a clerk typed about a citizen's matter (转办说明, 挂起原因): staff read it
# through their own REST views; public screens and phones never get it.
STAFF_TEXT = {"ticket_transferred": "note", "ticket_suspended": "reason"}


def payload(event: Event, *, manager: bool = False) -> dict[str, Any]:
    """The wire form of `event` for a public or a manager audience."""
    data = {k: v for k, v in event_data(event).items() if k not in SECRET_FIELDS}
    if not manager and event.type in STAFF_TEXT:
        data.pop(STAFF_TEXT[event.type], None)
    if "phone" in data:
        data["phone"] = mask_phone(data["phone"])
    if "ticket" in data:
        data["id"] = data["ticket"]
    message: dict[str, Any] = {
        "seq": event.seq,
        "type": event.type,
        "at": event.at.isoformat(),
        "data": data,
    }
    if manager:
        message["actor"] = event.actor
    return message


def affected_services(event: Event) -> set[str]:
    """The services whose queues `event` may have changed."""
    found = set()
    for attribute in ("service", "from_service", "to_service"):
        value = getattr(event, attribute, None)
        if isinstance(value, str):
            found.add(value)
    return found
