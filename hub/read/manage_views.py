"""Read models of the manager's dashboard: the live overview and the 督查 lists.

Pure functions of a center's state and the moment, like `hub.read.views`. These go to
managers and admins only (the routes check): they show the complainant's name
and phone in full, which nothing else does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.domain.calendar import business_day
from hub.domain.state import CALLED, DONE, NO_SHOW, SERVING, WAITING, CenterState
from hub.domain.supervision import (
    CallBackSample,
    Complaint,
    FollowUp,
    complaint_overdue,
    follow_up_overdue,
    followed_up_in_time,
)
from hub.read import reports, views


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def _seconds(start: datetime | None, end: datetime) -> int | None:
    return max(0, round((end - start).total_seconds())) if start else None


def overview(state: CenterState, now: datetime) -> dict[str, Any]:
    """Where the hall stands now, and today's figures and charts."""
    config = state.config
    assert config is not None
    today = views.is_today(state, config, now)
    tickets = list(state.tickets.values()) if today else []
    services = []
    for service in config.services:
        mine = [t for t in tickets if t.service == service.id]
        waiting = [t for t in mine if t.status == WAITING]
        services.append({
            "id": service.id, "prefix": service.prefix, "name": service.name.to_dict(),
            "waiting": len(waiting),
            "longest_wait_seconds": max((_seconds(t.issued_at, now) or 0 for t in waiting),
                                        default=0),
            "eta_minutes": (views.eta_minutes(wait := views.wait_view(
                state, config, service.id, len(waiting), now)) or 0) if today else 0,
            "wait": wait if today else None,
            "issued": state.issued.get(service.id, 0) if today else 0,
            "served": sum(1 for t in mine if t.status == DONE),
            "threshold_minutes": service.wait_alert_minutes,
        })
    windows = []
    served_by_window: dict[int, int] = {}
    for ticket in tickets:
        if ticket.status == DONE and ticket.window is not None:
            served_by_window[ticket.window] = served_by_window.get(ticket.window, 0) + 1
    for window_state in state.windows.values():
        view = views.window_view(state, config, window_state, today)
        current = state.tickets.get(window_state.ticket or "") if today else None
        view["clerk_name"] = reports.staff_name(config, view["clerk"]) if view["clerk"] else ""
        view["served"] = served_by_window.get(window_state.id, 0)
        view["since_seconds"] = _seconds(window_state.since, now) if today else None
        if current is not None:
            view["ticket"] = {
                "id": current.id, "number": current.number, "service": current.service,
                "status": current.status, "called_at": _iso(current.called_at),
                "started_at": _iso(current.started_at),
                "for_seconds": _seconds(current.started_at or current.called_at, now),
            }
        windows.append(view)
    waits = [(t.called_at - t.issued_at).total_seconds() for t in tickets if t.called_at]
    rated = [t.rating for t in tickets if t.rating is not None]
    per_hour: dict[int, int] = {}
    for ticket in tickets:
        hour = ticket.issued_at.astimezone(config.tz).hour
        per_hour[hour] = per_hour.get(hour, 0) + 1
    hours = range(config.hours.opening.hour - 1, config.hours.closing.hour + 1)
    return {
        "seq": state.seq,
        "now": now.isoformat(),
        "business_day": business_day(config, now).isoformat(),
        "center_name": config.name.to_dict(),
        "services": services,
        "windows": windows,
        "today": {
            "issued": len(tickets),
            "waiting": sum(1 for t in tickets if t.status == WAITING),
            "in_service": sum(1 for t in tickets if t.status in (CALLED, SERVING)),
            "served": sum(1 for t in tickets if t.status == DONE),
            "no_shows": sum(1 for t in tickets if t.status == NO_SHOW),
            # 未办结 at the close-out, with the reason the manager sees.
            "closed_out": [
                {"number": t.number, "service": t.service, "reason": state.closed_out.get(t.id, "")}
                for t in tickets if t.id in state.closed_out
            ],
            "rated": len(rated),
            "satisfaction_rate": round(sum(1 for r in rated if r >= reports.SATISFIED)
                                       / len(rated), 4) if rated else None,
            "wait_mean_seconds": reports.mean(waits),
            "per_hour": [{"hour": h, "tickets": per_hour.get(h, 0)} for h in hours],
            "wait_buckets": reports.wait_buckets(waits),
        },
        "supervision": supervision_counts(state, now),
    }


