"""办件: cases after the counter, and the 一次性告知 of missing materials.

A matter that cannot be finished on the spot becomes a tracked case (DOMAIN.md):
- 即办件 (`immediate`): done at the counter; opened and 办结 in one decision;
- 承诺件 (`promised`): due within the service's committed working days (`[cases]`
  in the center's configuration, across 调休 and public holidays), moved through
  its stages (受理 → 审核 → 办结 → 送达/领取 by default) one at a time by the clerk
  who holds it, a manager, or the agent (代办员) it was handed to (全程代理);
- a case is *due soon* with `due_soon_days` working days or fewer left, *overdue*
  past its due day while not 办结; the clock's tick (`FlagDueCases`) records each
  once, which is what tells the citizen (this module's notices, queued by the outbox).
- 一次性告知: when materials are missing the clerk records the full list once per
  ticket (the service's guide materials, plus free text), told to the citizen.

Case numbers are per center and year: C2026-000123. The citizen follows a case by
its number and the phone given at opening; names are never asked or kept, the
phone never leaves the journal unmasked (reprs hide it; the wire masks it).
Events here carry no field named `ticket` or `window`: the wire would route them
to public rooms, and a case is staff's and its citizen's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from hub.domain import errors
from hub.domain.base import STAFF, Command, Decision, Event, Feature, Notice, event, phone_digits
from hub.domain.calendar import add_working_days, business_day, is_working_day
from hub.domain.config import Hours
from hub.domain.model import CoreState

rules = Feature("cases")

KINDS = ("immediate", "promised")
DONE = "done"
MANAGER_ROLES = ("admin", "manager")
MAX_NOTE = 200
MAX_MATERIALS = 20

UnknownCase = errors._error("unknown_case", errors.NOT_FOUND)
InvalidCase = errors._error("invalid_case", errors.INVALID)
StageNotAllowed = errors._error("stage_not_allowed")
CaseClosed = errors._error("case_closed")
NotCaseHolder = errors._error("not_case_holder", errors.FORBIDDEN)
NoticeAlreadyGiven = errors._error("notice_already_given")


# --------------------------------------------------------------------------- state


@dataclass
class Case:
    id: str
    number: str  # C2026-000123, for people
    kind: str
    service: str
    stages: tuple[str, ...]
    opened_at: datetime
    opened_on: date
    due_on: date
    days: int
    holder: str
    stage: str = "accepted"
    ticket_number: str = ""
    phone: str = field(default="", repr=False)
    agent: bool = False  # 全程代理: held by an agent (代办员) who carries it through
    done_on: date | None = None
    closed: bool = False  # past its last stage
    due_soon_flagged: bool = False
    overdue_flagged: bool = False
    # [{at, what: opened|stage|handed|due_soon|overdue, stage, by, holder, agent, note}]
    history: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class MaterialsNotice:
    id: str
    service: str
    ticket_number: str
    materials: tuple[str, ...]
    other: str
    given_at: datetime
    by: str
    phone: str = field(default="", repr=False)


@dataclass
class CasesState:
    part_name: ClassVar[str] = "cases"

    cases: dict[str, Case] = field(default_factory=dict)
    by_number: dict[str, str] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)  # year -> cases opened
    notices: dict[str, MaterialsNotice] = field(default_factory=dict)
    noticed: dict[str, str] = field(default_factory=dict)  # "day:ticket number" -> notice


def is_done(case: Case) -> bool:
    return case.done_on is not None


def working_days_left(hours: Hours, today: date, due_on: date) -> int:
    """Working days from `today` to `due_on` (0 on the day, negative when past it)."""
    if due_on < today:
        return -working_days_between(hours, due_on, today)
    return working_days_between(hours, today, due_on)


def working_days_between(hours: Hours, start: date, end: date) -> int:
    count, day = 0, start
    while day < end:
        day = date.fromordinal(day.toordinal() + 1)
        count += 1 if is_working_day(hours, day) else 0
    return count


def is_overdue(case: Case, today: date) -> bool:
    return not is_done(case) and today > case.due_on


def is_due_soon(case: Case, hours: Hours, today: date, within: int) -> bool:
    return not is_done(case) and not is_overdue(case, today) and \
        working_days_left(hours, today, case.due_on) <= within


def on_time(case: Case) -> bool:
    return case.done_on is not None and case.done_on <= case.due_on


def phone_matches(case: Case, phone: str) -> bool:
    digits = phone_digits(phone)
    return bool(case.phone) and digits == case.phone


# --------------------------------------------------------------------------- events


@event
@dataclass(frozen=True, kw_only=True)
class CaseOpened(Event):
    audience = (STAFF,)  # staff follow their cases live; phones masked, no public
    case: str
    number: str
    kind: str
    service: str
    stages: tuple[str, ...]
    due_on: date
    days: int
    holder: str
    ticket_number: str = ""
    phone: str = field(default="", repr=False)  # masked on the wire (wire.payload)
    note: str = ""
    window: int | None = None  # where it was opened: the opening clerk's window, if any


@event
@dataclass(frozen=True, kw_only=True)
class CaseAdvanced(Event):
    audience = (STAFF,)  # staff follow their cases live; phones masked, no public
    case: str
    number: str
    stage: str
    note: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class CaseHanded(Event):
    audience = (STAFF,)  # staff follow their cases live; phones masked, no public
    case: str
    number: str
    holder: str
    agent: bool = False
    note: str = ""


@event
@dataclass(frozen=True, kw_only=True)
class CaseDueSoon(Event):
    audience = (STAFF,)  # staff follow their cases live; phones masked, no public
    case: str
    number: str
    due_on: date


@event
@dataclass(frozen=True, kw_only=True)
class CaseOverdue(Event):
    audience = (STAFF,)  # staff follow their cases live; phones masked, no public
    case: str
    number: str
    due_on: date


@event
@dataclass(frozen=True, kw_only=True)
class MaterialsNoticeGiven(Event):
    audience = (STAFF,)  # staff follow their cases live; phones masked, no public
    notice: str
    service: str
    ticket_number: str
    materials: tuple[str, ...]
    other: str = ""
    phone: str = field(default="", repr=False)


# --------------------------------------------------------------------------- commands


@dataclass(frozen=True)
class OpenCase(Command):
    kind: str
    service: str | None = None  # by default the ticket's
    ticket: str = ""  # today's ticket number (A012), optional
    phone: str = field(default="", repr=False)
    note: str = ""


@dataclass(frozen=True)
class AdvanceCase(Command):
    case: str  # its id or its number
    stage: str
    note: str = ""


@dataclass(frozen=True)
class HandCase(Command):
    case: str
    to: str  # a staff login
    agent: bool = False  # 全程代理: the agent carries it through
    note: str = ""


@dataclass(frozen=True)
class FlagDueCases(Command):
    """The clock's tick: record the cases that became due soon or overdue."""


