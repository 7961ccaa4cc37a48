"""SMS brandname through an HTTP gateway, behind a one-method adapter.

The provider is eSMS.vn (SendMultipleMessage_V4_post_json): it takes a `RequestId`
and refuses a second message with the same one, which is what lets us retry after a
time-out without ever sending twice; it sends customer-care brandname SMS (SmsType 2),
calls back with the delivery status, and is one of the common gateways of the
Vietnamese carriers. Another provider is one class with `send()` named in
DIGIWARD_SMS_GATEWAY.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from digiward.messaging.http import Refused, Transient, post


@dataclass(frozen=True)
class SmsSent:
    provider_id: str
    cost_vnd: int = 0


class SmsGateway(Protocol):
    def send(self, *, phone: str, text: str, request_id: str, callback_url: str) -> SmsSent: ...


def sms_configured() -> bool:
    return bool(settings.DIGIWARD_SMS_API_KEY and settings.DIGIWARD_SMS_API_URL)


def sms_gateway() -> SmsGateway:
    gateway: SmsGateway = import_string(str(settings.DIGIWARD_SMS_GATEWAY))()
    return gateway


# eSMS CodeResult values that mean "try again later" rather than "this will never go".
_ESMS_TRANSIENT = {"99"}


class EsmsGateway:
    """eSMS.vn: POST {url}/SendMultipleMessage_V4_post_json/ (JSON), CodeResult "100" = ok."""

    def send(self, *, phone: str, text: str, request_id: str, callback_url: str) -> SmsSent:
        answer = post(
            str(settings.DIGIWARD_SMS_API_URL).rstrip("/") + "/SendMultipleMessage_V4_post_json/",
            headers={},
            json_body={
                "ApiKey": str(settings.DIGIWARD_SMS_API_KEY),
                "SecretKey": str(settings.DIGIWARD_SMS_SECRET_KEY),
                "Phone": "0" + phone.removeprefix("+84") if phone.startswith("+84") else phone,
                "Content": text,
                "Brandname": str(settings.DIGIWARD_SMS_BRANDNAME),
                "SmsType": "2",  # brandname customer care (Decree 91/2020: no advertising)
                "IsUnicode": "0",
                "RequestId": request_id,
                "CallbackUrl": callback_url,
            },
            timeout=settings.DIGIWARD_MESSAGING_TIMEOUT,
        )
        code = str(answer.get("CodeResult", ""))
        if code == "100":
            return SmsSent(provider_id=str(answer.get("SMSID", "")))
        reason = f"eSMS {code}: {answer.get('ErrorMessage', '')}"[:300]
        if code in _ESMS_TRANSIENT:
            raise Transient(reason)
        raise Refused(reason)
