"""The annual report's figures as JSON."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..core.exceptions import Invalid
from ..departments.operations import get_department
from ..reports.figures import report_figures
from ..reports.operations import get_viewable
from . import bp


@bp.get("/reports/annual")
def annual_report():
    """``?year=&department=&subtree=``: published for everybody, drafts for the department and supervisors."""
    raw_year = request.args.get("year", "")
    if not raw_year.isdigit() or len(raw_year) != 4:
        raise Invalid(_("请给出四位数的年度。"), "invalid_year")
    subtree = request.args.get("subtree", "0")
    if subtree not in ("0", "1", "true", "false"):
        raise Invalid(_("subtree 只能是 0 或 1。"), "invalid_subtree")
    department = get_department(request.args.get("department", "")[:60])
    report = get_viewable(current_user, department, int(raw_year))
    figures = report_figures(department, int(raw_year), subtree in ("1", "true"))
    return jsonify({**figures, "published": bool(report and report.published_at)})
