"""The hot lists use the indexes made for them, on SQLite and on PostgreSQL.

The statements are the ones the app really sends (captured while the query
functions run), explained with their own parameters:

- SQLite: ``EXPLAIN QUERY PLAN``. The public lists walk ``ix_posts_listed``
  (or ``ix_posts_department_listed``) newest first, with no "TEMP B-TREE FOR
  ORDER BY"; the inbox walks ``ix_threads_inbox`` in due order and counts from
  it alone.
- PostgreSQL: ``EXPLAIN (FORMAT JSON)``: an index scan of the same index and no
  Sort node. The tables here hold a few hundred rows, and for so few a
  sequential scan plus a sort is truly cheaper, so PostgreSQL would rightly
  pick it; ``SET LOCAL enable_seqscan = off`` asks instead whether the index can
  serve the query (its condition proven, its order the one asked for), which
  is what a change to the query or the index could break.

Both planners weigh indexes by their statistics, which ``ANALYZE`` gathers (the
migration that made these indexes runs it); a fresh test database has none,
so the fixture runs it after loading the rows (on SQLite through ``flask analyze``,
the nightly job; on PostgreSQL ``VACUUM ANALYZE``,
as autovacuum would, so the visibility map lets a count read the index alone).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from weibo_app.core.clock import utcnow
from weibo_app.core.extensions import db
from weibo_app.metrics.queries import make_period
from weibo_app.metrics.rows import rows_behind
from weibo_app.models import Department, Post, Thread, User
from weibo_app.posts import queries as post_queries
from weibo_app.threads import queries as thread_queries

POSTS, THREADS = 600, 6000


@pytest.fixture
def volume(app):
    """Departments, posts in every state and threads, loaded by bulk insert, then analysed."""
    now = utcnow()
    conn = db.session.connection()
    conn.execute(sa.insert(Department), [dict(id=i, name=f"部门{i}", slug=f"plan-{i}", path=f"/{i}/")
                                         for i in range(1, 7)])
    conn.execute(sa.insert(User), [dict(id=i, username=f"plan{i}", password_hash="x",
                                        role="staff" if i <= 6 else "resident", department_id=i if i <= 6 else None)
                                   for i in range(1, 21)])
    states = ["published"] * 14 + ["scheduled", "withdrawn", "draft", "pending"]
    conn.execute(sa.insert(Post), [
        dict(id=i, department_id=1 + i % 6, author_id=1 + i % 6, body="正文", body_html="<p>正文</p>",
             state=states[i % len(states)],
             published_at=None if states[i % len(states)] in ("draft", "pending")
             else now + timedelta(hours=3) if i % 50 == 0 else now - timedelta(minutes=i),
             held_at=now if i % 31 == 0 else None, created_at=now, updated_at=now)
        for i in range(1, POSTS + 1)
    ])
    conn.execute(sa.insert(Thread), [
        dict(id=i, post_id=None, department_id=2 if i % 2 else 1 + i % 6, author_id=7 + i % 14, kind="consultation",
             state="awaiting" if i % 3 else "answered", body="请问", body_html="<p>请问</p>",
             opened_at=now - timedelta(hours=i), due_at=now + timedelta(hours=i % 97 - 40),
             first_due_at=now, last_activity_at=now)
        for i in range(1, THREADS + 1)
    ])
    db.session.commit()
    _analyse(app)
    return now


def _analyse(app) -> None:
    if db.engine.dialect.name == "sqlite":  # the nightly command of docs/operations.md
        result = app.test_cli_runner().invoke(args=["analyze"])
        assert result.exit_code == 0 and "statistics refreshed" in result.output
    else:  # VACUUM too, as autovacuum would: it marks the pages all-visible, so counts can read the index alone
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE posts, threads")


def _captured(fn) -> list[tuple[str, object]]:
    """The statements (and their parameters) ``fn`` sends."""
    seen: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    return seen


def _outer(statement: str) -> str:
    """The statement without its parenthesised parts: its own FROM, not its subqueries' (a list
    reads its posts' counts as correlated subqueries in its columns)."""
    depth, kept = 0, []
    for char in statement:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def _one(fn, table: str, *markers: str) -> tuple[str, object]:
    """The one statement that reads ``table`` and holds every marker."""
    found = [(s, p) for s, p in _captured(fn)
             if (head := _outer(s).split("WHERE")[0]).rstrip().endswith(f"FROM {table}") or f"FROM {table} " in head
             if all(m in s for m in markers)]
    assert len(found) == 1, [s for s, _ in found]
    return found[0]


def _plan(statement: str, parameters) -> dict:
    """SQLite: {"lines": [...]}. PostgreSQL: {"indexes": {...}, "nodes": [...]} of the whole plan tree."""
    raw = db.session.connection().connection.dbapi_connection
    cur = raw.cursor()
    try:
        if db.engine.dialect.name == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return {"lines": [row[3] for row in cur.fetchall()]}
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        doc = cur.fetchone()[0]
        plan = (json.loads(doc) if isinstance(doc, str) else doc)[0]["Plan"]
        nodes, indexes, stack = [], set(), [plan]
        while stack:
            node = stack.pop()
            nodes.append(node["Node Type"])
            if "Index Name" in node:
                indexes.add(node["Index Name"])
            stack.extend(node.get("Plans", []))
        return {"indexes": indexes, "nodes": nodes}
    finally:
        cur.close()
        db.session.rollback()


