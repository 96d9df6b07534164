"""The command catalogue: every REST command of /api/v1 declared once.

One `Command` row says what a command takes (a pydantic `Input` model), who may
send it, which domain command it builds, where it is served (method, Flask rule,
and for a family sharing a rule the path values that pick it) and what it answers
(a 2xx model of `hub.web.answers`). From the table `hub.web.api.register_commands`
derives the Flask routes, the role checks and the request validation, and
`hub.web.openapi` the documented operations (request bodies and 2xx answers).

A row's `build` turns the checked `Call` into a domain command (it may refuse with
an `ApiError` first: rules that depend on who asks, not on the center's state);
`reply` turns the events into the answer. Neither touches Flask.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from datetime import time as clock_time
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field as Size

from hub.core import AuthError
from hub.domain import appointments as ap
from hub.domain import cases as cs
from hub.domain import commands as cmd
from hub.domain import notify
from hub.domain import supervision as sv
from hub.domain.accounts import DEVICE_ROLES, USER_ROLES, AddDevice, RevokeDevice, SaveUser
from hub.domain.codec import event_data
from hub.domain.config import COMPLAINT_CLASSES
from hub.domain.decide import RATING_ASPECTS
from hub.domain.events import (
    AppointmentBooked,
    CheckInCodeRejected,
    Event,
    TicketIssued,
    TicketRated,
)
from hub.domain.notify import phone_digits
from hub.read import booking, case_views, manage_views, views
from hub.store.auth import MANAGERS, STAFF, Principal, hash_password, new_device_token, token_hash
from hub.store.limits import RateLimiter, counter_for
from hub.web import answers as out
from hub.web.codes import hash_code, new_code, seal
from hub.web.schema import MAX_ITEMS, Input, Text
from hub.web.validation import ApiError

if TYPE_CHECKING:
    from hub.center import Center
    from hub.core import Hub

ANYONE = None  # no role check: a token is optional (the row's build may refuse)
ANONYMOUS = "anonymous"  # in `roles`: a caller without a token may send it
DEVICES = ("kiosk", "display", "caller", "pad")


@dataclass
class Call:
    """One checked request: who sent it (None: no token), to which center, the body
    as its model, the path values (`window`, …)."""

    hub: Hub
    identify: Callable[[], Principal | None]  # who asks, from the token (401 if invalid)
    body: Any
    path: dict[str, Any]
    remote: str
    find_center: Callable[[Principal | None], Center]
    headers: dict[str, str] = field(default_factory=dict)  # extra answer headers (X-Seq)
    scratch: dict[str, Any] = field(default_factory=dict)  # from build to reply (a token)
    shared: dict[str, Any] = field(default_factory=dict)  # kept across requests (limiters)
    citizen: bool = False  # journaled as mobile:<address> whoever asks

    @cached_property
    def who(self) -> Principal | None:
        """Who asks, read from the token on first use (a row without roles reads it
        where it always did: its guard, or the center it asks about)."""
        return self.identify()

    @cached_property
    def center(self) -> Center:
        """The center asked about, looked up on first use (so a guard that refuses
        for other reasons does not need one)."""
        return self.find_center(self.who)

    @property
    def actor(self) -> str:
        if self.citizen:
            return f"mobile:{self.remote}"
        return self.who.name if self.who else f"mobile:{self.remote}"

    @property
    def window(self) -> int:
        found: int = self.path["window"]
        return found


Build = Callable[[Call], cmd.Command]
Reply = Callable[[Call, list[Event]], Mapping[str, Any]]
Handle = Callable[[Call], Mapping[str, Any]]


@dataclass(frozen=True, kw_only=True)
class Command:
    """One REST command. `roles`: who may send it (None: anyone, the build decides;
    "anonymous" among them: no token needed). `select`: the path values that pick
    this row among those sharing `path` (window actions share one rule).

    A row either builds a domain command (`build`, then `reply` from its events) or,
    when it runs none (signing in, a device's health report, a look-up sent by POST so
    a phone number stays out of URLs), answers from `handle`."""

    name: str
    method: str
    path: str  # a Flask rule under /api/v1
    body: type[Input]
    roles: tuple[str, ...] | None
    build: Build | None = None
    reply: Reply | None = None
    handle: Handle | None = None
    answer: type[out.Output]  # the 2xx answer (hub/web/answers.py)
    summary: str
    who: str
    status: int = 200
    select: tuple[tuple[str, str], ...] = ()
    guard: Callable[[Call], None] | None = None  # refusals before the command runs
    family: str = ""  # what an unknown selected value is called ("window action")
    refused: str = "a {role} may not do this"
    unauthenticated: str = "sign in first (Authorization: Bearer <token>)"
    query: tuple[dict[str, Any], ...] = field(default=())
    # The body is checked before who asks (a phone's rating, issuing, booking: as these
    # routes always were); else who asks first, so a stranger learns nothing of the body.
    body_first: bool = False
    # Refusals before the body is read, after who asks (a look-up's rate limit).
    early: Callable[[Call], None] | None = None
    citizen: bool = False  # journaled as mobile:<address> whoever asks (booking by phone)
    center_query: bool = True  # ?center= names the center (not for signing in)


# ------------------------------------------------------------------ input models

Ticket = Annotated[str, Text(8, required=True)]
# A phone number as typed: digits, +, - and inner spaces (the text is stripped first,
# so it starts and ends with no space: the documented pattern says the same).
PHONE = r"[0-9+-][0-9+ -]{5,18}[0-9+-]"


class Empty(Input):
    """No fields (an empty body or none)."""


class PauseBody(Input):
    reason: Annotated[str, Text(40, required=True)]


class TicketBody(Input):
    ticket: Ticket


class TransferBody(Input):
    to_service: Annotated[str, Text(40)] | None = None
    to_window: Annotated[int, Size(ge=1, le=999)] | None = None
    note: Annotated[str, Text(200)] | None = None


class ReasonBody(Input):
    reason: Annotated[str, Text(200)] | None = None


class IssueBody(Input):
    service: Annotated[str, Text(40)] | None = None
    priority: Annotated[str, Text(40)] | None = None
    appointment: Annotated[str, Text(12, pattern=r"[0-9]{4,12}")] | None = None
    phone: Annotated[str, Text(20, pattern=PHONE)] | None = None
    otp: Annotated[str, Text(6, pattern=r"[0-9]{6}")] | None = None
    channel: Literal["kiosk", "mobile", "counter"] | None = None


Aspect = Annotated[str, Text(40, choices=RATING_ASPECTS)]


class RatingBody(Input):
    level: Annotated[int, Size(ge=1, le=5)]
    aspects: Annotated[list[Aspect], Size(max_length=MAX_ITEMS)] | None = None
    reason: Annotated[str, Text(200)] | None = None


class PadRatingBody(RatingBody):
    number: Ticket


class AppointmentBody(Input):
    service: Annotated[str, Text(40, required=True)]
    day: Annotated[str, Text(200, required=True, pattern=r"[0-9]{4}-[0-9]{2}-[0-9]{2}")]
    slot: Annotated[str, Text(200, required=True, pattern=r"[0-9]{2}:[0-9]{2}")]
    phone: Annotated[str, Text(200, required=True, pattern=PHONE)]


class HealthBody(Input):
    printer: dict[str, Any] | None = None
    sound: dict[str, Any] | None = None
    display: dict[str, Any] | None = None
    message: Annotated[str, Text(200)] | None = None


class ConfigBody(Input):
    config: dict[str, Any]
    summary: Annotated[str, Text(200)] | None = None


# ------------------------------------------------------------------ window actions


def window_guard(call: Call) -> None:
    """The window exists (404) and, to sign in, the clerk may serve it (403)."""
    config = call.center.state.config
    if config is not None and config.window(call.window) is None:
        raise ApiError(404, "unknown_window", f"no window {call.window}", "window")


def sign_in_guard(call: Call) -> None:
    window_guard(call)
    assert call.who is not None
    if not call.who.may_serve(call.window):
        raise ApiError(403, "window_not_allowed", f"you may not serve window {call.window}",
                       "window")


def window_reply(call: Call, events: list[Event]) -> Mapping[str, Any]:
    """The window after the action and its current ticket (else the last one the
    action touched)."""
    ticket_ids = [getattr(e, "ticket", None) for e in events if hasattr(e, "ticket")]
    window = call.window

    def answer(state: Any) -> dict[str, Any]:
        current = state.windows[window].ticket
        ticket_id = current or (ticket_ids[-1] if ticket_ids else None)
        ticket = state.tickets.get(ticket_id) if ticket_id else None
        return {
            "window": views.window_view(state, state.config, state.windows[window], True),
            "ticket": views.ticket_view(state, state.config, ticket) if ticket else None,
            "seq": state.seq,
        }

    found: dict[str, Any] = call.center.read(answer)
    return found


def window_action(action: str, body: type[Input], build: Build, summary: str, *,
                  guard: Callable[[Call], None] = window_guard) -> Command:
    """A clerk's action at a window: POST /windows/{window}/{action}."""
    return Command(
        name=f"window.{action}", method="POST", path="/windows/<int:window>/<action>",
        select=(("action", action),), family="window action", body=body, roles=STAFF,
        build=build, reply=window_reply, answer=out.WindowAction, summary=summary,
        who="the clerk signed in to that window", guard=guard)


