"""Kiosk, pad, phone and dashboard fit their real screens, in Chinese and English.

Kiosk 1080×1920 and 1920×1080, pad 1280×800, phone 390×844, dashboard 1280×800 and
1440×900 (the hall and window displays: tests/display/test_display_fit.py). Each page
is walked through its states against a real hub and measured in the page
(tests/a11y/page_fit.js): the test fails on a horizontal scroll bar, on a text wider
than its box, ending in an ellipsis, taller than a box that clips it, outside the
screen or cut by a card, button or cell around it. The phone and the dashboard may
scroll down, never sideways. Screenshots: tests/artifacts/fit_*.png (look at them).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.display.conftest import Desk
from tests.kiosk.conftest import fake_bridge_script
from tests.support.browser import ARTIFACTS, screenshot, settle
from tests.support.hub import api
from tests.support.walks import book_to_the_phone_step, look_up_case, open_case_lookup
from tools.process import HubProcess

pytestmark = pytest.mark.slow

RAW_KEY = re.compile(r"\b(?:kind|col|level|rp|cf|cfg|nav|us|series)_[a-z_]+\b")
PAGE_FIT = (Path(__file__).parent / "page_fit.js").read_text(encoding="utf-8")
LANGS = ["zh", "en"]
READY = {"configured": True, "online": True, "paper": "ok", "cover_open": False, "error": None}
MANAGE_PAGES = ["overview", "alerts", "reports", "complaints", "follow-ups", "call-backs",
                "cases", "audit", "appointments", "notifications", "config/services",
                "config/windows", "config/users", "config/devices", "config/hours",
                "config/queue", "config/appointments", "config/display", "config/supervision"]


class Fit:
    """What the measure found in each state of a walk; screenshots of each."""

    def __init__(self, scrolls: bool = False) -> None:
        self.scrolls = scrolls
        self.found: list[str] = []
        self.states = 0

    def check(self, page: Any, state: str) -> None:
        settle(page)  # fonts and the last render
        problems: list[str] = page.evaluate(PAGE_FIT, self.scrolls)
        self.found.extend(f"[{state}] {p}" for p in problems)
        self.states += 1
        if self.scrolls:  # the whole page, as far down as it goes
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"fit_{state}.png"), full_page=True)
        else:
            screenshot(page, f"fit_{state}")

    def assert_none(self) -> None:
        assert self.found == [], f"{len(self.found)} problems:\n" + "\n".join(self.found)


def open_page(browser: Any, width: int, height: int, url: str, init: str | None = None,
              touch: bool = False) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="zh-CN", has_touch=touch)
    if init:
        context.add_init_script(init)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url)
    return page


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_kiosk_fits(browser: Any, demo_hub: HubProcess, size: tuple[int, int],
                    lang: str) -> None:
    fit = Fit()
    tag = f"kiosk_{size[0]}x{size[1]}_{lang}"
    bridge = fake_bridge_script({"ok": True, "status": READY, "message": ""}, READY)
    page = open_page(browser, *size, f"{demo_hub.url}/kiosk#token={demo_hub.tokens['kiosk-1']}",
                     init=bridge, touch=True)
    page.wait_for_selector("[data-category]")
    if lang == "en":
        page.locator("#lang-toggle").tap()
        page.wait_for_selector("html[lang='en']")
    fit.check(page, f"{tag}_home")
    categories = page.eval_on_selector_all("#categories [data-category]",
                                           "els => els.map((e) => e.dataset.category)")
    for i, category in enumerate(categories):
        page.locator(f"[data-category='{category}']").tap()
        page.wait_for_selector("#services:not([hidden])")
        fit.check(page, f"{tag}_services{i}")
        page.locator("#services [data-action='home']").tap()
    page.locator("[data-category='不动产']").tap()
    page.locator("[data-guide='real-estate']").tap()
    page.wait_for_selector("#guide:not([hidden])")
    fit.check(page, f"{tag}_guide")
    page.locator("[data-action='close-guide']").tap()
    page.locator("[data-service='real-estate']").tap()
    page.wait_for_selector("#priority:not([hidden])")
    fit.check(page, f"{tag}_priority")
    page.locator("[data-priority='elderly']").tap()
    page.wait_for_selector("#ticket:not([hidden])")
    page.wait_for_selector("#t-print:not(:empty)")
    page.wait_for_function("() => document.querySelector('#t-qr').naturalWidth > 0")
    fit.check(page, f"{tag}_ticket")
    page.locator("#ticket [data-action='home']").tap()
    page.locator("[data-action='checkin']").tap()
    page.wait_for_selector("#checkin:not([hidden])")
    fit.check(page, f"{tag}_checkin")
    assert fit.states >= 7
    fit.assert_none()
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_pad_fits(browser: Any, demo_hub: HubProcess, lang: str) -> None:
    fit = Fit()
    page = open_page(browser, 1280, 800,
                     f"{demo_hub.url}/pad/window/7?lang={lang}&ask=60&details=60&thanks=60"
                     f"#token={demo_hub.tokens['pad-7']}")
    page.wait_for_selector("#view-idle:not([hidden])", timeout=20_000)
    clerk = Desk(demo_hub, 7)
    state = clerk.act("sign-in")["window"]
    if state["ticket"]:
        clerk.act("complete")
        page.wait_for_selector("#view-ask:not([hidden])", timeout=20_000)
        page.locator(".level-5").click()
        page.wait_for_selector("#view-idle:not([hidden])", timeout=70_000)
    page.wait_for_selector("#staff-name:not(:empty)", timeout=20_000)
    fit.check(page, f"pad_{lang}_idle")
    clerk.issue()
    clerk.call_next()
    clerk.act("complete")
    page.wait_for_selector("#view-ask:not([hidden])", timeout=20_000)
    fit.check(page, f"pad_{lang}_rating")
    page.locator(".level-1").click()
    page.wait_for_selector("#view-details:not([hidden])")
    page.locator("#aspects button").first.click()
    fit.check(page, f"pad_{lang}_details")
    page.locator("#details-submit:not([disabled])").click()
    page.wait_for_selector("#view-thanks:not([hidden])", timeout=20_000)
    fit.check(page, f"pad_{lang}_thanks")
    fit.assert_none()
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_phone_page_fits(browser: Any, demo_hub: HubProcess, lang: str) -> None:
    fit = Fit(scrolls=True)
    issued = api(demo_hub, "POST", "/api/v1/tickets", demo_hub.tokens["kiosk-1"],
                 json={"service": "business-license", "priority": "elderly"}).json()
    page = open_page(browser, 390, 844, f"{demo_hub.url}/t/{issued['id']}", touch=True)
    page.wait_for_selector("#card:not([hidden])", timeout=20_000)
    if lang == "en":
        page.locator("#lang").click()
        page.wait_for_selector("html[lang='en']")
    fit.check(page, f"phone_{lang}_waiting")
    page.locator("#guide summary").click()
    fit.check(page, f"phone_{lang}_guide")
    state_before = page.inner_text("#state")
    Desk(demo_hub, 7).call_next()  # business-license: window 7 calls it (or one before it)
    # The page shows where the ticket stands now, as the hub says: its place in the
    # queue, or (called) another state than before.
    now = api(demo_hub, "GET", f"/api/v1/tickets/{issued['id']}").json()
    if now["status"] == "waiting":
        page.wait_for_function("(n) => (document.querySelector('#ahead').textContent"
                               ".match(/\\d+/) || [''])[0] === String(n)", arg=now["ahead"],
                               timeout=20_000)
    else:
        page.wait_for_function("(before) => document.querySelector('#state').textContent"
                               " !== before", arg=state_before, timeout=20_000)
    fit.check(page, f"phone_{lang}_later")
    # 大字 / Large text: the card's texts a third bigger, still one column in the width,
    # kept on this phone across a reload.
    sizes = "() => ['#service', '#hint', '#g-materials li'].map((s) => " \
        "document.querySelector(s).getBoundingClientRect().height)"
    before = page.evaluate(sizes)
    assert page.get_attribute("#large", "aria-pressed") == "false"
    page.locator("#large").click()
    assert page.get_attribute("#large", "aria-pressed") == "true"
    assert page.inner_text("#large") == ("标准字" if lang == "zh" else "Normal text")
    after = page.evaluate(sizes)
    assert all(a >= 1.25 * b for a, b in zip(after, before, strict=True)), (before, after)
    fit.check(page, f"phone_{lang}_large")
    page.reload()
    page.wait_for_selector("#card:not([hidden])", timeout=20_000)
    assert page.evaluate("document.documentElement.classList.contains('large')")
    page.locator("#guide summary").click()
    fit.check(page, f"phone_{lang}_large_reloaded")
    fit.assert_none()
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_booking_and_case_pages_fit(browser: Any, demo_hub: HubProcess, lang: str) -> None:
    """The citizen's other phone pages: booking (/book) and following a case (/c)."""
    fit = Fit(scrolls=True)
    page = open_page(browser, 390, 844, f"{demo_hub.url}/book", touch=True)
    book_to_the_phone_step(page, lang, fit.check)
    fit.check(page, f"book_{lang}_phone")
    open_case_lookup(page, demo_hub.url, lang)
    look_up_case(page, "C2026-000004", "13800138014")  # the demo's 全程代理 case, past review
    page.wait_for_selector("#case:not([hidden])", timeout=20_000)
    fit.check(page, f"case_{lang}_found")
    fit.assert_none()
    assert page.errors == []
    page.context.close()


