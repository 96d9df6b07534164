"""TicketSlip: validation of what a page hands over, and what the slip says."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from kiosk.printing import (
    QrCode,
    SlipError,
    TextLine,
    TicketSlip,
    eta_text,
    materials_hint,
    slip_layout,
)


def test_from_json_builds_the_slip(slip_json: dict[str, Any], slip: TicketSlip) -> None:
    assert TicketSlip.from_json(slip_json) == slip


def test_from_json_fills_optional_fields(slip_json: dict[str, Any]) -> None:
    for name in ("service_name_en", "eta_minutes", "materials", "priority_label", "appointment"):
        del slip_json[name]
    slip_json["unknown_future_field"] = "ignored"

    parsed = TicketSlip.from_json(slip_json)

    assert parsed.service_name_en is None
    assert parsed.eta_minutes is None
    assert parsed.materials == ()
    assert parsed.priority_label is None
    assert parsed.appointment is False


def test_from_json_keeps_the_local_time_as_given(slip_json: dict[str, Any]) -> None:
    slip_json["issued_at"] = "2026-11-27T01:41:00Z"
    parsed = TicketSlip.from_json(slip_json)
    assert parsed.issued_at.utcoffset() == timedelta(0)
    assert TextLine("取号时间：2026-11-27 01:41") in slip_layout(parsed)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("center_name", None),
        ("center_name", "   "),
        ("center_name", 42),
        ("center_name", "中心\x1bi"),  # ESC i would cut the paper
        ("number", "A 012"),
        ("number", "一二三"),
        ("service_name", ""),
        ("service_name", "x" * 41),
        ("service_name_en", "\x07"),
        ("ahead", -1),
        ("ahead", "3"),
        ("ahead", True),
        ("ahead", 2.5),
        ("eta_minutes", -5),
        ("eta_minutes", False),
        ("issued_at", "2026-11-27 09:41"),  # no offset: which clock?
        ("issued_at", "yesterday"),
        ("issued_at", 1764207660),
        ("track_url", "javascript:alert(1)"),
        ("track_url", "https://"),
        ("track_url", "https://example.cn/a b"),
        ("materials", "身份证"),
        ("materials", ["身份证", ""]),
        ("materials", ["身份证", 7]),
        ("complaint_phone", "call us"),
        ("complaint_phone", "---"),
        ("priority_label", ""),
        ("appointment", "yes"),
        ("number", 12),
        ("ahead", 100_001),
        ("issued_at", "2026-11-27T09:41:00+08:00" + " " * 30),  # longer than 40
        ("materials", ["身份证"] * 51),
        ("complaint_phone", 12345),
        ("wait_note", "等" * 41),
        ("reprinted_at", "2026-11-27T09:41:00"),
        ("reprinted_at", 5),
        ("wait", {"state": "queue", "high": True}),
    ],
)
def test_from_json_names_the_bad_field(
    slip_json: dict[str, Any], field: str, value: object
) -> None:
    slip_json[field] = value
    with pytest.raises(ValueError, match=rf"^{field}") as raised:
        TicketSlip.from_json(slip_json)
    assert isinstance(raised.value, SlipError)
    assert raised.value.field.startswith(field)


def test_from_json_names_a_missing_field(slip_json: dict[str, Any]) -> None:
    del slip_json["track_url"]
    with pytest.raises(SlipError, match="track_url: is required"):
        TicketSlip.from_json(slip_json)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"number": "A 012"}, "number", "must be 1-12 letters, digits or '-', e.g. 'A012'"),
    ({"center_name": "   "}, "center_name", "must not be empty"),
    ({"service_name": "x" * 41}, "service_name", "must be at most 40 characters"),
    ({"ahead": True}, "ahead", "must be a whole number"),
    ({"eta_minutes": 10_001}, "eta_minutes", "must be between 0 and 10000"),
    ({"issued_at": "yesterday"}, "issued_at", "is not an ISO 8601 time: 'yesterday'"),
    ({"issued_at": "2026-11-27T09:41"}, "issued_at", "must include a UTC offset, e.g. '+08:00'"),
    ({"track_url": "ftp://hub/t/x"}, "track_url", "must be an http(s) URL"),
    ({"materials": "身份证"}, "materials", "must be a list of strings"),
    ({"materials": ["身份证", "户口簿\x1b"]}, "materials.1",
     "must not contain control characters"),
    ({"complaint_phone": "---"}, "complaint_phone", "must be a phone number such as '12345'"),
    ({"appointment": 1}, "appointment", "must be true or false"),
    ({"wait": "now"}, "wait", "must be a JSON object"),
    ({"wait": {}}, "wait.state", "must be one of now, queue, no_window, resumes, closed"),
    ({"wait": {"state": "resumes", "resumes_at": "2026-11-27T13:30"}}, "wait.resumes_at",
     "must include a UTC offset, e.g. '+08:00'"),
])
def test_from_json_words_the_mistake(slip_json: dict[str, Any], change: dict[str, Any],
                                     field: str, message: str) -> None:
    """The words the kiosk's fault line shows (KioskBridge: 号票内容有误 / bad ticket: …)."""
    with pytest.raises(SlipError) as caught:
        TicketSlip.from_json({**slip_json, **change})
    assert str(caught.value) == f"{field}: {message}"
    assert caught.value.field == field


