"""Fixtures for the kiosk's ticket printing tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from kiosk.printing import TicketSlip
from tests.fakes.fake_printer import FakeEscposPrinter

CHINA = timezone(timedelta(hours=8))


def sample_slip_json() -> dict[str, Any]:
    """The A012 ticket as the kiosk page hands it over its JS bridge."""
    return {
        "center_name": "杭州市上城区政务服务中心",
        "number": "A012",
        "service_name": "不动产登记",
        "service_name_en": "Real Estate Registration",
        "ahead": 3,
        "eta_minutes": 15,
        "issued_at": "2026-11-27T09:41:27+08:00",
        "track_url": "https://jiaohao.example.cn/t/7Q3K9ZP2",
        "materials": ["身份证原件", "户口簿", "不动产权证书", "购房合同"],
        "complaint_phone": "12345",
        "priority_label": "老年人优先",
        "appointment": True,
    }


@pytest.fixture
def slip_json() -> dict[str, Any]:
    """A fresh, valid slip dict that a test may change."""
    return sample_slip_json()


@pytest.fixture
def slip() -> TicketSlip:
    """The sample ticket A012 (the one pinned by tests/golden/ticket_a012.bin)."""
    return TicketSlip(
        center_name="杭州市上城区政务服务中心",
        number="A012",
        service_name="不动产登记",
        service_name_en="Real Estate Registration",
        ahead=3,
        eta_minutes=15,
        issued_at=datetime(2026, 11, 27, 9, 41, 27, tzinfo=CHINA),
        track_url="https://jiaohao.example.cn/t/7Q3K9ZP2",
        materials=("身份证原件", "户口簿", "不动产权证书", "购房合同"),
        complaint_phone="12345",
        priority_label="老年人优先",
        appointment=True,
    )


@pytest.fixture
def fake_printer() -> Iterator[FakeEscposPrinter]:
    """A fake TCP ESC/POS printer on a free loopback port, ready and full of paper."""
    with FakeEscposPrinter() as printer:
        yield printer