WINDOW_ACTIONS: tuple[Command, ...] = (
    window_action("sign-in", Empty, lambda c: cmd.SignIn(c.window),
                  "sign in to the window (one the clerk may serve)", guard=sign_in_guard),
    window_action("sign-out", Empty, lambda c: cmd.SignOut(c.window), "sign out"),
    window_action("open", Empty, lambda c: cmd.OpenWindow(c.window), "open after a pause"),
    window_action("pause", PauseBody, lambda c: cmd.PauseWindow(c.window, c.body.reason),
                  "pause, with a reason"),
    window_action("call-next", Empty, lambda c: cmd.CallNext(c.window),
                  "call the next ticket the window serves"),
    window_action("call", TicketBody, lambda c: cmd.CallTicket(c.window, c.body.ticket),
                  "call a ticket by its number"),
    window_action("recall", Empty, lambda c: cmd.Recall(c.window), "call the current again"),
    window_action("start", Empty, lambda c: cmd.StartService(c.window),
                  "the called citizen arrived: start serving"),
    window_action("complete", Empty, lambda c: cmd.Complete(c.window), "done"),
    window_action("no-show", Empty, lambda c: cmd.MarkNoShow(c.window),
                  "the called citizen did not come"),
    window_action("reinstate", TicketBody, lambda c: cmd.Reinstate(c.window, c.body.ticket),
                  "put a no-show back in the queue"),
    window_action("transfer", TransferBody, lambda c: cmd.Transfer(
        c.window, to_service=c.body.to_service, to_window=c.body.to_window,
        note=c.body.note or ""), "hand the current ticket to a service or a window, "
        "with a note"),
    window_action("suspend", ReasonBody, lambda c: cmd.Suspend(c.window, c.body.reason or ""),
                  "set the current ticket aside (挂起), with a reason"),
    window_action("resume", TicketBody, lambda c: cmd.Resume(c.window, c.body.ticket),
                  "take a suspended ticket up again"),
)


# ------------------------------------------------------------------ tickets

DEVICE_ROLES_ISSUING = ("kiosk",)


def otp_hash(hub: Hub, phone: str, code: str) -> str:
    """The keyed hash of a one-time code the journal keeps (hub/web/codes.py)."""
    return hash_code(hub.run(hub.key), phone_digits(phone), code)


def track_url(hub: Hub, center: Center, ticket_id: str) -> str:
    url = f"{hub.settings.base_url}/t/{ticket_id}"
    if len(hub.centers) > 1:
        url += f"?center={center.id}"
    return url


