"""The SMS gateway: ``send_sms(to, text)`` through the backend named by ``SMS_BACKEND``.

- ``log`` (default): a row in ``sms_outbox`` (admins read it at /admin/sms) and a log line.
- ``http``: a JSON POST ``{"to", "text"}`` to ``SMS_HTTP_URL``, with a timeout and a few retries.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Protocol

from flask import current_app

from ..core.extensions import db
from ..models import SmsOutboxEntry


class SmsError(Exception):
    """The gateway did not take the message."""


class Gateway(Protocol):
    def send(self, to: str, text: str) -> None: ...


class LogGateway:
    def send(self, to: str, text: str) -> None:
        with db.engine.begin() as conn:  # its own transaction: sending happens after the action committed
            conn.execute(SmsOutboxEntry.__table__.insert().values(to=to, text=text, created_at=_now()))
        current_app.logger.info("SMS to %s: %s", to, text)


class HttpGateway:
    def __init__(self, url: str, timeout: float, retries: int, pause: float = 0.2):
        self.url, self.timeout, self.retries, self.pause = url, timeout, retries, pause

    def send(self, to: str, text: str) -> None:
        payload = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode()
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.pause * attempt)
            request = urllib.request.Request(self.url, data=payload, method="POST",  # noqa: S310 - http(s) only
                                             headers={"Content-Type": "application/json; charset=utf-8"})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310 - configured URL
                    if 200 <= resp.status < 300:
                        return
                    last = SmsError(f"HTTP {resp.status}")
            except urllib.error.HTTPError as err:
                last = SmsError(f"HTTP {err.code}")
                if 400 <= err.code < 500:
                    break  # the gateway refused this message: trying again will not help
            except (OSError, TimeoutError) as err:
                last = SmsError(f"{type(err).__name__}: {err}")
        raise last or SmsError("not sent")


def _now():
    from ..core.clock import utcnow

    return utcnow()


def gateway() -> Gateway:
    config = current_app.config
    if config.get("SMS_BACKEND") == "http":
        if not str(config.get("SMS_HTTP_URL") or "").startswith(("http://", "https://")):
            raise SmsError("SMS_HTTP_URL is not an http(s) URL")
        return HttpGateway(config["SMS_HTTP_URL"], float(config.get("SMS_HTTP_TIMEOUT") or 5),
                           int(config.get("SMS_HTTP_RETRIES") or 0))
    return LogGateway()


def send_sms(to: str, text: str) -> None:
    """Send one message now; raises SmsError when the gateway does not take it."""
    gateway().send(to, text)
