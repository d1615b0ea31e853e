"""The daily digest for staff who opted in: their department's awaiting and overdue threads, by e-mail."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from ..core.clock import local_today, utcnow
from ..core.extensions import db
from ..models import STAFF_ROLES, ContactSettings, User
from ..notifications.delivery import enqueue
from .queries import inbox, inbox_totals

LISTED = 10


def _text(user: User, awaiting: int, overdue: int, threads, now) -> str:
    from ..templating import local_time

    lines = [_("%(dept)s：待回复 %(n)s 条，其中超期 %(o)s 条。", dept=user.department.name, n=awaiting, o=overdue), ""]
    for thread in threads:
        mark = _("【超期】") if thread.is_overdue(now) else ""
        lines.append(_("%(mark)s第%(id)s号 办理时限 %(due)s", mark=mark, id=thread.id, due=local_time(thread.due_at)))
    if awaiting > len(threads):
        lines.append(_("……另有 %(n)s 条", n=awaiting - len(threads)))
    lines += ["", url_for("threads.inbox", _external=True)]
    return "\n".join(lines) + "\n"


def send_digests() -> int:
    """Queue today's digest for every active staff member who chose it; once a day each. Returns how many."""
    today, now = local_today(), utcnow()
    rows = db.session.execute(
        sa.select(ContactSettings, User).join(User, User.id == ContactSettings.user_id).where(
            ContactSettings.digest.is_(True), ContactSettings.email_verified_at.is_not(None),
            sa.or_(ContactSettings.digest_sent_on.is_(None), ContactSettings.digest_sent_on < today),
            User.active.is_(True), User.role.in_(list(STAFF_ROLES)), User.department_id.is_not(None),
        ).order_by(User.id)
    ).all()
    queued = 0
    for settings, user in rows:
        awaiting, overdue = inbox_totals(user.department_id, now)
        settings.digest_sent_on = today
        if not awaiting:
            continue  # nothing waiting: no mail
        threads = inbox(user.department_id, limit=LISTED)
        subject = _("每日待办：待回复 %(n)s 条，超期 %(o)s 条", n=awaiting, o=overdue)
        enqueue("email", settings.email, _text(user, awaiting, overdue, threads, now), subject=subject)
        queued += 1
    db.session.flush()
    return queued
