"""Read models: what pages and devices see of a center's state, as JSON-ready dicts.

Pure functions of the state and the moment. Nothing here shows a full name
or an ID number; phone numbers are masked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.domain.calendar import business_day
from hub.domain.config import CenterConfig, Service
from hub.domain.decide import issue_availability
from hub.domain.estimate import ServiceWaits, state_now, wait_estimate
from hub.domain.routing import (
    ahead_of,
    candidate_count,
    candidates,
    next_ticket,
    position_key,
    window_queue_key,
)
from hub.domain.state import NO_SHOW, CenterState, Ticket, WindowState


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise, not enough to misuse."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """张* / 欧阳** : the family name only."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def is_today(state: CenterState, config: CenterConfig, now: datetime) -> bool:
    return state.business_day == business_day(config, now)


def staff_card(config: CenterConfig, username: str | None, window: int) -> dict[str, str]:
    """The 政务公开 card of the clerk on duty: name and post, as configured for display."""
    for entry in config.staff:
        if username and entry.get("username") == username:
            return {"name": entry["name"], "post": entry["post"], "photo": entry["photo"]}
    if username is None:
        return {}
    for entry in config.staff:
        if entry.get("window") == str(window) and not entry.get("username"):
            return {"name": entry["name"], "post": entry["post"], "photo": entry["photo"]}
    return {"name": "", "post": "", "photo": ""}


def wait_view(
    state: CenterState, config: CenterConfig, service_id: str, ahead: int,
    now: datetime | None = None, *, overtaken: bool = True,
    waits: dict[str, ServiceWaits] | None = None,
) -> dict[str, Any]:
    """The honest wait of one place in a queue, as every screen shows it:
    {state, minutes, low, high, resumes_at, after_closing, as_of}. `state` is
    "now" (a window serving it is open and idle: 马上办理), "queue" (about
    `minutes`, between `low` and `high`), "no_window" (nobody staffed for it:
    暂无窗口办理，请咨询导服台 — no number), "resumes" (lunch or before opening:
    from `resumes_at`, then about `minutes` from now) or "closed" (no estimate).
    `waits`: each service's waits at this moment, worked out once for the views of
    many tickets of one state (a window's waiting list), filled in as needed."""
    moment = now or state_now(state, config)
    if waits is None:
        found = wait_estimate(state, config, service_id, ahead, moment, overtaken=overtaken)
    else:
        service_waits = waits.get(service_id)
        if service_waits is None:
            service_waits = waits[service_id] = ServiceWaits(state, config, service_id, moment)
        found = service_waits.at(ahead, overtaken=overtaken)
    return {**found.to_dict(), "as_of": moment.isoformat()}


def eta_minutes(wait: dict[str, Any]) -> int | None:
    """The single number of a wait, for old clients: None when there is none."""
    minutes = wait.get("minutes")
    return minutes if isinstance(minutes, int) else None


def ticket_view(
    state: CenterState, config: CenterConfig, ticket: Ticket, now: datetime | None = None,
    *, waits: dict[str, ServiceWaits] | None = None,
) -> dict[str, Any]:
    """One ticket as staff see it (`waits`: shared by the views of one state at one
    moment, see `wait_view`)."""
    ahead = ahead_of(state, config, ticket) if ticket.status == "waiting" else 0
    window = config.window(ticket.window) if ticket.window else None
    wait = (
        wait_view(state, config, ticket.service, ahead, now, overtaken=ticket.priority is None
                  and ticket.due_at is None, waits=waits)
        if ticket.status == "waiting"
        else None
    )
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service": ticket.service,
        "status": ticket.status,
        "ahead": ahead,
        "eta_minutes": eta_minutes(wait) if wait else 0,
        "wait": wait,
        "window": ticket.window if ticket.status in ("called", "serving", "done") else None,
        "window_name": window.name.zh
        if window and ticket.status in ("called", "serving", "done")
        else None,
        "issued_at": ticket.issued_at.isoformat(),
        "priority": ticket.priority,
        "appointment": ticket.appointment is not None,
        "recall_count": ticket.recall_count,
        "transferred": ticket.transfers > 0,
        "target_window": ticket.target_window,
    }


