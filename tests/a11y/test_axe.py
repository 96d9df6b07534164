"""axe-core on every page and state, in Chinese and in English: 0 critical, 0 serious.

Each test walks one page through its states as its user would (the kiosk from the
category to the ticket and a printer fault; the hall idle and while a call flashes;
window displays calling, paused and closed; the pad from the clerk's card to the
thanks; the phone's ticket page; the caller from the login to its dialogs; every
dashboard page) against a real hub, runs axe-core (tests/a11y/axekit.py) in each state
and fails listing every critical or serious violation with its rule id and target.
Screenshots of each state: tests/artifacts/a11y_*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.a11y.axekit import AxeRun
from tests.display.conftest import Desk
from tests.kiosk.conftest import fake_bridge_script
from tests.support.hub import api
from tests.support.walks import book_to_the_phone_step, look_up_case, open_case_lookup
from tools.process import HubProcess

pytestmark = pytest.mark.slow

LANGS = ["zh", "en"]
READY = {"configured": True, "online": True, "paper": "ok", "cover_open": False, "error": None}
FAULT = {"configured": True, "online": False, "paper": "out", "cover_open": False,
         "error": "缺纸 / out of paper"}
MANAGE_PAGES = ["overview", "alerts", "reports", "complaints", "follow-ups", "call-backs",
                "cases", "audit", "appointments", "notifications", "config/services",
                "config/windows", "config/users", "config/devices", "config/hours",
                "config/queue", "config/appointments", "config/display", "config/supervision"]


@pytest.fixture
def run() -> AxeRun:
    return AxeRun()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """Opens browser contexts that bypass the pages' CSP (axe is injected as a script)."""
    opened: list[Any] = []

    def make(width: int, height: int, **extra: Any) -> Any:
        made = browser.new_context(viewport={"width": width, "height": height},
                                   bypass_csp=True, locale="zh-CN", **extra)
        opened.append(made)
        return made

    yield make
    for made in opened:
        made.close()


def new_page(context: Any) -> Any:
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def finish(run: AxeRun, page: Any) -> None:
    assert run.found == [], run.report()
    assert page.errors == []


# ------------------------------------------------------------------------- kiosk


@pytest.mark.parametrize("lang", LANGS)
def test_kiosk(context: Any, demo_hub: HubProcess, run: AxeRun, lang: str) -> None:
    # A kiosk whose printer works, then one whose printer has run out of paper.
    for printer, answer in (("ok", {"ok": True, "status": READY, "message": ""}),
                            ("fault", {"ok": False, "status": FAULT,
                                       "message": "缺纸 / out of paper"})):
        ctx = context(1080, 1920, has_touch=True)
        ctx.add_init_script(fake_bridge_script(answer, READY))
        page = new_page(ctx)
        page.goto(f"{demo_hub.url}/kiosk#token={demo_hub.tokens['kiosk-1']}")
        page.wait_for_selector("[data-category]")
        if lang == "en":
            page.locator("#lang-toggle").tap()
            page.wait_for_selector("html[lang='en']")
        tag = f"kiosk_{lang}_{printer}"
        if printer == "ok":
            run.check(page, f"{tag}_home")
        page.locator("[data-category='社保医保']").tap()
        page.wait_for_selector("#services:not([hidden])")
        if printer == "ok":
            run.check(page, f"{tag}_services")
            page.locator("[data-guide='social-security']").tap()
            page.wait_for_selector("#guide:not([hidden])")
            run.check(page, f"{tag}_guide")
            page.locator("[data-action='close-guide']").tap()
        page.locator("[data-service='social-security']").tap()
        page.wait_for_selector("#priority:not([hidden])")
        if printer == "ok":
            run.check(page, f"{tag}_priority")
        page.locator("[data-priority='']").tap()
        page.wait_for_selector("#ticket:not([hidden])")
        page.wait_for_selector("#t-print.fault" if printer == "fault" else "#t-print:not(:empty)")
        page.wait_for_function("() => document.querySelector('#t-qr').naturalWidth > 0")
        run.check(page, f"{tag}_ticket")
        if printer == "fault":
            box = page.locator("#staff-corner").bounding_box()
            page.mouse.move(box["x"] + 20, box["y"] + 20)
            page.mouse.down()
            page.wait_for_selector("#staff:not([hidden])", timeout=6000)
            page.mouse.up()
            run.check(page, f"{tag}_staff")
        assert page.errors == []
    finish(run, page)


# ------------------------------------------------------------------ hall and window


def display(context: Any, hub: HubProcess, path: str, token: str, size: tuple[int, int],
            lang: str) -> Any:
    page = new_page(context(*size))
    page.goto(f"{hub.url}{path}?lang={lang}#token={token}")
    # Live: the hub's snapshot is drawn (run.check waits for the fonts and the fit).
    page.wait_for_selector("body[data-status='live']", timeout=20_000)
    return page


