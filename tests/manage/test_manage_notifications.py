"""The managers' list of text messages: pending ones with their tries while the
gateway is down, then sent, live; numbers masked, codes never shown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.fake_gateway import FakeGateway
from tests.support.browser import screenshot
from tests.support.hub import api
from tests.support.sms import start_sms_hub
from tools.process import HubProcess

pytestmark = pytest.mark.slow
TEXTS: dict[str, int] = {}  # how many texts the demo's bookings send


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    """A gateway of each test's own (this module's tests take it down and up)."""
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture
def sms_hub(gateway: FakeGateway, tmp_path_factory: Any) -> Iterator[HubProcess]:
    def prepared(_hub: HubProcess, credentials: dict[str, Any]) -> None:
        # The demo books appointments with phones: today's three and more for the
        # managers' view (today's afternoon and the next working day); each texts its code.
        TEXTS["demo"] = len(credentials["appointments"]) + len(credentials["upcoming"])
        gateway.down()

    with start_sms_hub(gateway, tmp_path_factory.mktemp("hub"), prepared=prepared, env={
            "JIAOHAO_NOTIFY_BACKOFF_SECONDS": "0.5",
            "JIAOHAO_NOTIFY_BACKOFF_CAP_SECONDS": "1"}) as hub:
        yield hub


def test_the_dashboard_lists_pending_then_sent_messages(
        browser: Any, sms_hub: HubProcess, gateway: FakeGateway) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{sms_hub.url}/manage")
        page.fill("#username", "director")
        page.fill("#password", sms_hub.passwords["director"])
        page.click("#login-button")
        page.wait_for_selector(".kpis", timeout=20000)
        page.locator("#nav a[data-page='notifications']").click()
        page.wait_for_selector("table.notifications .status-pending")
        page.wait_for_function(  # an arrow function: the page's CSP refuses string eval
            "() => [...document.querySelectorAll('table.notifications td.num')]"
            ".some((td) => Number(td.textContent) >= 2)")  # retried while down
        text = page.inner_text("#page-notifications")
        assert "138****8001" in text and "13800138001" not in text
        assert "预约码" in text and "待发送" in text
        screenshot(page, "manage_notifications_pending")
        gateway.up()
        # The demo's booking codes (today's and upcoming), and its open cases' texts (办件受理, and
        # 即将到期 for those due soon): every one sent, each once.
        page.wait_for_function(
            "n => document.querySelectorAll('table.notifications .status-pending').length === 0"
            " && document.querySelectorAll('table.notifications .status-sent').length >= n",
            arg=TEXTS["demo"], timeout=20000)
        screenshot(page, "manage_notifications_sent")
        sent = page.locator("table.notifications .status-sent").count()
        delivered = gateway.delivered()
        assert len(delivered) == sent
        codes = [r for r in delivered.values() if r.body["template"] == "booking_code"]
        assert len(codes) == TEXTS["demo"]
        # The list is for managers only.
        kiosk = api(sms_hub, "GET", "/api/v1/notifications", sms_hub.tokens["kiosk-1"])
        assert kiosk.status_code == 403
    finally:
        context.close()
    assert not errors, errors
