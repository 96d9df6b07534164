"""`jiaohao caller`: the agent opens /caller in a compact, always-on-top pywebview
window (GTK/WebKit) under Xvfb; a clerk logs in and works it with the keyboard."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.caller.callerkit import api, issue, ok, window_action
from tests.support.browser import ARTIFACTS
from tests.support.kit import wait_until, xvfb

pytestmark = pytest.mark.slow
TITLE = "窗口叫号"


def until(check: Any, timeout: float = 30.0, what: str = "") -> Any:
    return wait_until(check, timeout, what, interval=0.2)


@pytest.fixture
def display() -> Iterator[str]:
    """A private Xvfb screen of an office laptop's size."""
    with xvfb(1366, 768) as name:
        yield name


def x(display: str, *args: str) -> str:
    env = {**os.environ, "DISPLAY": display}
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=20).stdout


def pixel(display: str, left: int, top: int) -> tuple[int, int, int]:
    """The colour of one screen pixel, read with ImageMagick."""
    text = x(display, "import", "-window", "root", "-crop", f"1x1+{left}+{top}", "-depth", "8",
             "txt:-")
    found = re.search(r"\((\d+),(\d+),(\d+)", text.splitlines()[-1] if text else "")
    return (int(found[1]), int(found[2]), int(found[3])) if found else (0, 0, 0)


def is_brand_red(rgb: tuple[int, int, int]) -> bool:
    red, green, blue = rgb
    return red > 150 and green < 80 and blue < 80  # the header's 政务红 #b3261e


def test_the_agent_opens_a_compact_window_on_top(display: str, demo_hub: Any,
                                                 tmp_path: Path) -> None:
    log = tmp_path / "agent.log"
    env = {**os.environ, "DISPLAY": display, "NO_AT_BRIDGE": "1"}
    with log.open("wb") as out:
        agent = subprocess.Popen([sys.executable, "-m", "tools.cli", "caller", "--hub",
                                  demo_hub.url], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        window = until(lambda: x(display, "xdotool", "search", "--name", TITLE).split(), 40,
                       "the caller window")[0]
        # GTK sets the size and the "above" state as the window is mapped: wait for both.
        geometry = until(lambda: (lambda text: "Geometry: 460x720" in text and text)(
            x(display, "xdotool", "getwindowgeometry", window)), 20, "a 460x720 window")
        until(lambda: "_NET_WM_STATE_ABOVE" in x(display, "xprop", "-id", window,
                                                  "_NET_WM_STATE"),
              20, "the window kept on top of the clerk's other work")

        # Log in and sign in to window 4 with the keyboard, as a clerk would, once the
        # page is drawn (its red header shows) and has focused the username field.
        position = re.search(r"Position: (\d+),(\d+)", geometry)
        assert position, geometry
        left, top = int(position[1]), int(position[2])
        until(lambda: is_brand_red(pixel(display, left + 8, top + 8)), 40, "the page drawn")
        x(display, "xdotool", "mousemove", "--window", window, "230", "600")
        time.sleep(0.5)
        x(display, "xdotool", "type", "--delay", "40", "zhaolei")
        x(display, "xdotool", "key", "Tab")
        x(display, "xdotool", "type", "--delay", "40", demo_hub.passwords["zhaolei"])
        x(display, "xdotool", "key", "Return")
        token = demo_hub.login("zhaolei")

        def pressed(key: str, done: Any) -> Any:
            # Press until the hub shows the effect: the page may still be drawing the
            # view the key belongs to (pressing again is harmless in both views).
            x(display, "xdotool", "key", key)
            return done()

        def my_window() -> Any:
            return ok(api(demo_hub, "GET", "/api/v1/me/window", token))["window"]

        until(lambda: pressed("4", my_window), 20, "the sign-in from the agent's window")
        number = issue(demo_hub, "household")["number"]
        until(lambda: pressed("n", lambda: (my_window()["ticket"] or {}).get("number") == number),
              20, "the call from the agent's window")
        time.sleep(1)
        ARTIFACTS.mkdir(exist_ok=True)
        x(display, "import", "-window", "root", str(ARTIFACTS / "caller_agent_xvfb.png"))
        ok(window_action(demo_hub, token, 4, "complete"))
        ok(window_action(demo_hub, token, 4, "sign-out"))
    finally:
        agent.send_signal(signal.SIGTERM)
        try:
            agent.wait(10)
        except subprocess.TimeoutExpired:
            agent.kill()
            agent.wait(10)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text


def test_the_agent_says_what_is_wrong_in_one_line() -> None:
    for args, words in [(["--hub", "nonsense"], "--hub must be a URL"),
                        (["--hub", "http://127.0.0.1:9", "--size", "20x20"], "--size takes"),
                        (["--hub", "http://127.0.0.1:9", "--size", "200x300"], "at least")]:
        result = subprocess.run([sys.executable, "-m", "tools.cli", "caller", *args],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0], result.stderr
