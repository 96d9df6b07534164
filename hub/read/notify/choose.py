"""Choosing the sender the settings name: the one place that knows every sender."""

from __future__ import annotations

from hub.read.notify.base import SENDERS, Sender, read_secret
from hub.read.notify.log import LogSender
from hub.read.notify.sms import PROVIDERS, SmsGatewaySender
from hub.read.notify.webhook import WebhookSender
from hub.settings import Settings, SettingsError


def make_sender(settings: Settings) -> Sender:
    """The sender the settings name (log by default)."""
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
