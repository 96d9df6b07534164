"""Front of house on the hall and window displays (issue 14, items 2 and 3).

- The big panel shows only a call that still stands: a no-show or a pause after
  completing clears it (the newest call still standing, or 暂无叫号).
- The 公告 a manager types on the dashboard's 公示信息 page scrolls along the hall.
- The 过号 list: today's no-shows, numbers only, gone when reinstated.
- The window screen shows its next number and how many wait for it (the hub's routing).
- The clock is the hub's, not the display PC's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.display.conftest import Desk, open_page
from tests.support.browser import screenshot
from tools.process import HubProcess

pytestmark = pytest.mark.slow


def hall(browser: Any, hub: HubProcess, lang: str = "zh") -> Any:
    return open_page(browser, hub.url, f"/display/hall?lang={lang}", hub.tokens["hall-1"])


def call(clerk: Desk) -> dict[str, Any]:
    """Finish what the clerk has, call the next; the ticket called (with its id)."""
    state = clerk.act("sign-in")["window"]
    if state["ticket"]:
        clerk.act("complete")
    ticket: dict[str, Any] = clerk.act("call-next")["ticket"]
    return ticket


def test_a_no_show_and_a_pause_clear_the_big_panel(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    page = hall(browser, demo_hub)
    one, two = desk(1), desk(2)
    for clerk in (one, two):
        clerk.issue()
        clerk.issue()
    first = call(one)["number"]
    expect(page.locator("#newest-number")).to_have_text(first)
    second = call(two)["number"]
    expect(page.locator("#newest-number")).to_have_text(second)

    two.act("no-show")  # the newest call no longer stands: the one before it does
    expect(page.locator("#newest-number")).to_have_text(first)
    expect(page.locator("#newest")).to_contain_text("1号窗口")
    # The calls stay in the list of recent calls.
    expect(page.locator(f'#recent .call-row[data-number="{second}"]')).to_have_count(1)

    one.act("complete")
    one.act("pause", reason="午休")  # 暂停 午休 beside … no call at all now
    expect(page.locator('.window-card[data-window="1"]')).to_have_attribute("data-state", "paused")
    expect(page.locator("#newest-empty")).to_be_visible()
    expect(page.locator("#newest-empty")).to_have_text("暂无叫号")
    expect(page.locator("#newest .where")).to_be_hidden()
    expect(page.locator("#newest-number")).to_have_text("")
    screenshot(page, "display_front_cleared")

    one.act("open")
    third = call(one)["number"]  # a new call stands again
    expect(page.locator("#newest-number")).to_have_text(third)
    # A fresh page (from the snapshot) agrees.
    two.act("sign-out")
    again = hall(browser, demo_hub)
    expect(again.locator("#newest-number")).to_have_text(third)
    assert page.js_errors == [] and again.js_errors == []


def test_the_missed_list_shows_no_shows_until_reinstated(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    page = hall(browser, demo_hub)
    clerk = desk(7)
    clerk.issue("civil-affairs")
    clerk.issue("civil-affairs")
    missed = call(clerk)
    clerk.act("no-show")
    item = page.locator(f'#missed-list li[data-number="{missed["number"]}"]')
    expect(item).to_have_count(1)
    expect(page.locator("#missed")).to_be_visible()
    # Numbers only, newest first; a new page shows the same from the snapshot.
    later = call(clerk)
    clerk.act("no-show")
    expect(page.locator("#missed-list li").first).to_have_text(later["number"])
    fresh = hall(browser, demo_hub)
    expect(fresh.locator("#missed-list li").first).to_have_text(later["number"])
    expect(fresh.locator(f'#missed-list li[data-number="{missed["number"]}"]')).to_have_count(1)
    screenshot(page, "display_front_missed")

    clerk.act("reinstate", ticket=missed["number"])
    expect(item).to_have_count(0)
    expect(fresh.locator(f'#missed-list li[data-number="{missed["number"]}"]')).to_have_count(0)
    # Never a ticket's id on the screen.
    assert missed["id"] not in page.content()
    assert page.js_errors == []


def test_the_notice_typed_on_the_dashboard_scrolls_along_the_hall(
    browser: Any, demo_hub: HubProcess
) -> None:
    page = hall(browser, demo_hub)
    manager = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    manager.goto(f"{demo_hub.url}/manage")
    manager.fill("#username", "director")
    manager.fill("#password", demo_hub.passwords["director"])
    manager.click("#login-button")
    manager.wait_for_selector(".kpis", timeout=20000)
    manager.goto(f"{demo_hub.url}/manage#config/display")
    notice = "今日下午三点起暂停办理不动产登记业务，请提前取号。"
    manager.locator('[data-path="center.notice.zh"]').fill(notice)
    manager.locator('[data-path="center.notice.en"]').fill("Real estate closes at 3 pm today.")
    manager.click("#cf-save")
    manager.locator("#toast").locator("text=已保存").wait_for(timeout=10000)
    screenshot(manager, "display_front_dashboard_notice")

    text = page.locator("#notice-text")
    expect(text).to_have_text(notice, timeout=15000)
    expect(page.locator("#notice-bar")).to_be_visible()
    # It moves: its position changes from one moment to the next.
    x1 = text.evaluate("n => n.getBoundingClientRect().x")
    page.wait_for_function("(x1) => document.getElementById('notice-text')"
                           ".getBoundingClientRect().x < x1 - 5", arg=x1, timeout=5000)
    x2 = text.evaluate("n => n.getBoundingClientRect().x")
    assert x2 < x1 - 5, (x1, x2)
    screenshot(page, "display_front_notice")
    english = hall(browser, demo_hub, "en")
    expect(english.locator("#notice-text")).to_have_text("Real estate closes at 3 pm today.")

    # The dashboard refuses a notice that is too long, naming the field.
    manager.locator('[data-path="center.notice.zh"]').evaluate(
        "(n) => { n.removeAttribute('maxlength'); }")
    manager.locator('[data-path="center.notice.zh"]').fill("长" * 301)
    manager.click("#cf-save")
    expect(manager.locator("#cf-error")).to_contain_text("center.notice.zh")
    assert page.js_errors == []


def test_the_window_screen_shows_the_next_number_and_how_many_wait(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    clerk = desk(8)  # 综合窗口: serves civil affairs (and more)
    screen = open_page(browser, demo_hub.url, "/display/window/8", demo_hub.tokens["window-8"],
                       size=(1280, 720))
    queue = requests.get(f"{demo_hub.url}/api/v1/windows/8/queue", timeout=10, headers={
        "Authorization": f"Bearer {clerk.token}"}).json()["waiting"]
    waiting = screen.locator("#waiting-count")
    expect(waiting).to_have_attribute("data-waiting", str(len(queue)))
    clerk.issue("civil-affairs")  # heard through the hall room: a new ticket
    expect(waiting).to_have_attribute("data-waiting", str(len(queue) + 1))
    expect(screen.locator("#queue-line")).to_contain_text("人等候")

    def hub_next() -> str:
        answer = requests.get(f"{demo_hub.url}/api/v1/state", timeout=10, headers={
            "Authorization": f"Bearer {demo_hub.tokens['window-8']}"}).json()
        found: str = answer["window_queues"]["8"]["next"]
        return found

    announced = hub_next()
    expect(screen.locator("#next-number")).to_have_text(announced)
    called = call(clerk)["number"]
    assert called == announced  # the number shown as next is the one the window calls
    expect(screen.locator("#current")).to_have_text(called)
    expect(waiting).to_have_attribute("data-waiting", str(len(queue)))
    expect(screen.locator("#next-number")).to_have_text(hub_next() or "—")
    screenshot(screen, "display_front_window_next")
    clerk.act("complete")
    clerk.act("pause", reason="午休")
    expect(screen.locator("#queue-line")).to_be_hidden()
    assert screen.js_errors == []


def test_the_clock_is_the_hubs_not_the_display_pcs(browser: Any, demo_hub: HubProcess) -> None:
    # The display PC's clock is 5 hours and 17 minutes off; the screens show the hub's time.
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.add_init_script("(() => { const real = Date.now.bind(Date);"
                            " Date.now = () => real() + (5 * 60 + 17) * 60000; })()")
    page = context.new_page()
    page.goto(f"{demo_hub.url}/display/hall#token={demo_hub.tokens['hall-1']}")
    expect(page.locator("body")).to_have_attribute("data-status", "live", timeout=20000)
    expect(page.locator("#clock")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    hub_now = datetime.fromisoformat(requests.get(
        f"{demo_hub.url}/api/v1/clock?center=demo", timeout=10).json()["now"])
    hub_now = hub_now.astimezone(timezone(timedelta(hours=8)))
    shown = page.locator("#clock").inner_text()
    shown_at = datetime.combine(hub_now.date(), datetime.strptime(shown, "%H:%M:%S").time(),
                                hub_now.tzinfo)
    assert abs((shown_at - hub_now).total_seconds()) < 5, (shown, hub_now)
    screen = context.new_page()
    screen.goto(f"{demo_hub.url}/display/window/1#token={demo_hub.tokens['window-1']}")
    expect(screen.locator("body")).to_have_attribute("data-status", "live", timeout=20000)
    hhmm = screen.locator("#clock").inner_text()
    assert hhmm in {f"{hub_now:%H:%M}", f"{hub_now + timedelta(minutes=1):%H:%M}"}, (hhmm, hub_now)
    context.close()
