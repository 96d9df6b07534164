"""Closed services on the kiosk: a service past its cut-off, and a Sunday.

One hub runs the demo center with its clock set (JIAOHAO_CLOCK) to Thursday 16:35
for the cut-off tests, then is restarted with its clock jumped forward to Sunday
10:00 (the journal keeps Thursday's ticket); the kiosk shows the services greyed,
with the reason and the opening time, and cannot issue them. The tests run in file
order: the clock only goes forward.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from tests.support.browser import screenshot
from tests.support.hub import api
from tools.process import CHINA, HubProcess

pytestmark = pytest.mark.slow

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
SUNDAY = datetime(2026, 11, 29, 10, 0, tzinfo=CHINA)


@pytest.fixture(scope="module")
def late_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    """Thursday 26 November 2026, 16:35: real estate (cut-off 60 min before 17:30)
    has stopped issuing; social security (30 min) still issues. A kiosk device and
    a manager."""
    hub = HubProcess("gevent", folder=str(tmp_path_factory.mktemp("hours")),
                     env={"JIAOHAO_CLOCK": "fast:1@2026-11-26T16:35:00+08:00"})
    hub.add_device("kiosk-1", "kiosk")
    hub.add_user("director", "manager")
    hub.start()
    yield hub
    hub.stop()
    assert "Traceback" not in hub.log(), hub.log()


@pytest.fixture(scope="module")
def sunday_hub(late_hub: HubProcess) -> HubProcess:
    """The same hub restarted on Sunday 29 November 2026, 10:00: the center is closed
    all day."""
    late_hub.restart(at=SUNDAY)
    return late_hub


def test_a_service_past_its_cut_off_is_greyed_while_others_issue(
    late_hub: HubProcess, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]],
) -> None:
    page = open_kiosk(late_hub, PORTRAIT)
    estate = page.locator("[data-category='不动产']")
    assert "closed" in (estate.get_attribute("class") or "")
    assert "今日已停止取号，11月27日 08:00开始取号" in estate.inner_text()
    social = page.locator("[data-category='社保医保']")
    assert "closed" not in (social.get_attribute("class") or "")
    screenshot(page, "kiosk_portrait_past_cutoff")
    estate.tap()
    assert page.locator("[data-service='real-estate']").is_disabled()
    assert layout_problems(page) == []
    screenshot(page, "kiosk_portrait_past_cutoff_services")
    page.locator("#services [data-action='home']").tap()
    social.tap()
    page.locator("[data-service='social-security']").tap()
    page.locator("[data-priority='']").tap()
    page.wait_for_selector("#ticket:not([hidden])")
    assert page.inner_text("#t-number") == "A001"


def test_the_hub_refuses_a_closed_service_and_the_kiosk_says_so_in_plain_words(
    late_hub: HubProcess, open_kiosk: Callable[..., Any],
) -> None:
    """A kiosk whose list is out of date (the cut-off passed since it loaded)
    still gets the hub's refusal, shown as a sentence, not a code."""
    page = open_kiosk(late_hub, PORTRAIT)
    page.evaluate("""() => { const b = document.querySelector("[data-category='不动产']");
        b.classList.remove('closed'); }""")
    page.locator("[data-category='不动产']").tap()
    page.evaluate("document.querySelector(\"[data-service='real-estate']\").disabled = false")
    page.locator("[data-service='real-estate']").tap()
    page.locator("[data-priority='']").tap()
    page.wait_for_selector("#notice:not([hidden])")
    assert page.inner_text("#notice-text") == "该业务现在不能取号"
    assert not page.is_visible("#ticket")


def test_on_a_sunday_every_service_is_greyed_with_its_opening_time(
    sunday_hub: HubProcess, open_kiosk: Callable[..., Any],
    layout_problems: Callable[[Any], list[str]],
) -> None:
    for viewport, name in ((PORTRAIT, "portrait"), (LANDSCAPE, "landscape")):
        page = open_kiosk(sunday_hub, viewport)
        tiles = page.locator("#categories .tile[data-category]")
        assert tiles.count() == 5
        assert page.locator("#categories .tile.closed").count() == 5
        assert "今天不办公，11月30日 08:00开始取号" in tiles.nth(0).inner_text()
        assert layout_problems(page) == []
        screenshot(page, f"kiosk_{name}_sunday")
    page.locator("[data-category='社保医保']").tap()
    take = page.locator("[data-service='social-security']")
    assert take.is_disabled()
    assert "今天不办公，11月30日 08:00开始取号" in take.inner_text()
    # The guide still tells what to bring on Monday; its "take a number" says why not.
    page.locator("[data-guide='social-security']").tap()
    assert page.is_disabled("#g-issue")
    assert "今天不办公" in page.inner_text("#g-issue")
    page.locator("[data-action='close-guide']").tap()
    screenshot(page, "kiosk_landscape_sunday_services")
    take.tap(force=True)  # a touch on the greyed card does nothing
    assert page.is_visible("#services") and not page.is_visible("#priority")
    manager = sunday_hub.login("director")
    events = api(sunday_hub, "GET", "/api/v1/events?since=0", manager).json()["events"]
    assert not [e for e in events if e["type"] == "ticket_issued"
                and datetime.fromisoformat(e["at"]) >= SUNDAY]  # (Thursday's A001 is older)
