"""The portrait hall's header bar: the sound key never lies over the date or the clock.

A hall TV driven by a plain browser shows the "点击开启语音 Tap to enable sound" key
in the bar; on a portrait screen (1080×1920) it used to sit over the date. Here every
pair of the bar's parts (name, sound key, date, clock) is measured apart, inside the
bar and the screen, in Chinese and English, before and after sound is enabled.
Screenshots: tests/artifacts/display_portrait_bar_*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.display.conftest import open_page
from tests.support.browser import screenshot
from tools.process import HubProcess

pytestmark = pytest.mark.slow

PARTS = ["#center-name", "#sound button:not([hidden])", "#date", "#clock"]

OVERLAPS = """(parts) => {
  const bar = document.querySelector('.bar').getBoundingClientRect();
  const boxes = parts.map((s) => [s, document.querySelector(s)])
    .filter(([, el]) => el && el.getBoundingClientRect().width > 0)
    .map(([s, el]) => [s, el.getBoundingClientRect()]);
  const bad = [];
  for (const [s, r] of boxes) {
    if (r.left < bar.left - 1 || r.right > bar.right + 1 || r.top < bar.top - 1
        || r.bottom > bar.bottom + 1 || r.right > innerWidth + 1) bad.push(`${s} outside the bar`);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i], [b, q] = boxes[j];
      const apart = p.right <= q.left + 1 || q.right <= p.left + 1
        || p.bottom <= q.top + 1 || q.bottom <= p.top + 1;
      if (!apart) {
        bad.push(`${a} overlaps ${b}`);
      }
    }
  }
  return {bad, seen: boxes.map(([s]) => s)};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sound_key_does_not_cover_the_date(browser: Any, demo_hub: HubProcess,
                                                lang: str) -> None:
    page = open_page(browser, demo_hub.url, f"/display/hall?lang={lang}",
                     demo_hub.tokens["hall-1"], size=(1080, 1920))
    page.wait_for_selector("#sound .sound-enable:not([hidden])")
    page.wait_for_timeout(400)
    found = page.evaluate(OVERLAPS, PARTS)
    screenshot(page, f"display_portrait_bar_{lang}")
    assert "#sound button:not([hidden])" in found["seen"] and "#date" in found["seen"]
    assert found["bad"] == [], found
    page.locator("#sound .sound-enable").click()  # sound on: the replay key takes its place
    page.wait_for_selector("#sound .sound-enable", state="hidden")
    found = page.evaluate(OVERLAPS, PARTS)
    screenshot(page, f"display_portrait_bar_{lang}_on")
    assert found["bad"] == [], found
    assert page.js_errors == []
    page.context.close()


def test_the_landscape_bar_keeps_its_parts_apart(browser: Any, demo_hub: HubProcess) -> None:
    page = open_page(browser, demo_hub.url, "/display/hall?lang=en",
                     demo_hub.tokens["hall-1"], size=(1366, 768))
    page.wait_for_selector("#sound .sound-enable:not([hidden])")
    page.wait_for_timeout(400)
    found = page.evaluate(OVERLAPS, PARTS)
    assert found["bad"] == [], found
    page.context.close()
