"""The hall display page (/display/hall) against a real hub in headless Chromium.

Calls are made by the demo's clerks through the REST API; the page must show
them from its /live subscription: the newest very large, the others listed
once each, every window's number and state, the queues, and a clear marker
while it is cut off. Screenshots go to tests/artifacts/display_hall_*.png.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.display.conftest import LIVE, CuttableLink, Desk, open_page
from tests.support.browser import screenshot
from tools.process import HubProcess

pytestmark = pytest.mark.slow

FULL_HD = (1920, 1080)
FLASHING = re.compile(r"\bflash\b")


def hall(browser: Any, hub: HubProcess, url: str | None = None, query: str = "",
         **options: Any) -> Any:
    return open_page(browser, url or hub.url, f"/display/hall{query}", hub.tokens["hall-1"],
                     **options)


def entries(page: Any, number: str) -> Any:
    """The call entries (the big newest call and the list) that show `number`."""
    return page.locator(f'#newest-number[data-number="{number}"], '
                        f'#recent .call-row[data-number="{number}"]')


def card(page: Any, window: int) -> Any:
    return page.locator(f'.window-card[data-window="{window}"]')


# A call flashes for 4 s (display.css: 4 × 1 s): where a test needs the flash over, it
# plays the flash to its end at once (the Web Animations API's finish(), as if its 4 s
# had passed) instead of waiting for it, then waits until no animation runs.
END_FLASH = """(id) => document.getElementById(id).getAnimations({subtree: true})
    .filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
    .forEach((a) => a.finish())"""


def running_animations(locator: Any) -> int:
    count: int = locator.evaluate("node => node.getAnimations({subtree: true}).length")
    return count


def test_the_hall_shows_the_center_its_windows_staff_and_queues(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    # The 政务公开 slides turn every 2 s here (12 s unless told), to see each come round.
    page = hall(browser, demo_hub, query="?rotate=2")
    expect(page.locator("#center-name")).to_have_text("清河县政务服务中心")
    expect(page.locator("#date")).to_have_text("2026年11月26日 星期四")
    expect(page.locator("#clock")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    expect(page.locator(".window-card")).to_have_count(8)
    expect(page.locator(".queue")).to_have_count(6)
    expect(card(page, 4)).to_have_attribute("data-state", "closed")
    household = page.locator('.queue[data-service="household"] .waiting')
    before = int(household.inner_text())

    clerk = desk(4)
    expect(card(page, 4)).to_have_attribute("data-state", "idle")
    clerk.issue()
    expect(household).to_have_text(str(before + 1))
    # 政务公开: the clerk on duty, name and post, comes round in the rotating panel.
    staff = page.locator("#public-slide ul.staff li", has_text="赵磊")
    expect(staff).to_contain_text("户籍窗口 民警", timeout=30_000)
    expect(page.locator("#complaint")).to_contain_text("0311-12345")
    expect(page.locator("#public-slide[data-slide=promises]")).to_contain_text(
        "一次性告知", timeout=30_000)
    screenshot(page, "display_hall_start_1080")
    assert page.js_errors == []


def test_a_call_and_its_recall_appear_on_the_hall_and_the_window_page(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    page = hall(browser, demo_hub)
    window = open_page(browser, demo_hub.url, "/display/window/5", demo_hub.tokens["window-5"])
    clerk = desk(5)
    expect(window.locator("#staff-name")).to_have_text("陈静")
    expect(window.locator("#staff-post")).to_have_text("不动产窗口 科员")

    issued = clerk.issue()
    assert clerk.call_next() == issued
    expect(page.locator("#newest-number")).to_have_text(issued)
    expect(page.locator("#newest-window")).to_have_text("5号窗口")
    expect(entries(page, issued)).to_have_count(1)
    expect(card(page, 5).locator(".current")).to_have_text(issued)
    expect(card(page, 5)).to_have_attribute("data-state", "called")
    expect(page.locator("#newest")).to_have_class(FLASHING)
    expect(window.locator("#current")).to_have_text(issued)
    expect(window.locator("body")).to_have_attribute("data-state", "called")
    screenshot(page, "display_hall_call_1080")
    screenshot(window, "display_window_call_1080")

    # A recall flashes the same call again, still listed once.
    page.evaluate(END_FLASH, "newest")
    window.evaluate(END_FLASH, "screen")
    page.wait_for_function("() => !document.getElementById('newest').getAnimations().length",
                           timeout=15_000)
    window.wait_for_function("() => !document.getElementById('screen').getAnimations().length",
                             timeout=15_000)
    clerk.act("recall")
    expect(page.locator("#newest")).to_have_class(FLASHING)
    expect(page.locator("#newest")).to_have_class(re.compile(r"\bis-recall\b"))
    assert running_animations(page.locator("#newest")) > 0
    expect(entries(page, issued)).to_have_count(1)
    expect(window.locator("#with-ticket")).to_have_class(re.compile(r"\bis-recall\b"))
    assert running_animations(window.locator("#screen")) > 0

    clerk.act("start")
    expect(card(page, 5)).to_have_attribute("data-state", "serving")
    expect(window.locator("body")).to_have_attribute("data-state", "serving")
    expect(window.locator("#serving-label")).to_have_text("正在办理")
    clerk.act("complete")
    expect(card(page, 5)).to_have_attribute("data-state", "idle")
    expect(window.locator("body")).to_have_attribute("data-state", "idle")
    assert page.js_errors == [] and window.js_errors == []


def test_two_calls_made_at_the_same_instant_both_appear(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    page = hall(browser, demo_hub)
    clerks = [desk(1), desk(2)]
    for clerk in clerks:
        clerk.issue()
        if clerk.act("sign-in")["window"]["ticket"]:
            clerk.act("complete")
    start = threading.Barrier(len(clerks))

    def call(clerk: Desk) -> str:
        start.wait()
        number: str = clerk.act("call-next")["ticket"]["number"]
        return number

    with ThreadPoolExecutor(len(clerks)) as pool:
        numbers = list(pool.map(call, clerks))
    assert len(set(numbers)) == 2
    for window, number in zip((1, 2), numbers, strict=True):
        expect(entries(page, number)).to_have_count(1)
        expect(card(page, window).locator(".current")).to_have_text(number)
    state = requests.get(f"{demo_hub.url}/api/v1/state", timeout=10,
                         headers={"Authorization": f"Bearer {demo_hub.tokens['hall-1']}"}).json()
    newest, other = state["recent_calls"][0], state["recent_calls"][1]
    assert {newest["number"], other["number"]} == set(numbers)
    # The later seq is the newest; the other is first in the list, and both are highlighted.
    expect(page.locator("#newest-number")).to_have_text(newest["number"])
    expect(page.locator("#recent .call-row").first).to_have_attribute("data-number",
                                                                      other["number"])
    expect(page.locator("#recent .call-row").first).to_have_class(re.compile(r"\bfresh\b"))
    screenshot(page, "display_hall_two_calls_1080")


def test_a_paused_window_shows_its_reason(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    page = hall(browser, demo_hub)
    window = open_page(browser, demo_hub.url, "/display/window/7", demo_hub.tokens["window-7"])
    clerk = desk(7)
    clerk.act("pause", reason="会议")
    expect(card(page, 7)).to_have_attribute("data-state", "paused")
    expect(card(page, 7).locator(".current")).to_have_text("暂停")
    expect(card(page, 7).locator(".state")).to_have_text("会议")
    expect(window.locator("body")).to_have_attribute("data-state", "paused")
    expect(window.locator("#big-state")).to_have_text("暂停服务")
    expect(window.locator("#reason")).to_have_text("会议")
    screenshot(window, "display_window_paused_1080")
    screenshot(page, "display_hall_paused_1080")
    clerk.act("open")
    expect(card(page, 7)).to_have_attribute("data-state", "idle")
    expect(window.locator("body")).to_have_attribute("data-state", "idle")


def test_a_page_cut_off_shows_the_missed_call_once_when_it_reconnects(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk], link: CuttableLink
) -> None:
    page = hall(browser, demo_hub, url=link.url)
    window = open_page(browser, link.url, "/display/window/6", demo_hub.tokens["window-6"])
    clerk = desk(6)
    clerk.issue()
    first = clerk.call_next()
    expect(entries(page, first)).to_have_count(1)

    link.cut()
    for screen in (page, window):
        expect(screen.locator("body")).to_have_attribute("data-status", "lost")
        expect(screen.locator("#banner")).to_be_visible()
        expect(screen.locator("#banner")).to_contain_text("连接中断")
    screenshot(page, "display_hall_connection_lost_1080")
    screenshot(window, "display_window_connection_lost_1080")
    clerk.issue()
    missed = clerk.call_next()  # made while the screens are cut off
    expect(entries(page, missed)).to_have_count(0)

    link.restore()
    for screen in (page, window):
        expect(screen.locator("body")).to_have_attribute("data-status", "live", timeout=LIVE)
        expect(screen.locator("#banner")).to_be_hidden()
    expect(page.locator("#newest-number")).to_have_text(missed)
    expect(entries(page, missed)).to_have_count(1)
    expect(entries(page, first)).to_have_count(1)
    expect(window.locator("#current")).to_have_text(missed)

    clerk.issue()
    later = clerk.call_next()
    expect(page.locator("#newest-number")).to_have_text(later)
    for number in (first, missed, later):
        expect(entries(page, number)).to_have_count(1)
    assert page.js_errors == [] and window.js_errors == []


@pytest.mark.parametrize("size", [FULL_HD, (3840, 2160)], ids=["1080", "2160"])
def test_the_hall_fills_a_tv_and_is_readable_from_afar(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk], size: tuple[int, int]
) -> None:
    clerk = desk(8)
    clerk.issue("business-license")
    page = hall(browser, demo_hub, size=size)
    number = clerk.call_next()
    expect(page.locator("#newest-number")).to_have_text(number)
    page.evaluate(END_FLASH, "newest")
    page.wait_for_function("() => !document.getElementById('newest').getAnimations().length",
                           timeout=15_000)
    layout = page.evaluate("""() => {
        const root = document.scrollingElement;
        const texts = Array.from(document.querySelectorAll('body *')).filter((node) =>
            node.checkVisibility() && Array.from(node.childNodes).some(
                (child) => child.nodeType === 3 && child.textContent.trim()));
        const clipped = Array.from(document.querySelectorAll(
            '.window-card .current, .call-row, #newest .number, #newest .where, .queue .figures'))
            .filter((node) => node.scrollWidth > node.clientWidth + 1)
            .map((node) => node.textContent);
        return {
            overflow: root.scrollHeight > innerHeight || root.scrollWidth > innerWidth,
            smallest: Math.min(...texts.map((node) => parseFloat(getComputedStyle(node).fontSize))),
            newest: parseFloat(getComputedStyle(document.getElementById('newest-number')).fontSize),
            clipped,
        };
    }""")
    height = size[1]
    assert not layout["overflow"]
    assert layout["clipped"] == []
    assert layout["newest"] >= 0.18 * height          # the newest call: a fifth of the screen
    assert layout["smallest"] >= 0.025 * height       # nothing under 2.5 % of the height
    screenshot(page, f"display_hall_{size[1]}")


def test_the_hall_in_english_and_without_a_token(browser: Any, demo_hub: HubProcess) -> None:
    english = open_page(browser, demo_hub.url, "/display/hall?lang=en", demo_hub.tokens["hall-1"])
    expect(english.locator("#newest .label")).to_have_text("Now calling")
    expect(english.locator("#center-name")).to_have_text("Qinghe County Government Service Center")
    expect(english.locator("#date")).to_have_text("Thu 26 Nov 2026")
    screenshot(english, "display_hall_english_1080")

    anonymous = open_page(browser, demo_hub.url, "/display/hall", "", wait_live=False)
    expect(anonymous.locator("#banner")).to_contain_text("缺少设备令牌")
    refused = open_page(browser, demo_hub.url, "/display/hall", "not-a-token", wait_live=False)
    expect(refused.locator("body")).to_have_attribute("data-status", "refused")
    expect(refused.locator("#banner")).to_contain_text("未获授权")
