"""Due times on the official working-day calendar (办理时限).

A day is a working day when, in this order:
1. the admin's ``HolidayOverride`` table says so (it wins for any year);
2. the ``chinese-calendar`` package covers its year (holidays and 调休);
3. otherwise it is Monday to Friday (weekends alone are rest days).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import chinese_calendar
import sqlalchemy as sa

from ..core.clock import site_tz, to_local
from ..core.extensions import db
from ..models import HolidayOverride

_WINDOW = timedelta(days=62)


@cache
def package_covers(year: int) -> bool:
    """Whether ``chinese-calendar`` has the official schedule for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _overrides(start: date, end: date) -> dict[date, bool]:
    rows = db.session.execute(
        sa.select(HolidayOverride.day, HolidayOverride.is_workday).where(
            HolidayOverride.day.between(start, end)
        )
    ).all()
    return {day: is_workday for day, is_workday in rows}


def _is_workday(day: date, overrides: dict[date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    if package_covers(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def nth_working_day_after(day: date, n: int) -> date:
    """The ``n``-th working day after ``day`` (``day`` itself not counted)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    window_start = day + timedelta(days=1)
    overrides = _overrides(window_start, window_start + _WINDOW)
    current, counted = day, 0
    while counted < n:
        current += timedelta(days=1)
        if current > window_start + _WINDOW:
            window_start = current
            overrides = _overrides(window_start, window_start + _WINDOW)
        if _is_workday(current, overrides):
            counted += 1
    return current


def due_after(moment: datetime, n: int) -> datetime:
    """End (23:59:59 local) of the ``n``-th working day after ``moment``'s local day."""
    last_day = nth_working_day_after(to_local(moment).date(), n)
    end_local = datetime.combine(last_day, time(23, 59, 59), tzinfo=site_tz())
    return end_local.astimezone(UTC)


def uncovered_years(years: list[int]) -> list[int]:
    """Those of ``years`` the package does not cover and the admin has not filled in.

    A year counts as filled in once the override table has at least one row for it.
    """
    missing = [y for y in years if not package_covers(y)]
    if not missing:
        return []
    filled = set(
        db.session.scalars(
            sa.select(sa.func.min(HolidayOverride.day)).group_by(
                sa.extract("year", HolidayOverride.day)
            )
        )
    )
    filled_years = {d.year for d in filled if d is not None}
    return [y for y in missing if y not in filled_years]


def count_working_days(after: date, through: date) -> int:
    """How many working days lie in (``after``, ``through``]: 0 when ``through`` is not later."""
    if through <= after:
        return 0
    overrides = _overrides(after + timedelta(days=1), through)
    return sum(
        _is_workday(after + timedelta(days=i), overrides) for i in range(1, (through - after).days + 1)
    )
