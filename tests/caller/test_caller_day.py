"""A clerk's whole day on the caller page, against a real hub: sign in, call, recall,
start, complete, no-show and reinstate, suspend and resume, pause and reopen, sign
out — once with the buttons and once with the keyboard shortcuts shown on them, and
the two leave the same record in the journal."""

from __future__ import annotations

from typing import Any

import pytest

from tests.caller.callerkit import (
    at_window,
    caller,
    dialog_confirm,
    dialog_open,
    issue,
    journal,
    last_seq,
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

IDLE = {"call-next", "call", "pause", "sign-out"}  # 过号恢复 only with a no-show to restore
CALLED = {"recall", "start", "complete", "no-show", "transfer"}
SERVING = {"complete", "transfer", "suspend"}
PAUSED = {"open", "sign-out"}


def run_day(browser: Any, hub: Any, clerk: str, window: int, service: str, *,
            by_key: bool, shots: str | None = None) -> tuple[dict[str, str], int]:
    """Serve three citizens through every action; returns the tickets by role and the
    journal's seq before the day began."""
    start = last_seq(hub)
    first = issue(hub, service)["number"]
    second = issue(hub, service)["number"]
    elder = issue(hub, service, priority="elderly")["number"]
    with caller(browser, hub, clerk) as page:
        serve_day(page, by_key, shots, first, second, elder, window)
    return {first: "first", second: "second", elder: "elder"}, start


def serve_day(page: Any, by_key: bool, shots: str | None, first: str, second: str, elder: str,
              window: int) -> None:
    sign_in(page, window, by_key=by_key)
    wait_actions(page, IDLE)
    wait_text(page, "#count-queue", "^3$")
    if shots:
        screenshot(page, f"{shots}_idle")

    # The priority ticket is called first; recall it, start, complete.
    press(page, "call-next", by_key=by_key)
    wait_current(page, elder)
    wait_text(page, "#current", "老年人")
    wait_actions(page, CALLED)
    # The card says what the ticket is and nothing else: no "null" for a missing note.
    card = page.inner_text("#current")
    assert "null" not in card and "undefined" not in card, card
    if shots:
        screenshot(page, f"{shots}_called")
    press(page, "recall", by_key=by_key)
    wait_message(page, f"已重呼 {elder}（第 1 次）")
    press(page, "start", by_key=by_key)
    wait_text(page, "#current .status", "办理中")
    wait_actions(page, SERVING)
    if shots:
        screenshot(page, f"{shots}_serving")
    press(page, "complete", by_key=by_key)
    wait_message(page, f"{elder} 已办结")
    wait_current(page, None)

    # Nobody comes: no-show, then the citizen turns up and is reinstated.
    press(page, "call-next", by_key=by_key)
    wait_current(page, first)
    press(page, "no-show", by_key=by_key)
    wait_message(page, f"{first} 已过号")
    tab(page, "held", by_key=by_key)
    wait_text(page, "#tab-held", first)
    press(page, "reinstate", by_key=by_key)
    dialog_open(page)
    dialog_confirm(page, by_key=by_key)  # this window's no-show is chosen already
    wait_message(page, f"{first} 已恢复排队")
    tab(page, "queue", by_key=by_key)
    wait_text(page, "#tab-queue", first)

    # Served, but a material is missing: suspend, then resume at this window.
    press(page, "call-next", by_key=by_key)
    wait_current(page, first)  # back at its original place, ahead of the later ticket
    press(page, "start", by_key=by_key)
    wait_actions(page, SERVING)
    press(page, "suspend", by_key=by_key)
    dialog_open(page)
    page.click("#dialog [data-chip='缺少材料']")
    if shots:
        screenshot(page, f"{shots}_suspend_dialog")
    dialog_confirm(page, by_key=by_key)
    wait_message(page, f"{first} 已挂起")
    wait_actions(page, IDLE | {"resume"})
    tab(page, "held", by_key=by_key)
    wait_text(page, "#tab-held", first)
    press(page, "resume", by_key=by_key)
    dialog_open(page)
    dialog_confirm(page, by_key=by_key)
    wait_message(page, f"{first} 已恢复")
    press(page, "call-next", by_key=by_key)
    wait_current(page, first)  # a resumed ticket comes first at its window
    press(page, "complete", by_key=by_key)
    wait_current(page, None)

    # Lunch: pause with a reason, then reopen.
    press(page, "pause", by_key=by_key)
    dialog_open(page)
    if by_key:
        page.keyboard.press("1")  # the first reason, 午休
    else:
        page.click("#dialog input[value='午休']")
    dialog_confirm(page, by_key=by_key)
    wait_text(page, "#current", "暂停服务中")
    wait_text(page, "#current", "午休")
    wait_actions(page, PAUSED)
    if shots:
        screenshot(page, f"{shots}_paused")
    press(page, "open", by_key=by_key)
    wait_message(page, "窗口已恢复服务")
    wait_actions(page, IDLE)

    press(page, "call-next", by_key=by_key)
    wait_current(page, second)
    press(page, "complete", by_key=by_key)
    wait_current(page, None)

    # Today's own counters.
    tab(page, "today", by_key=by_key)
    wait_text(page, "#stat-served b", "^3$")
    wait_text(page, "#stat-no-shows b", "^0$")
    if shots:
        screenshot(page, f"{shots}_today")

    press(page, "sign-out", by_key=by_key)
    dialog_open(page)
    dialog_confirm(page, by_key=by_key)
    page.wait_for_selector("#view-windows:not([hidden])")
    wait_message(page, "已签退")


def record(hub: Any, window: int, roles: dict[str, str], since: int, clerk: str) -> list[tuple]:
    """What the journal says happened at the window, tickets named by their role."""
    events = journal(hub, since)
    mine = [e for e in events if e in at_window(events, window)
            or e["data"].get("number") in roles and e["type"] == "ticket_reinstated"]
    for event in mine:
        assert event["actor"] == clerk, event
    return [(e["type"], roles.get(e["data"].get("number", ""), ""), e["data"].get("reason", ""))
            for e in mine]


EXPECTED = [
    ("clerk_signed_in", "", ""),
    ("ticket_called", "elder", ""), ("ticket_recalled", "elder", ""),
    ("service_started", "elder", ""), ("ticket_completed", "elder", ""),
    ("ticket_called", "first", ""), ("ticket_no_show", "first", ""),
    ("ticket_reinstated", "first", ""),
    ("ticket_called", "first", ""), ("service_started", "first", ""),
    ("ticket_suspended", "first", "缺少材料"), ("ticket_resumed", "first", ""),
    ("ticket_called", "first", ""), ("service_started", "first", ""),
    ("ticket_completed", "first", ""),
    ("window_paused", "", "午休"), ("window_opened", "", ""),
    ("ticket_called", "second", ""), ("service_started", "second", ""),
    ("ticket_completed", "second", ""),
    ("clerk_signed_out", "", ""),
]


def test_a_day_with_the_buttons(browser: Any, demo_hub: Any) -> None:
    roles, since = run_day(browser, demo_hub, "zhaolei", 4, "household", by_key=False,
                           shots="caller_day")
    assert record(demo_hub, 4, roles, since, "zhaolei") == EXPECTED


def test_the_keyboard_does_what_the_buttons_do(browser: Any, demo_hub: Any) -> None:
    roles, since = run_day(browser, demo_hub, "chenjing", 5, "real-estate", by_key=True,
                           shots="caller_keys")
    assert record(demo_hub, 5, roles, since, "chenjing") == EXPECTED


def test_every_action_button_shows_its_own_shortcut(browser: Any, demo_hub: Any) -> None:
    with caller(browser, demo_hub, "sunyue") as page:
        check_shortcuts(page)


def check_shortcuts(page: Any) -> None:
    sign_in(page, 7)
    wait_actions(page, IDLE)
    keys = page.eval_on_selector_all(
        "button[data-action]",
        "els => els.map(e => [e.dataset.action, e.dataset.key,"
        " e.querySelector('kbd').textContent])")
    assert len(keys) == 13
    assert all(key == shown for _action, key, shown in keys)
    assert len({key for _a, key, _s in keys}) == 13  # no two actions share a key
    # Typing in a field never fires a shortcut: N in the number field is just a letter.
    page.keyboard.press("g")
    dialog_open(page)
    page.keyboard.type("n")
    assert page.input_value("#d-number") == "n"
    page.keyboard.press("Escape")
    page.wait_for_selector("#dialog", state="hidden")
    assert page.query_selector("#current-number") is None
    press(page, "sign-out", by_key=True)
    dialog_open(page)
    dialog_confirm(page, by_key=True)


def test_log_in_refused_then_english(browser: Any, demo_hub: Any) -> None:
    context = browser.new_context(viewport={"width": 460, "height": 720}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{demo_hub.url}/caller")
        page.fill("#username", "sunyue")
        page.fill("#password", "not-the-password")
        page.keyboard.press("Enter")
        wait_text(page, "#login-error", "用户名或密码不正确。")
        screenshot(page, "caller_login_refused")
        page.fill("#password", demo_hub.passwords["sunyue"])
        page.keyboard.press("Enter")
        sign_in(page, 7)
        wait_actions(page, IDLE)
        page.click("#lang")
        wait_text(page, "button[data-action='call-next']", "Next")
        wait_text(page, "#current", "Idle")
        number = issue(demo_hub, "civil-affairs")["number"]
        press(page, "call-next", by_key=True)
        wait_message(page, f"Called {number}")
        tab(page, "today", by_key=True)
        screenshot(page, "caller_english")
        page.click("#lang")
        wait_text(page, "button[data-action='call-next']", "叫号")
        press(page, "complete", by_key=True)
        wait_current(page, None)
        press(page, "sign-out", by_key=True)
        dialog_open(page)
        dialog_confirm(page, by_key=True)
    finally:
        context.close()
