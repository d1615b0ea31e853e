"""Admin-edited working-day overrides for years the calendar package does not cover."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import db


class HolidayOverride(db.Model):
    __tablename__ = "holiday_overrides"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    # True: an adjusted working day (调休上班); False: a rest day (放假).
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.String(80), default="")
