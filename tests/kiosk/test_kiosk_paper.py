"""The slip on 58 mm (32 columns, 384 dots) and 80 mm (48 columns, 576 dots) paper.

Golden bytes per width: what the fake TCP printer received for one fixed ticket
(a long service name, a wait range, a reprint), so any change to the bytes is
seen. After a deliberate change to the slip, rewrite and review them:

    JIAOHAO_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/kiosk/test_kiosk_paper.py
    .venv/bin/python -m tests.fakes.fake_printer tests/golden/slip/long-58mm.bin
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.escpos_ticket import qr_module_dots, render_slip, status_request
from kiosk.printers import open_printer
from kiosk.printing import (
    PAPER_WIDTHS,
    SlipWait,
    TicketSlip,
    paper_width,
    text_columns,
    wrap_columns,
)
from tests.fakes.fake_printer import FakeEscposPrinter, Token, parse_escpos

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "slip"
UPDATE = os.environ.get("JIAOHAO_UPDATE_GOLDEN") == "1"
STATUS_QUESTIONS = status_request(1) + status_request(2) + status_request(4)
CHINA = timezone(timedelta(hours=8))


@pytest.fixture
def long_slip(slip: TicketSlip) -> TicketSlip:
    """A fixed ticket with every line long enough to wrap on 58 mm paper."""
    return replace(
        slip,
        number="B1024",
        center_name="杭州市上城区人民政府政务服务中心（市民之家）",
        service_name="个体工商户及企业开办登记（含名称自主申报）",
        service_name_en="Registration of Sole Proprietors and Enterprises (Self-Declared Names)",
        ahead=17,
        eta_minutes=35,
        wait=SlipWait(state="queue", minutes=35, low=25, high=48),
        reprinted_at=datetime(2026, 11, 27, 10, 5, tzinfo=CHINA),
    )


def printed(fake_printer: FakeEscposPrinter, slip: TicketSlip, mm: int) -> bytes:
    printer = open_printer(f"tcp:127.0.0.1:{fake_printer.port}", paper=mm)
    printer.print_slip(slip)
    fake_printer.wait_for_closed_connections(1)
    return fake_printer.received


@pytest.mark.parametrize("mm", [58, 80])
def test_the_slip_matches_the_golden_bytes_for_each_paper_width(
    mm: int, fake_printer: FakeEscposPrinter, long_slip: TicketSlip
) -> None:
    received = printed(fake_printer, long_slip, mm)
    golden = GOLDEN / f"long-{mm}mm.bin"
    if UPDATE:
        golden.write_bytes(received)
    assert golden.exists(), f"{golden} missing: run with JIAOHAO_UPDATE_GOLDEN=1 and review it"
    assert received == golden.read_bytes(), (
        f"the {mm} mm slip changed; if on purpose, rewrite with JIAOHAO_UPDATE_GOLDEN=1 "
        f"and review: .venv/bin/python -m tests.fakes.fake_printer {golden}")
    assert received == STATUS_QUESTIONS + render_slip(long_slip, paper=mm)


def printed_lines(data: bytes) -> list[tuple[str, int, int]]:
    """Each printed line as (text, its width scale, its alignment: 0 left, 1 center)."""
    lines: list[tuple[str, int, int]] = []
    scale, align, text = 1, 0, ""
    for token in parse_escpos(data):
        if token.name == "GS !":
            scale = (token.data[0] >> 4) + 1
        elif token.name == "ESC a":
            align = token.data[0]
        elif token.name == "text":
            text += token.text
        elif token.name == "LF":
            lines.append((text, scale, align))
            text = ""
    return lines


@pytest.mark.parametrize("mm", [58, 80])
def test_nothing_is_cut_and_long_names_wrap_whole(
    mm: int, long_slip: TicketSlip
) -> None:
    paper = PAPER_WIDTHS[mm]
    lines = printed_lines(render_slip(long_slip, paper=mm))
    for text, scale, _align in lines:
        assert text_columns(text) * scale <= paper.columns, f"{mm} mm: {text!r} ×{scale} is cut"
        assert text == text.strip(), f"{mm} mm: {text!r} starts or ends with a space"
    texts = [text for text, _, _ in lines]
    # Every word of the names is printed whole, in order.
    for name in (long_slip.service_name, long_slip.center_name):
        assert name in "".join(texts)
    start = next(i for i, t in enumerate(texts) if t.startswith("Registration"))
    end = next(i for i, t in enumerate(texts) if i > start and set(t) == {"-"})
    assert " ".join(texts[start:end]) == long_slip.service_name_en
    assert "B1024" in texts  # the number on one line
    assert ["-" * paper.columns] * 2 == [t for t in texts if t and set(t) == {"-"}]
    # Centered lines are centered by the printer (ESC a 1), never padded with spaces.
    assert all(align == 1 for text, _, align in lines if text == "B1024")


def test_58mm_wraps_what_80mm_keeps_on_one_line(long_slip: TicketSlip) -> None:
    wide = [t for t, _, _ in printed_lines(render_slip(long_slip, paper=80))]
    narrow = [t for t, _, _ in printed_lines(render_slip(long_slip, paper=58))]
    # 21 characters at double size: 12 a line on 80 mm, 8 on 58 mm.
    at = wide.index("个体工商户及企业开办登记")
    assert wide[at + 1] == "（含名称自主申报）"
    at = narrow.index("个体工商户及企业")
    assert narrow[at + 1 : at + 3] == ["开办登记（含名称", "自主申报）"]
    assert len(narrow) > len(wide)


def _qr_size(data: bytes) -> int:
    codes: list[Token] = [t for t in parse_escpos(data) if t.name == "GS ( k"]
    return codes[1].data[2]  # fn "C": the module size in dots


def test_the_qr_code_fits_each_paper(long_slip: TicketSlip) -> None:
    assert _qr_size(render_slip(long_slip, paper=80)) == 6
    assert _qr_size(render_slip(long_slip, paper=58)) == 5
    # A long tracking link gets smaller modules, so the code still fits the paper.
    url = "https://jiaohao.example.cn/t/" + "7Q3K9ZP2" * 30
    for mm, paper in PAPER_WIDTHS.items():
        size = qr_module_dots(url, paper)
        assert 3 <= size < paper.qr_module, mm
        assert _qr_size(render_slip(replace(long_slip, track_url=url), paper=mm)) == size


def test_a_big_number_is_made_smaller_to_fit_58mm(long_slip: TicketSlip) -> None:
    lines = printed_lines(render_slip(replace(long_slip, number="VIP-20261127"), paper=58))
    text, scale, _ = next(line for line in lines if line[0] == "VIP-20261127")
    assert scale == 2 and len(text) * scale <= 32


def test_wrapping_rules() -> None:
    assert wrap_columns("扫码查看排队进度 Scan to follow your turn", 32) == [
        "扫码查看排队进度 Scan to follow", "your turn"]
    assert wrap_columns("不动产登记", 4) == ["不动", "产登", "记"]
    assert wrap_columns("A" * 10, 4) == ["AAAA", "AAAA", "AA"]
    assert wrap_columns("", 8) == [""]
    # 禁则: no line starts with a closing mark or ends with an opening one.
    assert wrap_columns("一二三四，五六", 8) == ["一二三", "四，五六"]
    assert wrap_columns("一二三（四五）", 8) == ["一二三", "（四五）"]


@pytest.mark.parametrize("value", [58, "80", "58mm", " 80 MM "])
def test_the_paper_setting_reads_58_or_80(value: object) -> None:
    assert paper_width(value).mm in (58, 80)


@pytest.mark.parametrize("value", ["76", "", "wide", None, 0])
def test_other_paper_widths_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="58 or 80"):
        paper_width(value)
    with pytest.raises(ValueError, match="58 or 80"):
        open_printer("tcp:127.0.0.1:9100", paper=value)  # type: ignore[arg-type]


@settings(max_examples=2000, deadline=None)
@given(text=st.text(alphabet="一二三四五，。（）、：A bc-12", max_size=60),
       width=st.integers(min_value=2, max_value=48))
def test_wrapping_never_cuts_or_loses_a_character(text: str, width: int) -> None:
    lines = wrap_columns(text, width)
    assert all(text_columns(line) <= width and line == line.strip() for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert lines == [""] or all(lines)  # no empty line in between
