"""Staff accounts and devices, kept in the center's journal.

Keeping them as events gives the audit trail (who created or revoked what,
and when) and lets every hub process sharing a journal know them. Only
hashes are stored; hashing happens outside the domain and arrives in the
command. The wire module never sends `secret_hash` anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hub.domain import errors
from hub.domain.base import Command, Decision, Event, Feature, event
from hub.domain.model import Account, CoreState

rules = Feature("accounts")

USER_ROLES = ("admin", "manager", "clerk")
DEVICE_ROLES = ("kiosk", "display", "caller", "pad")
WINDOW_DEVICE_ROLES = ("pad", "display", "caller")  # may be bound to one window
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$")


class InvalidAccount(errors.DomainError):
    code = "invalid_account"
    kind = errors.INVALID


class AccountExists(errors.DomainError):
    code = "account_exists"


class UnknownAccount(errors.DomainError):
    code = "unknown_account"
    kind = errors.NOT_FOUND


# --------------------------------------------------------------------------- events


@event
@dataclass(frozen=True, kw_only=True)
class UserSaved(Event):
    username: str
    role: str
    display_name: str = ""
    windows: tuple[int, ...] = ()
    password_hash: str = field(default="", repr=False)  # "" keeps the current password
    active: bool = True


@event
@dataclass(frozen=True, kw_only=True)
class DeviceAdded(Event):
    device: str
    role: str
    token_hash: str = field(repr=False)
    window: int | None = None  # the window a pad (or window screen) stands at


@event
@dataclass(frozen=True, kw_only=True)
class DeviceRevoked(Event):
    device: str


# --------------------------------------------------------------------------- commands


@dataclass(frozen=True)
class SaveUser(Command):
    """Add a user, or change one (role, windows, name, password, active)."""

    username: str
    role: str
    password_hash: str = field(default="", repr=False)
    display_name: str = ""
    windows: tuple[int, ...] = ()
    active: bool = True
    create: bool = True  # refuse if the user exists (jiaohao user add)


@dataclass(frozen=True)
class AddDevice(Command):
    device: str
    role: str
    token_hash: str = field(repr=False)
    window: int | None = None


@dataclass(frozen=True)
class RevokeDevice(Command):
    device: str


@rules.decides(SaveUser)
def _save_user(d: Decision, c: SaveUser) -> None:
    if not _NAME.match(c.username):
        raise InvalidAccount("username: 2-40 letters, digits, . _ -", field="username")
    if c.role not in USER_ROLES:
        raise InvalidAccount(f"role must be one of {', '.join(USER_ROLES)}", field="role")
    existing = d.state.users.get(c.username)
    if c.create and existing is not None:
        raise AccountExists(f"user {c.username} exists", field="username")
    if existing is None and not c.password_hash:
        raise InvalidAccount("a new user needs a password", field="password")
    for window in c.windows:
        if d.config.window(window) is None:
            raise InvalidAccount(f"no window {window}", field="windows")
    d.emit(
        UserSaved,
        username=c.username,
        role=c.role,
        display_name=c.display_name.strip()[:40],
        windows=tuple(sorted(set(c.windows))),
        password_hash=c.password_hash,
        active=c.active,
    )


@rules.decides(AddDevice)
def _add_device(d: Decision, c: AddDevice) -> None:
    if not _NAME.match(c.device):
        raise InvalidAccount("device name: 2-40 letters, digits, . _ -", field="name")
    if c.role not in DEVICE_ROLES:
        raise InvalidAccount(f"role must be one of {', '.join(DEVICE_ROLES)}", field="role")
    if c.window is not None:
        if c.role not in WINDOW_DEVICE_ROLES:
            raise InvalidAccount(f"only a {' or '.join(WINDOW_DEVICE_ROLES)} stands at a window",
                                 field="window")
        if isinstance(c.window, bool) or d.config.window(c.window) is None:
            raise InvalidAccount(f"no window {c.window}", field="window")
    current = d.state.devices.get(c.device)
    if current is not None and current.active:
        raise AccountExists(f"device {c.device} exists; revoke it first", field="name")
    d.emit(DeviceAdded, device=c.device, role=c.role, token_hash=c.token_hash, window=c.window)


@rules.decides(RevokeDevice)
def _revoke_device(d: Decision, c: RevokeDevice) -> None:
    current = d.state.devices.get(c.device)
    if current is None or not current.active:
        raise UnknownAccount(f"no active device {c.device}", field="name")
    d.emit(DeviceRevoked, device=c.device)


# --------------------------------------------------------------------------- fold


@rules.folds(UserSaved)
def _user_saved(state: CoreState, event: UserSaved) -> None:
    old = state.users.get(event.username)
    state.users[event.username] = Account(
        name=event.username,
        role=event.role,
        secret_hash=event.password_hash or (old.secret_hash if old else ""),
        display_name=event.display_name,
        windows=event.windows,
        active=event.active,
        version=(old.version + 1) if old else 1,
    )


@rules.folds(DeviceAdded)
def _device_added(state: CoreState, event: DeviceAdded) -> None:
    old = state.devices.get(event.device)
    state.devices[event.device] = Account(
        name=event.device,
        role=event.role,
        secret_hash=event.token_hash,
        windows=(event.window,) if event.window is not None else (),
        version=(old.version + 1) if old else 1,
    )


@rules.folds(DeviceRevoked)
def _device_revoked(state: CoreState, event: DeviceRevoked) -> None:
    device = state.devices[event.device]
    device.active = False
    device.version += 1


# Fields no payload carries, not even a manager's: hashes, and the sealed one-time code.
SECRET_FIELDS = frozenset({"password_hash", "token_hash", "code_hash", "sealed", "id_hash"})
