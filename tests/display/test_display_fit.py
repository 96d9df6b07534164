"""Every text of the hall and window displays fits, at the sizes halls really use.

Hall 1920×1080, 1366×768 and portrait 1080×1920; window 1280×720 and a 1920×360
bar; in Chinese and in English. Measured in the page (headless Chromium): a text
element fails when its content is wider or taller than its box (scrollWidth >
clientWidth), when an ellipsis is showing, when it lies outside the viewport, or
when an ancestor that clips (overflow other than visible) or a visible box around
it (a background or border: a card, a cell) does not hold it whole. The 公告 line
is the one exception: it scrolls through its strip by design. The screens show a
busy hall: a paused window, a call, a service in progress, a 过号 list, a 公告, and a
queue cell showing the longest figures a hall realistically has ("14 waiting ≈174 min").
Screenshots: tests/artifacts/display_fit_*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.display.conftest import Desk, open_page
from tests.support.browser import screenshot, settle
from tools.process import HubProcess

pytestmark = pytest.mark.slow

# Runs in the page: every text that is cut, as one line each.
CUT_TEXT = (Path(__file__).parent / "cut_text.js").read_text(encoding="utf-8")

HALL_SIZES = [(1920, 1080), (1366, 768), (1080, 1920)]
WINDOW_SIZES = [(1280, 720), (1920, 360)]
NOTICE = {"zh": "今日下午三点起暂停办理不动产登记业务，请提前取号；办事请携带本人身份证原件。",
          "en": "Real estate registration pauses from 3 pm today; please bring your ID card."}


# The demo's hub clock runs in real time, and the waits the screens show follow the
# hub's time (the throughput observed since the queue formed, appointments falling
# due): the longer a run took, the longer the waits, so a slow run measured other
# texts than a quick one. Here a real hour is 3.6 s of the hub's day: the same texts
# every run.
STILL_CLOCK = "fast:0.001@2026-11-26T09:00:00+08:00"
# The longest figures of a service cell a busy hall realistically shows (waits of
# three hours do happen at 不动产 counters), and a long queue nobody serves yet:
# written into the first two cells of the page, in the page's words, then fitted as
# the page fits its texts (on a resize).
LONGEST_FIGURES = """(lang) => {
    const cells = document.querySelectorAll('.queue .figures');
    const eta = lang === 'en' ? ['≈174 min', 'No window'] : ['约174分钟', '暂无窗口'];
    const shown = [0, 1].map((i) => {
      const figures = cells[i];
      figures.querySelector('.waiting').textContent = '14';
      let span = figures.querySelector('.eta');
      if (!span) {
        span = document.createElement('span'); span.className = 'eta'; figures.append(span);
      }
      span.textContent = eta[i];
      return figures.textContent;
    });
    window.dispatchEvent(new Event('resize'));
    return shown; }"""


@pytest.fixture(scope="module")
def demo_hub(tmp_path_factory: Any) -> Iterator[HubProcess]:
    """The demo center as tests/support/hub.py serves it, on a clock standing still."""
    hub = HubProcess("gevent", folder=str(tmp_path_factory.mktemp("hub")),
                     env={"JIAOHAO_CLOCK": STILL_CLOCK})
    hub.prepare_demo()
    hub.start()
    yield hub
    hub.stop()
    assert "Traceback" not in hub.log(), hub.log()


@pytest.fixture(scope="module")
def busy_hall(demo_hub: HubProcess) -> HubProcess:
    """The demo hall mid-morning: a 公告, a paused window, calls, service, 过号."""
    director = demo_hub.login("director")
    headers = {"Authorization": f"Bearer {director}"}
    config = requests.get(f"{demo_hub.url}/api/v1/config", headers=headers,
                          timeout=10).json()["config"]
    config["center"]["notice"] = NOTICE
    answer = requests.put(f"{demo_hub.url}/api/v1/config", headers=headers, timeout=10,
                          json={"config": config, "summary": "公告"})
    assert answer.ok, answer.text
    desks = {n: Desk(demo_hub, n) for n in (1, 2, 3, 4, 5, 7)}
    for desk in desks.values():
        desk.act("sign-in")
        for _ in range(3):
            desk.issue()
    desks[1].call_next()
    desks[1].act("no-show")
    desks[1].call_next()
    desks[2].call_next()
    desks[2].act("start")
    desks[3].act("pause", reason="午休")
    desks[4].call_next()
    desks[4].act("no-show")
    desks[5].call_next()
    desks[7].call_next()
    return demo_hub


def measure(page: Any) -> list[str]:
    settle(page)  # fonts and the fit pass
    found: list[str] = page.evaluate(CUT_TEXT)
    return found


# The screens lay themselves out in CSS and fit their texts again whenever the window
# is resized (hall.js and window.js: `resize` → fitTexts, which starts each text from
# its full size), so one page is measured at each size in turn, resized as a hall
# PC's window would be; each problem line names the size.
def resize(page: Any, size: tuple[int, int]) -> str:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_function("([w, h]) => innerWidth === w && innerHeight === h", arg=list(size))
    return f"{size[0]}x{size[1]}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_on_the_hall_screen_is_cut(
    browser: Any, busy_hall: HubProcess, lang: str
) -> None:
    page = open_page(browser, busy_hall.url, f"/display/hall?lang={lang}",
                     busy_hall.tokens["hall-1"], size=HALL_SIZES[0])
    page.locator("#missed-list li").first.wait_for()
    page.locator(".notice-text.scrolling").wait_for()
    page.locator(".queue .figures .unit").first.wait_for()
    problems: list[str] = []
    for size in HALL_SIZES:
        name = resize(page, size)
        assert [re.sub(r"\s", "", shown) for shown in page.evaluate(LONGEST_FIGURES, lang)] in (
            ["14waiting≈174min", "14waitingNowindow"], ["14人等候约174分钟", "14人等候暂无窗口"])
        problems += [f"[{name}] {p}" for p in measure(page)]
        if lang == "zh":  # room for every estimate: none is dropped (count-only is a fallback)
            assert page.locator(".queue .figures.count-only").count() == 0, name
        screenshot(page, f"display_fit_hall_{name}_{lang}")
    assert problems == [], "\n".join(problems)
    assert page.js_errors == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("window", [1, 3, 6])
def test_no_text_on_a_window_screen_is_cut(
    browser: Any, busy_hall: HubProcess, lang: str, window: int
) -> None:
    # Window 1 calls (next number, waiting), 3 is paused, 6 is closed.
    page = open_page(browser, busy_hall.url, f"/display/window/{window}?lang={lang}",
                     busy_hall.tokens[f"window-{window}"], size=WINDOW_SIZES[0])
    problems: list[str] = []
    for size in WINDOW_SIZES:
        name = resize(page, size)
        problems += [f"[{name}] {p}" for p in measure(page)]
        screenshot(page, f"display_fit_window{window}_{name}_{lang}")
    assert problems == [], "\n".join(problems)
    assert page.js_errors == []


def test_the_measure_sees_a_cut_text(browser: Any, busy_hall: HubProcess,
                                     desk: Callable[[int], Desk]) -> None:
    """The check itself: a name made too long for its card is reported."""
    page = open_page(browser, busy_hall.url, "/display/hall", busy_hall.tokens["hall-1"])
    page.evaluate("""() => { const n = document.querySelector('.window-card .name');
        n.style.fontSize = '80px'; n.textContent = '这是一个特别特别长的窗口名称'; }""")
    problems = measure(page)
    assert any("这是一个特别特别长的窗口名称" in p for p in problems), problems
