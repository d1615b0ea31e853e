"""The audit log viewer (操作留痕) for admins and supervisors: read-only, keyset-paginated.

A blueprint of its own: the admin blueprint admits admins only, while
supervisors read the log of the departments they oversee.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from ..access.scope import oversight_of
from ..core.clock import local_midnight_utc, site_tz
from ..core.extensions import db
from ..core.pagination import Page, keyset_desc, page_of
from ..models import AuditLog, Department, User
from .forms import AuditFilterForm
from .labels import action_label, detail_items, target_label
from .targets import target_links

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PAGE = 50


@bp.before_request
@login_required
def require_overseer():
    if not current_user.can_oversee:
        abort(403)


def audit_page(viewer: User, form: AuditFilterForm, cursor: str | None, limit: int = PAGE) -> Page:
    """Entries the viewer may read, newest first, narrowed by the filter form's values."""
    stmt = (
        sa.select(AuditLog, Department)
        .outerjoin(Department, AuditLog.department_id == Department.id)
        .options(joinedload(AuditLog.actor))
    )
    scope = oversight_of(viewer)
    if not scope.everything:
        stmt = stmt.where(scope.clause(AuditLog.department_id))
    if form.actor.data:
        actor_ids = sa.select(User.id).where(sa.func.lower(User.username) == form.actor.data.strip().lower())
        stmt = stmt.where(AuditLog.actor_id.in_(actor_ids))
    if form.action.data:
        stmt = stmt.where(AuditLog.action.startswith(form.action.data.strip(), autoescape=True))
    if form.department.data:
        dept = db.session.scalar(sa.select(Department).where(Department.slug == form.department.data.strip()))
        if dept is None:
            return Page([], None)
        stmt = stmt.where(Department.subtree_clause(dept))
    if form.start.data:
        stmt = stmt.where(AuditLog.created_at >= local_midnight_utc(form.start.data))
    if form.end.data:
        stmt = stmt.where(AuditLog.created_at < local_midnight_utc(form.end.data + timedelta(days=1)))
    stmt = keyset_desc(stmt, AuditLog.created_at, AuditLog.id, cursor, limit)
    rows = list(db.session.execute(stmt).unique().tuples())
    return page_of(rows, limit, lambda row: (row[0].created_at, row[0].id))


@bp.app_template_filter("utc_iso")
def utc_iso(moment) -> str:
    """The instant in UTC, for ``<time datetime>`` (the page shows the local time)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


@bp.get("")
def index():
    """The audit log, filterable by actor, action, department and date."""
    form = AuditFilterForm(request.args)
    if not form.validate():
        return render_template("admin/audit.html", form=form, page=Page([], None), links={}), 422
    page = audit_page(current_user, form, request.args.get("cursor"))
    links = target_links(current_user, (entry for entry, _dept in page.items))
    return render_template("admin/audit.html", form=form, page=page, links=links, action_label=action_label,
                           target_label=target_label, detail_items=detail_items, site_tz_name=str(site_tz()))
