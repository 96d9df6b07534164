"""Walks through the citizen's phone pages, written once for the tests that look at
each state on the way (axe in tests/a11y/test_axe.py, the fit in test_page_fit.py).

`check(page, state)` is called at each named state; the caller goes on from where
the walk stops.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Check = Callable[[Any, str], Any]


def switch_language(page: Any, lang: str) -> None:
    if lang == "en":
        page.locator("#lang").click()
        page.wait_for_selector("html[lang='en']")


def book_to_the_phone_step(page: Any, lang: str, check: Check) -> None:
    """On /book (already open): services, then a slot of 户籍, to the phone step.
    Checks `book_LANG_services` and `book_LANG_slots`."""
    page.wait_for_selector("[data-service='household']", timeout=20_000)
    switch_language(page, lang)
    check(page, f"book_{lang}_services")
    page.locator("[data-service='household']").click()
    page.wait_for_selector("#step-slot:not([hidden]) #slots [data-slot]", timeout=20_000)
    page.locator("#guide summary").click()
    check(page, f"book_{lang}_slots")
    page.locator("#slots [data-slot]:not([disabled])").last.click()
    page.wait_for_selector("#step-phone:not([hidden])")


def open_case_lookup(page: Any, url: str, lang: str) -> None:
    """/c, the case look-up form, in `lang`."""
    page.goto(f"{url}/c")
    page.wait_for_selector("#lookup", timeout=20_000)
    switch_language(page, lang)


def look_up_case(page: Any, number: str, phone: str) -> None:
    page.fill("#number", number)
    page.fill("#phone", phone)
    page.locator("#go").click()
