"""Rooms by declared audience: each event class says who hears it (`audience`), and
hub/read/wire.py picks the rooms from that, never from which attributes an event carries.
In-process: no hub is started."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hub.domain import events as ev
from hub.domain.base import HALL, HOLDER, STAFF, WINDOWS, Event
from hub.domain.supervision import ComplaintRecorded, FollowUpOpened
from hub.read.wire import MANAGER, hears, rooms_for

AT = datetime(2026, 9, 28, 1, 0, tzinfo=UTC)
_PUBLIC = {"hall", "windows", "holder", "staff"}
# What the wire sent each event type to before the audiences were declared on the
# classes (hub/read/wire.py's AUDIENCES table of commit c9de448): unchanged.
BEFORE: dict[str, set[str]] = {
    "config_changed": {"hall", "all_windows", "staff"},
    "day_started": {"hall", "all_windows", "staff"},
    **{name: _PUBLIC for name in (
        "ticket_issued", "ticket_called", "ticket_recalled", "service_started",
        "ticket_completed", "ticket_no_show", "ticket_reinstated", "ticket_transferred",
        "ticket_suspended", "ticket_resumed", "ticket_closed_out")},
    "ticket_rated": {"windows", "holder", "staff"},
    **{name: {"hall", "windows", "staff"} for name in (
        "clerk_signed_in", "clerk_signed_out", "window_paused", "window_opened")},
    **{name: {"staff"} for name in (
        "case_opened", "case_advanced", "case_handed", "case_due_soon", "case_overdue",
        "materials_notice_given")},
}


def test_every_event_declares_the_audience_the_wire_used_before() -> None:
    declared = {name: set(cls.audience) for name, cls in ev.REGISTRY.items()}
    assert {n: a for n, a in declared.items() if a} == BEFORE
    # Everything else (督查, the outbox, accounts, booking …): managers only.
    assert {n for n, a in declared.items() if not a} == set(ev.REGISTRY) - set(BEFORE)


def test_rooms_come_from_the_declared_audience_not_the_attributes() -> None:
    transferred = ev.TicketTransferred(seq=1, at=AT, actor="c", ticket="t-1", number="A001",
                                       from_service="a", to_service="b", from_window=2,
                                       to_window=5)
    assert rooms_for(transferred) == {MANAGER, "hall", "staff", "window:2", "window:5",
                                      "ticket:t-1"}
    # A complaint names a window, a follow-up a window and a ticket: managers only.
    complaint = ComplaintRecorded(seq=2, at=AT, actor="m", complaint="c-1", code="TS-01",
                                  channel="phone", text="x", deadline_class="next_day",
                                  due_on=AT.date(), subject_window=3, subject_ticket="t-1")
    opened = FollowUpOpened(seq=3, at=AT, actor="h", follow_up="t-1", number="A001",
                            service="a", rated_window=3, clerk="c", level=1, due_on=AT.date())
    assert rooms_for(complaint) == rooms_for(opened) == {MANAGER}
    assert not hears("window:3", opened) and not hears("ticket:t-1", complaint)


@dataclass(frozen=True, kw_only=True)
class _Quiet(Event):
    """Carries a window and a ticket, and declares no audience."""

    window: int
    ticket: str


@dataclass(frozen=True, kw_only=True)
class _Told(Event):
    """Declares its audience and the field naming its window."""

    audience = (HALL, WINDOWS, HOLDER, STAFF)
    window_fields = ("desk",)
    holder_field = "citizen"
    desk: int
    citizen: str


def test_an_event_is_heard_where_it_says_whatever_it_carries() -> None:
    quiet = _Quiet(seq=1, at=AT, actor="x", window=4, ticket="t-9")
    told = _Told(seq=2, at=AT, actor="x", desk=4, citizen="t-9")
    assert rooms_for(quiet, all_windows=(1, 4)) == {MANAGER}
    assert rooms_for(told) == {MANAGER, "hall", "staff", "window:4", "ticket:t-9"}
    assert hears("window:4", told) and not hears("window:4", quiet)
