"""The rating pad (窗口评价器) end to end against a real hub: the clerk's card while
idle, the five 好差评 levels after each completion, aspects and reasons for the
unhappy ones, no answer before the timeout, and one rating per ticket (一次一评)."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PIL import Image

from tests.caller.callerkit import TIMEOUT_MS, api, issue, ok, wait_text, window_action
from tests.support.browser import screenshot

pytestmark = pytest.mark.slow
WINDOW = 8
CLERK = "zhoutao"
LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


@contextmanager
def pad(browser: Any, hub: Any, query: str = "ask=60&details=60&thanks=1",
        width: int = 1024, height: int = 600) -> Iterator[Any]:
    """The pad page of window 8 with its device token, in a fresh browser context."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{hub.url}/pad/window/{WINDOW}?{query}#token={hub.tokens[f'pad-{WINDOW}']}")
        idle(page)
        yield page
        assert errors == [], errors
    finally:
        context.close()


def idle(page: Any) -> None:
    page.wait_for_selector("#view-idle:not([hidden])", timeout=TIMEOUT_MS)


# Logins are argon2 checks (slow on purpose): each account logs in once per hub here,
# and its token serves every request of the module (tokens outlive a test).
_TOKENS: dict[tuple[str, str, str], str] = {}


def login(hub: Any, name: str) -> str:
    key = (hub.url, str(hub.folder), name)  # this hub (a later one may reuse its port)
    if key not in _TOKENS:
        _TOKENS[key] = hub.login(name)
    return _TOKENS[key]


def served(hub: Any) -> dict[str, Any]:
    """A citizen is called and served at window 8; returns the completed ticket."""
    token = login(hub, CLERK)
    ticket = issue(hub, "business-license")
    called = ok(window_action(hub, token, WINDOW, "call", ticket=ticket["number"]))
    assert called["ticket"]["number"] == ticket["number"]
    ok(window_action(hub, token, WINDOW, "complete"))
    return ticket


def asked(page: Any, number: str) -> None:
    page.wait_for_selector("#view-ask:not([hidden])", timeout=TIMEOUT_MS)
    wait_text(page, "#ask-about", f"{number} 号")


def ratings(hub: Any, number: str) -> list[dict[str, Any]]:
    events = ok(api(hub, "GET", "/api/v1/events?since=0", login(hub, "director")))["events"]
    return [e["data"] for e in events if e["type"] == "ticket_rated"
            and e["data"]["number"] == number]


@pytest.fixture(scope="module", autouse=True)
def clerk_on_duty(demo_hub: Any) -> Iterator[None]:
    token = login(demo_hub, CLERK)
    ok(window_action(demo_hub, token, WINDOW, "sign-in"))
    yield
    window_action(demo_hub, token, WINDOW, "sign-out")


def test_idle_shows_the_clerks_card(browser: Any, demo_hub: Any) -> None:
    with pad(browser, demo_hub) as page:
        wait_text(page, "#staff-name", "周涛")
        wait_text(page, "#staff-post", "综合窗口 科员")
        wait_text(page, "#window-name", "8号综合窗口")
        wait_text(page, "#complaint-phone", "0311-12345")
        assert page.inner_text("#staff-photo") == "周"  # no photo configured: the family name
        screenshot(page, "pad_idle")
        # A photo, once the center configures one, is shown on the card (政务公开).
        director = login(demo_hub, "director")
        config = ok(api(demo_hub, "GET", "/api/v1/config", director))["config"]
        for entry in config["center"]["staff"]:
            if entry.get("username") == CLERK:
                entry["photo"] = tiny_photo()
        ok(api(demo_hub, "PUT", "/api/v1/config", director,
               json={"config": config, "summary": "photo of 周涛"}))
        page.wait_for_selector("#staff-photo img", timeout=TIMEOUT_MS)
        screenshot(page, "pad_idle_photo")
        # Paused, the card says so; signed out, the window is closed.
        token = login(demo_hub, CLERK)
        ok(window_action(demo_hub, token, WINDOW, "pause", reason="午休"))
        wait_text(page, "#window-state", "暂停服务（午休）")
        ok(window_action(demo_hub, token, WINDOW, "open"))
        page.wait_for_function("() => document.getElementById('window-state').textContent === ''")
        ok(window_action(demo_hub, token, WINDOW, "sign-out"))
        wait_text(page, "#window-state", "本窗口暂停服务")
        screenshot(page, "pad_closed")
        ok(window_action(demo_hub, token, WINDOW, "sign-in"))
        page.wait_for_function("() => document.getElementById('window-state').textContent === ''")


