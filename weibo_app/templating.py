"""Template filters and the values every page needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app, g, has_app_context
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user

from .core import i18n, labels
from .core.clock import local_time, to_local, utcnow
from .core.settings import get_setting, site_identity
from .models import User


def iso(moment: datetime | None) -> str:
    return to_local(moment).isoformat(timespec="seconds") if moment else ""


def age(moment: datetime | None) -> str:
    """How long ago, in the largest sensible unit (once per row of the inbox: the catalogue
    is the request's, found once, as for the templates' ``_``)."""
    if moment is None:
        return ""
    seconds = int((utcnow() - moment).total_seconds())
    if seconds < 3600:
        return _translated("%(n)d分钟", n=max(seconds // 60, 0))
    if seconds < 86400:
        return _translated("%(n)d小时", n=seconds // 3600)
    return _translated("%(n)d天", n=seconds // 86400)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def add_nav_counter(app: Flask, name: str, counter: Callable[[User], int | None]) -> None:
    """A feature adds a badge to the navigation bar: ``counter(user)``, None where it has none."""
    app.extensions.setdefault("nav_counters", {})[name] = counter


def nav_counts() -> dict[str, int]:
    """The badges in the navigation bar: one small query per badge the user has."""
    if not current_user.is_authenticated:
        return {}
    counts = {}
    for name, counter in current_app.extensions.get("nav_counters", {}).items():
        value = counter(current_user)
        if value is not None:
            counts[name] = value
    return counts


def _translations():
    """The request's catalogue, looked up once per request rather than once per string."""
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


def _translated(string: str, **variables) -> str:
    """Flask-Babel's ``gettext`` with the request's catalogue looked up once per request."""
    if not has_app_context():
        return _(string, **variables)
    found = _translations().ugettext(string)
    return found % variables if variables else found


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
