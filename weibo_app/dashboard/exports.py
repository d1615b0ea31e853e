"""Supervisors hand the figures on: the metrics table of a period, and the rows behind any figure,
as CSV or XLSX, scoped to what they oversee. The same functions feed the pages."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_login import login_required

from ..core.clock import to_local
from ..core.labels import KIND_LABELS, STATE_LABELS
from ..core.tables import FORMATS, send_table
from ..metrics.figures import compute_metrics
from ..metrics.labels import FIGURE_LABELS, figure_label
from ..metrics.queries import FIELDS, parse_channel
from ..metrics.rows import THREAD_FIGURES, rows_behind
from .period import parse_period
from .routes import _require_overseer as require_overseer
from .routes import _scope_ids as scope_ids
from .routes import bp, rows_request

#: The metrics columns, in the dashboard's order: every field the metrics compute.
COLUMNS = tuple(FIELDS)


def _local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _period_name(period) -> str:
    return f"{period.first_day.isoformat()}_{period.end_day.isoformat()}"


@bp.get("/dashboard/export.<fmt>")
@login_required
def export_metrics(fmt: str):
    """The metrics table of the period (with or without roll-up) as a file."""
    require_overseer()
    if fmt not in FORMATS:
        abort(404)
    period = parse_period(request.args.get("from"), request.args.get("to"))
    subtree = request.args.get("subtree", "1") == "1"
    channel = parse_channel(request.args.get("channel"))
    rows = compute_metrics(period, department_ids=scope_ids(), subtree=subtree, channel=channel)
    header = [_("部门代码"), _("部门")] + [str(FIGURE_LABELS.get(c, c)) for c in COLUMNS]
    body = [[row["department"], row["name"], *(row[c] for c in COLUMNS)] for row in rows]
    name = f"metrics_{_period_name(period)}{'_subtree' if subtree else ''}"
    return send_table(fmt, name, _("办理情况"), header, body)


@bp.get("/dashboard/rows.<fmt>")
@login_required
def export_rows(fmt: str):
    """The threads or posts behind one figure, as a file (the same rows as the page)."""
    require_overseer()
    if fmt not in FORMATS:
        abort(404)
    figure, period, department, subtree, channel = rows_request()
    items = rows_behind(figure, period, department, subtree, channel=channel)
    if figure in THREAD_FIGURES:
        header = [_("编号"), _("部门"), _("类型"), _("状态"), _("内容"), _("留言时间"), _("办理时限"), _("首次回复")]
        body = [[t.id, t.department.name, str(KIND_LABELS.get(t.kind, t.kind)), str(STATE_LABELS.get(t.state, t.state)),
                 t.body, _local(t.opened_at), _local(t.due_at), _local(t.first_response_at)] for t in items]
    else:
        header = [_("编号"), _("部门"), _("发布时间"), _("内容")]
        body = [[p.id, p.department.name, _local(p.published_at), p.body] for p in items]
    slug = department.slug if department else "all"
    return send_table(fmt, f"{figure}_{slug}_{_period_name(period)}", figure_label(figure), header, body)

