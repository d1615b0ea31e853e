"""The settings an admin may change at run time (``settings.EDITABLE``)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..core.settings import EDITABLE, get_setting
from .manage_forms import CsrfOnlyForm
from .operations import change_setting
from .routes import bp

#: No value typed into a settings field is longer than this.
FIELD_MAX = 10


def _submitted(name: str):
    """The raw value(s) the form sent for one setting, bounded in length."""
    if EDITABLE[name] is dict:
        value = {key: request.form[f"{name}-{key}"][:FIELD_MAX]
                 for key in get_setting(name) if f"{name}-{key}" in request.form}
    else:
        value = request.form.get(name, "")[:FIELD_MAX]
    return value


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Change the run-time settings; each change is audit-logged."""
    form = CsrfOnlyForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        for name in EDITABLE:
            if name not in request.form and not any(k.startswith(f"{name}-") for k in request.form):
                continue
            try:
                change_setting(current_user, name, _submitted(name))
            except ServiceError as err:
                errors[name] = err.message
        if errors:
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("设置已保存。"), "success")
            return redirect(url_for("admin.settings"), 303)
    values = {name: get_setting(name) for name in EDITABLE}
    defaults = {name: current_app.config.get(name) for name in EDITABLE}
    return render_template("admin/settings.html", form=form, values=values, defaults=defaults,
                           editable=EDITABLE, errors=errors), 422 if errors or form.errors else 200
