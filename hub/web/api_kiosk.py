"""REST for the kiosk and the phone page: center facts, a ticket's QR code, device health.

Translators only, like `hub.web.api`: they read the center's configuration and
state and the hub's in-memory device health; no queue rule lives here.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, jsonify

from hub.read import views
from hub.store.auth import MANAGERS
from hub.web.api import center_for, hub, no_store, principal, require, track_url
from hub.web.validation import ApiError

api_kiosk = Blueprint("api_kiosk", __name__, url_prefix="/api/v1")


@api_kiosk.get("/kiosk")
def kiosk_info() -> Any:
    """What a kiosk shows besides the services (政务公开): the center's name, its
    complaint phone, the priority classes a citizen may choose, the appointment
    slots, opening hours and the hub's clock (the kiosk shows the hub's time)."""
    center = center_for(principal())
    config = center.state.config
    assert config is not None
    now = center.clock()
    return no_store(jsonify({
        "center": config.id,
        "center_name": config.name.to_dict(),
        "complaint_phone": config.complaint_phone,
        "promises": list(config.promises),
        "priority_classes": [
            {"id": p.id, "name": p.name.to_dict()} for p in config.priority_classes
        ],
        "appointment_slots": [
            f"{start:%H:%M}-{end:%H:%M}" for start, end in config.appointment_slots
        ],
        "hours": [f"{start:%H:%M}-{end:%H:%M}" for start, end in config.hours.spans],
        "now": now.astimezone(config.tz).isoformat(),
        "business_day": now.astimezone(config.tz).date().isoformat(),
    }))


@api_kiosk.get("/tickets/<ticket_id>/qr.svg")
def ticket_qr(ticket_id: str) -> Any:
    """The QR code of a ticket's phone page, as SVG (the kiosk screen shows it).

    Like GET /tickets/<id>: whoever holds today's ticket id may have it."""
    import qrcode
    import qrcode.image.svg

    center = center_for(principal())

    def known(state: Any) -> bool:
        return ticket_id in state.tickets and views.is_today(state, state.config, center.clock())

    if not center.read(known):
        raise ApiError(404, "unknown_ticket", "no such ticket today", "ticket")
    image = qrcode.make(track_url(center, ticket_id), image_factory=qrcode.image.svg.SvgPathImage,
                        border=2, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@api_kiosk.get("/devices")
def devices() -> Any:
    """Each device's health, part by part, of the caller's center (managers)."""
    who = require(*MANAGERS)
    center = center_for(who)
    found = [
        {"device": health.device, "role": health.role, "at": health.at.isoformat(),
         "report": health.report,
         "parts_at": {part: at.isoformat() for part, at in sorted(health.parts_at.items())}}
        for (center_id, _name), health in sorted(hub().health.items())
        if center_id == center.id
    ]
    return no_store(jsonify({"devices": found}))
