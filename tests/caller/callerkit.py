"""What the caller and pad tests drive: REST helpers against a real hub, and the
caller page in Chromium (log in, sign in, press buttons or keys, read the screen)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from tests.support.kit import api
from tools.process import HubProcess

TIMEOUT_MS = 15_000


# --------------------------------------------------------------------- REST


def ok(answer: requests.Response) -> Any:
    """The JSON of a successful answer; fail loudly with the hub's words otherwise."""
    assert answer.ok, f"{answer.request.method} {answer.url} -> {answer.status_code} {answer.text}"
    return answer.json()


def issue(hub: HubProcess, service: str, priority: str | None = None) -> dict[str, Any]:
    """A ticket from the kiosk."""
    body: dict[str, Any] = {"service": service}
    if priority:
        body["priority"] = priority
    found: dict[str, Any] = ok(api(hub, "POST", "/api/v1/tickets", hub.tokens["kiosk-1"],
                                   json=body))
    return found


def window_action(hub: HubProcess, token: str, window: int, action: str,
                  **body: Any) -> requests.Response:
    return api(hub, "POST", f"/api/v1/windows/{window}/{action}", token, json=body)


def journal(hub: HubProcess, since: int = 0) -> list[dict[str, Any]]:
    """Every event after `since`, as a manager sees them (with the actor)."""
    director = hub.login("director")
    events: list[dict[str, Any]] = ok(api(hub, "GET", f"/api/v1/events?since={since}",
                                          director))["events"]
    return events


def last_seq(hub: HubProcess) -> int:
    seq: int = ok(api(hub, "GET", "/api/v1/state", hub.tokens["hall-1"]))["seq"]
    return seq


def at_window(events: list[dict[str, Any]], window: int) -> list[dict[str, Any]]:
    """The events that happened at `window` (calls, services, window state)."""
    return [e for e in events if e["data"].get("window") == window
            or e["data"].get("from_window") == window]


# --------------------------------------------------------------------- the caller page


@contextmanager
def caller(browser: Any, hub: HubProcess, user: str, *, width: int = 460,
           height: int = 820) -> Iterator[Any]:
    """The caller page in a fresh browser context, logged in as `user`. The context is
    closed afterwards, so no page stays connected when its hub stops."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    try:
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(f"{hub.url}/caller")
        page.wait_for_selector("#view-login:not([hidden])", timeout=TIMEOUT_MS)
        page.fill("#username", user)
        page.fill("#password", hub.passwords[user])
        page.click("#login-button")
        page.wait_for_selector("#view-windows:not([hidden]), #view-work:not([hidden])",
                               timeout=TIMEOUT_MS)
        yield page
        assert page.errors == [], page.errors
    finally:
        context.close()


def wait_live(page: Any) -> None:
    page.wait_for_selector("#live-status.conn.live", timeout=TIMEOUT_MS)


def sign_in(page: Any, window: int, *, by_key: bool = False) -> None:
    page.wait_for_selector(f"[data-sign-in='{window}']:not([disabled])", timeout=TIMEOUT_MS)
    if by_key:
        page.keyboard.press(str(window))
    else:
        page.click(f"[data-sign-in='{window}']")
    page.wait_for_selector("#view-work:not([hidden])", timeout=TIMEOUT_MS)
    wait_live(page)


def current_number(page: Any) -> str:
    element = page.query_selector("#current-number")
    return element.inner_text().strip() if element else ""


def wait_current(page: Any, number: str | None) -> None:
    """Until the current ticket shows `number` (None: no ticket)."""
    if number is None:
        page.wait_for_selector("#current-number", state="detached", timeout=TIMEOUT_MS)
    else:
        page.wait_for_function(
            "n => (document.getElementById('current-number') || {}).textContent === n",
            arg=number, timeout=TIMEOUT_MS)


def wait_message(page: Any, pattern: str) -> str:
    """Until the message line matches `pattern` (a regular expression); returns it."""
    page.wait_for_function(
        "p => new RegExp(p).test(document.getElementById('message').textContent)",
        arg=pattern, timeout=TIMEOUT_MS)
    text: str = page.inner_text("#message")
    return text


def wait_enabled(page: Any, action: str) -> None:
    page.wait_for_selector(f"button[data-action='{action}']:not([disabled])",
                           timeout=TIMEOUT_MS)


def enabled_actions(page: Any) -> set[str]:
    found: list[str] = page.eval_on_selector_all(
        "button[data-action]", "els => els.filter(e => !e.disabled).map(e => e.dataset.action)")
    return set(found)


def wait_actions(page: Any, expected: set[str]) -> None:
    """Until exactly `expected` actions are enabled (the rest disabled)."""
    page.wait_for_function(
        """want => {
          const on = [...document.querySelectorAll('button[data-action]')]
            .filter(e => !e.disabled).map(e => e.dataset.action).sort();
          return JSON.stringify(on) === JSON.stringify(want.sort());
        }""", arg=sorted(expected), timeout=TIMEOUT_MS)


def press(page: Any, action: str, *, by_key: bool) -> None:
    """Press an action's button, or its keyboard shortcut as shown on the button."""
    button = page.locator(f"button[data-action='{action}']")
    wait_enabled(page, action)
    if by_key:
        key = button.locator("kbd").inner_text().strip()
        assert re.fullmatch(r"[A-Z]", key), key
        assert button.get_attribute("data-key") == key
        page.keyboard.press(key.lower())
    else:
        button.click()


def dialog_open(page: Any) -> None:
    page.wait_for_selector("#dialog:not([hidden])", timeout=TIMEOUT_MS)


def dialog_confirm(page: Any, *, by_key: bool) -> None:
    if by_key:
        page.keyboard.press("Enter")
    else:
        page.click("#dialog-ok")
    page.wait_for_selector("#dialog", state="hidden", timeout=TIMEOUT_MS)


def tab(page: Any, name: str, *, by_key: bool = False) -> None:
    keys = {"queue": "1", "held": "2", "transfers": "3", "today": "4"}
    if by_key:
        page.keyboard.press(keys[name])
    else:
        page.click(f"[data-tab='{name}']")
    page.wait_for_selector(f"#tab-{name}:not([hidden])", timeout=TIMEOUT_MS)


def wait_text(page: Any, selector: str, pattern: str) -> str:
    """Until the element's text matches `pattern` (a regular expression); returns it."""
    page.wait_for_function(
        """([s, p]) => { const el = document.querySelector(s);
                         return !!el && new RegExp(p).test(el.textContent); }""",
        arg=[selector, pattern], timeout=TIMEOUT_MS)
    text: str = page.inner_text(selector)
    return text