def tiny_photo() -> str:
    image = Image.new("RGB", (30, 36), (180, 200, 220))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_each_of_the_five_levels(browser: Any, demo_hub: Any) -> None:
    with pad(browser, demo_hub) as page:
        numbers = {}
        for level, words in LEVELS.items():
            ticket = served(demo_hub)
            numbers[level] = ticket["number"]
            asked(page, ticket["number"])
            if level == 5:
                screenshot(page, "pad_ask")
            page.click(f"[data-level='{level}']")
            if level <= 2:  # the unhappy levels ask which aspect
                page.wait_for_selector("#view-details:not([hidden])")
                wait_text(page, "#details-title", f"您选择了“{words}”")
                assert page.is_disabled("#details-submit")  # an aspect first
                page.click("[data-aspect-toggle='服务效率']")
                page.click("#details-submit")
            page.wait_for_selector("#view-thanks:not([hidden])")
            wait_text(page, "#thanks-title", "感谢您的评价！")
            if level == 5:
                screenshot(page, "pad_thanks")
            idle(page)
    for level, number in numbers.items():
        [rating] = ratings(demo_hub, number)
        assert (rating["level"], rating["window"], rating["clerk"], rating["service"]) == \
            (level, WINDOW, CLERK, "business-license")
        assert rating["aspects"] == (["服务效率"] if level <= 2 else [])
    today = ok(api(demo_hub, "GET", "/api/v1/me/today", login(demo_hub, CLERK)))
    assert all(today["ratings"]["levels"][str(level)] >= 1 for level in LEVELS)


def test_very_dissatisfied_with_aspects_and_reason(browser: Any, demo_hub: Any) -> None:
    with pad(browser, demo_hub) as page:
        ticket = served(demo_hub)
        asked(page, ticket["number"])
        page.click("[data-level='1']")
        page.wait_for_selector("#view-details:not([hidden])")
        page.click("[data-reason='cold']")  # a reason chooses its aspect too
        assert page.get_attribute("[data-aspect-toggle='服务态度']", "aria-pressed") == "true"
        page.click("[data-aspect-toggle='服务效率']")
        page.fill("#reason-text", "窗口人员一直看手机")
        screenshot(page, "pad_details")
        page.click("#details-submit")
        wait_text(page, "#thanks-text", "我们会认真核实整改，并及时回访。")
        idle(page)
    [rating] = ratings(demo_hub, ticket["number"])
    assert rating["level"] == 1
    assert rating["aspects"] == ["服务效率", "服务态度"]
    assert rating["reason"] == "态度冷淡；窗口人员一直看手机"


def test_no_answer_before_the_timeout(browser: Any, demo_hub: Any) -> None:
    with pad(browser, demo_hub, query="ask=2&thanks=1") as page:
        ticket = served(demo_hub)
        asked(page, ticket["number"])
        wait_text(page, "#ask-countdown", "秒后自动返回")
        idle(page)
        assert ratings(demo_hub, ticket["number"]) == []
        # The next citizen is asked again, and answers.
        later = served(demo_hub)
        asked(page, later["number"])
        page.click("[data-level='4']")
        idle(page)
    assert ratings(demo_hub, ticket["number"]) == []
    assert [r["level"] for r in ratings(demo_hub, later["number"])] == [4]


