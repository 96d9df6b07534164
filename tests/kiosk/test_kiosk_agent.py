"""The kiosk agent's parts without a screen: the JS bridge against a fake TCP
printer, health reports reaching the hub, and the REST the kiosk relies on."""

from __future__ import annotations

import argparse
import io
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
import qrcode
import qrcode.image.svg

from client.agent import AgentError, HealthReporter
from kiosk.agent import Latest, health_report, main
from kiosk.bridge import KioskBridge, StatusWatcher
from kiosk.escpos_ticket import render_slip
from kiosk.printers import open_printer
from kiosk.printing import TicketSlip
from tests.fakes.fake_printer import FakeEscposPrinter, parse_escpos, unused_port
from tests.support.hub import api
from tools.process import HubProcess


def tcp_bridge(port: int) -> KioskBridge:
    return KioskBridge(open_printer(f"tcp:127.0.0.1:{port}", timeout=2, status_timeout=0.5))


def test_a_confirmed_ticket_is_printed_byte_for_byte(
    fake_printer: FakeEscposPrinter, slip_json: dict[str, Any],
) -> None:
    bridge = tcp_bridge(fake_printer.port)
    answer = bridge.print_ticket(slip_json)
    assert answer["ok"] is True and answer["message"] == ""
    assert answer["status"]["configured"] is True and answer["status"]["error"] is None
    fake_printer.wait_for_closed_connections(1)
    assert render_slip(TicketSlip.from_json(slip_json)) in fake_printer.received
    assert bridge.last_ticket() == {"number": "A012", "printed": True}


def test_a_refused_printer_loses_nothing_and_the_reprint_comes_out_later(
    slip_json: dict[str, Any],
) -> None:
    port = unused_port()
    bridge = tcp_bridge(port)
    heard: list[dict[str, Any]] = []
    bridge.add_listener(heard.append)
    answer = bridge.print_ticket(slip_json)
    assert answer["ok"] is False
    assert "打印机离线" in answer["message"] and "connection refused" in answer["message"]
    assert answer["status"]["online"] is False and "打印机离线" in answer["status"]["error"]
    assert heard and heard[-1] == answer["status"]
    assert bridge.last_ticket() == {"number": "A012", "printed": False}

    with FakeEscposPrinter(port=port) as printer:  # the printer is back
        again = bridge.reprint_last()
        assert again["ok"] is True and again["status"]["error"] is None
        printer.wait_for_closed_connections(1)
        reprinted = [t.text for t in parse_escpos(printer.received) if t.name == "text"]
        assert "A012" in reprinted and "补打 REPRINT" in reprinted
    assert heard[-1]["error"] is None
    assert bridge.last_ticket() == {"number": "A012", "printed": True}


def test_out_of_paper_and_an_open_cover_are_answers_not_crashes(
    fake_printer: FakeEscposPrinter, slip_json: dict[str, Any],
) -> None:
    bridge = tcp_bridge(fake_printer.port)
    fake_printer.set_status(paper="out")
    answer = bridge.print_ticket(slip_json)
    assert answer["ok"] is False and "缺纸" in answer["message"]
    assert answer["status"]["paper"] == "out"
    fake_printer.set_status(cover_open=True)
    assert "纸仓盖打开" in bridge.check_status()["error"]
    fake_printer.set_status()
    assert bridge.check_status()["error"] is None
    # Nothing but status questions reached the printer while it could not print.
    assert not [t for t in parse_escpos(fake_printer.received) if t.name == "GS ( k"]


def test_a_bad_slip_and_no_printer_are_told_plainly(slip_json: dict[str, Any]) -> None:
    bridge = KioskBridge(open_printer("none"))
    assert bridge.check_status()["configured"] is False
    answer = bridge.print_ticket(slip_json)
    assert answer["ok"] is False and "未配置打印机" in answer["message"]
    assert bridge.print_ticket({**slip_json, "number": "A 12!"})["message"].startswith(
        "号票内容有误")
    assert bridge.print_ticket("not a dict")["ok"] is False


def test_the_bridge_exposes_only_its_methods_to_the_page() -> None:
    """pywebview walks every public attribute into window.pywebview.api."""
    bridge = KioskBridge(open_printer("none"))
    public = {name for name in dir(bridge) if not name.startswith("_")}
    assert public == {"print_ticket", "reprint_last", "last_ticket", "printer_status",
                      "add_listener", "check_status"}


