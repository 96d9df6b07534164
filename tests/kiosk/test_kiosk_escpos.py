"""The ticket's ESC/POS bytes, pinned by a golden file and checked by decoding them.

The golden file is what the fake TCP printer received for ticket A012. After a
deliberate change to the slip, regenerate and review it:

    JIAOHAO_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/kiosk/test_kiosk_escpos.py
    .venv/bin/python -m tests.fakes.fake_printer tests/golden/ticket_a012.bin
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.escpos_ticket import (
    CHINESE_MODE_OFF,
    CHINESE_MODE_ON,
    decode_status,
    render_slip,
    status_request,
)
from kiosk.printers import open_printer
from kiosk.printing import TicketSlip
from tests.fakes.fake_printer import FakeEscposPrinter, Token, parse_escpos

GOLDEN = Path(__file__).parent.parent / "golden" / "ticket_a012.bin"
STATUS_QUESTIONS = status_request(1) + status_request(2) + status_request(4)


def test_ticket_sent_to_a_tcp_printer_matches_the_golden_file(
    fake_printer: FakeEscposPrinter, slip: TicketSlip
) -> None:
    printer = open_printer(f"tcp:127.0.0.1:{fake_printer.port}")
    printer.print_slip(slip)
    fake_printer.wait_for_closed_connections(1)

    received = fake_printer.received
    if "1" in (os.environ.get("JIAOHAO_UPDATE_GOLDEN"), os.environ.get("JIAOHAO_REGEN_GOLDEN")):
        GOLDEN.write_bytes(received)
    assert received == GOLDEN.read_bytes()
    # The printer is asked how it is, then sent exactly the rendered ticket.
    assert received == STATUS_QUESTIONS + render_slip(slip)
    assert fake_printer.jobs == [received]


def test_rendering_is_deterministic(slip: TicketSlip) -> None:
    assert render_slip(slip) == render_slip(TicketSlip.from_json(_as_json(slip)))


def test_chinese_text_is_gb18030_inside_chinese_mode(slip: TicketSlip) -> None:
    data = render_slip(slip)
    segments = re.findall(rb"\x1c&(.*?)\x1c\.", data, flags=re.DOTALL)
    assert [segment.decode("gb18030") for segment in segments] == [
        "杭州市上城区政务服务中心",
        "预约  老年人优先",
        "不动产登记",
        "前面还有 3 人",
        "预计等待约 15 分钟",
        "取号时间：2026-11-27 09:41",
        "扫码查看排队进度 Scan to follow your turn",
        "请携带：身份证原件、户口簿、不动产权证书等4项",
        "请留意叫号",
        "投诉电话：12345",
    ]
    # Nothing but 7-bit bytes outside Chinese mode: a GB byte there prints as Latin junk.
    outside = re.sub(rb"\x1c&.*?\x1c\.", b"", data, flags=re.DOTALL)
    assert CHINESE_MODE_ON not in outside and CHINESE_MODE_OFF not in outside
    assert max(outside) < 0x80


def test_chinese_punctuation_alone_is_wrapped(slip: TicketSlip) -> None:
    # python-escpos' own text() prints a lone "：" or "—" as "?".
    data = render_slip(replace(slip, eta_minutes=None))
    assert CHINESE_MODE_ON + "预计等待：—".encode("gb18030") + CHINESE_MODE_OFF in data
    assert b"?" not in data


def test_qr_code_stores_exactly_the_tracking_url(slip: TicketSlip) -> None:
    codes = [token for token in parse_escpos(render_slip(slip)) if token.name == "GS ( k"]
    # cn "1" is QR; fn "A" model, "C" module size, "E" error level, "P" store, "Q" print.
    assert [(code.data[:1], code.data[1:2]) for code in codes] == [
        (b"1", b"A"),
        (b"1", b"C"),
        (b"1", b"E"),
        (b"1", b"P"),
        (b"1", b"Q"),
    ]
    store = codes[3]
    assert store.data[2:3] == b"0"  # m
    assert store.data[3:].decode("utf-8") == "https://jiaohao.example.cn/t/7Q3K9ZP2"


def test_number_is_printed_large_then_size_is_reset(slip: TicketSlip) -> None:
    tokens = parse_escpos(render_slip(slip))
    number_at = next(i for i, t in enumerate(tokens) if t.name == "text" and t.text == "A012")
    size_before = _last(tokens[:number_at], "GS !")
    width, height = (size_before.data[0] >> 4) + 1, (size_before.data[0] & 0x0F) + 1
    assert width >= 2 and height >= 2
    assert _last(tokens[:number_at], "ESC E").data == b"\x01"  # bold
    size_after = next(t for t in tokens[number_at:] if t.name == "GS !")
    assert size_after.data[0] != size_before.data[0]


def test_stream_starts_with_init_and_ends_with_a_cut(slip: TicketSlip) -> None:
    tokens = parse_escpos(render_slip(slip))
    assert tokens[0].name == "ESC @"
    assert [t.name for t in tokens[-2:]] == ["ESC d", "GS V"]


def test_separator_follows_the_paper_width(slip: TicketSlip) -> None:
    narrow = parse_escpos(render_slip(slip, paper=58))
    rules = [t.text for t in narrow if t.name == "text" and not t.chinese and set(t.text) == {"-"}]
    assert rules == ["-" * 32, "-" * 32]


def _last(tokens: list[Token], name: str) -> Token:
    return [token for token in tokens if token.name == name][-1]


def _as_json(slip: TicketSlip) -> dict[str, object]:
    return {
        "center_name": slip.center_name,
        "number": slip.number,
        "service_name": slip.service_name,
        "service_name_en": slip.service_name_en,
        "ahead": slip.ahead,
        "eta_minutes": slip.eta_minutes,
        "issued_at": slip.issued_at.isoformat(),
        "track_url": slip.track_url,
        "materials": list(slip.materials),
        "complaint_phone": slip.complaint_phone,
        "priority_label": slip.priority_label,
        "appointment": slip.appointment,
    }


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ((0x12, 0x12, 0x12), {"online": True, "paper": "ok", "cover_open": False, "error": None}),
        ((0x12, 0x12, 0x1E), {"online": True, "paper": "low", "cover_open": False, "error": None}),
        (
            (0x1A, 0x32, 0x7E),
            {"online": False, "paper": "out", "cover_open": False, "error": "缺纸 / out of paper"},
        ),
        (
            (0x1A, 0x16, 0x12),
            {
                "online": False,
                "paper": "ok",
                "cover_open": True,
                "error": "纸仓盖打开 / cover open",
            },
        ),
        (
            (0x1A, 0x12, 0x12),
            {
                "online": False,
                "paper": "ok",
                "cover_open": False,
                "error": "打印机离线 / printer offline",
            },
        ),
        (
            (0x1A, 0x52, 0x12),
            {
                "online": False,
                "paper": "ok",
                "cover_open": False,
                "error": "打印机故障 / printer error",
            },
        ),
    ],
)
def test_status_bytes_decode(answers: tuple[int, int, int], expected: dict[str, object]) -> None:
    assert decode_status(*answers).to_dict() == expected
