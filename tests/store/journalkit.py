"""Events to fill journals with in the store tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hub.domain import events as ev

MOMENT = datetime(2025, 10, 14, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def issued(seq: int, actor: str = "kiosk-1") -> ev.TicketIssued:
    """A plain event for journal tests: ticket number `seq` of service A."""
    return ev.TicketIssued(
        seq=seq,
        at=MOMENT + timedelta(seconds=seq),
        actor=actor,
        ticket=f"ticket-{seq}",
        number=f"A{seq % 1000:03d}",
        service="social-security",
        channel="kiosk",
        priority="elderly" if seq % 5 == 0 else None,
    )


def batch(first: int, count: int, actor: str = "kiosk-1") -> list[ev.Event]:
    return [issued(seq, actor) for seq in range(first, first + count)]
