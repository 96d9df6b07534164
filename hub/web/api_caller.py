"""REST for the clerk's caller page, under /api/v1/me: who I am, my window, my day.

Translators only: each route checks who asks, reads the center's state under its
lock and hands it to a pure read model (`hub.read.clerk_stats`, `hub.read.views`). The
actions themselves are `POST /api/v1/windows/{window}/{action}` in `hub.web.api`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from hub.center import Center
from hub.domain.state import CenterState
from hub.read import clerk_stats, views
from hub.store.auth import STAFF, Principal
from hub.web.api import center_for, no_store, require

caller_api = Blueprint("caller_api", __name__, url_prefix="/api/v1")


def _clerk() -> tuple[Principal, Center]:
    """The signed-in staff member asking and their own center (devices are refused)."""
    who = require(*STAFF)
    return who, center_for(who)


def _answer(data: Any) -> Response:
    return no_store(jsonify(data))


@caller_api.get("/me")
def me() -> Any:
    """Who I am, the windows of my center (and which I may serve, who is at each), its
    services, priority classes, pause reasons and staff names, and my window."""
    who, center = _clerk()
    now = center.clock()

    def read(state: CenterState) -> dict[str, Any]:
        config = state.config
        assert config is not None
        today = views.is_today(state, config, now)
        windows = []
        for window_state in state.windows.values():
            view = views.window_view(state, config, window_state, today)
            windows.append({
                "id": view["id"], "name": view["name"], "services": view["services"],
                "state": view["state"], "reason": view["reason"], "clerk": view["clerk"],
                "clerk_name": clerk_stats.staff_name(config, view["clerk"]),
                "allowed": who.may_serve(view["id"]),
            })
        return {
            "username": who.name,
            "name": clerk_stats.staff_name(config, who.name, who.display_name),
            "role": who.role,
            "center": config.id,
            "center_name": config.name.to_dict(),
            "window": state.clerk_window.get(who.name) if today else None,
            "windows": windows,
            "services": [
                {"id": s.id, "prefix": s.prefix, "name": s.name.to_dict()}
                for s in config.services
            ],
            "priority_classes": [
                {"id": p.id, "name": p.name.to_dict()} for p in config.priority_classes
            ],
            "pause_reasons": list(config.queue.pause_reasons),
            # Colleagues' published names (政务公开 cards), to say who took over a window.
            "staff": {entry["username"]: entry["name"] for entry in config.staff
                      if entry.get("username")},
            "now": now.isoformat(),
            "seq": state.seq,
        }

    return _answer(center.read(read))


@caller_api.get("/me/window")
def my_window() -> Any:
    """The window I am signed in to, in detail (current ticket with its times, tickets
    suspended or absent at it); `window: null` when I am not signed in anywhere."""
    who, center = _clerk()
    now = center.clock()

    def read(state: CenterState) -> dict[str, Any]:
        config = state.config
        assert config is not None
        window = state.clerk_window.get(who.name)
        if window is None or not views.is_today(state, config, now):
            return {"now": now.isoformat(), "window": None, "suspended": [], "no_show": [],
                    "seq": state.seq}
        return {**clerk_stats.window_detail(state, config, window, now), "seq": state.seq}

    return _answer(center.read(read))


@caller_api.get("/me/today")
def my_day() -> Any:
    """Today's own counters: served, absent, transferred, average handling, ratings."""
    who, center = _clerk()
    now = center.clock()

    def read(state: CenterState) -> dict[str, Any]:
        assert state.config is not None
        return {**clerk_stats.clerk_day(state, state.config, who.name, now), "seq": state.seq}

    return _answer(center.read(read))


@caller_api.get("/me/transfers")
def my_transfers() -> Any:
    """The tickets I received first and transferred on today, and where each is now."""
    who, center = _clerk()
    now = center.clock()

    def read(state: CenterState) -> dict[str, Any]:
        assert state.config is not None
        tickets = clerk_stats.responsible_for(state, state.config, who.name, now)
        return {"now": now.isoformat(), "tickets": tickets, "seq": state.seq}

    return _answer(center.read(read))