def public_ticket(
    state: CenterState, config: CenterConfig, ticket: Ticket, now: datetime | None = None
) -> dict[str, Any]:
    """What the phone page of a ticket may show: no personal data."""
    view = ticket_view(state, config, ticket, now)
    service = config.service(ticket.service)
    return {
        "id": view["id"],
        "number": view["number"],
        "status": view["status"],
        "ahead": view["ahead"],
        "eta_minutes": view["eta_minutes"],
        "wait": view["wait"],
        # 未办结 at closing: why, and the appointment it was carried to (the holder's own).
        "closed_out": _closed_out(state, ticket),
        "window": view["window"],
        "window_name": view["window_name"],
        "service": ticket.service,
        "service_name": service.name.to_dict() if service else None,
        "guide": service.guide.to_dict() if service else None,
        "issued_at": view["issued_at"],
        "center": config.id,
        "center_name": config.name.to_dict(),
        "seq": state.seq,
    }


def _closed_out(state: CenterState, ticket: Ticket) -> dict[str, Any] | None:
    reason = state.closed_out.get(ticket.id)
    if reason is None:
        return None
    carried = state.carried.get(ticket.id)
    return {
        "reason": reason,
        "appointment": {"code": carried[0], "day": carried[1].isoformat(), "slot": carried[2]}
        if carried else None,
    }


def service_view(
    state: CenterState, config: CenterConfig, service: Service, now: datetime
) -> dict[str, Any]:
    today = is_today(state, config, now)
    waiting = state.waiting_count(service.id) if today else 0
    open_now = issue_availability(state, config, service, now)
    # The wait of a ticket taken now (nobody waits on another day: from opening).
    wait = wait_view(state, config, service.id, waiting, now)
    return {
        "id": service.id,
        "prefix": service.prefix,
        "name": service.name.to_dict(),
        "category": service.category.to_dict(),
        "open": open_now.open,
        "closed_reason": open_now.reason,
        "opens_at": open_now.opens_at.isoformat() if open_now.opens_at else None,
        "guide": service.guide.to_dict(),
        "waiting": waiting,
        "eta_minutes": eta_minutes(wait) if today else 0,
        "wait": wait,
        "appointments": service.appointment_capacity > 0,
    }


def services_view(state: CenterState, now: datetime) -> list[dict[str, Any]]:
    config = state.config
    assert config is not None
    return [service_view(state, config, service, now) for service in config.services]


def window_view(
    state: CenterState, config: CenterConfig, window: WindowState, today: bool,
    now: datetime | None = None,
) -> dict[str, Any]:
    configured = config.window(window.id)
    assert configured is not None
    ticket = state.tickets.get(window.ticket) if today and window.ticket else None
    clerk = window.clerk if today else None
    return {
        "id": window.id,
        "name": configured.name.to_dict(),
        "services": list(configured.service_ids),
        "state": window.state if today else "closed",
        "reason": window.reason if today else None,
        "since": window.since.isoformat() if today and window.since else None,
        "clerk": clerk,
        "staff": staff_card(config, clerk, window.id),
        "ticket": ticket_view(state, config, ticket, now) if ticket else None,
    }


