"""The OpenAPI document at /api/v1/openapi.json tells the truth about the routes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hubkit import DEMO_TOML

from hub.settings import load_settings
from hub.web.app import create_app

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    settings = load_settings(None, environ={}, store="memory://", async_mode="threading",
                             centers=(str(DEMO_TOML),))
    flask_app, _socketio, hub = create_app(settings)
    yield flask_app
    hub.store.close()


def openapi_path(rule: str) -> str:
    """/api/v1/windows/<int:window>/<action> -> /api/v1/windows/{window}/{action}"""
    return re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([A-Za-z_][A-Za-z0-9_]*)>", r"{\1}", rule)


def routes(app: Flask) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1":
            for method in (rule.methods or set()) - IGNORED_METHODS:
                found.add((openapi_path(rule.rule), method.lower()))
    return found


def documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    methods = {"get", "put", "post", "delete", "patch"}
    return {(path, method) for path, item in document["paths"].items()
            for method in item if method in methods}


def test_every_route_is_documented_and_every_documented_route_exists(app: Flask) -> None:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    served, written = routes(app), documented(document)
    assert served, "no /api/v1 routes found"
    assert sorted(served - written) == [], "routes the document does not describe"
    assert sorted(written - served) == [], "documented routes that do not exist"


def test_path_parameters_match_the_paths(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        named = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == named, f"{method.upper()} {path}: parameters {declared}"
            assert "4XX" in operation["responses"] or any(
                code.startswith("4") for code in operation["responses"]), (method, path)


def test_the_error_schema_is_the_documented_one(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message"}
    assert set(error["properties"]) >= {"error", "message", "field"}
    answer = app.test_client().get("/api/v1/state")
    assert answer.status_code == 401
    assert set(answer.get_json()) <= set(error["properties"])


def test_window_actions_in_the_document_are_the_served_ones(app: Flask) -> None:
    from hub.web.catalogue import WINDOW_ACTIONS

    document = app.test_client().get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/windows/{window}/{action}"]["post"]
    action = next(p for p in operation["parameters"] if p["name"] == "action")
    assert sorted(action["schema"]["enum"]) == sorted(
        dict(row.select)["action"] for row in WINDOW_ACTIONS)
