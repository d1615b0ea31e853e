"""The dashboard's metrics table reads at a glance: chosen columns, period / right-now groups,
the roll-up row first and marked, sorting by any column, drill-down links, exports untouched."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from weibo_app.core.clock import local_today
from weibo_app.core.extensions import db
from weibo_app.dashboard.table import COLUMNS, COOKIE, DEFAULT_COLUMNS
from weibo_app.departments.operations import get_department
from weibo_app.metrics.labels import figure_timing
from weibo_app.metrics.queries import FIELDS
from weibo_app.models import Role
from weibo_app.threads import operations as ops


@pytest.fixture
def county(make, client, login):
    """county ─ jiaoyu (3 threads, 1 answered), town (2 threads, both answered) ─ village (1 thread),
    and quiet (no threads: every rate is empty)."""
    county = make.department("county", "清河县人民政府")
    depts = {
        "jiaoyu": make.department("jiaoyu", "清河县教育局", parent=county),
        "town": make.department("town", "城关镇人民政府", parent=county),
        "quiet": make.department("quiet", "安静局", parent=county),
    }
    depts["village"] = make.department("village", "城关镇某村", parent=depts["town"])
    for slug, n, answered in (("jiaoyu", 3, 1), ("town", 2, 2), ("village", 1, 0)):
        staff = make.staff(depts[slug])
        post = make.post(author=staff)
        for i in range(n):
            thread = make.thread(post=post, body=f"问题{i}")
            if i < answered:
                ops.reply_to_thread(staff, thread, f"答复{i}")
    login(make.user(Role.SUPERVISOR, department=county))
    return county


def _args(**extra):
    today = local_today()
    return {"from": (today - timedelta(days=29)).isoformat(), "to": (today + timedelta(days=1)).isoformat(), **extra}


def _page(client, **extra) -> str:
    resp = client.get("/dashboard", query_string=_args(**extra))
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _table(page: str) -> str:
    return page[page.index('<table class="data-table metrics-table">'):page.index("</table>")]


def _header_keys(page: str) -> list[str]:
    """The sort keys of the header row, in order (one per shown column)."""
    thead = _table(page).split("<thead>")[1].split("</thead>")[0]
    return [k for k in re.findall(r"[?&]sort=(\w+)", thead)]


def _row_slugs(page: str) -> list[str]:
    """Department of each body row, in order, and whether it is the roll-up row."""
    body = _table(page).split("</thead>")[1]
    return [("total:" if "row-total" in attrs else "") + slug
            for attrs, slug in re.findall(r"<tr([^>]*)>\s*<th scope=\"row\">.*?href=\"/d/([\w-]+)\"", body, re.S)]


def test_the_default_columns(client, county):
    page = _page(client)
    # the period figures first, then the right-now ones
    expected = [c for c in COLUMNS if c in DEFAULT_COLUMNS and figure_timing(c) == "period"] + \
               [c for c in COLUMNS if c in DEFAULT_COLUMNS and figure_timing(c) == "now"]
    assert _header_keys(page) == ["name", *expected]
    assert {"reply_rate", "on_time_rate", "overdue", "satisfaction_rate", "responsiveness_index"} <= set(DEFAULT_COLUMNS)
    assert 'name="cols" value="views">' in page and 'name="cols" value="reply_rate" checked>' in page


def test_the_cols_parameter_chooses_and_ignores_unknown_names(client, county):
    assert _header_keys(_page(client, cols="views,reply_rate")) == ["name", "reply_rate", "views"]
    # repeated, as the checkbox form sends them, with the form's empty marker
    resp = client.get("/dashboard?" + "&".join(["cols=", "cols=awaiting", "cols=threads"]))
    assert _header_keys(resp.get_data(as_text=True)) == ["name", "threads", "awaiting"]
    assert _header_keys(_page(client, cols="bogus,overdue,<script>")) == ["name", "overdue"]
    assert _header_keys(_page(client, cols="bogus")) == ["name", *[c for c in _header_keys(_page(client))[1:]]]
    unticked = client.get("/dashboard?cols=").get_data(as_text=True)
    assert set(_header_keys(unticked)[1:]) == set(DEFAULT_COLUMNS)


def test_the_choice_is_remembered_and_a_bad_cookie_is_ignored(client, county):
    _page(client, cols="views,likes")
    assert _header_keys(_page(client)) == ["name", "views", "likes"]
    client.set_cookie(COOKIE, "nonsense,,'", path="/dashboard")
    assert set(_header_keys(_page(client))[1:]) == set(DEFAULT_COLUMNS)


def test_period_and_now_column_groups(client, county):
    page = _page(client, cols="threads,reply_rate,awaiting,overdue")
    table = _table(page)
    period_head = re.search(r'<th scope="colgroup" colspan="(\d)" class="group-head group-period">', table)
    now_head = re.search(r'<th scope="colgroup" colspan="(\d)" class="group-head group-now group-start">', table)
    assert period_head and period_head.group(1) == "2" and now_head and now_head.group(1) == "2"
    assert '<colgroup class="group-period" span="2">' in table and '<colgroup class="group-now" span="2">' in table
    assert table.index("group-period") < table.index("group-now")
    # the divider: the first right-now column starts the group, in the header and in every row
    assert re.search(r'class="sort-head num group-start"[^>]*>\s*<a href="[^"]*sort=awaiting', table)
    assert table.count('<td class="num group-start') == len(_row_slugs(page))
    assert "本期：只统计统计期间内" in page and "当前：截至" in page
    only_period = _table(_page(client, cols="reply_rate"))
    assert "group-period" in only_period and "group-now" not in only_period


def test_the_roll_up_row_is_first_and_marked(client, county):
    slugs = _row_slugs(_page(client))
    assert slugs[0] == "total:county" and sum(s.startswith("total:") for s in slugs) == 1
    assert "合计（含下级）" in _table(_page(client))
    for sort, direction in (("threads", "asc"), ("threads", "desc"), ("name", "desc"), ("reply_rate", "asc")):
        assert _row_slugs(_page(client, sort=sort, dir=direction))[0] == "total:county"
    # without roll-up every department counts only its own threads: no total row, county sorts in
    own = _row_slugs(_page(client, subtree=0, sort="threads", dir="asc"))
    assert not any(s.startswith("total:") for s in own) and "county" in own


def test_sorting_by_columns(client, county):
    # With roll-up: town counts its village (3 threads), tying jiaoyu; ties go by name (城… before 清…).
    assert _row_slugs(_page(client, sort="threads", dir="desc"))[1:] == ["town", "jiaoyu", "village", "quiet"]
    assert _row_slugs(_page(client, sort="threads", dir="asc"))[1:] == ["quiet", "village", "town", "jiaoyu"]
    # reply rates: town 2/3, jiaoyu 1/3, village 0/1, quiet none — empty values last both ways
    assert _row_slugs(_page(client, sort="reply_rate", dir="desc"))[1:] == ["town", "jiaoyu", "village", "quiet"]
    assert _row_slugs(_page(client, sort="reply_rate", dir="asc"))[1:] == ["village", "jiaoyu", "town", "quiet"]
    assert _row_slugs(_page(client, sort="responsiveness_index", dir="asc"))[-1] == "quiet"
    names = _row_slugs(_page(client, sort="name", dir="asc"))[1:]
    assert names == ["town", "village", "quiet", "jiaoyu"]  # by code point: 城关镇人… 城关镇某… 安… 清…
    assert _row_slugs(_page(client, sort="name", dir="desc"))[1:] == names[::-1]
    # unknown keys or directions: no error, tree order / the column's default direction
    assert _row_slugs(_page(client, sort="nope", dir="sideways"))[1:] == ["jiaoyu", "town", "village", "quiet"]
    assert _row_slugs(_page(client, sort="threads", dir="sideways")) == _row_slugs(_page(client, sort="threads", dir="desc"))


def test_the_sorted_header_says_so(client, county):
    table = _table(_page(client, sort="reply_rate", dir="asc"))
    assert table.count("aria-sort=") == 1
    sorted_head = re.search(r'<th scope="col"[^>]*aria-sort="ascending">\s*<a href="([^"]+)"', table)
    assert sorted_head and "sort=reply_rate" in sorted_head.group(1) and "dir=desc" in sorted_head.group(1)
    assert 'aria-sort="descending"' in _table(_page(client, sort="threads", dir="desc"))
    assert "aria-sort" not in _table(_page(client))


def test_every_shown_figure_links_to_its_rows(client, county):
    page = _page(client, cols="threads,overdue,awaiting,reply_rate")
    for slug in ("county", "jiaoyu", "town", "village", "quiet"):
        for figure in ("threads", "overdue", "awaiting"):
            assert re.search(rf'href="/dashboard/rows\?[^"]*figure={figure}&amp;department={slug}', page), (slug, figure)
    resp = client.get("/dashboard/rows", query_string=_args(figure="threads", department="town"))
    assert resp.status_code == 200 and "问题1" in resp.get_data(as_text=True)


def test_headers_carry_short_and_full_labels(client, county):
    table = _table(_page(client, cols="median_first_response_hours,threads"))
    assert 'title="首次响应时长（中位数，小时）"' in table
    assert '<span aria-hidden="true">响应中位数（时）</span><span class="visually-hidden">首次响应时长（中位数，小时）</span>' in table


def test_the_export_keeps_every_figure_whatever_is_chosen(client, county):
    _page(client, cols="reply_rate")
    resp = client.get("/dashboard/export.csv", query_string=_args(cols="reply_rate", sort="threads"))
    assert resp.status_code == 200
    header, *body = list(csv.reader(io.StringIO(resp.get_data().decode("utf-8")[1:])))
    assert len(header) == 2 + len(FIELDS) and "阅读" in header and "待回复" in header
    assert [row[0] for row in body] == ["county", "jiaoyu", "town", "village", "quiet"]  # tree order, as before


def test_a_township_supervisors_total_is_their_township(client, make, login, county):
    login(make.user(Role.SUPERVISOR, department=get_department("town")))
    assert _row_slugs(_page(client, sort="threads", dir="asc")) == ["total:town", "village"]


def _body(page: str) -> str:
    table = _table(page)
    return table[table.index("<tbody"):]


def test_the_rows_rendered_once_are_the_rows_rendered_afresh(app, client, county, make):
    """The rows are rendered once per content (dashboard/table.py): served again they equal a
    rendering with the cache off, and a new figure shows at once (the figures are the key)."""
    first = _body(_page(client))
    assert _body(_page(client)) == first
    app.extensions["large_fragment_cache"].max_entries = 0
    assert _body(_page(client)) == first
    app.extensions["large_fragment_cache"].max_entries = 32
    staff = make.staff(get_department("village"))
    thread = make.thread(department=get_department("village"), body="新问题")
    ops.reply_to_thread(staff, thread, "已答复")
    db.session.commit()
    after = _body(_page(client))
    assert after != first
    app.extensions["large_fragment_cache"].max_entries = 0
    assert _body(_page(client)) == after
