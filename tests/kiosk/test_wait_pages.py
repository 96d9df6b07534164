"""Honest waits on the real pages (headless Chromium, a real hub): with no window
staffed for a service the kiosk, the hall and the phone say so instead of a
number; a window signing in pushes a new estimate to the phone, which then
counts down without a reload."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot
from tests.support.hub import api
from tools.process import HubProcess

pytestmark = pytest.mark.slow

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
NO_WINDOW = "暂无窗口办理，请咨询导服台"


def _issue(hub: HubProcess, service: str) -> dict[str, Any]:
    answer = api(hub, "POST", "/api/v1/tickets", hub.tokens["kiosk-1"], json={"service": service})
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def _minutes(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def test_no_window_state_on_kiosk_hall_and_phone_then_a_live_countdown(
    demo_hub: HubProcess, browser: Any, open_kiosk: Callable[..., Any],
) -> None:
    tickets = [_issue(demo_hub, "real-estate") for _ in range(5)]
    mine = tickets[-1]
    assert mine["wait"]["state"] == "no_window" and mine["eta_minutes"] is None

    kiosk = open_kiosk(demo_hub)
    kiosk.locator("[data-category='不动产']").tap()
    assert NO_WINDOW in kiosk.locator("#service-list .service-card").nth(0).inner_text()
    screenshot(kiosk, "wait_kiosk_no_window")

    hall_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    hall = hall_context.new_page()
    hall.goto(f"{demo_hub.url}/display/hall#token={demo_hub.tokens['hall-1']}")
    expect(hall.locator("body")).to_have_attribute("data-status", "live", timeout=15000)
    expect(hall.locator(".queue[data-service='real-estate'] .eta")).to_have_text("暂无窗口")
    screenshot(hall, "wait_hall_no_window")

    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.clock.install()
    phone.goto(mine["track_url"])
    phone.wait_for_selector("#live:text('实时更新中')")
    expect(phone.locator("#eta")).to_have_text(NO_WINDOW)
    screenshot(phone, "wait_phone_no_window")

    # A clerk signs in at window 5 (不动产): the phone hears it without a reload.
    phone.evaluate("window.__sameDocument = 1")
    token = demo_hub.login("chenjing")
    answer = api(demo_hub, "POST", "/api/v1/windows/5/sign-in", token)
    assert answer.status_code == 200, answer.text
    expect(phone.locator("#eta")).to_have_text(re.compile(r"约 \d+(–\d+)? 分钟"), timeout=10000)
    expect(hall.locator(".queue[data-service='real-estate'] .eta")).not_to_have_text("暂无窗口")
    before = phone.inner_text("#eta")
    screenshot(phone, "wait_phone_estimate")

    # Ten minutes later (the phone's clock), with no event: the estimate counted down.
    now = phone.evaluate("Date.now()")
    phone.clock.set_system_time(now + timedelta(minutes=10).total_seconds() * 1000)
    phone.clock.run_for(6000)
    expect(phone.locator("#eta")).not_to_have_text(before, timeout=10000)
    after = phone.inner_text("#eta")
    assert _minutes(after) and _minutes(after)[0] <= _minutes(before)[0] - 9, (before, after)
    assert phone.evaluate("window.__sameDocument") == 1  # never reloaded
    hall_context.close()
    context.close()
