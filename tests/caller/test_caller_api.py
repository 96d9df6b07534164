"""The caller's REST under /api/v1/me against a real hub, and its OpenAPI entries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from hub.web.api_caller import caller_api
from hub.web.openapi import openapi_document
from tests.caller.callerkit import api, issue, ok, window_action

pytestmark = pytest.mark.slow


def test_me_names_the_clerk_and_the_windows(demo_hub: Any) -> None:
    wangli = demo_hub.login("wangli")
    me = ok(api(demo_hub, "GET", "/api/v1/me", wangli))
    assert (me["username"], me["name"], me["role"], me["center"]) == \
        ("wangli", "王丽", "clerk", "demo")
    assert me["center_name"]["zh"] == "清河县政务服务中心"
    assert me["window"] is None
    assert [w["id"] for w in me["windows"]] == list(range(1, 9))
    assert all(w["allowed"] for w in me["windows"])
    assert {"午休", "会议", "临时离开", "请假"} <= set(me["pause_reasons"])
    assert [s["prefix"] for s in me["services"]] == list("ABCDEF")
    assert "elderly" in [p["id"] for p in me["priority_classes"]]
    assert me["staff"]["liqiang"] == "李强"
    assert me["now"].startswith("2026-11-26T")  # the hub's clock, not the test's
    assert ok(api(demo_hub, "GET", "/api/v1/me/window", wangli))["window"] is None

    ok(window_action(demo_hub, wangli, 1, "sign-in"))
    me = ok(api(demo_hub, "GET", "/api/v1/me", wangli))
    assert me["window"] == 1
    assert [(w["clerk"], w["clerk_name"], w["state"]) for w in me["windows"] if w["id"] == 1] \
        == [("wangli", "王丽", "open")]
    ok(window_action(demo_hub, wangli, 1, "sign-out"))


def test_my_window_today_and_transfers(demo_hub: Any) -> None:
    wangli, zhaolei = demo_hub.login("wangli"), demo_hub.login("zhaolei")
    number = issue(demo_hub, "social-security", priority="elderly")["number"]
    ok(window_action(demo_hub, wangli, 1, "sign-in"))
    ok(window_action(demo_hub, zhaolei, 4, "sign-in"))
    ok(window_action(demo_hub, wangli, 1, "call", ticket=number))
    ok(window_action(demo_hub, wangli, 1, "start"))
    detail = ok(api(demo_hub, "GET", "/api/v1/me/window", wangli))
    ticket = detail["window"]["ticket"]
    assert (ticket["number"], ticket["status"], ticket["priority"]) == \
        (number, "serving", "elderly")
    assert ticket["called_at"] and ticket["started_at"] and ticket["waited_seconds"] >= 0
    assert (detail["suspended"], detail["no_show"]) == ([], [])

    ok(window_action(demo_hub, wangli, 1, "transfer", to_service="household", note="缺少材料"))
    [moved] = ok(api(demo_hub, "GET", "/api/v1/me/transfers", wangli))["tickets"]
    assert (moved["number"], moved["status"], moved["service"]) == (number, "waiting", "household")
    assert ok(api(demo_hub, "GET", "/api/v1/me/transfers", zhaolei))["tickets"] == []
    ok(window_action(demo_hub, zhaolei, 4, "call-next"))
    ok(window_action(demo_hub, zhaolei, 4, "complete"))
    [moved] = ok(api(demo_hub, "GET", "/api/v1/me/transfers", wangli))["tickets"]
    assert (moved["status"], moved["window"], moved["clerk"]) == ("done", 4, "zhaolei")

    mine = ok(api(demo_hub, "GET", "/api/v1/me/today", wangli))
    assert (mine["served"], mine["transferred"]) == (0, 1)
    theirs = ok(api(demo_hub, "GET", "/api/v1/me/today", zhaolei))
    assert theirs["served"] == 1 and theirs["average_handling_seconds"] is not None
    for token, window in ((wangli, 1), (zhaolei, 4)):
        ok(window_action(demo_hub, token, window, "sign-out"))


def test_every_caller_route_is_documented() -> None:
    app = Flask(__name__)
    app.register_blueprint(caller_api)
    paths = openapi_document()["paths"]
    routes = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("caller_api.")]
    assert len(routes) == 4
    for rule in routes:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in paths, path
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], (path, method)
