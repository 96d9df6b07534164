"""The login throttle and the phone rate limit, counted where every hub process sees them.

Two small protocols (`LoginThrottle`, `RateLimiter`), each with an in-process
implementation (hub.store.auth.Throttle, hub.store.auth.RateLimit) and a Redis one here.
The Redis ones are chosen when the journal (or the message queue) is Redis —
then several hub processes serve one center, and "6 phone tickets an hour"
must mean 6 in total, not 6 per process. Each check is one Lua script on a
sorted set of attempt times (Redis's own clock), so it is atomic across processes.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol
from urllib.parse import urlparse

from hub.settings import Settings
from hub.store.auth import RateLimit, Throttle
from hub.store.base import EventStore, StoreError

PREFIX = "jiaohao:limit"

# KEYS: the sorted set. ARGV: window seconds, limit, a unique member.
# Returns {1, count before} when counted, {0, seconds until the oldest relevant
# entry leaves the window} when over the limit (as strings: Lua numbers would be
# truncated to integers).
COUNT = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t - window)
local n = redis.call('ZCARD', KEYS[1])
if n >= limit then
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  return {0, tostring(tonumber(newest[2]) + window - t)}
end
redis.call('ZADD', KEYS[1], t, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return {1, tostring(n)}
"""


class LoginThrottle(Protocol):
    def attempt(self, key: str) -> tuple[float, float]:
        """Reserve an attempt: (seconds locked, 0) refused, or (0, delay) counted."""

    def succeeded(self, key: str) -> None:
        """The attempt was right: forget the key's failures."""


class RateLimiter(Protocol):
    def allow(self, key: str) -> bool:
        """Count one more event of `key`; False (and not counted) over the limit."""


class _RedisCounter:
    def __init__(self, client: Any, name: str, limit: int, seconds: float) -> None:
        self.client = client
        self.name = name
        self.limit = limit
        self.seconds = seconds
        self._script = client.register_script(COUNT)
        import redis  # here: a hub or CLI on SQLite alone need not load the client

        self._errors = redis.RedisError

    def key(self, key: str) -> str:
        return f"{PREFIX}:{self.name}:{key}"

    def count(self, key: str) -> tuple[bool, float]:
        try:
            counted, value = self._script(keys=[self.key(key)],
                                          args=[self.seconds, self.limit, secrets.token_hex(8)])
        except self._errors as error:
            raise StoreError(f"cannot reach redis for the {self.name} limit: {error}") from error
        return bool(int(counted)), float(value)


class RedisThrottle(_RedisCounter):
    """hub.store.auth.Throttle's rules, counted in Redis for every hub process."""

    def __init__(self, client: Any, limit: int, lock_seconds: float) -> None:
        super().__init__(client, "login", limit, lock_seconds)

    def attempt(self, key: str) -> tuple[float, float]:
        counted, value = self.count(key)
        if not counted:
            return max(0.001, value), 0.0
        return 0.0, min(0.25 * value, 2.0)

    def succeeded(self, key: str) -> None:
        try:
            self.client.delete(self.key(key))
        except self._errors as error:
            raise StoreError(f"cannot reach redis for the login limit: {error}") from error


class RedisRateLimit(_RedisCounter):
    """hub.store.auth.RateLimit's sliding window, counted in Redis for every hub process."""

    def __init__(self, client: Any, count: int, seconds: float, name: str = "mobile") -> None:
        super().__init__(client, name, count, seconds)

    def allow(self, key: str) -> bool:
        return self.count(key)[0]


def _shared_client(settings: Settings, store: EventStore) -> Any:
    """The Redis every hub process of the center sees, or None (one process)."""
    client = getattr(store, "redis", None)
    if client is None and urlparse(settings.message_queue).scheme in ("redis", "rediss", "unix"):
        import redis

        client = redis.Redis.from_url(settings.message_queue, socket_timeout=30,
                                      socket_connect_timeout=5)
    return client


def counter_for(settings: Settings, store: EventStore, name: str, count: int,
                seconds: float) -> RateLimiter:
    """Another sliding-window limit (`name`: its own keys), shared like the phone limit:
    e.g. the one-time codes a kiosk or a phone may ask for in an hour."""
    client = _shared_client(settings, store)
    if client is None:
        return RateLimit(count, seconds)
    return RedisRateLimit(client, count, seconds, name)


def limits_for(settings: Settings, store: EventStore) -> tuple[LoginThrottle, RateLimiter]:
    """Redis counters when hub processes share a Redis, else in-process ones."""
    lock_seconds = settings.login_lock_minutes * 60
    client = _shared_client(settings, store)
    if client is None:
        return (Throttle(settings.login_max_failures, lock_seconds),
                RateLimit(settings.mobile_tickets_per_hour, 3600))
    return (RedisThrottle(client, settings.login_max_failures, lock_seconds),
            RedisRateLimit(client, settings.mobile_tickets_per_hour, 3600))
