"""The OpenAPI document is honest: every 2xx answer has a schema, and every request
body it documents is the one the route checks, with the same constraints.

Runs in-process (Flask test client, memory journal): a recorder around `checked`
sees which pydantic model each route really checks; the documented body must be
that model's schema, and JSON Schema must accept exactly what the model accepts for
a set of probe values at and past every limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import jsonschema_rs
import pytest
from flask.testing import FlaskClient

from hub.domain.accounts import AddDevice, SaveUser
from hub.settings import load_settings
from hub.store.auth import hash_password, new_device_token, token_hash
from hub.web import api as api_module
from hub.web.app import create_app
from hub.web.openapi import _model_schema as model_schema
from hub.web.openapi import openapi_document
from hub.web.schema import Input
from tools.process import DEMO_CONFIG

METHODS = ("get", "put", "post", "delete", "patch")


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        found: dict[str, Any] = document["components"]["schemas"][name]
        return found
    return schema


def test_every_2xx_answer_has_a_schema_for_each_media_type() -> None:
    document = openapi_document()
    for method, path, operation in operations(document):
        ok = [code for code in operation["responses"] if code.startswith("2")]
        assert ok, f"{method.upper()} {path}: no 2xx answer"
        for code in ok:
            content = operation["responses"][code].get("content")
            assert content, f"{method.upper()} {path} {code}: no content"
            for media_type, entry in content.items():
                schema = entry.get("schema")
                assert schema, f"{method.upper()} {path} {code} {media_type}: no schema"
                resolved = resolve(document, schema)
                assert resolved.get("type") or resolved.get("anyOf"), (path, media_type)
    export = document["paths"]["/api/v1/manage/reports/export"]["get"]["responses"]["200"]
    assert set(export["content"]) == {
        "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    qr = document["paths"]["/api/v1/tickets/{ticket_id}/qr.svg"]["get"]["responses"]["200"]
    assert set(qr["content"]) == {"image/svg+xml"}
    # the document's schemas are valid JSON Schema
    for name, schema in document["components"]["schemas"].items():
        jsonschema_rs.validator_for({**schema, "components": document["components"]})
        assert name


# ------------------------------------------------------------ the routes' own tables


@pytest.fixture(scope="module")
def client() -> Iterator[tuple[FlaskClient, dict[str, str]]]:
    settings = load_settings(None, environ={}, store="memory://", async_mode="threading",
                             centers=(DEMO_CONFIG,))
    app, _socketio, hub = create_app(settings)
    center = hub.center("demo")
    assert center is not None
    center.execute(SaveUser("boss", "admin", hash_password("boss-password-1")), actor="test")
    device = new_device_token("demo")
    center.execute(AddDevice("kiosk-t", "kiosk", token_hash(device)), actor="test")
    test_client = app.test_client()
    login = test_client.post("/api/v1/auth/token",
                             json={"username": "boss", "password": "boss-password-1"})
    assert login.status_code == 200, login.get_json()
    yield test_client, {"admin": login.get_json()["token"], "device": device}
    hub.store.close()


CONCRETE = {"window": "1", "ticket_id": "nope", "code": "000000", "sample": "nope", "seq": "1",
            "item": "nope", "name": "nope", "case": "C2026-000001", "block": "nope"}


def concrete_paths(path: str, operation: dict[str, Any]) -> list[str]:
    """The path with its parameters filled, once per value of an enum parameter."""
    paths = [path]
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "path":
            continue
        name = parameter["name"]
        values = parameter["schema"].get("enum") or [CONCRETE[name]]
        paths = [p.replace("{" + name + "}", str(v)) for p in paths for v in values]
    return paths


def test_each_documented_body_is_the_table_its_route_checks(
    client: tuple[FlaskClient, dict[str, str]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    test_client, tokens = client
    seen: list[Any] = []
    real_checked = api_module.checked

    def recording_model(model: type[Input]) -> Input:
        seen.append(model)
        return real_checked(model)

    monkeypatch.setattr(api_module, "checked", recording_model)
    document = openapi_document()
    checked = 0
    for method, path, operation in operations(document):
        documented = operation.get("requestBody")
        for url in concrete_paths(path, operation):
            seen.clear()
            token = tokens["device"] if url.endswith("/devices/health") else tokens["admin"]
            # A field no table has: every route that reads a body refuses it by name.
            answer = test_client.open(url, method=method.upper(), json={"zz_unknown": 1},
                                      headers={"Authorization": f"Bearer {token}"})
            if documented is None:
                assert not seen, f"{method.upper()} {url} checks a body it does not document"
                continue
            assert len(seen) == 1, f"{method.upper()} {url} documents a body it never reads"
            assert answer.status_code == 422, (url, answer.get_json())
            assert answer.get_json()["field"] == "zz_unknown"
            schema = documented["content"]["application/json"]["schema"]
            allowed = schema.get("anyOf", [schema])
            assert model_schema(seen[0]) in allowed, f"{method.upper()} {url}"
            required = bool(model_schema(seen[0]).get("required"))
            assert documented["required"] in (required, False) or len(allowed) > 1, url
            checked += 1
    assert checked >= 20


MODEL_PROBES: list[Any] = [
    None, True, False, 0, -1, 1, 5, 6, 999, 1000, 1.5, "", " ", "x", " x ", "²", "١٢٣٤٥٦٧",
    [], ["x"], [1], list(range(25)), {}, {"a": 1}, "0000", "123", "1" * 12, "13800138000",
    " 13800138000 ", "+86 138-0013-8000", "2026-11-27", "2026-11-27\n", "10:00",
    "kiosk", "fax", "服务效率", ["服务效率"], ["服务效率"] * 21, ["慢"],
    "123456", "1234567", "2026-1-27", "C2026-000123", "c2026-000123", " C2026-000123 ",
    "C2026-00012", "11010519491231002X", "11010519491231002x", "1101051949123100",
    "138 0013 8000", "+86-13800138000", "١٢٣٤-٠١-٠٢", "١٠:٠٠",
] + [c * n for c in ("x", " ", "长") for n in (6, 7, 8, 9, 12, 13, 20, 21, 40, 41, 200, 201)]


def test_json_schema_accepts_exactly_what_each_catalogue_model_accepts() -> None:
    """Each field of each catalogue input model against its documented JSON Schema:
    the same probe values pass both or neither."""
    from pydantic import ConfigDict, TypeAdapter

    from hub.web.catalogue import COMMANDS

    disagreements = []
    for model in dict.fromkeys(command.body for command in COMMANDS):
        documented = model_schema(model)
        for name, info in model.model_fields.items():
            kind: Any = info.annotation
            if info.metadata:
                kind = Annotated[(kind, *info.metadata)]  # type: ignore[valid-type]
            adapter: TypeAdapter[Any] = TypeAdapter(kind, config=ConfigDict(strict=True))
            validator = jsonschema_rs.validator_for(documented["properties"][name])
            for value in MODEL_PROBES:
                try:
                    adapter.validate_python(value)
                    accepted = True
                except ValueError:
                    accepted = False
                if validator.is_valid(value) != accepted:
                    disagreements.append(f"{model.__name__}.{name} = {value!r}: the model "
                                         f"{'accepts' if accepted else 'refuses'} it")
    assert not disagreements, "\n".join(disagreements[:40])


# What the fuzz found: each answered 500, or 200 to input the document calls invalid.
FOUND = [
    ("/api/v1/events?since=9223372036854775808", 422, "since"),
    ("/api/v1/events?limit=%C2%B2", 422, "limit"),  # ², a digit to str.isdigit()
    ("/api/v1/events?since=" + "9" * 4300, 422, "since"),
    ("/api/v1/manage/reports?from=20261126", 422, "from"),  # fromisoformat took it
    ("/api/v1/manage/reports?day=2026-W48-4", 422, "day"),
    ("/api/v1/manage/reports?month=2026-11&day=%C2%B1", 422, "day"),  # month hid it
    ("/api/v1/manage/reports/export?table=", 422, "table"),  # XLSX ignored it
    ("/api/v1/manage/audit?ticket=x&day=20261126", 422, "day"),
    ("/api/v1/manage/reports?to=", 200, None),  # empty is absent, as documented
]


@pytest.mark.parametrize(("url", "status", "field"), FOUND)
def test_what_the_fuzz_found_stays_fixed(client: tuple[FlaskClient, dict[str, str]], url: str,
                                         status: int, field: str | None) -> None:
    test_client, tokens = client
    answer = test_client.get(url, headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert answer.status_code == status, answer.get_json()
    if field:
        assert answer.get_json()["field"] == field
