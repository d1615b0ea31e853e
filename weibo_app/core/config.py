"""Settings in layers: defaults here, then ``instance/config.py``, then
``WEIBO_*`` environment variables (plus ``SECRET_KEY``, ``DATABASE_URL`` and
``REDIS_URL``), then the mapping a caller passes to ``create_app``.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
INSTANCE = ROOT / "instance"

DEFAULTS: dict[str, Any] = {
    # None: a random key is made on first start and kept in instance/secret_key.
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{INSTANCE / 'weibo.sqlite3'}",
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "TIMEZONE": "Asia/Shanghai",
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "LANGUAGES": ["zh_CN", "en"],
    "REDIS_URL": None,
    # Posts: the Weibo-counted length limit.
    "POST_MAX_LENGTH": 140,
    # Threads and replies are longer than posts, but bounded.
    "THREAD_MAX_CHARS": 2000,
    "REASON_MAX_CHARS": 500,
    # Open flags that hold an item for a moderator (it stays, but is not public).
    "FLAG_THRESHOLD": 3,
    # Working days allowed to answer, by thread kind.
    "DUE_WORKING_DAYS": {
        "consultation": 3,
        "help": 3,
        "complaint": 5,
        "suggestion": 5,
        "comment": 5,
        "report": 5,
    },
    # The site's identity, shown in the header and footer (an admin edits them at /admin/site).
    # Empty means "not set": the header then reads 政务微博 and the footer leaves the line out.
    "SITE_NAME": "",
    "SITE_OWNER": "",
    "SITE_OPERATOR": "",
    "SITE_ICP": "",
    "SITE_CONTACT": "",
    "SITE_ACCESSIBILITY": "",
    # Answered threads close after this many quiet days.
    "AUTO_CLOSE_DAYS": 7,
    # Closed loop: staff ask the dispatcher for a transfer (off: they transfer themselves);
    # an extension reaches at most this many working days beyond the current due time.
    "TRANSFER_APPROVAL": True,
    "EXTENSION_MAX_WORKING_DAYS": 10,
    # A department without a post for this many days is flagged dormant (僵尸号).
    "DORMANT_DAYS": 14,
    # Weights of the responsiveness index (响应指数); a rate that is null takes its weight out.
    "INDEX_WEIGHTS": {"reply_rate": 30, "on_time_rate": 30, "satisfaction_rate": 20, "resolved_rate": 20},
    # Post views are buffered (memory, or Redis with REDIS_URL) and written in
    # batches: every VIEWS_FLUSH_SECONDS or once VIEWS_FLUSH_MAX wait; see views_counter.py.
    "VIEWS_FLUSH_SECONDS": 30,
    "VIEWS_FLUSH_MAX": 500,
    "VIEWS_BACKGROUND_FLUSH": None,  # None: on, except under tests
    # Notification e-mail; nothing is sent while MAIL_SERVER is empty.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": "noreply@localhost",
    # SMS: "log" (the sms_outbox table and the log) or "http" (JSON {to, text} POSTed to SMS_HTTP_URL).
    "SMS_BACKEND": "log",
    "SMS_HTTP_URL": None,
    "SMS_HTTP_TIMEOUT": 5,
    "SMS_HTTP_RETRIES": 2,
    # E-mail and SMS leave after the commit, in a background thread (None: on, except under tests).
    "DELIVERY_BACKGROUND": None,
    "DELIVERY_MAX_ATTEMPTS": 3,
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    "TRUSTED_PROXIES": 0,
    # Whole public pages cached this many seconds for visitors not logged in (0: off).
    "PAGE_CACHE_SECONDS": 10,
    "PAGE_CACHE_ENTRIES": 512,
    "PAGE_CACHE_BYTES": 32 * 1024 * 1024,
    "PAGE_SIZE": 20,
    # Bearer tokens expire after this many days unless their creator asks for fewer.
    "API_TOKEN_DAYS": 90,
    "API_TOKEN_MAX_DAYS": 365,
    # "Remember me" lasts this long at most (a longer setting is cut to 30 days).
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    # Every JSON request body: at most this many bytes (413) and this deep (400).
    "JSON_MAX_BYTES": 1024 * 1024,
    "JSON_MAX_DEPTH": 32,
    # Images: "local" keeps them in UPLOAD_DIR (default instance/uploads), or
    # "package.module:Class" names another storage (see weibo_app/media/storage.py).
    "UPLOAD_STORAGE": "local",
    "UPLOAD_DIR": None,
    "IMAGE_MAX_BYTES": 5 * 1024 * 1024,
    "IMAGE_MAX_PIXELS": 50_000_000,
    "IMAGE_MAX_SIDE": 4096,
    # Memory one decoded image may take (width x height x bytes per pixel). A larger JPEG is
    # decoded at 1/2, 1/4 or 1/8 scale to fit; any other larger image is refused.
    "IMAGE_DECODE_MAX_BYTES": 64 * 1024 * 1024,
    "IMAGE_THUMB_SIZE": 320,
    "POST_MAX_IMAGES": 9,
    "THREAD_MAX_IMAGES": 3,
    # Files given with the answer to an information request (run-time settings too): each at
    # most this many MB, at most this many per answer; kept in ATTACHMENT_DIR (default
    # instance/attachments), never under static/.
    "ATTACHMENT_DIR": None,
    "ATTACHMENT_MAX_MB": 20,
    "ATTACHMENT_MAX_FILES": 10,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Redis (limit storage) unreachable: count limits in process memory (logged once when
    # it goes and once when it is back, re-checked with back-off) rather than answer 500.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    # Post views wait in process memory while Redis is down; Redis is retried this often.
    "VIEWS_REDIS_RETRY_SECONDS": 5,
    # API writes with an Idempotency-Key header: answers kept this long (hours) for replay.
    "IDEMPOTENCY_KEY_HOURS": 24,
}

ENV_PREFIX = "WEIBO_"


def _env_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def from_environment(environ: os._Environ | dict[str, str] = os.environ) -> dict[str, Any]:
    """Settings given through environment variables."""
    found: dict[str, Any] = {}
    for key, raw in environ.items():
        if key.startswith(ENV_PREFIX):
            found[key.removeprefix(ENV_PREFIX)] = _env_value(raw)
    if environ.get("SECRET_KEY"):
        found["SECRET_KEY"] = environ["SECRET_KEY"]
    if environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    if environ.get("REDIS_URL"):
        found["REDIS_URL"] = environ["REDIS_URL"]
    return found


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
