"""No HTTP in the domain: a domain error carries a kind (not_found, conflict,
forbidden, invalid), and the web layer maps kinds to HTTP statuses in one place
(hub/web/api.py `http_status`). The REST answers keep their codes and statuses."""

from __future__ import annotations

import ast
from pathlib import Path

import hub.domain
from hub.domain import errors
from hub.domain.errors import DomainError
from hub.web.api import http_status

# Every domain error's code and the HTTP status REST answered with it before the
# kinds (commit c9de448, when the domain named the statuses itself): unchanged.
BEFORE = {
    "account_exists": 409, "already_closed": 409, "already_rated": 409,
    "appointment_already_checked_in": 409, "appointment_cancelled": 409,
    "appointment_missed": 409, "appointment_not_changeable": 409,
    "appointment_not_today": 409, "appointment_too_early": 409, "booking_blocked": 403,
    "booking_limit_reached": 409, "case_closed": 409, "center_not_configured": 409,
    "clerk_signed_in_elsewhere": 409, "code_expired": 422, "daily_cap_reached": 409,
    "in_use": 409, "invalid_account": 422, "invalid_case": 422, "invalid_channel": 422,
    "invalid_day": 422, "invalid_field": 422, "invalid_phone": 422, "invalid_rating": 422,
    "invalid_reason": 422, "invalid_slot": 422, "invalid_transfer": 422,
    "missing_field": 422, "not_answered": 409, "not_case_holder": 403,
    "not_closing_time": 409, "not_rated_here": 403, "not_signed_in": 403,
    "nothing_to_sample": 409, "notice_already_given": 409, "notification_claimed": 409,
    "service_closed": 409, "service_not_served": 409, "slot_full": 409,
    "stage_not_allowed": 409, "ticket_not_called": 409, "ticket_not_done": 409,
    "ticket_not_no_show": 409, "ticket_not_serving": 409, "ticket_not_suspended": 409,
    "ticket_not_waiting": 409, "transfer_to_same_place": 409, "unknown_account": 404,
    "unknown_appointment": 404, "unknown_block": 404, "unknown_case": 404,
    "unknown_complaint": 404, "unknown_follow_up": 404, "unknown_notification": 404,
    "unknown_priority": 422, "unknown_sample": 404, "unknown_service": 404,
    "unknown_ticket": 404, "unknown_window": 404, "window_busy": 409, "window_closed": 409,
    "window_idle": 409, "window_not_paused": 409, "window_paused": 409,
    "window_taken": 409, "wrong_code": 422,
}


def _every_error() -> list[type[DomainError]]:
    found: list[type[DomainError]] = []
    todo = list(DomainError.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_domain_error_has_a_kind_and_keeps_its_rest_status() -> None:
    answered = {}
    for cls in _every_error():
        error = cls("x")
        assert error.kind in errors.KINDS, cls
        answered[error.code] = http_status(error)
    assert answered == BEFORE


def test_the_domain_names_no_http_status() -> None:
    """No `status` on domain errors, and no 4xx number where an error is made."""
    assert not any(hasattr(cls, "status") for cls in _every_error())
    for path in Path(hub.domain.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in (400, 401, 403, 404, 409, 422):
                raise AssertionError(f"{path.name}:{node.lineno}: an HTTP status in the domain")