@dataclass(frozen=True)
class GiveMaterialsNotice(Command):
    ticket: str  # today's ticket number
    materials: tuple[str, ...] = ()  # from the service's guide
    other: str = ""  # free text: what the guide does not list
    phone: str = field(default="", repr=False)


# --------------------------------------------------------------------------- rules


def _note(value: str, name: str = "note") -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > MAX_NOTE:
        raise InvalidCase(f"{name} is longer than {MAX_NOTE} characters", field=name)
    return text


def _phone(value: str, *, required: bool) -> str:
    digits = phone_digits(value or "")
    if required and not digits:
        raise InvalidCase("承诺件需要手机号，群众凭办件编号和手机号查询 (a phone is required)",
                          field="phone")
    if digits and not 7 <= len(digits) <= 15:
        raise InvalidCase("phone number is not valid", field="phone")
    return digits


def _today_ticket(d: Decision, number: str) -> Any:
    ticket = d.state.ticket_by_number(number) if number.strip() else None
    if ticket is None:
        raise errors.UnknownTicket(f"no ticket {number!r} today", field="ticket")
    return ticket


def find_case(state: CoreState, reference: str) -> Case | None:
    cases = _part(state)
    reference = reference.strip() if isinstance(reference, str) else ""
    case_id = cases.by_number.get(reference.upper(), reference)
    return cases.cases.get(case_id)


def _case(d: Decision, reference: str) -> Case:
    found = find_case(d.state, reference)
    if found is None:
        raise UnknownCase(f"no case {reference!r}", field="case")
    if found.closed:
        raise CaseClosed(f"办件 {found.number} 已完结 (the case is finished)", field="case")
    return found


def _may_move(d: Decision, case: Case) -> None:
    actor = d.context.actor
    user = d.state.users.get(actor)
    if actor != case.holder and (user is None or user.role not in MANAGER_ROLES):
        raise NotCaseHolder(
            f"办件 {case.number} 由 {case.holder} 负责；只有负责人或管理人员可以操作",
            field="case")


