"""WebhookSender: POSTs each notification as JSON to a URL, signed.

Headers: `X-Jiaohao-Id` (the notification's id: the receiver de-duplicates by it),
`X-Jiaohao-Timestamp` (unix seconds) and `X-Jiaohao-Signature`:
`sha256=` + hex HMAC-SHA256(secret, timestamp + "." + body). A receiver checks the
signature and refuses old timestamps (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from hub.read.notify.base import DeliveryError, Message, json_bytes, post_json


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class WebhookSender:
    name = "webhook"

    def __init__(self, url: str, secret: str, timeout: float = 5.0) -> None:
        self.url = url
        self.secret = secret
        self.timeout = timeout

    def send(self, message: Message) -> str:
        body = {"id": message.id, "kind": message.kind, "to": message.phone,
                "template": message.template, "params": message.params}
        raw = json_bytes(body)
        timestamp = str(int(time.time()))
        status, answer = post_json(self.url, raw, {
            "X-Jiaohao-Id": message.id, "X-Jiaohao-Timestamp": timestamp,
            "X-Jiaohao-Signature": signature(self.secret, timestamp, raw)}, self.timeout)
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status}: {answer[:120].decode('utf-8', 'replace')}")
        return f"HTTP {status}"