def test_a_second_rating_is_refused(browser: Any, demo_hub: Any) -> None:
    # At the API: the pad of window 8 rates what window 8 completed, by its number, once.
    ticket = served(demo_hub)
    rate = f"/api/v1/windows/{WINDOW}/rating"
    device = demo_hub.tokens[f"pad-{WINDOW}"]
    first = api(demo_hub, "POST", rate, device, json={"number": ticket["number"], "level": 5})
    assert first.ok, first.text
    assert first.json()["number"] == ticket["number"] and first.json()["window"] == WINDOW
    again = api(demo_hub, "POST", rate, device,
                json={"number": ticket["number"], "level": 1, "aspects": ["服务态度"]})
    assert (again.status_code, again.json()["error"]) == (409, "already_rated")
    # Nor may its holder rate it again (一次一评), nor the pad by the ticket's id.
    holder = api(demo_hub, "POST", f"/api/v1/tickets/{ticket['id']}/rating",
                 json={"level": 1}, params={"center": "demo"})
    assert (holder.status_code, holder.json()["error"]) == (409, "already_rated")
    by_id = api(demo_hub, "POST", f"/api/v1/tickets/{ticket['id']}/rating", device,
                json={"level": 1})
    assert by_id.status_code == 403
    assert [r["level"] for r in ratings(demo_hub, ticket["number"])] == [5]
    # Another window's pad may not rate what window 8 served; the clerk may not either.
    other_pad = api(demo_hub, "POST", "/api/v1/windows/7/rating", demo_hub.tokens["pad-7"],
                    json={"number": served(demo_hub)["number"], "level": 1})
    assert (other_pad.status_code, other_pad.json()["error"]) == (403, "not_rated_here")
    clerk = api(demo_hub, "POST", rate, login(demo_hub, CLERK),
                json={"number": ticket["number"], "level": 5})
    assert clerk.status_code == 403

    with pad(browser, demo_hub, query="ask=60&thanks=2") as page:
        # The pad's answer is lost on the way back: it sends again, the hub refuses
        # the second rating, and the citizen is told kindly.
        lost = {"count": 0}

        def lose_first_answer(route: Any) -> None:
            if lost["count"] == 0:
                lost["count"] += 1
                route.fetch()  # the hub records the rating...
                route.abort()  # ...but the pad never hears so
            else:
                route.continue_()

        # (the pad names its center: ?center= from its device token)
        page.route(f"**/api/v1/windows/{WINDOW}/rating?*", lose_first_answer)
        ticket = served(demo_hub)
        asked(page, ticket["number"])
        page.click("[data-level='4']")
        page.wait_for_selector("#view-thanks.already:not([hidden])", timeout=TIMEOUT_MS)
        wait_text(page, "#thanks-title", "本次服务已经评价过了")
        wait_text(page, "#thanks-text", "一次一评")
        screenshot(page, "pad_already_rated")
        idle(page)
        assert [r["level"] for r in ratings(demo_hub, ticket["number"])] == [4]

        # Rated elsewhere (the phone page) while the pad asks: it does not ask twice.
        other = served(demo_hub)
        asked(page, other["number"])
        assert api(demo_hub, "POST", f"/api/v1/tickets/{other['id']}/rating", json={"level": 5},
                   params={"center": "demo"}).ok
        wait_text(page, "#thanks-title", "本次服务已经评价过了")
        idle(page)
    assert [r["level"] for r in ratings(demo_hub, other["number"])] == [5]


def test_a_small_tablet_in_english(browser: Any, demo_hub: Any) -> None:
    """800×480, the smallest pad; a citizen switches to English. Reasons are stored in
    Chinese whatever the language, since the center reads them."""
    with pad(browser, demo_hub, width=800, height=480) as page:
        wait_text(page, "#center-name", "清河县政务服务中心")
        screenshot(page, "pad_small_idle")
        ticket = served(demo_hub)
        asked(page, ticket["number"])
        screenshot(page, "pad_small_ask")
        page.click("#lang")
        wait_text(page, "[data-level='5']", "Very satisfied")
        wait_text(page, "#ask-about", f"Ticket {ticket['number']}")
        screenshot(page, "pad_small_ask_en")
        page.click("[data-level='2']")
        wait_text(page, "#details-title", 'You chose "Dissatisfied"')
        page.click("[data-reason='wait_long']")
        screenshot(page, "pad_small_details_en")
        page.click("#details-submit")
        wait_text(page, "#thanks-title", "Thank you")
        page.click("#lang")
        idle(page)
    [rating] = ratings(demo_hub, ticket["number"])
    assert (rating["level"], rating["aspects"], rating["reason"]) == (2, ["服务效率"], "等候时间长")
