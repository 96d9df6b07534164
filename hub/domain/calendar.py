"""Working days, opening hours and when a service issues tickets.

Chinese public holidays and 调休 working weekends come from the
`chinese-calendar` package (pure data, no I/O); a center may add its own
closed days and working days on top. Outside the years that package knows,
the calendar falls back to Monday-Friday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar

from hub.domain.config import CenterConfig, Hours, Service


def is_working_day(hours: Hours, day: date) -> bool:
    """Whether the center opens on `day` (remembered per `hours`: asked several
    times for every ticket, and the calendar package's look-up is not cheap)."""
    found = hours.working_days.get(day)
    if found is None:
        found = hours.working_days[day] = _is_working_day(hours, day)
    return found


def _is_working_day(hours: Hours, day: date) -> bool:
    if day in hours.extra_holidays:
        return False
    if day in hours.extra_workdays:
        return True
    if hours.calendar == "every_day":
        return True
    if hours.calendar == "china":
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # a year the package has no data for yet
            pass
    return day.weekday() < 5


def add_working_days(hours: Hours, start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(hours, day):
            remaining -= 1
    return day


def next_working_day(hours: Hours, after: date) -> date:
    return add_working_days(hours, after, 1)


def local(config: CenterConfig, at: datetime) -> datetime:
    """`at` in the center's time zone."""
    return at.astimezone(config.tz)


def business_day(config: CenterConfig, at: datetime) -> date:
    return local(config, at).date()


def at_local(config: CenterConfig, day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=config.tz)


@dataclass(frozen=True)
class Availability:
    """Whether a service issues tickets now, and if not, why and from when."""

    open: bool
    reason: str | None = None
    opens_at: datetime | None = None

    def message(self) -> str:
        text = {
            None: "可以取号",
            "closed_today": "今天不办公",
            "not_yet_open": "尚未开始取号",
            "past_cutoff": "今日已停止取号",
            "daily_cap_reached": "今日号已取完",
        }.get(self.reason, "暂停取号")
        if self.opens_at is not None and not self.open:
            text += f"，{self.opens_at:%m月%d日 %H:%M}开始取号"
        return text


def issue_window(config: CenterConfig, service: Service, day: date) -> tuple[datetime, datetime]:
    """From when until when `service` issues tickets on a working `day`."""
    hours = config.hours
    start = at_local(config, day, hours.opening) - timedelta(minutes=hours.issue_early_minutes)
    end = at_local(config, day, hours.closing) - timedelta(minutes=service.cutoff_minutes)
    return start, end


def availability(config: CenterConfig, service: Service, now: datetime) -> Availability:
    """Whether `service` can issue a ticket at `now` by the calendar and the clock.

    Tickets are issued through the lunch break (they are called after it), from
    `issue_early_minutes` before opening until `cutoff_minutes` before closing,
    so nobody is given a number that cannot be served today.
    """
    today = business_day(config, now)
    if is_working_day(config.hours, today):
        start, end = issue_window(config, service, today)
        if now < start:
            return Availability(False, "not_yet_open", start)
        if now < end:
            return Availability(True)
        reason = "past_cutoff"
    else:
        reason = "closed_today"
    day = next_working_day(config.hours, today)
    return Availability(False, reason, issue_window(config, service, day)[0])


def is_open_hour(config: CenterConfig, now: datetime) -> bool:
    """Whether windows are meant to be serving at `now` (inside an opening span)."""
    if not is_working_day(config.hours, business_day(config, now)):
        return False
    clock_time = local(config, now).time()
    return any(start <= clock_time < end for start, end in config.hours.spans)
