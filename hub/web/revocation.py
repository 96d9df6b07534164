"""Revoking a principal ends its open Socket.IO connections, on every hub process.

A device revoked (`jiaohao device revoke`, the dashboard), a user disabled, or
a password or role changed, are account events in the center's journal. Each
hub process folds them — a SQLite hub re-reads the journal every
ACCOUNTS_FRESH seconds here (so a CLI revoke arrives without any HTTP request),
a Redis hub follows the journal continuously — and once a second this watcher
compares each center's accounts with what it saw last. When they changed, every
connection of that center whose token no longer authenticates is disconnected.
`subscribe` checks the token again too (hub.web.live).
"""

from __future__ import annotations

import logging
from typing import Any

from hub.core import AuthError, Hub
from hub.domain.state import CenterState

log = logging.getLogger(__name__)
EVERY = 1.0  # seconds between looks at the accounts


def accounts_fingerprint(state: CenterState) -> int:
    """Changes whenever an account or device is added, changed, disabled or revoked."""
    return hash((
        tuple((name, a.version, a.active) for name, a in state.users.items()),
        tuple((name, a.active, a.secret_hash) for name, a in state.devices.items()),
    ))


def still_valid(hub: Hub, token: str | None) -> bool:
    """Whether a connection's token still names an active principal."""
    if token is None:
        return True  # a public connection holds no principal to revoke
    try:
        hub.authenticate(token)
    except AuthError:
        return False
    return True


class RevocationWatch:
    """Disconnects the sockets of principals that are no longer valid (see module)."""

    def __init__(self, hub: Hub, live: Any) -> None:
        self.hub = hub
        self.live = live
        self.seen: dict[str, int] = {}

    def run(self) -> None:
        while self.hub.still_open_after(self.live.socketio.sleep, EVERY):
            try:
                self.look()
            except Exception:  # noqa: BLE001 - the watch must outlive a failed look
                if self.hub.closed:  # the store closed under a look in progress
                    return
                log.exception("checking sockets against revoked accounts failed")

    def look(self) -> None:
        for center in self.hub.followed_centers():  # a resting center has no client here
            if not self.hub.follows():
                self.hub.check_accounts(center)  # a CLI change, with no request to notice it
            fingerprint = center.read(accounts_fingerprint)
            before = self.seen.get(center.id)
            self.seen[center.id] = fingerprint
            # The first look checks every connection too: a change made before it
            # (a hub process that had just started) would otherwise be the baseline.
            if before is None or before != fingerprint:
                self.disconnect_revoked(center.id)

    def disconnect_revoked(self, center_id: str) -> int:
        ended = 0
        for sid, client in list(self.live.clients.items()):
            if client.center != center_id or client.principal is None:
                continue
            if not still_valid(self.hub, client.token):
                log.info("disconnecting %s %s: its access was revoked or changed",
                         client.principal.kind, client.principal.name)
                self.live.end(sid)
                ended += 1
        return ended
