"""督查: complaints (投诉), 差评 follow-ups (回访, 整改) and call-back samples.

The rules of the center's supervision, kept in the journal like every other fact:
- a complaint is recorded with its channel, its subject (window, clerk, ticket) and
  a deadline class; the class sets the deadline in working days (configurable in
  `[supervision]`); it is assigned, answered and then closed;
- every 不满意 / 非常不满意 rating opens a follow-up (回访 and 整改) due within
  `follow_up_days` working days: a policy decided with every rating, whoever rated
  and however, as an event of its own (`FollowUpOpened`, in the rating's batch). A
  journal written before that event existed has bad ratings without it: their
  fold opens the follow-up as it always did (`TicketRated.policies_decided`);
- a random sample of other completed tickets is drawn for a phone call-back and
  each outcome recorded. The randomness is a seed handed in from the edge, so
  deciding stays a pure function.

Events here declare no audience: managers alone hear them (hub/read/wire.py).
The complainant's name and phone are kept out of reprs (logs).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from hub.domain import errors
from hub.domain.base import Command, Decision, Event, Feature, event
from hub.domain.calendar import add_working_days, business_day
from hub.domain.config import COMPLAINT_CLASSES
from hub.domain.model import DONE, CoreState
from hub.domain.rating import TicketRated

rules = Feature("supervision")

CHANNELS = ("on_site", "phone", "letter")
BAD_LEVELS = (1, 2)  # 非常不满意, 不满意
OUTCOMES = ("satisfied", "dissatisfied", "unreachable")
OPEN, ASSIGNED, ANSWERED, CLOSED = "open", "assigned", "answered", "closed"
MAX_TEXT = 1000


class InvalidSupervision(errors.DomainError):
    code = "invalid_field"
    kind = errors.INVALID


UnknownComplaint = errors._error("unknown_complaint", errors.NOT_FOUND)
UnknownFollowUp = errors._error("unknown_follow_up", errors.NOT_FOUND)
UnknownSample = errors._error("unknown_sample", errors.NOT_FOUND)
AlreadyClosed = errors._error("already_closed")
NotAnswered = errors._error("not_answered")
NothingToSample = errors._error("nothing_to_sample")


# --------------------------------------------------------------------------- state


@dataclass
class Complaint:
    id: str
    code: str  # 投诉编号 for people: TS20261126-01
    channel: str
    text: str
    deadline_class: str
    received_at: datetime
    due_on: date
    subject_window: int | None = None
    subject_clerk: str | None = None
    subject_ticket: str | None = None
    subject_number: str | None = None
    complainant: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    status: str = OPEN
    assignee: str | None = None
    answer: str = ""
    answered_on: date | None = None
    closed_at: datetime | None = None
    note: str = ""


@dataclass
class FollowUp:
    """The 回访 and 整改 of one bad rating; keyed by the rated ticket's id."""

    id: str
    number: str
    service: str
    window: int
    clerk: str
    level: int
    aspects: tuple[str, ...]
    reason: str
    rated_at: datetime
    due_on: date
    status: str = OPEN
    assignee: str | None = None
    call_back: str = ""  # what the citizen said when called back
    rectification: str = ""  # what was changed (整改措施)
    answered_on: date | None = None
    closed_at: datetime | None = None


@dataclass
class CallBackSample:
    id: str
    drawn_at: datetime
    business_day: date
    entries: tuple[dict[str, Any], ...]
    # ticket id -> (outcome, note, who called)
    outcomes: dict[str, tuple[str, str, str]] = field(default_factory=dict)


@dataclass
class SupervisionState:
    part_name: ClassVar[str] = "supervision"

    complaints: dict[str, Complaint] = field(default_factory=dict)
    follow_ups: dict[str, FollowUp] = field(default_factory=dict)
    samples: dict[str, CallBackSample] = field(default_factory=dict)


def _part(state: CoreState) -> SupervisionState:
    return state.part(SupervisionState)


def complaint_overdue(complaint: Complaint, today: date) -> bool:
    """Not answered and past its deadline day."""
    return complaint.status in (OPEN, ASSIGNED) and today > complaint.due_on


def follow_up_overdue(follow_up: FollowUp, today: date) -> bool:
    return follow_up.status in (OPEN, ASSIGNED) and today > follow_up.due_on


