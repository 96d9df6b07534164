"""Windows and clerks: sign in (顶岗 while paused), pause with a reason, reopen, sign out."""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain import errors
from hub.domain.base import (
    HALL,
    STAFF,
    WINDOWS,
    Command,
    Decision,
    Event,
    Feature,
    clerk_window,
    event,
    window,
)
from hub.domain.model import WINDOW_CLOSED, WINDOW_OPEN, WINDOW_PAUSED, CoreState, WindowState

rules = Feature("windows")
_SHOWN = (HALL, WINDOWS, STAFF)


@dataclass(frozen=True)
class SignIn(Command):
    window: int


@dataclass(frozen=True)
class SignOut(Command):
    window: int


@dataclass(frozen=True)
class PauseWindow(Command):
    window: int
    reason: str


@dataclass(frozen=True)
class OpenWindow(Command):
    window: int


@event
@dataclass(frozen=True, kw_only=True)
class ClerkSignedIn(Event):
    audience = _SHOWN
    public_fields = ("window", "clerk")
    window: int
    clerk: str
    replaced: str | None = None


@event
@dataclass(frozen=True, kw_only=True)
class ClerkSignedOut(Event):
    audience = _SHOWN
    public_fields = ("window",)
    window: int
    clerk: str


@event
@dataclass(frozen=True, kw_only=True)
class WindowPaused(Event):
    audience = _SHOWN
    public_fields = ("window", "reason")
    window: int
    reason: str


@event
@dataclass(frozen=True, kw_only=True)
class WindowOpened(Event):
    audience = _SHOWN
    public_fields = ("window",)
    window: int


@rules.decides(SignIn)
def _sign_in(d: Decision, c: SignIn) -> None:
    found, state = window(d, c.window)
    clerk = d.context.actor
    elsewhere = d.state.clerk_window.get(clerk)
    if elsewhere is not None and elsewhere != found.id:
        raise errors.ClerkElsewhere(f"you are signed in to window {elsewhere}; sign out first")
    if state.clerk == clerk:
        return  # signing in again changes nothing
    replaced = None
    if state.clerk is not None:
        if state.state != WINDOW_PAUSED:
            raise errors.WindowTaken(
                f"window {found.id} is staffed; a colleague may take it over only while paused"
            )
        replaced = state.clerk  # 顶岗: a substitute takes over a paused window
    d.emit(ClerkSignedIn, window=found.id, clerk=clerk, replaced=replaced)


@rules.decides(SignOut)
def _sign_out(d: Decision, c: SignOut) -> None:
    found, state = clerk_window(d, c.window)
    if state.ticket is not None:
        raise errors.WindowBusy("finish, transfer or mark the current ticket first")
    d.emit(ClerkSignedOut, window=found.id, clerk=d.context.actor)


@rules.decides(PauseWindow)
def _pause(d: Decision, c: PauseWindow) -> None:
    found, state = clerk_window(d, c.window)
    reason = c.reason.strip()
    if not reason or len(reason) > 40:
        raise errors.InvalidReason("give a reason of at most 40 characters", field="reason")
    if state.state == WINDOW_PAUSED:
        raise errors.WindowPaused(f"window {found.id} is already paused")
    if state.ticket is not None:
        raise errors.WindowBusy("finish, transfer or mark the current ticket first")
    d.emit(WindowPaused, window=found.id, reason=reason)


@rules.decides(OpenWindow)
def _open(d: Decision, c: OpenWindow) -> None:
    found, state = clerk_window(d, c.window)
    if state.state != WINDOW_PAUSED:
        raise errors.WindowNotPaused(f"window {found.id} is not paused")
    d.emit(WindowOpened, window=found.id)


# --------------------------------------------------------------------------- fold


def break_cycle(window_state: WindowState) -> None:
    """Signing in or out, pausing or reopening: the next call starts a fresh cycle."""
    window_state.last_call = None
    window_state.last_release = None


@rules.folds(ClerkSignedIn)
def _clerk_signed_in(state: CoreState, event: ClerkSignedIn) -> None:
    found = state.windows[event.window]
    if event.replaced:
        state.clerk_window.pop(event.replaced, None)
    found.clerk = event.clerk
    found.state = WINDOW_OPEN
    found.reason = None
    found.since = event.at
    found.staffed_today = True
    break_cycle(found)
    state.clerk_window[event.clerk] = event.window


@rules.folds(ClerkSignedOut)
def _clerk_signed_out(state: CoreState, event: ClerkSignedOut) -> None:
    found = state.windows[event.window]
    found.clerk = None
    found.state = WINDOW_CLOSED
    found.reason = None
    found.since = event.at
    found.priority_streak = 0
    break_cycle(found)
    state.clerk_window.pop(event.clerk, None)


@rules.folds(WindowPaused)
def _window_paused(state: CoreState, event: WindowPaused) -> None:
    found = state.windows[event.window]
    found.state = WINDOW_PAUSED
    found.reason = event.reason
    found.since = event.at
    break_cycle(found)


@rules.folds(WindowOpened)
def _window_opened(state: CoreState, event: WindowOpened) -> None:
    found = state.windows[event.window]
    found.state = WINDOW_OPEN
    found.reason = None
    found.since = event.at
    break_cycle(found)
