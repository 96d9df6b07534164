"""The dashboard's REST against a real hub: roles, complainant privacy, complaints,
follow-ups, call-backs, the audit trail, users and devices, and the OpenAPI document."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from tests.support.hub import api
from tools.process import HubProcess

pytestmark = pytest.mark.slow  # a real hub process

MANAGE_GETS = ["/api/v1/manage/overview", "/api/v1/manage/alerts", "/api/v1/manage/reports",
               "/api/v1/manage/reports/export?format=csv&table=windows",
               "/api/v1/manage/complaints", "/api/v1/manage/follow-ups",
               "/api/v1/manage/call-backs", "/api/v1/manage/audit?number=A001",
               "/api/v1/manage/users", "/api/v1/manage/devices"]
MANAGE_POSTS = ["/api/v1/manage/complaints", "/api/v1/manage/complaints/x/answer",
                "/api/v1/manage/follow-ups/x/close", "/api/v1/manage/call-backs",
                "/api/v1/manage/call-backs/x/record", "/api/v1/manage/users",
                "/api/v1/manage/devices", "/api/v1/manage/devices/kiosk-1/revoke"]
PHONE, NAME = "13912345678", "欧阳娜娜"


class Listener:
    """A /live client that records every `event` and `alerts` message."""

    def __init__(self, hub: HubProcess, token: str, rooms: list[str]) -> None:
        self.events: list[dict[str, Any]] = []
        self.alerts: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("event", lambda data: self._add(self.events, data), namespace="/live")
        self.sio.on("alerts", lambda data: self._add(self.alerts, data), namespace="/live")
        self.sio.connect(hub.url, namespaces=["/live"], auth={"token": token},
                         transports=["websocket"], wait_timeout=20)
        ack = self.sio.call("subscribe", {"rooms": rooms, "since": None}, namespace="/live",
                            timeout=20)
        assert "error" not in ack, ack

    def _add(self, where: list[dict[str, Any]], data: dict[str, Any]) -> None:
        with self.lock:
            where.append(data)

    def wait(self, predicate: Any, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if predicate(self):
                    return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        self.sio.disconnect()


@pytest.fixture(scope="module")
def tokens(demo_hub: HubProcess) -> dict[str, str]:
    return {name: demo_hub.login(name) for name in ("director", "admin", "wangli", "zhaolei")}


@pytest.fixture
def listeners(demo_hub: HubProcess) -> Iterator[list[Listener]]:
    made: list[Listener] = []
    yield made
    for listener in made:
        listener.close()


def kiosk(hub: HubProcess, service: str) -> dict[str, Any]:
    answer = api(hub, "POST", "/api/v1/tickets", hub.tokens["kiosk-1"], json={"service": service})
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def window(hub: HubProcess, token: str, number: int, action: str, **body: Any) -> dict[str, Any]:
    answer = api(hub, "POST", f"/api/v1/windows/{number}/{action}", token, json=body or None)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


@pytest.mark.parametrize("who", ["wangli", "kiosk-1", "hall-1", "pad-1", None])
def test_only_managers_reach_the_dashboard(demo_hub: HubProcess, tokens: dict[str, str],
                                           who: str | None) -> None:
    token = tokens.get(who or "") or demo_hub.tokens.get(who or "")
    expected = 401 if who is None else 403
    for path in MANAGE_GETS:
        answer = api(demo_hub, "GET", path, token)
        assert answer.status_code == expected, (path, answer.text)
        assert NAME not in answer.text and PHONE not in answer.text
    for path in MANAGE_POSTS:
        answer = api(demo_hub, "POST", path, token, json={})
        assert answer.status_code == expected, (path, answer.text)
    assert api(demo_hub, "GET", "/api/v1/manage/overview", tokens["director"]).ok
    assert api(demo_hub, "GET", "/api/v1/manage/overview", tokens["admin"]).ok
    clock = api(demo_hub, "GET", "/api/v1/clock").json()
    assert clock["speed"] == 1.0 and clock["business_day"] == "2026-11-26"


def test_a_complaint_reaches_managers_only(demo_hub: HubProcess, tokens: dict[str, str],
                                           listeners: list[Listener]) -> None:
    manager = tokens["director"]
    ticket = kiosk(demo_hub, "household")
    hall = Listener(demo_hub, demo_hub.tokens["hall-1"], ["hall"])
    screen = Listener(demo_hub, demo_hub.tokens["window-4"], ["window:4"])
    clerk = Listener(demo_hub, tokens["zhaolei"], ["window:4", "hall"])
    watching = Listener(demo_hub, manager, ["manager"])
    listeners += [hall, screen, clerk, watching]
    phone_page = socketio.Client(reconnection=False)
    heard: list[Any] = []
    phone_page.on("event", heard.append, namespace="/live")
    phone_page.connect(demo_hub.url, namespaces=["/live"], auth={}, transports=["websocket"])
    phone_page.call("subscribe", {"rooms": [f"ticket:{ticket['id']}"], "since": None},
                    namespace="/live")
    answer = api(demo_hub, "POST", "/api/v1/manage/complaints", manager, json={
        "channel": "phone", "text": "等候太久，窗口无人", "deadline_class": "next_day",
        "window": 4, "clerk": "zhaolei", "ticket": ticket["number"], "complainant": NAME,
        "phone": PHONE})
    assert answer.status_code == 201, answer.text
    complaint = answer.json()
    assert (complaint["complainant"], complaint["phone"]) == (NAME, PHONE)
    assert complaint["due_on"] == "2026-11-27" and complaint["code"] == "TS20261126-01"
    assert complaint["subject"]["number"] == ticket["number"]
    assert watching.wait(lambda me: any(e["type"] == "complaint_recorded" for e in me.events))
    pushed = next(e for e in watching.events if e["type"] == "complaint_recorded")
    assert pushed["data"]["phone"] == "139****5678"
    # Something every room hears afterwards, so "not heard" means never sent.
    window(demo_hub, tokens["zhaolei"], 4, "sign-in")
    window(demo_hub, tokens["zhaolei"], 4, "sign-out")
    for listener in (hall, screen, clerk):
        assert listener.wait(lambda me: len(me.events) >= 1)
        assert all(e["type"] != "complaint_recorded" for e in listener.events)
        assert all(PHONE not in str(e) and NAME not in str(e) for e in listener.events)
    phone_page.disconnect()
    assert all(e["type"] != "complaint_recorded" for e in heard)
    journal = api(demo_hub, "GET", "/api/v1/events?since=0&limit=10000", manager).text
    assert PHONE not in journal and "139****5678" in journal
    assert PHONE not in demo_hub.log() and NAME not in demo_hub.log()
    listed = api(demo_hub, "GET", "/api/v1/manage/complaints", manager).json()["complaints"]
    assert listed[0]["phone"] == PHONE
    # Assign, answer, close; closing before answering is refused.
    base = f"/api/v1/manage/complaints/{complaint['id']}"
    refused = api(demo_hub, "POST", f"{base}/close", manager, json={})
    assert (refused.status_code, refused.json()["error"]) == (409, "not_answered")
    refused = api(demo_hub, "POST", f"{base}/assign", manager, json={"assignee": "ghost"})
    assert (refused.status_code, refused.json()["field"]) == (422, "assignee")
    assert api(demo_hub, "POST", f"{base}/assign", manager,
               json={"assignee": "director"}).json()["status"] == "assigned"
    answered = api(demo_hub, "POST", f"{base}/answer", manager, json={"answer": "已致歉"}).json()
    assert answered["answered_in_time"] and answered["status"] == "answered"
    assert api(demo_hub, "POST", f"{base}/close", manager, json={"note": "满意"}).json()[
        "status"] == "closed"


def test_bad_input_is_refused_naming_the_field(demo_hub: HubProcess,
                                               tokens: dict[str, str]) -> None:
    manager = tokens["director"]
    cases = [
        ({"channel": "fax", "text": "x", "deadline_class": "on_spot"}, "channel"),
        ({"channel": "phone", "text": "x", "deadline_class": "soon"}, "deadline_class"),
        ({"channel": "phone", "deadline_class": "on_spot"}, "text"),
        ({"channel": "phone", "text": "x", "deadline_class": "on_spot", "phone": "abc"}, "phone"),
        ({"channel": "phone", "text": "x", "deadline_class": "on_spot", "window": 99}, "window"),
        ({"channel": "phone", "text": "x", "deadline_class": "on_spot", "extra": 1}, "extra"),
    ]
    for data, field in cases:
        answer = api(demo_hub, "POST", "/api/v1/manage/complaints", manager, json=data)
        assert answer.status_code in (404, 422), answer.text
        assert answer.json()["field"] == field
    for query in ("day=2026-13-01", "month=2026", "from=2026-11-26&to=2026-11-01",
                  "from=2024-01-01&to=2026-01-01"):
        answer = api(demo_hub, "GET", f"/api/v1/manage/reports?{query}", manager)
        assert answer.status_code == 422, query
    answer = api(demo_hub, "GET", "/api/v1/manage/reports/export?format=pdf", manager)
    assert answer.json()["field"] == "format"
    answer = api(demo_hub, "GET", "/api/v1/manage/reports/export?format=csv&table=x", manager)
    assert answer.json()["field"] == "table"


def test_a_bad_rating_gets_a_follow_up_and_the_audit_trail_shows_it(
        demo_hub: HubProcess, tokens: dict[str, str]) -> None:
    manager, clerk = tokens["director"], tokens["wangli"]
    window(demo_hub, clerk, 1, "sign-in")
    served = []
    for level in (1, 5, 4):
        ticket = kiosk(demo_hub, "social-security")
        called = window(demo_hub, clerk, 1, "call-next")["ticket"]
        assert called["id"] == ticket["id"]
        window(demo_hub, clerk, 1, "start")
        window(demo_hub, clerk, 1, "complete")
        rated = api(demo_hub, "POST", "/api/v1/windows/1/rating", demo_hub.tokens["pad-1"],
                    json={"number": ticket["number"], "level": level,
                          **({"aspects": ["服务态度"]} if level < 3 else {})})
        assert rated.ok, rated.text
        served.append(ticket)
    window(demo_hub, clerk, 1, "sign-out")
    follow_ups = api(demo_hub, "GET", "/api/v1/manage/follow-ups", manager).json()["follow_ups"]
    mine = next(f for f in follow_ups if f["id"] == served[0]["id"])
    # Thursday 26 Nov 2026 + 15 working days (no holiday in between): Thursday 17 Dec.
    assert (mine["level"], mine["due_on"], mine["clerk_name"]) == (1, "2026-12-17", "王丽")
    assert not any(f["id"] in (served[1]["id"], served[2]["id"]) for f in follow_ups)
    base = f"/api/v1/manage/follow-ups/{mine['id']}"
    assert api(demo_hub, "POST", f"{base}/assign", manager,
               json={"assignee": "director"}).ok
    answered = api(demo_hub, "POST", f"{base}/answer", manager,
                   json={"call_back": "已回访", "rectification": "窗口礼仪培训"}).json()
    assert answered["in_time"] and answered["status"] == "answered"
    assert api(demo_hub, "POST", f"{base}/close", manager, json={}).json()["status"] == "closed"
    trail = api(demo_hub, "GET", f"/api/v1/manage/audit?ticket={mine['id']}", manager).json()
    kinds = [(e["type"], e["actor"]) for e in trail["events"]]
    assert kinds == [("ticket_issued", "kiosk-1"), ("ticket_called", "wangli"),
                     ("service_started", "wangli"), ("ticket_completed", "wangli"),
                     ("ticket_rated", "pad-1"), ("follow_up_opened", "pad-1"),
                     ("follow_up_assigned", "director"),
                     ("follow_up_answered", "director"), ("follow_up_closed", "director")]
    by_number = api(demo_hub, "GET", f"/api/v1/manage/audit?number={served[1]['number']}"
                    "&day=2026-11-26", manager).json()
    assert by_number["ticket"] == served[1]["id"] and len(by_number["events"]) == 5
    assert api(demo_hub, "GET", "/api/v1/manage/audit?number=Z999", manager).status_code == 404
    # A call-back sample of the other completed tickets, and an outcome recorded.
    sample = api(demo_hub, "POST", "/api/v1/manage/call-backs", manager, json={"size": 5})
    assert sample.status_code == 201, sample.text
    drawn = sample.json()
    assert mine["id"] not in [e["ticket"] for e in drawn["entries"]]
    entry = drawn["entries"][0]
    recorded = api(demo_hub, "POST", f"/api/v1/manage/call-backs/{drawn['id']}/record", manager,
                   json={"ticket": entry["ticket"], "outcome": "satisfied", "note": "满意"})
    assert recorded.json()["done"] == 1


def test_users_and_devices_are_managed(demo_hub: HubProcess, tokens: dict[str, str]) -> None:
    manager, admin = tokens["director"], tokens["admin"]
    added = api(demo_hub, "POST", "/api/v1/manage/users", manager, json={
        "username": "xiaoming", "role": "clerk", "password": "secret-pw-1", "windows": [7, 8],
        "display_name": "小明"})
    assert added.ok, added.text
    login = requests.post(f"{demo_hub.url}/api/v1/auth/token", timeout=10,
                          json={"username": "xiaoming", "password": "secret-pw-1"}).json()
    assert login["role"] == "clerk" and login["windows"] == [7, 8]
    again = api(demo_hub, "POST", "/api/v1/manage/users", manager, json={
        "username": "xiaoming", "role": "clerk", "password": "other-pw-2", "create": True})
    assert again.json()["error"] == "account_exists"
    for data in ({"username": "boss2", "role": "admin", "password": "secret-pw-1"},
                 {"username": "admin", "role": "clerk"}):
        answer = api(demo_hub, "POST", "/api/v1/manage/users", manager, json=data)
        assert answer.status_code == 403, answer.text
    short = api(demo_hub, "POST", "/api/v1/manage/users", manager,
                json={"username": "shorty", "role": "clerk", "password": "short"})
    assert short.json()["field"] == "password"
    assert api(demo_hub, "POST", "/api/v1/manage/users", admin, json={
        "username": "boss2", "role": "admin", "password": "secret-pw-1"}).ok
    users = api(demo_hub, "GET", "/api/v1/manage/users", manager).json()["users"]
    assert {"username": "xiaoming", "role": "clerk", "display_name": "小明", "name": "小明",
            "windows": [7, 8], "active": True} in users
    assert all("hash" not in str(u) for u in users)
    device = api(demo_hub, "POST", "/api/v1/manage/devices", manager,
                 json={"name": "kiosk-2", "role": "kiosk"})
    assert device.status_code == 201
    token = device.json()["token"]
    assert api(demo_hub, "GET", "/api/v1/state", token).ok
    listed = api(demo_hub, "GET", "/api/v1/manage/devices", manager).json()["devices"]
    assert {"kiosk-2", "hall-1"} <= {d["name"] for d in listed}
    assert token not in str(listed)
    assert api(demo_hub, "POST", "/api/v1/manage/devices/kiosk-2/revoke", manager).ok
    assert api(demo_hub, "GET", "/api/v1/state", token).status_code == 401
    reissued = api(demo_hub, "POST", "/api/v1/manage/devices", manager,
                   json={"name": "kiosk-2", "role": "kiosk"}).json()["token"]
    assert api(demo_hub, "GET", "/api/v1/state", reissued).ok
    events = api(demo_hub, "GET", "/api/v1/events?since=0&limit=10000", manager).json()["events"]
    saved = [e for e in events if e["type"] in ("user_saved", "device_added", "device_revoked")
             and e["actor"] == "director"]
    assert [e["type"] for e in saved] == ["user_saved", "device_added", "device_revoked",
                                          "device_added"]


def test_every_dashboard_route_is_documented() -> None:
    # The app's module first: it imports every module that adds routes to these
    # blueprints (api_manage_accounts adds /manage/users), as the hub does. Alone,
    # this test used to see 17 routes, and passed only after another test had done it.
    import hub.web.app  # noqa: F401
    from hub.web.api import api
    from hub.web.api_manage import manage_api
    from hub.web.openapi import openapi_document

    document = openapi_document()["paths"]
    found = []
    from flask import Flask

    app = Flask(__name__)
    app.register_blueprint(manage_api)
    app.register_blueprint(api)  # the dashboard's commands come from hub/web/catalogue.py
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("manage_api.") or rule.rule.startswith("/api/v1/manage"):
            path = rule.rule
            for converter in ("any(complaints, 'follow-ups'):kind", "kind"):
                path = path.replace(f"<{converter}>", "{kind}")
            path = path.replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.append((path, method.lower()))
                assert path in document, path
                assert method.lower() in document[path], (path, method)
    assert len(found) >= 18
