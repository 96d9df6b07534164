"""转办 and 首问负责 on the caller: a clerk transfers a ticket to another service
(with a note) and to a named window, sees it called and served there, and follows
it until it is completed."""

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
    tab,
    wait_actions,
    wait_current,
    wait_message,
    wait_text,
)
from tests.support.browser import screenshot

pytestmark = pytest.mark.slow
HOUSEHOLD = "户籍业务（户口迁移、身份证办理）"


def test_transfer_to_a_service_is_followed_until_completed(browser: Any, demo_hub: Any) -> None:
    since = last_seq(demo_hub)
    number = issue(demo_hub, "real-estate")["number"]
    with caller(browser, demo_hub, "liuyang") as first, \
            caller(browser, demo_hub, "zhaolei") as second:
        sign_in(first, 6)
        sign_in(second, 4)
        press(first, "call-next", by_key=False)
        wait_current(first, number)
        press(first, "start", by_key=False)
        wait_text(first, "#current .status", "办理中")

        press(first, "transfer", by_key=True)
        dialog_open(first)
        first.check("#dialog input[value='service:household']")
        first.click("#dialog [data-chip='需其他部门办理']")
        screenshot(first, "caller_transfer_dialog")
        dialog_confirm(first, by_key=True)
        wait_message(first, f"{number} 已转办至 {HOUSEHOLD}")
        wait_current(first, None)
        tab(first, "transfers")
        wait_text(first, "#tab-transfers", f"{number}.*在「{HOUSEHOLD}」等候，前面 0 人")

        # At the household window it waits first in line, marked as transferred.
        wait_text(second, "#tab-queue", f"{number}.*转入")
        press(second, "call-next", by_key=False)
        wait_current(second, number)
        wait_text(second, "#current", "转入")
        wait_text(second, "#current", "转办说明：需其他部门办理")
        screenshot(second, "caller_transfer_received")
        wait_text(first, "#tab-transfers", f"{number}.*4号窗口 户籍 已呼叫（赵磊）")
        press(second, "start", by_key=False)
        wait_text(first, "#tab-transfers", f"{number}.*4号窗口 户籍 办理中（赵磊）")
        press(second, "complete", by_key=False)
        wait_text(first, "#tab-transfers", f"{number}.*已办结 · 4号窗口 户籍（赵磊）")
        screenshot(first, "caller_transfer_followed")
        wait_text(first, "#count-transfers", "^0$")  # nothing left open

        tab(first, "today")
        wait_text(first, "#stat-transferred b", "^1$")
        wait_text(first, "#stat-served b", "^0$")
        wait_text(second, "#count-queue", "^0$")
        for page in (first, second):
            press(page, "sign-out", by_key=False)
            dialog_open(page)
            dialog_confirm(page, by_key=False)

    events = journal(demo_hub, since)
    transferred = [e for e in events if e["type"] == "ticket_transferred"]
    assert [(e["data"]["from_service"], e["data"]["to_service"], e["data"]["from_window"],
             e["data"]["note"], e["actor"]) for e in transferred] == [
        ("real-estate", "household", 6, "需其他部门办理", "liuyang")]
    completed = [e for e in events if e["type"] == "ticket_completed"]
    assert [(e["data"]["number"], e["data"]["window"], e["data"]["clerk"]) for e in completed] \
        == [(number, 4, "zhaolei")]


def test_transfer_to_a_named_window(browser: Any, demo_hub: Any) -> None:
    number = issue(demo_hub, "real-estate")["number"]
    with caller(browser, demo_hub, "liuyang") as page:
        sign_in(page, 6)
        press(page, "call-next", by_key=True)
        wait_current(page, number)
        wait_actions(page, {"recall", "start", "complete", "no-show", "transfer"})
        press(page, "transfer", by_key=True)
        dialog_open(page)
        page.keyboard.press("Enter")  # nothing chosen yet: the dialog says so and stays
        wait_text(page, "#dialog-error", "请选择转办到哪个业务或窗口")
        page.check("#dialog input[value='window:7']")
        page.click("#dialog-ok")
        # Nobody is signed in at window 7: the caller warns once, a second OK sends it.
        wait_text(page, "#dialog-error", "7号综合窗口现在无人签到")
        dialog_confirm(page, by_key=False)
        wait_message(page, f"{number} 已转办至 7号综合窗口")
        tab(page, "transfers", by_key=True)
        wait_text(page, "#tab-transfers", f"{number}.*在 7号综合窗口 等候，前面 0 人")
        press(page, "sign-out", by_key=True)
        dialog_open(page)
        dialog_confirm(page, by_key=True)

    sunyue = demo_hub.login("sunyue")
    queue = ok(api(demo_hub, "GET", "/api/v1/windows/7/queue", sunyue))["waiting"]
    assert [(t["number"], t["target_window"]) for t in queue][:1] == [(number, 7)]
    queue5 = ok(api(demo_hub, "GET", "/api/v1/windows/5/queue", sunyue))["waiting"]
    assert number not in [t["number"] for t in queue5]  # sent to window 7 only
    mine = ok(api(demo_hub, "GET", "/api/v1/me/transfers", demo_hub.login("liuyang")))["tickets"]
    assert [t["number"] for t in mine][:1] == [number]
