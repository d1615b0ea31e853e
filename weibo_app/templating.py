"""Template filters and the values every page needs."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Flask, g
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user

from .core import i18n, labels
from .core.clock import to_local, utcnow
from .core.extensions import db
from .core.settings import get_setting, site_identity
from .models import Thread, ThreadState


def local_time(moment: datetime | None) -> str:
    """Local date and minute, the same in every language ("2026-11-23 08:15")."""
    if moment is None:
        return ""
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def iso(moment: datetime | None) -> str:
    return to_local(moment).isoformat(timespec="seconds") if moment else ""


def age(moment: datetime | None) -> str:
    """How long ago, in the largest sensible unit."""
    if moment is None:
        return ""
    seconds = int((utcnow() - moment).total_seconds())
    if seconds < 3600:
        return _("%(n)d分钟", n=max(seconds // 60, 0))
    if seconds < 86400:
        return _("%(n)d小时", n=seconds // 3600)
    return _("%(n)d天", n=seconds // 86400)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def nav_counts() -> dict[str, int]:
    """The badges in the navigation bar: one small query per badge the user has."""
    counts: dict[str, int] = {}
    if current_user.is_authenticated and current_user.is_staff:
        counts["inbox"] = db.session.scalar(
            sa.select(sa.func.count(Thread.id)).where(
                Thread.department_id == current_user.department_id,
                Thread.state == ThreadState.AWAITING,
            )
        ) or 0
    if current_user.is_authenticated and current_user.can_review:
        from .review.queries import waiting_count

        counts["review"] = waiting_count(current_user)
    if current_user.is_authenticated:
        from .notifications.queries import unread_count

        counts["notifications"] = unread_count(current_user.id)
    return counts


def _translations():
    """The request's catalogue, looked up once per request rather than once per string."""
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


def install_gettext(app: Flask) -> None:
    """Templates call ``_()`` a few hundred times a page; Flask-Babel's own callables
    resolve the locale and catalogue on every call. Same catalogue, found once."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )


def register(app: Flask) -> None:
    install_gettext(app)
    app.add_template_filter(local_time)
    app.add_template_filter(iso)
    app.add_template_filter(age)
    app.add_template_filter(percent)
    app.add_template_filter(hours)
    app.after_request(i18n.remember_choice)
    app.after_request(i18n.remember_text_size)

    @app.context_processor
    def common():
        return {
            "labels": labels,
            "now": utcnow(),
            "nav_counts": nav_counts,
            "current_locale": "en" if str(get_locale()).startswith("en") else "zh_CN",
            "post_max_length": lambda: get_setting("POST_MAX_LENGTH"),
            "site": site_identity,
            "text_size": i18n.select_text_size(),
        }
