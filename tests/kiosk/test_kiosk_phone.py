"""The citizen's phone page /t/<id>: live place in the queue, then "请到N号窗口"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import screenshot
from tests.support.hub import api
from tools.process import HubProcess

pytestmark = pytest.mark.slow

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized browser page; closed after the test."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    yield page
    context.close()


def issue(hub: HubProcess, service: str) -> dict[str, Any]:
    answer = api(hub, "POST", "/api/v1/tickets", hub.tokens["kiosk-1"], json={"service": service})
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def clerk(hub: HubProcess, name: str, window: int) -> str:
    token = hub.login(name)
    answer = api(hub, "POST", f"/api/v1/windows/{window}/sign-in", token)
    assert answer.status_code == 200, answer.text
    return token


def test_the_phone_page_follows_the_ticket_until_it_is_called(
    demo_hub: HubProcess, phone: Any,
) -> None:
    first = issue(demo_hub, "medical-insurance")
    mine = issue(demo_hub, "medical-insurance")
    assert mine["track_url"] == f"{demo_hub.url}/t/{mine['id']}"
    phone.goto(mine["track_url"])
    phone.wait_for_selector("#live:text('实时更新中')")
    assert phone.inner_text("#number") == mine["number"]
    assert phone.inner_text("#state") == "排队中"
    assert phone.inner_text("#ahead") == f"{mine['ahead']} 人"
    assert mine["ahead"] >= 1
    assert phone.inner_text("#center") == "清河县政务服务中心"
    phone.locator("#guide summary").tap()
    assert "住院发票原件" in phone.inner_text("#guide")
    screenshot(phone, "phone_waiting")

    token = clerk(demo_hub, "zhangmin", 3)
    answer = api(demo_hub, "POST", "/api/v1/windows/3/call", token,
                 json={"ticket": first["number"]})
    assert answer.status_code == 200, answer.text
    # The ticket ahead was called: this one moves up, live.
    phone.wait_for_selector(f"#ahead:text('{mine['ahead'] - 1} 人')")

    for action in ("start", "complete"):
        assert api(demo_hub, "POST", f"/api/v1/windows/3/{action}", token).status_code == 200
    answer = api(demo_hub, "POST", "/api/v1/windows/3/call", token,
                 json={"ticket": mine["number"]})
    assert answer.status_code == 200, answer.text
    phone.wait_for_selector("body.called")
    assert phone.inner_text("#state") == "请到3号窗口"
    assert "3号窗口 医保" in phone.inner_text("#hint")
    assert phone.title().startswith(mine["number"])
    screenshot(phone, "phone_called")
    # No personal data: neither the clerk's name nor the username shows.
    text = phone.inner_text("body")
    assert "张敏" not in text and "zhangmin" not in text

    phone.locator("#lang").tap()
    assert phone.inner_text("#state") == "Please go to window 3"
    screenshot(phone, "phone_called_en")

    assert api(demo_hub, "POST", "/api/v1/windows/3/start", token).status_code == 200
    phone.wait_for_selector("body.serving")
    assert api(demo_hub, "POST", "/api/v1/windows/3/complete", token).status_code == 200
    phone.wait_for_selector("body.done")
    assert api(demo_hub, "POST", "/api/v1/windows/3/sign-out", token).status_code == 200


def test_an_unknown_ticket_says_so(demo_hub: HubProcess, phone: Any) -> None:
    phone.goto(f"{demo_hub.url}/t/NoSuchTicket0000")
    phone.wait_for_selector("#missing:not([hidden])")
    assert "没有找到这张号票" in phone.inner_text("#missing")
    assert not phone.is_visible("#card")
    screenshot(phone, "phone_missing")
