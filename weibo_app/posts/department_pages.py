"""The directory of departments and each department's page (its posts, its board, its figures).

It lives with the posts because it is built from them and from the threads;
weibo_app.departments stays below both.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from ..core.clock import local_today
from ..core.extensions import db
from ..core.pagecache import cached_page
from ..core.text import normalize
from ..departments.operations import get_department
from ..metrics.figures import compute_metrics
from ..metrics.queries import make_period
from ..models import Department
from ..threads.page_forms import ask_form
from ..threads.queries import board_threads
from .queries import timeline

bp = Blueprint("departments", __name__)


@bp.get("/departments")
@cached_page()
def index():
    """Every department, as a tree."""
    departments = list(db.session.scalars(sa.select(Department).order_by(Department.path)))
    return render_template("departments/index.html", departments=departments)


@bp.get("/ask")
def ask():
    """我要留言: pick the department to ask, by name or from the tree, then write on its message board."""
    query = normalize(request.args.get("q", ""))[:40]
    stmt = sa.select(Department).order_by(Department.path)
    if query:
        stmt = stmt.where(Department.name.contains(query, autoescape=True))
    departments = list(db.session.scalars(stmt))
    return render_template("departments/ask.html", departments=departments, query=query)


@bp.get("/accessibility")
def accessibility():
    """The site's accessibility statement (无障碍声明), as the admin wrote it, with how to reach the owner."""
    return render_template("departments/accessibility.html")


@bp.get("/d/<slug>")
@cached_page("tab", "cursor")
def detail(slug: str):
    """A department's posts, its message board and its own figures (last 30 days)."""
    department = get_department(slug)
    tab = request.args.get("tab", "posts")
    today = local_today()
    figures = compute_metrics(make_period(today - timedelta(days=29), today + timedelta(days=1)),
                              department_ids=[department.id])[0]
    posts = board = None
    if tab == "board":
        board = board_threads(department.id, request.args.get("cursor"), 20)
    else:
        posts = timeline(cursor=request.args.get("cursor"), limit=20, department_ids=[department.id], pins="department")
    return render_template(
        "departments/detail.html", department=department, tab=tab, posts=posts, board=board,
        figures=figures, form=ask_form(),
    )
