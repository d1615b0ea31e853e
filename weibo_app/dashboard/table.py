"""The dashboard's metrics table: which figure columns show, in what order, and how the rows sort.

The figures themselves come from ``metrics.figures.compute_metrics``; this module only chooses
and orders what is already computed (exports keep every figure whatever is chosen here).
"""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from ..core.fragments import cached_fragment, page_variant
from ..metrics.labels import figure_timing

#: Every figure column the table can show, in reading order; split into the period group and
#: the "right now" group by ``metrics.labels.figure_timing``.
COLUMNS = (
    "responsiveness_index", "threads", "dismissed", "hidden", "responded", "answered", "reply_rate", "on_time_rate",
    "median_first_response_hours", "p90_first_response_hours", "silent_posts", "satisfaction_rate", "resolved_rate",
    "extended", "reworked", "urged", "transfers", "visited", "posts_published", "views", "likes", "reposts",
    "awaiting", "overdue", "unanswered_posts", "followers", "days_since_last_post",
)
DEFAULT_COLUMNS = ("threads", "reply_rate", "on_time_rate", "satisfaction_rate", "responsiveness_index", "overdue")
DEFAULTS_IN_ORDER = tuple(col for col in COLUMNS if col in DEFAULT_COLUMNS)
#: Sort keys: any figure column, or the department's name.
SORT_KEYS = frozenset(COLUMNS) | {"name"}
COOKIE = "dashboard_cols"


def parse_columns(values: list[str] | None) -> tuple[str, ...] | None:
    """The chosen columns from ``cols`` values (comma-separated and/or repeated), in table order.

    Unknown names are ignored; ``None`` when nothing was asked for, the defaults when nothing
    known was."""
    if values is None:
        return None
    asked = {name.strip() for value in values for name in value.split(",")}
    return tuple(col for col in COLUMNS if col in asked) or DEFAULTS_IN_ORDER


def grouped(columns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(period columns, right-now columns), each in table order."""
    return (tuple(c for c in columns if figure_timing(c) == "period"),
            tuple(c for c in columns if figure_timing(c) == "now"))


def parse_sort(key: str | None, direction: str | None) -> tuple[str | None, str]:
    """A known sort key (else ``None``: tree order) and ``asc``/``desc`` (figures default to desc)."""
    if key not in SORT_KEYS:
        return None, "asc"
    if direction in ("asc", "desc"):
        return key, direction
    return key, "asc" if key == "name" else "desc"


def sort_rows(rows: list[dict], key: str | None, direction: str) -> list[dict]:
    """Rows by ``key``; empty values (—) last either way, ties by department name."""
    if key is None:
        return list(rows)
    by_name = sorted(rows, key=lambda r: (r["name"], r["department"]))
    present = [r for r in by_name if r.get(key) is not None]
    missing = [r for r in by_name if r.get(key) is None]
    present.sort(key=lambda r: r[key], reverse=direction == "desc")  # stable: name order kept on ties
    return present + missing


def split_roll_up(rows: list[dict], roll_up: set[str]) -> tuple[list[dict], list[dict]]:
    """(roll-up rows, the other rows): the roll-up rows are shown first and never sorted in."""
    return [r for r in rows if r["department"] in roll_up], [r for r in rows if r["department"] not in roll_up]


def table_rows(totals: list[dict], others: list[dict], period_cols, now_cols, filter_args: dict) -> Markup:
    """The table's rows, rendered once per content: a county's table is some 1,500 cells, each
    with a drill-down link and a label for screen readers, and it reads the same for every
    supervisor who sees the same figures. The key is everything the rows show (the figures, the
    columns, the links' arguments) with the language and text size, so it cannot go stale."""
    def frozen(rows: list[dict]) -> tuple:
        return tuple(tuple(sorted(row.items())) for row in rows)

    parts = ("dashboard-rows", *page_variant(), frozen(totals), frozen(others), tuple(period_cols), tuple(now_cols),
             tuple(sorted(filter_args.items())))
    return cached_fragment(parts, lambda: render_template(
        "dashboard/_table_rows.html", totals=totals, others=others, period_cols=period_cols, now_cols=now_cols,
        filter_args=filter_args), store="large_fragment_cache")
