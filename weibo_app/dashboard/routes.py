"""Supervisors see every figure; the public sees the scoreboard."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from ..clock import local_today
from ..departments.operations import get_department
from ..extensions import db
from ..metrics.queries import compute_metrics
from ..metrics.rows import FIGURES, THREAD_FIGURES, rows_behind
from ..models import Department
from ..permissions import oversees
from ..workdays import uncovered_years
from .period import parse_period

bp = Blueprint("dashboard", __name__)


def _scope_ids() -> list[int] | None:
    """Departments the current supervisor may see (None: all)."""
    if current_user.is_admin or current_user.supervised_department is None:
        return None
    root = current_user.supervised_department
    return list(db.session.scalars(
        sa.select(Department.id).where(Department.path.startswith(root.path, autoescape=False))
    ))


def _require_overseer():
    if not current_user.can_oversee:
        abort(403)


@bp.get("/dashboard")
@login_required
def index():
    """The metrics table with subtree roll-up, and the calendar's coverage."""
    _require_overseer()
    period = parse_period(request.args.get("from"), request.args.get("to"))
    subtree = request.args.get("subtree", "1") == "1"
    rows = compute_metrics(period, department_ids=_scope_ids(), subtree=subtree)
    year = local_today().year
    return render_template(
        "dashboard/index.html", rows=rows, period=period, subtree=subtree,
        uncovered=uncovered_years([year, year + 1]),
    )


@bp.get("/dashboard/rows")
@login_required
def rows():
    """The threads or posts behind one figure of one department."""
    _require_overseer()
    figure = request.args.get("figure", "")
    if figure not in FIGURES:
        abort(404)
    period = parse_period(request.args.get("from"), request.args.get("to"))
    subtree = request.args.get("subtree", "1") == "1"
    slug = request.args.get("department")
    department = get_department(slug) if slug else None
    if department is not None and not oversees(current_user, department):
        abort(403)
    if department is None and _scope_ids() is not None:
        abort(403)
    found = rows_behind(figure, period, department, subtree)
    return render_template(
        "dashboard/rows.html", items=found, figure=figure, is_threads=figure in THREAD_FIGURES,
        department=department, period=period, subtree=subtree,
    )


@bp.get("/scoreboard")
def scoreboard():
    """Public: every department's reply rate, on-time rate and median first response."""
    period = parse_period(request.args.get("from"), request.args.get("to"), default_days=90)
    rows = compute_metrics(period, subtree=False)
    rows.sort(key=lambda r: (r["reply_rate"] is None, -(r["reply_rate"] or 0), r["department"]))
    return render_template("dashboard/scoreboard.html", rows=rows, period=period)
