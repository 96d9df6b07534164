"""The printed slip words the wait as the kiosk's screen does, for every wait state.

The screen's words come from the page's own source: assets/js/jiaohao.js (an ES
module, with lib/waits.js and strings/waits.js) runs in Chromium and its
``Jiaohao.waitText`` words each wait in Chinese and English.
The slip is printed to the fake TCP printer through python-escpos and read back
from the bytes it received.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kiosk.printers import open_printer
from kiosk.printing import TicketSlip
from tests.fakes.fake_printer import FakeEscposPrinter, parse_escpos

ASSETS = Path(__file__).resolve().parents[2] / "assets"
ORIGIN = "http://kiosk.test"

# One wait of each state the hub gives (hub/domain/estimate.py), as views.wait_view sends it.
WAITS: dict[str, dict[str, Any]] = {
    "now": {"state": "now", "minutes": 0, "low": 0, "high": 0, "resumes_at": None,
            "after_closing": False},
    "queue": {"state": "queue", "minutes": 12, "low": 9, "high": 15, "resumes_at": None,
              "after_closing": False},
    "queue_range": {"state": "queue", "minutes": 35, "low": 25, "high": 48,
                    "resumes_at": None, "after_closing": False},
    "queue_after_closing": {"state": "queue", "minutes": 95, "low": 80, "high": 88,
                            "resumes_at": None, "after_closing": True},
    "no_window": {"state": "no_window", "minutes": None, "low": None, "high": None,
                  "resumes_at": None, "after_closing": False},
    "resumes": {"state": "resumes", "minutes": 48, "low": 45, "high": 52,
                "resumes_at": "2026-11-27T13:30:00+08:00", "after_closing": False},
    "resumes_range": {"state": "resumes", "minutes": 70, "low": 55, "high": 90,
                      "resumes_at": "2026-11-27T13:30:00+08:00", "after_closing": False},
    "closed": {"state": "closed", "minutes": None, "low": None, "high": None,
               "resumes_at": None, "after_closing": True},
}


@pytest.fixture(scope="module")
def screen_words(browser: Any) -> dict[str, dict[str, str]]:
    """For each wait: what Jiaohao.waitText says on the screen, in zh and en."""
    context = browser.new_context()
    page = context.new_page()

    def serve(route: Any) -> None:
        path = route.request.url[len(ORIGIN):].split("?")[0]
        if path.startswith("/assets/"):  # the page's modules, from the checkout
            route.fulfill(status=200, content_type="text/javascript",
                          body=(ASSETS / path[len("/assets/"):]).read_text(encoding="utf-8"))
        else:
            route.fulfill(status=200, content_type="text/html",
                          body="<!doctype html><html><body></body></html>")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/kiosk")
    page.add_script_tag(url=f"{ORIGIN}/assets/js/jiaohao.js", type="module")
    page.wait_for_function("() => window.Jiaohao !== undefined")
    words: dict[str, dict[str, str]] = page.evaluate(
        """(waits) => { const J = window.Jiaohao; const out = {};
          for (const [name, wait] of Object.entries(waits)) {
            const late = wait.after_closing && wait.state !== "closed";
            J.setLang("zh"); const zh = J.waitText(wait);
            const zhNote = late ? J.t("w_after_closing") : null;
            J.setLang("en"); const en = J.waitText(wait);
            const enNote = late ? J.t("w_after_closing") : null;
            out[name] = {zh, en, zhNote, enNote};
          }
          return out; }""",
        WAITS,
    )
    context.close()
    return words


def printed_text(fake_printer: FakeEscposPrinter, slip: TicketSlip) -> list[str]:
    """Print ``slip`` on the fake TCP printer; the text lines it received, decoded."""
    open_printer(f"tcp:127.0.0.1:{fake_printer.port}").print_slip(slip)
    fake_printer.wait_for_closed_connections(1)
    return [token.text for token in parse_escpos(fake_printer.received) if token.name == "text"]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(WAITS))
def test_the_slip_says_what_the_screen_says(
    name: str, screen_words: dict[str, dict[str, str]], fake_printer: FakeEscposPrinter,
    slip_json: dict[str, Any],
) -> None:
    wait = WAITS[name]
    ahead = 0 if wait["state"] == "now" else 6
    slip = TicketSlip.from_json({**slip_json, "wait": wait, "ahead": ahead,
                                 "eta_minutes": wait["minutes"]})
    lines = printed_text(fake_printer, slip)
    text = "\n".join(lines)
    screen = screen_words[name]

    # A long line is wrapped to the paper: compare the words, not where lines break.
    def flat(words: str) -> str:
        return re.sub(r"\s+", "", words)

    for words in (screen["zh"], screen["en"], screen["zhNote"], screen["enNote"]):
        if words is not None:
            assert flat(words) in flat(text), f"{name}: the screen says {words!r}:\n{text}"
    if wait["state"] == "now":
        assert "马上办理" in lines and "0 分钟" not in text
    if wait["minutes"] is None:  # no invented number
        assert "分钟" not in text and " min" not in text


def test_an_older_page_without_a_wait_never_prints_zero_minutes(
    fake_printer: FakeEscposPrinter, slip: TicketSlip
) -> None:
    lines = printed_text(fake_printer, replace(slip, ahead=0, eta_minutes=0))
    assert "马上办理" in lines
    assert not any("0 分钟" in line for line in lines)


@pytest.mark.parametrize(
    ("wait", "field"),
    [
        ({"state": "soon"}, "wait.state"),
        ({"state": "queue", "minutes": -1}, "wait.minutes"),
        ({"state": "queue", "low": "5"}, "wait.low"),
        ({"state": "resumes", "resumes_at": "13:30"}, "wait.resumes_at"),
        ({"state": "queue", "after_closing": "yes"}, "wait.after_closing"),
        ("now", "wait"),
    ],
)
def test_a_bad_wait_is_refused_naming_the_field(
    slip_json: dict[str, Any], wait: object, field: str
) -> None:
    from kiosk.printing import SlipError

    with pytest.raises(SlipError) as caught:
        TicketSlip.from_json({**slip_json, "wait": wait})
    assert caught.value.field == field
