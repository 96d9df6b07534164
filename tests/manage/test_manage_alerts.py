"""Alerts as a pure read model of the state, the moment and the devices."""

from __future__ import annotations

from datetime import date, datetime, time

from hub.domain import commands as cmd
from hub.domain.supervision import RecordComplaint
from hub.web.alerts import DeviceStatus, compute_alerts, part_fault
from tests.conftest import SHANGHAI
from tests.manage.kit import Book

DAY = date(2026, 11, 26)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def kinds(book: Book, devices: list[DeviceStatus] | None = None) -> set[str]:
    return {a["id"] for a in compute_alerts(book.state, book.clock(), devices)}


def test_a_long_wait_is_raised_past_the_threshold_and_cleared_by_a_call(book: Book) -> None:
    book.at(at(9, 0)).sign_in(1)
    book.issue("social-security")  # wait_alert_minutes = 30
    book.at(at(9, 30))
    assert "long_wait:social-security" not in kinds(book)
    book.at(at(9, 31))
    alerts = compute_alerts(book.state, book.clock())
    long_wait = next(a for a in alerts if a["id"] == "long_wait:social-security")
    assert long_wait["data"]["longest_minutes"] == 31 and long_wait["data"]["waiting"] == 1
    assert "31 分钟" in long_wait["text"]["zh"]
    book.call(1)
    assert "long_wait:social-security" not in kinds(book)


def test_a_window_with_people_waiting_and_nobody_signed_in(book: Book) -> None:
    book.at(at(9, 0)).issue("household")  # only windows 4 and 7 serve it
    assert {"unstaffed:4", "unstaffed:7"} <= kinds(book)
    assert "unstaffed:1" not in kinds(book)
    book.sign_in(4)
    assert "unstaffed:4" not in kinds(book)
    book.at(at(12, 30))  # lunch: windows are not meant to be staffed
    assert not {k for k in kinds(book) if k.startswith("unstaffed")}
    book.at(at(14, 0)).sign_out(4)
    assert "unstaffed:4" in kinds(book)


def test_a_checked_in_appointment_past_its_slot(book: Book) -> None:
    book.at(at(8, 40))
    events = book.run(cmd.BookAppointment("real-estate", DAY, time(9, 0), "13800138000"),
                      "kiosk-1")
    booked = next(e for e in events if e.type == "appointment_booked")  # the SMS follows it
    book.at(at(8, 50)).run(cmd.CheckIn(code=booked.code), "kiosk-1")
    book.at(at(9, 59))
    assert not any(k.startswith("appointment_late") for k in kinds(book))
    book.at(at(10, 1))
    late = [a for a in compute_alerts(book.state, book.clock())
            if a["kind"] == "appointment_late"]
    assert len(late) == 1 and late[0]["data"]["slot_end"] == "10:00"
    book.sign_in(5)
    book.call(5)
    assert not any(k.startswith("appointment_late") for k in kinds(book))


def test_device_faults_and_offline_displays(book: Book) -> None:
    assert part_fault({"online": True, "paper": "out", "cover_open": False, "error": None}) \
        == "paper out"
    assert part_fault({"online": True, "paper": "ok", "cover_open": False, "error": None}) is None
    assert part_fault({"configured": False, "online": False}) is None
    assert part_fault({"sound": "no_device", "message": "没有音频设备"}) == "没有音频设备"
    assert part_fault({"sound": "ok", "message": ""}) is None
    assert part_fault({"ok": False, "message": "黑屏"}) == "黑屏"
    devices = [
        DeviceStatus("kiosk-1", "kiosk", True, 0.0,
                     {"printer": {"online": False, "error": "打印机未连接"}}),
        DeviceStatus("hall-1", "display", False, 25.0, {"sound": {"sound": "ok"}}),
        DeviceStatus("window-1", "display", False, 5.0),
        DeviceStatus("window-2", "display", True, 0.0),
    ]
    found = kinds(book, devices)
    assert {"device_fault:kiosk-1:printer", "device_offline:hall-1"} <= found
    assert not {"device_offline:window-1", "device_fault:hall-1:sound",
                "device_offline:window-2"} & found


def test_overdue_complaints_are_flagged(book: Book) -> None:
    book.at(at(9, 0)).run(RecordComplaint("phone", "投诉", "next_day"))
    assert not any(k.startswith("complaint_overdue") for k in kinds(book))
    book.at(at(9, 0, date(2026, 11, 30)))  # due Friday 27th; Monday is past it
    assert any(k.startswith("complaint_overdue") for k in kinds(book))


def test_people_waiting_for_a_service_no_staffed_window_serves(book: Book) -> None:
    book.at(at(9, 0)).issue("household")  # windows 4 and 7 serve it; nobody is there
    alerts = {a["id"]: a for a in compute_alerts(book.state, book.clock())}
    unserved = alerts["unserved:household"]
    assert unserved["data"]["waiting"] == 1 and "没有已签到的窗口" in unserved["text"]["zh"]
    book.sign_in(1)  # serves other services: still unserved
    assert "unserved:household" in kinds(book)
    book.sign_in(4)
    assert "unserved:household" not in kinds(book)
    book.at(at(14, 0)).sign_out(4)
    assert "unserved:household" in kinds(book)
    book.at(at(12, 30, DAY))  # lunch: nobody is meant to serve
    assert "unserved:household" not in kinds(book)
