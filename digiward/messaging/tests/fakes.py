"""A fake Zalo (ZNS + OAuth) and a fake eSMS gateway on loopback, for the tests.

They implement the documented request and response shapes; `mode` makes the next
answers fail in one of the documented ways. Each records what reached the "handset":
a message id sent twice to the handset would show there twice.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server:
    def __init__(self) -> None:
        self.mode = "ok"
        self.modes: list[str] = []  # consumed one per request before `mode`
        self.requests: list[dict[str, Any]] = []
        self.handset: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or "{}")
                else:
                    body = dict(urllib.parse.parse_qsl(raw))
                headers = {k.lower(): v for k, v in self.headers.items()}  # case-insensitive
                with owner.lock:
                    mode = owner.modes.pop(0) if owner.modes else owner.mode
                    owner.requests.append({"path": self.path, "headers": headers, "body": body})
                if mode == "slow":
                    time.sleep(0.8)
                if mode == "5xx":
                    self.send_response(502)
                    self.end_headers()
                    return
                with owner.lock:
                    status, answer = owner.answer(self.path, headers, body, mode)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(
        self, path: str, headers: dict[str, str], body: dict[str, Any], mode: str
    ) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeZalo(_Server):
    APP_ID = "4321"
    SECRET = "app-secret"

    def __init__(self) -> None:
        super().__init__()
        self.refresh_token = "refresh-0"
        self.access_tokens: set[str] = set()
        self.issued = 0
        self.remaining = 500

    def answer(self, path, headers, body, mode):  # type: ignore[no-untyped-def]
        if path.startswith("/oauth"):
            return 200, self._oauth(headers, body, mode)
        if path != "/message/template":
            return 404, {"error": 404}
        if headers.get("access_token") not in self.access_tokens:
            return 200, {"error": -124, "message": "Access token is invalid"}
        if mode == "not_on_zalo":
            return 200, {"error": -118, "message": "Zalo account not existed"}
        if mode == "template":
            return 200, {"error": -131, "message": "Template is not approved"}
        if mode == "quota" or self.remaining == 0:
            return 200, {"error": -144, "message": "OA has exceeded the daily quota"}
        self.remaining -= 1
        msg_id = f"zmsg-{len(self.handset) + 1}"
        self.handset.append({"msg_id": msg_id, **body})
        return 200, {
            "error": 0,
            "message": "Success",
            "data": {
                "msg_id": msg_id,
                "sent_time": str(int(time.time() * 1000)),
                "quota": {"dailyQuota": "500", "remainingQuota": str(self.remaining)},
            },
        }

    def _oauth(self, headers, body, mode):  # type: ignore[no-untyped-def]
        ok = (
            mode != "refresh_fails"
            and headers.get("secret_key") == self.SECRET
            and body.get("app_id") == self.APP_ID
            and body.get("grant_type") == "refresh_token"
            and body.get("refresh_token") == self.refresh_token
        )
        if not ok:
            return {"error": -14014, "error_description": "Invalid refresh token"}
        self.issued += 1
        access = f"access-{self.issued}"
        self.access_tokens = {access}  # the old access token stops working
        self.refresh_token = f"refresh-{self.issued}"  # single-use
        return {"access_token": access, "refresh_token": self.refresh_token, "expires_in": "90000"}

    def expire_access_token(self) -> None:
        self.access_tokens = set()


class FakeEsms(_Server):
    API_KEY = "esms-key"

    def __init__(self) -> None:
        super().__init__()
        self.by_request_id: dict[str, str] = {}

    def answer(self, path, headers, body, mode):  # type: ignore[no-untyped-def]
        if path != "/SendMultipleMessage_V4_post_json/":
            return 404, {}
        if body.get("ApiKey") != self.API_KEY:
            return 200, {"CodeResult": "101", "ErrorMessage": "Authorize Failed"}
        if mode == "refused":
            return 200, {"CodeResult": "104", "ErrorMessage": "Brandname không tồn tại"}
        request_id = body.get("RequestId", "")
        if request_id in self.by_request_id:  # eSMS never sends a RequestId twice
            return 200, {"CodeResult": "100", "SMSID": self.by_request_id[request_id]}
        sms_id = f"sms-{len(self.handset) + 1}"
        self.by_request_id[request_id] = sms_id
        self.handset.append({"SMSID": sms_id, **body})
        if mode == "slow_after_send":
            time.sleep(0.8)
        return 200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id}