@pytest.mark.slow
def test_printer_health_reaches_the_hub_and_managers_see_it(demo_hub: HubProcess) -> None:
    kiosk = demo_hub.tokens["kiosk-1"]
    port = unused_port()
    bridge = tcp_bridge(port)
    delivered = threading.Event()
    reporter = health_report(HealthReporter(demo_hub.url, kiosk), f"tcp:127.0.0.1:{port}")

    def deliver(status: dict[str, Any]) -> None:
        reporter(status)
        delivered.set()

    to_hub = Latest("health report", deliver)
    to_hub.start()
    watcher = StatusWatcher(bridge, to_hub.put, every=0.2)
    bridge.add_listener(to_hub.put)
    watcher.start()
    assert delivered.wait(10)
    watcher.stopping.set()
    watcher.join(5)

    manager = demo_hub.login("director")
    devices = api(demo_hub, "GET", "/api/v1/devices", manager).json()["devices"]
    mine = next(d for d in devices if d["device"] == "kiosk-1")
    assert mine["role"] == "kiosk"
    assert "打印机离线" in mine["report"]["printer"]["error"]
    assert mine["report"]["printer"]["spec"] == f"tcp:127.0.0.1:{port}"
    assert mine["report"]["message"].startswith("打印机离线")
    assert api(demo_hub, "GET", "/api/v1/devices", kiosk).status_code == 403
    assert api(demo_hub, "GET", "/api/v1/devices").status_code == 401


@pytest.mark.slow
def test_the_kiosk_facts_and_the_tickets_qr_code(demo_hub: HubProcess) -> None:
    info = api(demo_hub, "GET", "/api/v1/kiosk").json()
    assert info["center_name"]["zh"] == "清河县政务服务中心"
    assert info["complaint_phone"] == "0311-12345"
    assert [p["id"] for p in info["priority_classes"]] == [
        "elderly", "disabled", "pregnant", "military"]
    assert info["business_day"] == "2026-11-26" and info["now"].endswith("+08:00")

    ticket = api(demo_hub, "POST", "/api/v1/tickets", demo_hub.tokens["kiosk-1"],
                 json={"service": "household"}).json()
    answer = api(demo_hub, "GET", f"/api/v1/tickets/{ticket['id']}/qr.svg")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("image/svg+xml")
    # The QR code holds the phone page's address, nothing else.
    expected = io.BytesIO()
    qrcode.make(f"{demo_hub.url}/t/{ticket['id']}", border=2, box_size=10,
                image_factory=qrcode.image.svg.SvgPathImage).save(expected)
    assert answer.content == expected.getvalue()
    assert api(demo_hub, "GET", "/api/v1/tickets/NoSuchTicket0000/qr.svg").status_code == 404


def agent_args(**overrides: Any) -> argparse.Namespace:
    values = {"hub": "http://127.0.0.1:1", "token": "dev.x.y", "printer": "none",
              "windowed": True, "size": None, "status_every": 10.0, **overrides}
    return argparse.Namespace(**values)


@pytest.mark.parametrize(("overrides", "complaint"), [
    ({"hub": "127.0.0.1:8600"}, "--hub must be a URL"),
    ({"printer": "lp0"}, "--printer: bad printer spec"),
    ({"size": "big"}, "--size must look like 1080x1920"),
    ({"paper": "76"}, "--paper: paper width must be 58 or 80"),
    ({"status_every": -1.0}, "--status-every must be more than 0"),
])
def test_bad_arguments_stop_the_agent_with_one_line(overrides: dict[str, Any],
                                                    complaint: str) -> None:
    with pytest.raises(AgentError, match=complaint):
        main(agent_args(**overrides))


@pytest.mark.slow
def test_a_token_the_hub_refuses_stops_the_agent(demo_hub: HubProcess) -> None:
    with pytest.raises(AgentError, match="refused this kiosk's token"):
        main(agent_args(hub=demo_hub.url, token="dev.demo.not-a-real-token"))


def test_a_reprint_says_reprint_and_when(
    fake_printer: FakeEscposPrinter, slip_json: dict[str, Any],
) -> None:
    """The staff's 补打 prints the last ticket marked 补打 with the reprint time
    (in the issuing time zone); the first print carries no such mark."""
    reprint_at = datetime(2026, 11, 27, 2, 5, 40, tzinfo=UTC)  # 10:05 in China
    bridge = KioskBridge(open_printer(f"tcp:127.0.0.1:{fake_printer.port}", timeout=2,
                                      status_timeout=0.5), clock=lambda: reprint_at)
    assert bridge.print_ticket(slip_json)["ok"] is True
    assert bridge.reprint_last()["ok"] is True
    fake_printer.wait_for_closed_connections(2)

    first, again = ([t.text for t in parse_escpos(job) if t.name == "text"]
                    for job in fake_printer.jobs)
    assert not any("补打" in line for line in first)
    assert "补打 REPRINT" in again
    assert "补打时间：2026-11-27 10:05" in again
    assert "取号时间：2026-11-27 09:41" in again  # still the ticket's own time
    assert "A012" in again
    assert bridge.last_ticket() == {"number": "A012", "printed": True}
