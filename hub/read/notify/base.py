"""The sender protocol, the message it sends, and choosing a sender from the settings."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from hub.settings import Settings, SettingsError

SENDERS = ("log", "webhook", "sms")


class DeliveryError(Exception):
    """The notification was not delivered (the receiver is down, refused it, …)."""


@dataclass(frozen=True)
class Message:
    id: str  # the notification's id: receivers de-duplicate by it
    kind: str
    phone: str = field(repr=False)
    template: str
    params: dict[str, str] = field(repr=False)


class Sender(Protocol):
    name: str

    def send(self, message: Message) -> str:
        """Deliver `message`; a short outcome, or DeliveryError."""
        ...


def json_bytes(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def post_json(url: str, data: bytes, headers: dict[str, str],
              timeout: float) -> tuple[int, bytes]:
    """POST JSON `data`; (status, response body), or DeliveryError when unreachable."""
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(64 * 1024)
    except urllib.error.HTTPError as error:
        return error.code, error.read(4096) if error.fp else b""
    except (OSError, ValueError) as error:  # refused, timed out, bad URL
        raise DeliveryError(f"unreachable: {error}") from None


def read_secret(settings: Settings) -> str:
    """The signing secret: from JIAOHAO_NOTIFY_SECRET (settings) or a key file; never
    from the journal."""
    if settings.notify_secret:
        return settings.notify_secret
    if settings.notify_secret_file:
        try:
            return Path(settings.notify_secret_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise SettingsError(f"notify_secret_file: {error}") from None
    return ""
