"""Staff accounts and devices in the dashboard (routes of `hub.api_manage.manage_api`).

Managers and admins only, like the rest of the dashboard; only an admin creates or
changes an admin, and nobody demotes or disables themselves. Passwords are hashed
and device tokens hashed before they reach the journal (`hub.domain.accounts`);
a new device's token is in the answer once and nowhere else.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from hub import reports
from hub.api import body, hub, no_store
from hub.api_manage import manage_api, manager_and_center, read_answer, run_command
from hub.auth import hash_password, new_device_token, token_hash
from hub.domain.accounts import DEVICE_ROLES, USER_ROLES, AddDevice, RevokeDevice, SaveUser
from hub.domain.state import CenterState
from hub.validation import ApiError, Field


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


USER_BODY = {
    "username": Field(str, required=True, max_length=40),
    "role": Field(str, required=True, choices=USER_ROLES),
    "password": Field(str, max_length=200),
    "display_name": Field(str, max_length=40),
    "windows": Field(list, items=int),
    "active": Field(bool),
    "create": Field(bool),
}
DEVICE_BODY = {"name": Field(str, required=True, max_length=40),
               "role": Field(str, required=True, choices=DEVICE_ROLES),
               "window": Field(int, minimum=1, maximum=999)}


@manage_api.post("/manage/users")
def save_user() -> Any:
    """Add a user (create: true, with a password) or change one."""
    who, center = manager_and_center()
    data = body(USER_BODY)
    existing = center.state.users.get(data["username"])
    if who.role != "admin" and "admin" in (data["role"], existing.role if existing else None):
        raise ApiError(403, "forbidden", "only an admin may create or change an admin", "role")
    if data["username"] == who.name and (data["role"] != who.role or
                                        data.get("active") is False):
        raise ApiError(409, "forbidden", "you may not demote or disable yourself", "role")
    password = data.get("password") or ""
    if password and len(password) < 8:
        raise ApiError(422, "invalid_field", "the password must have at least 8 characters",
                       "password")
    seq = run_command(center, who, SaveUser(
        data["username"], data["role"], hash_password(password) if password else "",
        data.get("display_name") or (existing.display_name if existing else ""),
        tuple(data.get("windows") or ()), data.get("active", True),
        create=data.get("create", existing is None)))
    return jsonify({"username": data["username"], "seq": seq})


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


@manage_api.post("/manage/devices")
def add_device() -> Any:
    """Add a device (or issue a revoked one a new token): the token is shown this once."""
    who, center = manager_and_center()
    data = body(DEVICE_BODY)
    token = new_device_token(center.id)
    seq = run_command(center, who, AddDevice(data["name"], data["role"], token_hash(token),
                                             data.get("window")))
    response = jsonify({"name": data["name"], "role": data["role"],
                        "window": data.get("window"), "token": token, "seq": seq})
    response.status_code = 201
    return no_store(response)


@manage_api.post("/manage/devices/<name>/revoke")
def revoke_device(name: str) -> Any:
    who, center = manager_and_center()
    return jsonify({"name": name, "seq": run_command(center, who, RevokeDevice(name))})
