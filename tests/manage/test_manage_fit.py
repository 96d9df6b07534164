"""The dashboard's window grid and the rating pad fit the screens they run on.

At 1280×800 and 1440×900 every window card of the overview lies inside its panel
(four fixed columns used to cut windows 4 and 8 off); on the pad the two greens
of 非常满意 and 满意 are told apart at a glance and the language toggle is a finger's
size.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.support.browser import screenshot
from tools.process import HubProcess

pytestmark = pytest.mark.slow


def signed_in(browser: Any, hub: HubProcess, width: int, height: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{hub.url}/manage")
    page.fill("#username", "director")
    page.fill("#password", hub.passwords["director"])
    page.click("#login-button")
    page.wait_for_selector(".windows .window", timeout=20_000)
    return page


# One login, the overview measured at each size by resizing: the dashboard is laid out
# in CSS, and its charts are drawn again whenever their width changes (manage-charts.js).
def test_every_window_card_fits_inside_the_overview(browser: Any, demo_hub: HubProcess) -> None:
    page = signed_in(browser, demo_hub, 1280, 800)
    for size in [(1280, 800), (1440, 900)]:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.wait_for_function("([w, h]) => innerWidth === w && innerHeight === h",
                               arg=list(size))
        cut = page.evaluate("""() => {
          const grid = document.querySelector('.windows');
          const panel = grid.closest('section, .card') || grid.parentElement;
          const edge = Math.min(panel.getBoundingClientRect().right, window.innerWidth);
          return Array.from(grid.querySelectorAll('.window'))
            .filter((card) => card.getBoundingClientRect().right > edge + 0.5
                              || card.scrollWidth > card.clientWidth + 1)
            .map((card) => card.innerText.split('\\n')[0]);
        }""")
        assert page.locator(".windows .window").count() == 8, size
        assert cut == [], size
        # Chart text at least 12 px on screen, and every chart has a text alternative.
        page.wait_for_selector("svg.chart text")
        # The charts' ResizeObserver has run: each is drawn for the width it is shown at.
        page.wait_for_function("""() => Array.from(document.querySelectorAll('svg.chart'))
          .every((svg) => Math.abs(Math.floor(svg.getBoundingClientRect().width)
                                   - svg.viewBox.baseVal.width) < 2)""", timeout=20_000)
        charts = page.evaluate("""() => Array.from(document.querySelectorAll('svg.chart'),
          (svg) => {
            const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const sizes = Array.from(svg.querySelectorAll('text'))
              .map((t) => parseFloat(getComputedStyle(t).fontSize) * k);
            return {smallest: Math.min(...sizes), label: svg.getAttribute('aria-label') || ''};
          })""")
        assert len(charts) == 3, size
        for chart in charts:
            assert chart["smallest"] >= 11.9, (size, chart)
            assert ":" in chart["label"], (size, chart)
        screenshot(page, f"manage_overview_{size[0]}")
    page.context.close()


def lab(rgb: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a CSS rgb() colour."""
    r, g, b = (int(part) / 255 for part in rgb[rgb.index("(") + 1:-1].split(",")[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = linear(r), linear(g), linear(b)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_the_pad_greens_differ_and_its_toggle_is_finger_sized(
    browser: Any, demo_hub: HubProcess
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{demo_hub.url}/pad/window/1#token={demo_hub.tokens['pad-1']}")
    page.wait_for_selector("#view-idle:not([hidden])", timeout=20_000)
    box = page.locator("#lang").bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
    colours = page.evaluate("""() => [5, 4, 3, 2, 1].map((n) => getComputedStyle(
      document.querySelector('.level-' + n)).backgroundColor)""")
    very, satisfied = lab(colours[0]), lab(colours[1])
    assert math.dist(very, satisfied) >= 20, colours  # CIE76 ΔE: clearly different
    assert len(set(colours)) == 5
    context.close()
