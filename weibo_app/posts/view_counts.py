"""Post views, counted without a database write per request.

A view is added to a buffer: in this process's memory (a locked counter) or,
when ``REDIS_URL`` is set, in one Redis hash shared by every process. The
buffer is written to ``post_views_daily`` in batches, as one upsert per
(post, local day) that *adds* to the stored figure, so several processes or
hosts flushing at once never lose a view:

* by a background thread every ``VIEWS_FLUSH_SECONDS`` seconds, or sooner
  once ``VIEWS_FLUSH_MAX`` views are waiting (not started under tests);
* when the process exits;
* by ``flask --app weibo_app flush-views`` (cron, or before reading exact figures).

So the post page itself issues no write; figures lag by at most the flush interval.
"""

from __future__ import annotations

import atexit
import threading
import uuid
from collections import Counter
from datetime import date

from flask import Flask, current_app
from sqlalchemy.dialects import postgresql, sqlite

from ..core.clock import local_today
from ..core.extensions import db
from ..models import PostViewDaily

Key = tuple[int, date]


class MemoryBuffer:
    """Views waiting in this process, safe across request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[Key] = Counter()
        self._total = 0

    def add(self, post_id: int, day: date, n: int = 1) -> int:
        """Count ``n`` views; returns how many views now wait."""
        with self._lock:
            self._counts[(post_id, day)] += n
            self._total += n
            return self._total

    def drain(self) -> dict[Key, int]:
        with self._lock:
            counts, self._counts, self._total = dict(self._counts), Counter(), 0
        return counts


class RedisBuffer:
    """Views waiting in Redis: one hash ``post_id:YYYY-MM-DD`` → count for all processes."""

    KEY = "weibo:views:pending"
    TOTAL = "weibo:views:pending-total"

    def __init__(self, client) -> None:
        self.client = client

    def add(self, post_id: int, day: date, n: int = 1) -> int:
        pipe = self.client.pipeline()
        pipe.hincrby(self.KEY, f"{post_id}:{day.isoformat()}", n)
        pipe.incrby(self.TOTAL, n)
        return int(pipe.execute()[1])

    def drain(self) -> dict[Key, int]:
        # Renaming is atomic: views counted meanwhile go to a fresh hash.
        taken = f"{self.KEY}:flushing:{uuid.uuid4().hex}"
        pipe = self.client.pipeline()
        pipe.exists(self.KEY)
        pipe.delete(self.TOTAL)
        if not pipe.execute()[0]:
            return {}
        try:
            self.client.rename(self.KEY, taken)
        except Exception:  # noqa: BLE001 - another process drained it first
            return {}
        raw = self.client.hgetall(taken)
        self.client.delete(taken)
        counts: dict[Key, int] = {}
        for field, value in raw.items():
            field = field.decode() if isinstance(field, bytes) else field
            post_id, day = field.split(":")
            counts[(int(post_id), date.fromisoformat(day))] = int(value)
        return counts


class ViewCounter:
    def __init__(self, app: Flask, buffer) -> None:
        self.app = app
        self.buffer = buffer
        self.interval = float(app.config.get("VIEWS_FLUSH_SECONDS", 30))
        self.max_pending = int(app.config.get("VIEWS_FLUSH_MAX", 500))
        background = app.config.get("VIEWS_BACKGROUND_FLUSH")
        self.background = (not app.testing) if background is None else bool(background)
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def record(self, post_id: int) -> None:
        """Count one view of a post (memory or Redis only)."""
        pending = self.buffer.add(post_id, local_today())
        if self.background:
            self._ensure_thread()
            if pending >= self.max_pending:
                self._wake.set()

    def flush(self) -> int:
        """Write every waiting view to the database and commit; returns how many views were written."""
        counts = self.buffer.drain()
        if not counts:
            return 0
        try:
            _upsert(counts)
            db.session.commit()
        except Exception:
            db.session.rollback()
            for (post_id, day), n in counts.items():  # keep them for the next flush
                self.buffer.add(post_id, day, n)
            raise
        return sum(counts.values())

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="views-flusher", daemon=True)
                self._thread.start()
                atexit.register(self._flush_in_context)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self._flush_in_context()

    def _flush_in_context(self) -> None:
        with self.app.app_context():
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - logged; the views stay buffered
                self.app.logger.exception("flushing post views failed")
            finally:
                db.session.remove()


def _upsert(counts: dict[Key, int]) -> None:
    rows = [{"post_id": p, "day": d, "views": n} for (p, d), n in sorted(counts.items())]
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(PostViewDaily)
    stmt = stmt.on_conflict_do_update(
        index_elements=[PostViewDaily.post_id, PostViewDaily.day],
        set_={"views": PostViewDaily.views + stmt.excluded.views},
    )
    db.session.execute(stmt, rows)


_lock = threading.Lock()


def get_counter(app: Flask | None = None) -> ViewCounter:
    """The application's counter, made on first use."""
    app = app or current_app._get_current_object()
    counter = app.extensions.get("views_counter")
    if counter is None:
        with _lock:
            counter = app.extensions.get("views_counter")
            if counter is None:
                if app.config.get("REDIS_URL"):
                    import redis

                    buffer = RedisBuffer(redis.Redis.from_url(app.config["REDIS_URL"]))
                else:
                    buffer = MemoryBuffer()
                counter = app.extensions["views_counter"] = ViewCounter(app, buffer)
    return counter


def record_view(post_id: int) -> None:
    get_counter().record(post_id)


def flush_views() -> int:
    return get_counter().flush()
