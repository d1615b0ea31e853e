"""The one application clock. Every timestamp in weibo_app comes from here.

Tests move time with ``time-machine``; nothing reads the database server's
clock, so the working-day rules can be checked at any date.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Shanghai"


_pinned: ContextVar[datetime | None] = ContextVar("pinned_now", default=None)


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (or the moment pinned by ``at``)."""
    return _pinned.get() or datetime.now(UTC)


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run the services as if it were ``moment`` (used to build demo history)."""
    token = _pinned.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _pinned.reset(token)


def site_tz() -> ZoneInfo:
    """The site's time zone (setting ``TIMEZONE``)."""
    name = current_app.config.get("TIMEZONE", DEFAULT_TZ) if has_app_context() else DEFAULT_TZ
    return ZoneInfo(name)


def to_local(moment: datetime) -> datetime:
    """An aware datetime converted to the site's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(site_tz())
    except OverflowError:
        # A stored time at the very edge of the calendar (year 1 or 9999) has no local
        # equivalent; shown as it is, in UTC, rather than failing the whole page.
        return moment.astimezone(UTC)


def local_today() -> date:
    """Today's date in the site's time zone."""
    return to_local(utcnow()).date()


def local_midnight_utc(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in the site's time zone."""
    return datetime(day.year, day.month, day.day, tzinfo=site_tz()).astimezone(UTC)


def local_time(moment: datetime | None) -> str:
    """Local date and minute, the same in every language ("2026-11-23 08:15")."""
    if moment is None:
        return ""
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def iso_local(moment: datetime | None) -> str | None:
    """ISO 8601 in the site's time zone, with its offset (the API and the exports)."""
    return to_local(moment).isoformat() if moment else None