@rules.decides(OpenCase)
def _open_case(d: Decision, c: OpenCase) -> None:
    if c.kind not in KINDS:
        raise InvalidCase(f"kind must be one of {', '.join(KINDS)}", field="kind")
    ticket = _today_ticket(d, c.ticket) if c.ticket else None
    service_id = c.service or (ticket.service if ticket else "")
    if not service_id:
        raise errors.MissingField("name the service or the ticket", field="service")
    service = d.config.service(service_id)
    if service is None:
        raise errors.UnknownService(f"no service {service_id!r}", field="service")
    phone = _phone(c.phone, required=c.kind == "promised")
    rules_ = d.config.cases
    today = business_day(d.config, d.now)
    immediate = c.kind == "immediate"
    days = 0 if immediate else rules_.days_for(service.id)
    stages = rules_.stages_for(service.id)
    if immediate:
        stages = ("accepted", DONE)
    year = f"{today:%Y}"
    number = f"C{year}-{_part(d.state).counters.get(year, 0) + 1:06d}"
    case_id = d.context.new_id()
    d.emit(CaseOpened, case=case_id, number=number, kind=c.kind, service=service.id,
           stages=stages, due_on=add_working_days(d.config.hours, today, days), days=days,
           holder=d.context.actor, ticket_number=ticket.number if ticket else "",
           phone=phone, note=_note(c.note), window=_clerk_window(d))
    if immediate:
        d.emit(CaseAdvanced, case=case_id, number=number, stage=DONE, note="即办件")


def _clerk_window(d: Decision) -> int | None:
    """The window the acting clerk is signed in at (按期办结率 per window counts it)."""
    return next((w.id for w in d.state.windows.values() if w.clerk == d.context.actor), None)


@rules.decides(AdvanceCase)
def _advance_case(d: Decision, c: AdvanceCase) -> None:
    case = _case(d, c.case)
    _may_move(d, case)
    if c.stage not in case.stages:
        raise StageNotAllowed(
            f"办件 {case.number} 没有“{c.stage}”这个环节 (stages: {', '.join(case.stages)})",
            field="stage")
    here = case.stages.index(case.stage)
    wanted = case.stages.index(c.stage)
    if wanted != here + 1:
        name = d.config.cases.stage_name
        expected = name(case.stages[here + 1]).zh
        raise StageNotAllowed(
            f"办件 {case.number} 正处于“{name(case.stage).zh}”，下一环节只能是“{expected}”"
            f" (only the next stage, {case.stages[here + 1]}, may follow {case.stage})",
            field="stage", current=case.stage, expected=case.stages[here + 1])
    d.emit(CaseAdvanced, case=case.id, number=case.number, stage=c.stage, note=_note(c.note))


@rules.decides(HandCase)
def _hand_case(d: Decision, c: HandCase) -> None:
    case = _case(d, c.case)
    _may_move(d, case)
    user = d.state.users.get(c.to.strip()) if isinstance(c.to, str) else None
    if user is None or not user.active:
        raise InvalidCase(f"no active staff member {c.to!r}", field="to")
    if user.name == case.holder and bool(c.agent) == case.agent:
        raise InvalidCase(f"{user.name} already holds 办件 {case.number}", field="to")
    d.emit(CaseHanded, case=case.id, number=case.number, holder=user.name, agent=bool(c.agent),
           note=_note(c.note))


def due_flags(state: CoreState, now: datetime) -> list[tuple[str, str]]:
    """(case id, "due_soon" | "overdue") for the open cases not yet flagged so."""
    config = state.config
    if config is None:
        return []
    today = business_day(config, now)
    within = config.cases.due_soon_days
    found = []
    for case in _part(state).cases.values():
        if case.kind != "promised" or is_done(case):
            continue
        if is_overdue(case, today) and not case.overdue_flagged:
            found.append((case.id, "overdue"))
        elif is_due_soon(case, config.hours, today, within) and not case.due_soon_flagged:
            found.append((case.id, "due_soon"))
    return found


@rules.decides(FlagDueCases)
def _flag_due(d: Decision, c: FlagDueCases) -> None:
    for case_id, flag in due_flags(d.state, d.now):
        case = _part(d.state).cases[case_id]
        d.emit(CaseOverdue if flag == "overdue" else CaseDueSoon, case=case.id,
               number=case.number, due_on=case.due_on)


@rules.decides(GiveMaterialsNotice)
def _give_notice(d: Decision, c: GiveMaterialsNotice) -> None:
    ticket = _today_ticket(d, c.ticket)
    service = d.config.service(ticket.service)
    assert service is not None
    key = f"{d.state.business_day}:{ticket.number}"
    if key in _part(d.state).noticed:
        raise NoticeAlreadyGiven(
            f"{ticket.number} 已做过一次性告知 (the notice is given once)", field="ticket")
    materials = tuple(m.strip() for m in c.materials if isinstance(m, str) and m.strip())
    if len(materials) > MAX_MATERIALS or len(set(materials)) != len(materials):
        raise InvalidCase("materials must be different, at most 20", field="materials")
    unknown = [m for m in materials if m not in service.guide.materials]
    if unknown:
        raise InvalidCase(f"“{unknown[0]}”不在{service.name.zh}的材料清单中 "
                          "(not among the service's materials; write it under other)",
                          field="materials")
    other = _note(c.other, "other")
    if not materials and not other:
        raise InvalidCase("list at least one missing material", field="materials")
    d.emit(MaterialsNoticeGiven, notice=d.context.new_id(), service=service.id,
           ticket_number=ticket.number, materials=materials, other=other,
           phone=_phone(c.phone, required=False))


