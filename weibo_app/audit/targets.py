"""Where each audit row's target can be opened, for one viewer.

One query per kind of target on the page (never one per row): a row gets a
link only when its target still exists and the viewer may open it, by the
same rules the target's own page applies (``access.read``'s SQL twins for
posts, threads and replies; the admin pages for accounts; oversight for
requests, notices and reports).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from flask import url_for

from ..access.read import readable_posts_clause, readable_replies_clause, readable_threads_clause
from ..access.scope import oversight_of
from ..core.clock import utcnow
from ..core.extensions import db
from ..models import AnnualReport, AuditLog, Department, InfoRequest, Post, Reply, SupervisionNotice, Thread, User

Key = tuple[str, int]


def target_links(viewer: User, entries: Iterable[AuditLog]) -> dict[Key, str]:
    """``{(target_type, target_id): url}`` for the targets ``viewer`` may open."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.target_id is not None:
            wanted[entry.target_type].add(entry.target_id)
    links: dict[Key, str] = {}
    now = utcnow()
    scope = oversight_of(viewer)

    def rows(stmt):
        return db.session.execute(stmt).all()

    if ids := wanted.get("post"):
        for (pid,) in rows(sa.select(Post.id).where(Post.id.in_(ids), readable_posts_clause(viewer, now))):
            links["post", pid] = url_for("posts.detail", post_id=pid)
    if ids := wanted.get("thread"):
        for (tid,) in rows(sa.select(Thread.id).where(Thread.id.in_(ids), readable_threads_clause(viewer, now))):
            links["thread", tid] = url_for("threads.detail", thread_id=tid)
    if ids := wanted.get("reply"):
        stmt = sa.select(Reply.id, Reply.thread_id).where(Reply.id.in_(ids), readable_replies_clause(viewer, now))
        for rid, tid in rows(stmt):
            links["reply", rid] = url_for("threads.detail", thread_id=tid)
    if (ids := wanted.get("user")) and viewer.is_admin:  # account pages are the admins'
        for (uid,) in rows(sa.select(User.id).where(User.id.in_(ids))):
            links["user", uid] = url_for("admin.user_detail", user_id=uid)
    if ids := wanted.get("department"):
        for did, slug in rows(sa.select(Department.id, Department.slug).where(Department.id.in_(ids))):
            links["department", did] = url_for("departments.detail", slug=slug)

    def overseen(model, kind: str):
        return sa.and_(model.id.in_(wanted[kind]), scope.clause(model.department_id))

    if wanted.get("info_request"):
        stmt = sa.select(InfoRequest.id, InfoRequest.number).where(overseen(InfoRequest, "info_request"))
        for rid, number in rows(stmt):
            links["info_request", rid] = url_for("disclosure.detail", number=number)
    if wanted.get("supervision_notice"):
        for (nid,) in rows(sa.select(SupervisionNotice.id).where(overseen(SupervisionNotice, "supervision_notice"))):
            links["supervision_notice", nid] = url_for("supervision.detail", notice_id=nid)
    if wanted.get("annual_report"):
        stmt = (sa.select(AnnualReport.id, AnnualReport.year, Department.slug)
                .join(Department, AnnualReport.department_id == Department.id)
                .where(overseen(AnnualReport, "annual_report")))
        for rid, year, slug in rows(stmt):
            links["annual_report", rid] = url_for("reports.annual", year=year, slug=slug)
    return links
