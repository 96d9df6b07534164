"""The senders under one contract (like tests/store/ for the stores). Adding a sender
is one entry in SENDERS: how to build it against the fake gateway, and how to read
what its receiver de-duplicated."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from hub.read.notify import LogSender, Sender, SmsGatewaySender, WebhookSender
from tests.fakes.fake_gateway import FakeGateway


@dataclass
class Harness:
    sender: Sender
    delivered: Callable[[], list[str]]  # ids in the receiver's de-duplicated log
    gateway: FakeGateway | None  # None: nothing remote that could be down


def _log_harness(gateway: FakeGateway, caplog: pytest.LogCaptureFixture) -> Harness:
    sender = LogSender()
    caplog.set_level(logging.INFO, logger="hub.read.notify")
    return Harness(sender, lambda: list(dict.fromkeys(sender.sent)), None)


def _http(kind: str) -> Callable[[FakeGateway, pytest.LogCaptureFixture], Harness]:
    def build(gateway: FakeGateway, caplog: pytest.LogCaptureFixture) -> Harness:
        sender: Sender
        if kind == "webhook":
            sender = WebhookSender(gateway.url, gateway.secret, timeout=2)
        else:
            provider = kind.split(":", 1)[1]
            if provider == "tencent":
                gateway.answer = {"Response": {"SendStatusSet": [{"Code": "Ok"}]}}
            sender = SmsGatewaySender(gateway.url, gateway.secret, provider=provider,
                                      sign_name="便民中心", app_id="1400000000", timeout=2)
        return Harness(sender, lambda: list(gateway.delivered()), gateway)

    return build


SENDERS = {
    "log": _log_harness,
    "webhook": _http("webhook"),
    "sms-generic": _http("sms:generic"),
    "sms-aliyun": _http("sms:aliyun"),
    "sms-tencent": _http("sms:tencent"),
}


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture(params=sorted(SENDERS))
def harness(request: pytest.FixtureRequest, gateway: FakeGateway,
            caplog: pytest.LogCaptureFixture) -> Harness:
    return SENDERS[request.param](gateway, caplog)
