"""Give the C heap back to the system after a burst of subscriptions.

When a hall's phones come back at once, every one of them is answered with the
center's snapshot: about 11 KB of JSON each for a 26-service center, a thousand of
them encoded and queued within a second. Python frees those strings as soon as
they are sent, but glibc keeps the freed heap for the next allocation, so the
hub's resident memory stays at the burst's peak (measured with 1,000 clients:
170 MB, 152 MB once trimmed; `jiaohao bench --only fanout --clients 1000`).
`HeapTrim` calls glibc's malloc_trim once the burst is over (no subscription for
a second), which costs a few milliseconds. Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import logging
import time
from typing import Any

log = logging.getLogger(__name__)

QUIET_SECONDS = 1.0  # after the last subscription of a burst


def _malloc_trim() -> Any:
    """glibc's malloc_trim, from the symbols the interpreter is linked with (no
    `ldconfig` run, as ctypes.util.find_library would); None elsewhere."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return None


class HeapTrim:
    """`touched()` on each answered subscription; `run()` is the background loop."""

    def __init__(self, hub: Any, sleep: Any) -> None:
        self.hub = hub
        self.sleep = sleep
        self.trim = _malloc_trim()
        self._last: float | None = None  # the newest subscription not yet trimmed after

    def touched(self) -> None:
        self._last = time.monotonic()

    def run(self) -> None:
        if self.trim is None:
            return
        while self.hub.still_open_after(self.sleep, QUIET_SECONDS):
            self.step(time.monotonic())

    def step(self, now: float) -> bool:
        """Trim if a burst ended a second or more before `now`; whether it did."""
        last = self._last
        if last is None or now - last < QUIET_SECONDS or self.trim is None:
            return False
        self._last = None
        self.trim(0)
        return True
