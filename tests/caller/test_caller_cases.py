"""办件 end to end in real pages: a clerk opens a 承诺件 at the counter on the caller
page (and records a 一次性告知), the citizen follows it on a phone-sized page by
number + phone, the clerk moves it to 审核 and the manager to 办结 on the dashboard,
and the texts (accepted, materials, done) arrive at the fake SMS gateway."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.caller.callerkit import (
    TIMEOUT_MS,
    caller,
    issue,
    press,
    sign_in,
    wait_current,
    wait_message,
    wait_text,
)
from tests.fakes.fake_gateway import FakeGateway
from tests.support.browser import screenshot
from tools.process import HubProcess

pytestmark = pytest.mark.slow
PHONE = "13912345678"
PHONE_SIZE = {"width": 390, "height": 844}


def texts(gateway: FakeGateway, phone: str, template: str, timeout: float = 20) -> list[Any]:
    """The messages `template` sent to `phone`, waiting until there is one."""
    return gateway.wait_texts(phone, template, timeout)


@pytest.fixture
def phone_page(browser: Any, sms_hub: HubProcess) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE_SIZE, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    try:
        yield page
        assert page.errors == [], page.errors
    finally:
        context.close()


def look_up(page: Any, hub: HubProcess, number: str, phone: str) -> None:
    page.goto(f"{hub.url}/c?n={number}")
    page.wait_for_selector("#lookup:not([hidden])", timeout=TIMEOUT_MS)
    assert page.input_value("#number") == number  # from the link
    page.fill("#phone", phone)
    page.click("#go")


def manager_page(browser: Any, hub: HubProcess) -> Any:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{hub.url}/manage")
    page.fill("#username", "director")
    page.fill("#password", hub.passwords["director"])
    page.click("#login-button")
    page.wait_for_selector(".kpis", timeout=20000)
    page.locator("#nav a[data-page='cases']").click()
    # Rows of cases, not the empty table drawn before the list arrives.
    page.wait_for_selector("table.cases [data-case-next]", timeout=TIMEOUT_MS)
    return page


def test_a_case_opened_at_the_counter_is_followed_on_the_phone_to_done(
        browser: Any, sms_hub: HubProcess, gateway: FakeGateway, phone_page: Any) -> None:
    number = issue(sms_hub, "household")["number"]
    with caller(browser, sms_hub, "zhaolei") as page:  # 赵磊, 4号窗口 户籍
        sign_in(page, 4)
        press(page, "call-next", by_key=False)
        wait_current(page, number)
        press(page, "start", by_key=False)

        # 一次性告知 first: the materials missing today, from the guide plus free text.
        page.keyboard.press("M")
        page.wait_for_selector("#dialog:not([hidden]) #notice-materials", timeout=TIMEOUT_MS)
        assert page.input_value("#notice-ticket") == number
        page.check("#notice-materials input[value='户口簿']")
        page.fill("#notice-other", "村委会出具的居住证明")
        page.fill("#notice-phone", PHONE)
        page.click("#dialog-ok")
        wait_text(page, "#notice-text", "1. 户口簿\n2. 村委会出具的居住证明")
        screenshot(page, "caller_materials_notice")
        page.click("#dialog-cancel")

        # Then the case itself: a 承诺件 of 户籍 (5 working days in the demo).
        page.keyboard.press("C")
        page.wait_for_selector("#dialog:not([hidden]) #case-service", timeout=TIMEOUT_MS)
        assert page.input_value("#case-ticket") == number
        assert page.input_value("#case-service") == "household"
        wait_text(page, "#case-promised-label", "5 个工作日")
        page.click("#dialog-ok")  # no phone yet: refused before it reaches the hub
        wait_text(page, "#dialog-error", "承诺件需要群众手机号")
        # Typed key by key: in the caller's dialog a digit picks a choice, but not
        # in a field (the phone number stays whole, the kind stays 承诺件).
        page.focus("#case-phone")
        page.keyboard.type(PHONE)
        assert page.input_value("#case-phone") == PHONE
        assert page.is_checked("input[name=kind][value=promised]")
        page.fill("#case-note", "身份证照片已采集")
        screenshot(page, "caller_case_dialog")
        page.click("#dialog-ok")
        wait_text(page, "#case-result", r"C\d{4}-\d{6}")
        case_number = page.inner_text("#case-result b").strip()
        wait_message(page, f"已开办件 {case_number}")
        screenshot(page, "caller_case_opened")
        page.click("#dialog-cancel")
        press(page, "complete", by_key=False)
        wait_current(page, None)

        # The citizen's phone: accepted, due in 5 working days.
        look_up(phone_page, sms_hub, case_number, PHONE)
        phone_page.wait_for_selector("#case:not([hidden])", timeout=TIMEOUT_MS)
        assert phone_page.inner_text("#case-number") == case_number
        assert phone_page.inner_text("#case-stage") == "受理"
        assert "户籍" in phone_page.inner_text("#case-service")
        assert phone_page.inner_text("#case-left") == "5 天"
        assert "赵磊" not in phone_page.content() and "zhaolei" not in phone_page.content()
        screenshot(phone_page, "phone_case_accepted")
        accepted = texts(gateway, PHONE, "case_accepted")
        assert [m["params"]["number"] for m in accepted] == [case_number]
        materials = texts(gateway, PHONE, "materials_notice")
        assert materials and "户口簿" in materials[0]["params"]["materials"]

        # The clerk moves it to 审核 from the cases card.
        row = f"#cases-list li[data-case='{case_number}']"
        page.wait_for_selector(row, timeout=TIMEOUT_MS)
        page.click(f"{row} [data-case-next='review']")
        wait_message(page, f"办件 {case_number} 已进入“审核”")
        wait_text(page, f"{row} .case-stage", "审核")
        screenshot(page, "caller_cases_card")

    # The manager sees it among the open cases (the demo's overdue one flagged) and moves
    # it to 办结.
    manager = manager_page(browser, sms_hub)
    try:
        assert "已超期" in manager.inner_text("table.cases")
        manager.locator(".filters [data-show='overdue']").click()
        manager.wait_for_function(
            "() => [...document.querySelectorAll('table.cases tbody tr')].every("
            "(tr) => tr.classList.contains('row-bad'))", timeout=TIMEOUT_MS)
        screenshot(manager, "manage_cases_overdue")
        manager.locator(".filters [data-show='open']").click()
        button = manager.locator(f"[data-case-next='{case_number}']")
        button.wait_for(timeout=TIMEOUT_MS)
        assert button.inner_text() == "→ 办结"
        screenshot(manager, "manage_cases")
        button.click()
        manager.wait_for_function(
            "n => document.getElementById('toast').textContent.includes(n + ' 已进入“办结”')",
            arg=case_number, timeout=TIMEOUT_MS)
        # The alerts: the demo's overdue case and those due within a working day.
        manager.locator("#nav a[data-page='alerts']").click()
        manager.wait_for_function(
            "() => document.getElementById('page-alerts').textContent.includes('办件超期')",
            timeout=TIMEOUT_MS)
        alerts = manager.inner_text("#page-alerts")
        assert "C2026-000001" in alerts and "办件即将到期" in alerts
        screenshot(manager, "manage_case_alerts")
        assert manager.errors == [], manager.errors
    finally:
        manager.context.close()

    # The phone page, looked up again: 办结, on time; the text says so.
    phone_page.click("#again")
    look_up(phone_page, sms_hub, case_number, PHONE)
    phone_page.wait_for_function(
        "() => document.getElementById('case-stage').textContent === '办结'", timeout=TIMEOUT_MS)
    assert phone_page.locator("#case-stages li.reached").count() == 3
    assert "办结" in phone_page.inner_text("#case-history")
    screenshot(phone_page, "phone_case_done")
    done = texts(gateway, PHONE, "case_done")
    assert [m["params"]["number"] for m in done] == [case_number]
    # Each text once in the gateway's log, however often the outbox retried.
    ids = [r.id for r in gateway.received if r.body.get("phone") == PHONE]
    assert len(ids) == len(set(ids)) == 3

    # The demo's cases due within a working day were told so by the outbox's tick.
    for phone in ("13800138012", "13800138013"):  # due tomorrow, due today
        assert texts(gateway, phone, "case_due_soon"), phone
    assert texts(gateway, "13800138011", "case_due_soon", timeout=0) == []  # overdue already

    # English on the phone; and a wrong phone finds nothing, with the same words.
    phone_page.click("#lang")
    assert phone_page.inner_text("#case-stage") == "Done"
    phone_page.click("#again")
    phone_page.fill("#number", case_number)
    phone_page.fill("#phone", "13900000000")
    phone_page.click("#go")
    wait_text(phone_page, "#error", "No case matches")
    screenshot(phone_page, "phone_case_not_found_en")