def snapshot(state: CenterState, now: datetime) -> dict[str, Any]:
    """The whole public picture of a center: the `/state` answer and a resync snapshot."""
    config = state.config
    assert config is not None
    today = is_today(state, config, now)
    return {
        "seq": state.seq,
        "center": config.id,
        "center_name": config.name.to_dict(),
        "business_day": business_day(config, now).isoformat(),
        "services": [
            {
                "id": s["id"],
                "prefix": s["prefix"],
                "name": s["name"],
                "waiting": s["waiting"],
                "eta_minutes": s["eta_minutes"],
                "wait": s["wait"],
                "open": s["open"],
            }
            for s in services_view(state, now)
        ],
        "windows": [
            window_view(state, config, window, today, now) for window in state.windows.values()
        ],
        "recent_calls": list(state.recent_calls) if today else [],
        "display": {
            "complaint_phone": config.complaint_phone,
            "promises": list(config.promises),
            "notice": config.notice.to_dict(),
        },
        # Screens show the hub's time, never their own PC's: the hub's now, and its zone.
        "now": now.astimezone(config.tz).isoformat(),
        "timezone": config.timezone,
        "no_shows": no_show_numbers(state) if today else [],
        "window_queues": window_queues(state, now) if today else {},
    }


NO_SHOWS_SHOWN = 8  # the 过号 list of the hall screen: a handful, newest first


def no_show_numbers(state: CenterState) -> list[str]:
    """Today's tickets marked absent (过号) and not reinstated, newest call first:
    numbers only, so a citizen who missed the call knows to ask at a window."""
    missed = [t for t in state.tickets.values() if t.status == NO_SHOW]
    missed.sort(key=lambda t: (t.called_at or t.issued_at, t.order), reverse=True)
    return [t.number for t in missed[:NO_SHOWS_SHOWN]]


def window_queues(
    state: CenterState, now: datetime, windows: set[int] | None = None
) -> dict[str, dict[str, Any]]:
    """For each window (or each of `windows`): how many tickets it could call and the
    number it would call next, by the hub's routing (the window screen shows both)."""
    config = state.config
    assert config is not None
    found: dict[str, dict[str, Any]] = {}
    # Windows serving the same services with the same weights, on the same priority
    # streak and with no tickets sent to them by name, would call the same ticket:
    # it is looked for once (a pass over all their waiting tickets), not per window.
    alike: dict[Any, Any] = {}
    for window in config.windows:
        if (windows is not None and window.id not in windows) or window.id not in state.windows:
            continue
        own = len(state.waiting.get(window_queue_key(window.id), ()))
        waiting = candidate_count(state, window)
        if not waiting:
            upcoming = None
        elif own:
            upcoming = next_ticket(state, config, window, now)
        else:
            key = (window.services, state.windows[window.id].priority_streak)
            if key not in alike:
                alike[key] = next_ticket(state, config, window, now)
            upcoming = alike[key]
        found[str(window.id)] = {"waiting": waiting,
                                 "next": upcoming.number if upcoming else None}
    return found


def windows_touched(
    config: CenterConfig | None, services: set[str], named: set[int]
) -> set[int]:
    """The windows whose queue an event touching `services` (and naming `named`) changed."""
    if config is None:
        return set()
    return {w.id for w in config.windows if named & {w.id} or set(w.service_ids) & services}


def clerk_name(state: CenterState, username: str | None) -> str:
    """The name the center publishes for a clerk (staff card, else the account's display
    name); never the login, which public screens must not show."""
    if not username:
        return ""
    config = state.config
    if config is not None:
        for entry in config.staff:
            if entry.get("username") == username and entry.get("name"):
                return str(entry["name"])
    account = state.users.get(username)
    return account.display_name if account and account.display_name else UNNAMED_CLERK


UNNAMED_CLERK = "工作人员"  # a clerk the center publishes no name for


def public_reason(config: CenterConfig, reason: str | None) -> str | None:
    """A pause reason a public screen may show: only one of the configured reasons
    (午休, 会议 …); what a clerk typed otherwise stays with staff and managers."""
    if reason and reason in config.queue.pause_reasons:
        return reason
    return None


PUBLIC_TICKET_FIELDS = ("number", "service", "status", "recall_count", "window")
PUBLIC_CALL_FIELDS = ("seq", "type", "at", "number", "service", "window", "window_name",
                      "recall_count")


