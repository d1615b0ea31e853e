"""The settings an admin may change at run time (``settings.EDITABLE``): the rules, and the site's identity."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..core.settings import EDITABLE, SITE_IDENTITY, get_setting
from .manage_forms import CsrfOnlyForm
from .operations import change_setting
from .routes import bp
from .setting_labels import MULTILINE, SETTING_LABELS, TEXT_LIMIT_DEFAULT, TEXT_LIMITS

#: No value typed into a number field is longer than this.
FIELD_MAX = 10

#: The rules on the settings page: every editable setting but the site's identity.
RULES = tuple(name for name in EDITABLE if name not in SITE_IDENTITY)


def _submitted(name: str):
    """The raw value(s) the form sent for one setting, bounded in length."""
    if EDITABLE[name] is dict:
        return {key: request.form[f"{name}-{key}"][:FIELD_MAX]
                for key in get_setting(name) if f"{name}-{key}" in request.form}
    if EDITABLE[name] is str:
        return request.form.get(name, "")[: TEXT_LIMITS.get(name, TEXT_LIMIT_DEFAULT) + 1]
    return request.form.get(name, "")[:FIELD_MAX]


def _save(names: tuple[str, ...]) -> tuple[dict[str, str], dict[str, object]]:
    """Change each submitted setting; on any error change none and keep what was typed."""
    errors: dict[str, str] = {}
    typed: dict[str, object] = {}
    for name in names:
        if name not in request.form and not any(k.startswith(f"{name}-") for k in request.form):
            continue
        typed[name] = _submitted(name)
        try:
            change_setting(current_user, name, typed[name])
        except ServiceError as err:
            errors[name] = err.message
    if errors:
        db.session.rollback()
    else:
        db.session.commit()
    return errors, typed


def _values(names: tuple[str, ...], typed: dict[str, object]) -> dict[str, object]:
    values = {name: get_setting(name) for name in names}
    for name, value in typed.items():
        values[name] = {**values[name], **value} if isinstance(value, dict) else value
    return values


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Change the run-time rules; each change is audit-logged."""
    form = CsrfOnlyForm()
    errors: dict[str, str] = {}
    typed: dict[str, object] = {}
    if form.validate_on_submit():
        errors, typed = _save(RULES)
        if not errors:
            flash(_("设置已保存。"), "success")
            return redirect(url_for("admin.settings"), 303)
    defaults = {name: current_app.config.get(name) for name in RULES}
    return render_template("admin/settings.html", form=form, values=_values(RULES, typed), defaults=defaults,
                           editable={name: EDITABLE[name] for name in RULES}, errors=errors,
                           names=SETTING_LABELS), 422 if errors or form.errors else 200


@bp.route("/site", methods=["GET", "POST"])
def site():
    """The site's name and the footer every page carries: owner, operator, 备案号, contact, accessibility."""
    form = CsrfOnlyForm()
    errors: dict[str, str] = {}
    typed: dict[str, object] = {}
    if form.validate_on_submit():
        errors, typed = _save(SITE_IDENTITY)
        if not errors:
            flash(_("网站信息已保存。"), "success")
            return redirect(url_for("admin.site"), 303)
    return render_template("admin/site.html", form=form, values=_values(SITE_IDENTITY, typed), errors=errors,
                           names=SETTING_LABELS, multiline=MULTILINE, limits=TEXT_LIMITS,
                           limit_default=TEXT_LIMIT_DEFAULT), 422 if errors or form.errors else 200
