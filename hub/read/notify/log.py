"""LogSender: the default (and the demo's): writes each notification to the hub's log,
the phone masked and the parameters left out (a one-time code is one of them) — unless
`show_params` (the demo's fake phones: so a visitor can read the code it texted)."""

from __future__ import annotations

import logging

from hub.read.notify.base import Message
from hub.read.views import mask_phone

log = logging.getLogger("hub.read.notify")


class LogSender:
    name = "log"

    def __init__(self, show_params: bool = False) -> None:
        self.sent: list[str] = []  # ids, in order (for tests and the demo)
        self.show_params = show_params

    def send(self, message: Message) -> str:
        shown = f" {message.params}" if self.show_params else ""
        log.info("notification %s %s to %s (template %s)%s", message.id[:6], message.kind,
                 mask_phone(message.phone), message.template, shown)
        self.sent.append(message.id)
        return "logged"