def test_from_json_takes_a_null_as_missing_and_ignores_unknown_keys(
    slip_json: dict[str, Any],
) -> None:
    slip_json.update(wait={"state": "queue", "minutes": 12, "low": 9, "high": 15,
                           "resumes_at": None, "after_closing": None, "as_of": "x"},
                     materials=None, appointment=None, printer_hint="ignored")
    parsed = TicketSlip.from_json(slip_json)
    assert parsed.materials == () and parsed.appointment is False
    assert parsed.wait is not None and (parsed.wait.minutes, parsed.wait.after_closing) == (
        12, False)
    slip_json["center_name"] = None
    with pytest.raises(SlipError, match="^center_name: is required$"):
        TicketSlip.from_json(slip_json)


def test_from_json_rejects_a_non_object() -> None:
    with pytest.raises(SlipError, match="slip: must be a JSON object"):
        TicketSlip.from_json(["A012"])  # type: ignore[arg-type]


def test_constructor_validates_too(slip: TicketSlip) -> None:
    with pytest.raises(SlipError, match="issued_at"):
        replace(slip, issued_at=datetime(2026, 11, 27, 9, 41))
    with pytest.raises(SlipError, match=r"materials\.1: "):
        replace(slip, materials=("身份证", "\n"))


def test_slip_is_frozen(slip: TicketSlip) -> None:
    with pytest.raises(AttributeError):
        slip.number = "B001"  # type: ignore[misc]


def test_eta_line() -> None:
    assert eta_text(15) == "预计等待约 15 分钟"
    assert eta_text(None) == "预计等待：—"


def test_materials_hint_names_the_first_three() -> None:
    assert materials_hint(()) is None
    assert materials_hint(("身份证",)) == "请携带：身份证"
    assert (
        materials_hint(("身份证", "户口簿", "结婚证", "照片"))
        == "请携带：身份证、户口簿、结婚证等4项"
    )


def test_layout_reads_top_to_bottom(slip: TicketSlip) -> None:
    texts = [block.text for block in slip_layout(slip) if isinstance(block, TextLine)]
    assert texts == [
        "杭州市上城区政务服务中心",
        "预约  老年人优先",
        "A012",
        "不动产登记",
        "Real Estate Registration",
        "前面还有 3 人",
        "预计等待约 15 分钟",
        "取号时间：2026-11-27 09:41",
        "扫码查看排队进度 Scan to follow your turn",
        "请携带：身份证原件、户口簿、不动产权证书等4项",
        "请留意叫号",
        "Please wait for your number to be called",
        "投诉电话：12345",
    ]
    assert QrCode("https://jiaohao.example.cn/t/7Q3K9ZP2") in slip_layout(slip)


def test_layout_leaves_out_what_is_not_there(slip: TicketSlip) -> None:
    plain = replace(
        slip,
        service_name_en=None,
        materials=(),
        priority_label=None,
        appointment=False,
        eta_minutes=None,
    )
    texts = [block.text for block in slip_layout(plain) if isinstance(block, TextLine)]
    assert "Real Estate Registration" not in texts
    assert not any(text.startswith("请携带") or "优先" in text for text in texts)
    assert "预计等待：—" in texts


def test_issue_time_is_formatted_not_converted() -> None:
    tokyo = timezone(timedelta(hours=9))
    at = datetime(2026, 11, 27, 10, 41, tzinfo=tokyo)
    slip = TicketSlip.from_json(
        {
            "center_name": "中心",
            "number": "B7",
            "service_name": "社保",
            "ahead": 0,
            "issued_at": at.isoformat(),
            "track_url": "http://hub.local/t/x",
            "complaint_phone": "0571-12345",
        }
    )
    assert TextLine("取号时间：2026-11-27 10:41") in slip_layout(slip)


def test_the_slip_says_when_no_window_serves_the_service(slip: TicketSlip) -> None:
    """No invented number: the wait is a dash and the slip sends the citizen to the
    help desk; the note travels from the page as `wait_note`."""
    honest = replace(slip, eta_minutes=None, wait_note="暂无窗口办理，请咨询导服台")
    texts = [block.text for block in slip_layout(honest) if isinstance(block, TextLine)]
    at = texts.index("预计等待：—")
    assert texts[at + 1] == "暂无窗口办理，请咨询导服台"
    parsed = TicketSlip.from_json({**_as_json(slip), "eta_minutes": None,
                                   "wait_note": "今日下班前可能无法办理，请咨询导服台"})
    assert parsed.wait_note == "今日下班前可能无法办理，请咨询导服台"
    with pytest.raises(SlipError) as caught:
        replace(slip, wait_note="\x1b@")
    assert caught.value.field == "wait_note"


def _as_json(slip: TicketSlip) -> dict[str, Any]:
    return {
        "center_name": slip.center_name, "number": slip.number,
        "service_name": slip.service_name, "service_name_en": slip.service_name_en,
        "ahead": slip.ahead, "eta_minutes": slip.eta_minutes,
        "issued_at": slip.issued_at.isoformat(), "track_url": slip.track_url,
        "materials": list(slip.materials), "complaint_phone": slip.complaint_phone,
        "priority_label": slip.priority_label, "appointment": slip.appointment,
    }
