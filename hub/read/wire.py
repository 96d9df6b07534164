"""Who hears which event, and what it looks like on the wire.

The one place that maps event types to Socket.IO rooms and payloads. Each event
event class declares its audiences (`Event.audience`); an event declaring none is
heard by managers only. Rooms, each scoped to a center:

- `hall`: hall screens (综合屏), and every public screen's picture of the center;
- `window:N`: the window screen and rating pad of window N (public);
- `ticket:<id>`: the phone of the ticket's holder (holding the id is the permission);
- `staff`: signed-in staff (the clerk's caller page), with ticket ids and logins;
- `manager`: managers, everything (`actor` too).

Public payloads (hall, window rooms) are whitelists each event class declares
(`Event.public_fields`): ticket numbers and windows, never a ticket's id, a clerk's
login or free text. A clerk appears by the name the center publishes for them.
The holder's room gets its own ticket's id on top. Payloads are
`{seq, type, at, data}`; secrets go to nobody, phone numbers always masked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.domain.accounts import SECRET_FIELDS
from hub.domain.base import ALL_WINDOWS, HOLDER, REGISTRY, STAFF, WINDOWS
from hub.domain.base import HALL as HALL_AUDIENCE
from hub.domain.codec import event_data
from hub.domain.events import Event
from hub.read.views import mask_phone

HALL = "hall"
MANAGER = "manager"
STAFF_ROOM = "staff"

# Audiences (besides managers, who hear every event) are declared by each event class
# (`Event.audience`, hub/domain/base.py): hall, the window:N rooms of the windows it
# names (`windows_of`), every window:N room, the ticket:<id> room of its holder
# (`holder_of`), staff. The rooms below come from that declaration alone.
A_HALL, A_WINDOWS, A_ALL_WINDOWS = HALL_AUDIENCE, WINDOWS, ALL_WINDOWS
A_HOLDER, A_STAFF = HOLDER, STAFF

# What a public screen (hall, window:N) may read of each event is declared by the
# event (`Event.public_fields`), as is the free text only managers get
# (`Event.staff_hidden`): a public payload is that whitelist, and nothing else.
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    name: cls.public_fields for name, cls in REGISTRY.items()
}
# Fields naming a clerk by login: public payloads carry the published name instead.
CLERK_FIELDS = frozenset({"clerk", "replaced"})
# Audiences of a payload, from the least to the most told.
TO_PUBLIC, TO_HOLDER, TO_STAFF, TO_MANAGERS = "public", "holder", "staff", "manager"
ClerkName = Callable[[str], str]
PauseReason = Callable[[str], str | None]


def window_room(window: int) -> str:
    return f"window:{window}"


def ticket_room(ticket: str) -> str:
    return f"ticket:{ticket}"


def rooms_for(event: Event, all_windows: Any = ()) -> set[str]:
    """The logical rooms (without the center) that hear `event`; `all_windows` are
    the center's window numbers (for events every window room hears)."""
    rooms = {MANAGER}
    audience = event.audience
    if A_HALL in audience:
        rooms.add(HALL)
    if A_STAFF in audience:
        rooms.add(STAFF_ROOM)
    if A_WINDOWS in audience:
        rooms |= {window_room(w) for w in event.windows_of()}
    if A_ALL_WINDOWS in audience:
        rooms |= {window_room(w) for w in all_windows}
    holder = event.holder_of() if A_HOLDER in audience else None
    if holder is not None:
        rooms.add(ticket_room(holder))
    return rooms


def hears(room: str, event: Event) -> bool:
    if room.startswith("window:") and A_ALL_WINDOWS in event.audience:
        return True
    return room in rooms_for(event)


def audience_of(room: str) -> str:
    """Which payload a room gets."""
    if room == MANAGER:
        return TO_MANAGERS
    if room == STAFF_ROOM:
        return TO_STAFF
    if room.startswith("ticket:"):
        return TO_HOLDER
    return TO_PUBLIC


def payload(event: Event, audience: str = TO_PUBLIC, *, clerk_name: ClerkName | None = None,
            pause_reason: PauseReason | None = None) -> dict[str, Any]:
    """The wire form of `event` for `audience` (TO_PUBLIC, TO_HOLDER, TO_STAFF or TO_MANAGERS).

    `clerk_name(login)` gives the name public payloads show for a clerk (default: none);
    `pause_reason(text)` the pause reason a public screen may show (default: none).
    """
    everything = event_data(event)
    data: dict[str, Any]
    if audience in (TO_PUBLIC, TO_HOLDER):
        data = {}
        for key in event.public_fields:
            if key not in everything:
                continue
            value = everything[key]
            if key in CLERK_FIELDS:
                value = clerk_name(value) if clerk_name and value else ""
            elif event.type == "window_paused" and key == "reason":
                value = pause_reason(value) if pause_reason else None
            data[key] = value
        if audience == TO_HOLDER and isinstance(everything.get("ticket"), str):
            data["id"] = everything["ticket"]
    else:
        data = {k: v for k, v in everything.items() if k not in SECRET_FIELDS}
        if audience != TO_MANAGERS and event.staff_hidden:
            data.pop(event.staff_hidden, None)
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
    if audience == TO_MANAGERS:
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