# --------------------------------------------------------------------------- notifications


def _case_phone(state: CoreState, case_id: str) -> str:
    case = _part(state).cases.get(case_id)
    return case.phone if case is not None else ""


@rules.notifies(CaseOpened)
def _accepted(state: CoreState, event: CaseOpened) -> list[Notice]:
    if event.kind != "promised" or not event.phone:
        return []
    return [Notice("case_accepted", event.phone, {
        "number": event.number, "service": event.service, "due": event.due_on.isoformat()},
        f"case_accepted:{event.case}")]


@rules.notifies(CaseDueSoon)
def _due_soon(state: CoreState, event: CaseDueSoon) -> list[Notice]:
    phone = _case_phone(state, event.case)
    if not phone:
        return []
    return [Notice("case_due_soon", phone, {
        "number": event.number, "due": event.due_on.isoformat()}, f"case_due_soon:{event.case}")]


@rules.notifies(CaseAdvanced)
def _done(state: CoreState, event: CaseAdvanced) -> list[Notice]:
    case = _part(state).cases.get(event.case)
    if event.stage != DONE or case is None or case.kind != "promised" or not case.phone:
        return []
    params = {"number": event.number, "service": case.service}
    if case.stages[-1] != DONE:
        params["next"] = case.stages[case.stages.index(DONE) + 1]  # delivered | collected
    return [Notice("case_done", case.phone, params, f"case_done:{event.case}")]


@rules.notifies(MaterialsNoticeGiven)
def _materials(state: CoreState, event: MaterialsNoticeGiven) -> list[Notice]:
    if not event.phone:
        return []
    listed = "；".join(event.materials + ((event.other,) if event.other else ()))
    return [Notice("materials_notice", event.phone, {
        "service": event.service, "number": event.ticket_number, "materials": listed},
        f"materials_notice:{event.notice}")]



# --------------------------------------------------------------------------- fold


def _entry(event: Event, what: str, **values: Any) -> dict[str, Any]:
    return {"at": event.at.isoformat(), "what": what, "by": event.actor, **values}


@rules.folds(CaseOpened)
def _case_opened(state: CoreState, event: CaseOpened) -> None:
    assert state.config is not None
    opened_on = business_day(state.config, event.at)
    _part(state).cases[event.case] = Case(
        id=event.case, number=event.number, kind=event.kind, service=event.service,
        stages=tuple(event.stages), opened_at=event.at, opened_on=opened_on,
        due_on=event.due_on, days=event.days, holder=event.holder,
        stage=event.stages[0], ticket_number=event.ticket_number, phone=event.phone,
        history=[_entry(event, "opened", stage=event.stages[0], holder=event.holder,
                        note=event.note)],
    )
    _part(state).by_number[event.number] = event.case
    year = event.number[1:5]
    _part(state).counters[year] = _part(state).counters.get(year, 0) + 1


@rules.folds(CaseAdvanced)
def _case_advanced(state: CoreState, event: CaseAdvanced) -> None:
    case = _part(state).cases[event.case]
    case.stage = event.stage
    if event.stage == DONE and case.done_on is None:
        assert state.config is not None
        case.done_on = business_day(state.config, event.at)
    case.closed = event.stage == case.stages[-1]
    case.history.append(_entry(event, "stage", stage=event.stage, note=event.note))


@rules.folds(CaseHanded)
def _case_handed(state: CoreState, event: CaseHanded) -> None:
    case = _part(state).cases[event.case]
    case.holder = event.holder
    case.agent = event.agent
    case.history.append(_entry(event, "handed", holder=event.holder, agent=event.agent,
                               note=event.note))


@rules.folds(CaseDueSoon)
def _case_due_soon(state: CoreState, event: CaseDueSoon) -> None:
    case = _part(state).cases[event.case]
    case.due_soon_flagged = True
    case.history.append(_entry(event, "due_soon"))


@rules.folds(CaseOverdue)
def _case_overdue(state: CoreState, event: CaseOverdue) -> None:
    case = _part(state).cases[event.case]
    case.overdue_flagged = True
    case.due_soon_flagged = True
    case.history.append(_entry(event, "overdue"))


@rules.folds(MaterialsNoticeGiven)
def _notice_given(state: CoreState, event: MaterialsNoticeGiven) -> None:
    _part(state).notices[event.notice] = MaterialsNotice(
        id=event.notice, service=event.service, ticket_number=event.ticket_number,
        materials=tuple(event.materials), other=event.other, given_at=event.at,
        by=event.actor, phone=event.phone)
    _part(state).noticed[f"{state.business_day}:{event.ticket_number}"] = event.notice


def _part(state: CoreState) -> CasesState:
    return state.part(CasesState)
