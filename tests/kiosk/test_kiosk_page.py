"""The kiosk page, touched in Chromium, against a real hub with the demo center.

Each test taps the screen as a citizen would and checks what the hub recorded;
screenshots go to tests/artifacts/ (kiosk_*.png) to be looked at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from kiosk.printing import TicketSlip
from tests.support.browser import screenshot
from tests.support.hub import api
from tools.process import HubProcess

pytestmark = pytest.mark.slow

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
CJK = re.compile(r"[\u3400-\u9fff]")


def ticket_id(page: Any) -> str:
    """The id of the ticket on screen, read from its QR image's address."""
    source = page.get_attribute("#t-qr", "src")
    found = re.search(r"/tickets/([^/]+)/qr\.svg", source or "")
    assert found, source
    return found.group(1)


# The director logs in once per hub (a login is an argon2 check, slow on purpose).
_DIRECTOR: dict[tuple[str, str], str] = {}


def last_issued(hub: HubProcess) -> dict[str, Any]:
    """The data of the newest ticket_issued event in the hub's journal."""
    key = (hub.url, str(hub.folder))  # this hub (a later one may reuse its port)
    if key not in _DIRECTOR:
        _DIRECTOR[key] = hub.login("director")
    manager = _DIRECTOR[key]
    events = api(hub, "GET", "/api/v1/events?since=0&limit=10000", manager).json()["events"]
    issued = [e for e in events if e["type"] == "ticket_issued"]
    data: dict[str, Any] = issued[-1]["data"]
    return data


def take_a_number(page: Any, category: str, service: str, priority: str = "") -> str:
    page.locator(f"[data-category='{category}']").tap()
    page.locator(f"[data-service='{service}']").tap()
    page.locator(f"[data-priority='{priority}']").tap()
    page.wait_for_selector("#ticket:not([hidden])")
    return page.inner_text("#t-number")


def test_a_citizen_takes_a_number_by_touch_in_chinese(
    demo_hub: HubProcess, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]],
) -> None:
    page = open_kiosk(demo_hub, PORTRAIT)
    assert page.inner_text("#center-zh") == "清河县政务服务中心"
    assert "投诉电话 0311-12345" in page.inner_text("#phone")
    assert layout_problems(page) == []
    screenshot(page, "kiosk_portrait_home")

    page.locator("[data-category='社保医保']").tap()
    cards = page.locator("#service-list .service-card")
    assert cards.count() == 2
    assert "社会保险参保登记" in cards.nth(0).inner_text()
    assert re.search(r"现在无需等候|等候 \d+ 人|暂无窗口办理", cards.nth(0).inner_text())
    assert layout_problems(page) == []
    screenshot(page, "kiosk_portrait_services")

    page.locator("[data-service='social-security']").tap()
    assert "工作人员可能查验" in page.inner_text("#priority")
    assert page.locator("#priority-list .prio").count() == 5  # regular + 4 classes
    assert layout_problems(page) == []
    screenshot(page, "kiosk_portrait_priority")

    page.locator("[data-priority='']").tap()
    page.wait_for_selector("#ticket:not([hidden])")
    number = page.inner_text("#t-number")
    assert re.fullmatch(r"A\d{3}", number)
    hub_view = api(demo_hub, "GET", f"/api/v1/tickets/{ticket_id(page)}").json()
    assert hub_view["number"] == number and hub_view["status"] == "waiting"
    assert page.inner_text("#t-ahead") == f"{hub_view['ahead']} 人"
    text = page.inner_text("#ticket")
    assert "请留意叫号" in text and "社会保险参保登记" in text and "居民身份证原件" in text
    assert "本机不打印号票" in page.inner_text("#t-print")  # a plain browser has no printer
    page.wait_for_function("() => document.querySelector('#t-qr').naturalWidth > 0")
    assert layout_problems(page) == []
    screenshot(page, "kiosk_portrait_ticket")
    assert last_issued(demo_hub)["priority"] is None
    assert page.errors == []


