"""REST of cases (办件) and 一次性告知, under /api/v1.

Staff (clerks, managers, admins) open, move and hand cases and record the notice of
missing materials; the citizen looks a case up by its number and the phone given at
opening (POST, so the phone is never in a URL or an access log), rate-limited per
address and, for failed look-ups, per case number, with one answer for "no such
case" and "not this phone". Translators only:
the rules are in hub/domain/cases.py, the read models in hub/read/case_views.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from hub.center import Center
from hub.domain import cases as cs
from hub.domain.state import CenterState
from hub.read import case_views
from hub.store.auth import STAFF, Principal
from hub.store.limits import RateLimiter, counter_for
from hub.web.api import body, center_for, hub, no_store, principal, require
from hub.web.validation import ApiError, Field

api_cases = Blueprint("api_cases", __name__, url_prefix="/api/v1")

PHONE = Field(str, max_length=20, pattern=r"[0-9+ -]{7,20}")
CASE_NUMBER = r"[Cc][0-9]{4}-[0-9]{6}"
LOOKUP_BODY = {
    "number": Field(str, required=True, max_length=20, pattern=CASE_NUMBER),
    "phone": Field(str, required=True, max_length=20, pattern=r"[0-9+ -]{7,20}"),
}


# Look-ups: per address (a page refreshing now and then stays well below), and failed
# ones per case number. In-process counts: with several hub processes, per process.
LOOKUPS_PER_ADDRESS = (120, 600.0)
FAILED_LOOKUPS_PER_CASE = (10, 3600.0)


def _lookup_limits() -> tuple[RateLimiter, RateLimiter]:
    """Per address, and failed look-ups per case number; in Redis when hub processes
    share one, so a guesser spread over processes meets one count."""
    found: tuple[RateLimiter, RateLimiter] | None = current_app.extensions.get(
        "jiaohao.case_lookups")
    if found is None:
        settings, store = hub().settings, hub().store
        found = (counter_for(settings, store, "case_lookup", *LOOKUPS_PER_ADDRESS),
                 counter_for(settings, store, "case_lookup_failed", *FAILED_LOOKUPS_PER_CASE))
        current_app.extensions["jiaohao.case_lookups"] = found
    return found


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


@api_cases.post("/cases/lookup")
def lookup_case() -> Any:
    """The citizen's phone: a case by its number and the phone given at opening."""
    center = center_for(principal())  # anyone, or a device or user of this center
    by_address, by_case = _lookup_limits()
    if not by_address.allow(request.remote_addr or "?"):
        raise ApiError(429, "rate_limited", "查询过于频繁，请稍后再试 (too many look-ups; wait)")
    data = body(LOOKUP_BODY)

    def read(state: CenterState, now: Any) -> dict[str, Any] | None:
        found = cs.find_case(state, data["number"])
        if found is None or not cs.phone_matches(found, data["phone"]):
            return None
        return case_views.public_case(state, found, now)

    now = center.clock()
    answer = center.read(lambda state: read(state, now))
    if answer is None:
        if not by_case.allow(data["number"].upper()):  # someone guessing the phone of a case
            raise ApiError(429, "rate_limited", "查询过于频繁，请稍后再试 (too many look-ups)")
        raise ApiError(404, "unknown_case",
                       "没有找到这个办件，请核对办件编号和手机号 (no case matches)", "number")
    return no_store(jsonify(answer))
