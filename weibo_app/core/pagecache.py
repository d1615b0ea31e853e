"""A few seconds' cache of whole public pages for visitors who are not logged in.

A government account's emergency post can bring a whole county to the
timeline at once; nearly all of them are anonymous readers of the same page.
For the views marked ``@cached_page(...)``, a GET from a visitor with no login and no token is
answered from a per-process cache for ``PAGE_CACHE_SECONDS`` (default 10;
0 turns it off). A page is stored only when rendering it left the session
untouched (no CSRF token made, no flash message read), so nothing personal is
ever shared. Logged-in users, POSTs and every other page always go to the
database. The security headers are added to cached answers as to fresh ones.

A page is keyed on its path, the language and only the query parameters the
view declares it reads (``@cached_page("cursor")``): ``?x=1``, ``?x=2`` ... are
the same page and one entry, so made-up query strings cannot flood the cache.
The cache is an LRU bounded both in entries (``PAGE_CACHE_ENTRIES``) and in
bytes of page bodies (``PAGE_CACHE_BYTES``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale

from .clock import utcnow
from .i18n import select_text_size

#: Query parameters that every page reads (the language switch, see core/i18n.py).
GLOBAL_PARAMS = ("lang",)
#: Longer parameter values are not worth a cache entry: such a request goes to the view.
MAX_PARAM_CHARS = 200


def cached_page(*params: str):
    """Mark a view whose page may be cached for anonymous visitors; ``params`` are the
    query parameters it reads, the only ones that make a different page."""

    def mark(view):
        view.page_cache_params = tuple(sorted(set(params) | set(GLOBAL_PARAMS)))
        return view

    return mark


def cache_params(endpoint: str | None) -> tuple[str, ...] | None:
    """The declared parameters of a cacheable view, or ``None`` for one never cached."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "page_cache_params", None)


@dataclass(frozen=True)
class Entry:
    expires: datetime
    status: int
    mimetype: str
    body: bytes


class PageCache:
    """A bounded, thread-safe LRU of rendered pages."""

    def __init__(self, max_entries: int, max_bytes: int | None = None):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: tuple) -> None:
        self.size -= len(self._entries.pop(key).body)

    def get(self, key: tuple, now: datetime) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires <= now:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        if self.max_bytes is not None and len(entry.body) > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self.size += len(entry.body)
            while len(self._entries) > self.max_entries or (
                self.max_bytes is not None and self.size > self.max_bytes
            ):
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


def _anonymous() -> bool:
    """No login (session, remember cookie or token) and no flash message waiting to be shown."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return ("_user_id" not in session and "_flashes" not in session and remember not in request.cookies
            and "Authorization" not in request.headers)


def _key(params: tuple[str, ...]) -> tuple | None:
    """Path, language and the declared parameters' values; ``None`` when not worth caching."""
    values = tuple((name, tuple(request.args.getlist(name))) for name in params if name in request.args)
    if any(len(v) > MAX_PARAM_CHARS for _name, vs in values for v in vs):
        return None
    return (request.path, values, str(get_locale()), select_text_size())


def _serve_cached():
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    if not seconds or request.method != "GET" or not _anonymous():
        return None
    params = cache_params(request.endpoint)
    if params is None:
        return None
    key = _key(params)
    if key is None:
        return None
    entry = current_app.extensions["page_cache"].get(key, utcnow())
    if entry is not None:
        response = Response(entry.body, status=entry.status, mimetype=entry.mimetype)
        response.headers["X-Page-Cache"] = "hit"
        return response
    g.page_cache_key = key
    return None


def _store(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is None or response.status_code != 200 or response.direct_passthrough or session.modified:
        return response
    if "Set-Cookie" in response.headers:
        return response
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    entry = Entry(utcnow() + timedelta(seconds=seconds), response.status_code,
                  response.mimetype or "text/html", response.get_data())
    current_app.extensions["page_cache"].put(key, entry)
    response.headers["X-Page-Cache"] = "miss"
    return response


def register(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE_SECONDS", 10)
    app.config.setdefault("PAGE_CACHE_ENTRIES", 512)
    app.config.setdefault("PAGE_CACHE_BYTES", 32 * 1024 * 1024)
    app.extensions["page_cache"] = PageCache(int(app.config["PAGE_CACHE_ENTRIES"]),
                                             int(app.config["PAGE_CACHE_BYTES"]))
    app.before_request(_serve_cached)
    app.after_request(_store)