def test_a_citizen_takes_a_priority_number_in_english_on_a_landscape_kiosk(
    demo_hub: HubProcess, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]],
) -> None:
    page = open_kiosk(demo_hub, LANDSCAPE)
    screenshot(page, "kiosk_landscape_home")
    page.locator("#lang-toggle").tap()
    assert page.inner_text("#center-zh") == "Qinghe County Government Service Center"
    assert page.get_attribute("html", "lang") == "en"
    assert layout_problems(page) == []
    screenshot(page, "kiosk_landscape_en_home")

    number = take_a_number(page, "不动产", "real-estate", "elderly")
    assert re.fullmatch(r"D\d{3}", number)
    assert "Real estate registration" in page.inner_text("#t-service")
    assert "Elderly (65+)" in page.inner_text("#t-tags")
    # Everything but the way back to Chinese is in English; the center's list of
    # materials is data kept in Chinese only (the documents have Chinese names).
    visible = page.inner_text("body").replace(page.inner_text("#t-materials"), "")
    visible = visible.replace("中文", "")
    assert not CJK.search(visible), CJK.findall(visible)
    assert layout_problems(page) == []
    screenshot(page, "kiosk_landscape_en_ticket")
    issued = last_issued(demo_hub)
    assert issued["number"] == number and issued["priority"] == "elderly"
    assert issued["channel"] == "kiosk"


def test_the_service_guide_is_one_touch_away(
    demo_hub: HubProcess, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]],
) -> None:
    guide = next(s["guide"] for s in api(demo_hub, "GET", "/api/v1/services").json()["services"]
                 if s["id"] == "real-estate")
    for viewport, name in ((PORTRAIT, "portrait"), (LANDSCAPE, "landscape")):
        page = open_kiosk(demo_hub, viewport)
        page.locator("[data-category='不动产']").tap()
        page.locator("[data-guide='real-estate']").tap()
        assert page.locator("#g-materials li").all_inner_texts() == guide["materials"]
        sheet = page.inner_text("#guide")
        for part in ("所需材料", "办理条件", "办理时限", "收费标准", guide["fees"],
                     guide["time_limit"]):
            assert part in sheet
        assert layout_problems(page) == []
        screenshot(page, f"kiosk_{name}_guide")
    page.locator("#g-issue").tap()  # take a number straight from the guide
    assert page.is_visible("#priority")
    assert page.inner_text("#priority-service") == "不动产登记"


def test_large_text_mode_fits_the_screen_and_ends_with_the_visit(
    demo_hub: HubProcess, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]],
) -> None:
    root_size = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    for viewport, name in ((PORTRAIT, "portrait"), (LANDSCAPE, "landscape")):
        page = open_kiosk(demo_hub, viewport, query="?idle=8")
        normal = page.evaluate(root_size)
        page.locator("#large-toggle").tap()
        assert page.evaluate(root_size) >= normal * 1.2
        assert page.inner_text("#large-toggle") == "标准字体"
        assert layout_problems(page) == []
        screenshot(page, f"kiosk_{name}_large_home")
        page.locator("[data-category='社保医保']").tap()
        assert layout_problems(page) == []
        page.locator("[data-guide='medical-insurance']").tap()
        assert layout_problems(page) == []
        screenshot(page, f"kiosk_{name}_large_guide")
        page.locator("[data-action='close-guide']").tap()
        page.locator("[data-service='medical-insurance']").tap()
        assert layout_problems(page) == []
        page.locator("[data-priority='pregnant']").tap()
        page.wait_for_selector("#ticket:not([hidden])")
        assert layout_problems(page) == [], name
        screenshot(page, f"kiosk_{name}_large_ticket")
        # Left alone, the kiosk goes back to the start, in normal text, for the next person.
        page.wait_for_selector("body[data-screen='home']:not(.large)", timeout=15000)
        assert page.evaluate(root_size) == normal


def test_appointment_check_in_on_the_keypad(
    demo_hub: HubProcess, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]],
) -> None:
    kiosk = demo_hub.tokens["kiosk-1"]
    day = api(demo_hub, "GET", "/api/v1/kiosk", kiosk).json()["business_day"]
    booked = api(demo_hub, "POST", "/api/v1/appointments", kiosk, json={
        "service": "household", "day": day, "slot": "10:00", "phone": "13900139000"})
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]

    page = open_kiosk(demo_hub, PORTRAIT)
    page.locator("[data-action='checkin']").tap()
    assert page.is_disabled("#checkin-go")
    wrong = "000000" if code != "000000" else "111111"
    for digit in wrong:
        page.locator(f"[data-key='{digit}']").tap()
    page.locator("#checkin-go").tap()
    page.wait_for_selector("#checkin-error:text('没有找到这个预约码')")
    page.locator("[data-key='clear']").tap()
    for digit in code:
        page.locator(f"[data-key='{digit}']").tap()
    assert page.locator("#code .digit").all_inner_texts() == list(code)
    assert layout_problems(page) == []
    screenshot(page, "kiosk_portrait_checkin")
    page.locator("#checkin-go").tap()
    page.wait_for_selector("#ticket:not([hidden])")
    assert "预约" in page.inner_text("#t-tags")
    number = page.inner_text("#t-number")
    assert re.fullmatch(r"C\d{3}", number)
    screenshot(page, "kiosk_portrait_checkin_ticket")
    issued = last_issued(demo_hub)
    # The routing's mark of a checked-in appointment: its channel and its slot.
    assert issued["number"] == number and issued["channel"] == "appointment"
    assert issued["appointment"] and issued["due_at"].startswith(f"{day}T10:00")

    page.locator("#ticket [data-action='home']").tap()
    page.locator("[data-action='checkin']").tap()
    for digit in code:
        page.locator(f"[data-key='{digit}']").tap()
    page.locator("#checkin-go").tap()
    page.wait_for_selector("#checkin-error:text('已经签到过了')")


