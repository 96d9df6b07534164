"""Who is calling: staff logins, device tokens, roles, throttling.

Passwords are hashed with argon2; device tokens are random and stored as
SHA-256 hashes (they carry 192 bits, so a fast hash is enough). Login tokens
are signed with the deployment's key (hub.store.keys: a 0600 key file or the
environment, never the journal), name the account's
version, and so die when the password or role changes, not on restart.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from hub.domain.state import Account

_hasher = PasswordHasher()

STAFF = ("admin", "manager", "clerk")
MANAGERS = ("admin", "manager")


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    kind: str  # "user" | "device" | "public"
    name: str
    role: str
    center: str
    windows: tuple[int, ...] = ()
    display_name: str = ""

    def may_serve(self, window: int) -> bool:
        return self.kind == "user" and self.role in STAFF and (
            not self.windows or window in self.windows
        )


PUBLIC = "public"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def dummy_hash() -> str:
    """A hash of no one's password, checked for unknown usernames so that the
    answer takes as long as for a known one (names cannot be told by timing)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def new_device_token(center: str) -> str:
    """A device token; the center is in it so the hub knows where to look it up."""
    return f"dev.{center}.{secrets.token_urlsafe(24)}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_center(token: str) -> str | None:
    parts = token.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == "dev" else None


class LoginTokens:
    """Signed login tokens. The key may be given as a function, read on first use:
    administrative commands that never sign anything then never touch it."""

    def __init__(self, secret: bytes | Callable[[], bytes], hours: int) -> None:
        self._secret = secret
        self._signer: URLSafeTimedSerializer | None = None
        self.max_age = hours * 3600

    @property
    def _serializer(self) -> URLSafeTimedSerializer:
        if self._signer is None:
            key = self._secret() if callable(self._secret) else self._secret
            self._signer = URLSafeTimedSerializer(key, salt="jiaohao-login")
        return self._signer

    def load_key(self) -> None:
        """Read the key now (the server does at start, so a bad key file stops it)."""
        _ = self._serializer

    def issue(self, center: str, account: Account) -> str:
        return self._serializer.dumps({"c": center, "u": account.name, "v": account.version})

    def read(self, token: str) -> tuple[str, str, int] | None:
        """(center, username, version) of a valid unexpired token."""
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except (BadSignature, SignatureExpired):
            return None
        if not isinstance(data, dict):
            return None
        center, user, version = data.get("c"), data.get("u"), data.get("v")
        if isinstance(center, str) and isinstance(user, str) and isinstance(version, int):
            return center, user, version
        return None


def device_matches(account: Account, token: str) -> bool:
    return account.active and hmac.compare_digest(account.secret_hash, token_hash(token))


class Throttle:
    """Failed logins per key: slowed after the first, locked after `limit`.

    An attempt is reserved *before* its password is checked (`attempt`), and counts
    as a failure until `succeeded` clears the key: parallel guesses cannot all slip
    in while argon2 runs. This one keeps the count in the process; the Redis one
    (hub.store.limits) in Redis, for hub processes that share it.
    """

    def __init__(self, limit: int, lock_seconds: float, now: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.lock_seconds = lock_seconds
        self.now = now
        self._failures: dict[str, list[float]] = {}

    def attempt(self, key: str) -> tuple[float, float]:
        """Reserve an attempt on `key`: (seconds locked, 0) when refused, else
        (0, seconds to hold the answer) with the attempt counted."""
        failures = self._recent(key)
        if len(failures) >= self.limit:
            return max(0.001, failures[-1] + self.lock_seconds - self.now()), 0.0
        delay = min(0.25 * len(failures), 2.0)
        failures.append(self.now())
        self._failures[key] = failures
        if len(self._failures) > 10_000:  # many names tried: forget the ones whose lock ran out
            for stale in list(self._failures):
                self._recent(stale)
        return 0.0, delay

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def _recent(self, key: str) -> list[float]:
        horizon = self.now() - self.lock_seconds
        failures = [t for t in self._failures.get(key, ()) if t > horizon]
        if failures:
            self._failures[key] = failures
        else:
            self._failures.pop(key, None)
        return failures


class RateLimit:
    """At most `count` events per `seconds` per key (a sliding window)."""

    def __init__(self, count: int, seconds: float, now: Callable[[], float] = time.monotonic):
        self.count = count
        self.seconds = seconds
        self.now = now
        self._hits: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = self.now()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        if len(hits) >= self.count:
            return False
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle keys so memory stays bounded
            for stale in [k for k, v in self._hits.items() if not v]:
                del self._hits[stale]
        return True
