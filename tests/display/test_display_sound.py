"""Sound on any screen: a hall page in a plain browser (no display program) says the calls.

The hub renders each call (chime, then the Mandarin phrase) at
GET /api/v1/calls/SEQ/audio.wav; the page plays them in order, one at a time,
after one tap, and again on R. The page opened by the display program with
--speak (?voice=agent) stays silent. The page records what it played in
`JiaohaoScreen.sound.log`; the served WAV is checked with sox.
"""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.display.conftest import Desk, open_page, sox_stat, wait_for
from tests.support.browser import screenshot
from tools.process import HubProcess

pytestmark = pytest.mark.slow

CHIME = Path(__file__).resolve().parents[2] / "assets" / "sounds" / "chime.wav"
PLAYED = "() => window.JiaohaoScreen.sound.log.map((e) => Object.assign({}, e))"


def calls_made(hub: HubProcess) -> list[dict[str, Any]]:
    state = requests.get(f"{hub.url}/api/v1/state", timeout=10,
                         headers={"Authorization": f"Bearer {hub.tokens['hall-1']}"}).json()
    found: list[dict[str, Any]] = state["recent_calls"]
    return found


def test_a_hall_page_without_the_display_program_says_each_call_in_order_and_again_on_r(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    page = open_page(browser, demo_hub.url, "/display/hall", demo_hub.tokens["hall-1"])
    enable = page.locator("#sound-enable")
    expect(enable).to_be_visible()
    expect(enable).to_contain_text("点击开启语音")
    expect(enable).to_contain_text("Tap to enable sound")
    screenshot(page, "display_sound_enable")
    enable.click()
    expect(enable).to_be_hidden()
    expect(page.locator("#sound-replay")).to_be_visible()

    first, second = desk(1), desk(3)
    first.issue()
    second.issue()
    a = first.call_next()
    b = second.call_next()  # at once: the second waits for the first to end
    log = wait_for(lambda: [e for e in page.evaluate(PLAYED) if e["ended"]][:2]
                   if len([e for e in page.evaluate(PLAYED) if e["ended"]]) >= 2 else None,
                   timeout=60, what="two calls played")
    assert [(e["number"], e["window"]) for e in log] == [(a, 1), (b, 3)]
    assert all(e["error"] is None for e in log), log
    assert all(e["started"] is not None for e in log), log
    assert log[0]["ended"] <= log[1]["started"], "the second call overlapped the first"
    # Each clip played for about its length (a chime and a phrase: several seconds).
    assert log[0]["ended"] - log[0]["started"] > 1000

    page.keyboard.press("r")  # 重播: the last call again
    replay = wait_for(lambda: (lambda done: done[2] if len(done) >= 3 else None)(
        [e for e in page.evaluate(PLAYED) if e["ended"]]), timeout=60, what="the replay")
    assert (replay["number"], replay["window"]) == (b, 3)
    assert replay["error"] is None and replay["started"] >= log[1]["ended"]
    assert page.js_errors == []


def test_the_served_call_is_the_chime_then_speech(
    demo_hub: HubProcess, desk: Callable[[int], Desk], tmp_path: Path
) -> None:
    clerk = desk(2)
    clerk.issue()
    number = clerk.call_next()
    call = next(c for c in calls_made(demo_hub) if c["number"] == number and c["window"] == 2)
    answer = requests.get(f"{demo_hub.url}/api/v1/calls/{call['seq']}/audio.wav", timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "audio/wav"
    path = tmp_path / "call.wav"
    path.write_bytes(answer.content)
    whole = sox_stat(path)
    assert whole["Length (seconds)"] > 1.0
    assert whole["RMS amplitude"] > 0.02, "silent"
    # It opens with the chime, sample for sample, then (after a 0.15 s gap) speech.
    with wave.open(str(CHIME)) as chime, wave.open(str(path)) as served:
        assert served.getframerate() == chime.getframerate()
        ding = chime.readframes(chime.getnframes())
        assert served.readframes(chime.getnframes()) == ding
    chime_length = sox_stat(CHIME)["Length (seconds)"]
    speech = sox_stat(path, "trim", f"{chime_length + 0.15:.2f}")
    assert speech["Length (seconds)"] > 1.0
    assert speech["RMS amplitude"] > 0.02, "no speech after the chime"
    # Cached: the second answer is the same bytes.
    again = requests.get(f"{demo_hub.url}/api/v1/calls/{call['seq']}/audio.wav", timeout=60)
    assert again.content == answer.content


@pytest.mark.parametrize(("seq", "status", "code"), [
    ("abc", 422, "invalid_field"), ("0", 422, "invalid_field"), ("-1", 422, "invalid_field"),
    ("1" * 20, 422, "invalid_field"), ("999999", 404, "unknown_call"),
])
def test_a_bad_or_unknown_call_is_refused(demo_hub: HubProcess, seq: str, status: int,
                                          code: str) -> None:
    answer = requests.get(f"{demo_hub.url}/api/v1/calls/{seq}/audio.wav", timeout=10)
    assert answer.status_code == status
    assert answer.json()["error"] == code
    assert answer.json()["field"] == "seq"


def test_a_seq_that_is_not_a_call_is_not_rendered(demo_hub: HubProcess,
                                                   desk: Callable[[int], Desk]) -> None:
    clerk = desk(5)
    clerk.issue()
    seq = requests.get(f"{demo_hub.url}/api/v1/state", timeout=10, headers={
        "Authorization": f"Bearer {demo_hub.tokens['hall-1']}"}).json()["seq"]  # the issue
    answer = requests.get(f"{demo_hub.url}/api/v1/calls/{seq}/audio.wav", timeout=10)
    assert answer.status_code == 404


def test_the_page_of_the_display_program_that_speaks_stays_silent(
    browser: Any, demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    page = open_page(browser, demo_hub.url, "/display/hall?voice=agent",
                     demo_hub.tokens["hall-1"])
    expect(page.locator("#sound-enable")).to_have_count(0)
    clerk = desk(4)
    clerk.issue()
    number = clerk.call_next()
    expect(page.locator("#newest-number")).to_have_text(number)
    page.keyboard.press("r")
    page.wait_for_timeout(500)
    assert page.evaluate(PLAYED) == []
    assert page.js_errors == []