@pytest.mark.parametrize("shape", ["portrait", "landscape"])
def test_check_in_by_phone_number_also_takes_the_code(
    demo_hub: HubProcess, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]], shape: str,
) -> None:
    """By phone, the citizen enters the number they booked with and the code (never the
    number alone); a code that is not that number's is refused like an unknown one."""
    kiosk = demo_hub.tokens["kiosk-1"]
    day = api(demo_hub, "GET", "/api/v1/kiosk", kiosk).json()["business_day"]
    phone = "13900139111" if shape == "portrait" else "13900139222"
    booked = api(demo_hub, "POST", "/api/v1/appointments", kiosk, json={
        "service": "household", "day": day, "slot": "11:00", "phone": phone})
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]

    page = open_kiosk(demo_hub, PORTRAIT if shape == "portrait" else LANDSCAPE)
    page.locator("[data-action='checkin']").tap()
    page.locator("[data-mode='phone']").tap()
    assert page.get_attribute("[data-mode='phone']", "aria-pressed") == "true"
    assert page.is_visible("#phone-field") and "手机号" in page.inner_text("#checkin-hint")
    for digit in phone:
        page.locator(f"[data-key='{digit}']").tap()
    assert page.inner_text("#phone-number").replace(" ", "") == phone
    assert page.is_disabled("#checkin-go")  # the number alone is not enough
    wrong = "000000" if code != "000000" else "111111"
    for digit in wrong:  # the keypad moved on to the code by itself
        page.locator(f"[data-key='{digit}']").tap()
    page.locator("#checkin-go").tap()
    page.wait_for_selector("#checkin-error:text('手机号与预约码不匹配')")
    page.locator("[data-key='clear']").tap()
    for digit in code:
        page.locator(f"[data-key='{digit}']").tap()
    assert page.locator("#code .digit").all_inner_texts() == list(code)
    for target in ("[data-mode='phone']", "[data-mode='code']", "#phone-field", "#code-field",
                   "[data-key='5']", "#checkin-go"):
        box = page.locator(target).bounding_box()
        assert box and box["height"] >= 60 and box["width"] >= 60, (target, box)
    assert layout_problems(page) == []
    screenshot(page, f"kiosk_{shape}_checkin_phone")
    page.locator("#lang-toggle").tap()
    page.wait_for_selector("#checkin-hint:text('Phone number and 6-digit code')")
    assert page.inner_text("[data-mode='phone']") == "By phone number"
    screenshot(page, f"kiosk_{shape}_checkin_phone_en")
    page.locator("#checkin-go").tap()
    page.wait_for_selector("#ticket:not([hidden])")
    assert re.fullmatch(r"C\d{3}", page.inner_text("#t-number"))
    issued = last_issued(demo_hub)
    assert issued["channel"] == "appointment" and issued["due_at"].startswith(f"{day}T11:00")


def test_waiting_counts_follow_other_kiosks_live(
    demo_hub: HubProcess, open_kiosk: Callable[..., Any],
) -> None:
    page = open_kiosk(demo_hub, PORTRAIT)
    page.locator("[data-category='民政']").tap()
    before = api(demo_hub, "GET", "/api/v1/services").json()["services"]
    waiting = next(s["waiting"] for s in before if s["id"] == "civil-affairs")
    for _ in range(2):
        issued = api(demo_hub, "POST", "/api/v1/tickets", demo_hub.tokens["kiosk-1"],
                     json={"service": "civil-affairs"})
        assert issued.status_code == 201
    page.wait_for_selector(f"[data-wait='civil-affairs']:text('等候 {waiting + 2} 人')")


