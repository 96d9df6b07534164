"""Typed domain errors, each with a stable code that the API passes on."""

from __future__ import annotations


class DomainError(Exception):
    """A command the rules forbid. `code` is stable and part of the API contract."""

    code = "forbidden"
    status = 409

    def __init__(self, message: str, *, field: str | None = None, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


def _error(code: str, status: int = 409) -> type[DomainError]:
    name = "".join(part.title() for part in code.split("_")) + "Error"
    return type(name, (DomainError,), {"code": code, "status": status})


# Lookups of things that do not exist (404 at the API).
UnknownService = _error("unknown_service", 404)
UnknownWindow = _error("unknown_window", 404)
UnknownTicket = _error("unknown_ticket", 404)
UnknownAppointment = _error("unknown_appointment", 404)
UnknownPriority = _error("unknown_priority", 422)

# Inputs the rules cannot use (422) and things still in use (409).
InvalidChannel = _error("invalid_channel", 422)
InvalidSlot = _error("invalid_slot", 422)
InvalidDay = _error("invalid_day", 422)
InvalidPhone = _error("invalid_phone", 422)
InvalidTransfer = _error("invalid_transfer", 422)
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
NotSignedIn = _error("not_signed_in", 403)
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
NotRatableHere = _error("not_rated_here", 403)
MissingField = _error("missing_field", 422)
TransferToSelf = _error("transfer_to_same_place")
InvalidRating = _error("invalid_rating", 422)
InvalidReason = _error("invalid_reason", 422)