def issue_guard(call: Call) -> None:
    """Who may issue on which channel (before the center is even looked at)."""
    who, data = call.who, call.body
    channel = data.channel or ("kiosk" if who and who.kind == "device" else "mobile")
    # A phone issues without a token; whoever sends a token is held to its role,
    # whatever channel it names (a hall display's token is no phone).
    if who is not None and who.role not in DEVICE_ROLES_ISSUING + STAFF:
        raise ApiError(403, "forbidden", f"a {who.role} may not issue tickets")
    if channel == "mobile":
        if who is None and not call.hub.mobile_limit.allow(call.remote):
            raise ApiError(429, "rate_limited", "too many tickets from this phone; please wait")
    elif who is None:
        raise ApiError(401, "unauthenticated", "only a kiosk issues tickets on site")
    if channel == "counter" and (who is None or who.kind != "user"):
        raise ApiError(403, "forbidden", "counter tickets are issued by staff")


def issue(call: Call) -> cmd.Command:
    who, data = call.who, call.body
    channel = data.channel or ("kiosk" if who and who.kind == "device" else "mobile")
    if data.otp and not data.phone:
        raise ApiError(422, "missing_field", "a one-time code comes with its phone number",
                       "phone")
    if data.phone and not data.appointment and not data.otp:
        # The number alone checks in nobody (it would tell whose appointment it is).
        raise ApiError(422, "missing_field", "with a phone number, give the appointment code "
                       "or the one-time code sent to it", "appointment")
    if data.otp:
        if who is None or who.role != "kiosk":
            raise ApiError(403, "forbidden", "a one-time code is checked in at a kiosk")
        return cmd.CheckIn(phone=data.phone, otp_hash=otp_hash(call.hub, data.phone, data.otp))
    if data.appointment:
        return cmd.CheckIn(code=data.appointment, phone=data.phone)
    if data.service:
        return cmd.IssueTicket(data.service, data.priority, channel)
    raise ApiError(422, "missing_field", "service is required", "service")


def issued_reply(call: Call, events: list[Event]) -> Mapping[str, Any]:
    center = call.center
    rejected = [e for e in events if isinstance(e, CheckInCodeRejected)]
    if rejected:
        left = max(center.state.config.notify.code_attempts - rejected[0].attempts, 0)  # type: ignore[union-attr]
        raise ApiError(422, "wrong_code", f"验证码不正确 (wrong code; {left} tries left)", "otp")
    issued = next(e for e in events if isinstance(e, TicketIssued))
    ticket_id = issued.ticket
    def read(state: Any) -> dict[str, Any]:
        return views.ticket_view(state, state.config, state.tickets[ticket_id])

    view: dict[str, Any] = center.read(read)
    return {
        "id": ticket_id, **{k: view[k] for k in (
            "number", "service", "status", "ahead", "eta_minutes", "wait", "issued_at",
            "priority", "appointment")},
        "seq": issued.seq, "track_url": track_url(call.hub, center, ticket_id),
    }


def _rating(body: RatingBody) -> tuple[int, tuple[str, ...], str]:
    return body.level, tuple(body.aspects or ()), body.reason or ""


def rated_by_holder(call: Call, events: list[Event]) -> Mapping[str, Any]:
    return {"ticket": call.path["ticket_id"], "level": call.body.level, "seq": events[-1].seq}


def pad_guard(call: Call) -> None:
    assert call.who is not None
    if call.window not in call.who.windows:
        raise ApiError(403, "window_not_allowed",
                       f"this pad does not stand at window {call.window}", "window")


def rated_at_pad(call: Call, events: list[Event]) -> Mapping[str, Any]:
    rated = next(e for e in events if isinstance(e, TicketRated))
    return {"number": rated.number, "window": call.window, "level": call.body.level,
            "seq": rated.seq}


# ------------------------------------------------------------------ appointments, config


def book(call: Call) -> cmd.Command:
    try:
        day = date.fromisoformat(call.body.day)
        slot = clock_time.fromisoformat(call.body.slot)
    except ValueError:
        raise ApiError(422, "invalid_field", "day or slot is not a valid date/time", "day") \
            from None
    return cmd.BookAppointment(call.body.service, day, slot, call.body.phone)


def booked_reply(call: Call, events: list[Event]) -> Mapping[str, Any]:
    event = next(e for e in events if isinstance(e, AppointmentBooked))
    booked = event_data(event)
    return {"code": booked["code"], "service": booked["service"], "day": booked["day"],
            "slot_start": booked["slot_start"], "slot_end": booked["slot_end"],
            "phone": views.mask_phone(booked["phone"]), "seq": event.seq}


def seq_reply(call: Call, events: list[Event]) -> Mapping[str, Any]:
    return {"seq": events[-1].seq if events else call.center.state.seq}


CENTER_QUERY = {"name": "center", "in": "query", "required": False,
                "schema": {"type": "string"}}

TICKETS: tuple[Command, ...] = (
    Command(
        name="tickets.issue", body_first=True, method="POST", path="/tickets", body=IssueBody,
        roles=ANYONE,
        guard=issue_guard, build=issue, reply=issued_reply, answer=out.IssuedTicket, status=201,
        summary="Issue a ticket (service=), or check in an appointment by its code "
        "(appointment=; a phone number given too must be the one it was booked with)",
        who="kiosk device, staff; anyone for channel mobile within rate limits"),
    Command(
        name="tickets.rate", body_first=True, method="POST", path="/tickets/<ticket_id>/rating",
        body=RatingBody, roles=(ANONYMOUS,), refused="a {role} may not rate a ticket by its id",
        build=lambda c: cmd.Rate(c.path["ticket_id"], *_rating(c.body), channel="holder"),
        reply=rated_by_holder, answer=out.Rated,
        summary="The holder rates their completed ticket once (好差评, 一次一评)",
        who="the id holder, without a token"),
    Command(
        name="windows.rate", body_first=True, method="POST", path="/windows/<int:window>/rating",
        body=PadRatingBody, roles=("pad",), guard=pad_guard,
        build=lambda c: cmd.Rate(c.body.number.upper(), *_rating(c.body), channel="pad",
                                 window=c.window),
        reply=rated_at_pad, answer=out.PadRated,
        summary="The window's rating pad rates the visit completed there, by its number, once",
        who="the pad device bound to that window"),
    Command(
        name="appointments.book", body_first=True, method="POST", path="/appointments",
        body=AppointmentBody,
        roles=("kiosk", *STAFF), build=book, reply=booked_reply, answer=out.Appointment,
        status=201, refused="a {role} may not book appointments",
        unauthenticated="book on the phone page (/book) with the code sent to your phone "
        "(POST /api/v1/book/code, then /api/v1/book); this route is for kiosks and staff",
        summary="Book an appointment slot for a citizen (citizens book themselves on "
        "/api/v1/book with a one-time code)", who="kiosk, staff"),
    Command(
        name="appointments.cancel", method="POST", path="/appointments/<code>/cancel",
        body=Empty, roles=("kiosk", *STAFF),
        build=lambda c: cmd.CancelAppointment(c.path["code"]),
        reply=lambda c, events: {"code": c.path["code"], "status": "cancelled",
                                 "seq": events[-1].seq},
        answer=out.Cancelled, summary="Cancel a booked appointment", who="kiosk, staff"),
    Command(
        name="config.replace", method="PUT", path="/config", body=ConfigBody, roles=MANAGERS,
        build=lambda c: cmd.ChangeConfig(c.body.config, "dashboard", c.body.summary or ""),
        reply=seq_reply, answer=out.Seq,
        summary="Replace the configuration (validated, recorded as an event)",
        who="manager, admin"),
)


