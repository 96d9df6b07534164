"""REST of the outbox: one-time check-in codes at the kiosk, and the managers' list of
recent notifications. Translators only: the rules are in hub/domain/notify.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from hub.domain import notify
from hub.domain.state import Notification
from hub.read import views
from hub.store.auth import MANAGERS
from hub.store.limits import RateLimiter, counter_for
from hub.web.api import body, center_for, execute, hub, no_store, require
from hub.web.codes import hash_code, new_code, seal
from hub.web.validation import ApiError, Field

api_notify = Blueprint("api_notify", __name__, url_prefix="/api/v1")

# The one answer, whether or not the number has an appointment today.
CODE_SENT = {
    "zh": "如果这个号码今天有预约，验证码已通过短信发送，请查收。",
    "en": "If this number has an appointment today, a code was sent to it.",
}


CODE_BODY = {"phone": Field(str, required=True, max_length=20, pattern=r"[0-9+ -]{7,20}")}


def _limit() -> RateLimiter:
    """Codes asked per kiosk and per phone an hour, counted for every hub process
    (in Redis when they share one: hub/store/limits.py)."""
    limit: RateLimiter | None = current_app.extensions.get("jiaohao.code_limit")
    if limit is None:
        limit = counter_for(hub().settings, hub().store, "checkin_code",
                            hub().settings.checkin_codes_per_hour, 3600)
        current_app.extensions["jiaohao.code_limit"] = limit
    return limit


@api_notify.post("/checkin/code")
def request_code() -> Any:
    """A kiosk asks for a one-time check-in code for a phone number. The answer never
    tells whether the number has an appointment; a code goes out only if it has."""
    data = body(CODE_BODY)
    who = require("kiosk")
    digits = notify.phone_digits(data["phone"])
    if not 7 <= len(digits) <= 15:
        raise ApiError(422, "invalid_phone", "phone number is not valid", "phone")
    if not (_limit().allow(f"device:{who.name}") and _limit().allow(f"phone:{digits}")):
        raise ApiError(429, "rate_limited", "请稍后再试 (too many codes asked; please wait)")
    center = center_for(who)
    secret = hub().run(hub().key)
    code = new_code()
    execute(center, notify.RequestCheckInCode(digits, hash_code(secret, digits, code),
                                              seal(secret, code)), who.name)
    return no_store(jsonify({"sent": True, "message": CODE_SENT,
                             "expires_minutes": center.state.config.notify.code_minutes}))  # type: ignore[union-attr]


def notification_view(n: Notification) -> dict[str, Any]:
    """A notification as a manager sees it: the phone masked, a code never shown."""
    return {
        "id": n.id, "kind": n.kind, "phone": views.mask_phone(n.phone),
        "template": n.template, "status": n.status, "attempts": n.attempts,
        "outcome": n.outcome, "queued_at": n.queued_at.isoformat(),
        "done_at": n.done_at.isoformat() if n.done_at else None,
        "retry_at": n.retry_at.isoformat() if n.retry_at else None,
        "params": {k: v for k, v in n.params.items()
                   if k != "code" or n.kind not in ("checkin_code", "booking_verify")},
    }


@api_notify.get("/notifications")
def notifications() -> Any:
    """Recent notifications of the center, newest first: pending, then finished."""
    who = require(*MANAGERS)
    center = center_for(who)

    def read(state: Any) -> dict[str, Any]:
        pending = sorted(state.outbox.pending.values(), key=lambda n: n.queued_at,
                         reverse=True)
        return {"seq": state.seq,
                "pending": [notification_view(n) for n in pending],
                "finished": [notification_view(n) for n in state.outbox.finished]}

    return no_store(jsonify(center.read(read)))
