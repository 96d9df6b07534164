"""The outbox worker: sends the notifications the journal holds, at least once.

It runs in the serving hub process as a background task (a green thread under
gevent/eventlet: its HTTP calls and the journal's appends, which go through the
hub's real-thread pool, never block the event loop). Every `poll` seconds, for each
center:

1. the clock's tick: the day-before reminders that are due (`QueueReminders`), and
   the cases that became due soon or overdue (`FlagDueCases`);
2. each pending notification due now is *claimed* (`ClaimNotification`: an event
   decided against the current state, refused while another process holds an
   unexpired lease — so with several hub processes on one Redis journal only one
   sends a notification at a time), sent through the `Sender`, and its outcome
   *recorded* (`RecordDelivery` → `NotificationSent`, or `NotificationFailed` with
   the next attempt after an exponential backoff, capped).

A crash between sending and recording leaves the claim to expire; the next attempt
sends the same id again and the receiver de-duplicates it. A notification recorded
as sent is never claimed again.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass
from typing import Any

from hub.center import Center
from hub.domain import cases, notify
from hub.domain.errors import DomainError
from hub.read.notify.base import DeliveryError, Message, Sender
from hub.settings import Settings
from hub.store.base import StoreError
from hub.web.codes import unseal

log = logging.getLogger(__name__)
ACTOR = "outbox"


@dataclass(frozen=True)
class Pending:
    id: str
    kind: str
    phone: str
    template: str
    params: dict[str, str]
    sealed: str
    attempts: int


def backoff(settings: Settings, attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failures: doubling, capped."""
    base = max(settings.notify_backoff_seconds, 0.01)
    return float(min(base * 2 ** max(attempts - 1, 0), settings.notify_backoff_cap_seconds))


class OutboxWorker:
    def __init__(self, hub: Any, sender: Sender, settings: Settings, sleep: Any) -> None:
        self.hub = hub
        self.sender = sender
        self.settings = settings
        self.sleep = sleep
        self.me = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._secret: bytes | None = None
        self._store_down = False

    def run_forever(self) -> None:
        log.info("outbox: sending through %s as %s", self.sender.name, self.me)
        while self.hub.still_open_after(self.sleep, self.settings.notify_poll_seconds):
            for center in self.hub.followed_centers():  # not those another process serves
                try:
                    self.tick(center)
                    self._store_down = False
                except StoreError as error:  # the journal is away: the next tick retries
                    if not self._store_down:
                        log.warning("outbox of %s waits for the store: %s", center.id, error)
                    self._store_down = True
                except Exception:  # noqa: BLE001 - one bad tick must not end the worker
                    log.exception("outbox of center %s failed", center.id)

    def tick(self, center: Center) -> int:
        """Queue due reminders and send what is due; how many were delivered."""
        if center.state.config is None:
            return 0
        now = center.clock()
        if center.read(lambda state: notify.reminders_due(state, now)):
            center.execute(notify.QueueReminders(), ACTOR)
        if center.read(lambda state: cases.due_flags(state, now)):  # 承诺件 due soon, overdue
            center.execute(cases.FlagDueCases(), ACTOR)
        due = center.read(lambda state: [
            Pending(n.id, n.kind, n.phone, n.template, dict(n.params), n.sealed, n.attempts)
            for n in notify.due(state, now, self.me)])
        delivered = 0
        for pending in due:
            delivered += self._send(center, pending)
        return delivered

    def _send(self, center: Center, pending: Pending) -> int:
        try:
            center.execute(notify.ClaimNotification(
                pending.id, self.me, self.settings.notify_lease_seconds), ACTOR)
        except DomainError:  # sent or claimed by another process meanwhile
            return 0
        params = dict(pending.params)
        try:
            if pending.sealed:
                params["code"] = unseal(self.secret(), pending.sealed)
            outcome = self.sender.send(Message(pending.id, pending.kind, pending.phone,
                                               pending.template, params))
            ok = True
        except (DeliveryError, ValueError) as error:
            outcome, ok = str(error), False
        except Exception as error:  # noqa: BLE001 - a sender's bug is a failed attempt
            log.exception("outbox: sender %s failed", self.sender.name)
            outcome, ok = f"sender error: {type(error).__name__}", False
        retry = backoff(self.settings, pending.attempts + 1)
        if not ok:
            log.warning("outbox: %s %s not delivered (attempt %d, next in %.1fs): %s",
                        pending.kind, pending.id[:6], pending.attempts + 1, retry, outcome)
        center.execute(notify.RecordDelivery(pending.id, self.me, ok, outcome, retry), ACTOR)
        return 1 if ok else 0

    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = self.hub.run(self.hub.key)
        return self._secret


def start_outbox(hub: Any, socketio: Any, settings: Settings, sender: Sender) -> OutboxWorker:
    worker = OutboxWorker(hub, sender, settings, socketio.sleep)
    socketio.start_background_task(worker.run_forever)
    return worker
