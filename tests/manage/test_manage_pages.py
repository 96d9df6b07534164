"""The dashboard end to end: a real hub whose day is played by `jiaohao simulate` (its
clock 600× fast: the day in about a minute), the real pages in Chromium, and the reports
checked against figures counted here, independently, from the same journal
(GET /api/v1/events).

The tests run in file order: the first ones while the simulated day goes on (live
updates, alerts, configuration, complaints), the report checks once it has ended.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import openpyxl
import pytest

from tests.support.browser import screenshot
from tests.support.hub import api
from tools.process import HubProcess

pytestmark = pytest.mark.slow
DAY = "2026-11-26"
CLOCK = f"fast:600@{DAY}T08:20:00+08:00"


class Simulated(HubProcess):
    simulation: subprocess.Popen[str]
    summary: str = ""

    def finished(self, timeout: float = 240) -> str:
        """Wait for the simulated day to end; what it printed."""
        if not self.summary:
            out, err = self.simulation.communicate(timeout=timeout)
            assert self.simulation.returncode == 0, err[-3000:]
            self.summary = out
        return self.summary


@pytest.fixture(scope="module")
def sim_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulated]:
    folder = tmp_path_factory.mktemp("simulated")
    hub = Simulated("gevent", folder=str(folder), env={"JIAOHAO_CLOCK": CLOCK})
    hub.prepare_demo()
    hub.start()
    credentials = folder / "credentials.json"
    credentials.write_text(json.dumps({"users": hub.passwords, "devices": hub.tokens}))
    hub.simulation = subprocess.Popen(
        [sys.executable, "-m", "tools.cli", "simulate", "--hub", hub.url, "--credentials",
         str(credentials), "--seed", "7", "--tickets", "260"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield hub
    if hub.simulation.poll() is None:
        hub.simulation.terminate()
    hub.simulation.communicate(timeout=10)  # and closes its pipes
    hub.stop()
    assert "Traceback" not in hub.log(), hub.log()


@pytest.fixture
def page(browser: Any, sim_hub: Simulated) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN",
                                  accept_downloads=True)
    found = context.new_page()
    errors: list[str] = []
    found.on("pageerror", lambda error: errors.append(str(error)))
    yield found
    context.close()
    assert not errors, errors


def sign_in(page: Any, hub: Simulated, user: str = "director") -> None:
    page.goto(f"{hub.url}/manage")
    page.fill("#username", user)
    page.fill("#password", hub.passwords[user])
    page.click("#login-button")
    if user == "director":
        page.wait_for_selector(".kpis", timeout=20000)


def kpi(page: Any, name: str) -> str:
    text: str = page.locator(f'.page:not([hidden]) [data-kpi="{name}"] b').inner_text()
    return text


def test_a_clerk_cannot_open_the_dashboard(page: Any, sim_hub: Simulated) -> None:
    sign_in(page, sim_hub, "wangli")
    error = page.locator("#login-error")
    error.wait_for()
    page.wait_for_function("() => document.getElementById('login-error').textContent.length > 0")
    assert "仅供中心主任" in error.inner_text()
    assert page.locator("#view-app").is_hidden()
    assert page.evaluate("localStorage.getItem('jiaohao.token.manage')") in (None, "")
    screenshot(page, "manage-clerk-refused")


def test_the_overview_lives_without_a_reload(page: Any, sim_hub: Simulated) -> None:
    sign_in(page, sim_hub)
    page.evaluate("window.__not_reloaded = true")
    assert page.locator(".services tbody tr").count() == 6
    assert page.locator(".windows .window").count() == 8
    before = int(kpi(page, "issued"))
    page.wait_for_function(
        f"() => Number(document.querySelector('[data-kpi=issued] b').textContent) > {before}",
        timeout=30000)
    page.wait_for_selector(".window[data-state=serving]", timeout=30000)
    assert page.evaluate("window.__not_reloaded") is True
    assert page.locator("#live-status").inner_text() == "实时"
    assert "A" in page.locator(".services tbody tr").first.inner_text()
    # The morning peak (about 09:45 on the hub's clock), for a picture of a busy hall.
    page.wait_for_function(
        "() => Number(document.querySelector('[data-kpi=issued] b').textContent) > 45",
        timeout=60000)
    screenshot(page, "manage-overview")
    page.click("#lang")
    page.wait_for_selector("text=Tickets today")
    screenshot(page, "manage-overview-en")
    page.click("#lang")


def test_an_alert_is_raised_and_cleared_live(page: Any, sim_hub: Simulated) -> None:
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#alerts")
    page.evaluate("window.__not_reloaded = true")
    kiosk = sim_hub.tokens["kiosk-1"]
    fault = {"printer": {"online": True, "paper": "out", "cover_open": False,
                         "error": "打印纸用完", "configured": True}, "message": "打印纸用完"}
    assert api(sim_hub, "POST", "/api/v1/devices/health", kiosk, json=fault).ok
    current = page.locator(".alert-table tbody")
    current.locator("text=打印纸用完").wait_for(timeout=15000)
    assert "设备故障" in current.inner_text() and "kiosk-1" in current.inner_text()
    screenshot(page, "manage-alerts")
    ok = {"printer": {"online": True, "paper": "ok", "cover_open": False, "error": None,
                      "configured": True}, "message": "ok"}
    assert api(sim_hub, "POST", "/api/v1/devices/health", kiosk, json=ok).ok
    current.locator("text=打印纸用完").wait_for(state="detached", timeout=15000)
    page.locator(".cleared-table").locator("text=打印纸用完").wait_for(timeout=5000)
    assert page.evaluate("window.__not_reloaded") is True


def test_a_configuration_change_reaches_the_kiosk_live(page: Any, browser: Any,
                                                       sim_hub: Simulated) -> None:
    kiosk_context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="zh-CN")
    kiosk = kiosk_context.new_page()
    kiosk.goto(f"{sim_hub.url}/kiosk#token={sim_hub.tokens['kiosk-1']}")
    kiosk.wait_for_function(
        "() => document.getElementById('center-zh').textContent.includes('清河')")
    kiosk.evaluate("window.__not_reloaded = true")
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#config/display")
    field = page.locator('[data-path="center.name.zh"]')
    field.fill("清河县政务服务中心（城东分中心）")
    page.locator('[data-path="center.complaint_phone"]').fill("0311-88886666")
    page.click("#cf-save")
    page.locator("#toast").locator("text=已保存").wait_for(timeout=10000)
    kiosk.wait_for_function(
        "() => document.getElementById('center-zh').textContent.includes('城东分中心')",
        timeout=15000)
    assert kiosk.evaluate("window.__not_reloaded") is True
    assert "0311-88886666" in kiosk.content()
    screenshot(page, "manage-config-display")
    screenshot(kiosk, "manage-kiosk-after-config")
    kiosk_context.close()
    events = api(sim_hub, "GET", "/api/v1/events?since=0&limit=10000",
                 sim_hub.login("director")).json()["events"]
    changed = [e for e in events if e["type"] == "config_changed" and e["actor"] == "director"]
    assert changed and changed[-1]["data"]["summary"] == "修改公示信息"
    assert changed[-1]["data"]["config"]["center"]["complaint_phone"] == "0311-88886666"


def test_a_wrong_configuration_is_refused_naming_the_field(page: Any,
                                                           sim_hub: Simulated) -> None:
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#config/services")
    page.locator('details[data-service="medical-insurance"] > summary').click()
    prefix = page.locator('[data-path="services.1.prefix"]')
    prefix.fill("A")  # the prefix of social-security already
    page.click("#cf-save")
    page.locator("#cf-error").locator("text=services.1.prefix").wait_for(timeout=10000)
    assert "invalid" in (prefix.get_attribute("class") or "")
    screenshot(page, "manage-config-services-error")
    config = api(sim_hub, "GET", "/api/v1/config", sim_hub.login("director")).json()["config"]
    assert config["services"][1]["prefix"] == "B"
    page.click("#cf-reload")
    assert page.locator('[data-path="services.1.prefix"]').input_value() == "B"


@pytest.mark.parametrize("sub", ["services", "windows", "hours", "queue", "appointments",
                                 "display", "supervision"])
def test_every_configuration_form_shows_the_configuration(page: Any, sim_hub: Simulated,
                                                          sub: str) -> None:
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#config/{sub}")
    page.wait_for_selector("#cf-save")
    expected = {"services": ('[data-path="services.0.name.zh"]', "社会保险参保登记"),
                "windows": ('[data-path="windows.0.name.zh"]', "1号窗口 社保"),
                "hours": ('[data-path="hours.spans"]', "08:30-12:00\n13:30-17:30"),
                "queue": ('[data-path="priority_classes.0.name.zh"]', "老年人（65岁以上）"),
                "appointments": ('[data-path="appointment_slots"]', "09:00-10:00"),
                "display": ('[data-path="center.complaint_phone"]', ""),
                "supervision": ('[data-path="supervision.follow_up_days"]', "")}[sub]
    assert expected[1] in page.locator(expected[0]).input_value()
    screenshot(page, f"manage-config-{sub}")


def test_a_priority_weight_change_is_saved(page: Any, sim_hub: Simulated) -> None:
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#config/queue")
    page.locator('[data-path="queue.priority_ratio"]').fill("4")
    page.click("#cf-save")
    page.locator("#toast").locator("text=已保存").wait_for(timeout=10000)
    config = api(sim_hub, "GET", "/api/v1/config", sim_hub.login("director")).json()["config"]
    assert config["queue"]["priority_ratio"] == 4


def test_staff_accounts_and_devices_in_the_browser(page: Any, sim_hub: Simulated) -> None:
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#config/users")
    page.locator("table.users tbody tr", has_text="wangli").wait_for()
    page.locator(".us-username").last.fill("xiaoli")
    page.locator(".us-windows").last.fill("7,8")
    page.locator(".us-password").last.fill("xiaoli-pass-1")
    page.locator(".us-save").last.click()
    page.locator("table.users tbody tr", has_text="xiaoli").wait_for(timeout=10000)
    screenshot(page, "manage-config-users")
    login = api(sim_hub, "POST", "/api/v1/auth/token",
                json={"username": "xiaoli", "password": "xiaoli-pass-1"}).json()
    assert login["role"] == "clerk" and login["windows"] == [7, 8]
    page.goto(f"{sim_hub.url}/manage#config/devices")
    page.fill("#dv-name", "window-9")
    page.click("#dv-add")
    token = page.locator("#dv-new-token .token-box").inner_text(timeout=10000)
    assert token.startswith("dev.demo.")
    assert api(sim_hub, "GET", "/api/v1/state", token).ok
    screenshot(page, "manage-config-devices")
    page.click('[data-revoke="window-9"]')
    page.locator("#dv-new-token").wait_for(state="detached", timeout=10000)
    assert api(sim_hub, "GET", "/api/v1/state", token).status_code == 401
    # A rating pad stands at its window: it rates only what that window served.
    page.fill("#dv-name", "pad-spare")
    page.select_option("#dv-role", "pad")
    page.fill("#dv-window", "3")
    page.click("#dv-add")
    page.locator("#dv-new-token .hint", has_text="/pad/window/3#token=").wait_for(timeout=10000)
    devices = api(sim_hub, "GET", "/api/v1/manage/devices",
                  sim_hub.login("director")).json()["devices"]
    assert [d["window"] for d in devices if d["name"] == "pad-spare"] == [3]
    assert [d["window"] for d in devices if d["name"] == "pad-1"] == [1]
    screenshot(page, "manage-config-devices-pad")


def test_a_complaint_is_recorded_and_handled_in_the_browser(page: Any,
                                                            sim_hub: Simulated) -> None:
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#complaints")
    page.select_option("#cp-channel", "phone")
    page.select_option("#cp-deadline_class", "multi_unit")
    page.select_option("#cp-window", "5")
    page.fill("#cp-ticket", "D003")
    page.fill("#cp-complainant", "欧阳娜娜")
    page.fill("#cp-phone", "13912345678")
    page.fill("#cp-text", "不动产登记需要多部门协调，来回跑了三次")
    page.click("#cp-record")
    row = page.locator("table.complaints tbody tr", has_text="来回跑了三次")
    row.wait_for(timeout=10000)
    # Thursday 26 Nov 2026 + 5 working days = Thursday 3 Dec.
    assert "2026-12-03" in row.inner_text() and "13912345678" in row.inner_text()
    row.locator('[data-action="assign"]').click()
    row.locator(".inline-form button.primary").click()
    page.locator("table.complaints tbody tr", has_text="已指派").wait_for(timeout=10000)
    row = page.locator("table.complaints tbody tr", has_text="来回跑了三次")
    row.locator('[data-action="answer"]').click()
    row.locator(".inline-form textarea").fill("已协调不动产、税务窗口联合办理，并向群众致歉")
    row.locator(".inline-form button.primary").click()
    page.locator("table.complaints tbody tr", has_text="已答复").wait_for(timeout=10000)
    screenshot(page, "manage-complaints")


def test_bad_ratings_are_followed_up_in_the_browser(page: Any, sim_hub: Simulated) -> None:
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#follow-ups")
    rows = page.locator("table.follow-ups tbody tr", has_text="待处理")
    rows.first.wait_for(timeout=60000)
    number = rows.first.locator("td").first.inner_text()
    # Found again by its number: newer bad ratings may come in above it meanwhile.
    row = page.locator("table.follow-ups tbody tr", has_text=number)
    row.locator('[data-action="answer"]').click()
    row.locator(".inline-form textarea").first.fill("已电话回访，群众接受解释")
    row.locator(".inline-form textarea").last.fill("窗口开展一次性告知培训")
    row.locator(".inline-form button.primary").click()
    answered = page.locator("table.follow-ups tbody tr", has_text=number)
    answered.locator("text=已答复").wait_for(timeout=10000)
    assert "2026-12-17" in answered.inner_text()
    screenshot(page, "manage-follow-ups")


def test_a_call_back_sample_in_the_browser(page: Any, sim_hub: Simulated) -> None:
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#call-backs")
    page.fill("#cb-size", "6")
    page.click("#cb-draw")
    sample = page.locator(".card.sample").first
    sample.wait_for(timeout=10000)
    # Six, or fewer when earlier samples in this module already took the rest of the
    # day's eligible tickets (a ticket is never sampled twice): the card says how many.
    sample.locator("text=/已回访 0\\/\\d+/").wait_for(timeout=10000)
    size = int(re.search(r"已回访 0/(\d+)", sample.inner_text()).group(1))  # type: ignore[union-attr]
    assert 1 <= size <= 6
    assert sample.locator("tbody tr").count() == size
    first = sample.locator("tbody tr").first
    first.locator(".cb-note").fill("群众表示满意")
    first.locator('[data-outcome="satisfied"]').click()
    page.locator(".card.sample").first.locator(f"text=已回访 1/{size}").wait_for(timeout=10000)
    screenshot(page, "manage-call-backs")


def test_the_audit_trail_of_a_ticket(page: Any, sim_hub: Simulated) -> None:
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#audit")
    page.fill("#au-number", "A003")
    page.fill("#au-day", DAY)
    page.click("#au-search")
    page.locator("#au-found").wait_for(timeout=10000)
    rows = page.locator("table.events tbody tr")
    assert rows.count() >= 3
    assert "取号" in rows.first.inner_text() and "kiosk-1" in rows.first.inner_text()
    assert "叫号" in page.locator("table.events").inner_text()
    screenshot(page, "manage-audit")


# ---------------------------------------------------------------------- reports


def independent_figures(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The day's figures counted straight from the journal, the simple way."""
    issued: dict[str, dict[str, Any]] = {}
    first_call: dict[str, dict[str, Any]] = {}
    last_call: dict[str, dict[str, Any]] = {}
    started: dict[str, str] = {}
    count: dict[str, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    waits: dict[Any, list[float]] = defaultdict(list)
    handlings: dict[Any, list[float]] = defaultdict(list)
    levels: dict[Any, list[int]] = defaultdict(list)
    signed: dict[str, list[str]] = defaultdict(list)
    signed_out: dict[str, str] = {}
    current: dict[str, str] = {}  # the service a ticket waits in now

    def seconds(start: str, end: str) -> float:
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()

    for event in events:
        kind, data, at = event["type"], event["data"], event["at"]
        if not at.startswith(DAY):
            continue
        ticket = data.get("ticket")
        if kind == "ticket_issued":
            issued[ticket] = {"service": data["service"], "at": at}
            current[ticket] = data["service"]
            count["tickets"][("service", data["service"])] += 1
            count["tickets"]["total"] += 1
        elif kind == "ticket_called":
            last_call[ticket] = data
            if ticket not in first_call:
                first_call[ticket] = data
                wait = seconds(issued[ticket]["at"], at)
                for key in ("total", ("service", issued[ticket]["service"]),
                            ("window", data["window"]), ("clerk", data["clerk"])):
                    waits[key].append(wait)
        elif kind == "service_started":
            started[ticket] = at
        elif kind == "ticket_completed":
            for key in ("total", ("service", data["service"]), ("window", data["window"]),
                        ("clerk", data["clerk"])):
                count["served"][key] += 1
                handlings[key].append(seconds(started[ticket], at))
        elif kind == "ticket_no_show":
            count["no_shows"]["total"] += 1
            count["no_shows"][("window", data["window"])] += 1
            count["no_shows"][("clerk", last_call[ticket]["clerk"])] += 1
            count["no_shows"][("service", current[ticket])] += 1
        elif kind == "ticket_transferred":
            count["transfers"]["total"] += 1
            count["transfers"][("window", data["from_window"])] += 1
            count["transfers"][("service", data["from_service"])] += 1
            current[ticket] = data["to_service"]
        elif kind == "ticket_rated":
            for key in ("total", ("service", data["service"]), ("window", data["window"]),
                        ("clerk", data["clerk"])):
                levels[key].append(data["level"])
        elif kind == "clerk_signed_in":
            signed[data["clerk"]].append(at)
            signed_out.pop(data["clerk"], None)
        elif kind == "clerk_signed_out":
            signed_out[data["clerk"]] = at
    return {"count": count, "waits": waits, "handlings": handlings, "levels": levels,
            "first_sign_in": {c: min(times) for c, times in signed.items()},
            "last_sign_out": signed_out}


def p90(values: list[float]) -> float | None:
    if not values:
        return None
    return sorted(values)[math.ceil(len(values) * 9 / 10) - 1]


def check_row(row: dict[str, Any], key: Any, mine: dict[str, Any]) -> None:
    count = mine["count"]
    assert row["served"] == count["served"][key], key
    assert row["no_shows"] == count["no_shows"][key], key
    waits, handlings, levels = mine["waits"][key], mine["handlings"][key], mine["levels"][key]
    assert row["wait"]["count"] == len(waits), key
    if waits:
        assert row["wait"]["mean"] == pytest.approx(sum(waits) / len(waits), abs=0.06), key
        assert row["wait"]["p90"] == pytest.approx(p90(waits), abs=0.06), key
    if handlings:
        assert row["handling"]["mean"] == pytest.approx(sum(handlings) / len(handlings),
                                                        abs=0.06), key
        assert row["handling"]["p90"] == pytest.approx(p90(handlings), abs=0.06), key
    assert row["ratings"]["count"] == len(levels), key
    for level in range(1, 6):
        assert row["ratings"]["levels"][str(level)] == levels.count(level), (key, level)
    if levels:
        satisfied = sum(1 for level in levels if level >= 3) / len(levels)
        assert row["ratings"]["satisfaction_rate"] == pytest.approx(satisfied, abs=1e-4), key
    assert row["bad"]["count"] == sum(1 for level in levels if level <= 2), key


def test_reports_match_an_independent_count(sim_hub: Simulated) -> None:
    summary = json.loads(sim_hub.finished().strip().splitlines()[-1])
    assert summary["issued"] > 150 and summary["completed"] > 100 and summary["bad"] >= 1
    token = sim_hub.login("director")
    events = api(sim_hub, "GET", "/api/v1/events?since=0&limit=10000", token).json()["events"]
    mine = independent_figures(events)
    report = api(sim_hub, "GET", f"/api/v1/manage/reports?day={DAY}", token).json()
    count = mine["count"]
    totals = report["totals"]
    assert totals["tickets"] == count["tickets"]["total"] == summary["issued"]
    assert totals["transfers"] == count["transfers"]["total"]
    assert totals["served"] == count["served"]["total"] > 0
    check_row(totals, "total", mine)
    for row in report["services"]:
        assert row["tickets"] == count["tickets"][("service", row["id"])]
        assert row["transfers"] == count["transfers"][("service", row["id"])]
        check_row(row, ("service", row["id"]), mine)
    for row in report["windows"]:
        assert row["transfers"] == count["transfers"][("window", row["id"])]
        check_row(row, ("window", row["id"]), mine)
    clerks = {row["username"]: row for row in report["clerks"]}
    assert len(clerks) == 8
    for name, row in clerks.items():
        check_row(row, ("clerk", name), mine)
    attendance = {a["clerk"]: a for a in report["attendance"]}
    for clerk, first in mine["first_sign_in"].items():
        assert attendance[clerk]["late"] == (first[11:-6] > "08:30:00"), clerk
        gone = mine["last_sign_out"].get(clerk)
        assert attendance[clerk]["early_leave"] == (gone is not None
                                                    and gone[11:-6] < "17:30:00"), clerk
    # The ranking follows its published formula.
    most = max(w["served"] for w in report["windows"])
    for entry in report["ranking"]["windows"]:
        row = next(w for w in report["windows"] if w["id"] == entry["id"])
        rate = row["ratings"]["satisfaction_rate"] or 0
        assert entry["score"] == pytest.approx(
            60 * rate + 40 * row["served"] / most - 5 * row["complaints"], abs=0.06)
    scores = [entry["score"] for entry in report["ranking"]["windows"]]
    assert scores == sorted(scores, reverse=True)
    assert report["ranking"]["windows"][0]["excellent"]

    # The exports read back: the CSV of windows and the XLSX workbook.
    answer = api(sim_hub, "GET", f"/api/v1/manage/reports/export?format=csv&table=windows"
                 f"&day={DAY}", token)
    assert answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows) == 8
    for row in rows:
        key = ("window", int(row["窗口"]))
        assert int(row["办结"]) == count["served"][key]
        assert int(row["过号"]) == count["no_shows"][key]
        waits = mine["waits"][key]
        if waits:
            assert float(row["平均等候(分钟)"]) == pytest.approx(
                sum(waits) / len(waits) / 60, abs=0.051)
    answer = api(sim_hub, "GET", f"/api/v1/manage/reports/export?format=xlsx&day={DAY}", token)
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    services = [list(r) for r in book["事项"].iter_rows(values_only=True)]
    header = services[0]
    for values in services[1:]:
        row = dict(zip(header, values, strict=True))
        key = ("service", row["事项编号"])
        assert row["取号"] == count["tickets"][key]
        assert row["办结"] == count["served"][key]
        levels = mine["levels"][key]
        assert row["差评"] == sum(1 for level in levels if level <= 2)
    summary_sheet = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True)}
    assert summary_sheet["取号"] == count["tickets"]["total"]
    assert summary_sheet["办结"] == count["served"]["total"]


