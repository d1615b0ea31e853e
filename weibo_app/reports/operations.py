"""Writing and publishing the annual report. The department writes its text and the article 20
figures; a supervisor over it publishes; from then on it is public and no longer changes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..access.permissions import acts_for, oversees
from ..audit.log import record
from ..core.clock import local_today, utcnow
from ..core.exceptions import Conflict, Forbidden, Invalid, NotFound
from ..core.extensions import db
from ..core.text import normalize
from ..models import AnnualReport, Department, User
from ..notifications.operations import notify_department
from .figures import PROACTIVE

TEXT_MAX = 20000
FIRST_YEAR = 2000
FIGURE_MAX = 10**9


def find_report(department: Department, year: int) -> AnnualReport | None:
    return db.session.scalar(
        sa.select(AnnualReport).where(AnnualReport.department_id == department.id, AnnualReport.year == year)
    )


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= local_today().year:
        raise Invalid(_("年度应在%(first)d年至今年之间。", first=FIRST_YEAR), "invalid_year")
    return year


def can_edit(user: User | None, department: Department) -> bool:
    return acts_for(user, department.id) or oversees(user, department)


def can_view(user: User | None, department: Department, report: AnnualReport | None) -> bool:
    """A published report is public; a draft is for the department and the supervisors over it."""
    return (report is not None and report.published_at is not None) or can_edit(user, department)


def get_viewable(user: User | None, department: Department, year: int) -> AnnualReport | None:
    report = find_report(department, check_year(year))
    if not can_view(user, department, report):
        raise NotFound(_("该年度报告尚未发布。"), "report_not_published")
    return report


def _figures(raw: dict[str, Any] | None) -> dict[str, dict[str, float]]:
    clean: dict[str, dict[str, float]] = {}
    for item, fields in PROACTIVE.items():
        clean[item] = {}
        for field in fields:
            value = ((raw or {}).get(item) or {}).get(field, 0)
            if value in (None, ""):
                value = 0
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= FIGURE_MAX:
                raise Invalid(_("主动公开数字应为不小于0的数。"), "invalid_figure")
            clean[item][field] = value if item == "fees" else int(value)
    return clean


def save_report(actor: User, department: Department, year: int, *, overview: str | None,
                proactive: dict[str, Any] | None, problems: str | None, other_matters: str | None) -> AnnualReport:
    """The department's text (sections 1, 5, 6) and article 20 figures (section 2)."""
    if not can_edit(actor, department):
        raise Forbidden(_("只有该部门的工作人员可以编写年度报告。"), "not_allowed")
    report = find_report(department, check_year(year))
    if report is not None and report.published_at is not None:
        raise Conflict(_("年度报告已发布，不能再修改。"), "report_published")
    texts = {name: normalize(value) for name, value in
             (("overview", overview), ("problems", problems), ("other_matters", other_matters))}
    if any(len(t) > TEXT_MAX for t in texts.values()):
        raise Invalid(_("内容不能超过%(n)d个字。", n=TEXT_MAX), "too_long")
    figures = _figures(proactive)
    if report is None:
        report = AnnualReport(department_id=department.id, year=year)
        db.session.add(report)
    for name, text in texts.items():
        setattr(report, name, text)
    report.proactive, report.updated_at, report.updated_by_id = figures, utcnow(), actor.id
    db.session.flush()
    record(actor, "report.save", "annual_report", report.id, department_id=department.id, year=year)
    return report


def publish_report(actor: User, department: Department, year: int) -> AnnualReport:
    """A supervisor over the department publishes the report: public from now on."""
    if not oversees(actor, department):
        raise Forbidden(_("只有督办人员可以发布年度报告。"), "not_overseer")
    report = find_report(department, check_year(year))
    if report is None:
        raise Conflict(_("部门尚未编写该年度报告。"), "report_missing")
    if report.published_at is not None:
        raise Conflict(_("年度报告已发布。"), "report_published")
    report.published_at, report.published_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "report.publish", "annual_report", report.id, department_id=department.id, year=year)
    notify_department(department.id, "report_published", department=department.name, year=year,
                      slug=department.slug)
    return report