# ------------------------------------------------------------------ supervision (督办)

Note = Annotated[str, Text(200)] | None


class ComplaintBody(Input):
    channel: Annotated[str, Text(200, required=True, choices=sv.CHANNELS)]
    text: Annotated[str, Text(sv.MAX_TEXT, required=True)]
    deadline_class: Annotated[str, Text(200, required=True, choices=COMPLAINT_CLASSES)]
    window: Annotated[int, Size(ge=1, le=999)] | None = None
    clerk: Annotated[str, Text(40)] | None = None
    ticket: Annotated[str, Text(40)] | None = None
    complainant: Annotated[str, Text(40)] | None = None
    phone: Annotated[str, Text(20, pattern=PHONE)] | None = None


class AssignBody(Input):
    assignee: Annotated[str, Text(40, required=True)]


class AnswerBody(Input):
    answer: Annotated[str, Text(sv.MAX_TEXT, required=True)]


class CloseBody(Input):
    note: Note = None


class FollowUpAnswerBody(Input):
    call_back: Annotated[str, Text(sv.MAX_TEXT, required=True)]
    rectification: Annotated[str, Text(sv.MAX_TEXT)] | None = None


class DrawBody(Input):
    size: Annotated[int, Size(ge=1, le=50)] | None = None


class CallBackBody(Input):
    ticket: Annotated[str, Text(40, required=True)]
    outcome: Annotated[str, Text(200, required=True, choices=sv.OUTCOMES)]
    note: Note = None


def complaint_reply(call: Call, events: list[Event]) -> Mapping[str, Any]:
    complaint_id = getattr(events[-1], "complaint")  # noqa: B009 - the last is ComplaintRecorded
    return _read(call, lambda state, now: manage_views.complaint_view(
        state, state.supervision.complaints[complaint_id], now))


def item_reply(call: Call, events: list[Event]) -> Mapping[str, Any]:
    """The complaint or follow-up after the action; its seq in X-Seq."""
    item = call.path["item"]
    call.headers["X-Seq"] = str(events[-1].seq if events else call.center.state.seq)
    if call.path["kind"] == "complaints":
        return _read(call, lambda state, now: manage_views.complaint_view(
            state, state.supervision.complaints[item], now))
    return _read(call, lambda state, now: manage_views.follow_up_view(
        state, state.supervision.follow_ups[item], now))


def _read(call: Call, function: Callable[[Any, Any], Mapping[str, Any]]) -> Mapping[str, Any]:
    """`function(state, now)` read under the center's lock."""
    now = call.center.clock()
    found: Mapping[str, Any] = call.center.read(lambda state: function(state, now))
    return found


def supervision_action(kind: str, action: str, body: type[Input], build: Build,
                       summary: str) -> Command:
    return Command(
        name=f"{kind}.{action}", method="POST", path="/manage/<kind>/<item>/<action>",
        select=(("kind", kind), ("action", action)), body=body, roles=MANAGERS, build=build,
        reply=item_reply, answer=out.Complaint if kind == "complaints" else out.FollowUp,
        summary=summary, who="manager, admin")


def draw(call: Call) -> cmd.Command:
    config = call.center.state.config
    assert config is not None
    return sv.DrawCallBackSample(call.body.size or config.supervision.call_back_sample,
                                 secrets.randbits(32))


def sample_reply(call: Call, events: list[Event]) -> Mapping[str, Any]:
    sample = call.path.get("sample") or getattr(events[-1], "sample")  # noqa: B009
    return _read(call, lambda state, now: manage_views.sample_view(
        state, state.supervision.samples[sample]))


SUPERVISION: tuple[Command, ...] = (
    Command(
        name="complaints.record", method="POST", path="/manage/complaints", body=ComplaintBody,
        roles=MANAGERS, status=201, answer=out.Complaint, reply=complaint_reply,
        build=lambda c: sv.RecordComplaint(
            c.body.channel, c.body.text, c.body.deadline_class, c.body.window,
            c.body.clerk or None, c.body.ticket or None, c.body.complainant or "",
            c.body.phone or ""),
        summary="Record a complaint; its class sets the deadline in working days",
        who="manager, admin"),
    supervision_action("complaints", "assign", AssignBody,
                       lambda c: sv.AssignComplaint(c.path["item"], c.body.assignee),
                       "assign a complaint"),
    supervision_action("complaints", "answer", AnswerBody,
                       lambda c: sv.AnswerComplaint(c.path["item"], c.body.answer),
                       "answer a complaint"),
    supervision_action("complaints", "close", CloseBody,
                       lambda c: sv.CloseComplaint(c.path["item"], c.body.note or ""),
                       "close a complaint"),
    supervision_action("follow-ups", "assign", AssignBody,
                       lambda c: sv.AssignFollowUp(c.path["item"], c.body.assignee),
                       "assign a 差评 follow-up (回访/整改)"),
    supervision_action("follow-ups", "answer", FollowUpAnswerBody,
                       lambda c: sv.AnswerFollowUp(c.path["item"], c.body.call_back,
                                                   c.body.rectification or ""),
                       "record the call-back and the rectification of a follow-up"),
    supervision_action("follow-ups", "close", CloseBody,
                       lambda c: sv.CloseFollowUp(c.path["item"], c.body.note or ""),
                       "close a follow-up"),
    Command(
        name="call-backs.draw", method="POST", path="/manage/call-backs", body=DrawBody,
        roles=MANAGERS, status=201, build=draw, reply=sample_reply, answer=out.Sample,
        summary="Draw a random sample of today's other completed tickets",
        who="manager, admin"),
    Command(
        name="call-backs.record", method="POST", path="/manage/call-backs/<sample>/record",
        body=CallBackBody, roles=MANAGERS, answer=out.Sample, reply=sample_reply,
        build=lambda c: sv.RecordCallBack(c.path["sample"], c.body.ticket, c.body.outcome,
                                          c.body.note or ""),
        summary="Record the outcome of one call-back", who="manager, admin"),
)


