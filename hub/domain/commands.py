"""Commands: what someone asks of a center's day (every feature's, by name).

Each command is declared in its feature's module on the base in hub/domain/base.py;
the actor (who asks) and the moment come with the `Context`, not with the command.
"""

from hub.domain.accounts import (
    AddDevice,
    RevokeDevice,
    SaveUser,
)
from hub.domain.appointments import (
    Book,
    BookAppointment,
    CancelAppointment,
    CancelBooking,
    CheckIn,
    CheckInById,
    LiftBlock,
    MarkMissed,
    RequestBookingCode,
    Reschedule,
)
from hub.domain.base import Command, Context
from hub.domain.calling import (
    CallNext,
    CallTicket,
    Complete,
    MarkNoShow,
    Recall,
    Reinstate,
    StartService,
)
from hub.domain.cases import (
    AdvanceCase,
    FlagDueCases,
    GiveMaterialsNotice,
    HandCase,
    OpenCase,
)
from hub.domain.closing import (
    CloseDay,
)
from hub.domain.day import (
    ChangeConfig,
)
from hub.domain.issuing import (
    IssueTicket,
)
from hub.domain.notify import (
    ClaimNotification,
    QueueReminders,
    RecordDelivery,
    RequestCheckInCode,
)
from hub.domain.rating import (
    RATE_CHANNELS,
    Rate,
)
from hub.domain.supervision import (
    AnswerComplaint,
    AnswerFollowUp,
    AssignComplaint,
    AssignFollowUp,
    CloseComplaint,
    CloseFollowUp,
    DrawCallBackSample,
    RecordCallBack,
    RecordComplaint,
)
from hub.domain.transfer import (
    Resume,
    Suspend,
    Transfer,
)
from hub.domain.windows import (
    OpenWindow,
    PauseWindow,
    SignIn,
    SignOut,
)

__all__ = [
    "AddDevice",
    "AdvanceCase",
    "AnswerComplaint",
    "AnswerFollowUp",
    "AssignComplaint",
    "AssignFollowUp",
    "Book",
    "BookAppointment",
    "CallNext",
    "CallTicket",
    "CancelAppointment",
    "CancelBooking",
    "ChangeConfig",
    "CheckIn",
    "CheckInById",
    "ClaimNotification",
    "CloseComplaint",
    "CloseDay",
    "CloseFollowUp",
    "Command",
    "Complete",
    "Context",
    "DrawCallBackSample",
    "FlagDueCases",
    "GiveMaterialsNotice",
    "HandCase",
    "IssueTicket",
    "LiftBlock",
    "MarkMissed",
    "MarkNoShow",
    "OpenCase",
    "OpenWindow",
    "PauseWindow",
    "QueueReminders",
    "RATE_CHANNELS",
    "Rate",
    "Recall",
    "RecordCallBack",
    "RecordComplaint",
    "RecordDelivery",
    "Reinstate",
    "RequestBookingCode",
    "RequestCheckInCode",
    "Reschedule",
    "Resume",
    "RevokeDevice",
    "SaveUser",
    "SignIn",
    "SignOut",
    "StartService",
    "Suspend",
    "Transfer",
]