def test_the_reports_page_shows_and_exports(page: Any, sim_hub: Simulated) -> None:
    sim_hub.finished()
    sign_in(page, sim_hub)
    page.goto(f"{sim_hub.url}/manage#reports")
    page.fill("#rp-day", DAY)
    page.click("#rp-query")
    page.wait_for_selector("#rp-title")
    page.locator("#rp-title", has_text=DAY).wait_for(timeout=10000)
    report = api(sim_hub, "GET", f"/api/v1/manage/reports?day={DAY}",
                 sim_hub.login("director")).json()
    assert kpi(page, "tickets") == str(report["totals"]["tickets"])
    assert kpi(page, "served") == str(report["totals"]["served"])
    assert page.locator(".ranking-id").locator("text=优秀窗口").count() == 1
    assert page.locator("table.rp-attendance tbody tr").count() == len(report["attendance"])
    screenshot(page, "manage-reports")
    with page.expect_download() as download:
        page.click("#rp-xlsx")
    path = download.value.path()
    assert download.value.suggested_filename == f"jiaohao-demo-{DAY}_{DAY}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))  # the file has no suffix
    windows = [list(r) for r in book["窗口"].iter_rows(values_only=True)]
    served = {row[0]: row[windows[0].index("办结")] for row in windows[1:]}
    assert served == {w["id"]: w["served"] for w in report["windows"]}
    page.select_option("#rp-mode", "month")
    page.fill("#rp-month", DAY[:7])
    page.click("#rp-query")
    page.locator("#rp-title", has_text="2026-11-01").wait_for(timeout=10000)
    screenshot(page, "manage-reports-month")
