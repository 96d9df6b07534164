"""LogSender: the default (and the demo's): writes each notification to the hub's log,
the phone masked and the parameters left out (a one-time code is one of them)."""

from __future__ import annotations

import logging

from hub.notify.base import Message
from hub.views import mask_phone

log = logging.getLogger("hub.notify")


class LogSender:
    name = "log"

    def __init__(self) -> None:
        self.sent: list[str] = []  # ids, in order (for tests and the demo)

    def send(self, message: Message) -> str:
        log.info("notification %s %s to %s (template %s)", message.id[:6], message.kind,
                 mask_phone(message.phone), message.template)
        self.sent.append(message.id)
        return "logged"
