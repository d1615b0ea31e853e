"""The annual report's figures (国办公开办函〔2021〕30号), aggregated in the database.

Section 3 counts requests by the day they were first received (``filed_on``) and the day
they were decided (``answered_on``), so for a year Y:

- ``new``: received in Y;
- ``carried_over``: received before Y and not decided before 1 January Y;
- each outcome: decided in Y (received in Y or before);
- ``carried_forward``: received by 31 December Y and not decided by then.

Each row is its own aggregate, so ``new + carried_over = results_total + carried_forward``
is a real check of the data, not an identity of the arithmetic.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from ..core.extensions import db
from ..metrics.figures import compute_metrics
from ..metrics.queries import make_period, published_in
from ..models import (
    AnnualReport,
    Appeal,
    AppealKind,
    AppealResult,
    ApplicantType,
    Category,
    Department,
    InfoRequest,
    Outcome,
    Post,
)

COLUMNS = [t.value for t in ApplicantType] + ["total"]
OUTCOMES = [o.value for o in Outcome]
ROWS = ["new", "carried_over", *OUTCOMES, "results_total", "carried_forward"]
APPEAL_KINDS = [k.value for k in AppealKind]
APPEAL_RESULTS = [r.value for r in AppealResult]  # the report's order: upheld, corrected, other, pending
#: Section 2: article 20 (1), (5), (6), (8); the figures the department enters.
PROACTIVE = {
    "regulations": ("made", "repealed", "in_force"),
    "normative_documents": ("made", "repealed", "in_force"),
    "licensing": ("decisions",),
    "penalties": ("decisions",),
    "enforcement": ("decisions",),
    "fees": ("amount",),  # 万元
}


def member_ids(department: Department, subtree: bool) -> sa.Select | list[int]:
    return Department.subtree_ids(department) if subtree else [department.id]


def _count(cond) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((cond, 1)))


def _empty_table() -> dict[str, dict[str, int]]:
    return {row: dict.fromkeys(COLUMNS, 0) for row in ROWS}


def request_table(department: Department, year: int, subtree: bool = False) -> dict[str, dict[str, int]]:
    """Section 3: ``{row: {column: n}}``."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    R = InfoRequest
    members = R.department_id.in_(member_ids(department, subtree))
    table = _empty_table()
    for applicant_type, new, carried_over, carried_forward in db.session.execute(
        sa.select(
            R.applicant_type,
            _count(R.filed_on.between(first, last)),
            _count(sa.and_(R.filed_on < first, sa.or_(R.answered_on.is_(None), R.answered_on >= first))),
            _count(sa.or_(R.answered_on.is_(None), R.answered_on > last)),
        ).where(members, R.filed_on <= last).group_by(R.applicant_type)
    ):
        table["new"][applicant_type] = new
        table["carried_over"][applicant_type] = carried_over
        table["carried_forward"][applicant_type] = carried_forward
    for applicant_type, outcome, n in db.session.execute(
        sa.select(R.applicant_type, R.outcome, sa.func.count())
        .where(members, R.answered_on.between(first, last), R.outcome.is_not(None))
        .group_by(R.applicant_type, R.outcome)
    ):
        table[outcome][applicant_type] = n
    for column in COLUMNS[:-1]:
        table["results_total"][column] = sum(table[o][column] for o in OUTCOMES)
    for row in table.values():
        row["total"] = sum(row[c] for c in COLUMNS[:-1])
    return table


def is_balanced(table: dict[str, dict[str, int]]) -> bool:
    """新收 + 上年结转 = 办理结果总计 + 结转下年度, in every column."""
    return all(
        table["new"][c] + table["carried_over"][c] == table["results_total"][c] + table["carried_forward"][c]
        for c in COLUMNS
    )


def appeal_table(department: Department, year: int, subtree: bool = False) -> dict[str, dict[str, int]]:
    """Section 4: appeals filed in the year, by kind and current result."""
    table = {kind: dict.fromkeys([*APPEAL_RESULTS, "total"], 0) for kind in APPEAL_KINDS}
    stmt = (
        sa.select(Appeal.kind, Appeal.result, sa.func.count())
        .join(InfoRequest, InfoRequest.id == Appeal.request_id)
        .where(InfoRequest.department_id.in_(member_ids(department, subtree)),
               Appeal.filed_on.between(date(year, 1, 1), date(year, 12, 31)))
        .group_by(Appeal.kind, Appeal.result)
    )
    for kind, result, n in db.session.execute(stmt):
        table[kind][result] = n
    for row in table.values():
        row["total"] = sum(row[r] for r in APPEAL_RESULTS)
    return table


def empty_proactive() -> dict[str, dict[str, float]]:
    return {item: dict.fromkeys(fields, 0) for item, fields in PROACTIVE.items()}


def proactive_table(department: Department, year: int, subtree: bool = False) -> dict[str, dict[str, float]]:
    """Section 2: what the department (and with ``subtree``, each one below it) entered, summed."""
    table = empty_proactive()
    entered = db.session.scalars(
        sa.select(AnnualReport.proactive).where(
            AnnualReport.department_id.in_(member_ids(department, subtree)), AnnualReport.year == year)
    )
    for figures in entered:
        for item, fields in PROACTIVE.items():
            for field in fields:
                value = (figures or {}).get(item, {}).get(field) or 0
                table[item][field] = round(table[item][field] + value, 4)
    return table


def weibo_figures(department: Department, year: int, subtree: bool = False) -> dict[str, Any]:
    """Section 1's 政务微博 figures: posts by catalogue category, threads, reply and on-time rates."""
    period = make_period(date(year, 1, 1), date(year + 1, 1, 1))
    row = compute_metrics(period, department_ids=[department.id], subtree=subtree)[0]
    by_category = dict.fromkeys((c.value for c in Category), 0)
    by_category.update(db.session.execute(
        sa.select(Post.category, sa.func.count())
        .where(Post.department_id.in_(member_ids(department, subtree)), published_in(period))
        .group_by(Post.category)
    ).all())
    return {"posts_by_category": by_category, "posts_published": row["posts_published"],
            "threads": row["threads"], "reply_rate": row["reply_rate"], "on_time_rate": row["on_time_rate"]}


def report_figures(department: Department, year: int, subtree: bool = False) -> dict[str, Any]:
    """Everything computed for the report: the API's JSON and the page and XLSX read this."""
    requests = request_table(department, year, subtree)
    return {
        "year": year, "department": department.slug, "subtree": subtree,
        "requests": requests, "appeals": appeal_table(department, year, subtree),
        "proactive": proactive_table(department, year, subtree), "balanced": is_balanced(requests),
    }
