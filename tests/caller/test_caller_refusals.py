"""When the hub refuses, the clerk reads why in plain words; when the connection
drops, the caller says so plainly and, back online, shows what happened meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.caller.callerkit import (
    caller,
    dialog_open,
    issue,
    press,
    sign_in,
    wait_actions,
    wait_current,
    wait_message,
    wait_text,
    window_action,
)
from tests.support.browser import screenshot

pytestmark = pytest.mark.slow
IDLE = {"call-next", "call", "pause", "sign-out"}  # 过号恢复 only with a no-show to restore
NOT_WAITING = "这个号现在不在等候中（可能已被其他窗口呼叫或已办结）。"


@pytest.fixture(autouse=True)
def off_duty(demo_hub: Any) -> Iterator[None]:
    """Whatever a test leaves behind, its clerks end it signed out (the next test signs in
    afresh)."""
    yield
    for clerk, window in (("sunyue", 7), ("zhoutao", 8)):
        token = demo_hub.login(clerk)
        window_action(demo_hub, token, window, "complete")
        window_action(demo_hub, token, window, "sign-out")


def test_refusals_are_said_in_plain_words(browser: Any, demo_hub: Any) -> None:
    taken = issue(demo_hub, "civil-affairs")["number"]
    sunyue = demo_hub.login("sunyue")
    assert window_action(demo_hub, sunyue, 7, "sign-in").ok
    assert window_action(demo_hub, sunyue, 7, "call", ticket=taken).ok
    # A no-show at window 8, so that 过号恢复 is on (off with nothing to restore).
    zhoutao = demo_hub.login("zhoutao")
    missed = issue(demo_hub, "civil-affairs")["number"]
    assert window_action(demo_hub, zhoutao, 8, "sign-in").ok
    assert window_action(demo_hub, zhoutao, 8, "call", ticket=missed).ok
    assert window_action(demo_hub, zhoutao, 8, "no-show").ok
    assert window_action(demo_hub, zhoutao, 8, "sign-out").ok  # the page signs in itself
    with caller(browser, demo_hub, "zhoutao") as page:
        sign_in(page, 8)
        wait_actions(page, IDLE | {"reinstate"})
        cases = [
            ("call", "d-number", "Z999", "今天没有这个号，请核对号码。"),
            ("call", "d-number", taken, NOT_WAITING),
            ("reinstate", "d-other", taken, "这个号没有过号，不需要恢复。"),
        ]
        for action, field, number, words in cases:
            press(page, action, by_key=True)
            dialog_open(page)
            page.fill(f"#{field}", number)
            page.keyboard.press("Enter")
            wait_text(page, "#dialog-error", words)
            wait_message(page, words)
            if number == taken and action == "call":
                screenshot(page, "caller_refused")
            page.keyboard.press("Escape")
        assert page.query_selector("#current-number") is None
    # Leave window 8 as it was: the missed ticket served, nothing left to restore.
    for action, body in (("sign-in", {}), ("reinstate", {"ticket": missed}),
                         ("call", {"ticket": missed}), ("complete", {})):
        assert window_action(demo_hub, zhoutao, 8, action, **body).ok, action


def test_two_clerks_calling_the_same_number(browser: Any, demo_hub: Any) -> None:
    """Both press 叫此号 on the same waiting ticket at once: one gets it, the other
    reads that it is no longer waiting."""
    number = issue(demo_hub, "business-license")["number"]
    with caller(browser, demo_hub, "sunyue") as one, caller(browser, demo_hub, "zhoutao") as two:
        sign_in(one, 7)
        sign_in(two, 8)
        for page in (one, two):
            wait_actions(page, IDLE)
            page.wait_for_selector(f"[data-call='{number}']:not([disabled])")
        # Pressed from inside each page, a few milliseconds apart: both requests are on
        # their way before either page hears the other's call.
        press_now = "n => { const b = document.querySelector(`[data-call='${n}']`);" \
                    " const ready = !!b && !b.disabled; if (ready) b.click(); return ready; }"
        pressed = [one.evaluate(press_now, number), two.evaluate(press_now, number)]
        assert pressed == [True, True]
        for page in (one, two):
            wait_message(page, f"已呼叫 {number}|这个号现在不在等候中")
        outcomes = sorted(page.inner_text("#message") for page in (one, two))
        assert outcomes == [f"已呼叫 {number}", NOT_WAITING]
        winner = one if one.inner_text("#message").startswith("已呼叫") else two
        wait_current(winner, number)
        press(winner, "complete", by_key=False)
        wait_current(winner, None)


def test_connection_lost_and_back(browser: Any, demo_hub: Any) -> None:
    with caller(browser, demo_hub, "zhoutao") as page:
        sign_in(page, 8)
        wait_actions(page, IDLE)
        before = int(page.inner_text("#count-queue"))
        page.context.set_offline(True)
        page.wait_for_selector("#banner.show")
        wait_text(page, "#banner", "与叫号服务器的连接已断开，正在重连")
        wait_text(page, "#live-status", "已断开")
        # Pressing a button while offline says so plainly; nothing changes.
        press(page, "call-next", by_key=True)
        wait_message(page, "连接不上叫号服务器，请检查网络后重试。")
        screenshot(page, "caller_connection_lost")
        # Meanwhile the hall goes on: two citizens take tickets for this window.
        new = [issue(demo_hub, "civil-affairs")["number"] for _ in range(2)]
        page.context.set_offline(False)
        page.wait_for_function(
            "() => !document.getElementById('banner').classList.contains('show')")
        wait_text(page, "#live-status", "在线")
        wait_text(page, "#count-queue", f"^{before + 2}$")
        for number in new:
            wait_text(page, "#tab-queue", number)
        press(page, "call-next", by_key=True)
        wait_message(page, "已呼叫")
        press(page, "complete", by_key=True)
        wait_current(page, None)


def test_hub_restart_resyncs(browser: Any, demo_hub: Any) -> None:
    """The hub dies (SIGKILL) and comes back: the caller shows the drop, reconnects by
    itself and is still signed in at its window, with the journal's state."""
    waiting = issue(demo_hub, "civil-affairs")["number"]
    with caller(browser, demo_hub, "zhoutao") as page:
        sign_in(page, 8)
        wait_text(page, "#tab-queue", waiting)
        demo_hub.kill()
        page.wait_for_selector("#banner.show")
        demo_hub.start()
        page.wait_for_function(
            "() => !document.getElementById('banner').classList.contains('show')",
            timeout=30_000)
        wait_text(page, "#live-status", "在线")
        later = issue(demo_hub, "civil-affairs")["number"]
        wait_text(page, "#tab-queue", later)
        wait_text(page, "#tab-queue", waiting)
        press(page, "call-next", by_key=True)
        wait_message(page, "已呼叫")
