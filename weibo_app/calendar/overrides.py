"""The holiday-override table an admin edits for years the calendar package does not cover."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.log import record
from ..core.exceptions import Invalid, NotFound
from ..core.extensions import db
from ..core.text import normalize
from ..models import HolidayOverride, User


def set_override(actor: User, day: date, is_workday: bool, note: str = "") -> HolidayOverride:
    """Declare ``day`` a working day or a rest day, whatever the package says."""
    note = normalize(note)
    if len(note) > 80:
        raise Invalid(_("说明不能超过80个字。"), "note_too_long")
    row = db.session.get(HolidayOverride, day)
    if row is None:
        row = HolidayOverride(day=day, is_workday=is_workday, note=note)
        db.session.add(row)
    else:
        row.is_workday, row.note = is_workday, note
    record(actor, "calendar.set", "calendar", None, reason=note or None,
           day=day.isoformat(), is_workday=is_workday)
    return row


def remove_override(actor: User, day: date) -> None:
    row = db.session.get(HolidayOverride, day)
    if row is None:
        raise NotFound(_("没有这一天的设置。"), "override_not_found")
    db.session.delete(row)
    record(actor, "calendar.remove", "calendar", None, day=day.isoformat())


def list_overrides(year: int | None = None) -> list[HolidayOverride]:
    stmt = sa.select(HolidayOverride).order_by(HolidayOverride.day)
    if year:
        stmt = stmt.where(HolidayOverride.day.between(date(year, 1, 1), date(year, 12, 31)))
    return list(db.session.scalars(stmt))
