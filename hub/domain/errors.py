"""Typed domain errors, each with a stable code that the API passes on, and a kind.

The kind says what went wrong in the domain's terms; the web layer alone maps kinds
to HTTP statuses (hub/web/api.py `http_status`).
"""

from __future__ import annotations

NOT_FOUND = "not_found"  # a lookup of something that does not exist
CONFLICT = "conflict"  # the state does not allow it now
FORBIDDEN = "forbidden"  # not this actor's (not signed in here, not theirs)
INVALID = "invalid"  # an input the rules cannot use
KINDS = (NOT_FOUND, CONFLICT, FORBIDDEN, INVALID)


class DomainError(Exception):
    """A command the rules forbid. `code` is stable and part of the API contract."""

    code = "forbidden"
    kind = CONFLICT

    def __init__(self, message: str, *, field: str | None = None, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


def _error(code: str, kind: str = CONFLICT) -> type[DomainError]:
    name = "".join(part.title() for part in code.split("_")) + "Error"
    return type(name, (DomainError,), {"code": code, "kind": kind})


# Lookups of things that do not exist.
UnknownService = _error("unknown_service", NOT_FOUND)
UnknownWindow = _error("unknown_window", NOT_FOUND)
UnknownTicket = _error("unknown_ticket", NOT_FOUND)
UnknownAppointment = _error("unknown_appointment", NOT_FOUND)
UnknownPriority = _error("unknown_priority", INVALID)

# Inputs the rules cannot use, and things still in use.
InvalidChannel = _error("invalid_channel", INVALID)
InvalidSlot = _error("invalid_slot", INVALID)
InvalidDay = _error("invalid_day", INVALID)
InvalidPhone = _error("invalid_phone", INVALID)
InvalidTransfer = _error("invalid_transfer", INVALID)
InUse = _error("in_use")

# Ticket issuing.
ServiceClosed = _error("service_closed")
DailyCapReached = _error("daily_cap_reached")
SlotFull = _error("slot_full")
AppointmentNotToday = _error("appointment_not_today")
AppointmentAlreadyCheckedIn = _error("appointment_already_checked_in")
AppointmentCancelled = _error("appointment_cancelled")
AppointmentMissed = _error("appointment_missed")

# Windows and clerks.
WindowClosed = _error("window_closed")
WindowPaused = _error("window_paused")
WindowNotPaused = _error("window_not_paused")
WindowBusy = _error("window_busy")
WindowIdle = _error("window_idle")
WindowTaken = _error("window_taken")
NotSignedIn = _error("not_signed_in", FORBIDDEN)
ClerkElsewhere = _error("clerk_signed_in_elsewhere")

# Ticket transitions.
TicketNotWaiting = _error("ticket_not_waiting")
TicketNotCalled = _error("ticket_not_called")
TicketNotServing = _error("ticket_not_serving")
TicketNotSuspended = _error("ticket_not_suspended")
TicketNotNoShow = _error("ticket_not_no_show")
TicketNotDone = _error("ticket_not_done")
ServiceNotServed = _error("service_not_served")
AlreadyRated = _error("already_rated")
NotRatableHere = _error("not_rated_here", FORBIDDEN)
MissingField = _error("missing_field", INVALID)
TransferToSelf = _error("transfer_to_same_place")
InvalidRating = _error("invalid_rating", INVALID)
InvalidReason = _error("invalid_reason", INVALID)
