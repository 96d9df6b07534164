"""The hub: every center it serves, their journals, and who may do what.

`Hub` is built once by the app factory (or a CLI command) with the store,
the clock and the runtime injected; nothing here knows about HTTP.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
import tomllib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hub.center import Center
from hub.clock import Clock, make_clock, new_id
from hub.domain.events import Event
from hub.runtime import Runtime, runtime_for
from hub.settings import Settings
from hub.store import EventStore, open_store
from hub.store.auth import (
    LoginTokens,
    Principal,
    device_center,
    device_matches,
    dummy_hash,
    verify_password,
)
from hub.store.keys import signing_key
from hub.store.limits import limits_for
from hub.store.shared import DeviceHealth, device_board

log = logging.getLogger(__name__)
Publisher = Callable[[str, Sequence[Event]], None]


# Seconds an account change made outside the hub (by the CLI) may take to apply.
ACCOUNTS_FRESH = 2.0
# A center this process no longer follows is followed again when nobody has written to
# its journal for this long (its process died with no client moving here, or its
# day is quiet): so the day's duties (close-out, no-shows, reminders) still run.
QUIET_SECONDS = 30.0
# How long one blocking read of the journals waits while some center rests: a center
# woken meanwhile is not in that read, so what others append to it waits this long.
RESTING_READ_SECONDS = 0.5
OWN_APPENDS_PAUSE = 0.02


class AuthError(Exception):
    def __init__(self, code: str, message: str, status: int = 401, retry_after: float = 0):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after


def read_center_file(path: str | Path) -> tuple[dict[str, Any], str]:
    """A center configuration file as a mapping, with a digest of its bytes."""
    raw = Path(path).read_bytes()
    return tomllib.loads(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest()[:16]


def bootstrap(
    settings: Settings,
    *,
    store: EventStore | None = None,
    clock: Clock | None = None,
    runtime: Runtime | None = None,
    publish: Publisher | None = None,
    followed: Publisher | None = None,
) -> Hub:
    """The one way a Hub is made from settings, by the server's app factory and by
    the CLI's offline commands alike: the configured store (with its replica
    wait), the configured clock; not yet opened (`Hub.open` loads the centers)."""
    if store is None:
        store = open_store(settings.store, wait_replicas=settings.redis_wait_replicas,
                           wait_ms=settings.redis_wait_ms)
    return Hub(settings, store, clock=clock or make_clock(settings.clock), runtime=runtime,
               publish=publish, followed=followed)


class Hub:
    def __init__(
        self,
        settings: Settings,
        store: EventStore,
        *,
        clock: Clock,
        runtime: Runtime | None = None,
        publish: Publisher | None = None,
        followed: Publisher | None = None,
        ids: Callable[[], str] = new_id,
    ) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.runtime = runtime or runtime_for("threading")
        self.publish = publish
        self.followed = followed  # events other processes appended, as a center reads them
        self.ids = ids
        self.centers: dict[str, Center] = {}
        # The key is read when a token is first signed or checked (the server reads
        # it at start): administrative commands never need it.
        self._key: bytes | None = None
        self.tokens = LoginTokens(self.key, settings.token_hours)
        # In the process, or in Redis when hub processes share it (one count for all).
        self.throttle, self.mobile_limit = limits_for(settings, store)
        # Device health reports and presence: in Redis with a Redis journal, so every
        # process sees every device (hub/store/shared.py).
        self.devices = device_board(store)
        self.health_listeners: list[Callable[[str, DeviceHealth], None]] = []
        self._accounts_checked: dict[str, float] = {}
        self.closed = False  # set by `close`: background loops end instead of reading
        # Following (several processes on one journal, see `follow_forever`): when each
        # center was last served here, when another process was last seen writing to
        # it, and the centers resting here: (their journal's seq, when last looked at).
        self._served: dict[str, float] = {}
        self._others_wrote: dict[str, float] = {}
        self._resting: dict[str, tuple[int, float]] = {}
        self._opened_at = time.monotonic()
        # The centers some client of this process is connected to (set by the app).
        self.connected_centers: Callable[[], set[str]] = set

    def close(self) -> None:
        """Release the store; the background loops (revocation watch, heartbeat,
        alerts, outbox, following) see `closed` and end instead of using it."""
        self.closed = True
        self.store.close()

    def still_open_after(self, sleep: Callable[[float], Any], seconds: float) -> bool:
        """Sleep (the async mode's sleep), then say whether the hub still runs:
        the condition of every background loop, checked after each wait."""
        sleep(seconds)
        return not self.closed

    # ------------------------------------------------------------------ centers

    def open(self) -> Hub:
        """Load every center: those in configuration files and those in the journal."""
        for path in self.settings.centers:
            config, digest = read_center_file(path)
            center = self._center(str(config.get("center", {}).get("id", "")))
            if center.state.config_file_digest != digest:
                center.configure(config, actor="system", source="file", digest=digest)
        for center_id in self.run(self.store.centers):
            self._center(center_id)
        self._opened_at = time.monotonic()
        return self

    def _center(self, center_id: str) -> Center:
        center = self.centers.get(center_id)
        if center is None:
            center = Center(
                center_id,
                self.store,
                self.clock,
                self.ids,
                publish=self.publish,
                followed=self.followed,
                run_blocking=self.run,
                lock=self.runtime.make_lock(),
                snapshot_every=self.settings.snapshot_every,
            ).load()
            self.centers[center_id] = center
        return center

    def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """Call the store: on a real thread when its I/O blocks, else right here."""
        if self.store.blocking_io:
            return self.runtime.run_blocking(function, *args)
        return function(*args)

    def center(self, center_id: str | None = None) -> Center | None:
        """A configured center by id; with no id, the only one (None if several).
        Asked for by a request or a socket: served here, and followed again if it rested."""
        if center_id is None:
            configured = [c for c in self.centers.values() if c.state.config is not None]
            return self.serve(configured[0]) if len(configured) == 1 else None
        center = self.centers.get(center_id)
        if center is not None:
            self.serve(center)
        return center if center is not None and center.state.config is not None else None

    def serve(self, center: Center) -> Center:
        """This process serves `center` now: a center it had stopped following is
        caught up with the journal first, and followed again."""
        self._served[center.id] = time.monotonic()
        if center.id in self._resting:
            self._wake(center)
        return center

    def followed_centers(self) -> list[Center]:
        """The centers this process keeps current, whose duties (alerts, close-out,
        no-shows, reminders) it runs: all of them, but those resting here."""
        return [center for center_id, center in list(self.centers.items())
                if center_id not in self._resting]

    def resting(self) -> set[str]:
        return set(self._resting)

    def _wake(self, center: Center) -> None:
        # Caught up before it counts as followed: a request arriving while the journal
        # is read (a green thread waits on Redis) wakes it too, rather than reading
        # the state from before.
        if center.id not in self._resting:
            return
        center.sync()
        if self._resting.pop(center.id, None) is not None:
            log.info("center %s: following its journal again", center.id)

    def follows(self) -> bool:
        """Whether other hub processes may append to this journal (so we follow it)."""
        return hasattr(self.store, "wait_many")

    def follow_forever(self, on_reset: Callable[[str], None] | None = None) -> None:
        """Keep every center's state current with what other hub processes append.

        Blocks on the store (Redis XREAD) in a real thread; each center with new
        events catches up under its lock, and the hub's `followed` hears them
        there (to send them to this process's own clients, in seq order, each
        once — the center hands on whatever it reads, on this path or another).
        When the journal could not be read (Redis restarting, failing over), the
        next successful read catches up from each center's seq, so nothing the
        others appended meanwhile is skipped; and a journal found *behind* what
        this process holds (a failover lost writes that had not reached the
        replica) is reloaded and `on_reset` tells the center's clients.
        Runs until the process ends.
        """
        wait_many = getattr(self.store, "wait_many")  # noqa: B009 - only stores that have it
        failed = False
        rested_at = 0.0
        while not self.closed:
            try:
                if failed:
                    self._check_rewound(on_reset)
                    failed = False
                since = {center_id: c.state.seq for center_id, c in list(self.centers.items())
                         if center_id not in self._resting}
                wait = RESTING_READ_SECONDS if self._resting else 5.0
                if not since:
                    time.sleep(wait)
                moved = self.run(wait_many, since, wait) if since else {}
                heard = False
                for center_id, first in moved.items():
                    center = self.centers[center_id]
                    if first > center.state.seq and center.sync():
                        self.heard_from_others(center_id)
                        heard = True
                if moved and not heard:
                    # Woken by this process's own appends (already folded and sent):
                    # read again a little later, so a busy center's appends do not
                    # each wake the follower. Others' events wait at most this long.
                    time.sleep(OWN_APPENDS_PAUSE)
                if time.monotonic() - rested_at >= 1.0:
                    rested_at = time.monotonic()
                    # Also without a failed read: Redis can restart between two reads
                    # (the client reconnects on the next one and raises nothing).
                    self._check_rewound(on_reset)
                    self.rest_or_wake()
            except Exception as error:  # noqa: BLE001 - a dropped connection must not end it
                log.warning("following the journal failed (%s); retrying", error)
                failed = True
                time.sleep(1.0)

    def heard_from_others(self, center_id: str) -> None:
        """Another process has just appended to the center's journal (as followed)."""
        self._others_wrote[center_id] = time.monotonic()

    def rest_or_wake(self) -> None:
        """Stop following the centers another process serves and this one does not
        (partitioned centers: each process then folds only its own centers' events);
        follow again those whose journal has been quiet for QUIET_SECONDS.

        A center rests here when this process has not been asked about it (request,
        socket, token) for `follow_idle_seconds`, no client connected here is of it,
        and another process wrote to it within that time. Asking about a resting
        center (`serve`) catches it up and wakes it: a process taking over a dead
        one's center reads what it missed from the journal first."""
        idle = self.settings.follow_idle_seconds
        now = time.monotonic()
        connected = self.connected_centers() if idle > 0 else set()
        for center_id, center in list(self.centers.items()):
            resting = self._resting.get(center_id)
            if resting is not None:
                seq, looked = resting
                if now - looked < QUIET_SECONDS:
                    continue
                journal = self.run(self.store.last_seq, center_id)
                if journal == seq:
                    self._wake(center)
                else:
                    self._resting[center_id] = (journal, now)
            elif (idle > 0 and center_id not in connected
                  and now - self._served.get(center_id, self._opened_at) >= idle
                  and now - self._others_wrote.get(center_id, -math.inf) < idle):
                self._resting[center_id] = (center.state.seq, now)
                log.info("center %s: another process serves it; not following its "
                         "journal until asked about it", center_id)

    def _check_rewound(self, on_reset: Callable[[str], None] | None) -> None:
        for center_id, center in list(self.centers.items()):
            # The seq held, read under the center's lock (a batch folds its events in
            # ahead of their append), before the journal's: the journal can only have
            # grown since, unless it lost events.
            held = center.read(lambda state: state.seq)
            journal = self.run(self.store.last_seq, center_id)
            if journal < held:
                log.error("center %s: the journal is at seq %d but this process had %d "
                          "(writes lost in a failover?); reloading it", center_id, journal,
                          held)
                center.load()
                if on_reset is not None:
                    on_reset(center_id)

    # ------------------------------------------------------------------ authentication

    def key(self) -> bytes:
        """The deployment's key (hub/store/keys.py: the key file or JIAOHAO_SECRET_KEY), read
        once: it signs login tokens and keys the hashes and seals of one-time codes."""
        if self._key is None:
            self._key = signing_key(self.settings, self.store)
        return self._key

    def authenticate(self, token: str) -> Principal:
        """The principal behind a bearer token, or AuthError."""
        if token.startswith("dev."):
            return self._device(token)
        found = self.tokens.read(token)
        if found is None:
            raise AuthError("invalid_token", "the token is invalid or has expired")
        center_id, username, version = found
        center = self.centers.get(center_id)
        if center is None:
            raise AuthError("invalid_token", "the token names an unknown center")
        self.serve(center)
        self.check_accounts(center)
        account = center.state.users.get(username)
        if account is None or account.version < version:
            center.sync()  # another process may have added or changed the account
            account = center.state.users.get(username)
        if account is None or not account.active or account.version != version:
            raise AuthError("invalid_token", "the token is no longer valid; sign in again")
        return Principal(
            "user", username, account.role, center_id, account.windows, account.display_name
        )

    def _device(self, token: str) -> Principal:
        center_id = device_center(token)
        center = self.centers.get(center_id or "")
        if center is None:
            raise AuthError("invalid_token", "unknown device token")
        self.serve(center)
        self.check_accounts(center)
        for attempt in range(2):
            for device in center.state.devices.values():
                if device_matches(device, token):
                    return Principal("device", device.name, device.role, center.id,
                                     device.windows)
            if attempt == 0:
                center.sync()
        raise AuthError("invalid_token", "unknown or revoked device token")

    def check_accounts(self, center: Center) -> None:
        """Catch up with the journal every few seconds while tokens are checked.

        `jiaohao device revoke` and `jiaohao user add` write to the journal this
        hub serves, outside it: a revoked device or a changed password must stop
        the old token within seconds, not at the next restart. (A journal that
        other hub processes share is followed continuously instead.)
        """
        if self.follows():
            return
        now = time.monotonic()
        if now - self._accounts_checked.get(center.id, -ACCOUNTS_FRESH) >= ACCOUNTS_FRESH:
            self._accounts_checked[center.id] = now
            center.sync()

    def login(self, center_id: str | None, username: str, password: str, remote: str) -> tuple[
        str, Principal, datetime
    ]:
        """Check a password; AuthError when wrong or locked.

        The attempt is counted before argon2 runs, so parallel guesses cannot all
        slip under the limit; it is slowed after the first failure (a green-thread
        sleep); and an unknown username costs the same argon2 check as a known
        one, so the answer's timing does not tell them apart.
        """
        key = f"{remote}|{username}"
        locked, delay = self.throttle.attempt(key)
        if locked > 0:
            raise AuthError(
                "login_locked",
                f"too many failed sign-ins; try again in {int(locked // 60) + 1} minutes",
                status=429,
                retry_after=max(1.0, locked),
            )
        if delay:
            time.sleep(delay)  # monkey-patched under gevent/eventlet: slows guessing only
        center = self._user_center(center_id, username)
        account = center.state.users.get(username) if center else None
        known = center is not None and account is not None and account.active
        stored = account.secret_hash if known and account is not None else self.run(dummy_hash)
        matches = self.run(verify_password, stored, password)
        if not (known and matches) or center is None or account is None:
            raise AuthError("bad_credentials", "wrong username or password")
        self.throttle.succeeded(key)
        token = self.tokens.issue(center.id, account)
        principal = Principal(
            "user", username, account.role, center.id, account.windows, account.display_name
        )
        expires = self.clock() + timedelta(seconds=self.tokens.max_age)
        return token, principal, expires

    def _user_center(self, center_id: str | None, username: str) -> Center | None:
        if center_id is not None:
            center = self.center(center_id)
            if center is not None and username not in center.state.users:
                center.sync()
            return center
        for center in self.centers.values():
            if username in center.state.users:
                return self.serve(center)
        for center in self.centers.values():
            center.sync()
            if username in center.state.users:
                return self.serve(center)
        return None

    # ------------------------------------------------------------------ device health

    def report_health(self, principal: Principal, report: dict[str, Any]) -> DeviceHealth:
        health = DeviceHealth(principal.name, principal.role, self.clock(), report)
        self.devices.report(principal.center, health)
        log.info("device %s health: %s", principal.name, json.dumps(report, ensure_ascii=False))
        for listener in self.health_listeners:
            listener(principal.center, health)
        return health

    @property
    def health(self) -> dict[tuple[str, str], DeviceHealth]:
        """The last health report of every device, by (center, device)."""
        return {(center, name): health for center in list(self.centers)
                for name, health in self.devices.health(center).items()}
