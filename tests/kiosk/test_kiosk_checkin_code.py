"""Check-in at the kiosk by phone number and a one-time code texted to it: the hub
sends through its SMS sender to a local fake gateway, and the test reads the code
from the gateway's log as the citizen reads the text message."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.fakes.fake_gateway import FakeGateway
from tests.support.browser import screenshot
from tests.support.hub import api
from tools.process import HubProcess

pytestmark = pytest.mark.slow

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}


def sms_code(gateway: FakeGateway, phone: str, timeout: float = 20) -> str:
    return gateway.wait_code(phone, timeout=timeout)


@pytest.mark.parametrize("shape", ["portrait", "landscape"])
def test_check_in_by_phone_with_a_code_sent_by_text(
    sms_hub: HubProcess, gateway: FakeGateway, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]], shape: str,
) -> None:
    kiosk = sms_hub.tokens["kiosk-1"]
    day = api(sms_hub, "GET", "/api/v1/kiosk", kiosk).json()["business_day"]
    phone = "13900139333" if shape == "portrait" else "13900139444"
    booked = api(sms_hub, "POST", "/api/v1/appointments", kiosk, json={
        "service": "household", "day": day, "slot": "11:00", "phone": phone})
    assert booked.status_code == 201, booked.text

    page = open_kiosk(sms_hub, PORTRAIT if shape == "portrait" else LANDSCAPE)
    page.locator("[data-action='checkin']").tap()
    page.locator("[data-mode='phone']").tap()
    assert page.is_visible("#send-code") and page.is_disabled("#send-code")
    for digit in phone:
        page.locator(f"[data-key='{digit}']").tap()
    assert page.is_enabled("#send-code")
    page.locator("#send-code").tap()
    page.wait_for_selector("#code-sent:not([hidden])")
    assert "如果这个号码今天有预约" in page.inner_text("#code-sent")
    assert page.inner_text("#code-field .field-label") == "验证码"
    assert re.fullmatch(r"重新发送（\d+秒）", page.inner_text("#send-code"))
    assert page.is_disabled("#send-code")  # one code a minute
    code = sms_code(gateway, phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for digit in wrong:
        page.locator(f"[data-key='{digit}']").tap()
    page.locator("#checkin-go").tap()
    page.wait_for_selector("#checkin-error:text('验证码不正确')")
    page.locator("[data-key='clear']").tap()
    for digit in code:
        page.locator(f"[data-key='{digit}']").tap()
    for target in ("#send-code", "#phone-field", "#code-field", "#checkin-go"):
        box = page.locator(target).bounding_box()
        assert box and box["height"] >= 60 and box["width"] >= 60, (target, box)
    assert layout_problems(page) == []
    screenshot(page, f"kiosk_{shape}_checkin_sms_code")
    page.locator("#lang-toggle").tap()
    page.wait_for_selector("#checkin-hint:text('Enter the 6-digit code from the text message')")
    assert page.inner_text("#code-field .field-label") == "SMS code"
    assert layout_problems(page) == []
    screenshot(page, f"kiosk_{shape}_checkin_sms_code_en")
    page.locator("#checkin-go").tap()
    page.wait_for_selector("#ticket:not([hidden])")
    assert re.fullmatch(r"C\d{3}", page.inner_text("#t-number"))
    assert page.errors == []


def test_a_number_without_an_appointment_hears_the_same_and_gets_nothing(
    sms_hub: HubProcess, gateway: FakeGateway, open_kiosk: Callable[..., Any],
) -> None:
    page = open_kiosk(sms_hub, PORTRAIT)
    page.locator("[data-action='checkin']").tap()
    page.locator("[data-mode='phone']").tap()
    for digit in "13700137000":
        page.locator(f"[data-key='{digit}']").tap()
    page.locator("#send-code").tap()
    page.wait_for_selector("#code-sent:not([hidden])")
    assert "如果这个号码今天有预约" in page.inner_text("#code-sent")
    time.sleep(1.5)  # the outbox polls every 0.2 s: nothing may have gone out
    assert gateway.codes_for("13700137000") == []