# ------------------------------------------------------------------ cases (办件)

CaseNote = Annotated[str, Text(cs.MAX_NOTE)] | None


class CaseBody(Input):
    kind: Annotated[str, Text(200, required=True, choices=cs.KINDS)]
    service: Annotated[str, Text(40)] | None = None
    ticket: Annotated[str, Text(8)] | None = None
    phone: Annotated[str, Text(20, pattern=PHONE)] | None = None
    note: CaseNote = None


class AdvanceBody(Input):
    stage: Annotated[str, Text(20, required=True)]
    note: CaseNote = None


class HandBody(Input):
    to: Annotated[str, Text(40, required=True)]
    agent: bool | None = None
    note: CaseNote = None


class NoticeBody(Input):
    ticket: Annotated[str, Text(8, required=True)]
    materials: Annotated[list[Annotated[str, Text(200)]], Size(max_length=MAX_ITEMS)] | None \
        = None
    other: CaseNote = None
    phone: Annotated[str, Text(20, pattern=PHONE)] | None = None


def case_reply(call: Call, events: list[Event]) -> Mapping[str, Any]:
    case_id = next(e.case for e in events
                   if isinstance(e, cs.CaseOpened | cs.CaseAdvanced | cs.CaseHanded))
    return _read(call, lambda state, now: case_views.case_view(
        state, state.cases.cases[case_id], now))


def case_guard(call: Call) -> None:
    reference = call.path["case"]
    if call.center.read(lambda state: cs.find_case(state, reference)) is None:
        raise ApiError(404, "unknown_case", f"no case {reference!r}", "case")


def case_action(action: str, body: type[Input], build: Build, summary: str) -> Command:
    return Command(
        name=f"cases.{action}", method="POST", path="/cases/<case>/<action>",
        select=(("action", action),), family="case action", body=body, roles=STAFF,
        guard=case_guard, build=build, reply=case_reply, answer=out.Case, summary=summary,
        who="staff: the case's holder or a manager")


def notice_reply(call: Call, events: list[Event]) -> Mapping[str, Any]:
    notice_id = next(e.notice for e in events if isinstance(e, cs.MaterialsNoticeGiven))
    return _read(call, lambda state, now: case_views.notice_view(
        state, state.cases.notices[notice_id]))


CASES: tuple[Command, ...] = (
    Command(
        name="cases.open", method="POST", path="/cases", body=CaseBody, roles=STAFF,
        status=201, answer=out.Case, reply=case_reply,
        build=lambda c: cs.OpenCase(c.body.kind, c.body.service or None,
                                    (c.body.ticket or "").upper(), c.body.phone or "",
                                    c.body.note or ""),
        summary="Open a case: 即办件 (immediate: done now) or 承诺件 (promised: due in the "
        "service's committed working days; the phone is required and the citizen is told "
        "by SMS)", who="staff"),
    case_action("advance", AdvanceBody,
                lambda c: cs.AdvanceCase(c.path["case"], c.body.stage, c.body.note or ""),
                "to the next stage only (办结 tells the citizen)"),
    case_action("hand", HandBody,
                lambda c: cs.HandCase(c.path["case"], c.body.to, bool(c.body.agent),
                                      c.body.note or ""),
                "to another staff member, agent=true for 全程代理 (代办员)"),
    Command(
        name="materials-notices.give", method="POST", path="/materials-notices",
        body=NoticeBody, roles=STAFF, status=201, answer=out.MaterialsNotice, reply=notice_reply,
        build=lambda c: cs.GiveMaterialsNotice(c.body.ticket.upper(),
                                               tuple(c.body.materials or ()),
                                               c.body.other or "", c.body.phone or ""),
        summary="一次性告知: the missing materials of a ticket's matter (from the service's "
        "guide, plus other), once per ticket; sent by SMS when a phone is given; the answer "
        "carries the text to print or show", who="staff"),
)


# ------------------------------------------------------------------ accounts and devices


class UserBody(Input):
    username: Annotated[str, Text(40, required=True)]
    role: Annotated[str, Text(200, required=True, choices=USER_ROLES)]
    password: Annotated[str, Text(200)] | None = None
    display_name: Annotated[str, Text(40)] | None = None
    windows: Annotated[list[int], Size(max_length=MAX_ITEMS)] | None = None
    active: bool | None = None
    create: bool | None = None


class DeviceBody(Input):
    name: Annotated[str, Text(40, required=True)]
    role: Annotated[str, Text(200, required=True, choices=DEVICE_ROLES)]
    window: Annotated[int, Size(ge=1, le=999)] | None = None


def user_guard(call: Call) -> None:
    """Only an admin touches admins; nobody demotes or disables themselves; a new
    password has at least 8 characters."""
    who, data = call.who, call.body
    assert who is not None
    existing = call.center.state.users.get(data.username)
    if who.role != "admin" and "admin" in (data.role, existing.role if existing else None):
        raise ApiError(403, "forbidden", "only an admin may create or change an admin", "role")
    if data.username == who.name and (data.role != who.role or data.active is False):
        raise ApiError(409, "forbidden", "you may not demote or disable yourself", "role")
    if data.password and len(data.password) < 8:
        raise ApiError(422, "invalid_field", "the password must have at least 8 characters",
                       "password")


