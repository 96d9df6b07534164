"""`jiaohao demo`: a living demo center on a temporary journal.

Creates the demo center (hub/centers/demo.toml), staff logins with fresh
random passwords (no default password ships), device tokens, and a few of
today's appointments, then serves it and prints every page's URL.

The demo's clock starts at 09:00 of the nearest working day and runs at
real speed, so the hall is open whenever you try it. With --simulate it starts
at 08:20 and runs 30× fast while `jiaohao simulate` plays a day in the hall.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.settings import ROOT

DEMO_CONFIG = ROOT / "hub" / "centers" / "demo.toml"
SIMULATE_SPEED = 30


def demo_day(config: Any, today: date) -> date:
    from hub.domain.calendar import is_working_day

    day = today
    while not is_working_day(config.hours, day):
        day += timedelta(days=1)
    return day


def run_demo(args: argparse.Namespace) -> int:
    from hub.runtime import patch

    patch(args.async_mode)
    import tomllib

    from hub.domain.config import parse_config
    from hub.settings import load_settings
    from hub.web.server import serve

    config = parse_config(tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8")))
    tz = ZoneInfo(config.timezone)
    day = demo_day(config, datetime.now(tz).date())
    start = datetime.combine(day, time(9, 0), tzinfo=tz)
    speed = 1
    simulate = getattr(args, "simulate", False)
    if simulate:  # a whole day in about 20 minutes, from before the doors open
        start, speed = datetime.combine(day, time(8, 20), tzinfo=tz), SIMULATE_SPEED
    store = args.store
    if not store:
        folder = Path(tempfile.mkdtemp(prefix="jiaohao-demo-"))
        store = f"sqlite:///{folder / 'demo.db'}"
    settings = load_settings(
        None, environ={}, store=store, host=args.host, port=args.port,
        async_mode=args.async_mode, centers=str(DEMO_CONFIG),
        clock=f"fast:{speed}@{start.isoformat()}",
        notify_log_params=True,  # the demo's phones are fake: show what is texted to them
    )
    credentials = prepare(settings)

    def banner(hub: Any) -> None:
        print_banner(settings, credentials, day)
        if simulate:
            start_simulation(settings, credentials)

    return serve(settings, banner=banner)


def start_simulation(settings: Any, credentials: dict[str, Any]) -> None:
    """Run `jiaohao simulate` against this demo in the background (a green thread under
    gevent/eventlet); its logins are written to a file so it can be run again by hand."""
    import json
    import logging
    import threading

    from client.agent import wait_for_hub
    from tools.simulate import Credentials, Simulation

    path = Path(tempfile.mkdtemp(prefix="jiaohao-sim-")) / "credentials.json"
    path.write_text(json.dumps({"users": {u: p for u, (_r, p) in credentials["users"].items()},
                                "devices": credentials["devices"]}), encoding="utf-8")
    path.chmod(0o600)
    print(f"Simulating a day at {SIMULATE_SPEED}× (again by hand: jiaohao simulate --hub "
          f"{settings.base_url} --credentials {path})\n", flush=True)

    def run() -> None:
        try:
            wait_for_hub(settings.base_url, timeout=30)
            Simulation(settings.base_url, Credentials.load(str(path))).run()
        except Exception:  # noqa: BLE001 - the demo keeps serving without its simulation
            logging.getLogger(__name__).exception("the simulation stopped")

    threading.Thread(target=run, name="simulate", daemon=True).start()


def prepare(settings: Any) -> dict[str, Any]:
    """Accounts, devices and appointments of the demo, written to its journal."""
    from hub.core import bootstrap
    from hub.domain import commands as cmd
    from hub.domain.accounts import AddDevice, SaveUser
    from hub.domain.events import AppointmentBooked
    from hub.store.auth import hash_password, new_device_token, token_hash

    hub = bootstrap(settings).open()
    center = hub.center("demo")
    assert center is not None and center.state.config is not None
    config = center.state.config
    users: dict[str, tuple[str, str]] = {}
    for username, role in [("admin", "admin"), ("director", "manager")] + [
        (s["username"], "clerk") for s in config.staff if s.get("username")
    ]:
        password = secrets.token_urlsafe(6)
        center.execute(SaveUser(username, role, hash_password(password)), actor="demo")
        users[username] = (role, password)
    devices: dict[str, str] = {}
    names: list[tuple[str, str, int | None]] = [("kiosk-1", "kiosk", None),
                                                ("hall-1", "display", None)]
    names += [(f"window-{w.id}", "display", w.id) for w in config.windows]
    names += [(f"pad-{w.id}", "pad", w.id) for w in config.windows]  # each at its window
    for name, role, window in names:
        token = new_device_token(center.id)
        center.execute(AddDevice(name, role, token_hash(token), window), actor="demo")
        devices[name] = token
    open_demo_cases(center, config, [u for u, (r, _p) in users.items() if r == "clerk"])
    appointments = []
    now = center.clock()
    for service, slot, phone in [
        ("social-security", time(9, 0), "13800138001"),
        ("real-estate", time(10, 0), "13800138002"),
        ("household", time(14, 0), "13800138003"),
    ]:
        events = center.execute(
            cmd.BookAppointment(service, now.astimezone(config.tz).date(), slot, phone),
            actor="demo",
        )
        # AppointmentBooked (after a DayStarted, if the cases were opened on earlier
        # days); its booking code's notification follows.
        booked = next(e for e in events if isinstance(e, AppointmentBooked))
        appointments.append((service, slot, booked.code, phone))
    upcoming = book_ahead(center, now)
    hub.store.close()
    return {"users": users, "devices": devices, "appointments": appointments,
            "upcoming": upcoming}


def book_ahead(center: Any, now: Any) -> list[tuple[Any, str, Any, str]]:
    """More appointments today and on the next working day, so the managers' view
    (预约管理) has content: (day, service, slot, code)."""
    from hub.domain import commands as cmd
    from hub.domain.calendar import business_day, next_working_day
    from hub.domain.errors import DomainError
    from hub.domain.events import AppointmentBooked

    config = center.state.config
    today = business_day(config, now)
    tomorrow = next_working_day(config.hours, today)
    booked = []
    # Today's in the afternoon only: appointments falling due pass walk-ins, so morning
    # ones would change the waits the demo shows from its start.
    plan = [(today, "social-security", time(15, 0)), (today, "social-security", time(16, 0)),
            (today, "medical-insurance", time(15, 0)), (today, "business-license", time(15, 0)),
            (today, "civil-affairs", time(16, 0)),
            (tomorrow, "social-security", time(9, 0)), (tomorrow, "social-security", time(9, 0)),
            (tomorrow, "household", time(10, 0)), (tomorrow, "real-estate", time(14, 0)),
            (tomorrow, "medical-insurance", time(15, 0)), (tomorrow, "civil-affairs", time(9, 0))]
    for n, (day, service, slot) in enumerate(plan):
        phone = f"1390013{n:04d}"
        try:
            events = center.execute(cmd.BookAppointment(service, day, slot, phone),
                                    actor="demo")
        except DomainError:  # the slot is over already (a demo started late)
            continue
        made = next(e for e in events if isinstance(e, AppointmentBooked))
        booked.append((day, service, slot, made.code))
    return booked


# The demo's cases: (service, working days before today it was opened, stages moved
# since, handed to an agent, phone). With the demo's [cases] days this gives one
# overdue, some due soon, one on time and one late, and others open in time.
DEMO_CASES = [
    ("medical-insurance", 12, ("review",), False, "13800138011"),  # 2 days overdue
    ("household", 4, ("review",), False, "13800138012"),  # due tomorrow: due soon
    ("business-license", 3, (), False, "13800138013"),  # due today: due soon
    ("real-estate", 6, ("review", "approval"), True, "13800138014"),  # 全程代理
    ("social-security", 2, (), False, "13800138015"),
    ("household", 8, ("review", "done"), False, "13800138016"),  # done on time
]


def open_demo_cases(center: Any, config: Any, clerks: list[str]) -> None:
    """Open the demo's cases as if at the counter on earlier working days (the center's
    clock set back while each is opened), then give the clock back."""
    from hub.domain import cases as cs
    from hub.domain.calendar import at_local, business_day, is_working_day

    clock = center.clock
    today = business_day(config, clock())
    try:
        for n, (service, back, stages, agent, phone) in enumerate(DEMO_CASES):
            day, left = today, back
            while left:
                day -= timedelta(days=1)
                left -= 0 if not is_working_day(config.hours, day) else 1
            opened_at = at_local(config, day, time(10, 0))
            center.clock = lambda at=opened_at: at
            clerk = clerks[n % len(clerks)]
            events = center.execute(cs.OpenCase("promised", service, phone=phone), clerk)
            number = next(e.number for e in events if isinstance(e, cs.CaseOpened))
            if agent:
                center.execute(cs.HandCase(number, clerks[-1], agent=True, note="全程代理"),
                               clerk)
                clerk = clerks[-1]
            for stage in stages:
                center.clock = lambda at=opened_at + timedelta(hours=3): at
                center.execute(cs.AdvanceCase(number, stage), clerk)
    finally:
        center.clock = clock


def print_banner(settings: Any, credentials: dict[str, Any], day: date) -> None:
    base = settings.base_url
    devices = credentials["devices"]
    out = sys.stdout
    print("\n叫号 jiaohao demo — 清河县政务服务中心", file=out)
    start, kind = settings.clock.split("@")[1][11:16], settings.clock.split("@")[0]
    print(f"journal: {settings.store}   clock: {day} from {start} ({kind})", file=out)
    from hub.web.pages import available

    pages = [
        ("kiosk", "kiosk 取号机         ", f"/kiosk#token={devices['kiosk-1']}"),
        ("display_hall", "hall display 综合屏  ", f"/display/hall#token={devices['hall-1']}"),
        ("display_window", "window display 窗口屏",
         f"/display/window/1#token={devices['window-1']}"),
        ("pad", "rating pad 评价器    ", f"/pad/window/1#token={devices['pad-1']}"),
        ("caller", "caller 窗口叫号      ", "/caller"),
        ("manage", "dashboard 管理       ", "/manage"),
        ("ticket", "phone page 手机查询  ", "/t/<ticket id> (from a ticket's QR code)"),
        ("book", "booking 网上预约      ", "/book"),
    ]
    print("\nPages (device pages carry their token after #):", file=out)
    for name, label, path in pages:
        if available(settings.assets_dir, name):
            print(f"  {label} {base}{path}", file=out)
    print(f"  API                   {base}/api/v1/openapi.json", file=out)
    print("\nDevice tokens (for the kiosk, display and pad agents):", file=out)
    for name, token in devices.items():
        print(f"  {name:10} {token}", file=out)
    print("\nLogins (fresh passwords for this run):", file=out)
    for username, (role, password) in credentials["users"].items():
        print(f"  {role:8} {username:10} {password}", file=out)
    print("\nToday's appointments (check in at the kiosk with the code, or with the phone "
          "and a one-time code texted to it):", file=out)
    for service, slot, code, phone in credentials["appointments"]:
        print(f"  {code}  {phone}  {service} {slot:%H:%M}", file=out)
    print(f"Cases (办件) to follow on the phone page {base}/c (number + phone): "
          f"C{day.year}-000001 … 00000{len(DEMO_CASES)}, phones 13800138011 …; the caller "
          "and the dashboard (办件督办) list those due soon and overdue.", file=out)
    print("Text messages (booking codes, one-time codes, calls …) are written to this log "
          "as `notification …` lines; the dashboard lists them under 短信通知.", file=out)
    kiosk = devices["kiosk-1"]
    print("\nTry it from a shell:", file=out)
    print(f"  curl -s {base}/api/v1/services", file=out)
    print(f"  curl -s -X POST {base}/api/v1/tickets -H 'Authorization: Bearer {kiosk}' "
          "-H 'Content-Type: application/json' -d '{\"service\": \"household\"}'", file=out)
    print("\nStop with Ctrl+C.\n", file=out, flush=True)
