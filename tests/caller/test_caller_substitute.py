"""顶岗: a clerk takes over a window a colleague paused; the colleague's caller says
so, and the journal shows who served what."""

from __future__ import annotations

from typing import Any

import pytest

from tests.caller.callerkit import (
    api,
    caller,
    dialog_confirm,
    dialog_open,
    issue,
    journal,
    last_seq,
    ok,
    press,
    sign_in,
    wait_current,
    wait_message,
    wait_text,
    window_action,
)
from tests.support.browser import screenshot

pytestmark = pytest.mark.slow


def test_a_colleague_takes_over_a_paused_window(browser: Any, demo_hub: Any) -> None:
    since = last_seq(demo_hub)
    with caller(browser, demo_hub, "wangli") as first, \
            caller(browser, demo_hub, "liqiang") as second:
        sign_in(first, 1)
        # An open window cannot be taken over: the button is disabled, the hub refuses.
        wait_text(second, "#window-list", "1号窗口 社保王丽 在岗")
        assert second.is_disabled("[data-sign-in='1']")
        refused = window_action(demo_hub, demo_hub.login("liqiang"), 1, "sign-in")
        assert (refused.status_code, refused.json()["error"]) == (409, "window_taken")

        press(first, "pause", by_key=True)
        dialog_open(first)
        first.keyboard.press("2")  # 会议
        dialog_confirm(first, by_key=True)
        wait_text(first, "#current", "会议")

        wait_text(second, "#window-list", "王丽 暂停中（会议）")
        wait_text(second, "[data-sign-in='1']", "顶岗")
        screenshot(second, "caller_take_over")
        second.keyboard.press("1")
        dialog_open(second)  # taking over is confirmed first
        wait_text(second, "#dialog-body", "王丽 暂停了 1号窗口 社保（会议）。确定由您顶岗吗？")
        screenshot(second, "caller_take_over_confirm")
        dialog_confirm(second, by_key=True)
        second.wait_for_selector("#view-work:not([hidden])")
        wait_message(second, "已顶岗 1号窗口 社保（替换 王丽）")
        wait_text(second, "#top-clerk", "李强")

        # The colleague's caller says who took over and offers the windows again.
        first.wait_for_selector("#view-windows:not([hidden])")
        wait_message(first, "李强 已顶岗您的窗口 1号窗口 社保，请重新选择窗口。")
        screenshot(first, "caller_replaced")

        number = issue(demo_hub, "social-security")["number"]
        press(second, "call-next", by_key=True)
        wait_current(second, number)
        press(second, "complete", by_key=True)
        wait_current(second, None)
        press(second, "sign-out", by_key=True)
        dialog_open(second)
        dialog_confirm(second, by_key=True)

    events = journal(demo_hub, since)
    signed_in = [(e["data"]["clerk"], e["data"]["replaced"]) for e in events
                 if e["type"] == "clerk_signed_in" and e["data"]["window"] == 1]
    assert signed_in == [("wangli", None), ("liqiang", "wangli")]
    served = [(e["data"]["number"], e["data"]["clerk"], e["actor"]) for e in events
              if e["type"] == "ticket_completed"]
    assert served == [(number, "liqiang", "liqiang")]
    wangli = demo_hub.login("wangli")
    assert ok(api(demo_hub, "GET", "/api/v1/me/today", wangli))["served"] == 0
    assert ok(api(demo_hub, "GET", "/api/v1/me/window", wangli))["window"] is None
    liqiang = demo_hub.login("liqiang")
    assert ok(api(demo_hub, "GET", "/api/v1/me/today", liqiang))["served"] == 1
    # Displaced, wangli may no longer act at window 1.
    refused = window_action(demo_hub, wangli, 1, "call-next")
    assert (refused.status_code, refused.json()["error"]) == (403, "not_signed_in")
