"""The numbers behind the dashboard's charts, from the same metric functions as its table.

The page embeds the result as a JSON data block (``<script type="application/json">``, never
executed, so the strict CSP holds); static/js/charts.js draws it, and the tables beside each
chart print the same numbers for screen readers and browsers without JavaScript.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..metrics.distribution import first_response_distribution
from ..metrics.labels import figure_label
from ..metrics.queries import Period
from ..metrics.trends import weekly_trends
from ..models import Department

COMPARED = ("reply_rate", "on_time_rate", "responsiveness_index")
TREND_FIGURES = ("threads", "answered", "overdue")


def chart_data(
    period: Period, rows: list[dict], scope: Department | None, *,
    focus: Department | None = None, channel: str | None = None,
) -> dict:
    """Three charts: ``compare`` (the table's ``rows``), ``trend`` and ``distribution`` (of ``focus``
    with its subtree, or of the viewer's whole ``scope``), for ``period`` and ``channel``.

    Two queries: the weekly trend and the first-response buckets, each grouped in SQL.
    """
    target = focus or scope
    target_name = target.name if target is not None else _("全部部门")
    weeks = weekly_trends(period.as_of, target, channel=channel)
    buckets = first_response_distribution(period, target, channel=channel)
    return {
        "period": {"from": period.first_day.isoformat(), "to": period.end_day.isoformat(),
                   "as_of": period.as_of.isoformat()},
        "channel": channel,
        "labels": {
            **{name: figure_label(name) for name in COMPARED + TREND_FIGURES},
            "responded": figure_label("responded"),
            "percent": _("百分比／指数（0–100）"),
        },
        "compare": {
            "departments": [
                {"department": r["department"], "name": r["name"], **{name: r[name] for name in COMPARED}}
                for r in rows
            ],
            "summary": _("条形图：各部门的回复率、按时回复率和响应指数（0–100），共%(n)s个部门。具体数字见图下的数据表。",
                         n=len(rows)),
        },
        "trend": {
            "department": target.slug if target is not None else None,
            "name": target_name,
            "weeks": [{"week_start": w["week_start"].isoformat(), **{name: w[name] for name in TREND_FIGURES}}
                      for w in weeks],
            "summary": _("柱状图：%(name)s近%(n)s周每周收到的留言数、已办结答复数和超期数。具体数字见图下的数据表。",
                         name=target_name, n=len(weeks)),
        },
        "distribution": {
            "department": target.slug if target is not None else None,
            "name": target_name,
            "buckets": buckets,
            "total": sum(b["threads"] for b in buckets),
            "summary": _("柱状图：%(name)s统计期间内%(total)s条已响应留言的首次响应时长分布。具体数字见图下的数据表。",
                         name=target_name, total=sum(b["threads"] for b in buckets)),
        },
    }
