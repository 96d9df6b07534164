"""Checking input from the network at the boundary, naming what is wrong."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class ApiError(Exception):
    """An error answer: HTTP status, stable code, human message, offending field."""

    def __init__(
        self, status: int, code: str, message: str, field: str | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        body.update({k: v for k, v in self.extra.items() if v is not None})
        return body


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = False
    choices: tuple[Any, ...] | None = None
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    items: type | None = None
    item_choices: tuple[Any, ...] | None = None

    def check(self, name: str, value: Any) -> Any:
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        if value is None and not self.required:
            return None
        if isinstance(value, bool) and bool not in kinds:
            raise invalid(name, f"{name} must be {_kind_name(kinds)}")
        if not isinstance(value, kinds):
            raise invalid(name, f"{name} must be {_kind_name(kinds)}")
        if isinstance(value, str):
            if len(value) > self.max_length:  # as sent, so the documented maxLength holds
                raise invalid(name, f"{name} is longer than {self.max_length} characters")
            value = value.strip()
            if self.required and not value:
                raise invalid(name, f"{name} must not be empty")
            if self.pattern and not re.fullmatch(self.pattern, value):
                raise invalid(name, f"{name} is not in the expected form")
        if isinstance(value, int) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise invalid(name, f"{name} must be at least {self.minimum}")
            if self.maximum is not None and value > self.maximum:
                raise invalid(name, f"{name} must be at most {self.maximum}")
        if isinstance(value, list):
            if len(value) > MAX_ITEMS:
                raise invalid(name, f"{name} has too many entries")
            if self.items is not None and not all(
                isinstance(item, self.items) and not isinstance(item, bool) for item in value
            ):
                raise invalid(name, f"{name} must list {_kind_name((self.items,))} values")
            if self.item_choices is not None and any(
                item not in self.item_choices for item in value
            ):
                raise invalid(name, f"{name} must be among {', '.join(self.item_choices)}")
        if self.choices is not None and value not in self.choices:
            raise invalid(name, f"{name} must be one of: {', '.join(map(str, self.choices))}")
        return value


    def json_schema(self) -> dict[str, Any]:
        """This rule as JSON Schema (the OpenAPI document is derived from it, so the
        documented constraints are the checked ones). Strings are checked after
        surrounding spaces are stripped; a field that is not required may be null."""
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        types = [_JSON_TYPES[kind] for kind in kinds]
        schema: dict[str, Any] = {}
        if str in kinds:
            schema["maxLength"] = self.max_length
            if self.required:
                schema["minLength"] = 1
                schema["pattern"] = r"\S"  # not blank: spaces alone are stripped to nothing
            if self.pattern:
                schema["pattern"] = f"^\\s*(?:{self.pattern})\\s*$"
        if int in kinds:
            if self.minimum is not None:
                schema["minimum"] = self.minimum
            if self.maximum is not None:
                schema["maximum"] = self.maximum
        if list in kinds:
            schema["maxItems"] = MAX_ITEMS
            if self.items is not None:
                item: dict[str, Any] = {"type": _JSON_TYPES[self.items]}
                if self.item_choices is not None:
                    item["enum"] = list(self.item_choices)
                schema["items"] = item
        if self.choices is not None:
            schema["enum"] = list(self.choices) + ([] if self.required else [None])
        if not self.required:
            types.append("null")
        schema["type"] = types[0] if len(types) == 1 else types
        return schema


MAX_ITEMS = 20
_JSON_TYPES = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "object",
               float: "number"}


def body_schema(schema: Mapping[str, Field]) -> dict[str, Any]:
    """The JSON Schema of a body checked by `check_body(body, schema)`."""
    found: dict[str, Any] = {
        "type": "object", "additionalProperties": False,
        "properties": {name: rule.json_schema() for name, rule in schema.items()},
    }
    required = [name for name, rule in schema.items() if rule.required]
    if required:
        found["required"] = required
    return found


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", bool: "true or false", list: "a list",
             dict: "an object", float: "a number"}
    return " or ".join(names.get(kind, kind.__name__) for kind in kinds)


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid_field", message, field)


def check_body(body: Any, schema: Mapping[str, Field]) -> dict[str, Any]:
    """The body, checked against `schema`: no unknown fields, right types, required present."""
    if not isinstance(body, dict):  # JSON null, a list, a string…: no object, no fields
        raise ApiError(400, "invalid_body", "the body must be a JSON object")
    unknown = sorted(set(body) - set(schema))
    if unknown:
        raise ApiError(422, "unknown_field", f"unknown field {unknown[0]!r}", unknown[0])
    checked: dict[str, Any] = {}
    for name, rule in schema.items():
        if name not in body:
            if rule.required:
                raise ApiError(422, "missing_field", f"{name} is required", name)
            continue
        checked[name] = rule.check(name, body[name])
    return checked
