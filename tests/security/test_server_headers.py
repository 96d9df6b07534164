"""Finding 8: every response carries a Content-Security-Policy with frame-ancestors and
X-Content-Type-Options, and every page still loads in Chromium without a CSP violation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from authkit import demo_hub

from tests.support.browser import screenshot, settle
from tools.process import HubProcess

pytestmark = pytest.mark.slow

LIVE = "body[data-status='live']"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: Any) -> Iterator[HubProcess]:
    process = demo_hub(tmp_path_factory.mktemp("headers"))
    yield process
    process.stop()
    assert "Traceback" not in process.log(), process.log()


def check_headers(response: requests.Response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp, (response.url, csp)
    assert "frame-ancestors 'none'" in csp, (response.url, csp)
    assert "'unsafe-inline'" not in csp.split("style-src-attr")[0], csp  # no inline script
    assert response.headers.get("X-Content-Type-Options") == "nosniff", response.url


@pytest.mark.parametrize("path", ["/", "/kiosk", "/display/hall", "/display/window/1",
                                  "/caller", "/pad/window/1", "/manage", "/t/NoSuchTicket00",
                                  "/assets/js/jiaohao.js", "/api/v1/health",
                                  "/api/v1/openapi.json", "/api/v1/state", "/no/such/page"])
def test_every_response_carries_the_security_headers(hub: HubProcess, path: str) -> None:
    check_headers(requests.get(f"{hub.url}{path}", timeout=10))


def test_socket_io_answers_carry_them_too(hub: HubProcess) -> None:
    check_headers(requests.get(f"{hub.url}/socket.io/?EIO=4&transport=polling", timeout=10))


def open_page(browser: Any, url: str, ready: str, name: str,
              sign_in: tuple[str, str] | None = None,
              then: Callable[[Any], None] | None = None) -> list[str]:
    """Open `url`, wait for `ready` (and do `then`); the CSP violations and page
    errors seen."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('Refused to (CSP) ' + e.violatedDirective + ' ' + "
                         "e.blockedURI))")
    try:
        page.goto(url)
        if sign_in:
            page.fill("#username", sign_in[0])
            page.fill("#password", sign_in[1])
            page.click("#login-button")
        page.wait_for_selector(ready, timeout=20000)
        if then:
            then(page)
        settle(page)  # what `ready` showed is drawn (its sockets are live, its charts in)
        screenshot(page, f"csp-{name}")
    finally:
        context.close()
    return problems


def test_every_page_loads_without_a_csp_violation(browser: Any, hub: HubProcess) -> None:
    ticket = requests.post(f"{hub.url}/api/v1/tickets", timeout=10,
                           json={"service": "household", "channel": "mobile"})
    assert ticket.status_code == 201, ticket.text
    track = ticket.json().get("track_url") or f"{hub.url}/t/{ticket.json()['id']}"
    if track.startswith("/"):
        track = hub.url + track
    tokens = hub.tokens
    def caller_works(page: Any) -> None:  # signs in at window 1: its socket goes live
        page.click("[data-sign-in='1']")
        page.wait_for_selector("#live-status.conn.live", timeout=20000)

    def manage_live(page: Any) -> None:  # its charts are drawn, its socket is live
        page.wait_for_selector("svg.chart text", timeout=20000)
        page.wait_for_selector("#live-status.conn.live", timeout=20000)

    pages: list[tuple[str, str, str, Any, Any]] = [
        # Each page is ready when its live connection is (the ticket page: says it is
        # live; the dashboard: its charts are drawn and no request is pending).
        ("kiosk", f"{hub.url}/kiosk#token={tokens['kiosk-1']}",
         "body[data-status='live'] [data-category]", None, None),
        ("hall", f"{hub.url}/display/hall#token={tokens['hall-1']}", LIVE, None, None),
        ("window", f"{hub.url}/display/window/1#token={tokens['window-1']}", LIVE, None,
         None),
        ("pad", f"{hub.url}/pad/window/1#token={tokens['pad-1']}",
         "body[data-status='live'] #window-name:not(:empty)", None, None),
        ("ticket", track, "#live:not(:empty)", None, None),
        ("caller", f"{hub.url}/caller", "#view-windows:not([hidden])",
         ("wangli", hub.passwords["wangli"]), caller_works),
        ("manage", f"{hub.url}/manage", "#main[aria-busy='false'] .kpis",
         ("director", hub.passwords["director"]), manage_live),
        ("index", f"{hub.url}/", "h1", None, None),
    ]
    found = {name: open_page(browser, url, ready, name, login, then)
             for name, url, ready, login, then in pages}
    assert not any(found.values()), found


@pytest.mark.parametrize("path, evaluates", [
    ("/kiosk", True), ("/display/hall", True), ("/caller", True), ("/pad/window/1", True),
    ("/t/NoSuchTicket00", False), ("/manage", False), ("/", False), ("/api/v1/state", False),
])
def test_only_the_device_pages_allow_the_agents_evaluate_js(
    hub: HubProcess, path: str, evaluates: bool
) -> None:
    """pywebview's evaluate_js evaluates a string: the pages the device agents open
    allow that (and nothing inline); the phone's page and the dashboard do not."""
    csp = requests.get(f"{hub.url}{path}", timeout=10).headers["Content-Security-Policy"]
    script = next(part for part in csp.split("; ") if part.startswith("script-src"))
    assert ("'unsafe-eval'" in script) is evaluates, (path, csp)
    assert "'unsafe-inline'" not in script
