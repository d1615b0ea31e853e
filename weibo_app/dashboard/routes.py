"""Supervisors see every figure; the public sees the scoreboard."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_login import current_user, login_required

from ..access.scope import oversees, oversight_of
from ..calendar.workdays import uncovered_years
from ..core.clock import local_today
from ..core.extensions import db
from ..core.pagecache import cached_page
from ..core.settings import get_setting
from ..departments.operations import get_department
from ..disclosure.queries import dashboard_figures as request_figures
from ..metrics.figures import compute_metrics
from ..metrics.index import index_formula
from ..metrics.labels import FIGURE_LABELS, short_label
from ..metrics.queries import parse_channel
from ..metrics.rows import FIGURES, THREAD_FIGURES, rows_behind
from ..metrics.trends import bar_class, weekly_trends
from ..models import Department
from ..supervision import queries as notices
from .charts import chart_data
from .period import parse_period
from .queries import roll_up_departments, watch_lists
from .table import COLUMNS, COOKIE, DEFAULT_COLUMNS, grouped, parse_columns, parse_sort, sort_rows, split_roll_up

bp = Blueprint("dashboard", __name__)
LIST_LIMIT = 20  # rows in each list on the dashboard; "查看全部" leads to the rest


def _scope_ids() -> list[int] | None:
    """Departments the current supervisor may see (None: all)."""
    scope = oversight_of(current_user)
    if scope.everything:
        return None
    return list(db.session.scalars(sa.select(Department.id).where(scope.clause(Department.id))))


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
    channel = parse_channel(request.args.get("channel"))
    asked = parse_columns(request.args.getlist("cols") if "cols" in request.args else None)
    columns = asked or parse_columns([request.cookies.get(COOKIE, "")])  # the remembered choice, else the defaults
    sort, direction = parse_sort(request.args.get("sort"), request.args.get("dir"))
    rows = compute_metrics(period, department_ids=_scope_ids(), subtree=subtree, channel=channel)
    totals, others = split_roll_up(rows, roll_up_departments([r["department"] for r in rows]) if subtree else set())
    year = local_today().year
    scope = oversight_of(current_user).subtree_root
    lists = watch_lists(period, scope, LIST_LIMIT)
    trends = weekly_trends(period.as_of, scope)
    focus = chart_focus(request.args.get("chart_department"))
    page = render_template(
        "dashboard/index.html", rows=rows, totals=totals, others=sort_rows(others, sort, direction),
        columns=columns, column_groups=grouped(columns), column_groups_all=grouped(COLUMNS), default_columns=DEFAULT_COLUMNS,
        sort=sort, direction=direction, period=period, subtree=subtree, channel=channel,
        uncovered=uncovered_years([year, year + 1]),
        scope=scope, **lists,
        trends=trends, max_threads=max((w["threads"] for w in trends), default=0), bar_class=bar_class,
        notice_counts=notices.counts_by_state(scope, period.as_of),
        pending_notices=notices.pending_notices(scope, period.as_of, LIST_LIMIT),
        request_rows=request_figures(scope, period.first_day, period.end_day, local_today()),
        index_formula=index_formula(), dormant_days=get_setting("DORMANT_DAYS"),
        charts=chart_data(period, rows, scope, focus=focus, channel=channel), chart_focus=focus,
    )
    response = make_response(page)
    if asked:  # remembered for the next visit without ``cols``
        response.set_cookie(COOKIE, ",".join(asked), max_age=365 * 86400, path="/dashboard", httponly=True,
                            samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def chart_focus(slug: str | None) -> Department | None:
    """The department the trend and distribution charts show (None: the viewer's whole scope)."""
    if not slug:
        return None
    department = get_department(slug)
    if not oversees(current_user, department):
        abort(403)
    return department


def rows_request():
    """The figure, period, department and roll-up a drill-down asks for, checked against the viewer's scope."""
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
    return figure, period, department, subtree, parse_channel(request.args.get("channel"))


@bp.app_context_processor
def figure_words():
    return {"figure_labels": FIGURE_LABELS, "short_label": short_label}


@bp.get("/dashboard/rows")
@login_required
def rows():
    """The threads or posts behind one figure of one department."""
    _require_overseer()
    figure, period, department, subtree, channel = rows_request()
    found = rows_behind(figure, period, department, subtree, channel=channel)
    return render_template(
        "dashboard/rows.html", items=found, figure=figure, is_threads=figure in THREAD_FIGURES,
        department=department, period=period, subtree=subtree, channel=channel,
    )


@bp.get("/scoreboard")
@cached_page("from", "to", "rank")
def scoreboard():
    """Public: every department's reply rate, on-time rate, median first response and index;
    ranked by reply rate, or by the responsiveness index (``rank=index``)."""
    period = parse_period(request.args.get("from"), request.args.get("to"), default_days=90)
    rows = compute_metrics(period, subtree=False)
    rank = "index" if request.args.get("rank") == "index" else "reply_rate"
    key = "responsiveness_index" if rank == "index" else "reply_rate"
    rows.sort(key=lambda r: (r[key] is None, -(r[key] or 0), r["department"]))
    return render_template("dashboard/scoreboard.html", rows=rows, period=period, rank=rank, rank_key=key,
                           index_formula=index_formula())


from . import exports  # noqa: E402,F401  (registers the export routes on this blueprint)
