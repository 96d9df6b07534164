"""Every request a page makes names its center, so a per-center proxy routes it.

nginx in front of several hub processes (systemd/nginx-jiaohao-centers.conf) hashes
on `?center=`: a page's REST calls, its Socket.IO connection, the ticket's QR code
and a call's audio must all carry it, or they land on another process than the
center's. Each page, in headless Chromium against a real hub, opened with
?center=ID (and the device pages also without it, their device token naming the
center): every request to /api/ and /socket.io/ it makes carries center=ID.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from tests.display.conftest import Desk
from tools.process import HubProcess

pytestmark = pytest.mark.slow

CENTER = "demo"
TIMEOUT = 20_000


class Recorder:
    """The hub requests (REST, Socket.IO, QR, audio) a page made."""

    def __init__(self, page: Any) -> None:
        self.urls: list[str] = []
        page.on("request", lambda request: self.note(request.url))
        page.on("websocket", lambda socket: self.note(socket.url))

    def note(self, url: str) -> None:
        path = urlsplit(url).path
        if path.startswith(("/api/", "/socket.io/")):
            self.urls.append(url)

    def wait_for(self, page: Any, part: str) -> None:
        """Until the page has made a request whose URL holds `part` (the recorder hears
        of requests while Playwright runs, so the wait is the page's own)."""
        for _ in range(TIMEOUT // 50):
            if any(part in u for u in self.urls):
                return
            page.wait_for_timeout(50)
        raise AssertionError(f"no request to {part}: {self.urls}")

    def without_center(self) -> list[str]:
        return [u for u in self.urls if parse_qs(urlsplit(u).query).get("center") != [CENTER]]

    def check(self, *, live: bool) -> None:
        assert self.urls
        if live:
            assert any("/socket.io/" in u for u in self.urls), self.urls
        assert self.without_center() == [], self.without_center()


def open_page(browser: Any, hub: HubProcess, path: str, width: int = 1280,
              height: int = 900) -> tuple[Any, Recorder]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    recorder = Recorder(page)
    page.goto(f"{hub.url}{path}")
    return page, recorder


def done(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert page.js_errors == []
    page.context.close()


def device_paths(hub: HubProcess) -> list[tuple[str, str, bool]]:
    t = hub.tokens
    return [
        ("kiosk", f"/kiosk?center={CENTER}#token={t['kiosk-1']}", True),
        ("kiosk, token only", f"/kiosk#token={t['kiosk-1']}", True),
        ("hall", f"/display/hall?center={CENTER}#token={t['hall-1']}", True),
        ("hall, token only", f"/display/hall#token={t['hall-1']}", True),
        ("window", f"/display/window/1?center={CENTER}#token={t['window-1']}", True),
        ("pad", f"/pad/window/1?center={CENTER}#token={t['pad-1']}", True),
        ("pad, token only", f"/pad/window/1#token={t['pad-1']}", True),
        ("book", f"/book?center={CENTER}", False),
        ("case", f"/c?center={CENTER}", False),
    ]


@pytest.mark.parametrize("index", range(9))
def test_device_and_public_pages_name_their_center(
    browser: Any, demo_hub: HubProcess, index: int,
) -> None:
    name, path, live = device_paths(demo_hub)[index]
    page, recorder = open_page(browser, demo_hub, path)
    if name.startswith("kiosk"):
        # Take a ticket: the POST, the QR code on the slip screen.
        page.locator(".tile:not(.closed):not(.checkin-tile)").first.click()
        page.locator(".svc-take:not([disabled])").first.click()
        prio = page.locator("[data-priority='']")
        try:
            prio.click(timeout=3_000)
        except Exception:  # noqa: BLE001 - a service without priority groups skips the step
            pass
        page.wait_for_function("() => document.getElementById('t-qr').src.includes('qr.svg')",
                               timeout=TIMEOUT)
        assert any("/qr.svg" in u for u in recorder.urls), recorder.urls
    elif name.startswith("hall"):
        # A call, said by the page: its audio comes from the hub too.
        expect(page.locator("body")).to_have_attribute("data-status", "live", timeout=TIMEOUT)
        page.click("#sound-enable")
        clerk = Desk(demo_hub, 3 + index)
        clerk.act("sign-in")
        clerk.issue()
        clerk.call_next()
        page.wait_for_function("() => window.JiaohaoScreen.sound.log.length > 0", timeout=TIMEOUT)
        recorder.wait_for(page, "/audio.wav")
    elif name == "case":
        page.fill("#number", "C2026-000001")
        page.fill("#phone", "13800000000")
        with page.expect_response(lambda r: "/api/v1/cases/lookup" in r.url, timeout=TIMEOUT):
            page.click("#go")
    elif live:
        page.wait_for_load_state("networkidle")
        recorder.wait_for(page, "/socket.io/")  # the Socket.IO connection after the first calls
    else:
        page.wait_for_load_state("networkidle")
    recorder.check(live=live)
    done(page)


def test_the_ticket_page_names_its_center(browser: Any, demo_hub: HubProcess) -> None:
    kiosk = demo_hub.tokens["kiosk-1"]
    services = requests.get(f"{demo_hub.url}/api/v1/services", timeout=10,
                            headers={"Authorization": f"Bearer {kiosk}"}).json()["services"]
    service = services[0]["id"]
    ticket = requests.post(f"{demo_hub.url}/api/v1/tickets", json={"service": service},
                           timeout=10, headers={"Authorization": f"Bearer {kiosk}"}).json()
    page, recorder = open_page(browser, demo_hub, f"/t/{ticket['id']}?center={CENTER}", 390, 844)
    expect(page.locator("#live")).not_to_be_empty(timeout=TIMEOUT)
    recorder.check(live=True)
    done(page)


def staff_login(page: Any, hub: HubProcess, user: str, ready: str) -> None:
    page.wait_for_selector("#view-login:not([hidden])", timeout=TIMEOUT)
    page.fill("#username", user)
    page.fill("#password", hub.passwords[user])
    page.click("#login-button")
    page.wait_for_selector(ready, timeout=TIMEOUT)


def test_the_caller_names_its_center(browser: Any, demo_hub: HubProcess) -> None:
    clerk = next(u for u in demo_hub.passwords if u not in ("admin", "director"))
    page, recorder = open_page(browser, demo_hub, f"/caller?center={CENTER}", 460, 820)
    staff_login(page, demo_hub, clerk, "#view-windows:not([hidden]), #view-work:not([hidden])")
    if page.is_visible("#view-windows"):
        page.locator("[data-sign-in]:not([disabled])").first.click()
    page.wait_for_selector("#live-status.conn.live", timeout=TIMEOUT)
    recorder.check(live=True)
    done(page)


def test_the_dashboard_names_its_center(browser: Any, demo_hub: HubProcess) -> None:
    page, recorder = open_page(browser, demo_hub, f"/manage?center={CENTER}", 1440, 900)
    staff_login(page, demo_hub, "director", ".windows .window")
    for section in ("reports", "appointments", "cases"):
        page.evaluate("(name) => { location.hash = name; }", section)
        page.wait_for_selector(f"#page-{section}:not([hidden])", timeout=TIMEOUT)
        page.wait_for_load_state("networkidle")
    recorder.check(live=True)
    done(page)

