"""Every documented operation answers 2xx in a real day, and each of those answers
matches the response schema of the OpenAPI document (status, media type, body).

The fuzz (test_fuzz_api.py) mostly meets 4xx with generated ids; this walk uses
real ones: a ticket issued, called, served, rated badly (a follow-up), a complaint
answered, a call-back sample drawn, devices and users added.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import (  # type: ignore[attr-defined]  # registered checks
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fakes.fake_gateway import FakeGateway
from tests.support.sms import start_sms_hub
from tools.process import HubProcess

pytestmark = pytest.mark.slow
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
ID_NUMBER = "11010519491231002X"  # a valid GB 11643 number (the standard's example)
# Answered 2xx in another test with a real hub, not in this walk: lifting a no-show
# block needs three missed appointments first (tests/hub/test_hub_booking.py).
ELSEWHERE = {("post", "/api/v1/manage/appointments/blocks/{block}/lift")}


class Walk:
    def __init__(self, hub: HubProcess, schema: Any, tokens: dict[str, str | None]) -> None:
        self.hub, self.schema, self.tokens = hub, schema, tokens
        self.answered: set[tuple[str, str]] = set()

    def call(self, who: str, method: str, path: str, *, body: Any = None,
             query: dict[str, Any] | None = None, status: int = 200, **values: Any) -> Any:
        """The answer of `who` to `method path` after schemathesis checked it."""
        operation = self.schema[f"/api/v1{path}"][method]
        kwargs: dict[str, Any] = {"path_parameters": values, "query": query or {}}
        if body is not None:
            kwargs["body"] = body
            kwargs["media_type"] = "application/json"
        case = operation.Case(**kwargs)
        token = self.tokens[who]
        response = case.call_and_validate(
            base_url=self.hub.url, checks=CHECKS,
            headers={"Authorization": f"Bearer {token}"} if token else {})
        assert response.status_code == status, (method, path, response.text[:300])
        self.answered.add((method.lower(), f"/api/v1{path}"))
        try:
            return response.json()
        except ValueError:  # the SVG, CSV and XLSX answers
            return None


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory, gateway: FakeGateway) -> Iterator[Walk]:
    # Texts go to a fake SMS gateway, so the walk can read the booking's one-time code.
    made: dict[str, Any] = {}
    with start_sms_hub(gateway, tmp_path_factory.mktemp("answers-hub"),
                       prepared=lambda _hub, credentials: made.update(credentials)) as hub:
        clerk = next(n for n, (role, _pw) in made["users"].items() if role == "clerk")
        tokens: dict[str, str | None] = {
            "anonymous": None, "kiosk": hub.tokens["kiosk-1"],
            # the demo's pads, each bound to its window (pad-N at window N)
            **{f"pad-{n}": hub.tokens[f"pad-{n}"] for n in range(1, 9)},
            "clerk": hub.login(clerk), "manager": hub.login("director"),
            "admin": hub.login("admin"),
        }
        schema = schemathesis.openapi.from_url(f"{hub.url}/api/v1/openapi.json")
        yield Walk(hub, schema, tokens)


def test_every_operation_answers_a_day_by_its_documented_schema(
        walk: Walk, gateway: FakeGateway) -> None:
    w = walk
    demo = {"center": "demo"}
    clerk = w.call("anonymous", "POST", "/auth/token", body={
        "username": "director", "password": w.hub.passwords["director"]})
    assert clerk["role"] == "manager"
    w.call("anonymous", "GET", "/openapi.json")
    w.call("anonymous", "GET", "/health")
    w.call("anonymous", "GET", "/clock", query=demo)
    w.call("anonymous", "GET", "/services", query=demo)
    w.call("anonymous", "GET", "/kiosk", query=demo)
    # issue, check the ticket from a phone, serve it, rate it badly (a follow-up)
    first = w.call("kiosk", "POST", "/tickets", body={"service": "household"}, status=201)
    second = w.call("anonymous", "POST", "/tickets", query=demo,
                    body={"service": "household", "channel": "mobile"}, status=201)
    w.call("anonymous", "GET", "/tickets/{ticket_id}", query=demo, ticket_id=first["id"])
    w.call("anonymous", "GET", "/tickets/{ticket_id}/qr.svg", query=demo,
           ticket_id=first["id"])
    window = next(n["id"] for n in w.call("clerk", "GET", "/me")["windows"]
                  if n["allowed"] and "household" in n["services"])
    w.call("clerk", "POST", "/windows/{window}/{action}", window=window, action="sign-in")
    w.call("clerk", "GET", "/windows/{window}/queue", window=window)
    called = w.call("clerk", "POST", "/windows/{window}/{action}", window=window,
                    action="call", body={"ticket": first["number"]})
    # a screen without the display program fetches the call's announcement
    w.call("anonymous", "GET", "/calls/{seq}/audio.wav", query=demo, seq=called["seq"])
    w.call("clerk", "POST", "/windows/{window}/{action}", window=window, action="start")
    w.call("clerk", "GET", "/me/window")
    w.call("clerk", "POST", "/windows/{window}/{action}", window=window, action="complete")
    # the window's pad rates it by number (the hall never learns ticket ids)
    w.call(f"pad-{window}", "POST", "/windows/{window}/rating", window=window,
           body={"number": first["number"], "level": 1, "aspects": ["服务态度"],
                 "reason": "等太久"})
    # the second: transferred on, so the clerk stays responsible for it (首问负责)
    w.call("clerk", "POST", "/windows/{window}/{action}", window=window, action="call-next")
    w.call("clerk", "POST", "/windows/{window}/{action}", window=window, action="transfer",
           body={"to_service": "real-estate", "note": "矩阵"})
    third = w.call("kiosk", "POST", "/tickets", body={"service": "household"}, status=201)
    for action in ("call", "start", "complete"):  # served, not rated: for call-backs
        w.call("clerk", "POST", "/windows/{window}/{action}", window=window, action=action,
               body={"ticket": third["number"]} if action == "call" else None)
    # one more, rated by its holder from the phone: the id is the secret, no token
    fourth = w.call("kiosk", "POST", "/tickets", body={"service": "household"}, status=201)
    for action in ("call", "start", "complete"):
        w.call("clerk", "POST", "/windows/{window}/{action}", window=window, action=action,
               body={"ticket": fourth["number"]} if action == "call" else None)
    w.call("anonymous", "POST", "/tickets/{ticket_id}/rating", query=demo,
           ticket_id=fourth["id"], body={"level": 5})
    w.call("clerk", "GET", "/me/today")
    w.call("clerk", "GET", "/me/transfers")
    w.call("clerk", "GET", "/state")
    assert second["id"]
    # appointments and devices
    booked = w.call("kiosk", "POST", "/appointments", status=201, body={
        "service": "household", "day": "2026-11-27", "slot": "10:00", "phone": "13800138000"})
    w.call("kiosk", "POST", "/checkin/code", body={"phone": "13800138000"})
    w.call("kiosk", "POST", "/appointments/{code}/cancel", code=booked["code"])
    w.call("kiosk", "POST", "/devices/health", body={"printer": {"ok": True}, "message": "ok"})
    w.call("manager", "GET", "/devices")
    # the manager's dashboard
    w.call("manager", "GET", "/events", query={"since": 0, "limit": 50})
    config = w.call("manager", "GET", "/config")
    w.call("manager", "PUT", "/config", body={"config": config["config"], "summary": "同上"})
    w.call("manager", "GET", "/notifications")
    w.call("manager", "GET", "/manage/overview")
    w.call("manager", "GET", "/manage/alerts")
    w.call("manager", "GET", "/manage/reports")
    w.call("manager", "GET", "/manage/reports", query={"month": "2026-11"})
    w.call("manager", "GET", "/manage/reports/export", query={"format": "csv",
                                                             "table": "windows"})
    w.call("manager", "GET", "/manage/reports/export", query={"format": "xlsx"})
    complaint = w.call("manager", "POST", "/manage/complaints", status=201, body={
        "channel": "phone", "text": "态度不好", "deadline_class": "next_day",
        "window": window, "complainant": "张三", "phone": "13800138000"})
    w.call("manager", "POST", "/manage/{kind}/{item}/{action}", kind="complaints",
           item=complaint["id"], action="assign", body={"assignee": "director"})
    w.call("manager", "POST", "/manage/{kind}/{item}/{action}", kind="complaints",
           item=complaint["id"], action="answer", body={"answer": "已整改"})
    w.call("manager", "GET", "/manage/complaints")
    follow_ups = w.call("manager", "GET", "/manage/follow-ups")["follow_ups"]
    assert follow_ups, "the bad rating opens a follow-up"
    w.call("manager", "POST", "/manage/{kind}/{item}/{action}", kind="follow-ups",
           item=follow_ups[0]["id"], action="answer", body={"call_back": "已回访"})
    sample = w.call("manager", "POST", "/manage/call-backs", body={"size": 1}, status=201)
    w.call("manager", "POST", "/manage/call-backs/{sample}/record", sample=sample["id"],
           body={"ticket": sample["entries"][0]["ticket"], "outcome": "satisfied"})
    w.call("manager", "GET", "/manage/call-backs")
    w.call("manager", "GET", "/manage/audit", query={"ticket": first["id"]})
    w.call("manager", "GET", "/manage/users")
    w.call("admin", "POST", "/manage/users", body={
        "username": "newclerk", "role": "clerk", "password": "long-enough-1", "create": True})
    w.call("manager", "GET", "/manage/devices")
    w.call("manager", "POST", "/manage/devices", status=201,
           body={"name": "hall-2", "role": "display"})
    w.call("manager", "POST", "/manage/devices/{name}/revoke", name="hall-2")
    # cases (办件): opened for a ticket, moved, handed on, looked up by the citizen
    case = w.call("clerk", "POST", "/cases", status=201, body={
        "kind": "promised", "ticket": fourth["number"], "phone": "13800138000"})
    w.call("clerk", "GET", "/cases", query={"show": "mine"})
    w.call("clerk", "GET", "/cases/{case}", case=case["number"])
    w.call("clerk", "POST", "/cases/{case}/{action}", case=case["id"], action="advance",
           body={"stage": "review"})
    w.call("clerk", "POST", "/cases/{case}/{action}", case=case["id"], action="hand",
           body={"to": "director", "agent": True})
    w.call("anonymous", "POST", "/cases/lookup", query=demo,
           body={"number": case["number"], "phone": "13800138000"})
    w.call("clerk", "POST", "/materials-notices", status=201, body={
        "ticket": third["number"], "materials": ["户口簿"], "phone": "13800138000"})
    # booking on the phone (a one-time code from the gateway), checking in by ID number
    # at the kiosk, the managers' appointment views
    w.call("anonymous", "GET", "/book/services", query=demo)
    w.call("anonymous", "GET", "/book/slots", query={**demo, "service": "household",
                                                     "day": "2026-11-27"})
    phone = "13900139111"
    w.call("anonymous", "POST", "/book/code", query=demo, body={"phone": phone})
    today = w.call("anonymous", "POST", "/book", query=demo, status=201, body={
        "service": "social-security", "day": "2026-11-26", "slot": "09:00", "phone": phone,
        "otp": gateway.wait_code(phone, "booking_verify"), "id_number": ID_NUMBER})
    w.call("kiosk", "POST", "/checkin/id", status=201, body={"id_number": ID_NUMBER})
    w.call("anonymous", "POST", "/book/code", query=demo, body={"phone": "13900139112"})
    ahead = w.call("anonymous", "POST", "/book", query=demo, status=201, body={
        "service": "household", "day": "2026-11-27", "slot": "10:00", "phone": "13900139112",
        "otp": gateway.wait_code("13900139112", "booking_verify")})
    mine = {"code": ahead["code"], "phone": "13900139112"}
    w.call("anonymous", "POST", "/book/lookup", query=demo, body=mine)
    w.call("anonymous", "POST", "/book/reschedule", query=demo,
           body={**mine, "day": "2026-11-27", "slot": "11:00"})
    w.call("anonymous", "POST", "/book/cancel", query=demo, body=mine)
    span = {"from": "2026-11-26", "to": "2026-11-27"}
    w.call("manager", "GET", "/manage/appointments", query=span)
    w.call("manager", "GET", "/manage/appointments/export",
           query={**span, "format": "csv", "table": "slots"})
    assert today["code"]
    documented = {(method, path) for path, item in w.schema.raw_schema["paths"].items()
                  for method in item}
    assert sorted(documented - w.answered - ELSEWHERE) == [], \
        "operations this walk never saw answer 2xx"
