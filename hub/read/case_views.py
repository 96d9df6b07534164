"""Read models of cases (办件) and 一次性告知: what staff see, and what the citizen's
phone may see (no names, no notes, no phone), and the lists staff filter.

Pure functions of a center's state and the moment; the routes are in hub/web/api_cases.py.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hub.domain import cases as cs
from hub.domain.calendar import business_day
from hub.domain.config import CenterConfig
from hub.domain.state import CenterState
from hub.read.clerk_stats import staff_name
from hub.read.views import mask_phone

SHOWS = ("open", "due_soon", "overdue", "mine", "done", "all")


def _service_name(config: CenterConfig, service_id: str) -> dict[str, str]:
    service = config.service(service_id)
    return service.name.to_dict() if service else {"zh": service_id, "en": service_id}


def _stages(config: CenterConfig, case: cs.Case, public: bool) -> list[dict[str, Any]]:
    reached_at: dict[str, str] = {}
    for entry in case.history:
        if entry.get("stage") and entry["what"] in ("opened", "stage"):
            reached_at.setdefault(entry["stage"], entry["at"])
    here = case.stages.index(case.stage)
    return [{"id": stage, "name": config.cases.stage_name(stage).to_dict(),
             "reached": i <= here, "at": reached_at.get(stage)}
            for i, stage in enumerate(case.stages)]


def _standing(config: CenterConfig, case: cs.Case, today: date) -> dict[str, Any]:
    promised = case.kind == "promised"
    return {
        "days_left": cs.working_days_left(config.hours, today, case.due_on)
        if promised and not cs.is_done(case) else None,
        "due_soon": promised and cs.is_due_soon(case, config.hours, today,
                                                config.cases.due_soon_days),
        "overdue": promised and cs.is_overdue(case, today),
        "on_time": cs.on_time(case) if cs.is_done(case) else None,
    }


def case_view(state: CenterState, case: cs.Case, now: datetime) -> dict[str, Any]:
    """A case in full for staff: holder, history with who and notes; the phone masked."""
    config = state.config
    assert config is not None
    today = business_day(config, now)
    return {
        "id": case.id, "number": case.number, "kind": case.kind, "service": case.service,
        "service_name": _service_name(config, case.service),
        "stage": case.stage, "stage_name": config.cases.stage_name(case.stage).to_dict(),
        "stages": _stages(config, case, public=False),
        "opened_at": case.opened_at.isoformat(), "opened_on": case.opened_on.isoformat(),
        "due_on": case.due_on.isoformat(), "days": case.days,
        **_standing(config, case, today),
        "done_on": case.done_on.isoformat() if case.done_on else None,
        "closed": case.closed, "holder": case.holder,
        "holder_name": staff_name(config, case.holder, _display(state, case.holder)),
        "agent": case.agent, "ticket_number": case.ticket_number,
        "phone": mask_phone(case.phone) if case.phone else "",
        "history": [{
            "at": entry["at"], "what": entry["what"], "stage": entry.get("stage"),
            "by": entry["by"], "by_name": staff_name(config, entry["by"],
                                                     _display(state, entry["by"])),
            "holder": entry.get("holder"), "agent": entry.get("agent"),
            "note": entry.get("note") or "",
        } for entry in case.history],
    }


def public_case(state: CenterState, case: cs.Case, now: datetime) -> dict[str, Any]:
    """What the citizen's phone shows: the stage, the due day and the history, no names."""
    config = state.config
    assert config is not None
    today = business_day(config, now)
    standing = _standing(config, case, today)
    return {
        "number": case.number, "kind": case.kind,
        "service_name": _service_name(config, case.service),
        "stage": case.stage, "stage_name": config.cases.stage_name(case.stage).to_dict(),
        "stages": _stages(config, case, public=True),
        "opened_on": case.opened_on.isoformat(), "due_on": case.due_on.isoformat(),
        "days_left": standing["days_left"], "overdue": standing["overdue"],
        "done_on": case.done_on.isoformat() if case.done_on else None, "closed": case.closed,
        "agent": case.agent,
        "history": [{"at": entry["at"], "what": entry["what"], "stage": entry.get("stage"),
                     "stage_name": config.cases.stage_name(entry["stage"]).to_dict()
                     if entry.get("stage") else None}
                    for entry in case.history if entry["what"] in ("opened", "stage", "handed")],
        "center_name": config.name.to_dict(), "complaint_phone": config.complaint_phone,
    }