def test_a_printer_fault_is_shown_and_the_ticket_stays_on_screen(
    demo_hub: HubProcess, open_kiosk: Callable[..., Any],
    fake_bridge: Callable[[dict[str, Any], dict[str, Any]], str],
    layout_problems: Callable[[Any], list[str]],
) -> None:
    fault = {"configured": True, "online": False, "paper": "out", "cover_open": False,
             "error": "缺纸 / out of paper"}
    ready = {"configured": True, "online": True, "paper": "ok", "cover_open": False,
             "error": None}
    script = fake_bridge({"ok": False, "status": fault, "message": "缺纸 / out of paper"}, ready)
    page = open_kiosk(demo_hub, PORTRAIT, init_script=script)
    page.wait_for_selector("#printer:text('打印机正常')")
    number = take_a_number(page, "市场主体", "business-license")
    page.wait_for_selector("#t-print.fault")
    assert "号票未能打印：缺纸" in page.inner_text("#t-print")
    assert "打印机故障：缺纸" in page.inner_text("#printer")
    assert page.inner_text("#t-number") == number  # the number is still there to note down
    assert layout_problems(page) == []
    screenshot(page, "kiosk_portrait_printer_fault")

    # What the page handed over is a valid slip of the confirmed ticket.
    handed = page.evaluate("window.printed")
    assert len(handed) == 1
    slip = TicketSlip.from_json(handed[0])
    assert slip.number == number and slip.center_name == "清河县政务服务中心"
    assert slip.service_name == "个体工商户及企业开办" and slip.complaint_phone == "0311-12345"
    assert slip.track_url == f"{demo_hub.url}/t/{ticket_id(page)}"
    assert slip.materials[0] == "经营者身份证"
    # The hub's wait goes with it, so the slip words it as this screen does.
    assert slip.wait is not None and slip.wait.state == handed[0]["wait"]["state"]

    # Staff: hold the center's name for 3 s, then reprint the last ticket.
    box = page.locator("#staff-corner").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.wait_for_selector("#staff:not([hidden])", timeout=6000)
    page.mouse.up()
    assert f"上一张号票：{number}" in page.inner_text("#staff-last")
    page.locator("#staff-reprint").tap()
    page.wait_for_selector("#staff-result:text('已补打')")
    assert page.evaluate("window.reprinted") == 1
    screenshot(page, "kiosk_portrait_staff")


def test_a_printed_ticket_says_so(
    demo_hub: HubProcess, open_kiosk: Callable[..., Any],
    fake_bridge: Callable[[dict[str, Any], dict[str, Any]], str],
) -> None:
    ready = {"configured": True, "online": True, "paper": "ok", "cover_open": False,
             "error": None}
    page = open_kiosk(demo_hub, LANDSCAPE,
                      init_script=fake_bridge({"ok": True, "status": ready, "message": ""}, ready))
    take_a_number(page, "公安户政", "household", "military")
    page.wait_for_selector("#t-print:text('请取走号票')")
    assert page.evaluate("window.printed[0].priority_label") == "军人（含退役军人）"
    screenshot(page, "kiosk_landscape_printed")


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_every_screen_fits_without_scrolling_in_every_mode(
    demo_hub: HubProcess, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]], viewport: dict[str, int],
) -> None:
    page = open_kiosk(demo_hub, viewport)
    for large, english in ((False, False), (True, False), (False, True), (True, True)):
        page.locator("#ticket [data-action='home']").dispatch_event("click")  # to the start
        if large != page.evaluate("document.body.classList.contains('large')"):
            page.locator("#large-toggle").tap()
        if english != (page.evaluate("Jiaohao.lang") == "en"):
            page.locator("#lang-toggle").tap()
        mode = f"large={large} english={english}"
        assert layout_problems(page) == [], mode
        page.locator("[data-category='不动产']").tap()
        assert layout_problems(page) == [], mode
        page.locator("[data-guide='real-estate']").tap()  # the longest guide
        assert layout_problems(page) == [], mode
        page.locator("#g-issue").tap()
        assert layout_problems(page) == [], mode
        page.locator("#priority [data-action='services']").tap()
        page.locator("#services [data-action='home']").tap()
        page.locator("[data-action='checkin']").tap()
        assert layout_problems(page) == [], mode
        page.locator("#checkin [data-action='home']").tap()
