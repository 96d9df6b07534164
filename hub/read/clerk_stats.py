"""Read models of the clerk's caller: the clerk's window in detail, today's own
counters, and the transferred tickets the clerk stays responsible for (首问负责).

Pure functions of a center's state and the moment, like `hub.read.views`: no I/O, no
clock reads, no rules (what the caller may do is decided in `hub.domain`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.domain.config import CenterConfig
from hub.domain.decide import RATING_LEVELS
from hub.domain.state import DONE, NO_SHOW, SUSPENDED, CenterState, Ticket
from hub.read import views

# 满意率 counts 基本满意 and better as satisfied (DOMAIN.md, Words).
SATISFIED_LEVEL = 3


def staff_name(config: CenterConfig, username: str | None, display_name: str = "") -> str:
    """The clerk's name as the center publishes it (staff card), else the account's."""
    if not username:
        return ""
    for entry in config.staff:
        if entry.get("username") == username and entry.get("name"):
            return str(entry["name"])
    return display_name or username


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


def ticket_detail(state: CenterState, config: CenterConfig, ticket: Ticket) -> dict[str, Any]:
    """A ticket as the clerk sees it: the shared view plus its times and who serves it."""
    view = views.ticket_view(state, config, ticket)
    view.update({
        "called_at": _iso(ticket.called_at),
        "started_at": _iso(ticket.started_at),
        "completed_at": _iso(ticket.completed_at),
        # How long the citizen waited before being called (from taking the ticket).
        "waited_seconds": _seconds(ticket.issued_at, ticket.called_at),
        "clerk": ticket.clerk,
        "clerk_name": staff_name(config, ticket.clerk),
        "first_clerk": ticket.first_clerk,
        "transfers": ticket.transfers,
        "rating": ticket.rating,
        # The window it was last at (kept for suspended and absent tickets too).
        "last_window": ticket.window,
        # Staff-only texts (never on public screens): the transfer note, why it is held.
        "note": ticket.note,
        "hold_reason": ticket.hold_reason,
    })
    return view


def window_detail(
    state: CenterState, config: CenterConfig, window_id: int, now: datetime
) -> dict[str, Any]:
    """One window for its clerk: state, current ticket with its times, and the tickets
    held at it (挂起 waiting to be resumed, 过号 that may be reinstated)."""
    today = views.is_today(state, config, now)
    window_state = state.windows[window_id]
    view = views.window_view(state, config, window_state, today)
    current = state.tickets.get(window_state.ticket) if today and window_state.ticket else None
    view["ticket"] = ticket_detail(state, config, current) if current else None
    view["clerk_name"] = staff_name(config, view["clerk"])
    suspended: list[dict[str, Any]] = []
    absent: list[dict[str, Any]] = []
    if today:
        for ticket in state.tickets.values():
            if ticket.window != window_id:
                continue
            if ticket.status == SUSPENDED:
                suspended.append(ticket_detail(state, config, ticket))
            elif ticket.status == NO_SHOW:
                absent.append(ticket_detail(state, config, ticket))
    return {"now": now.isoformat(), "window": view, "suspended": suspended, "no_show": absent}


def clerk_day(
    state: CenterState, config: CenterConfig, clerk: str, now: datetime
) -> dict[str, Any]:
    """Today's own counters of `clerk`: served, absent, transferred, average handling
    time and the ratings of the tickets the clerk completed."""
    served = no_shows = transferred = 0
    handling: list[float] = []
    levels = dict.fromkeys(sorted(RATING_LEVELS, reverse=True), 0)
    if views.is_today(state, config, now):
        for ticket in state.tickets.values():
            if ticket.first_clerk == clerk and ticket.transfers:
                transferred += 1
            if ticket.clerk != clerk:
                continue
            if ticket.status == DONE:
                served += 1
                began = ticket.started_at or ticket.called_at
                if began is not None and ticket.completed_at is not None:
                    handling.append((ticket.completed_at - began).total_seconds())
                if ticket.rating in levels:
                    levels[ticket.rating] += 1
            elif ticket.status == NO_SHOW:
                no_shows += 1
    rated = sum(levels.values())
    satisfied = sum(count for level, count in levels.items() if level >= SATISFIED_LEVEL)
    return {
        "now": now.isoformat(),
        "clerk": clerk,
        "served": served,
        "no_shows": no_shows,
        "transferred": transferred,
        "average_handling_seconds": round(sum(handling) / len(handling)) if handling else None,
        "ratings": {
            "count": rated,
            "levels": {str(level): count for level, count in levels.items()},
            "average": round(sum(lv * n for lv, n in levels.items()) / rated, 2) if rated else None,
            "satisfaction_rate": round(satisfied / rated, 4) if rated else None,
        },
    }


def responsible_for(
    state: CenterState, config: CenterConfig, clerk: str, now: datetime
) -> list[dict[str, Any]]:
    """The tickets `clerk` received first and that were transferred on (首问负责), each
    with where it is now: waiting (people ahead), called or served at which window,
    suspended, or completed. Newest first."""
    if not views.is_today(state, config, now):
        return []
    found = [
        ticket for ticket in state.tickets.values()
        if ticket.first_clerk == clerk and ticket.transfers
    ]
    found.sort(key=lambda t: t.issued_at, reverse=True)
    return [ticket_detail(state, config, ticket) for ticket in found]