def _display(state: CenterState, username: str) -> str:
    user = state.users.get(username)
    return user.display_name if user else ""


def selected(state: CenterState, show: str, me: str, now: datetime) -> list[cs.Case]:
    config = state.config
    assert config is not None
    today = business_day(config, now)
    within = config.cases.due_soon_days
    chosen = {
        "open": lambda c: not c.closed,
        "due_soon": lambda c: c.kind == "promised" and cs.is_due_soon(c, config.hours, today,
                                                                       within),
        "overdue": lambda c: c.kind == "promised" and cs.is_overdue(c, today),
        "mine": lambda c: c.holder == me and not c.closed,
        "done": lambda c: cs.is_done(c),
        "all": lambda c: True,
    }[show]
    found = [c for c in state.cases.cases.values() if chosen(c)]
    return sorted(found, key=lambda c: (cs.is_done(c), c.due_on, c.number))


def case_list(state: CenterState, show: str, me: str, now: datetime,
              limit: int = 200) -> dict[str, Any]:
    config = state.config
    assert config is not None
    counts = {name: len(selected(state, name, me, now))
              for name in ("open", "due_soon", "overdue", "mine")}
    return {
        "seq": state.seq, "now": now.isoformat(),
        "today": business_day(config, now).isoformat(), "show": show, "counts": counts,
        "cases": [case_view(state, c, now) for c in selected(state, show, me, now)[:limit]],
        "services": [{
            "id": s.id, "name": s.name.to_dict(), "days": config.cases.days_for(s.id),
            "stages": [{"id": stage, "name": config.cases.stage_name(stage).to_dict()}
                       for stage in config.cases.stages_for(s.id)],
            "materials": list(s.guide.materials)} for s in config.services],
        "staff": [{"username": u.name, "name": staff_name(config, u.name, u.display_name),
                   "role": u.role} for u in sorted(state.users.values(), key=lambda u: u.name)
                  if u.active],
        "due_soon_days": config.cases.due_soon_days,
    }


def notice_text(config: CenterConfig, notice: cs.MaterialsNotice) -> dict[str, str]:
    """The 一次性告知 as printed or shown: every missing material, once."""
    items = list(notice.materials) + ([notice.other] if notice.other else [])
    service = config.service(notice.service)
    name = service.name if service else None
    zh = (f"一次性告知书\n{config.name.zh}\n事项：{name.zh if name else notice.service}"
          f"\n号码：{notice.ticket_number}\n请补齐以下材料后再来办理：\n"
          + "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1)))
    en = (f"Notice of missing materials\n{config.name.en or config.name.zh}\nService: "
          f"{(name.en or name.zh) if name else notice.service}\nTicket: {notice.ticket_number}"
          "\nPlease bring the following and come again:\n"
          + "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1)))
    return {"zh": zh, "en": en}


def notice_view(state: CenterState, notice: cs.MaterialsNotice) -> dict[str, Any]:
    config = state.config
    assert config is not None
    return {
        "id": notice.id, "service": notice.service,
        "service_name": _service_name(config, notice.service),
        "ticket_number": notice.ticket_number, "materials": list(notice.materials),
        "other": notice.other, "given_at": notice.given_at.isoformat(), "by": notice.by,
        "phone": mask_phone(notice.phone) if notice.phone else "",
        "notified": bool(notice.phone), "text": notice_text(config, notice),
    }
