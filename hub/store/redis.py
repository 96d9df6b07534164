"""The scale-out journal: one Redis Stream per center, shared by many hub processes.

An append is one Lua script, so Redis runs it atomically: it checks that the
center's last seq is still `expected_seq`, adds each event to the stream with
the id `<seq>-1`, and moves the seq on. Two hub processes can therefore never
both append event N; the loser gets ConcurrencyError, catches up, decides again.

Durability is Redis's: run it with `appendonly yes` and `appendfsync always`
(every acknowledged append is on disk before Redis answers; nothing acknowledged
is lost if the machine dies) or `everysec` (faster; up to about one second of
acknowledged tickets can be lost if the machine — not just the process — dies).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import redis

from hub.domain.events import Event
from hub.store.base import ConcurrencyError, EventStore, StoreError, check_batch, dumps, loads

PREFIX = "jiaohao"

# KEYS: stream, seq key, centers set.  ARGV: center, expected seq, then seq/body pairs.
APPEND = """
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local expected = tonumber(ARGV[2])
if last ~= expected then
  return {'conflict', last}
end
local seq = last
for i = 3, #ARGV, 2 do
  seq = tonumber(ARGV[i])
  redis.call('XADD', KEYS[1], seq .. '-1', 'e', ARGV[i + 1])
end
redis.call('SET', KEYS[2], seq)
redis.call('SADD', KEYS[3], ARGV[1])
return {'ok', seq}
"""


class RedisStore(EventStore):
    blocking_io = False

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            # Typed as Any: redis-py's stubs type every reply as bytes | str | None.
            self.redis: Any = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=5,
                                              health_check_interval=30)
        except ValueError as error:
            raise ValueError(f"bad redis URL {url!r}: {error}") from None
        self._append = self.redis.register_script(APPEND)

    def _keys(self, center: str) -> tuple[str, str]:
        return f"{PREFIX}:{{{center}}}:events", f"{PREFIX}:{{{center}}}:seq"

    def append(self, center: str, events: Sequence[Event], expected_seq: int) -> None:
        check_batch(events, expected_seq)
        if not events:  # nothing to add; still refuse a stale expectation, as every store does
            current = self.last_seq(center)
            if current != expected_seq:
                raise ConcurrencyError(center, expected_seq, current)
            return
        stream, seq_key = self._keys(center)
        argv: list[str | int] = [center, expected_seq]
        for event in events:
            argv += [event.seq, dumps(event)]
        try:
            status, value = self._append(keys=[stream, seq_key, f"{PREFIX}:centers"], args=argv)
        except redis.RedisError as error:
            raise StoreError(f"cannot append to redis: {error}") from error
        if status == b"conflict":
            raise ConcurrencyError(center, expected_seq, int(value))

    def load_page(self, center: str, since: int, limit: int) -> list[Event]:
        stream, _ = self._keys(center)
        try:
            rows = self.redis.xrange(stream, min=f"{since + 1}-0", max="+", count=limit)
        except redis.RedisError as error:
            raise StoreError(f"cannot read redis: {error}") from error
        return [loads(fields[b"e"]) for _id, fields in rows]

    def last_seq(self, center: str) -> int:
        _, seq_key = self._keys(center)
        value = self.redis.get(seq_key)
        return int(value) if value else 0

    def centers(self) -> list[str]:
        return sorted(member.decode() for member in self.redis.smembers(f"{PREFIX}:centers"))

    def save_snapshot(self, center: str, seq: int, data: bytes) -> None:
        key = f"{PREFIX}:{{{center}}}:snapshot"
        self.redis.hset(key, mapping={"seq": seq, "data": data})

    def load_snapshot(self, center: str) -> tuple[int, bytes] | None:
        found = self.redis.hgetall(f"{PREFIX}:{{{center}}}:snapshot")
        if not found:
            return None
        return int(found[b"seq"]), bytes(found[b"data"])

    def secret(self) -> bytes:
        key = f"{PREFIX}:secret"
        self.redis.set(key, secrets.token_bytes(32), nx=True)
        value = self.redis.get(key)
        assert value is not None
        return bytes(value)

    def legacy_secret(self) -> bytes | None:
        value = self.redis.get(f"{PREFIX}:secret")
        return bytes(value) if value is not None else None

    def forget_secret(self) -> None:
        self.redis.delete(f"{PREFIX}:secret")

    def wait(self, center: str, since: int, timeout: float) -> bool:
        """Block until the journal has an event after `since` (True) or `timeout` passes."""
        stream, _ = self._keys(center)
        try:
            found = self.redis.xread({stream: f"{since}-1" if since else "0-0"}, count=1,
                                     block=max(1, int(timeout * 1000)))
        except redis.RedisError:
            return False
        return bool(found)

    def wait_many(self, since: dict[str, int], timeout: float) -> list[str]:
        """Block until any of the centers' journals moves past its seq in `since`;
        the centers that did (one XREAD over all their streams)."""
        if not since:
            return []
        streams = {self._keys(center)[0]: f"{seq}-1" if seq else "0-0"
                   for center, seq in since.items()}
        names = {self._keys(center)[0]: center for center in since}
        found = self.redis.xread(streams, count=1, block=max(1, int(timeout * 1000)))
        return [names[stream.decode() if isinstance(stream, bytes) else stream]
                for stream, _entries in found or []]

    def close(self) -> None:
        self.redis.close()
