"""The one place dates and times from the outside are read: all within 2000-01-01..2100-12-31.

Year 1 or 9999 parses, but overflows the moment it is shifted by a time zone,
added to, or handed to a database (a 500 far from where it came in). Every
date in a query string, a form or a JSON body goes through ``parse_date`` /
``parse_datetime`` here (forms through ``in_window``). A value stored before
these checks existed is still shown: ``clock.to_local`` falls back to UTC for a
time that has no local equivalent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from .exceptions import Invalid

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
FIRST_MOMENT = datetime.combine(FIRST_DAY, time.min, tzinfo=UTC)
LAST_MOMENT = datetime.combine(LAST_DAY, time.max, tzinfo=UTC)


def _window_message() -> str:
    return _("日期必须在 %(first)s 至 %(last)s 之间。", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())


def day_in_window(day: date) -> bool:
    if isinstance(day, datetime):
        day = day.date()
    return FIRST_DAY <= day <= LAST_DAY


def moment_in_window(moment: datetime) -> bool:
    """An aware datetime between the first and the last moment (a naive one is read as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return FIRST_MOMENT <= moment <= LAST_MOMENT
    except OverflowError:  # comparing shifts by the offset, which can itself overflow
        return False


def parse_date(raw: str | None, name: str = "date") -> date | None:
    """``YYYY-MM-DD`` within the window; ``None`` for an empty value; else ``Invalid`` (422)."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) > 10:
        raise Invalid(_("日期格式应为 YYYY-MM-DD。"), "invalid_date")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("日期格式应为 YYYY-MM-DD。"), "invalid_date") from None
    if not day_in_window(day):
        raise Invalid(_window_message(), "date_out_of_range")
    return day


def parse_datetime(raw: str | None, name: str = "time", require_tz: bool = True) -> datetime | None:
    """An ISO 8601 time (with an offset unless ``require_tz`` is off) within the window."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) > 64:
        raise Invalid(_("字段 %(name)s 必须是 ISO 8601 时间。", name=name), "invalid_time")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("字段 %(name)s 必须是 ISO 8601 时间。", name=name), "invalid_time") from None
    if require_tz and moment.tzinfo is None:
        raise Invalid(_("字段 %(name)s 必须带时区偏移。", name=name), "invalid_time")
    if not moment_in_window(moment):
        raise Invalid(_window_message(), "time_out_of_range")
    return moment


class in_window:  # noqa: N801  (a WTForms validator, named like its siblings)
    """Form validator: the field's date or datetime lies in the window."""

    def __init__(self, message: str | None = None):
        self.message = message

    def __call__(self, form, field) -> None:
        value = field.data
        if value is None:
            return
        ok = moment_in_window(value) if isinstance(value, datetime) else day_in_window(value)
        if not ok:
            raise ValidationError(self.message or _window_message())


__all__ = ["FIRST_DAY", "LAST_DAY", "in_window", "parse_date", "parse_datetime"]
