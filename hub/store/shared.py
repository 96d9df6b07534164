"""What the hub knows of its devices beyond the journal: health reports and presence.

Neither is a domain event (a printer's paper level every minute would flood the
journal), but with several hub processes both must be shared, or the dashboard
would depend on which process a device happened to reach: a kiosk reporting
"paper out" to process A, a manager asking process B. So on a Redis store they
live in Redis beside the journal; on any other store (one process) in memory.

- health: what each device last said of each of its parts (printer, sound,
  display, message), `{role, at, report, parts_at}` per device. Reports merge
  by part: a display's "page shown" report leaves its "no sound card" standing,
  and a part is cleared only by a later report of that same part;
- presence: when each device was last seen connected to some hub process. Each
  process marks its own connected devices about once a second (the alert
  monitor's tick); a device none has marked for `PRESENCE_FRESH` seconds is
  offline, and how long it has been gone counts from then. Redis's own clock
  stamps the marks, so the processes' clocks need not agree.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.store.base import EventStore, StoreError

PART_SEPARATOR = "\x1f"  # between device and part in a Redis health field
PRESENCE_FRESH = 3.0  # seconds a mark keeps a device online (marks come each second)


@dataclass
class DeviceHealth:
    device: str
    role: str
    at: datetime  # the latest report of any part
    report: dict[str, Any]  # part -> its latest value
    parts_at: dict[str, datetime] = field(default_factory=dict)  # part -> when it came

    def merged(self, later: DeviceHealth) -> DeviceHealth:
        """This health with `later`'s parts over it (the parts it does not name stay)."""
        parts_at = {**self.parts_at, **{part: later.at for part in later.report}}
        return DeviceHealth(self.device, later.role, max(self.at, later.at),
                            {**self.report, **later.report}, parts_at)


class DeviceBoard:
    """Device health and presence of one process (any store but Redis)."""

    def __init__(self) -> None:
        self._health: dict[str, dict[str, DeviceHealth]] = {}
        self._seen: dict[tuple[str, str], float] = {}

    def report(self, center: str, health: DeviceHealth) -> None:
        """Merge a report into the device's health, part by part."""
        health = DeviceHealth(health.device, health.role, health.at, dict(health.report),
                              {part: health.at for part in health.report})
        known = self._health.setdefault(center, {})
        before = known.get(health.device)
        known[health.device] = before.merged(health) if before is not None else health

    def health(self, center: str) -> dict[str, DeviceHealth]:
        return dict(self._health.get(center, {}))

    def presence(self, center: str, here: Iterable[str]) -> tuple[set[str], dict[str, float]]:
        """Mark the devices connected `here` as seen now; return the devices online
        and, for each device ever seen, the seconds since it was last seen."""
        now = time.monotonic()
        online = set(here)
        for name in online:
            self._seen[(center, name)] = now
        ago = {name: now - at for (c, name), at in self._seen.items() if c == center}
        return online, ago


# KEYS: the center's presence hash.  ARGV: the devices connected to this process.
PRESENCE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
for i = 1, #ARGV do
  redis.call('HSET', KEYS[1], ARGV[i], string.format('%.3f', now))
end
return {string.format('%.3f', now), redis.call('HGETALL', KEYS[1])}
"""


class RedisDeviceBoard(DeviceBoard):
    """Device health and presence shared by every hub process on one Redis."""

    def __init__(self, client: Any, prefix: str = "jiaohao") -> None:
        super().__init__()
        self.redis = client
        self.prefix = prefix
        self._presence = client.register_script(PRESENCE)

    def _key(self, center: str, what: str) -> str:
        return f"{self.prefix}:{{{center}}}:{what}"

    def report(self, center: str, health: DeviceHealth) -> None:
        """Merge a report part by part: one field per (device, part) in the center's
        hash, all written by one HSET, so concurrent reports of other parts (from
        any process) are never lost and a reader never sees half a report."""
        at = health.at.isoformat()
        fields = {
            f"{health.device}{PART_SEPARATOR}{part}": json.dumps(
                {"role": health.role, "at": at, "value": value}, ensure_ascii=False)
            for part, value in health.report.items()
        }
        if not fields:
            return
        try:
            self.redis.hset(self._key(center, "device-health"), mapping=fields)
        except Exception as error:  # noqa: BLE001 - redis-py raises several kinds
            raise StoreError(f"cannot keep the health report in redis: {error}") from error

    def health(self, center: str) -> dict[str, DeviceHealth]:
        try:
            found = self.redis.hgetall(self._key(center, "device-health"))
        except Exception as error:  # noqa: BLE001
            raise StoreError(f"cannot read health reports from redis: {error}") from error
        parts: list[tuple[datetime, str, str, str, Any]] = []
        for name, value in found.items():
            device, _, part = _text(name).partition(PART_SEPARATOR)
            try:
                data = json.loads(value)
                at = datetime.fromisoformat(data["at"])
                if part:
                    parts.append((at, device, str(data["role"]), part, data["value"]))
                else:  # a whole report kept by an older hub: each of its parts
                    parts.extend((at, device, str(data["role"]), key, item)
                                 for key, item in dict(data["report"]).items())
            except (ValueError, KeyError, TypeError):
                continue  # an unreadable entry is as good as no report
        reports: dict[str, DeviceHealth] = {}
        for at, device, role, part, value in sorted(parts, key=lambda p: p[0]):
            later = DeviceHealth(device, role, at, {part: value})
            before = reports.get(device)
            reports[device] = (before.merged(later) if before is not None
                               else DeviceHealth(device, role, at, {part: value}, {part: at}))
        return reports

    def presence(self, center: str, here: Iterable[str]) -> tuple[set[str], dict[str, float]]:
        try:
            now, flat = self._presence(keys=[self._key(center, "device-seen")],
                                       args=sorted(here))
        except Exception as error:  # noqa: BLE001
            raise StoreError(f"cannot share device presence in redis: {error}") from error
        now = float(now)
        ago = {_text(flat[i]): max(0.0, now - float(flat[i + 1]))
               for i in range(0, len(flat), 2)}
        return {name for name, seconds in ago.items() if seconds < PRESENCE_FRESH}, ago


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def device_board(store: EventStore) -> DeviceBoard:
    """The board for this store: shared in Redis when the journal is there."""
    # A RedisStore exists only once its module is loaded: a hub on SQLite need not
    # load the Redis client to find out it has none.
    redis_store = sys.modules.get("hub.store.redis")
    if redis_store is not None and isinstance(store, redis_store.RedisStore):
        return RedisDeviceBoard(store.redis, redis_store.PREFIX)
    return DeviceBoard()