def followed_up_in_time(follow_up: FollowUp) -> bool:
    """Called back and answered on or before its deadline day."""
    return follow_up.answered_on is not None and follow_up.answered_on <= follow_up.due_on


# --------------------------------------------------------------------------- events


@event
@dataclass(frozen=True, kw_only=True)
class ComplaintRecorded(Event):
    complaint: str
    code: str
    channel: str
    text: str
    deadline_class: str
    due_on: date
    subject_window: int | None = None
    subject_clerk: str | None = None
    subject_ticket: str | None = None
    subject_number: str | None = None
    complainant: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)  # masked on the wire (wire.payload)


@event
@dataclass(frozen=True, kw_only=True)
class ComplaintAssigned(Event):
    complaint: str
    assignee: str


@event
@dataclass(frozen=True, kw_only=True)
class ComplaintAnswered(Event):
    complaint: str
    answer: str


@event
@dataclass(frozen=True, kw_only=True)
class ComplaintClosed(Event):
    complaint: str
    note: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class FollowUpOpened(Event):
    """The 回访 and 整改 of a bad rating, due on `due_on`: decided with the rating."""

    follow_up: str  # the rated ticket's id
    number: str
    service: str
    rated_window: int
    clerk: str
    level: int
    aspects: tuple[str, ...] = ()
    reason: str = ""
    due_on: date


@event
@dataclass(frozen=True, kw_only=True)
class FollowUpAssigned(Event):
    follow_up: str
    assignee: str


@event
@dataclass(frozen=True, kw_only=True)
class FollowUpAnswered(Event):
    follow_up: str
    call_back: str
    rectification: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class FollowUpClosed(Event):
    follow_up: str
    note: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class CallBackSampleDrawn(Event):
    sample: str
    business_day: date
    entries: tuple[dict[str, Any], ...]


@event
@dataclass(frozen=True, kw_only=True)
class CallBackRecorded(Event):
    sample: str
    sampled: str  # the ticket id called back
    outcome: str
    note: str = ""


# --------------------------------------------------------------------------- commands


@dataclass(frozen=True)
class RecordComplaint(Command):
    channel: str
    text: str
    deadline_class: str
    window: int | None = None
    clerk: str | None = None
    ticket: str | None = None  # today's ticket number (A012) or id; kept as given otherwise
    complainant: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)


@dataclass(frozen=True)
class AssignComplaint(Command):
    complaint: str
    assignee: str


@dataclass(frozen=True)
class AnswerComplaint(Command):
    complaint: str
    answer: str


@dataclass(frozen=True)
class CloseComplaint(Command):
    complaint: str
    note: str = ""


@dataclass(frozen=True)
class AssignFollowUp(Command):
    follow_up: str
    assignee: str


@dataclass(frozen=True)
class AnswerFollowUp(Command):
    follow_up: str
    call_back: str
    rectification: str = ""


@dataclass(frozen=True)
class CloseFollowUp(Command):
    follow_up: str
    note: str = ""


@dataclass(frozen=True)
class DrawCallBackSample(Command):
    size: int
    seed: int  # from the edge's random source: deciding stays pure and repeatable


@dataclass(frozen=True)
class RecordCallBack(Command):
    sample: str
    ticket: str
    outcome: str
    note: str = ""


# --------------------------------------------------------------------------- rules


