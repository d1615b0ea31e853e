"""Reading a period from the query string: local dates, ``to`` exclusive."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from ..core.clock import local_today
from ..core.dates import parse_date
from ..core.exceptions import Invalid
from ..metrics.queries import Period, make_period

MAX_DAYS = 3660


def parse_period(raw_from: str | None, raw_to: str | None, default_days: int = 30) -> Period:
    """The period asked for, or the last ``default_days`` days including today."""
    today = local_today()
    end = parse_date(raw_to, "to") or today + timedelta(days=1)
    start = parse_date(raw_from, "from") or end - timedelta(days=default_days)
    if start >= end:
        raise Invalid(_("开始日期必须早于结束日期。"), "invalid_period")
    if (end - start).days > MAX_DAYS:
        raise Invalid(_("时间段不能超过十年。"), "invalid_period")
    return make_period(start, end)