def save_user(call: Call) -> cmd.Command:
    data = call.body
    existing = call.center.state.users.get(data.username)
    return SaveUser(
        data.username, data.role, hash_password(data.password) if data.password else "",
        data.display_name or (existing.display_name if existing else ""),
        tuple(data.windows or ()), True if data.active is None else data.active,
        create=existing is None if data.create is None else data.create)


def add_device(call: Call) -> cmd.Command:
    token = new_device_token(call.center.id)
    call.scratch["token"] = token  # in the answer this once, nowhere else
    return AddDevice(call.body.name, call.body.role, token_hash(token), call.body.window)


ACCOUNTS: tuple[Command, ...] = (
    Command(
        name="users.save", method="POST", path="/manage/users", body=UserBody, roles=MANAGERS,
        guard=user_guard, build=save_user, answer=out.UserSaved,
        reply=lambda c, events: {"username": c.body.username, **seq_reply(c, events)},
        summary="Add or change a staff account (only an admin touches admins; a new "
        "password has at least 8 characters)", who="manager, admin"),
    Command(
        name="devices.add", method="POST", path="/manage/devices", body=DeviceBody,
        roles=MANAGERS, status=201, build=add_device, answer=out.DeviceAdded,
        reply=lambda c, events: {"name": c.body.name, "role": c.body.role,
                                 "window": c.body.window, "token": c.scratch["token"],
                                 **seq_reply(c, events)},
        summary="Add a device (or re-issue a revoked one): its token, shown once",
        who="manager, admin"),
    Command(
        name="devices.revoke", method="POST", path="/manage/devices/<name>/revoke", body=Empty,
        roles=MANAGERS, build=lambda c: RevokeDevice(c.path["name"]), answer=out.DeviceRevoked,
        reply=lambda c, events: {"name": c.path["name"], **seq_reply(c, events)},
        summary="Revoke a device's token", who="manager, admin"),
    Command(
        name="appointments.lift-block", body_first=True, method="POST",
        path="/manage/appointments/blocks/<block>/lift", body=ReasonBody, roles=MANAGERS,
        build=lambda c: ap.LiftBlock(c.path["block"], c.body.reason or ""),
        answer=out.BlockLifted,
        reply=lambda c, events: {"block": c.path["block"], "lifted": True,
                                 "seq": events[-1].seq},
        summary="Lift a phone's no-show booking block (journaled with who and why)",
        who="manager, admin"),
)


# ------------------------------------------------------------------ signing in, devices' health


class LoginBody(Input):
    username: Annotated[str, Text(40, required=True)]
    password: Annotated[str, Text(200, required=True)]
    center: Annotated[str, Text(40)] | None = None


def login(call: Call) -> Mapping[str, Any]:
    data = call.body
    try:
        token, who, expires = call.hub.login(data.center, data.username, data.password,
                                             call.remote)
    except AuthError as error:
        raise ApiError(error.status, error.code, error.message,
                       retry_after=int(error.retry_after) or None) from None
    return {"token": token, "role": who.role, "center": who.center, "username": who.name,
            "display_name": who.display_name, "windows": list(who.windows),
            "expires_at": expires.isoformat()}


HEALTH_PARTS = ("printer", "sound", "display")


def report_health(call: Call) -> Mapping[str, Any]:
    """The parts sent (as sent: an explicit null too), each at most 500 characters as text."""
    assert call.who is not None
    data = call.body.model_dump(exclude_unset=True)
    for part in HEALTH_PARTS:
        if data.get(part) is not None and len(str(data[part])) > 500:
            raise ApiError(422, "invalid_field", f"{part} is too large", part)
    health = call.hub.report_health(call.who, data)
    return {"device": call.who.name, "at": health.at.isoformat()}


SESSIONS: tuple[Command, ...] = (
    Command(
        name="auth.token", method="POST", path="/auth/token", body=LoginBody, roles=ANYONE,
        body_first=True, handle=login, answer=out.Token, center_query=False,
        summary="Sign in; returns a bearer token", who="anyone"),
    Command(
        name="devices.health", method="POST", path="/devices/health", body=HealthBody,
        roles=DEVICES, handle=report_health, answer=out.HealthRecorded,
        summary="A device reports its health (printer, sound, display: each at most 500 "
        "characters as text)", who="devices"),
)


# ------------------------------------------------------------------ booking on the phone, check-in

# 7 to 20 of digits, +, - and spaces as typed; stripped first, so PHONE says the same
# (a documented pattern of its own would let spaces alone through); then 7 to 15 digits.
Phone = Annotated[str, Text(20, required=True, pattern=PHONE)]
Day = Annotated[str, Text(200, required=True, pattern=r"[0-9]{4}-[0-9]{2}-[0-9]{2}")]
Slot = Annotated[str, Text(200, required=True, pattern=r"[0-9]{2}:[0-9]{2}")]
ID_NUMBER = r"[0-9]{17}[0-9Xx]"
CODE_SENT_TO_BOOK = {"zh": "验证码已通过短信发送，5分钟内有效。",
                     "en": "A code was sent by text message; it is valid for 5 minutes."}
# The one answer, whether or not the number has an appointment today.
CODE_SENT_TO_CHECK_IN = {
    "zh": "如果这个号码今天有预约，验证码已通过短信发送，请查收。",
    "en": "If this number has an appointment today, a code was sent to it.",
}


class PhoneBody(Input):
    phone: Phone


class BookBody(Input):
    service: Annotated[str, Text(40, required=True)]
    day: Day
    slot: Slot
    phone: Phone
    otp: Annotated[str, Text(6, required=True, pattern=r"[0-9]{6}")]
    id_number: Annotated[str, Text(18, pattern=ID_NUMBER)] | None = None


class MineBody(Input):
    code: Annotated[str, Text(12, required=True, pattern=r"[0-9]{4,12}")]
    phone: Phone


