"""A citizen's appointment end to end, in real browsers against a real hub that texts
through its SMS sender to a local fake gateway: booked on a 390×844 phone page with
the code read from the gateway's log, viewed and rescheduled there, checked in at the
kiosk with phone + a texted one-time code, called from the caller page; and the
manager's view of the appointments (phones masked)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.caller.callerkit import caller, press, sign_in, wait_current
from tests.fakes.fake_gateway import FakeGateway
from tests.support.browser import screenshot
from tools.process import HubProcess

pytestmark = pytest.mark.slow

PHONE_SIZE = {"width": 390, "height": 844}
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
PHONE = "13700137123"


def open_phone(browser: Any, hub: HubProcess) -> tuple[Any, Any]:
    context = browser.new_context(viewport=PHONE_SIZE, has_touch=True, is_mobile=True,
                                  device_scale_factor=2, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{hub.url}/book")
    page.wait_for_selector("[data-service='household']")
    return context, page


def fits(page: Any) -> None:
    """Nothing wider than the phone; buttons large enough to touch."""
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= PHONE_SIZE["width"], wide
    small = page.evaluate("""() => [...document.querySelectorAll('button, input, a')]
        .filter((e) => e.offsetParent !== null)
        .map((e) => [e.id || e.dataset.slot || e.dataset.day || e.textContent.trim(),
                     e.getBoundingClientRect().height])
        .filter(([, h]) => h < 44)""")
    assert small == [], small


def test_book_on_the_phone_check_in_at_the_kiosk_and_be_called(
    browser: Any, sms_hub: HubProcess, gateway: FakeGateway,
    open_kiosk: Callable[..., Any],
) -> None:
    context, page = open_phone(browser, sms_hub)
    try:
        fits(page)
        screenshot(page, "book_1_services")
        page.locator("[data-service='household']").tap()
        page.wait_for_selector("#step-slot:not([hidden]) [data-slot='11:00']")
        page.locator("#guide summary").tap()
        assert "户口簿" in page.inner_text("#g-materials")  # the guide from the config
        today = page.get_attribute("#days .day.on", "data-day")
        assert today == "2026-11-26"
        assert "今天" in page.inner_text("#days .day.on")
        slot = page.locator("[data-slot='11:00']")
        assert re.fullmatch(r"11:00-12:00\s*余 3 个", slot.inner_text().strip())
        assert page.locator("#days .day").count() == 7  # the horizon of working days
        fits(page)
        screenshot(page, "book_2_slots")
        slot.tap()
        page.wait_for_selector("#step-phone:not([hidden])")
        assert "11:00-12:00" in page.inner_text("#summary")
        page.fill("#phone", PHONE)
        page.locator("#send-code").tap()
        page.wait_for_selector("#code-sent:not([hidden])")
        code = gateway.wait_code(PHONE, "booking_verify")
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        page.fill("#otp", wrong)
        page.locator("#confirm").tap()
        page.wait_for_selector("#error:not([hidden])")
        assert "验证码不正确" in page.inner_text("#error")
        page.fill("#otp", code)
        fits(page)
        screenshot(page, "book_3_phone_code")
        page.locator("#confirm").tap()
        page.wait_for_selector("#step-done:not([hidden])")
        appointment = page.inner_text("#done-code").strip()
        assert re.fullmatch(r"\d{6}", appointment)
        assert "2026-11-26 11:00-12:00" in page.inner_text("#done-when")
        assert "户籍业务" in page.inner_text("#done-when")
        screenshot(page, "book_4_done")
        # The appointment code is texted too.
        booking_texts = gateway.wait_texts(PHONE, "booking_code")
        assert booking_texts and booking_texts[0]["params"]["code"] == appointment

        # View it and move it to 10:00, in English.
        page.locator("#done-mine").tap()
        page.wait_for_selector("#step-mine:not([hidden])")
        page.locator("#lookup").tap()
        page.wait_for_selector("#mine:not([hidden])")
        assert page.inner_text("#mine-status").strip() == "已预约"
        page.locator("#lang").tap()
        page.locator("#reschedule").tap()
        page.wait_for_selector("#move:not([hidden]) [data-slot='10:00']")
        assert page.locator("#move-slots [data-slot='11:00']").is_disabled()  # its own
        screenshot(page, "book_5_reschedule_en")
        page.locator("#move-slots [data-slot='10:00']").tap()
        page.wait_for_function(
            "() => document.getElementById('mine-when').textContent.includes('10:00-11:00')")
        assert page.inner_text("#mine-status").strip() == "Booked"
        fits(page)
        screenshot(page, "book_6_moved_en")
        assert page.errors == []
    finally:
        context.close()

    # At the kiosk: phone + the one-time code texted to it.
    kiosk = open_kiosk(sms_hub, PORTRAIT)
    kiosk.locator("[data-action='checkin']").tap()
    kiosk.locator("[data-mode='phone']").tap()
    for digit in PHONE:
        kiosk.locator(f"[data-key='{digit}']").tap()
    kiosk.locator("#send-code").tap()
    kiosk.wait_for_selector("#code-sent:not([hidden])")
    otp = gateway.wait_code(PHONE, "checkin_code")
    for digit in otp:
        kiosk.locator(f"[data-key='{digit}']").tap()
    kiosk.locator("#checkin-go").tap()
    kiosk.wait_for_selector("#ticket:not([hidden])")
    number = kiosk.inner_text("#t-number").strip()
    assert re.fullmatch(r"C\d{3}", number)
    screenshot(kiosk, "book_7_kiosk_checked_in")
    assert kiosk.errors == []

    # The caller of window 4 (户籍) calls it: an appointment due now goes first.
    with caller(browser, sms_hub, "zhaolei") as clerk:
        sign_in(clerk, 4)
        press(clerk, "call-next", by_key=False)
        wait_current(clerk, number)
        screenshot(clerk, "book_8_called")
    called = gateway.wait_texts(PHONE, "called")
    assert called and called[0]["params"]["number"] == number


def test_the_managers_view_of_appointments(browser: Any, sms_hub: HubProcess) -> None:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{sms_hub.url}/manage")
        page.fill("#username", "director")
        page.fill("#password", sms_hub.passwords["director"])
        page.click("#login-button")
        page.wait_for_selector(".kpis", timeout=20000)
        page.locator("#nav a[data-page='appointments']").click()
        page.wait_for_selector("table.appointment-list tbody tr td")
        text = page.inner_text("#page-appointments")
        # The demo booked today and the next working day (Friday 27 November 2026).
        assert "2026-11-26" in text and "2026-11-27" in text
        assert "138****8001" in text and "13800138001" not in text
        assert not re.search(r"1[3-9]\d{9}", text), "a whole phone number is shown"
        assert int(page.inner_text("[data-kpi='total'] b")) >= 14
        screenshot(page, "book_9_manager")
        with page.expect_download() as download:
            page.locator("#ap-csv-list").click()
        data = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert data.startswith("日期,时段,事项编号,预约码,手机号,状态,号码")
        assert "138****8001" in data and "13800138001" not in data
        assert errors == []
    finally:
        context.close()


ID_NUMBER = "11010519491231002X"  # a valid GB 11643 number (the standard's example)


@pytest.mark.parametrize("shape", ["portrait", "landscape"])
def test_check_in_at_the_kiosk_by_id_number_shown_only_masked(
    sms_hub: HubProcess, gateway: FakeGateway, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]], shape: str,
) -> None:
    phone = "13700137201" if shape == "portrait" else "13700137202"
    id_number = ID_NUMBER if shape == "portrait" else "110105198001010016"
    api = f"{sms_hub.url}/api/v1"
    assert requests.post(f"{api}/book/code", json={"phone": phone}, timeout=10).ok
    booked = requests.post(f"{api}/book", timeout=10, json={
        "service": "household", "day": "2026-11-26", "slot": "15:00", "phone": phone,
        "otp": gateway.wait_code(phone, "booking_verify"), "id_number": id_number})
    assert booked.status_code == 201, booked.text
    page = open_kiosk(sms_hub, PORTRAIT if shape == "portrait" else LANDSCAPE)
    page.locator("[data-action='checkin']").tap()
    assert not page.is_visible("[data-key='X']")  # only for ID numbers
    page.locator("[data-mode='id']").tap()
    assert page.is_visible("[data-key='X']")
    for key in id_number:
        page.locator(f"[data-key='{key}']").tap()
    shown = page.inner_text("#checkin")
    assert id_number not in shown and id_number[:6] not in shown and "18/18" in shown
    assert page.is_enabled("#checkin-go")
    assert layout_problems(page) == []
    screenshot(page, f"book_kiosk_{shape}_id")
    page.locator("#checkin-go").tap()
    page.wait_for_selector("#ticket:not([hidden])")
    assert re.fullmatch(r"C\d{3}", page.inner_text("#t-number"))
    assert page.errors == []
