"""The window display page (/display/window/N): the small screen above one window.

It shows the window's name, the number called to it, the clerk on duty (name
and post) and whether the window is open, paused or closed, from /live.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.display.conftest import Desk, open_page
from tests.support.browser import screenshot
from tools.process import HubProcess

pytestmark = pytest.mark.slow


def window_page(browser: Any, hub: HubProcess, window: int, query: str = "",
                size: tuple[int, int] = (1920, 1080)) -> Any:
    return open_page(browser, hub.url, f"/display/window/{window}{query}",
                     hub.tokens[f"window-{window}"], size=size)


def test_a_window_opens_calls_serves_and_closes_with_its_clerk_shown(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    page = window_page(browser, demo_hub, 8, size=(1280, 720))
    expect(page.locator("#window-name")).to_have_text("8号综合窗口")
    expect(page.locator("body")).to_have_attribute("data-state", "closed")
    expect(page.locator("#big-state")).to_have_text("暂未开放")
    expect(page.locator("#staff")).to_be_hidden()

    clerk = desk(8)
    expect(page.locator("body")).to_have_attribute("data-state", "idle")
    expect(page.locator("#big-state")).to_have_text("欢迎光临")
    expect(page.locator("#staff-name")).to_have_text("周涛")
    expect(page.locator("#staff-post")).to_have_text("综合窗口 科员")

    clerk.issue("civil-affairs")
    number = clerk.call_next()
    expect(page.locator("#current")).to_have_text(number)
    expect(page.locator("#serving-label")).to_have_text("请")
    expect(page.locator("#hint")).to_have_text("号 到本窗口办理")
    screenshot(page, "display_window_call_720")
    clerk.act("no-show")
    expect(page.locator("body")).to_have_attribute("data-state", "idle")
    clerk.act("sign-out")
    expect(page.locator("body")).to_have_attribute("data-state", "closed")
    expect(page.locator("#staff")).to_be_hidden()
    assert page.js_errors == []


def test_a_window_screen_hears_only_its_own_window(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    four = window_page(browser, demo_hub, 4)
    other = desk(1)
    other.issue()
    number = other.call_next()
    hall = open_page(browser, demo_hub.url, "/display/hall", demo_hub.tokens["hall-1"])
    expect(hall.locator('.window-card[data-window="1"] .current')).to_have_text(number)
    expect(four.locator("body")).to_have_attribute("data-state", "closed")
    expect(four.locator("#current")).not_to_have_text(number)


def test_the_window_screen_in_english_and_an_unknown_window(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    desk(3)
    english = window_page(browser, demo_hub, 3, query="?lang=en")
    expect(english.locator("#window-name")).to_have_text("Window 3 Medical insurance")
    expect(english.locator("#big-state")).to_have_text("Welcome")
    expect(english.locator("#staff .role")).to_have_text("On duty")
    screenshot(english, "display_window_english_1080")
    unknown = open_page(browser, demo_hub.url, "/display/window/99", demo_hub.tokens["window-1"],
                        wait_live=False)
    expect(unknown.locator("#big-state")).to_have_text("没有99号窗口")
