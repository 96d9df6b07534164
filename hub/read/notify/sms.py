"""SmsGatewaySender: an SMS through an HTTP gateway, in the shape of the common
Chinese providers' APIs (template code + JSON parameters + sign name).

A provider preset is data (`PROVIDERS`): which body field carries the phone, the
sign name, the template, the parameters (as a JSON object, a JSON string, or a
list of values), our id, and how an answer says "accepted". `generic` is a plain
JSON form for an in-house gateway or a relay.

What is *not* done here: the providers' own request signing (Aliyun's POP
signature, Tencent Cloud's TC3-HMAC-SHA256) and their endpoints' query
conventions. Every request carries `X-Jiaohao-Id` and an HMAC-SHA256 signature of
the body with the configured secret (as the webhook does); a center talking to a
provider directly puts a small relay in front that re-signs, or a preset gains
its signer. No provider is ever called in tests: a local fake gateway is.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from hub.read.notify.base import DeliveryError, Message, json_bytes, post_json
from hub.read.notify.webhook import signature


@dataclass(frozen=True)
class Provider:
    phone: str  # field of the phone number
    sign: str  # field of the sign name (短信签名)
    template: str  # field of the template code (模板 ID)
    params: str  # field of the template parameters
    params_as: str  # "object" | "json_string" | "values"
    id: str  # field that carries our notification id back (OutId, SessionContext)
    phone_as: str = "plain"  # "plain" | "list_e164" (["+8613800138000"])
    app: str = ""  # field of the application id, when the provider has one
    ok_path: tuple[str | int, ...] = ()  # where the answer's status code is
    ok_value: str = ""  # … and the value that means accepted ("" = any 2xx)


PROVIDERS: dict[str, Provider] = {
    "generic": Provider(phone="phone", sign="sign", template="template", params="params",
                        params_as="object", id="id"),
    # Aliyun SMS SendSms: PhoneNumbers, SignName, TemplateCode, TemplateParam (a JSON
    # string), OutId; answers {"Code": "OK", ...}.
    "aliyun": Provider(phone="PhoneNumbers", sign="SignName", template="TemplateCode",
                       params="TemplateParam", params_as="json_string", id="OutId",
                       ok_path=("Code",), ok_value="OK"),
    # Tencent Cloud SMS SendSms: PhoneNumberSet (E.164), SmsSdkAppId, SignName,
    # TemplateId, TemplateParamSet (values in the template's order), SessionContext;
    # answers {"Response": {"SendStatusSet": [{"Code": "Ok", ...}]}}.
    "tencent": Provider(phone="PhoneNumberSet", sign="SignName", template="TemplateId",
                        params="TemplateParamSet", params_as="values", id="SessionContext",
                        phone_as="list_e164", app="SmsSdkAppId",
                        ok_path=("Response", "SendStatusSet", 0, "Code"), ok_value="Ok"),
}


def _dig(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


class SmsGatewaySender:
    name = "sms"

    def __init__(self, url: str, secret: str, *, provider: str = "generic",
                 sign_name: str = "", app_id: str = "", timeout: float = 5.0) -> None:
        self.url = url
        self.secret = secret
        self.preset = PROVIDERS[provider]
        self.provider = provider
        self.sign_name = sign_name
        self.app_id = app_id
        self.timeout = timeout

    def body(self, message: Message) -> dict[str, Any]:
        """The request body for `message` in the provider's shape."""
        p = self.preset
        params: Any = message.params
        if p.params_as == "json_string":
            params = json.dumps(message.params, ensure_ascii=False, separators=(",", ":"))
        elif p.params_as == "values":
            params = list(message.params.values())
        phone: Any = message.phone
        if p.phone_as == "list_e164":
            phone = [message.phone if message.phone.startswith("+") else "+86" + message.phone]
        body: dict[str, Any] = {p.phone: phone, p.sign: self.sign_name,
                                p.template: message.template, p.params: params,
                                p.id: message.id}
        if p.app:
            body[p.app] = self.app_id
        return body

    def send(self, message: Message) -> str:
        raw = json_bytes(self.body(message))
        timestamp = str(int(time.time()))
        status, answer = post_json(self.url, raw, {
            "X-Jiaohao-Id": message.id, "X-Jiaohao-Timestamp": timestamp,
            "X-Jiaohao-Signature": signature(self.secret, timestamp, raw)}, self.timeout)
        text = answer[:160].decode("utf-8", "replace")
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status}: {text}")
        if self.preset.ok_path:
            try:
                code = _dig(json.loads(answer or b"null"), self.preset.ok_path)
            except ValueError:
                code = None
            if code != self.preset.ok_value:
                raise DeliveryError(f"{self.provider} refused: {text}")
        return f"HTTP {status}"
