"""Search across posts and threads (a thread also matches through its replies).

Each word of the query must occur somewhere as a substring, case-insensitively,
which is how Chinese text has to be searched. On SQLite words of three or
more characters go through the FTS5 trigram index (``ddl.py``); shorter words,
which a trigram index cannot answer, are looked for with ``instr`` over the
same rows. On PostgreSQL every word is an ``ILIKE '%word%'`` that the GIN
trigram indexes serve. Results are newest first (a post by its publication,
a thread by its opening), one keyset page at a time, in a fixed number of
queries: one for the page of ids (which also counts every result), one per
kind of result to load them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..access.read import readable_posts_clause, readable_replies_clause, readable_threads_clause
from ..core.clock import utcnow
from ..core.exceptions import Invalid
from ..core.extensions import db
from ..core.pagination import keyset_desc, page_of
from ..core.text import normalize
from ..departments.operations import get_department
from ..models import Category, Department, Post, PostState, Reply, Thread, ThreadKind, ThreadState, User
from . import ddl

MAX_QUERY_CHARS = 100
# Residents' text is shown to the public with phone numbers, ID numbers and
# e-mail addresses masked (text.mask_pii). Threads and replies are searched in
# that masked form (``body_public``), so no query can probe what is hidden.
MAX_TERMS = 5
TYPES = ("all", "posts", "threads")

_fts = sa.table(ddl.FTS_TABLE, sa.column("rowid", sa.Integer), sa.column("body", sa.Text))
# SQLite divides integers as integers: the source row's id out of the FTS rowid.
_fts_source_id = sa.literal_column("rowid / 4", sa.Integer)


@dataclass
class SearchQuery:
    """What to look for; built from request arguments by ``parse_query``."""

    q: str = ""
    department: Department | None = None
    category: str | None = None
    kind: str | None = None
    state: str | None = None
    type: str = "all"

    @property
    def terms(self) -> list[str]:
        return self.q.split()[:MAX_TERMS]

    @property
    def wants_posts(self) -> bool:
        # Kind and state are properties of threads: asking for them leaves posts out.
        return self.type in ("all", "posts") and not (self.kind or self.state)

    @property
    def wants_threads(self) -> bool:
        # Category belongs to posts: asking for it leaves threads out.
        return self.type in ("all", "threads") and not self.category


@dataclass
class Hit:
    """One result: a post or a thread, and the moment it is ranked by."""

    at: datetime
    post: Post | None = None
    thread: Thread | None = None

    @property
    def kind(self) -> str:
        return "post" if self.post is not None else "thread"


@dataclass
class SearchResult:
    query: SearchQuery
    hits: list[Hit] = field(default_factory=list)
    next_cursor: str | None = None
    #: How many results the whole query has (every page), counted in the same SQL statement as the page.
    total: int = 0


def _choice(args: Mapping[str, str], name: str, allowed) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise Invalid(_("未知的筛选条件：%(name)s。", name=name), "invalid_filter")
    return value


def parse_query(args: Mapping[str, str]) -> SearchQuery:
    """The query and filters from request arguments (shared by the page and the API)."""
    q = " ".join(normalize(args.get("q")).split())
    if len(q) > MAX_QUERY_CHARS:
        raise Invalid(_("搜索词不能超过%(n)d个字。", n=MAX_QUERY_CHARS), "query_too_long")
    slug = (args.get("department") or "").strip()
    return SearchQuery(
        q=q,
        department=get_department(slug) if slug else None,
        category=_choice(args, "category", {c.value for c in Category}),
        kind=_choice(args, "kind", {k.value for k in ThreadKind}),
        state=_choice(args, "state", {s.value for s in ThreadState}),
        type=_choice(args, "type", TYPES) or "all",
    )


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_ids(term: str, kind: str) -> sa.Select:
    """Ids of one kind of row whose body contains ``term`` (SQLite, three or more characters)."""
    phrase = '"' + term.replace('"', '""') + '"'
    return sa.select(_fts_source_id).select_from(_fts).where(
        _fts.c.body.op("MATCH")(phrase), sa.literal_column("rowid % 4") == ddl.KINDS[kind]
    )


def _contains(column, term: str, dialect: str) -> sa.ColumnElement[bool]:
    if dialect == "postgresql":
        return column.ilike(f"%{_escape_like(term)}%", escape="\\")
    return sa.func.instr(sa.func.lower(column), term.lower()) > 0


def _post_matches(term: str, dialect: str) -> sa.ColumnElement[bool]:
    if dialect == "sqlite" and len(term) >= 3:
        return Post.id.in_(_fts_ids(term, "posts"))
    return _contains(Post.body, term, dialect)


def _thread_matches(term: str, dialect: str, viewer: User | None, now: datetime) -> sa.ColumnElement[bool]:
    replies = sa.select(Reply.thread_id).where(readable_replies_clause(viewer, now))
    if dialect == "sqlite" and len(term) >= 3:
        own = Thread.id.in_(_fts_ids(term, "threads"))
        replies = replies.where(Reply.id.in_(_fts_ids(term, "replies")))
    else:
        own = _contains(Thread.body_public, term, dialect)
        replies = replies.where(_contains(Reply.body_public, term, dialect))
    return sa.or_(own, Thread.id.in_(replies))


def _found_posts(viewer: User | None, now: datetime) -> list[sa.ColumnElement[bool]]:
    """Publications the viewer may read (access/read.py); drafts and withdrawn posts are not searched."""
    published = sa.and_(Post.state.in_((PostState.PUBLISHED, PostState.SCHEDULED)), Post.published_at <= now)
    return [published, readable_posts_clause(viewer, now)]


def _posts_stmt(query: SearchQuery, now: datetime, dialect: str, viewer: User | None) -> sa.Select:
    stmt = sa.select(Post.published_at.label("at"), (Post.id * 2).label("key")).where(*_found_posts(viewer, now))
    for term in query.terms:
        stmt = stmt.where(_post_matches(term, dialect))
    if query.department is not None:
        stmt = stmt.where(Post.department_id == query.department.id)
    if query.category:
        stmt = stmt.where(Post.category == query.category)
    return stmt


def _threads_stmt(query: SearchQuery, now: datetime, dialect: str, viewer: User | None) -> sa.Select:
    on_found_post = Thread.post_id.in_(sa.select(Post.id).where(*_found_posts(viewer, now)))
    stmt = sa.select(Thread.opened_at.label("at"), (Thread.id * 2 + 1).label("key")).where(
        sa.or_(Thread.post_id.is_(None), on_found_post), readable_threads_clause(viewer, now)
    )
    for term in query.terms:
        stmt = stmt.where(_thread_matches(term, dialect, viewer, now))
    if query.department is not None:
        stmt = stmt.where(Thread.department_id == query.department.id)
    if query.kind:
        stmt = stmt.where(Thread.kind == query.kind)
    if query.state:
        stmt = stmt.where(Thread.state == query.state)
    return stmt


def search(query: SearchQuery, cursor: str | None = None, limit: int = 20, viewer: User | None = None) -> SearchResult:
    """One page of what ``viewer`` may read (None: the public), newest first. An empty query finds nothing."""
    result = SearchResult(query)
    if not query.terms or not (query.wants_posts or query.wants_threads):
        return result
    now = utcnow()
    dialect = db.session.get_bind().dialect.name
    parts = []
    if query.wants_posts:
        parts.append(_posts_stmt(query, now, dialect, viewer))
    if query.wants_threads:
        parts.append(_threads_stmt(query, now, dialect, viewer))
    ranked = (sa.union_all(*parts) if len(parts) > 1 else parts[0]).cte("ranked")
    total = sa.select(sa.func.count()).select_from(ranked).scalar_subquery().label("total")
    # key = id * 2 (+1 for a thread): one integer that orders ties and says which table.
    stmt = keyset_desc(sa.select(ranked.c.at, ranked.c.key, total), ranked.c.at, ranked.c.key, cursor, limit)
    rows = list(db.session.execute(stmt))
    if rows:
        result.total = rows[0].total
    elif cursor:  # past the last page: the count alone
        result.total = db.session.scalar(sa.select(sa.func.count()).select_from(ranked))
    page = page_of(rows, limit, lambda row: (row.at, row.key))
    post_ids = [row.key // 2 for row in page.items if row.key % 2 == 0]
    thread_ids = [row.key // 2 for row in page.items if row.key % 2 == 1]
    posts = _load_posts(post_ids)
    threads = _load_threads(thread_ids)
    for row in page.items:
        if row.key % 2 == 0:
            result.hits.append(Hit(row.at, post=posts[row.key // 2]))
        else:
            result.hits.append(Hit(row.at, thread=threads[row.key // 2]))
    result.next_cursor = page.next_cursor
    return result


def _load_posts(ids: list[int]) -> dict[int, Post]:
    if not ids:
        return {}
    stmt = sa.select(Post).options(joinedload(Post.department)).where(Post.id.in_(ids))
    return {p.id: p for p in db.session.scalars(stmt)}


def _load_threads(ids: list[int]) -> dict[int, Thread]:
    if not ids:
        return {}
    stmt = (
        sa.select(Thread)
        .options(joinedload(Thread.author), joinedload(Thread.department), joinedload(Thread.post))
        .where(Thread.id.in_(ids))
    )
    return {t.id: t for t in db.session.scalars(stmt)}
