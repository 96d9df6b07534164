"""The scale-out journal: one Redis Stream per center, shared by many hub processes.

An append is one Lua script, so Redis runs it atomically: it checks that the
center's last seq is still `expected_seq`, adds each event to the stream with
the id `<seq>-1`, and moves the seq on. Two hub processes can therefore never
both append event N; the loser gets ConcurrencyError, catches up, decides again.

Durability is Redis's: run it with `appendonly yes` and `appendfsync always`
(every acknowledged append is on disk before Redis answers; nothing acknowledged
is lost if the machine dies) or `everysec` (faster; up to about one second of
acknowledged tickets can be lost if the machine — not just the process — dies).

High availability is Redis Sentinel's: `redis+sentinel://host1:26379,host2:26379/0/mymaster`
(python-socketio's form, so the same URL serves the message queue; `/mymaster/0`
is read the same way) asks the sentinels for the master of `mymaster` and asks
again after a failover. Replication is asynchronous: a master that dies may take
its last appends with it unless each append also waits for `wait_replicas`
replicas (`WAIT`, up to `wait_ms`); an append they do not confirm in time is
answered with StoreError (its outcome unknown: it may still be in the journal).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlparse

import redis
import redis.sentinel

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


SENTINEL_SCHEME = "redis+sentinel"


def parse_sentinel_url(url: str) -> tuple[list[tuple[str, int]], str, int, dict[str, str]]:
    """`redis+sentinel://[user:password@]host1:port1,host2:port2/DB/SERVICE` as
    (sentinels, service name, db, credentials); `/SERVICE/DB` is read too."""
    parsed = urlparse(url)
    if parsed.scheme != SENTINEL_SCHEME:
        raise ValueError(f"not a {SENTINEL_SCHEME}:// URL")
    where = parsed.netloc.rsplit("@", 1)[-1]
    sentinels = []
    for part in where.split(","):
        host, _, port = part.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"sentinel {part!r} is not host:port")
        sentinels.append((host.strip("[]"), int(port)))
    parts = [p for p in parsed.path.split("/") if p]
    db = [p for p in parts if p.isdigit()]
    names = [p for p in parts if not p.isdigit()]
    if len(names) != 1 or len(db) > 1 or len(parts) > 2:
        raise ValueError("name the master: redis+sentinel://host:26379,host2:26379/0/mymaster")
    credentials = {}
    if parsed.username:
        credentials["username"] = unquote(parsed.username)
    if parsed.password:
        credentials["password"] = unquote(parsed.password)
    return sentinels, names[0], int(db[0]) if db else 0, credentials


def socketio_url(url: str) -> str:
    """A sentinel URL in the form python-socketio reads (`/DB/SERVICE`)."""
    sentinels, service, db, _ = parse_sentinel_url(url)
    parsed = urlparse(url)
    auth = parsed.netloc.rsplit("@", 1)[0] + "@" if "@" in parsed.netloc else ""
    hosts = ",".join(f"{host}:{port}" for host, port in sentinels)
    return f"{SENTINEL_SCHEME}://{auth}{hosts}/{db}/{service}"


def connect(url: str, **options: Any) -> Any:
    """A redis-py client for a redis://, rediss://, unix:// or redis+sentinel:// URL."""
    if urlparse(url).scheme == SENTINEL_SCHEME:
        sentinels, service, db, credentials = parse_sentinel_url(url)
        sentinel = redis.sentinel.Sentinel(
            sentinels, sentinel_kwargs={"socket_timeout": 2, "socket_connect_timeout": 2,
                                        **credentials},
            **credentials)
        return sentinel.master_for(service, db=db, **options)
    return redis.Redis.from_url(url, **options)


class RedisStore(EventStore):
    blocking_io = False

    def __init__(self, url: str, *, wait_replicas: int = 0, wait_ms: int = 1000) -> None:
        self.url = url
        self.wait_replicas = wait_replicas
        self.wait_ms = wait_ms
        try:
            # Typed as Any: redis-py's stubs type every reply as bytes | str | None.
            self.redis: Any = connect(url, socket_timeout=30, socket_connect_timeout=5,
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
        if self.wait_replicas > 0:
            self._replicated(center, int(value))

    def _replicated(self, center: str, seq: int) -> None:
        """Return once `wait_replicas` replicas have the append (WAIT), else StoreError."""
        try:
            reached = int(self.redis.wait(self.wait_replicas, self.wait_ms))
        except redis.RedisError as error:
            raise StoreError(f"cannot confirm replication of {center} seq {seq}: {error}") \
                from error
        if reached < self.wait_replicas:
            raise StoreError(f"{center} seq {seq} reached {reached} of {self.wait_replicas} "
                             f"replicas in {self.wait_ms} ms; its outcome is unknown")

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

    def wait_many(self, since: dict[str, int], timeout: float) -> dict[str, int]:
        """Block until any of the centers' journals moves past its seq in `since`;
        the centers that did, each with the seq of its first event past it (one XREAD
        over all their streams)."""
        if not since:
            return {}
        streams = {self._keys(center)[0]: f"{seq}-1" if seq else "0-0"
                   for center, seq in since.items()}
        names = {self._keys(center)[0]: center for center in since}
        found = self.redis.xread(streams, count=1, block=max(1, int(timeout * 1000)))
        moved = {}
        for stream, entries in found or []:
            entry_id = entries[0][0]
            entry_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
            moved[names[stream.decode() if isinstance(stream, bytes) else stream]] = int(
                entry_id.split("-", 1)[0])
        return moved

    def close(self) -> None:
        self.redis.close()
