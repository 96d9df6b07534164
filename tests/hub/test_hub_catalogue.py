"""The command catalogue (hub/web/catalogue.py) is where the command routes come from.

In-process (Flask test client, memory journal): every catalogue row is a served
route and a documented operation, every POST/PUT/DELETE under /api/v1 is a
catalogue route, and the pydantic models answer
with the hub's `{error, message, field}` naming the field by its path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from flask import Flask
from hubkit import DEMO_TOML
from pydantic import Field as Size

from hub.settings import load_settings
from hub.web.app import create_app
from hub.web.catalogue import COMMANDS, WINDOW_ACTIONS, routes
from hub.web.openapi import openapi_document
from hub.web.schema import Input, Text, ValidationError, first_error, problems


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    settings = load_settings(None, environ={}, store="memory://", async_mode="threading",
                             centers=(str(DEMO_TOML),))
    flask_app, _socketio, hub = create_app(settings)
    yield flask_app
    hub.store.close()


def served(app: Flask) -> dict[tuple[str, str], str]:
    """(method, rule) -> endpoint of every /api/v1 route that changes something."""
    found = {}
    for rule in app.url_map.iter_rules():
        for method in (rule.methods or set()) & {"POST", "PUT", "DELETE", "PATCH"}:
            if rule.rule.startswith("/api/v1/"):
                found[(method, rule.rule)] = rule.endpoint
    return found


def test_every_catalogue_route_is_served_by_the_catalogue_view(app: Flask) -> None:
    routes_served = served(app)
    for (method, rule), rows in routes().items():
        endpoint = routes_served.get((method, "/api/v1" + rule))
        assert endpoint is not None, f"{method} {rule}: in the catalogue, not served"
        view = app.view_functions[endpoint]
        assert view.__qualname__.startswith("command_view"), (method, rule, endpoint)
        assert rows


def test_no_command_route_outside_the_catalogue(app: Flask) -> None:
    """Every POST/PUT/DELETE/PATCH of /api/v1 is a catalogue route, served by its view:
    none is written by hand (signing in, a device's health report and the look-ups
    sent by POST included)."""
    from_table = {(method, "/api/v1" + rule) for method, rule in routes()}
    orphans = sorted(set(served(app)) - from_table)
    assert orphans == [], "a route that changes something belongs in hub/web/catalogue.py"
    for key, endpoint in served(app).items():
        assert app.view_functions[endpoint].__qualname__.startswith("command_view"), key


def test_each_row_is_a_documented_operation_with_its_body_and_answer() -> None:
    document = openapi_document()
    for (method, rule), rows in routes().items():
        path = "/api/v1" + re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule)
        operation = document["paths"][path][method.lower()]
        ok = operation["responses"][str(rows[0].status)]["content"]["application/json"]
        answers = {row.answer.__name__ for row in rows}
        schema = ok["schema"]
        named = {s["$ref"].rsplit("/", 1)[-1] for s in schema.get("anyOf", [schema])}
        assert named == answers, (method, rule)
        for name in named:
            assert name in document["components"]["schemas"], name
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        for row in rows:
            documented = body.get("anyOf", [body])
            assert any(set(d.get("properties", {})) == set(row.body.model_fields)
                       for d in documented), row.name


def test_window_actions_are_one_route_selected_by_the_action() -> None:
    rows = routes()[("POST", "/windows/<int:window>/<action>")]
    assert rows == list(WINDOW_ACTIONS)
    assert len({dict(row.select)["action"] for row in rows}) == len(rows)
    assert len({row.name for row in COMMANDS}) == len(COMMANDS)


def test_a_catalogue_route_refuses_bad_input_by_field_and_unknown_actions(app: Flask) -> None:
    client = app.test_client()
    # a window action asks who first: a stranger learns nothing of the body
    answer = client.post("/api/v1/windows/1/pause", json={"reason": 5})
    assert answer.status_code == 401
    # issuing reads the body first (the phone issues without a token)
    answer = client.post("/api/v1/tickets?center=demo", json={"service": 5})
    assert answer.status_code == 422
    assert answer.get_json() == {"error": "invalid_field", "message": "service must be a string",
                                 "field": "service"}
    answer = client.post("/api/v1/tickets?center=demo", json={"service": "household", "x": 1})
    assert answer.get_json() == {"error": "unknown_field", "message": "unknown field 'x'",
                                 "field": "x"}
    answer = client.post("/api/v1/windows/1/dance", json={})
    assert answer.status_code == 404
    assert answer.get_json()["error"] == "unknown_action"
    answer = client.post("/api/v1/windows/1/call-next", json={})
    assert answer.status_code == 401  # a valid (empty) body, no token


# ------------------------------------------------------------ pydantic errors by path


class Prefix(Input):
    id: Annotated[str, Text(40, required=True)]
    prefix: Annotated[str, Text(2, required=True, pattern=r"[A-Z]{1,2}")]


class Center(Input):
    name: Annotated[str, Text(40, required=True)]
    services: Annotated[list[Prefix], Size(max_length=20)]
    windows: int | None = None


def error_of(data: Any) -> tuple[str, str, str]:
    with pytest.raises(ValidationError) as caught:
        Center.model_validate(data)
    problem = first_error(caught.value)
    return problem.code, problem.field, problem.message


GOOD = {"id": "household", "prefix": "A"}


@pytest.mark.parametrize(("data", "code", "field", "message"), [
    ({"services": []}, "missing_field", "name", "name is required"),
    ({"name": "x", "services": [GOOD, GOOD, {"id": "x", "prefix": "a1"}]}, "invalid_field",
     "services.2.prefix", "services.2.prefix is not in the expected form"),
    ({"name": "x", "services": [GOOD, {"id": "x"}]}, "missing_field", "services.1.prefix",
     "services.1.prefix is required"),
    ({"name": "x", "services": [GOOD, {**GOOD, "colour": "red"}]}, "unknown_field",
     "services.1.colour", "unknown field 'colour'"),
    ({"name": "  ", "services": []}, "invalid_field", "name", "name must not be empty"),
    ({"name": "x" * 41, "services": []}, "invalid_field", "name",
     "name is longer than 40 characters"),
    ({"name": "x", "services": "A"}, "invalid_field", "services", "services must be a list"),
    ({"name": "x", "services": [GOOD] * 21}, "invalid_field", "services",
     "services has too many entries"),
    ({"name": "x", "services": [], "windows": "3"}, "invalid_field", "windows",
     "windows must be a whole number"),
    ({"name": "x", "services": [], "windows": True}, "invalid_field", "windows",
     "windows must be a whole number"),
    ({"name": "x", "services": [7]}, "invalid_field", "services",
     "services must be an object"),
])
def test_pydantic_errors_name_the_field_by_its_path(data: Any, code: str, field: str,
                                                    message: str) -> None:
    assert error_of(data) == (code, field, message)


def test_unknown_keys_come_first_and_sorted() -> None:
    with pytest.raises(ValidationError) as caught:
        Center.model_validate({"zeta": 1, "alpha": 2})
    found = problems(caught.value)
    assert [(p.code, p.field) for p in found[:2]] == [("unknown_field", "alpha"),
                                                      ("unknown_field", "zeta")]
    assert {p.field for p in found[2:]} == {"name", "services"}


# ------------------------------------------------------------ answers and their models


def test_every_answer_is_a_model_whose_schema_is_the_documented_one() -> None:
    from pydantic.json_schema import models_json_schema

    from hub.web.answers import Output

    components = openapi_document()["components"]["schemas"]
    for row in COMMANDS:
        assert issubclass(row.answer, Output), row.name
        _, found = models_json_schema([(row.answer, "validation")],
                                      ref_template="#/components/schemas/{model}")
        derived = found["$defs"][row.answer.__name__]
        assert components[row.answer.__name__]["required"] == derived.get("required", []), \
            row.name
        assert set(components[row.answer.__name__]["properties"]) == set(derived["properties"])


def test_real_answers_match_their_models(app: Flask) -> None:
    """Signing in, a device's health report and a window action, in-process: each
    answer is what its model says (the fuzz run checks every operation this way)."""
    from hub.domain.accounts import AddDevice, SaveUser
    from hub.store.auth import hash_password, new_device_token, token_hash
    from hub.web import answers

    hub = app.extensions["jiaohao"]
    center = hub.center("demo")
    center.execute(SaveUser("models", "admin", hash_password("models-password-1")), "test")
    device = new_device_token("demo")
    center.execute(AddDevice("kiosk-models", "kiosk", token_hash(device)), "test")
    client = app.test_client()
    login = client.post("/api/v1/auth/token",
                        json={"username": " models ", "password": "models-password-1"})
    assert login.status_code == 200, login.get_json()
    assert answers.Token.model_validate(login.get_json()).username == "models"
    token = {"Authorization": f"Bearer {login.get_json()['token']}"}
    health = client.post("/api/v1/devices/health", json={"message": "ok", "printer": None},
                         headers={"Authorization": f"Bearer {device}"})
    assert health.status_code == 200, health.get_json()
    assert answers.HealthRecorded.model_validate(health.get_json()).device == "kiosk-models"
    signed_in = client.post("/api/v1/windows/1/sign-in", headers=token)
    assert signed_in.status_code == 200, signed_in.get_json()
    assert answers.WindowAction.model_validate(signed_in.get_json()).window.id == 1
    # a user is no device: the health report is refused by role, before its body
    refused = client.post("/api/v1/devices/health", json={"zz": 1}, headers=token)
    assert refused.status_code == 403
