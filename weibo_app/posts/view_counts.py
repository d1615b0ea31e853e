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

Redis batches are crash-safe: the waiting hash is renamed to a *processing*
key, its figures are committed together with a ``view_batches`` row naming
that key, and only then is the key deleted. A process killed in between
leaves the key behind; the next drain (any process) applies it, or, if the
commit had happened, sees its ``view_batches`` row and only deletes it.

While Redis cannot be reached, views wait in this process's memory instead
(logged once when Redis goes away and once when it is back; Redis is tried
again every ``VIEWS_REDIS_RETRY_SECONDS``). Views waiting in process memory
are the only ones a ``kill -9`` can lose.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy.dialects import postgresql, sqlite

from ..core.clock import local_today, utcnow
from ..core.extensions import db
from ..models import PostViewDaily, ViewBatch

Key = tuple[int, date]
log = logging.getLogger(__name__)

#: How long ``view_batches`` rows are kept (a leftover batch is re-applied far sooner).
BATCH_MEMORY = timedelta(days=7)


@dataclass
class Batch:
    """Views taken from a buffer; ``key`` names a Redis batch (None: process memory)."""

    counts: dict[Key, int]
    key: str | None = None
    done: Callable[[], None] = field(default=lambda: None)
    restore: Callable[[], None] = field(default=lambda: None)


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

    def take(self) -> list[Batch]:
        counts = self.drain()
        if not counts:
            return []

        def restore() -> None:  # the flush failed: keep them for the next one
            for (post_id, day), n in counts.items():
                self.add(post_id, day, n)

        return [Batch(counts, restore=restore)]


class RedisBuffer:
    """Views waiting in Redis: one hash ``post_id:YYYY-MM-DD`` → count for all processes.

    Falls back to a :class:`MemoryBuffer` of this process while Redis is down.
    """

    KEY = "weibo:views:pending"
    TOTAL = "weibo:views:pending-total"
    PROCESSING = "weibo:views:processing:"

    def __init__(self, client, retry_seconds: float = 5.0) -> None:
        self.client = client
        self.fallback = MemoryBuffer()
        self.retry_seconds = retry_seconds
        self._down_until: float | None = None  # monotonic time of the next attempt while down
        self._state_lock = threading.Lock()

    # ----- health: one log line when Redis goes away, one when it is back ----

    def _usable(self) -> bool:
        down_until = self._down_until
        return down_until is None or time.monotonic() >= down_until

    def _failed(self, err: Exception) -> None:
        with self._state_lock:
            first = self._down_until is None
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            log.warning("Redis unreachable (%s): post views wait in process memory until it is back", err)

    def _worked(self) -> None:
        if self._down_until is not None:
            with self._state_lock:
                back = self._down_until is not None
                self._down_until = None
            if back:
                log.warning("Redis is back: post views are buffered in Redis again")

    # ----- the buffer ---------------------------------------------------------

    def add(self, post_id: int, day: date, n: int = 1) -> int:
        from redis.exceptions import RedisError

        if self._usable():
            try:
                pipe = self.client.pipeline()
                pipe.hincrby(self.KEY, f"{post_id}:{day.isoformat()}", n)
                pipe.incrby(self.TOTAL, n)
                total = int(pipe.execute()[1])
            except RedisError as err:
                self._failed(err)
            else:
                self._worked()
                return total
        return self.fallback.add(post_id, day, n)

    def take(self) -> list[Batch]:
        """The views of process memory, then every processing batch in Redis (this drain's and leftovers)."""
        from redis.exceptions import RedisError, ResponseError

        batches = self.fallback.take()
        if not self._usable():
            return batches
        try:
            pipe = self.client.pipeline()
            pipe.exists(self.KEY)
            pipe.delete(self.TOTAL)
            if pipe.execute()[0]:
                try:  # atomic: views counted meanwhile go to a fresh hash
                    self.client.rename(self.KEY, f"{self.PROCESSING}{uuid.uuid4().hex}")
                except ResponseError:  # another process took it first
                    pass
            for key in self.client.scan_iter(match=f"{self.PROCESSING}*", count=100):
                key = key.decode() if isinstance(key, bytes) else key
                batches.append(Batch(self._read(key), key=key, done=self._deleter(key)))
        except RedisError as err:
            self._failed(err)
        else:
            self._worked()
        return batches

    def drain(self) -> dict[Key, int]:
        """Every waiting view, taken out at once (no crash safety: for tests and tools)."""
        counts: Counter[Key] = Counter()
        for batch in self.take():
            counts.update(batch.counts)
            batch.done()
        return dict(counts)

    def _read(self, key: str) -> dict[Key, int]:
        counts: dict[Key, int] = {}
        for name, value in self.client.hgetall(key).items():
            name = name.decode() if isinstance(name, bytes) else name
            post_id, day = name.split(":")
            counts[(int(post_id), date.fromisoformat(day))] = int(value)
        return counts

    def _deleter(self, key: str) -> Callable[[], None]:
        def delete() -> None:
            from redis.exceptions import RedisError

            try:
                self.client.delete(key)
            except RedisError as err:  # applied already: the next drain only deletes it
                self._failed(err)

        return delete


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
        """Write every waiting view to the database, one commit per batch; returns how many views were written.

        A batch is released from its buffer only after its commit; a failed
        batch goes back (memory) or stays (Redis) for the next flush.
        """
        written, failure = 0, None
        batches = self.buffer.take()
        for batch in batches:
            try:
                if batch.key is None or _claim(batch.key):
                    _upsert(batch.counts)
                    n = sum(batch.counts.values())
                else:
                    n = 0  # committed before a crash: only its key was left to delete
                db.session.commit()
            except Exception as err:  # noqa: BLE001 - one bad batch must not hold up the others
                db.session.rollback()
                batch.restore()
                failure = failure or err
                continue
            written += n
            batch.done()
        if any(b.key for b in batches):
            _forget_old_batches()
        if failure is not None:
            raise failure
        return written

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


