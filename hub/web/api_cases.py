"""REST of cases (办件) and 一次性告知, under /api/v1.

Staff read cases here; opening, moving and handing them, the notice of missing
materials and the citizen's look-up by number and phone (POST, so the phone is never
in a URL or an access log) are commands of the catalogue (hub/web/catalogue.py).
Translators only: the rules are in hub/domain/cases.py, the read models in
hub/read/case_views.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request

from hub.center import Center
from hub.domain import cases as cs
from hub.domain.state import CenterState
from hub.read import case_views
from hub.store.auth import STAFF, Principal
from hub.web.api import center_for, no_store, require
from hub.web.validation import ApiError

api_cases = Blueprint("api_cases", __name__, url_prefix="/api/v1")


def _staff() -> tuple[Principal, Center]:
    who = require(*STAFF)
    return who, center_for(who)


def _read(center: Center, function: Callable[[CenterState, Any], Any]) -> Response:
    now = center.clock()
    return no_store(jsonify(center.read(lambda state: function(state, now))))


def _case_or_404(state: CenterState, reference: str) -> cs.Case:
    found = cs.find_case(state, reference)
    if found is None:
        raise ApiError(404, "unknown_case", f"no case {reference!r}", "case")
    return found


@api_cases.get("/cases")
def list_cases() -> Any:
    """Cases by `show` (open, due_soon, overdue, mine, done, all), with the services'
    case settings and the staff a case may be handed to."""
    who, center = _staff()
    show = request.args.get("show", "open")
    if show not in case_views.SHOWS:
        raise ApiError(422, "invalid_field", f"show must be one of {', '.join(case_views.SHOWS)}",
                       "show")
    return _read(center, lambda state, now: case_views.case_list(state, show, who.name, now))


@api_cases.get("/cases/<case>")
def get_case(case: str) -> Any:
    _, center = _staff()
    return _read(center, lambda state, now: case_views.case_view(
        state, _case_or_404(state, case), now))