@pytest.mark.parametrize("lang", LANGS)
def test_hall(context: Any, demo_hub: HubProcess, run: AxeRun, lang: str) -> None:
    desk = Desk(demo_hub, 2)
    state = desk.act("sign-in")["window"]
    if state["ticket"]:
        desk.act("complete")  # nothing stands: the hall is idle
    for size in ((1920, 1080), (1080, 1920)):
        page = display(context, demo_hub, "/display/hall", demo_hub.tokens["hall-1"], size, lang)
        run.check(page, f"hall_{lang}_{size[0]}_idle")
    desk.issue()
    desk.call_next()
    page.wait_for_selector(".flash, [class*='flash']", timeout=10_000)
    run.check(page, f"hall_{lang}_{size[0]}_calling")
    finish(run, page)


@pytest.mark.parametrize("lang", LANGS)
def test_window_displays(context: Any, demo_hub: HubProcess, run: AxeRun, lang: str) -> None:
    calling, paused = Desk(demo_hub, 1), Desk(demo_hub, 3)
    calling.act("sign-in")
    calling.issue()
    calling.call_next()
    state = paused.act("sign-in")["window"]
    if state["state"] != "paused":
        paused.act("pause", reason="午休")
    for window, what in ((1, "calling"), (3, "paused"), (6, "closed")):
        page = display(context, demo_hub, f"/display/window/{window}",
                       demo_hub.tokens[f"window-{window}"], (1280, 720), lang)
        run.check(page, f"window_{lang}_{what}")
    finish(run, page)


# -------------------------------------------------------------------------- pad


@pytest.mark.parametrize("lang", LANGS)
def test_pad(context: Any, demo_hub: HubProcess, run: AxeRun, lang: str) -> None:
    page = new_page(context(1280, 800))
    page.goto(f"{demo_hub.url}/pad/window/8?lang={lang}&ask=60&details=60&thanks=60"
              f"#token={demo_hub.tokens['pad-8']}")
    page.wait_for_selector("#view-idle:not([hidden])", timeout=20_000)
    clerk = Desk(demo_hub, 8)
    clerk.act("sign-in")
    # The clerk's card: the window is open and shows who serves at it.
    page.wait_for_selector("#view-idle:not([hidden]):not(.closed) #staff-name:not(:empty)",
                           timeout=20_000)
    run.check(page, f"pad_{lang}_idle")
    clerk.issue()
    clerk.call_next()
    clerk.act("complete")
    page.wait_for_selector("#view-ask:not([hidden])", timeout=20_000)
    run.check(page, f"pad_{lang}_rating")
    page.locator(".level-2").click()
    page.wait_for_selector("#view-details:not([hidden])")
    run.check(page, f"pad_{lang}_details")
    page.locator("#aspects button").first.click()
    page.locator("#details-submit:not([disabled])").click()
    page.wait_for_selector("#view-thanks:not([hidden])", timeout=20_000)
    run.check(page, f"pad_{lang}_thanks")
    finish(run, page)


# ------------------------------------------------------------------------ phone


@pytest.mark.parametrize("lang", LANGS)
def test_phone_ticket_page(context: Any, demo_hub: HubProcess, run: AxeRun, lang: str) -> None:
    issued = api(demo_hub, "POST", "/api/v1/tickets", demo_hub.tokens["kiosk-1"],
                 json={"service": "real-estate"}).json()
    page = new_page(context(390, 844, has_touch=True))
    page.goto(f"{demo_hub.url}/t/{issued['id']}")
    page.wait_for_selector("#card:not([hidden])", timeout=20_000)
    if lang == "en":
        page.locator("#lang").click()
        page.wait_for_selector("html[lang='en']")
    page.locator("#guide summary").click()
    run.check(page, f"phone_{lang}_waiting")
    page.goto(f"{demo_hub.url}/t/NO-SUCH-TICKET")
    page.wait_for_selector("#missing:not([hidden])", timeout=20_000)
    if lang == "en":
        page.locator("#lang").click()
    run.check(page, f"phone_{lang}_missing")
    finish(run, page)


@pytest.mark.parametrize("lang", LANGS)
def test_phone_booking_page(context: Any, demo_hub: HubProcess, run: AxeRun, lang: str) -> None:
    page = new_page(context(390, 844, has_touch=True))
    page.goto(f"{demo_hub.url}/book")
    book_to_the_phone_step(page, lang, run.check)
    page.fill("#phone", "139")
    page.locator("#confirm").click()  # no code yet: the page says what is missing
    run.check(page, f"book_{lang}_phone")
    page.locator("#tab-mine").click()
    page.wait_for_selector("#step-mine:not([hidden])")
    run.check(page, f"book_{lang}_mine")
    finish(run, page)


