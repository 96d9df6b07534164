"""Live alerts for the dashboard (告警): raised and cleared as the hall changes.

`compute_alerts` is a pure read model of a center's state, the moment and what is
known of its devices:
- long_wait: a service's longest current wait is above its `wait_alert_minutes`;
- unserved: during opening hours, people wait for a service that no staffed
  (signed-in) window serves (the hall and phones say 暂无窗口办理 meanwhile);
- unstaffed (无人顶岗): during opening hours, a window with citizens waiting for
  its services and nobody signed in;
- appointment_late: a checked-in appointment still waiting after its slot ended;
- device_fault: a device's last health report names a fault (printer, sound, display);
- device_offline: a display or kiosk seen connected has been gone for a while;
- complaint_overdue / follow_up_overdue: 督查 items past their deadline, unanswered;
- case_overdue / case_due_soon: 承诺件 past their due day, or with `[cases]
  due_soon_days` working days or fewer left, not yet 办结.

`AlertMonitor` runs in the hub: every second it recomputes each center's alerts
and, when they changed, emits `alerts` {seq, alerts, cleared} to the `manager`
room of /live. It keeps when each alert was first raised and the recently cleared.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.domain import cases as cs
from hub.domain.calendar import at_local, business_day, is_open_hour
from hub.domain.commands import CloseDay
from hub.domain.decide import close_out_due
from hub.domain.errors import DomainError
from hub.domain.routing import candidate_count
from hub.domain.state import WAITING, CenterState, Ticket
from hub.domain.supervision import complaint_overdue, follow_up_overdue
from hub.read.booking import mark_missed
from hub.read.wire import MANAGER
from hub.store.base import StoreError
from hub.web.live import NAMESPACE, socket_room

log = logging.getLogger(__name__)
WATCHED_ROLES = ("display", "kiosk")  # devices whose absence people in the hall notice
OFFLINE_GRACE_SECONDS = 20.0  # a page reloading or a short network blip is no alert
CLEARED_KEPT = 30
CLOSE_OUT_ACTOR = "system"


@dataclass(frozen=True)
class DeviceStatus:
    name: str
    role: str
    online: bool
    offline_seconds: float | None = None  # since last seen, when seen before
    health: dict[str, Any] | None = None
    health_at: datetime | None = None


def part_fault(part: Any) -> str | None:
    """A plain description of what is wrong with one part of a health report, or None.

    Reports come from several agents: a printer `{online, paper, cover_open, error}`,
    a voice `{sound: ok|no_device|error, message}`, or any part `{ok: false, message}`.
    """
    if not isinstance(part, dict):
        return None
    if part.get("configured") is False:  # no printer at this kiosk is not a fault
        return None
    message = part.get("error") or part.get("message") or ""
    if part.get("ok") is False or part.get("online") is False or part.get("error"):
        return str(message or "fault")
    if part.get("paper") == "out":
        return str(message or "paper out")
    if part.get("cover_open") is True:
        return str(message or "cover open")
    if part.get("sound") not in (None, "ok"):
        return str(message or part["sound"])
    if part.get("state") in ("error", "offline", "no_device"):
        return str(message or part["state"])
    return None


def _alert(alert_id: str, kind: str, level: str, data: dict[str, Any], zh: str,
           en: str) -> dict[str, Any]:
    return {"id": alert_id, "kind": kind, "level": level, "data": data,
            "text": {"zh": zh, "en": en}}


def compute_alerts(state: CenterState, now: datetime,
                   devices: list[DeviceStatus] | None = None) -> list[dict[str, Any]]:
    """The alerts of a center at `now` (stable ids, most serious first)."""
    config = state.config
    if config is None:
        return []
    found: list[dict[str, Any]] = []
    today = business_day(config, now)
    if state.business_day == today:
        # The waiting are those in the queues (not the day's tickets), by their service.
        waiting = [state.tickets[i] for queue in state.waiting.values() for i in queue]
        waiting = [t for t in waiting if t.status == WAITING]
        of_service: dict[str, list[Ticket]] = {}
        for t in waiting:
            of_service.setdefault(t.service, []).append(t)
        for service in config.services:
            mine = of_service.get(service.id)
            if not mine:
                continue
            longest = (now - min(t.issued_at for t in mine)).total_seconds() / 60
            if longest > service.wait_alert_minutes:
                found.append(_alert(
                    f"long_wait:{service.id}", "long_wait", "bad",
                    {"service": service.id, "name": service.name.to_dict(),
                     "longest_minutes": int(longest), "threshold": service.wait_alert_minutes,
                     "waiting": len(mine)},
                    f"{service.name.zh}：最长已等候 {int(longest)} 分钟（超过 "
                    f"{service.wait_alert_minutes} 分钟），{len(mine)} 人等候",
                    f"{service.name.en or service.id}: longest wait {int(longest)} min "
                    f"(over {service.wait_alert_minutes}), {len(mine)} waiting"))
        if is_open_hour(config, now):
            for service in config.services:
                count = state.waiting_count(service.id)  # not sent to a window by name
                served = any(
                    (w := state.windows.get(window.id)) is not None and w.clerk is not None
                    for window in config.windows_serving(service.id))
                if count and not served:
                    found.append(_alert(
                        f"unserved:{service.id}", "unserved", "bad",
                        {"service": service.id, "name": service.name.to_dict(),
                         "waiting": count},
                        f"{service.name.zh}：{count} 人等候，但没有已签到的窗口办理此业务",
                        f"{service.name.en or service.id}: {count} waiting and no staffed "
                        "window serves it"))
            for window in config.windows:
                staffed = state.windows.get(window.id)
                if staffed is None or staffed.clerk is not None:
                    continue
                count = candidate_count(state, window)  # what it would call
                if count:
                    found.append(_alert(
                        f"unstaffed:{window.id}", "unstaffed", "bad",
                        {"window": window.id, "name": window.name.to_dict(), "waiting": count},
                        f"{window.name.zh}无人顶岗，{count} 人在等候它办理的业务",
                        f"{window.name.en or window.id}: nobody signed in, {count} waiting"))
        for ticket in waiting:
            appointment = state.appointments.get(ticket.appointment or "")
            if appointment is None or ticket.due_at is None:
                continue
            slot_end = at_local(config, appointment.day, appointment.slot_end)
            if now > slot_end:
                found.append(_alert(
                    f"appointment_late:{ticket.id}", "appointment_late", "warn",
                    {"ticket": ticket.id, "number": ticket.number, "service": ticket.service,
                     "slot_end": f"{appointment.slot_end:%H:%M}"},
                    f"预约号 {ticket.number} 已签到，预约时段 {appointment.slot_end:%H:%M} "
                    "已过仍未办理",
                    f"Appointment {ticket.number} checked in; its slot ended "
                    f"{appointment.slot_end:%H:%M} and it still waits"))
    found += _device_alerts(devices or [])
    for complaint in state.supervision.complaints.values():
        if complaint_overdue(complaint, today):
            found.append(_alert(
                f"complaint_overdue:{complaint.id}", "complaint_overdue", "warn",
                {"complaint": complaint.id, "code": complaint.code,
                 "due_on": complaint.due_on.isoformat()},
                f"投诉 {complaint.code} 已逾期（应于 {complaint.due_on:%m月%d日} 前答复）",
                f"Complaint {complaint.code} is overdue (due {complaint.due_on.isoformat()})"))
    for follow_up in state.supervision.follow_ups.values():
        if follow_up_overdue(follow_up, today):
            found.append(_alert(
                f"follow_up_overdue:{follow_up.id}", "follow_up_overdue", "warn",
                {"follow_up": follow_up.id, "number": follow_up.number,
                 "due_on": follow_up.due_on.isoformat()},
                f"差评 {follow_up.number} 的回访已逾期（应于 {follow_up.due_on:%m月%d日} 前）",
                f"Call-back of bad rating {follow_up.number} is overdue"))
    found += case_alerts(state, today)
    found.sort(key=lambda a: (a["level"] != "bad", a["kind"], a["id"]))
    return found


def case_alerts(state: CenterState, today: Any) -> list[dict[str, Any]]:
    """承诺件 overdue (bad) or due within the configured working days (warn)."""
    config = state.config
    assert config is not None
    found = []
    for case in state.cases.cases.values():
        if case.kind != "promised" or cs.is_done(case):
            continue
        data = {"case": case.id, "number": case.number, "service": case.service,
                "due_on": case.due_on.isoformat(), "holder": case.holder,
                "stage": case.stage}
        service = config.service(case.service)
        name = service.name if service else None
        zh, en = (name.zh, name.en or case.service) if name else (case.service, case.service)
        if cs.is_overdue(case, today):
            found.append(_alert(
                f"case_overdue:{case.id}", "case_overdue", "bad", data,
                f"办件 {case.number}（{zh}）已超期（承诺 {case.due_on:%m月%d日} 办结）",
                f"Case {case.number} ({en}) is overdue (due {case.due_on.isoformat()})"))
        elif cs.is_due_soon(case, config.hours, today, config.cases.due_soon_days):
            left = cs.working_days_left(config.hours, today, case.due_on)
            found.append(_alert(
                f"case_due_soon:{case.id}", "case_due_soon", "warn", {**data, "days_left": left},
                f"办件 {case.number}（{zh}）即将到期："
                + (f"还剩 {left} 个工作日" if left else "今天到期") + f"（{case.due_on:%m月%d日}）",
                f"Case {case.number} ({en}) is due "
                + (f"in {left} working day(s)" if left else "today")
                + f" ({case.due_on.isoformat()})"))
    return found


def _device_alerts(devices: list[DeviceStatus]) -> list[dict[str, Any]]:
    found = []
    for device in devices:
        for part, report in sorted((device.health or {}).items()):
            fault = part_fault(report)
            if fault:
                found.append(_alert(
                    f"device_fault:{device.name}:{part}", "device_fault", "bad",
                    {"device": device.name, "role": device.role, "part": part,
                     "message": fault},
                    f"设备 {device.name} 故障（{_PART_ZH.get(part, part)}）：{fault}",
                    f"Device {device.name} {part} fault: {fault}"))
        if (not device.online and device.offline_seconds is not None
                and device.offline_seconds >= OFFLINE_GRACE_SECONDS):
            found.append(_alert(
                f"device_offline:{device.name}", "device_offline", "bad",
                {"device": device.name, "role": device.role},
                f"{_ROLE_ZH.get(device.role, device.role)} {device.name} 已离线",
                f"{device.role} {device.name} is offline"))
    return found


_PART_ZH = {"printer": "打印机", "sound": "语音", "display": "屏幕"}
_ROLE_ZH = {"display": "显示屏", "kiosk": "取号机"}


class AlertMonitor:
    """Recomputes every center's alerts each second; emits them when they change."""

    def __init__(self, hub: Any, socketio: Any, live: Any, interval: float = 1.0) -> None:
        self.hub = hub
        self.socketio = socketio
        self.live = live
        self.interval = interval
        self._raised: dict[str, dict[str, dict[str, Any]]] = {}  # center -> id -> alert
        self._cleared: dict[str, deque[dict[str, Any]]] = {}
        self._last: dict[str, dict[str, Any]] = {}
        self._store_down = False

    def start(self) -> AlertMonitor:
        self.socketio.start_background_task(self._run)
        return self

    def _run(self) -> None:
        while self.hub.still_open_after(self.socketio.sleep, self.interval):
            for center_id in [center.id for center in self.hub.followed_centers()]:
                try:
                    self.tick(center_id)
                except StoreError as error:  # Redis restarting: the next tick will do
                    if not self._store_down:
                        log.warning("alerts of center %s wait for the store: %s", center_id,
                                    error)
                    self._store_down = True
                    continue
                except Exception:  # noqa: BLE001 - one bad tick must not end the monitor
                    log.exception("alerts of center %s failed", center_id)

    def devices(self, center_id: str) -> list[DeviceStatus]:
        """The watched devices of a center: online now, or since when they are gone.

        Presence and health reports are the hub's device board: shared in Redis
        when several processes serve the center, so a device connected to any of
        them is online for all, and its absence is counted the same everywhere.
        """
        center = self.hub.centers[center_id]
        here = {
            client.principal.name for client in list(self.live.clients.values())
            if client.center == center_id and client.principal is not None
            and client.principal.kind == "device"
        }
        online, ago = self.hub.devices.presence(center_id, here)
        reports = self.hub.devices.health(center_id)
        found = []
        for device in list(center.state.devices.values()):
            if not device.active:
                continue
            health = reports.get(device.name)
            watched = device.role in WATCHED_ROLES and device.name in ago
            if health is None and not watched:
                continue
            found.append(DeviceStatus(
                device.name, device.role, device.name in online,
                ago[device.name] if watched else None,
                health.report if health else None, health.at if health else None))
        return found

    def current(self, center_id: str) -> dict[str, Any]:
        """{seq, at, alerts, cleared} of a center now (brought up to date first)."""
        self.tick(center_id)
        return self._last[center_id]

    def close_out(self, center: Any, now: datetime) -> None:
        """At closing time (by the center's clock), close out the day's leftover
        tickets (CloseDay: 未办结 with the configured reason, optionally carried to an
        appointment); another hub process may have done it first."""
        due = center.read(lambda state: bool(close_out_due(state, state.config, now)))
        if not due:
            return
        try:
            events = center.execute(CloseDay(), CLOSE_OUT_ACTOR)
        except DomainError:
            return
        log.info("center %s: closed out %d tickets at closing", center.id,
                 sum(1 for e in events if e.type == "ticket_closed_out"))

    def tick(self, center_id: str) -> None:
        """Recompute a center's alerts; emit them to its managers when they changed."""
        center = self.hub.centers[center_id]
        if center.state.config is None:
            return
        devices = self.devices(center_id)
        now = center.clock()
        self.close_out(center, now)
        mark_missed(center, now)  # appointments not checked in by their slot's end
        seq, alerts = center.read(lambda state: (state.seq, compute_alerts(state, now, devices)))
        raised = self._raised.setdefault(center_id, {})
        cleared = self._cleared.setdefault(center_id, deque(maxlen=CLEARED_KEPT))
        before = {i: a["data"] for i, a in raised.items()}
        current_ids = {a["id"] for a in alerts}
        for alert_id in [i for i in raised if i not in current_ids]:
            gone = raised.pop(alert_id)
            cleared.appendleft({**gone, "cleared_at": now.isoformat()})
        for alert in alerts:
            alert["raised_at"] = raised.get(alert["id"], {}).get("raised_at", now.isoformat())
            raised[alert["id"]] = alert
        message = {"seq": seq, "at": now.isoformat(), "alerts": alerts, "cleared": list(cleared)}
        self._last[center_id] = message
        self._store_down = False
        if {a["id"]: a["data"] for a in alerts} != before:
            # Each process tells its own managers (every process computes the same
            # alerts from the shared journal and device board).
            self.socketio.emit("alerts", message, to=socket_room(center_id, MANAGER),
                               namespace=NAMESPACE, ignore_queue=self.live.relays)
