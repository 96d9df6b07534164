"""The hub's error answer: `{error, message, field}`.

Request bodies are checked by the catalogue's pydantic models (hub/web/schema.py,
hub/web/catalogue.py); what they find, and every other refusal, is an `ApiError`."""

from __future__ import annotations

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
