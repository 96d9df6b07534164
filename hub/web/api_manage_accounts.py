"""Staff accounts and devices in the dashboard (routes of `hub.web.api_manage.manage_api`).

Managers and admins only, like the rest of the dashboard; only an admin creates or
changes an admin, and nobody demotes or disables themselves. Passwords are hashed
and device tokens hashed before they reach the journal (`hub.domain.accounts`);
a new device's token is in the answer once and nowhere else.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from hub.domain.accounts import DEVICE_ROLES, USER_ROLES
from hub.domain.state import CenterState
from hub.read import reports
from hub.web.api import hub
from hub.web.api_manage import manage_api, manager_and_center, read_answer


@manage_api.get("/manage/users")
def users() -> Any:
    _, center = manager_and_center()
    return read_answer(center, lambda state, now: {"seq": state.seq, "users": [
        {"username": u.name, "role": u.role, "display_name": u.display_name,
         "name": _person(state, u.name, u.display_name), "windows": list(u.windows),
         "active": u.active}
        for u in sorted(state.users.values(), key=lambda u: (USER_ROLES.index(u.role), u.name))
    ]})


def _person(state: CenterState, username: str, display_name: str) -> str:
    """The name people know: the staff card's, else the account's display name."""
    card = reports.staff_name(state.config, username)
    return card if card != username else (display_name or username)


@manage_api.get("/manage/devices")
def devices() -> Any:
    _, center = manager_and_center()
    monitor = current_app.extensions.get("jiaohao.alerts")
    online = {d.name for d in monitor.devices(center.id) if d.online} if monitor else set()

    def read(state: CenterState, now: Any) -> dict[str, Any]:
        found = []
        for device in sorted(state.devices.values(),
                             key=lambda d: (DEVICE_ROLES.index(d.role), d.name)):
            health = hub().health.get((center.id, device.name))
            found.append({"name": device.name, "role": device.role, "active": device.active,
                          "window": device.windows[0] if device.windows else None,
                          "online": device.name in online,
                          "health": health.report if health else None,
                          "health_at": health.at.isoformat() if health else None})
        return {"seq": state.seq, "devices": found}

    return read_answer(center, read)
