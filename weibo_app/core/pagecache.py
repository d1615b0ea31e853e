"""A few seconds' cache of whole public pages for visitors who are not logged in.

A government account's emergency post can bring a whole county to the
timeline at once; nearly all of them are anonymous readers of the same page.
For the endpoints below, a GET from a visitor with no login and no token is
answered from a per-process cache for ``PAGE_CACHE_SECONDS`` (default 10;
0 turns it off). A page is stored only when rendering it left the session
untouched (no CSRF token made, no flash message read), so nothing personal is
ever shared. Logged-in users, POSTs and every other page always go to the
database. The security headers are added to cached answers as to fresh ones.
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

CACHEABLE = frozenset({
    "posts.timeline",
    "departments.index",
    "departments.detail",
    "dashboard.scoreboard",
    "social.topic",
    "feeds.department_feed",
    "feeds.category_feed",
    "feeds.topic_feed",
})


@dataclass(frozen=True)
class Entry:
    expires: datetime
    status: int
    mimetype: str
    body: bytes


class PageCache:
    """A bounded, thread-safe LRU of rendered pages."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, now: datetime) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _anonymous() -> bool:
    """No login (session, remember cookie or token) and no flash message waiting to be shown."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return ("_user_id" not in session and "_flashes" not in session and remember not in request.cookies
            and "Authorization" not in request.headers)


def _key() -> tuple:
    return (request.full_path, str(get_locale()), select_text_size())


def _serve_cached():
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    if not seconds or request.method != "GET" or request.endpoint not in CACHEABLE or not _anonymous():
        return None
    key = _key()
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
    app.extensions["page_cache"] = PageCache(int(app.config["PAGE_CACHE_ENTRIES"]))
    app.before_request(_serve_cached)
    app.after_request(_store)