def supervision_counts(state: CenterState, now: datetime) -> dict[str, int]:
    assert state.config is not None
    day = business_day(state.config, now)
    complaints = state.supervision.complaints.values()
    follow_ups = state.supervision.follow_ups.values()
    return {
        "complaints_open": sum(1 for c in complaints if c.status != "closed"),
        "complaints_overdue": sum(1 for c in complaints if complaint_overdue(c, day)),
        "follow_ups_open": sum(1 for f in follow_ups if f.status != "closed"),
        "follow_ups_overdue": sum(1 for f in follow_ups if follow_up_overdue(f, day)),
    }


def complaint_view(state: CenterState, complaint: Complaint, now: datetime) -> dict[str, Any]:
    """A complaint in full, complainant included: for managers and admins only."""
    assert state.config is not None
    window = state.config.window(complaint.subject_window or 0)
    return {
        "id": complaint.id, "code": complaint.code, "channel": complaint.channel,
        "text": complaint.text, "deadline_class": complaint.deadline_class,
        "received_at": complaint.received_at.isoformat(),
        "due_on": complaint.due_on.isoformat(),
        "overdue": complaint_overdue(complaint, business_day(state.config, now)),
        "subject": {
            "window": complaint.subject_window,
            "window_name": window.name.to_dict() if window else None,
            "clerk": complaint.subject_clerk,
            "clerk_name": reports.staff_name(state.config, complaint.subject_clerk)
            if complaint.subject_clerk else None,
            "ticket": complaint.subject_ticket, "number": complaint.subject_number,
        },
        "complainant": complaint.complainant, "phone": complaint.phone,
        "status": complaint.status, "assignee": complaint.assignee,
        "answer": complaint.answer, "answered_on": _iso(complaint.answered_on),
        "answered_in_time": complaint.answered_on is not None
        and complaint.answered_on <= complaint.due_on,
        "closed_at": _iso(complaint.closed_at), "note": complaint.note,
    }


def follow_up_view(state: CenterState, follow_up: FollowUp, now: datetime) -> dict[str, Any]:
    assert state.config is not None
    service = state.config.service(follow_up.service)
    window = state.config.window(follow_up.window)
    return {
        "id": follow_up.id, "number": follow_up.number, "service": follow_up.service,
        "service_name": service.name.to_dict() if service else None,
        "window": follow_up.window, "window_name": window.name.to_dict() if window else None,
        "clerk": follow_up.clerk, "clerk_name": reports.staff_name(state.config, follow_up.clerk),
        "level": follow_up.level, "aspects": list(follow_up.aspects), "reason": follow_up.reason,
        "rated_at": follow_up.rated_at.isoformat(), "due_on": follow_up.due_on.isoformat(),
        "overdue": follow_up_overdue(follow_up, business_day(state.config, now)),
        "status": follow_up.status, "assignee": follow_up.assignee,
        "call_back": follow_up.call_back, "rectification": follow_up.rectification,
        "answered_on": _iso(follow_up.answered_on),
        "in_time": followed_up_in_time(follow_up), "closed_at": _iso(follow_up.closed_at),
    }


def sample_view(state: CenterState, sample: CallBackSample) -> dict[str, Any]:
    assert state.config is not None
    entries = []
    for entry in sample.entries:
        outcome = sample.outcomes.get(entry["ticket"])
        window = state.config.window(entry.get("window") or 0)
        service = state.config.service(entry.get("service") or "")
        entries.append({
            **entry,
            "service_name": service.name.to_dict() if service else None,
            "window_name": window.name.to_dict() if window else None,
            "clerk_name": reports.staff_name(state.config, entry.get("clerk") or ""),
            "outcome": outcome[0] if outcome else None,
            "note": outcome[1] if outcome else "", "called_by": outcome[2] if outcome else None,
        })
    return {"id": sample.id, "drawn_at": sample.drawn_at.isoformat(),
            "business_day": sample.business_day.isoformat(), "entries": entries,
            "done": sum(1 for e in entries if e["outcome"]), "size": len(entries)}
