"""A first wait estimator (预计等待), as pure functions."""

from __future__ import annotations

import math
from collections.abc import Iterable

from hub.domain.config import CenterConfig
from hub.domain.state import WINDOW_OPEN, WINDOW_PAUSED, CenterState


def estimate_wait_minutes(ahead: int, handling_minutes: float, windows: int) -> int:
    """People ahead × handling time ÷ windows serving them, rounded up to a minute."""
    if ahead <= 0:
        return 0
    return math.ceil(ahead * handling_minutes / max(windows, 1))


def recent_handling_minutes(samples: Iterable[float], default_minutes: float) -> float:
    """The mean of recent handling times (seconds), or the configured default."""
    values = list(samples)
    if not values:
        return default_minutes
    return sum(values) / len(values) / 60.0


def service_eta(state: CenterState, config: CenterConfig, service_id: str, ahead: int) -> int:
    """Estimated minutes until `ahead` people of `service_id` have been served.

    Counts windows serving the service that are staffed (open or briefly
    paused); before any window is staffed, every window configured for it.
    """
    service = config.service(service_id)
    assert service is not None
    serving = config.windows_serving(service_id)
    staffed = sum(
        1
        for window in serving
        if (w := state.windows.get(window.id)) is not None
        and w.state in (WINDOW_OPEN, WINDOW_PAUSED)
    )
    minutes = recent_handling_minutes(state.handling.get(service_id, ()), service.handling_minutes)
    return estimate_wait_minutes(ahead, minutes, staffed or len(serving))
