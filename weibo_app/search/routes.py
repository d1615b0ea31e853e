"""The search page: /search?q=..."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from ..access.viewer import current_viewer
from ..core.exceptions import Invalid, NotFound
from ..core.extensions import db
from ..models import Department
from .queries import SearchQuery, SearchResult, parse_query, search

bp = Blueprint("search", __name__)

PAGE_SIZE = 20


@bp.get("/search")
def index():
    """Posts and threads containing every word of the query, newest first."""
    error = None
    try:
        query = parse_query(request.args)
        result = search(query, request.args.get("cursor"), PAGE_SIZE, current_viewer())
    except (Invalid, NotFound) as err:
        error = err.message
        query = SearchQuery(q=(request.args.get("q") or "")[:100])
        result = SearchResult(query)
    departments = db.session.execute(sa.select(Department.slug, Department.name).order_by(Department.path)).all()
    status = 422 if error else 200
    return render_template(
        "search/index.html", query=query, result=result, error=error, departments=departments
    ), status
