"""Cases (办件) over REST against a real hub process: opened at the counter, moved by
its holder, handed to an agent, looked up by the citizen with number + phone; every
bad input refused 4xx naming the field and changing nothing; the report's 按期办结率."""

from __future__ import annotations

from typing import Any

import pytest
from hubkit import HubProcess, expect_error

pytestmark = pytest.mark.slow
PHONE = "13700137000"


@pytest.fixture(scope="module")
def mode() -> str:
    return "gevent"  # the routes are plain REST: one async mode is enough here


def clerk(hub: HubProcess, name: str = "clerk1") -> Any:
    return hub.api(hub.user(name))


def test_a_case_is_opened_moved_handed_and_looked_up(hub: HubProcess) -> None:
    me = clerk(hub)
    ticket = hub.api(hub.device("kiosk-1")).issue("medical-insurance")
    case = me.ok("POST", "/cases", 201, json={
        "kind": "promised", "ticket": ticket["number"], "phone": PHONE, "note": "缺出院小结外均齐"})
    assert case["number"].startswith("C2026-") and case["service"] == "medical-insurance"
    assert (case["stage"], case["holder"], case["ticket_number"]) == (
        "accepted", "clerk1", ticket["number"])
    assert case["phone"] == "137****7000" and case["days"] == 10 and case["due_on"] > "2026-12"
    # The citizen's phone: number + phone; a wrong phone gets the same 404 as no case.
    public = hub.api().ok("POST", "/cases/lookup", json={"number": case["number"],
                                                         "phone": PHONE})
    assert public["stage"] == "accepted" and public["due_on"] == case["due_on"]
    assert "clerk1" not in str(public) and PHONE not in str(public) and "出院" not in str(public)
    expect_error(hub.api().request("POST", "/cases/lookup", json={
        "number": case["number"], "phone": "13700137001"}), 404, "unknown_case", "number")
    # Only the next stage; another clerk may not move it; a manager may.
    expect_error(me.request("POST", f"/cases/{case['number']}/advance", json={"stage": "done"}),
                 409, "stage_not_allowed", "stage")
    expect_error(clerk(hub, "clerk2").request("POST", f"/cases/{case['id']}/advance",
                                              json={"stage": "review"}),
                 403, "not_case_holder", "case")
    moved = me.ok("POST", f"/cases/{case['number']}/advance", json={"stage": "review"})
    assert moved["stage"] == "review" and [s["reached"] for s in moved["stages"]] == [
        True, True, False, False]
    handed = me.ok("POST", f"/cases/{case['number']}/hand",
                   json={"to": "clerk3", "agent": True, "note": "全程代理"})
    assert (handed["holder"], handed["agent"]) == ("clerk3", True)
    mine = clerk(hub, "clerk3").ok("GET", "/cases", params={"show": "mine"})
    assert [c["number"] for c in mine["cases"]] == [case["number"]]
    assert mine["counts"]["mine"] == 1 and any(s["id"] == "medical-insurance"
                                               for s in mine["services"])
    done = clerk(hub, "clerk3").ok("POST", f"/cases/{case['number']}/advance",
                                   json={"stage": "done"})
    assert done["on_time"] is True and done["done_on"] == "2026-11-26"
    report = hub.manager().ok("GET", "/manage/reports", params={"from": "2026-11-26",
                                                                "to": "2026-12-31"})
    row = next(r for r in report["cases"] if r["service"] == "medical-insurance")
    assert (row["due"], row["on_time"], row["rate"]) == (1, 1, 1.0)
    csv = hub.manager().request("GET", "/manage/reports/export", params={
        "format": "csv", "table": "cases", "from": "2026-11-26", "to": "2026-12-31"})
    assert csv.status_code == 200 and "按期办结率" in csv.content.decode("utf-8-sig")


OUTBOX_DELIVERY = {"notification_claimed", "notification_sent", "notification_failed"}