# The dashboard lays itself out in CSS only, but for its charts, which are drawn again
# for their width whenever it changes (manage-charts.js): a page loaded at one size and
# then resized is laid out as one loaded at the new size. So one login walks every page
# at both sizes.
DASHBOARD_SIZES = [(1280, 800), (1440, 900)]
CHARTS_FITTED = """() => Array.from(document.querySelectorAll('svg.chart')).every((svg) =>
    Math.abs(Math.floor(svg.getBoundingClientRect().width) - svg.viewBox.baseVal.width) < 2
    || !svg.getBoundingClientRect().width)"""


@pytest.mark.parametrize("lang", LANGS)
def test_dashboard_fits(browser: Any, demo_hub: HubProcess, lang: str) -> None:
    fit = Fit(scrolls=True)
    page = open_page(browser, *DASHBOARD_SIZES[0], f"{demo_hub.url}/manage",
                     init=f"localStorage.setItem('jiaohao.lang.manage', '{lang}')")
    page.wait_for_selector("#view-login:not([hidden])", timeout=20_000)
    for width, height in DASHBOARD_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        fit.check(page, f"manage_{width}_{lang}_login")
    page.fill("#username", "director")
    page.fill("#password", demo_hub.passwords["director"])
    page.click("#login-button")
    page.wait_for_selector(".windows .window", timeout=20_000)
    for name in MANAGE_PAGES:
        page.evaluate("(name) => { location.hash = name; }", name)
        section = "config" if name.startswith("config/") else name
        # The page is shown, and what it asked the hub for has come and been drawn.
        page.wait_for_selector(f"#main[aria-busy='false'] > #page-{section}:not([hidden])",
                               timeout=20_000)
        for width, height in DASHBOARD_SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_function(CHARTS_FITTED, timeout=20_000)
            fit.check(page, f"manage_{width}_{lang}_{name.replace('/', '_')}")
        # No string key shown instead of its text (an alert kind once showed "kind_unserved").
        raw = RAW_KEY.findall(page.inner_text("#main"))
        assert raw == [], (name, raw)
    fit.assert_none()
    assert page.errors == []
    page.context.close()
