"""The legal clock of an information request (Regulation on the Disclosure of Government
Information, 2019, articles 30–33), on the official working-day calendar.

- Answer by the end of the 20th working day after the day of receipt (that day not counted);
  a request received on a rest day counts from that day, so the next working day is day 1.
- A correction notice (补正) may go out within 7 working days of receipt; it stops the clock,
  and the day the applicant corrects becomes the new day of receipt.
- Consulting a third party: the working days after the day it was asked, up to and including
  the day of its answer or the end of its 15-working-day limit, do not count.
- One extension, by at most 20 working days.

Each pause or extension only adds working days to the count, so the due day is always
``ANSWER_DAYS + paused + extension`` working days after the day of receipt.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..calendar.workdays import count_working_days, nth_working_day_after

ANSWER_DAYS = 20
CORRECTION_WINDOW_DAYS = 7
CORRECTION_DEFAULT_DAYS = 15
CORRECTION_MAX_DAYS = 60
THIRD_PARTY_LIMIT_DAYS = 15
EXTENSION_MAX_DAYS = 20
#: The queue's yellow light: a request is due within this many working days, today included.
WARNING_DAYS = 3


def answer_due(received_on: date, third_party_days: int = 0, extension_days: int = 0) -> date:
    """The last day to answer."""
    return nth_working_day_after(received_on, ANSWER_DAYS + third_party_days + extension_days)


def correction_window_end(received_on: date) -> date:
    """The last day a correction notice may be sent."""
    return nth_working_day_after(received_on, CORRECTION_WINDOW_DAYS)


def correction_deadline(asked_on: date, working_days: int = CORRECTION_DEFAULT_DAYS) -> date:
    """The day by which the applicant must correct."""
    return nth_working_day_after(asked_on, working_days)


def third_party_limit(asked_on: date) -> date:
    """The last day of a third party's 15 working days."""
    return nth_working_day_after(asked_on, THIRD_PARTY_LIMIT_DAYS)


def third_party_paused_days(asked_on: date, replied_on: date | None) -> int:
    """Working days that do not count: after ``asked_on`` through the reply or the limit.

    While no answer has come, the whole limit is assumed (it is what applies if none comes).
    """
    limit = third_party_limit(asked_on)
    end = limit if replied_on is None else min(replied_on, limit)
    return count_working_days(asked_on, end)


def yellow_before(today: date) -> date:
    """Requests due on ``today`` up to the day before this one are in their last working days."""
    return nth_working_day_after(today - timedelta(days=1), WARNING_DAYS + 1)


def light(due_on: date | None, today: date, warn_before: date) -> str:
    """``red`` (overdue), ``yellow`` (last working days) or ``green`` for an open request."""
    if due_on is None:
        return "paused"
    if due_on < today:
        return "red"
    if due_on < warn_before:
        return "yellow"
    return "green"
