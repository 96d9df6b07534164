"""The 2xx answers of the catalogue's commands as pydantic models.

A catalogue row names its answer by one of these classes (`Command.answer`); the
OpenAPI document's components are derived from them (hub/web/openapi_schemas.py),
so a documented answer is the model's JSON Schema. Every field without a default
is a key the route always sends; `X | None` may be null; a default marks a key that
may be absent. Answers are built as plain JSON data by the rows' replies (the read
models in hub/read); these models say what that data looks like, and a schema
fuzz run (tests/security/test_fuzz_api.py) checks real answers against them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel


class Output(BaseModel):
    """An answer (or part of one): documented, not used to check the hub's own data."""


class Label(Output):
    """A bilingual label."""

    zh: str
    en: str


class Wait(Output):
    """A wait estimate (hub/domain/estimate.py WaitEstimate): null minutes when there is
    no honest number; `state` says which case it is."""

    state: Literal["now", "queue", "no_window", "resumes", "closed"]
    minutes: int | None
    low: int | None
    high: int | None
    resumes_at: datetime | None
    after_closing: bool


class Ticket(Output):
    id: str
    number: str
    service: str
    status: str
    ahead: int
    eta_minutes: int | None
    window: int | None
    window_name: str | None
    issued_at: datetime
    priority: str | None
    appointment: bool
    recall_count: int
    transferred: bool
    target_window: int | None
    wait: Wait | None = None


class Window(Output):
    id: int
    name: Label
    services: list[str]
    state: str
    reason: str | None
    since: datetime | None
    clerk: str | None
    staff: dict[str, str]  # {} when nobody is at it
    ticket: Ticket | None


class WindowAction(Output):
    window: Window
    ticket: Ticket | None
    seq: int


class Seq(Output):
    seq: int


class IssuedTicket(Output):
    id: str
    number: str
    service: str
    status: str
    ahead: int
    eta_minutes: int | None
    issued_at: datetime
    priority: str | None
    appointment: bool
    seq: int
    track_url: str
    wait: Wait | None = None


class Rated(Output):
    ticket: str
    level: int
    seq: int


class PadRated(Output):
    number: str
    window: int
    level: int
    seq: int


class Appointment(Output):
    code: str
    service: str
    day: date
    slot_start: str
    slot_end: str
    phone: str
    seq: int


class Cancelled(Output):
    code: str
    status: Literal["cancelled"]
    seq: int


class CodeSent(Output):
    sent: bool
    message: Label
    expires_minutes: int


class MyAppointment(Output):
    code: str
    service: str
    service_name: Label
    day: str
    slot_start: str
    slot_end: str
    phone: str
    status: str
    number: str | None
    track: str | None
    changeable: bool
    seq: int = 0  # after a booking; a look-up has none


class BlockLifted(Output):
    block: str
    lifted: bool
    seq: int


class Token(Output):
    token: str
    role: str
    center: str
    username: str
    display_name: str
    windows: list[int]
    expires_at: datetime


class HealthRecorded(Output):
    device: str
    at: datetime


class Subject(Output):
    """Whom a complaint is about."""

    window: int | None
    window_name: Label | None
    clerk: str | None
    clerk_name: str | None
    ticket: str | None
    number: str | None


class Complaint(Output):
    id: str
    code: str
    channel: str
    text: str
    deadline_class: str
    received_at: datetime
    due_on: date
    overdue: bool
    subject: Subject
    complainant: str
    phone: str
    status: str
    assignee: str | None
    answer: str | None
    answered_on: date | None
    answered_in_time: bool
    closed_at: datetime | None
    note: str | None


class FollowUp(Output):
    id: str
    number: str
    service: str
    service_name: Label | None
    window: int
    window_name: Label | None
    clerk: str | None
    clerk_name: str
    level: int
    aspects: list[str]
    reason: str
    rated_at: datetime
    due_on: date
    overdue: bool
    status: str
    assignee: str | None
    call_back: str | None
    rectification: str | None
    answered_on: date | None
    in_time: bool | None
    closed_at: datetime | None


class SampleEntry(Output):
    ticket: str
    service_name: Label | None
    window_name: Label | None
    clerk_name: str
    outcome: str | None
    note: str
    called_by: str | None


class Sample(Output):
    id: str
    drawn_at: datetime
    business_day: date
    entries: list[SampleEntry]
    done: int
    size: int


class UserSaved(Output):
    username: str
    seq: int


class DeviceAdded(Output):
    name: str
    role: str
    token: str  # shown this once
    seq: int


class DeviceRevoked(Output):
    name: str
    seq: int


class Stage(Output):
    id: str
    name: Label
    reached: bool
    at: str | None


class CaseStep(Output):
    at: str
    what: str
    stage: str | None
    by: str
    by_name: str
    holder: str | None
    agent: bool | None
    note: str


class Case(Output):
    id: str
    number: str
    kind: str
    service: str
    service_name: Label
    stage: str
    stage_name: Label
    stages: list[Stage]
    opened_at: datetime
    opened_on: date
    due_on: date
    days: int
    days_left: int | None
    due_soon: bool
    overdue: bool
    on_time: bool | None
    done_on: date | None
    closed: bool
    holder: str
    holder_name: str
    agent: bool
    ticket_number: str
    phone: str
    history: list[CaseStep]


class PublicCaseStep(Output):
    at: str
    what: str
    stage: str | None
    stage_name: Label | None


class PublicCase(Output):
    number: str
    kind: str
    service_name: Label
    stage: str
    stage_name: Label
    stages: list[Stage]
    opened_on: date
    due_on: date
    days_left: int | None
    overdue: bool
    done_on: date | None
    closed: bool
    agent: bool
    history: list[PublicCaseStep]
    center_name: Label
    complaint_phone: str


class MaterialsNotice(Output):
    id: str
    service: str
    service_name: Label
    ticket_number: str
    materials: list[str]
    other: str
    given_at: datetime
    by: str
    phone: str
    notified: bool
    text: Label