def _dialect_insert():
    dialect = db.session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _claim(key: str) -> bool:
    """Record batch ``key`` as applied in this transaction; False if an earlier commit already did."""
    stmt = _dialect_insert()(ViewBatch).values(key=key, applied_at=utcnow())
    stmt = stmt.on_conflict_do_nothing(index_elements=[ViewBatch.key]).returning(ViewBatch.key)
    return db.session.execute(stmt).scalar_one_or_none() is not None


def _forget_old_batches() -> None:
    try:
        db.session.execute(ViewBatch.__table__.delete().where(ViewBatch.applied_at < utcnow() - BATCH_MEMORY))
        db.session.commit()
    except Exception:  # noqa: BLE001 - housekeeping only; next flush tries again
        db.session.rollback()
        log.exception("forgetting old view batches failed")


def _upsert(counts: dict[Key, int]) -> None:
    rows = [{"post_id": p, "day": d, "views": n} for (p, d), n in sorted(counts.items())]
    stmt = _dialect_insert()(PostViewDaily)
    stmt = stmt.on_conflict_do_update(
        index_elements=[PostViewDaily.post_id, PostViewDaily.day],
        set_={"views": PostViewDaily.views + stmt.excluded.views},
    )
    db.session.execute(stmt, rows)


_lock = threading.Lock()


def redis_client(url: str):
    """A client that gives up quickly: a Redis that hangs must not hold requests."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def get_counter(app: Flask | None = None) -> ViewCounter:
    """The application's counter, made on first use."""
    app = app or current_app._get_current_object()
    counter = app.extensions.get("views_counter")
    if counter is None:
        with _lock:
            counter = app.extensions.get("views_counter")
            if counter is None:
                if app.config.get("REDIS_URL"):
                    retry = float(app.config.get("VIEWS_REDIS_RETRY_SECONDS", 5))
                    buffer = RedisBuffer(redis_client(app.config["REDIS_URL"]), retry_seconds=retry)
                else:
                    buffer = MemoryBuffer()
                counter = app.extensions["views_counter"] = ViewCounter(app, buffer)
    return counter


def record_view(post_id: int) -> None:
    get_counter().record(post_id)


def flush_views() -> int:
    return get_counter().flush()
