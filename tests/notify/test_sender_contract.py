"""The sender contract, run against every sender (see SENDERS in conftest.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.read.notify import DeliveryError, Message, SmsGatewaySender, WebhookSender
from hub.read.notify.webhook import signature
from tests.fakes.fake_gateway import FakeGateway
from tests.notify.conftest import Harness

PHONE = "13800138000"


def message(notification: str = "n-0001", **params: str) -> Message:
    return Message(notification, "booking_code", PHONE, "SMS_100001",
                   params or {"code": "123456", "day": "2025-10-15", "time": "10:00"})


def test_a_sent_message_reaches_its_receiver_with_its_id(harness: Harness) -> None:
    outcome = harness.sender.send(message("n-0001"))
    assert isinstance(outcome, str) and outcome
    assert harness.delivered() == ["n-0001"]


def test_the_same_id_sent_twice_is_delivered_once(harness: Harness) -> None:
    harness.sender.send(message("n-0001"))
    harness.sender.send(message("n-0001"))
    harness.sender.send(message("n-0002"))
    assert harness.delivered() == ["n-0001", "n-0002"]


def test_an_unreachable_receiver_is_a_delivery_error(harness: Harness) -> None:
    if harness.gateway is None:
        pytest.skip("the log is never unreachable")
    harness.gateway.down()
    with pytest.raises(DeliveryError):
        harness.sender.send(message("n-0001"))
    harness.gateway.up()
    harness.sender.send(message("n-0001"))
    assert harness.delivered() == ["n-0001"]


def test_a_refusing_receiver_is_a_delivery_error(harness: Harness) -> None:
    if harness.gateway is None:
        pytest.skip("the log never refuses")
    harness.gateway.failing(1)
    with pytest.raises(DeliveryError, match="503"):
        harness.sender.send(message("n-0001"))
    assert harness.delivered() == []


def test_the_log_sender_masks_the_phone_and_leaves_out_the_parameters(
        caplog: pytest.LogCaptureFixture) -> None:
    from hub.read.notify import LogSender

    caplog.set_level("INFO", logger="hub.read.notify")
    LogSender().send(message("n-0001", code="987654"))
    text = caplog.text
    assert "138****8000" in text and PHONE not in text and "987654" not in text


# --------------------------------------------------------------------------- the wire forms


def test_requests_are_signed_with_the_secret(gateway: FakeGateway) -> None:
    with pytest.raises(DeliveryError, match="401"):
        WebhookSender(gateway.url, "not the gateway's secret").send(message("n-0001"))
    assert gateway.delivered() == {}
    body = b'{"a":1}'
    assert signature("s", "100", body) != signature("s", "101", body)  # the time is signed


def test_provider_presets_shape_the_request(gateway: FakeGateway) -> None:
    msg = message("n-0001", code="123456", day="2025-10-15")
    aliyun = SmsGatewaySender(gateway.url, gateway.secret, provider="aliyun",
                              sign_name="便民中心").body(msg)
    assert aliyun == {"PhoneNumbers": PHONE, "SignName": "便民中心",
                      "TemplateCode": "SMS_100001", "OutId": "n-0001",
                      "TemplateParam": '{"code":"123456","day":"2025-10-15"}'}
    tencent = SmsGatewaySender(gateway.url, gateway.secret, provider="tencent",
                               sign_name="便民中心", app_id="1400").body(msg)
    assert tencent == {"PhoneNumberSet": ["+8613800138000"], "SmsSdkAppId": "1400",
                       "SignName": "便民中心", "TemplateId": "SMS_100001",
                       "TemplateParamSet": ["123456", "2025-10-15"],
                       "SessionContext": "n-0001"}
    generic = SmsGatewaySender(gateway.url, gateway.secret).body(msg)
    assert generic["params"] == {"code": "123456", "day": "2025-10-15"}
    assert json.loads(json.dumps(generic, ensure_ascii=False)) == generic


def test_a_provider_answer_that_is_not_ok_is_a_delivery_error(gateway: FakeGateway) -> None:
    gateway.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL"}
    sender = SmsGatewaySender(gateway.url, gateway.secret, provider="aliyun")
    with pytest.raises(DeliveryError, match="refused"):
        sender.send(message("n-0001"))


def test_the_sender_comes_from_the_settings(tmp_path: Any) -> None:
    from hub.read.notify import LogSender, make_sender
    from hub.settings import SettingsError, load_settings

    def settings(**values: Any) -> Any:
        return load_settings(None, environ={}, **values)

    assert isinstance(make_sender(settings()), LogSender)
    with pytest.raises(SettingsError, match="notify_sender"):
        make_sender(settings(notify_sender="pigeon"))
    with pytest.raises(SettingsError, match="notify_url"):
        make_sender(settings(notify_sender="sms"))
    with pytest.raises(SettingsError, match="SECRET"):
        make_sender(settings(notify_sender="webhook", notify_url="http://127.0.0.1:9/"))
    key = tmp_path / "notify.key"
    key.write_text("from-a-file\n")
    sender = make_sender(settings(notify_sender="sms", notify_url="http://127.0.0.1:9/",
                                  notify_secret_file=str(key), notify_sms_provider="aliyun"))
    assert isinstance(sender, SmsGatewaySender) and sender.secret == "from-a-file"
    assert "from-a-file" not in repr(settings(notify_secret="from-a-file"))
