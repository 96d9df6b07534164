"""Events: the facts of a center's day, in the past tense (every feature's, by name).

Each event is declared in its feature's module (hub/domain/issuing.py, calling.py …)
on the base in hub/domain/base.py; this module names them all in one place for the
hub, the codec and the journal (`REGISTRY`: wire name -> class).
"""

from hub.domain.accounts import (
    DeviceAdded,
    DeviceRevoked,
    UserSaved,
)
from hub.domain.appointments import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentMissed,
    AppointmentRescheduled,
    BookingBlocked,
    BookingCodeIssued,
    BookingCodeRejected,
    BookingCodeUsed,
    BookingUnblocked,
)
from hub.domain.base import REGISTRY, Event, event
from hub.domain.calling import (
    ServiceStarted,
    TicketCalled,
    TicketCompleted,
    TicketNoShow,
    TicketRecalled,
    TicketReinstated,
)
from hub.domain.cases import (
    CaseAdvanced,
    CaseDueSoon,
    CaseHanded,
    CaseOpened,
    CaseOverdue,
    MaterialsNoticeGiven,
)
from hub.domain.closing import (
    TicketClosedOut,
)
from hub.domain.day import (
    ConfigChanged,
    DayStarted,
)
from hub.domain.issuing import (
    TicketIssued,
)
from hub.domain.notify import (
    AppointmentReminded,
    CheckInCodeIssued,
    CheckInCodeRejected,
    CheckInCodeUsed,
    NotificationClaimed,
    NotificationFailed,
    NotificationQueued,
    NotificationSent,
)
from hub.domain.rating import (
    TicketRated,
)
from hub.domain.supervision import (
    CallBackRecorded,
    CallBackSampleDrawn,
    ComplaintAnswered,
    ComplaintAssigned,
    ComplaintClosed,
    ComplaintRecorded,
    FollowUpAnswered,
    FollowUpAssigned,
    FollowUpClosed,
    FollowUpOpened,
)
from hub.domain.transfer import (
    TicketResumed,
    TicketSuspended,
    TicketTransferred,
)
from hub.domain.windows import (
    ClerkSignedIn,
    ClerkSignedOut,
    WindowOpened,
    WindowPaused,
)

__all__ = [
    "AppointmentBooked",
    "AppointmentCancelled",
    "AppointmentMissed",
    "AppointmentReminded",
    "AppointmentRescheduled",
    "BookingBlocked",
    "BookingCodeIssued",
    "BookingCodeRejected",
    "BookingCodeUsed",
    "BookingUnblocked",
    "CallBackRecorded",
    "CallBackSampleDrawn",
    "CaseAdvanced",
    "CaseDueSoon",
    "CaseHanded",
    "CaseOpened",
    "CaseOverdue",
    "CheckInCodeIssued",
    "CheckInCodeRejected",
    "CheckInCodeUsed",
    "ClerkSignedIn",
    "ClerkSignedOut",
    "ComplaintAnswered",
    "ComplaintAssigned",
    "ComplaintClosed",
    "ComplaintRecorded",
    "ConfigChanged",
    "DayStarted",
    "DeviceAdded",
    "DeviceRevoked",
    "Event",
    "FollowUpAnswered",
    "FollowUpAssigned",
    "FollowUpClosed",
    "FollowUpOpened",
    "MaterialsNoticeGiven",
    "NotificationClaimed",
    "NotificationFailed",
    "NotificationQueued",
    "NotificationSent",
    "REGISTRY",
    "ServiceStarted",
    "TicketCalled",
    "TicketClosedOut",
    "TicketCompleted",
    "TicketIssued",
    "TicketNoShow",
    "TicketRated",
    "TicketRecalled",
    "TicketReinstated",
    "TicketResumed",
    "TicketSuspended",
    "TicketTransferred",
    "UserSaved",
    "WindowOpened",
    "WindowPaused",
    "event",
]
