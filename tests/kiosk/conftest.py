"""Fixtures for the kiosk's tests: ticket printing, the kiosk and phone pages, the agent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from kiosk.printing import TicketSlip
from tests.fakes.fake_printer import FakeEscposPrinter
from tools.process import HubProcess

CHINA = timezone(timedelta(hours=8))


def sample_slip_json() -> dict[str, Any]:
    """The A012 ticket as the kiosk page hands it over its JS bridge."""
    return {
        "center_name": "杭州市上城区政务服务中心",
        "number": "A012",
        "service_name": "不动产登记",
        "service_name_en": "Real Estate Registration",
        "ahead": 3,
        "eta_minutes": 15,
        "issued_at": "2026-11-27T09:41:27+08:00",
        "track_url": "https://jiaohao.example.cn/t/7Q3K9ZP2",
        "materials": ["身份证原件", "户口簿", "不动产权证书", "购房合同"],
        "complaint_phone": "12345",
        "priority_label": "老年人优先",
        "appointment": True,
    }


@pytest.fixture
def slip_json() -> dict[str, Any]:
    """A fresh, valid slip dict that a test may change."""
    return sample_slip_json()


@pytest.fixture
def slip() -> TicketSlip:
    """The sample ticket A012 (the one pinned by tests/golden/ticket_a012.bin)."""
    return TicketSlip(
        center_name="杭州市上城区政务服务中心",
        number="A012",
        service_name="不动产登记",
        service_name_en="Real Estate Registration",
        ahead=3,
        eta_minutes=15,
        issued_at=datetime(2026, 11, 27, 9, 41, 27, tzinfo=CHINA),
        track_url="https://jiaohao.example.cn/t/7Q3K9ZP2",
        materials=("身份证原件", "户口簿", "不动产权证书", "购房合同"),
        complaint_phone="12345",
        priority_label="老年人优先",
        appointment=True,
    )


@pytest.fixture
def fake_printer() -> Iterator[FakeEscposPrinter]:
    """A fake TCP ESC/POS printer on a free loopback port, ready and full of paper."""
    with FakeEscposPrinter() as printer:
        yield printer


# -- the kiosk page ------------------------------------------------------------------

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
# 15 mm in CSS pixels (96 per inch): the smallest touch target the issue allows.
MIN_TARGET_PX = 15 / 25.4 * 96

# Every visible element of the shown screen or open sheet that sticks out of the
# viewport, the main area (between header and footer) or its sheet; and every
# visible button smaller than the minimum target.
LAYOUT_PROBLEMS_JS = """(minTarget) => {
  const problems = [];
  const view = {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
  const main = document.querySelector("main").getBoundingClientRect();
  const inside = (r, box) => r.left >= box.left - 1 && r.top >= box.top - 1
    && r.right <= box.right + 1 && r.bottom <= box.bottom + 1;
  const visible = (el) => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"; };
  const name = (el) => el.tagName + (el.id ? "#" + el.id : "") + "." + el.className
    + " '" + (el.textContent || "").trim().slice(0, 20) + "'";
  const sheet = [...document.querySelectorAll(".overlay:not([hidden]) .sheet")].pop();
  const box = sheet ? sheet.getBoundingClientRect() : main;
  const scope = sheet || document.querySelector("main .screen:not([hidden])");
  for (const el of [scope, ...scope.querySelectorAll("*")]) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    const out = !inside(r, view) || (el !== scope && !inside(r, box));
    if (out) problems.push("outside: " + name(el));
  }
  for (const el of document.querySelectorAll("button")) {
    if (!visible(el) || el.closest("[hidden]")) continue;
    const r = el.getBoundingClientRect();
    if (r.width < minTarget || r.height < minTarget) problems.push("small: " + name(el));
  }
  return problems;
}"""


@pytest.fixture
def layout_problems() -> Callable[[Any], list[str]]:
    """What sticks out or is too small to touch on the kiosk page as it is now."""

    def check(page: Any) -> list[str]:
        problems: list[str] = page.evaluate(LAYOUT_PROBLEMS_JS, MIN_TARGET_PX)
        return problems

    return check


@pytest.fixture
def open_kiosk(browser: Any) -> Iterator[Callable[..., Any]]:  # noqa: F811 - the fixture
    """Open the kiosk page of a hub in a touch-screen browser context; closed after the test."""
    contexts: list[Any] = []

    def open_page(hub: HubProcess, viewport: dict[str, int] = PORTRAIT, query: str = "",
                  init_script: str | None = None, token: str | None = None) -> Any:
        context = browser.new_context(viewport=viewport, has_touch=True, locale="zh-CN")
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors
        kiosk_token = token or hub.tokens["kiosk-1"]
        page.goto(f"{hub.url}/kiosk{query}#token={kiosk_token}")
        page.wait_for_selector("[data-category]")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def fake_bridge() -> Callable[[dict[str, Any], dict[str, Any]], str]:
    """Makes an init script that plays the kiosk agent's JS bridge in a plain browser."""
    return fake_bridge_script


def fake_bridge_script(print_answer: dict[str, Any], status: dict[str, Any]) -> str:
    """An init script that plays the kiosk agent's JS bridge in a plain browser,
    recording what the page hands over in ``window.printed``."""
    import json

    return f"""
      window.printed = [];
      window.pywebview = {{api: {{
        print_ticket: async (slip) => {{
          window.printed.push(slip); return {json.dumps(print_answer)}; }},
        printer_status: async () => ({json.dumps(status)}),
        last_ticket: async () => window.printed.length
          ? {{number: window.printed[window.printed.length - 1].number, printed: false}} : null,
        reprint_last: async () => {{ window.reprinted = (window.reprinted || 0) + 1;
          return {{ok: true, status: {{configured: true, online: true, paper: "ok",
                   cover_open: false, error: null}}, message: ""}}; }},
      }}}};
      addEventListener("DOMContentLoaded", () => setTimeout(() =>
        dispatchEvent(new Event("pywebviewready")), 50));
    """