@pytest.mark.parametrize("body, status, code, field", [
    ({}, 422, "missing_field", "kind"),
    ({"kind": "someday"}, 422, "invalid_field", "kind"),
    ({"kind": "promised", "service": "household"}, 422, "invalid_case", "phone"),
    ({"kind": "promised", "service": "household", "phone": "12"}, 422, "invalid_field",
     "phone"),
    ({"kind": "promised", "service": "nothing", "phone": PHONE}, 404, "unknown_service",
     "service"),
    ({"kind": "immediate", "ticket": "Z999"}, 404, "unknown_ticket", "ticket"),
    ({"kind": "immediate", "service": "household", "color": "red"}, 422, "unknown_field",
     "color"),
    ({"kind": "immediate", "service": "household", "note": "x" * 201}, 422, "invalid_field",
     "note"),
])
def test_opening_a_case_refuses_bad_input_naming_the_field(
        hub: HubProcess, body: dict[str, Any], status: int, code: str, field: str) -> None:
    before = hub.seq()
    expect_error(clerk(hub).request("POST", "/cases", json=body), status, code, field)
    # Nothing appended but the outbox delivering what the first test queued (its texts
    # go out meanwhile: claimed, sent), which the refused request has no part in.
    appended = [e["type"] for e in hub.events(before)]
    assert [t for t in appended if t not in OUTBOX_DELIVERY] == [], appended


def test_case_routes_refuse_the_public_and_bad_input(hub: HubProcess) -> None:
    expect_error(hub.api().request("GET", "/cases"), 401, "unauthenticated")
    expect_error(hub.api(hub.device("kiosk-1")).request("POST", "/cases", json={
        "kind": "immediate", "service": "household"}), 403, "forbidden")
    expect_error(clerk(hub).request("GET", "/cases", params={"show": "lost"}), 422,
                 "invalid_field", "show")
    expect_error(clerk(hub).request("GET", "/cases/C2026-999999"), 404, "unknown_case", "case")
    expect_error(clerk(hub).request("POST", "/cases/C2026-999999/advance",
                                    json={"stage": "review"}), 404, "unknown_case", "case")
    case = clerk(hub).ok("POST", "/cases", 201, json={"kind": "promised",
                                                      "service": "household", "phone": PHONE})
    expect_error(clerk(hub).request("POST", f"/cases/{case['id']}/close", json={}), 404,
                 "unknown_action", "action")
    expect_error(clerk(hub).request("POST", f"/cases/{case['id']}/hand", json={"to": "ghost"}),
                 422, "invalid_case", "to")
    expect_error(clerk(hub).request("POST", f"/cases/{case['id']}/hand",
                                    json={"to": "clerk2", "agent": "yes"}),
                 422, "invalid_field", "agent")
    expect_error(hub.api().request("POST", "/cases/lookup", json={"number": "123",
                                                                  "phone": PHONE}),
                 422, "invalid_field", "number")
    expect_error(hub.api().request("POST", "/cases/lookup", json={"number": case["number"]}),
                 422, "missing_field", "phone")


def test_the_materials_notice_is_given_once_with_its_text(hub: HubProcess) -> None:
    ticket = hub.api(hub.device("kiosk-1")).issue("household")
    me = clerk(hub)
    expect_error(me.request("POST", "/materials-notices", json={
        "ticket": ticket["number"], "materials": ["护照"]}), 422, "invalid_case", "materials")
    expect_error(me.request("POST", "/materials-notices", json={
        "ticket": ticket["number"], "materials": "户口簿"}), 422, "invalid_field", "materials")
    notice = me.ok("POST", "/materials-notices", 201, json={
        "ticket": ticket["number"], "materials": ["户口簿"], "other": "村委会证明",
        "phone": PHONE})
    assert notice["notified"] and notice["phone"] == "137****7000"
    assert "1. 户口簿\n2. 村委会证明" in notice["text"]["zh"]
    expect_error(me.request("POST", "/materials-notices", json={
        "ticket": ticket["number"], "materials": ["居民身份证"]}), 409, "notice_already_given",
        "ticket")