@pytest.mark.parametrize("lang", LANGS)
def test_phone_case_page(context: Any, demo_hub: HubProcess, run: AxeRun, lang: str) -> None:
    page = new_page(context(390, 844, has_touch=True))
    open_case_lookup(page, demo_hub.url, lang)
    run.check(page, f"case_{lang}_lookup")
    look_up_case(page, "C2026-000001", "13900000000")  # not the phone given at opening
    page.wait_for_function("() => document.querySelector('#error').textContent.trim() !== ''")
    run.check(page, f"case_{lang}_not_found")
    look_up_case(page, "C2026-000001", "13800138011")  # the demo's first case (overdue)
    page.wait_for_selector("#case:not([hidden])", timeout=20_000)
    run.check(page, f"case_{lang}_found")
    finish(run, page)


# ----------------------------------------------------------------------- caller


def open_dialogs(page: Any, run: AxeRun, lang: str, actions: tuple[str, ...]) -> int:
    """Open (and cancel) the dialog of each action that is enabled now; how many opened."""
    opened = 0
    for action in actions:
        button = page.locator(f"button[data-action='{action}']")
        if not (button.is_visible() and button.is_enabled()):
            continue
        opened += 1
        button.click()
        page.wait_for_selector("#dialog:not([hidden])")
        run.check(page, f"caller_{lang}_dialog_{action}")
        page.click("#dialog-cancel")
        page.wait_for_selector("#dialog", state="hidden")
    return opened


@pytest.mark.parametrize("lang", LANGS)
def test_caller(context: Any, demo_hub: HubProcess, run: AxeRun, lang: str) -> None:
    clerk = Desk(demo_hub, 5)
    if clerk.act("sign-in")["window"]["ticket"]:
        clerk.act("complete")
    clerk.act("sign-out")
    page = new_page(context(1280, 800))
    page.goto(f"{demo_hub.url}/caller?lang={lang}")
    page.wait_for_selector("#view-login:not([hidden])", timeout=20_000)
    run.check(page, f"caller_{lang}_login")
    page.fill("#username", "chenjing")
    page.fill("#password", demo_hub.passwords["chenjing"])
    page.click("#login-button")
    page.wait_for_selector("[data-sign-in='5']:not([disabled])", timeout=20_000)
    run.check(page, f"caller_{lang}_windows")
    page.click("[data-sign-in='5']")
    page.wait_for_selector("#live-status.conn.live", timeout=20_000)
    run.check(page, f"caller_{lang}_idle")
    for _ in range(2):
        api(demo_hub, "POST", "/api/v1/tickets", demo_hub.tokens["kiosk-1"],
            json={"service": "real-estate"})
    page.wait_for_selector("button[data-action='call-next']:not([disabled])")
    page.click("button[data-action='call-next']")
    page.wait_for_selector("#current-number", timeout=20_000)
    run.check(page, f"caller_{lang}_serving")
    for tab in ("held", "transfers", "today", "queue"):
        page.click(f"[data-tab='{tab}']")
        page.wait_for_selector(f"#tab-{tab}:not([hidden])")
        run.check(page, f"caller_{lang}_tab_{tab}")
    page.click("button[data-action='start']")
    page.wait_for_selector("button[data-action='suspend']:not([disabled])")
    opened = open_dialogs(page, run, lang, ("transfer", "suspend", "reinstate"))
    page.click("button[data-action='complete']")
    page.wait_for_selector("#current-number", state="detached", timeout=20_000)
    opened += open_dialogs(page, run, lang, ("call", "pause"))
    assert opened >= 4
    page.click("#sign-out")
    page.wait_for_selector("#dialog:not([hidden])")
    run.check(page, f"caller_{lang}_dialog_sign_out")
    page.click("#dialog-ok")
    page.wait_for_selector("#view-windows:not([hidden])", timeout=20_000)
    finish(run, page)


# ---------------------------------------------------------------------- dashboard


@pytest.mark.parametrize("lang", LANGS)
def test_dashboard(context: Any, demo_hub: HubProcess, run: AxeRun, lang: str) -> None:
    ctx = context(1440, 900)
    ctx.add_init_script(f"localStorage.setItem('jiaohao.lang.manage', '{lang}')")
    page = new_page(ctx)
    page.goto(f"{demo_hub.url}/manage")
    page.wait_for_selector("#view-login:not([hidden])", timeout=20_000)
    run.check(page, f"manage_{lang}_login")
    page.fill("#username", "director")
    page.fill("#password", demo_hub.passwords["director"])
    page.click("#login-button")
    page.wait_for_selector(".windows .window", timeout=20_000)
    for name in MANAGE_PAGES:
        page.evaluate("(name) => { location.hash = name; }", name)
        section = "config" if name.startswith("config/") else name
        # The page is shown, and what it asked the hub for has come and been drawn.
        page.wait_for_selector(f"#main[aria-busy='false'] > #page-{section}:not([hidden])",
                               timeout=20_000)
        run.check(page, f"manage_{lang}_{name.replace('/', '_')}")
    finish(run, page)
