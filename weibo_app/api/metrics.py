"""``GET /api/v1/metrics``: the metric fields of DESIGN.md, per department."""

from flask import jsonify, request

from ..dashboard.period import parse_period
from ..departments.operations import get_department
from ..metrics.figures import compute_metrics
from ..metrics.queries import parse_channel
from . import bp
from .serializers import iso


@bp.get("/metrics")
def metrics():
    """Figures for every department, or one (``department``), optionally with its subtree."""
    period = parse_period(request.args.get("from"), request.args.get("to"))
    subtree = request.args.get("subtree", "0").lower() in ("1", "true", "yes")
    slug = request.args.get("department")
    ids = [get_department(slug).id] if slug else None
    channel = parse_channel(request.args.get("channel"))
    rows = compute_metrics(period, department_ids=ids, subtree=subtree, channel=channel)
    return jsonify({
        "as_of": iso(period.as_of),
        "from": period.first_day.isoformat(),
        "to": period.end_day.isoformat(),
        "subtree": subtree,
        "channel": channel,
        "departments": rows,
    })
