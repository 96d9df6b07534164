"""Senders of notifications, behind one protocol (the outbox's edge).

`Sender.send(message)` delivers one notification or raises `DeliveryError`; it
returns a short outcome for the journal. Every sender passes the notification's id
on, so a receiver can de-duplicate a notification sent twice (after a crash between
sending and recording it). The sending worker lives in hub/web/outbox.py.
"""

from hub.read.notify.base import DeliveryError, Message, Sender
from hub.read.notify.choose import make_sender
from hub.read.notify.log import LogSender
from hub.read.notify.sms import PROVIDERS, SmsGatewaySender
from hub.read.notify.webhook import WebhookSender, signature

__all__ = [
    "PROVIDERS",
    "DeliveryError",
    "LogSender",
    "Message",
    "Sender",
    "SmsGatewaySender",
    "WebhookSender",
    "make_sender",
    "signature",
]
