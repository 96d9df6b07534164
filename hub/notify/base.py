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


def make_sender(settings: Settings) -> Sender:
    """The sender the settings name (log by default)."""
    from hub.notify.log import LogSender
    from hub.notify.sms import PROVIDERS, SmsGatewaySender
    from hub.notify.webhook import WebhookSender

    kind = settings.notify_sender
    if kind not in SENDERS:
        raise SettingsError(f"notify_sender must be one of {', '.join(SENDERS)}")
    if kind == "log":
        return LogSender(show_params=settings.notify_log_params)
    if not settings.notify_url.startswith(("http://", "https://")):
        raise SettingsError(f"notify_url: a {kind} sender needs an http(s) URL")
    secret = read_secret(settings)
    if not secret:
        raise SettingsError(f"a {kind} sender needs JIAOHAO_NOTIFY_SECRET or "
                            "notify_secret_file")
    if kind == "webhook":
        return WebhookSender(settings.notify_url, secret, settings.notify_timeout_seconds)
    if settings.notify_sms_provider not in PROVIDERS:
        raise SettingsError(f"notify_sms_provider must be one of {', '.join(PROVIDERS)}")
    return SmsGatewaySender(settings.notify_url, secret, provider=settings.notify_sms_provider,
                            sign_name=settings.notify_sms_sign, app_id=settings.notify_sms_app,
                            timeout=settings.notify_timeout_seconds)
