"""`jiaohao kiosk` for real: pywebview (GTK/WebKit) under Xvfb, driven by xdotool
clicks, printing to a fake TCP printer; and the same with a printer that refuses.

Where to click is measured on the same page in Chromium at the same 1080×1920
size (the kiosk's layout is a fixed grid, the same in both engines; the
screenshots in tests/artifacts/kiosk_agent_*.png show it). Screens are grabbed
with ImageMagick's `import`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from tests.fakes.fake_printer import FakeEscposPrinter, parse_escpos, unused_port
from tests.support.browser import ARTIFACTS
from tests.support.hub import api
from tests.support.kit import wait_until, xvfb
from tools.process import HubProcess

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not all(shutil.which(t) for t in ("Xvfb", "xdotool", "import")),
                       reason="needs Xvfb, xdotool and imagemagick (scripts/setup)"),
]

SIZE = (1080, 1920)
BRAND_RED = (179, 38, 30)
SERVICE = "social-security"


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A fresh Xvfb screen of a portrait kiosk; its DISPLAY name."""
    with xvfb(*SIZE) as name:
        yield name


@pytest.fixture(scope="module")
def spots(demo_hub: HubProcess, browser: Any) -> dict[str, tuple[int, int]]:
    """Screen points (centers) of what the tests touch, measured in Chromium."""
    context = browser.new_context(viewport={"width": SIZE[0], "height": SIZE[1]})
    page = context.new_page()
    page.goto(f"{demo_hub.url}/kiosk#token={demo_hub.tokens['kiosk-1']}")
    page.wait_for_selector("[data-category]")

    def center(selector: str) -> tuple[int, int]:
        box = page.locator(selector).bounding_box()
        return int(box["x"] + box["width"] / 2), int(box["y"] + box["height"] / 2)

    found = {"category": center("[data-category='社保医保']")}
    tile = page.locator("[data-category='社保医保']").bounding_box()
    found["tile_edge"] = (int(tile["x"] + 6), found["category"][1])
    found["corner"] = center("#center-zh")
    page.locator("[data-category='社保医保']").click()
    found["service"] = center(f"[data-service='{SERVICE}']")
    page.locator(f"[data-service='{SERVICE}']").click()
    found["normal"] = center("[data-priority='']")
    page.evaluate("document.getElementById('staff').hidden = false")
    found["reprint"] = center("#staff-reprint")
    context.close()
    return found


class Kiosk:
    """A running `jiaohao kiosk` process on the test's X display."""

    def __init__(self, display: str, hub: HubProcess, token: str, printer: str,
                 log: Path) -> None:
        self.display = display
        self.log_path = log
        self.log_file = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.cli", "kiosk", "--hub", hub.url, "--token", token,
             "--printer", printer, "--status-every", "1"],
            stdout=self.log_file, stderr=subprocess.STDOUT,
            env={**os.environ, "DISPLAY": display})

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], check=True, timeout=20,
                       env={**os.environ, "DISPLAY": self.display})

    def touch(self, spot: tuple[int, int]) -> None:
        self.xdotool("mousemove", str(spot[0]), str(spot[1]), "click", "1")
        time.sleep(0.4)  # let the page draw the next screen before the next touch

    def hold(self, spot: tuple[int, int], seconds: float) -> None:
        self.xdotool("mousemove", str(spot[0]), str(spot[1]), "mousedown", "1")
        time.sleep(seconds)
        self.xdotool("mouseup", "1")

    def grab(self, name: str | None = None) -> Image.Image:
        """The whole screen now; saved as tests/artifacts/NAME.png when named."""
        shot = subprocess.run(["import", "-display", self.display, "-window", "root", "png:-"],
                              check=True, capture_output=True, timeout=30).stdout
        path = ARTIFACTS / f"{name or '_kiosk_agent_last'}.png"
        ARTIFACTS.mkdir(exist_ok=True)
        path.write_bytes(shot)
        return Image.open(path).convert("RGB")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        finally:
            self.log_file.close()


def until(check: Callable[[], Any], what: str, timeout: float = 40.0) -> Any:
    """Poll `check` until it returns something true; fail naming `what`."""
    return wait_until(check, timeout, what, interval=0.3)


def near(pixel: tuple[int, ...], color: tuple[int, int, int], slack: int = 30) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(pixel, color, strict=False))


def red_in_footer(image: Image.Image) -> int:
    """How many brand-red pixels the footer (the printer fault line) holds."""
    raw = image.crop((0, image.height - 60, image.width, image.height - 12)).tobytes()
    return sum(1 for pixel in zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
               if near(pixel, BRAND_RED))


def wait_until_ready(kiosk: Kiosk, spots: dict[str, tuple[int, int]]) -> None:
    def ready() -> bool:
        assert kiosk.process.poll() is None, kiosk.log()
        pixel = kiosk.grab().getpixel(spots["tile_edge"])
        return isinstance(pixel, tuple) and near(pixel, BRAND_RED)

    until(ready, "the kiosk page to show its categories")