class RescheduleBody(MineBody):
    day: Day
    slot: Slot


class IdNumberBody(Input):
    id_number: Annotated[str, Text(18, required=True, pattern=ID_NUMBER)]


def limiter(call: Call, name: str, kind: str) -> RateLimiter:
    """The hub's `kind` counter of codes asked an hour, made once (in Redis when hub
    processes share one: hub/store/limits.py)."""
    limit: RateLimiter | None = call.shared.get(name)
    if limit is None:
        settings = call.hub.settings
        limit = counter_for(settings, call.hub.store, kind, settings.checkin_codes_per_hour, 3600)
        call.shared[name] = limit
    return limit


def codes_allowed(call: Call, name: str, kind: str, *subjects: str) -> None:
    """One more code for each of `subjects` this hour, or 429 (a refused subject stops
    the count: the ones after it are not charged)."""
    limit = limiter(call, name, kind)
    if not all(limit.allow(subject) for subject in subjects):
        raise ApiError(429, "rate_limited", "请稍后再试 (too many codes asked; please wait)")


def new_sealed_code(call: Call, scope: str) -> tuple[str, str, str]:
    """A fresh one-time code for the body's phone: (digits, its keyed hash under
    `scope`, the code sealed for the outbox)."""
    digits = phone_digits(call.body.phone)
    secret = call.hub.run(call.hub.key)
    code = new_code()
    return digits, hash_code(secret, scope.format(digits=digits), code), seal(secret, code)


def digits_of(call: Call) -> str:
    """The body's phone as digits (7 to 15 of them, else 422 invalid_phone)."""
    digits = phone_digits(call.body.phone)
    if not 7 <= len(digits) <= 15:
        raise ApiError(422, "invalid_phone", "phone number is not valid", "phone")
    return digits


def day_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_field", "day is not a valid date", "day") from None


def slot_of(value: str) -> clock_time:
    try:
        return clock_time.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_field", "slot is not a valid time", "slot") from None


def id_number_guard(call: Call) -> None:
    if call.body.id_number and not booking.valid_id_number(call.body.id_number):
        raise ApiError(422, "invalid_id_number", "身份证号码不正确 (not a valid ID number)",
                       "id_number")


def booking_code_guard(call: Call) -> None:
    """Per client and per number, across hub processes (before the center is looked at)."""
    codes_allowed(call, "jiaohao.booking_code_limit", "booking_code",
                  f"ip:{call.remote}", f"phone:{digits_of(call)}")


def send_booking_code(call: Call) -> cmd.Command:
    return ap.RequestBookingCode(*new_sealed_code(call, "book:{digits}"))


def code_sent(message: Mapping[str, str]) -> Reply:
    def reply(call: Call, events: list[Event]) -> Mapping[str, Any]:
        minutes = call.center.state.config.notify.code_minutes  # type: ignore[union-attr]
        return {"sent": True, "message": message, "expires_minutes": minutes}

    return reply


def book_guard(call: Call) -> None:
    digits_of(call)
    day_of(call.body.day)
    slot_of(call.body.slot)
    id_number_guard(call)


def book_by_phone(call: Call) -> cmd.Command:
    data = call.body
    digits = phone_digits(data.phone)
    secret = call.hub.run(call.hub.key)
    id_hash = booking.hash_id_number(secret, data.id_number) if data.id_number else ""
    return ap.Book(data.service, day_of(data.day), slot_of(data.slot), digits,
                   hash_code(secret, f"book:{digits}", data.otp), id_hash)


def booked_by_phone(call: Call, events: list[Event]) -> Mapping[str, Any]:
    center = call.center
    rejected = [e for e in events if isinstance(e, ap.BookingCodeRejected)]
    if rejected:
        left = max(center.state.config.notify.code_attempts - rejected[0].attempts, 0)  # type: ignore[union-attr]
        raise ApiError(422, "wrong_code", f"验证码不正确 (wrong code; {left} tries left)", "otp")
    booked = next(e for e in events if isinstance(e, AppointmentBooked))
    answer: dict[str, Any] = center.read(lambda state: booking.citizen_view(
        state, state.appointments[booked.appointment]))
    return {**answer, "seq": booked.seq}


def mine(call: Call, events: list[Event] | None = None) -> Mapping[str, Any]:
    """The appointment of the body's code and phone, as its holder sees it (404 when
    none matches: one answer for a wrong code and a wrong phone)."""
    center = call.center  # the center first, then the phone (as this route always did)
    code, phone = call.body.code, digits_of(call)
    found: dict[str, Any] | None = center.read(lambda state: (
        lambda a: booking.citizen_view(state, a) if a else None)(ap.find(state, code, phone)))
    if found is None:
        raise ApiError(404, "unknown_appointment",
                       "没有找到这个预约，请核对预约码和手机号 (no appointment matches)", "code")
    return found


def mine_guard(call: Call) -> None:
    digits_of(call)


def reschedule_guard(call: Call) -> None:
    digits_of(call)
    day_of(call.body.day)
    slot_of(call.body.slot)


def check_in_code_guard(call: Call) -> None:
    """Codes asked per kiosk and per phone an hour."""
    assert call.who is not None
    codes_allowed(call, "jiaohao.code_limit", "checkin_code",
                  f"device:{call.who.name}", f"phone:{digits_of(call)}")


def send_check_in_code(call: Call) -> cmd.Command:
    return notify.RequestCheckInCode(*new_sealed_code(call, "{digits}"))


def check_in_by_id(call: Call) -> cmd.Command:
    return ap.CheckInById(booking.hash_id_number(call.hub.run(call.hub.key),
                                                 call.body.id_number))


MINE = "anyone holding the appointment code and its phone number"

