"""The annual report: a printable page, its .xlsx, the department's form and publishing."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access.permissions import oversees
from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..departments.operations import get_department
from ..disclosure import labels as request_labels
from . import figures as fig
from . import labels, operations
from .forms import PublishForm, ReportForm
from .xlsx import build_workbook

bp = Blueprint("reports", __name__)


def _subtree() -> bool:
    return request.args.get("subtree") in ("1", "true")


def _title(department, year: int, subtree: bool) -> str:
    if subtree:
        return _("%(dept)s（含下级部门）%(year)s年政府信息公开工作年度报告", dept=department.name, year=year)
    return _("%(dept)s%(year)s年政府信息公开工作年度报告", dept=department.name, year=year)


def _render(department, year: int, form: ReportForm | None = None, status: int = 200):
    subtree = _subtree()
    report = operations.get_viewable(current_user, department, year)
    editable = operations.can_edit(current_user, department) and not (report and report.published_at)
    if editable and form is None:
        form = ReportForm(formdata=None, obj=report)
        form.fill_proactive(fig.proactive_table(department, year))
    return render_template(
        "reports/annual.html", department=department, year=year, subtree=subtree, report=report,
        title=_title(department, year, subtree), figures=fig.report_figures(department, year, subtree),
        weibo=fig.weibo_figures(department, year, subtree), form=form if editable else None,
        publish_form=PublishForm(formdata=None) if report and not report.published_at
        and oversees(current_user, department) else None,
        columns=labels.column_labels(), rows=labels.section3_rows(), proactive_rows=labels.proactive_rows(),
        PROACTIVE=fig.PROACTIVE, APPEAL_KINDS=fig.APPEAL_KINDS, APPEAL_RESULTS=fig.APPEAL_RESULTS,
        COLUMN_KEYS=fig.COLUMNS, rl=request_labels,
    ), status


@bp.get("/reports/annual/<int:year>/<slug>")
def annual(year: int, slug: str):
    """The report, printable; ``?subtree=1`` adds the departments below."""
    return _render(get_department(slug), year)


@bp.get("/reports/annual/<int:year>/<slug>.xlsx")
def annual_xlsx(year: int, slug: str):
    """The report's tables as a workbook, with the same figures as the page and the API."""
    department = get_department(slug)
    operations.get_viewable(current_user, department, year)
    subtree = _subtree()
    data = build_workbook(_title(department, year, subtree), fig.report_figures(department, year, subtree))
    name = f"annual-report-{year}-{department.slug}{'-subtree' if subtree else ''}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/reports/annual/<int:year>/<slug>")
def save(year: int, slug: str):
    """The department saves its text and figures (until the report is published)."""
    department = get_department(slug)
    if not operations.can_edit(current_user, department):
        abort(403 if current_user.is_authenticated else 404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            operations.save_report(current_user, department, year, overview=form.overview.data,
                                   proactive=form.proactive_data(), problems=form.problems.data,
                                   other_matters=form.other_matters.data)
        except ServiceError as err:
            db.session.rollback()
            if err.status == 409:
                flash(err.message, "error")
                return redirect(url_for("reports.annual", year=year, slug=slug), 303)
            form.overview.errors = list(form.overview.errors) + [err.message]
        else:
            db.session.commit()
            flash(_("年度报告已保存。"), "success")
            return redirect(url_for("reports.annual", year=year, slug=slug), 303)
    return _render(department, year, form, 422)


@bp.post("/reports/annual/<int:year>/<slug>/publish")
def publish(year: int, slug: str):
    """A supervisor over the department publishes the report."""
    department = get_department(slug)
    if not oversees(current_user, department):
        abort(403 if current_user.is_authenticated else 404)
    if PublishForm().validate_on_submit():
        try:
            operations.publish_report(current_user, department, year)
        except ServiceError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("年度报告已发布。"), "success")
    return redirect(url_for("reports.annual", year=year, slug=slug), 303)