def ticket_job(printer: FakeEscposPrinter, number: str | None = None) -> bytes | None:
    """A print job holding a ticket (it has a QR code), of `number` if given."""
    for job in printer.jobs:
        if b"\x1d(k" in job and (number is None or number.encode() in job):
            return job
    return None


def issued_by(hub: HubProcess, device: str) -> list[dict[str, Any]]:
    manager = hub.login("director")
    events = api(hub, "GET", "/api/v1/events?since=0&limit=10000", manager).json()["events"]
    return [e["data"] for e in events if e["type"] == "ticket_issued" and e["actor"] == device]


def device_health(hub: HubProcess, device: str) -> dict[str, Any] | None:
    manager = hub.login("director")
    devices = requests.get(f"{hub.url}/api/v1/devices", timeout=10,
                           headers={"Authorization": f"Bearer {manager}"}).json()["devices"]
    return next((d["report"] for d in devices if d["device"] == device), None)


def test_a_ticket_issued_on_the_kiosk_comes_out_of_the_printer(
    demo_hub: HubProcess, display: str, spots: dict[str, tuple[int, int]],
    fake_printer: FakeEscposPrinter, tmp_path: Path,
) -> None:
    kiosk = Kiosk(display, demo_hub, demo_hub.tokens["kiosk-1"],
                  f"tcp:127.0.0.1:{fake_printer.port}", tmp_path / "kiosk.log")
    try:
        wait_until_ready(kiosk, spots)
        until(lambda: (device_health(demo_hub, "kiosk-1") or {}).get("message") == "ok",
              "the kiosk to report a ready printer")
        kiosk.grab("kiosk_agent_home")
        kiosk.touch(spots["category"])
        kiosk.touch(spots["service"])
        kiosk.touch(spots["normal"])
        job = until(lambda: ticket_job(fake_printer), "a ticket at the printer")
        time.sleep(1)  # the page says "please take your ticket"
        kiosk.grab("kiosk_agent_ticket")
    finally:
        kiosk.stop()
    issued = issued_by(demo_hub, "kiosk-1")
    assert len(issued) == 1 and issued[0]["service"] == SERVICE
    number = issued[0]["number"]
    tokens = parse_escpos(job)
    texts = [t.text for t in tokens if t.name == "text"]
    assert "清河县政务服务中心" in texts and "社会保险参保登记" in texts and number in texts
    qr = next(t for t in tokens if t.name == "GS ( k" and t.data[:2] == b"1P")
    assert qr.data[3:].decode() == f"{demo_hub.url}/t/{issued[0]['id']}"
    assert "Traceback" not in kiosk.log(), kiosk.log()


def test_a_refusing_printer_shows_on_the_kiosk_and_at_the_hub_and_nothing_is_lost(
    demo_hub: HubProcess, display: str, spots: dict[str, tuple[int, int]], tmp_path: Path,
) -> None:
    token = demo_hub.add_device("kiosk-2", "kiosk")
    port = unused_port()
    kiosk = Kiosk(display, demo_hub, token, f"tcp:127.0.0.1:{port}", tmp_path / "kiosk.log")
    try:
        wait_until_ready(kiosk, spots)
        health = until(lambda: device_health(demo_hub, "kiosk-2"), "the kiosk's health report")
        assert "打印机离线" in health["printer"]["error"]
        assert "connection refused" in health["printer"]["error"]
        until(lambda: red_in_footer(kiosk.grab()) > 500, "the printer fault on the kiosk")
        kiosk.grab("kiosk_agent_printer_offline")

        kiosk.touch(spots["category"])
        kiosk.touch(spots["service"])
        kiosk.touch(spots["normal"])
        issued = until(lambda: issued_by(demo_hub, "kiosk-2"), "the ticket at the hub")
        number = issued[0]["number"]
        assert re.fullmatch(r"A\d{3}", number)
        time.sleep(1.5)  # the print attempt fails at once: connection refused
        kiosk.grab("kiosk_agent_ticket_not_printed")

        with FakeEscposPrinter(port=port) as printer:  # the printer is switched back on
            kiosk.hold(spots["corner"], 3.5)  # staff: hold the center's name
            kiosk.touch(spots["reprint"])
            job = until(lambda: ticket_job(printer, number), "the reprinted ticket")
            assert f"{demo_hub.url}/t/{issued[0]['id']}".encode() in job
            until(lambda: (device_health(demo_hub, "kiosk-2") or {}).get("message") == "ok",
                  "the hub to hear the printer is back")
            kiosk.grab("kiosk_agent_reprinted")
    finally:
        kiosk.stop()
    assert "Traceback" not in kiosk.log(), kiosk.log()
