"""The outbox rules: which events cause which notifications, stored with them;
de-duplication; claims with a lease; outcomes; one-time check-in codes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from daykit import Day

from hub.domain import commands as cmd
from hub.domain import events as ev
from hub.domain import notify
from hub.domain.codec import decode, encode
from hub.domain.fold import replay
from hub.domain.state import FAILED, SENT

TZ = ZoneInfo("Asia/Shanghai")
TUESDAY = date(2025, 10, 14)
WEDNESDAY = date(2025, 10, 15)
PHONE = "13800138000"


def queued(events: list[ev.Event]) -> list[ev.NotificationQueued]:
    return [e for e in events if isinstance(e, ev.NotificationQueued)]


def book(day: Day, slot: time, phone: str = PHONE, on: date = TUESDAY) -> ev.AppointmentBooked:
    events = day.run(cmd.BookAppointment("social-security", on, slot, phone), "mobile")
    return next(e for e in events if isinstance(e, ev.AppointmentBooked))


def checked_in(day: Day, code: str) -> str:
    events = day.run(cmd.CheckIn(code=code), "kiosk-1")
    return next(e for e in events if isinstance(e, ev.TicketIssued)).number


# --------------------------------------------------------------------------- the policy


def test_a_booking_with_a_phone_queues_its_code_in_the_same_batch(day: Day) -> None:
    events = day.run(cmd.BookAppointment("social-security", TUESDAY, time(10), "138 0013 8000"),
                     "mobile")
    assert [type(e) for e in events] == [ev.AppointmentBooked, ev.NotificationQueued]
    booked, notice = events
    assert notice.seq == booked.seq + 1  # one append: durable together or not at all
    assert (notice.kind, notice.phone, notice.key) == (
        "booking_code", PHONE, f"booking_code:{booked.appointment}")
    assert notice.params["code"] == booked.code and notice.template == "booking_code"
    assert notice.notification in day.state.outbox.pending
    # Without a phone nobody can be told: nothing is queued.
    assert queued(day.run(cmd.BookAppointment("social-security", TUESDAY, time(10)),
                          "mobile")) == []


def test_templates_come_from_the_center_configuration(make_day: Any,
                                                      demo_config: dict[str, Any]) -> None:
    demo_config["notify"] = {"templates": {"booking_code": "SMS_100001"}}
    day = make_day(demo_config)
    events = day.run(cmd.BookAppointment("social-security", TUESDAY, time(10), PHONE), "m")
    assert queued(events)[0].template == "SMS_100001"


def test_a_call_tells_the_ticket_with_a_phone_and_walk_ins_hear_nothing(day: Day) -> None:
    walk_in = day.issue("social-security")
    number = checked_in(day, book(day, time(10)).code)
    day.sign_in(1, "clerk1")
    events = day.run(cmd.CallTicket(1, walk_in), "clerk1")
    assert queued(events) == []  # a walk-in ticket has no phone
    day.at_window(1, cmd.Complete)
    events = day.run(cmd.CallTicket(1, number), "clerk1")
    (called,) = queued(events)
    assert called.kind == "called" and called.phone == PHONE
    assert called.params == {"number": number, "window": "1",
                             "window_name": day.state.config.window(1).name.zh}  # type: ignore


def test_three_ahead_is_told_once_per_ticket(day: Day) -> None:
    numbers = [checked_in(day, book(day, slot).code)
               for slot in (time(10), time(10), time(10), time(11), time(11), time(11))]
    day.sign_in(1, "clerk1")
    first = queued(day.run(cmd.CallNext(1), "clerk1"))
    told = {n.params["number"]: n.params["ahead"] for n in first if n.kind == "three_ahead"}
    # After the first call numbers[1] is next (0 ahead: "called" tells it soon), then
    # 1, 2 and 3 ahead: each is told now.
    assert told == {numbers[2]: "1", numbers[3]: "2", numbers[4]: "3"}
    day.at_window(1, cmd.Complete)
    second = queued(day.run(cmd.CallNext(1), "clerk1"))
    told = {n.params["number"]: n.params["ahead"] for n in second if n.kind == "three_ahead"}
    assert told == {numbers[5]: "3"}  # the others were told already: never twice
    keys = [n.key for n in day.state.outbox.pending.values()]
    assert len(keys) == len(set(keys))


def test_a_bad_rating_of_a_ticket_with_a_phone_queues_a_follow_up_contact(day: Day) -> None:
    number = checked_in(day, book(day, time(10)).code)
    day.sign_in(1, "clerk1")
    day.run(cmd.CallTicket(1, number), "clerk1")
    day.at_window(1, cmd.Complete)
    ticket = day.ticket(number).id
    events = day.run(cmd.Rate(ticket, 1, ("服务态度",), "too slow"), "holder")
    (contact,) = queued(events)
    assert (contact.kind, contact.phone, contact.key) == ("follow_up", PHONE,
                                                         f"follow_up:{ticket}")


def test_a_good_rating_queues_nothing(day: Day) -> None:
    number = checked_in(day, book(day, time(10)).code)
    day.sign_in(1, "clerk1")
    day.run(cmd.CallTicket(1, number), "clerk1")
    day.at_window(1, cmd.Complete)
    assert queued(day.run(cmd.Rate(day.ticket(number).id, 5), "holder")) == []


def test_the_day_before_reminder_is_decided_by_the_clock_once_per_appointment(
        day: Day) -> None:
    booked = book(day, time(10), on=WEDNESDAY)
    book(day, time(10), phone="", on=WEDNESDAY)  # no phone: nobody to remind
    day.clock.set(datetime(2025, 10, 14, 16, 59, tzinfo=TZ))
    assert notify.reminders_due(day.state, day.clock()) == []
    assert day.run(notify.QueueReminders(), "system") == []
    day.clock.set(datetime(2025, 10, 14, 17, 0, tzinfo=TZ))
    events = day.run(notify.QueueReminders(), "system")
    assert [type(e) for e in events] == [ev.AppointmentReminded, ev.NotificationQueued]
    assert queued(events)[0].key == f"reminder:{booked.appointment}"
    day.clock.advance(hours=1)
    assert day.run(notify.QueueReminders(), "system") == []  # de-duplicated


def test_no_reminder_for_a_booking_of_the_same_day_or_after_midnight(day: Day) -> None:
    book(day, time(16))  # today: its code was just sent
    late = book(day, time(10), on=WEDNESDAY)
    assert notify.reminders_due(day.state, day.clock()) == []
    day.clock.set(datetime(2025, 10, 15, 0, 5, tzinfo=TZ))  # past midnight: too late
    assert late.appointment not in notify.reminders_due(day.state, day.clock())


def test_notifications_survive_the_codec_and_a_replay(day: Day) -> None:
    book(day, time(10))
    day.run(notify.RequestCheckInCode(PHONE, "hash", "sealed-code"), "kiosk-1")
    copies = [decode(encode(e)) for e in day.journal]
    assert copies == day.journal
    again = replay(copies)
    assert again.outbox == day.state.outbox


# --------------------------------------------------------------------------- sending


def pending_id(day: Day) -> str:
    book(day, time(10))
    (notification,) = day.state.outbox.pending
    return notification


def test_a_claim_is_a_lease_nobody_else_may_take_until_it_ends(day: Day) -> None:
    n = pending_id(day)
    day.run(notify.ClaimNotification(n, "hub-a", 30), "hub-a")
    assert notify.due(day.state, day.clock(), "hub-b") == []
    day.refuse(notify.ClaimNotification(n, "hub-b", 30), "hub-b", "notification_claimed")
    day.clock.advance(seconds=31)  # hub-a died: its lease ends, another may send
    assert [x.id for x in notify.due(day.state, day.clock(), "hub-b")] == [n]
    day.run(notify.ClaimNotification(n, "hub-b", 30), "hub-b")


def test_failures_retry_later_and_a_sent_notification_is_never_sent_again(day: Day) -> None:
    n = pending_id(day)
    day.run(notify.ClaimNotification(n, "hub-a"), "hub-a")
    (failed,) = day.run(notify.RecordDelivery(n, "hub-a", False, "HTTP 503", 4.0), "hub-a")
    assert isinstance(failed, ev.NotificationFailed)
    assert (failed.attempt, failed.final) == (1, False)
    assert failed.retry_at == day.clock() + timedelta(seconds=4)
    assert notify.due(day.state, day.clock(), "hub-a") == []  # not before its retry time
    day.clock.advance(seconds=4)
    assert [x.id for x in notify.due(day.state, day.clock(), "hub-a")] == [n]
    day.run(notify.ClaimNotification(n, "hub-a"), "hub-a")
    (sent,) = day.run(notify.RecordDelivery(n, "hub-a", True, "ok"), "hub-a")
    assert isinstance(sent, ev.NotificationSent) and sent.attempt == 2
    assert day.state.outbox.pending == {}
    assert day.state.outbox.finished[0].status == SENT
    assert day.state.outbox.finished[0].sealed == ""
    # A late second outcome changes nothing; a claim of it is refused.
    assert day.run(notify.RecordDelivery(n, "hub-b", True), "hub-b") == []
    day.refuse(notify.ClaimNotification(n, "hub-b"), "hub-b", "unknown_notification")


def test_a_notification_past_its_expiry_is_given_up(day: Day) -> None:
    n = pending_id(day)
    day.clock.advance(hours=notify.NOTIFICATION_HOURS)  # the next day: it outlives the day
    events = day.run(notify.RecordDelivery(n, "hub-a", False, "timeout", 60), "hub-a")
    (failed,) = [e for e in events if not isinstance(e, ev.DayStarted)]
    assert isinstance(failed, ev.NotificationFailed) and failed.final
    assert day.state.outbox.finished[0].status == FAILED


# --------------------------------------------------------------------------- check-in codes


def test_a_code_is_issued_only_for_a_phone_with_an_appointment_today(day: Day) -> None:
    assert day.run(notify.RequestCheckInCode(PHONE, "h1", "s1"), "kiosk-1") == []
    book(day, time(10), on=WEDNESDAY)
    assert day.run(notify.RequestCheckInCode(PHONE, "h1", "s1"), "kiosk-1") == []  # tomorrow
    booked = book(day, time(10))
    events = day.run(notify.RequestCheckInCode("138-0013-8000", "h1", "s1"), "kiosk-1")
    issued, notice = events
    assert isinstance(issued, ev.CheckInCodeIssued) and issued.appointment == booked.appointment
    assert issued.expires_at == day.clock() + timedelta(minutes=5)
    assert isinstance(notice, ev.NotificationQueued)
    assert (notice.kind, notice.phone, notice.sealed, notice.params) == (
        "checkin_code", PHONE, "s1", {})
    assert "h1" not in repr(issued) and "s1" not in repr(notice)
    # Asking again within a minute sends nothing new.
    assert day.run(notify.RequestCheckInCode(PHONE, "h2", "s2"), "kiosk-1") == []


def test_check_in_by_phone_and_one_time_code(day: Day) -> None:
    booked = book(day, time(10))
    day.run(notify.RequestCheckInCode(PHONE, "right", "sealed"), "kiosk-1")
    (rejected,) = day.run(cmd.CheckIn(phone=PHONE, otp_hash="wrong"), "kiosk-1")
    assert isinstance(rejected, ev.CheckInCodeRejected) and rejected.attempts == 1
    events = day.run(cmd.CheckIn(phone=PHONE, otp_hash="right"), "kiosk-1")
    assert [type(e) for e in events] == [ev.CheckInCodeUsed, ev.TicketIssued]
    assert day.state.appointments[booked.appointment].status == "checked_in"
    # The code is used up.
    day.refuse(cmd.CheckIn(phone=PHONE, otp_hash="right"), "kiosk-1", "code_expired")


def test_wrong_codes_are_limited_and_codes_expire(day: Day) -> None:
    book(day, time(10))
    day.run(notify.RequestCheckInCode(PHONE, "right", "sealed"), "kiosk-1")
    for attempt in range(1, 6):
        (rejected,) = day.run(cmd.CheckIn(phone=PHONE, otp_hash="wrong"), "kiosk-1")
        assert isinstance(rejected, ev.CheckInCodeRejected) and rejected.attempts == attempt
    day.refuse(cmd.CheckIn(phone=PHONE, otp_hash="right"), "kiosk-1", "code_expired")
    day.clock.advance(seconds=61)
    day.run(notify.RequestCheckInCode(PHONE, "fresh", "sealed"), "kiosk-1")
    day.clock.advance(minutes=5)
    day.refuse(cmd.CheckIn(phone=PHONE, otp_hash="fresh"), "kiosk-1", "code_expired")


def test_the_phone_alone_checks_in_nobody(day: Day) -> None:
    book(day, time(10))
    day.refuse(cmd.CheckIn(phone=PHONE), "kiosk-1", "missing_field")


def test_the_notify_table_is_validated(demo_config: dict[str, Any]) -> None:
    import pytest

    from hub.domain.config import ConfigError, parse_config

    for table, field in [
        ({"reminder_at": "25:00"}, "notify.reminder_at"),
        ({"templates": {"telegram": "T1"}}, "notify.templates.telegram"),
        ({"templates": {"called": ""}}, "notify.templates.called"),
        ({"code_minutes": 0}, "notify.code_minutes"),
        ({"sms": True}, "notify.sms"),
    ]:
        with pytest.raises(ConfigError) as caught:
            parse_config({**demo_config, "notify": table})
        assert caught.value.field == field
    rules = parse_config({**demo_config, "notify": {"reminder_at": "18:30",
                                                    "templates": {"called": "SMS_9"}}}).notify
    assert (rules.reminder_at, rules.template("called"), rules.template("reminder")) == (
        time(18, 30), "SMS_9", "reminder")


def test_a_new_day_forgets_yesterdays_keys_but_keeps_what_is_pending(day: Day) -> None:
    today = book(day, time(10))
    tomorrow = book(day, time(10), on=WEDNESDAY)
    number = checked_in(day, today.code)
    day.sign_in(1, "clerk1")
    day.run(cmd.CallTicket(1, number), "clerk1")
    day.run(notify.RequestCheckInCode(PHONE, "h", "s"), "kiosk-1")
    keys = set(day.state.outbox.keys)
    assert any(k.startswith("called:") for k in keys)
    pending = set(day.state.outbox.pending)
    day.clock.set(datetime(2025, 10, 15, 9, 0, tzinfo=TZ))
    day.run(cmd.IssueTicket("household"), "kiosk-1")  # the first command of Wednesday
    outbox = day.state.outbox
    assert set(outbox.pending) == pending  # nothing unsent is forgotten
    assert outbox.codes == {}
    assert f"booking_code:{tomorrow.appointment}" in outbox.keys
    assert outbox.keys == {n.key for n in outbox.pending.values()} | {
        f"booking_code:{tomorrow.appointment}"}