def public_snapshot(state: CenterState, now: datetime) -> dict[str, Any]:
    """The picture of a center a public screen or a citizen's phone may have: numbers
    and windows, never a ticket's id, a clerk's login or free text (a whitelist)."""
    config = state.config
    assert config is not None
    full = snapshot(state, now)
    windows = []
    for window in full["windows"]:
        ticket = window["ticket"]
        windows.append({
            "id": window["id"],
            "name": window["name"],
            "services": window["services"],
            "state": window["state"],
            "reason": public_reason(config, window["reason"]),
            "since": window["since"],
            "clerk": clerk_name(state, window["clerk"]) if window["clerk"] else None,
            "staff": window["staff"],
            "ticket": {k: ticket[k] for k in PUBLIC_TICKET_FIELDS} if ticket else None,
        })
    full["windows"] = windows
    full["recent_calls"] = [
        {k: call[k] for k in PUBLIC_CALL_FIELDS if k in call} for call in full["recent_calls"]
    ]
    return full


def waiting_list(
    state: CenterState, config: CenterConfig, window_id: int, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The tickets a window could call, in the order it would call them (roughly)."""
    window = config.window(window_id)
    if window is None:
        return []
    tickets = sorted(candidates(state, window), key=lambda t: position_key(config, t))
    moment = now or state_now(state, config)
    waits: dict[str, ServiceWaits] = {}  # one profile per service, not one per ticket
    # Staff only (the route checks): the transfer note travels with the ticket here.
    return [{**ticket_view(state, config, t, moment, waits=waits), "note": t.note}
            for t in tickets]


def queue_summary(
    state: CenterState, services: set[str], now: datetime | None = None
) -> dict[str, dict[str, Any]]:
    """Waiting count and estimated wait (of a ticket taken now) of each of
    `services`, for a pushed event."""
    config = state.config
    assert config is not None
    summary = {}
    for service_id in sorted(services):
        if config.service(service_id) is None:
            continue
        waiting = state.waiting_count(service_id)
        wait = wait_view(state, config, service_id, waiting, now)
        summary[service_id] = {
            "waiting": waiting,
            "eta_minutes": eta_minutes(wait),
            "wait": wait,
        }
    return summary


STAFFING_EVENTS = ("clerk_signed_in", "clerk_signed_out", "window_paused", "window_opened")


def staffing_services(state: CenterState, event: Any) -> set[str]:
    """The services whose waits a window's staffing change moves: those it serves."""
    if getattr(event, "type", "") not in STAFFING_EVENTS or state.config is None:
        return set()
    window = state.config.window(getattr(event, "window", 0))
    return set(window.service_ids) if window else set()


def progress(
    state: CenterState, services: set[str], wanted: set[str], now: datetime | None = None
) -> list[dict[str, Any]]:
    """Where each wanted ticket of `services` now stands: its number, status, people
    ahead and estimated wait (for the phone pages following those tickets)."""
    config = state.config
    assert config is not None
    answers = []
    moment = now or state_now(state, config)
    waits: dict[str, ServiceWaits] = {}  # one profile per service, as `waiting_list`
    for service_id in services:
        # The followed tickets of this queue, each placed by the queue's order index (a
        # bisection), not by sorting the whole queue at every push.
        queue = state.waiting.get(service_id, {})
        placed = sorted((ahead_of(state, config, state.tickets[ticket_id]), ticket_id)
                        for ticket_id in wanted if ticket_id in queue)
        for ahead, ticket_id in placed:
            ticket = state.tickets[ticket_id]
            wait = wait_view(state, config, service_id, ahead, moment, waits=waits,
                             overtaken=ticket.priority is None and ticket.due_at is None)
            answers.append({
                "id": ticket.id, "number": ticket.number, "status": ticket.status,
                "ahead": ahead, "eta_minutes": eta_minutes(wait), "wait": wait,
            })
    return answers
