"""Settings in layers: defaults here, then ``instance/config.py``, then
``WEIBO_*`` environment variables (plus ``SECRET_KEY``, ``DATABASE_URL`` and
``REDIS_URL``), then the mapping a caller passes to ``create_app``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
INSTANCE = ROOT / "instance"

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": "dev-only-change-me",
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
    },
    # Answered threads close after this many quiet days.
    "AUTO_CLOSE_DAYS": 7,
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
    "PAGE_SIZE": 20,
    "API_TOKEN_HOURS": 24,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    # Images: "local" keeps them in UPLOAD_DIR (default instance/uploads), or
    # "package.module:Class" names another storage (see weibo_app/media/storage.py).
    "UPLOAD_STORAGE": "local",
    "UPLOAD_DIR": None,
    "IMAGE_MAX_BYTES": 5 * 1024 * 1024,
    "IMAGE_MAX_PIXELS": 50_000_000,
    "IMAGE_MAX_SIDE": 4096,
    "IMAGE_THUMB_SIZE": 320,
    "POST_MAX_IMAGES": 9,
    "THREAD_MAX_IMAGES": 3,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
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
