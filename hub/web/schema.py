"""Input schemas with pydantic v2, and their errors as the hub's `{error, message, field}`.

Every model forbids unknown keys and is strict (a "3" is no number, a 1 no string).
Strings keep the rules the hub has always applied: the length is checked as sent,
surrounding spaces are stripped, a required string must not be blank, a pattern is
matched against the stripped text. `first_error` turns pydantic's error list into
one answer naming the field by its path (`services.2.prefix`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic import ValidationError as ValidationError
from pydantic_core import PydanticCustomError, core_schema

MAX_ITEMS = 20


class Input(BaseModel):
    """A request body, a message or a settings table: unknown keys are refused,
    types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@dataclass(frozen=True)
class Text:
    """A string rule, used as `Annotated[str, Text(40, required=True)]`."""

    max_length: int = 200
    required: bool = False
    pattern: str | None = None
    choices: tuple[str, ...] | None = None

    def clean(self, value: str) -> str:
        if self.choices is not None and value not in self.choices:  # as sent, as documented
            raise PydanticCustomError("choice", "must be one of: {choices}",
                                      {"choices": ", ".join(self.choices)})
        value = value.strip()
        if self.required and not value:
            raise PydanticCustomError("blank", "must not be empty")
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise PydanticCustomError("form", "is not in the expected form")
        return value

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self.clean, core_schema.str_schema(max_length=self.max_length, strict=True))

    def __get_pydantic_json_schema__(self, schema: Any,
                                     handler: GetJsonSchemaHandler) -> dict[str, Any]:
        """What a client may send: spaces around the text are allowed (stripped)."""
        found: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        if self.required:
            found["minLength"] = 1
            found["pattern"] = r"\S"  # not blank: spaces alone are stripped to nothing
        if self.pattern:
            found["pattern"] = f"^\\s*(?:{self.pattern})\\s*$"
        if self.choices is not None:
            found["enum"] = list(self.choices)
        return found


# What each pydantic error type says, after the field's name.
_PHRASES: dict[str, Callable[[dict[str, Any]], str]] = {
    "string_type": lambda c: "must be a string",
    "int_type": lambda c: "must be a whole number",
    "bool_type": lambda c: "must be true or false",
    "float_type": lambda c: "must be a number",
    "list_type": lambda c: "must be a list",
    "dict_type": lambda c: "must be an object",
    "model_type": lambda c: "must be an object",
    "model_attributes_type": lambda c: "must be an object",
    "string_too_long": lambda c: f"is longer than {c['max_length']} characters",
    "string_too_short": lambda c: f"is shorter than {c['min_length']} characters",
    "too_long": lambda c: "has too many entries",
    "too_short": lambda c: "has too few entries",
    "greater_than_equal": lambda c: f"must be at least {c['ge']}",
    "greater_than": lambda c: f"must be more than {c['gt']}",
    "less_than_equal": lambda c: f"must be at most {c['le']}",
    "less_than": lambda c: f"must be less than {c['lt']}",
    "literal_error": lambda c: f"must be one of: {c['expected']}".replace("'", ""),
    "enum": lambda c: f"must be one of: {c['expected']}".replace("'", ""),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: `code` is missing_field, unknown_field or
    invalid_field; `field` the dotted path."""

    code: str
    field: str
    message: str


def path_of(loc: Sequence[int | str], *, keep_last_index: bool = False) -> str:
    """('services', 2, 'prefix') -> 'services.2.prefix'. A trailing list index is
    dropped unless asked (an entry of `aspects` is reported as `aspects`)."""
    parts = list(loc)
    while parts and isinstance(parts[-1], int) and not keep_last_index:
        parts.pop()
    return ".".join(str(p) for p in parts)


def problems(error: ValidationError, *, keep_last_index: bool = False) -> list[Problem]:
    """Every error of a failed validation, unknown keys first (sorted), then in the
    order of the model's fields."""
    found: list[Problem] = []
    unknown: list[Problem] = []
    for item in error.errors(include_url=False):
        field = path_of(item["loc"], keep_last_index=keep_last_index)
        kind = item["type"]
        if kind == "extra_forbidden":
            name = str(item["loc"][-1])
            unknown.append(Problem("unknown_field", field, f"unknown field {name!r}"))
        elif kind == "missing":
            found.append(Problem("missing_field", field, f"{field} is required"))
        else:
            phrase = _PHRASES.get(kind)
            text = phrase(item.get("ctx") or {}) if phrase else item["msg"]
            found.append(Problem("invalid_field", field, f"{field} {text}"))
    return sorted(unknown, key=lambda p: p.field) + found


def first_error(error: ValidationError) -> Problem:
    return problems(error)[0]