def _assert_walks(plan: dict, index: str, *, covering: bool = False) -> None:
    if "lines" in plan:
        lines = " | ".join(plan["lines"])
        kind = "USING COVERING INDEX" if covering else "INDEX"
        assert f"{kind} {index}" in lines, lines
        assert "TEMP B-TREE" not in lines, lines
        assert "MULTI-INDEX OR" not in lines, lines
    else:
        assert index in plan["indexes"], plan
        assert "Sort" not in plan["nodes"] and "Incremental Sort" not in plan["nodes"], plan


def test_the_timeline_walks_the_listed_posts_index(app, volume):
    first = post_queries.timeline(limit=20, pins="timeline")
    stmt = _one(lambda: post_queries.timeline(limit=20, pins="timeline"), "posts", "ORDER BY", "timeline_pinned_until IS NULL")
    _assert_walks(_plan(*stmt), "ix_posts_listed")
    # The next page seeks to its cursor in the same index.
    cursor = first.page.next_cursor
    assert cursor
    stmt = _one(lambda: post_queries.timeline(cursor=cursor, limit=20), "posts", "ORDER BY")
    _assert_walks(_plan(*stmt), "ix_posts_listed")


def test_the_api_list_walks_the_listed_posts_index(app, volume):
    stmt = _one(lambda: post_queries.timeline(None, 20, None), "posts", "ORDER BY")
    _assert_walks(_plan(*stmt), "ix_posts_listed")


def test_a_department_page_walks_its_department_in_the_listed_index(app, volume):
    stmt = _one(lambda: post_queries.timeline(limit=20, department_ids=[3], pins="department"),
                "posts", "ORDER BY", "dept_pinned_at IS NULL")
    _assert_walks(_plan(*stmt), "ix_posts_department_listed")


def test_pinned_posts_come_from_their_own_index(app, volume):
    stmt = _one(lambda: post_queries.timeline(limit=20, pins="timeline"), "posts", "ORDER BY", "timeline_pinned_until >")
    plan = _plan(*stmt)
    if "lines" in plan:
        assert "ix_posts_timeline_pinned" in " | ".join(plan["lines"]), plan
    else:
        assert "ix_posts_timeline_pinned" in plan["indexes"], plan


def test_the_inbox_walks_its_index_in_due_order(app, volume):
    stmt = _one(lambda: thread_queries.inbox(2, limit=20), "threads", "ORDER BY")
    _assert_walks(_plan(*stmt), "ix_threads_inbox")


def test_the_inbox_counts_read_the_index_alone(app, volume):
    now = volume
    stmt = _one(lambda: thread_queries.inbox_totals(2, now, now + timedelta(hours=8)), "threads", "count(")
    plan = _plan(*stmt)
    if "lines" in plan:
        _assert_walks(plan, "ix_threads_inbox", covering=True)
    else:
        assert "ix_threads_inbox" in plan["indexes"], plan
        assert "Seq Scan" not in plan["nodes"], plan


def test_the_earliest_overdue_of_the_county_walk_the_due_index(app, volume):
    """The dashboard's overdue list for every department: in due order from the index, not all
    overdue threads sorted to show twenty."""
    now = volume
    period = make_period(now.date() - timedelta(days=30), now.date() + timedelta(days=1), now)
    stmt = _one(lambda: rows_behind("overdue", period, None, True, limit=20), "threads", "ORDER BY")
    _assert_walks(_plan(*stmt), "ix_threads_due")


@pytest.fixture
def posted(app, volume):
    """The volume's threads put under its posts, ten a post, one in seven private and one in
    eleven held, then analysed again: the shape of a site whose posts gather threads."""
    db.session.execute(sa.update(Thread).values(
        post_id=1 + Thread.id % POSTS, private=Thread.id % 7 == 0,
        held_at=sa.case((Thread.id % 11 == 0, Thread.opened_at), else_=None)))
    db.session.commit()
    _analyse(app)
    return volume


def test_a_cards_public_threads_are_counted_from_their_own_index(app, posted):
    """Every card counts its post's public threads through the partial index of the public
    threads, whose condition the count's own terms match (a post's fifty threads took the
    department page of the benchmark from 10 ms to 6 ms)."""
    stmt = _one(lambda: post_queries.timeline(limit=20), "posts", "held_at IS NULL")
    plan = _plan(*stmt)
    found = " | ".join(plan["lines"]) if "lines" in plan else plan["indexes"]
    assert "ix_threads_post_public" in found, found


def test_the_rewritten_list_is_the_same_list(app, volume):
    """The index-walkable condition lists exactly the posts the rule lists, in the same order."""
    now = utcnow()
    rule = sa.or_(Post.public_clause(now), Post.state == "withdrawn")  # the rule as written, without the index term
    expected = list(db.session.scalars(sa.select(Post.id).where(rule).order_by(Post.published_at.desc(), Post.id.desc())))
    listed = list(db.session.scalars(
        sa.select(Post.id).where(Post.listed_clause(now)).order_by(Post.published_at.desc(), Post.id.desc())))
    assert listed == expected and len(listed) > 400
    paged, cursor = [], None
    while True:
        page = post_queries.timeline(cursor=cursor, limit=50).page
        paged += [p.id for p in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert paged == expected


def test_the_inbox_page_counts_its_awaiting_threads_once(app, make, client, login, count_queries):
    """The header's badge takes the inbox's own count: 40,000 awaiting threads are counted once a page."""
    dept = make.department()
    staff = make.staff(dept)
    for n in range(3):
        make.thread(department=dept, body=f"待回复{n}")
    login(staff)
    client.get("/inbox")
    with count_queries() as counter:
        page = client.get("/inbox").get_data(as_text=True)
    counts = [s for s in counter.statements if "count(" in s and "FROM threads" in s and "threads.state" in s]
    assert len(counts) == 1, counts
    assert '<span class="nav-count" aria-hidden="true">3</span>' in page  # the badge still shows it
