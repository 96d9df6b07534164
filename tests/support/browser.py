"""Headless Chromium (Debian's) through Playwright, for tests of the real pages.

`playwright install` cannot download browsers here, so the tests drive Debian's
`chromium-headless-shell` (/usr/bin/chromium-headless-shell): the same Blink as
/usr/bin/chromium without the full browser around it, as Playwright's own headless
mode uses. A page opened in a fresh context costs the machine 0.55 CPU-s there
against 1.85 in the full browser (issue 16: the suite is CPU-bound). Where only the
full browser is installed, it is used. Screenshots go to tests/artifacts/
(git-ignored): look at them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = (shutil.which("chromium-headless-shell") or shutil.which("chromium")
            or "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session; each test opens its own context."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run scripts/setup")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _close_pages_left_open(request: pytest.FixtureRequest) -> Iterator[None]:
    """Close the browser contexts (and their pages) a test opened and left open.

    A page left open keeps its timers and its Socket.IO client running, reconnecting
    to a hub long stopped: dozens of them in a session's browser cost the machine
    more than the tests themselves (94 renderers were found alive in one run).
    Contexts a module-scoped fixture opened before the test stay open."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    before = set(browser.contexts)
    yield
    for context in browser.contexts:
        if context not in before:
            try:
                context.close()
            except Exception:  # already closed by its own fixture, or the browser is gone
                pass


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/NAME.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


# Resolves once the page's fonts are loaded and two frames have been drawn since: the
# page's last change is laid out and painted, and what reacts to layout (a
# ResizeObserver, a font-size fit on `document.fonts.ready`) has run.
SETTLED = """() => document.fonts.ready.then(() => new Promise((done) =>
    requestAnimationFrame(() => requestAnimationFrame(() => done(true)))))"""


def settle(page: Any) -> None:
    """Wait until what the page last changed is laid out and drawn (see SETTLED)."""
    page.evaluate(SETTLED)
