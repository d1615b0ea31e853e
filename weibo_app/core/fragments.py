"""Rendered fragments (post cards' viewer-independent part), cached by content.

A fragment's key is a digest of everything that goes into it (the row's shown fields, the
language, the text size, the rendering options): a write that changes what the fragment
shows changes its key, so no entry is ever stale and nothing needs invalidating; an entry
no longer asked for just ages out of the LRU. Only what reads the same for every viewer
may be cached here: callers keep viewer-specific parts (controls, counts) outside.

Entries live in a per-process LRU; with ``REDIS_URL`` also in Redis (shared by every
worker, ``FRAGMENT_CACHE_SECONDS`` to live). Redis failing or slow only means a miss.
``FRAGMENT_CACHE_ENTRIES = 0`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from flask import Flask, current_app, g, has_app_context
from flask_babel import get_locale
from markupsafe import Markup

from .i18n import select_text_size
from .lru import LRU

log = logging.getLogger(__name__)
PREFIX = "weibo:frag:"


class FragmentCache:
    """A bounded, thread-safe LRU of rendered fragments, optionally backed by Redis."""

    def __init__(self, max_entries: int, redis=None, seconds: int = 86_400):
        self.max_entries = max_entries
        self.redis = redis
        self.seconds = seconds
        self._entries: LRU[str, str] = LRU(max_entries)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> str | None:
        found = self._entries.get(key)
        if found is not None:
            return found
        if self.redis is not None:
            try:
                raw = self.redis.get(PREFIX + key)
            except Exception as err:  # noqa: BLE001 - any Redis failure is a miss
                log.warning("fragment cache: Redis read failed (%s)", type(err).__name__)
                return None
            if raw is not None:
                found = raw.decode()
                self._entries.put(key, found)
                return found
        return None

    def put(self, key: str, html: str) -> None:
        self._entries.put(key, html)
        if self.redis is not None:
            try:
                self.redis.set(PREFIX + key, html.encode(), ex=self.seconds)
            except Exception as err:  # noqa: BLE001 - the memory entry still serves this worker
                log.warning("fragment cache: Redis write failed (%s)", type(err).__name__)

    def clear(self) -> None:
        self._entries.clear()


def digest(*parts) -> str:
    """A stable key for ``parts`` (the same in every process, for Redis)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def page_variant() -> tuple[str, str]:
    """The language and text size of this request, part of every fragment's key: found once
    per request, not once per fragment (a page holds dozens)."""
    if not has_app_context():
        return str(get_locale()), select_text_size()
    found = g.get("_fragment_variant")
    if found is None:
        found = g._fragment_variant = (str(get_locale()), select_text_size())
    return found


def cached_fragment(parts: tuple, render: Callable[[], str], store: str = "fragment_cache") -> Markup:
    """The fragment keyed by ``parts`` (everything it depends on), rendered on a miss. Large
    fragments (a whole table) go to ``"large_fragment_cache"``, which holds few."""
    cache: FragmentCache | None = current_app.extensions.get(store)
    if cache is None or cache.max_entries <= 0:
        return Markup(render())  # noqa: S704 - ``render`` returns a rendered, escaped template
    key = digest(*parts)
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.put(key, html)
    return Markup(html)  # noqa: S704 - a rendered, escaped template from this cache


def register(app: Flask) -> None:
    app.config.setdefault("FRAGMENT_CACHE_ENTRIES", 4096)
    app.config.setdefault("FRAGMENT_CACHE_SECONDS", 86_400)
    redis = None
    if app.config.get("REDIS_URL") and int(app.config["FRAGMENT_CACHE_ENTRIES"]) > 0:
        import redis as redis_lib

        redis = redis_lib.Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=0.2, socket_timeout=0.2)
    app.extensions["fragment_cache"] = FragmentCache(int(app.config["FRAGMENT_CACHE_ENTRIES"]), redis,
                                                     int(app.config["FRAGMENT_CACHE_SECONDS"]))
    large = min(32, int(app.config["FRAGMENT_CACHE_ENTRIES"]))
    app.extensions["large_fragment_cache"] = FragmentCache(large, redis, int(app.config["FRAGMENT_CACHE_SECONDS"]))
