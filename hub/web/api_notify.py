"""REST of the outbox: the managers' list of recent notifications (the kiosk's one-time
check-in code is a command of the catalogue, hub/web/catalogue.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from hub.domain.state import Notification
from hub.read import views
from hub.store.auth import MANAGERS
from hub.web.api import center_for, no_store, require

api_notify = Blueprint("api_notify", __name__, url_prefix="/api/v1")


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