def _text(value: str, name: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise InvalidSupervision(f"{name} must not be empty", field=name)
    if len(text) > limit:
        raise InvalidSupervision(f"{name} is longer than {limit} characters", field=name)
    return text


def _assignee(d: Decision, name: str) -> str:
    user = d.state.users.get(name.strip()) if isinstance(name, str) else None
    if user is None or not user.active:
        raise InvalidSupervision(f"no active user {name!r}", field="assignee")
    return user.name


@rules.decides(RecordComplaint)
def _record_complaint(d: Decision, c: RecordComplaint) -> None:
    if c.channel not in CHANNELS:
        raise InvalidSupervision(f"channel must be one of {', '.join(CHANNELS)}", field="channel")
    days = d.config.supervision.complaint_deadline(c.deadline_class)
    if days is None:
        raise InvalidSupervision(
            f"deadline_class must be one of {', '.join(COMPLAINT_CLASSES)}", field="deadline_class"
        )
    text = _text(c.text, "text")
    if c.window is not None and d.config.window(c.window) is None:
        raise errors.UnknownWindow(f"no window {c.window}", field="window")
    if c.clerk and c.clerk not in d.state.users:
        raise InvalidSupervision(f"no user {c.clerk!r}", field="clerk")
    ticket_id = number = None
    if c.ticket:
        reference = _text(c.ticket, "ticket", limit=40)
        found = d.state.ticket_by_number(reference) or d.state.tickets.get(reference)
        ticket_id, number = (found.id, found.number) if found else (None, reference.upper())
    phone = "".join(ch for ch in c.phone if ch.isdigit())
    if c.phone.strip() and not 7 <= len(phone) <= 15:
        raise InvalidSupervision("phone number is not valid", field="phone")
    today = business_day(d.config, d.now)
    same_day = sum(
        1 for complaint in _part(d.state).complaints.values()
        if business_day(d.config, complaint.received_at) == today
    )
    d.emit(
        ComplaintRecorded,
        complaint=d.context.new_id(),
        code=f"TS{today:%Y%m%d}-{same_day + 1:02d}",
        channel=c.channel,
        text=text,
        deadline_class=c.deadline_class,
        due_on=add_working_days(d.config.hours, today, days),
        subject_window=c.window,
        subject_clerk=c.clerk or None,
        subject_ticket=ticket_id,
        subject_number=number,
        complainant=_text(c.complainant, "complainant", required=False, limit=40),
        phone=phone,
    )


# Complaints and follow-ups go the same way: assigned (any number of times), answered
# (the first answer counts for the deadline), then closed; closed, nothing more.


@dataclass(frozen=True)
class _Track:
    """How one kind of case goes through assign, answer and close."""

    items: str  # its dictionary in SupervisionState
    field: str  # the command's field naming it
    unknown: type[errors.DomainError]
    label: Callable[[Any], str]  # how a message names one
    assigned: type[Event]
    answered: type[Event]
    closed: type[Event]
    not_answered: str  # the refusal to close before answering


_COMPLAINTS = _Track("complaints", "complaint", UnknownComplaint, lambda c: f"complaint {c.code}",
                     ComplaintAssigned, ComplaintAnswered, ComplaintClosed,
                     "answer complaint {} before closing it")
_FOLLOW_UPS = _Track("follow_ups", "follow_up", UnknownFollowUp,
                     lambda f: f"the follow-up of {f.number}",
                     FollowUpAssigned, FollowUpAnswered, FollowUpClosed,
                     "record the call-back of {} before closing it")


def _open_item(d: Decision, track: _Track, item_id: str) -> Any:
    found = getattr(_part(d.state), track.items).get(item_id)
    if found is None:
        raise track.unknown(f"no {track.field.replace('_', '-')} {item_id!r}", field=track.field)
    if found.status == CLOSED:
        raise AlreadyClosed(f"{track.label(found)} is closed")
    return found


def _assign(d: Decision, track: _Track, item_id: str, assignee: str) -> None:
    item = _open_item(d, track, item_id)
    d.emit(track.assigned, **{track.field: item.id, "assignee": _assignee(d, assignee)})


def _close(d: Decision, track: _Track, item_id: str, note: str) -> None:
    item = _open_item(d, track, item_id)
    if item.status != ANSWERED:
        name = item.code if track is _COMPLAINTS else item.number
        raise NotAnswered(track.not_answered.format(name))
    d.emit(track.closed, **{track.field: item.id,
                            "note": _text(note, "note", required=False, limit=200)})


@rules.decides(AssignComplaint)
def _assign_complaint(d: Decision, c: AssignComplaint) -> None:
    _assign(d, _COMPLAINTS, c.complaint, c.assignee)


@rules.decides(AnswerComplaint)
def _answer_complaint(d: Decision, c: AnswerComplaint) -> None:
    complaint = _open_item(d, _COMPLAINTS, c.complaint)
    d.emit(ComplaintAnswered, complaint=complaint.id, answer=_text(c.answer, "answer"))


@rules.decides(CloseComplaint)
def _close_complaint(d: Decision, c: CloseComplaint) -> None:
    _close(d, _COMPLAINTS, c.complaint, c.note)


@rules.decides(AssignFollowUp)
def _assign_follow_up(d: Decision, c: AssignFollowUp) -> None:
    _assign(d, _FOLLOW_UPS, c.follow_up, c.assignee)


@rules.decides(AnswerFollowUp)
def _answer_follow_up(d: Decision, c: AnswerFollowUp) -> None:
    follow_up = _open_item(d, _FOLLOW_UPS, c.follow_up)
    d.emit(FollowUpAnswered, follow_up=follow_up.id, call_back=_text(c.call_back, "call_back"),
           rectification=_text(c.rectification, "rectification", required=False))


@rules.decides(CloseFollowUp)
def _close_follow_up(d: Decision, c: CloseFollowUp) -> None:
    _close(d, _FOLLOW_UPS, c.follow_up, c.note)


# --------------------------------------------------------------------------- the 差评 policy


def _follow_up_due(state: CoreState, rated_at: datetime) -> date:
    assert state.config is not None
    return add_working_days(state.config.hours, _day(state, rated_at),
                            state.config.supervision.follow_up_days)


@rules.consequence
def _open_follow_ups(d: Decision, caused: list[Event]) -> None:
    """Every bad rating opens a follow-up, in the rating's batch."""
    for rated in caused:
        if isinstance(rated, TicketRated) and rated.level in BAD_LEVELS:
            d.emit(FollowUpOpened, follow_up=rated.ticket, number=rated.number,
                   service=rated.service, rated_window=rated.window, clerk=rated.clerk,
                   level=rated.level, aspects=tuple(rated.aspects), reason=rated.reason,
                   due_on=_follow_up_due(d.state, rated.at))


def call_back_candidates(state: CoreState) -> list[Any]:
    """Today's completed tickets that no follow-up or earlier sample covers, in order."""
    sampled = {
        entry["ticket"] for sample in _part(state).samples.values()
        for entry in sample.entries
    }
    return sorted(
        (t for t in state.tickets.values()
         if t.status == DONE and t.id not in _part(state).follow_ups
         and t.id not in sampled),
        key=lambda t: (t.completed_at or t.issued_at, t.id),
    )


@rules.decides(DrawCallBackSample)
def _draw_sample(d: Decision, c: DrawCallBackSample) -> None:
    if isinstance(c.size, bool) or not isinstance(c.size, int) or not 1 <= c.size <= 50:
        raise InvalidSupervision("size must be 1 to 50", field="size")
    candidates = call_back_candidates(d.state)
    if not candidates:
        raise NothingToSample("no completed ticket today is left to call back")
    chosen = random.Random(c.seed).sample(candidates, min(c.size, len(candidates)))
    chosen.sort(key=lambda t: (t.completed_at or t.issued_at, t.id))
    entries = tuple(
        {"ticket": t.id, "number": t.number, "service": t.service, "window": t.window,
         "clerk": t.clerk, "completed_at": t.completed_at.isoformat() if t.completed_at else None,
         "rating": t.rating}
        for t in chosen
    )
    assert d.state.business_day is not None
    d.emit(CallBackSampleDrawn, sample=d.context.new_id(), business_day=d.state.business_day,
           entries=entries)


@rules.decides(RecordCallBack)
def _record_call_back(d: Decision, c: RecordCallBack) -> None:
    sample = _part(d.state).samples.get(c.sample)
    if sample is None:
        raise UnknownSample(f"no call-back sample {c.sample!r}", field="sample")
    if c.ticket not in {entry["ticket"] for entry in sample.entries}:
        raise errors.UnknownTicket("the ticket is not in this sample", field="ticket")
    if c.outcome not in OUTCOMES:
        raise InvalidSupervision(f"outcome must be one of {', '.join(OUTCOMES)}", field="outcome")
    d.emit(CallBackRecorded, sample=sample.id, sampled=c.ticket, outcome=c.outcome,
           note=_text(c.note, "note", required=False, limit=200))


# --------------------------------------------------------------------------- fold


def _day(state: CoreState, at: datetime) -> date:
    assert state.config is not None
    return business_day(state.config, at)


@rules.folds(TicketRated)
def _ticket_rated(state: CoreState, event: TicketRated) -> None:
    """A rating from a journal written before FollowUpOpened: the policy as it was then."""
    if event.policies_decided or event.level not in BAD_LEVELS or state.config is None:
        return
    _part(state).follow_ups[event.ticket] = FollowUp(
        id=event.ticket, number=event.number, service=event.service, window=event.window,
        clerk=event.clerk, level=event.level, aspects=tuple(event.aspects), reason=event.reason,
        rated_at=event.at, due_on=_follow_up_due(state, event.at),
    )


@rules.folds(FollowUpOpened)
def _follow_up_opened(state: CoreState, event: FollowUpOpened) -> None:
    _part(state).follow_ups[event.follow_up] = FollowUp(
        id=event.follow_up, number=event.number, service=event.service,
        window=event.rated_window, clerk=event.clerk, level=event.level,
        aspects=tuple(event.aspects), reason=event.reason, rated_at=event.at,
        due_on=event.due_on,
    )


@rules.folds(ComplaintRecorded)
def _complaint_recorded(state: CoreState, event: ComplaintRecorded) -> None:
    _part(state).complaints[event.complaint] = Complaint(
        id=event.complaint, code=event.code, channel=event.channel, text=event.text,
        deadline_class=event.deadline_class, received_at=event.at, due_on=event.due_on,
        subject_window=event.subject_window, subject_clerk=event.subject_clerk,
        subject_ticket=event.subject_ticket, subject_number=event.subject_number,
        complainant=event.complainant, phone=event.phone,
    )


def _item(state: CoreState, track: _Track, event: Event) -> Any:
    return getattr(_part(state), track.items)[getattr(event, track.field)]


def _assigned(state: CoreState, track: _Track, event: ComplaintAssigned | FollowUpAssigned) -> None:
    item = _item(state, track, event)
    item.assignee = event.assignee
    if item.status == OPEN:
        item.status = ASSIGNED


def _answered(state: CoreState, item: Complaint | FollowUp, at: datetime) -> None:
    item.status = ANSWERED
    if item.answered_on is None:  # the first answer counts for the deadline
        item.answered_on = _day(state, at)


def _closed(item: Complaint | FollowUp, at: datetime) -> None:
    item.status = CLOSED
    item.closed_at = at


@rules.folds(ComplaintAssigned)
def _complaint_assigned(state: CoreState, event: ComplaintAssigned) -> None:
    _assigned(state, _COMPLAINTS, event)


@rules.folds(FollowUpAssigned)
def _follow_up_assigned(state: CoreState, event: FollowUpAssigned) -> None:
    _assigned(state, _FOLLOW_UPS, event)


@rules.folds(ComplaintAnswered)
def _complaint_answered(state: CoreState, event: ComplaintAnswered) -> None:
    complaint = _item(state, _COMPLAINTS, event)
    complaint.answer = event.answer
    _answered(state, complaint, event.at)


@rules.folds(FollowUpAnswered)
def _follow_up_answered(state: CoreState, event: FollowUpAnswered) -> None:
    follow_up = _item(state, _FOLLOW_UPS, event)
    follow_up.call_back = event.call_back
    follow_up.rectification = event.rectification
    _answered(state, follow_up, event.at)


@rules.folds(ComplaintClosed)
def _complaint_closed(state: CoreState, event: ComplaintClosed) -> None:
    complaint = _item(state, _COMPLAINTS, event)
    _closed(complaint, event.at)
    complaint.note = event.note


@rules.folds(FollowUpClosed)
def _follow_up_closed(state: CoreState, event: FollowUpClosed) -> None:
    _closed(_item(state, _FOLLOW_UPS, event), event.at)


@rules.folds(CallBackSampleDrawn)
def _sample_drawn(state: CoreState, event: CallBackSampleDrawn) -> None:
    _part(state).samples[event.sample] = CallBackSample(
        id=event.sample, drawn_at=event.at, business_day=event.business_day,
        entries=tuple(dict(entry) for entry in event.entries),
    )


@rules.folds(CallBackRecorded)
def _call_back_recorded(state: CoreState, event: CallBackRecorded) -> None:
    _part(state).samples[event.sample].outcomes[event.sampled] = (
        event.outcome, event.note, event.actor,
    )
