"""The hub goes away and comes back: the kiosk says so plainly and recovers by itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.browser import screenshot
from tests.support.hub import api
from tools.process import HubProcess

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def own_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    """A demo hub of this module's own, to kill and restart on the same port and journal."""
    hub = HubProcess("gevent", folder=str(tmp_path_factory.mktemp("hubdown")))
    hub.prepare_demo()
    hub.start()
    yield hub
    hub.stop()
    assert "Traceback" not in hub.log(), hub.log()


def test_hub_down_banner_and_recovery(
    own_hub: HubProcess, open_kiosk: Callable[..., Any],
) -> None:
    page = open_kiosk(own_hub, {"width": 1080, "height": 1920})
    assert not page.is_visible("#banner")
    page.locator("[data-category='公安户政']").tap()
    before = api(own_hub, "POST", "/api/v1/tickets", own_hub.tokens["kiosk-1"],
                 json={"service": "household"}).json()

    own_hub.kill()  # as a power cut would: no goodbye to the clients
    page.wait_for_selector("#banner.show", timeout=30000)
    assert "暂时无法连接服务器" in page.inner_text("#banner")
    screenshot(page, "kiosk_portrait_hub_down")

    # Every way to a ticket is greyed out and disabled at once: a citizen does not walk
    # through category and service to learn at the end that no number can be had.
    page.wait_for_selector("[data-service='household'][disabled]", timeout=5000)
    for selector in ("#service-list .svc-take", "#categories .tile"):
        states = page.eval_on_selector_all(
            selector, "els => els.map((e) => e.disabled && getComputedStyle(e).opacity < 0.6)")
        assert states and all(states), (selector, states)
    page.locator("[data-service='household']").dispatch_event("click")
    assert page.is_hidden("#priority") and page.is_hidden("#ticket")
    screenshot(page, "kiosk_portrait_hub_down_greyed")

    own_hub.start()  # same port, same journal
    page.wait_for_selector("#banner", state="hidden", timeout=30000)
    # Back by itself: the tiles are live again, nobody had to touch the kiosk.
    page.wait_for_selector("[data-service='household']:not([disabled])", timeout=10000)
    assert page.eval_on_selector_all("#categories .tile", "els => els.some((e) => e.disabled)") \
        is False
    page.locator("[data-service='household']").tap()
    page.locator("[data-priority='']").tap()
    page.wait_for_selector("#ticket:not([hidden])")
    # The journal survived: numbering goes on after the ticket issued before the cut.
    assert page.inner_text("#t-number") == f"C{int(before['number'][1:]) + 1:03d}"
    page.wait_for_function("() => document.querySelector('#t-qr').naturalWidth > 0")
    screenshot(page, "kiosk_portrait_hub_back")