BOOKING: tuple[Command, ...] = (
    Command(
        name="book.code", method="POST", path="/book/code", body=PhoneBody, roles=ANYONE,
        body_first=True, citizen=True, guard=booking_code_guard, build=send_booking_code,
        reply=code_sent(CODE_SENT_TO_BOOK), answer=out.CodeSent,
        summary="Text a one-time code to the phone that will book; rate-limited per number "
        "and per client across hub processes", who="anyone"),
    Command(
        name="book.book", method="POST", path="/book", body=BookBody, roles=ANYONE,
        body_first=True, citizen=True, guard=book_guard, build=book_by_phone,
        reply=booked_by_phone, answer=out.MyAppointment, status=201,
        summary="Book a slot with the code texted to the phone (limits: capacity, per phone "
        "per day, no-show block); an ID number given is kept only as a keyed hash",
        who="anyone"),
    Command(
        name="book.lookup", method="POST", path="/book/lookup", body=MineBody, roles=ANYONE,
        body_first=True, handle=mine, answer=out.MyAppointment,
        summary="View an appointment (phone masked)", who=MINE),
    Command(
        name="book.reschedule", method="POST", path="/book/reschedule", body=RescheduleBody,
        roles=ANYONE, body_first=True, citizen=True, guard=reschedule_guard,
        build=lambda c: ap.Reschedule(c.body.code, phone_digits(c.body.phone),
                                      day_of(c.body.day), slot_of(c.body.slot)),
        reply=mine, answer=out.MyAppointment,
        summary="Move an appointment to another slot (same code)", who=MINE),
    Command(
        name="book.cancel", method="POST", path="/book/cancel", body=MineBody, roles=ANYONE,
        body_first=True, citizen=True, guard=mine_guard,
        build=lambda c: ap.CancelBooking(c.body.code, phone_digits(c.body.phone)),
        reply=mine, answer=out.MyAppointment, summary="Cancel an appointment", who=MINE),
    Command(
        name="checkin.code", method="POST", path="/checkin/code", body=PhoneBody,
        roles=("kiosk",), body_first=True, guard=check_in_code_guard,
        build=send_check_in_code, reply=code_sent(CODE_SENT_TO_CHECK_IN), answer=out.CodeSent,
        summary="Send a one-time check-in code by SMS to a phone with an appointment today "
        "(then POST /tickets {phone, otp}); the answer is the same whether or not the "
        "number has one; rate-limited per kiosk and per number", who="kiosk device"),
    Command(
        name="checkin.id", method="POST", path="/checkin/id", body=IdNumberBody,
        roles=("kiosk",), body_first=True, guard=id_number_guard, build=check_in_by_id,
        reply=issued_reply, answer=out.IssuedTicket, status=201,
        summary="Check today's appointment in by the ID number typed at the kiosk (only its "
        "keyed hash is compared and kept)", who="kiosk device"),
)


# ------------------------------------------------------------------ a case by its number

CASE_NUMBER = r"[Cc][0-9]{4}-[0-9]{6}"
# Look-ups: per address (a page refreshing now and then stays well below), and failed
# ones per case number. In Redis when hub processes share one, so a guesser spread over
# processes meets one count.
LOOKUPS_PER_ADDRESS = (120, 600.0)
FAILED_LOOKUPS_PER_CASE = (10, 3600.0)


class CaseLookupBody(Input):
    number: Annotated[str, Text(20, required=True, pattern=CASE_NUMBER)]
    phone: Phone


def lookup_limits(call: Call) -> tuple[RateLimiter, RateLimiter]:
    found: tuple[RateLimiter, RateLimiter] | None = call.shared.get("jiaohao.case_lookups")
    if found is None:
        settings, store = call.hub.settings, call.hub.store
        found = (counter_for(settings, store, "case_lookup", *LOOKUPS_PER_ADDRESS),
                 counter_for(settings, store, "case_lookup_failed", *FAILED_LOOKUPS_PER_CASE))
        call.shared["jiaohao.case_lookups"] = found
    return found


def case_lookup_early(call: Call) -> None:
    """The center asked about (anyone, or a device or user of it), then the address's
    count, before the body is read."""
    assert call.center is not None
    if not lookup_limits(call)[0].allow(call.remote):
        raise ApiError(429, "rate_limited", "查询过于频繁，请稍后再试 (too many look-ups; wait)")


def case_lookup(call: Call) -> Mapping[str, Any]:
    number, phone = call.body.number, call.body.phone

    def read(state: Any, now: Any) -> dict[str, Any] | None:
        found = cs.find_case(state, number)
        if found is None or not cs.phone_matches(found, phone):
            return None
        return case_views.public_case(state, found, now)

    now = call.center.clock()
    answer: dict[str, Any] | None = call.center.read(lambda state: read(state, now))
    if answer is None:
        if not lookup_limits(call)[1].allow(number.upper()):  # guessing the phone of a case
            raise ApiError(429, "rate_limited", "查询过于频繁，请稍后再试 (too many look-ups)")
        raise ApiError(404, "unknown_case",
                       "没有找到这个办件，请核对办件编号和手机号 (no case matches)", "number")
    return answer


LOOKUPS: tuple[Command, ...] = (
    Command(
        name="cases.lookup", method="POST", path="/cases/lookup", body=CaseLookupBody,
        roles=ANYONE, early=case_lookup_early, handle=case_lookup, answer=out.PublicCase,
        summary="The citizen's phone: a case by number and the phone given at opening (stage, "
        "due day, history; no names); one 404 for a wrong number or phone; rate-limited",
        who="anyone"),
)

COMMANDS: tuple[Command, ...] = (WINDOW_ACTIONS + TICKETS + SUPERVISION + CASES + ACCOUNTS
                                 + SESSIONS + BOOKING + LOOKUPS)


def routes() -> dict[tuple[str, str], list[Command]]:
    """The catalogue by (method, Flask rule): one route each, several rows when a
    path value selects among them."""
    found: dict[tuple[str, str], list[Command]] = {}
    for command in COMMANDS:
        found.setdefault((command.method, command.path), []).append(command)
    return found


def allowed(command: Command, who: Principal | None) -> None:
    """401 or 403 unless `who` may send `command`."""
    if command.roles is None:
        return
    if who is None:
        if ANONYMOUS not in command.roles:
            raise ApiError(401, "unauthenticated", command.unauthenticated)
        return
    if who.role not in command.roles:
        raise ApiError(403, "forbidden", command.refused.format(role=who.role))
