"""Shared setup for the publishing-workflow tests: one reviewed department and every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from werkzeug.security import generate_password_hash

from weibo_app.core.clock import utcnow
from weibo_app.core.extensions import db
from weibo_app.models import Department, Post, PostState, Role, User
from weibo_app.posts import amend
from weibo_app.posts import lifecycle as ops


def use_quick_password_hashes(monkeypatch) -> None:
    """These tests make many accounts; a cheap hash keeps them fast (login still checks it)."""
    monkeypatch.setattr(
        "weibo_app.models.user.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )


@dataclass
class World:
    dept: Department
    other: Department
    author: User  # staff of dept
    staff2: User
    reviewer: User
    head: User
    reviewer_b: User  # of the other department
    head_b: User
    resident: User
    supervisor: User
    admin: User

    def actors(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in ACTORS}

    def post(self, state: str, *, major: bool = False, category: str = "work", body: str = "本周末开展防汛演练",
             author: User | None = None) -> Post:
        """A post brought to ``state`` through the services, as the author and the reviewer."""
        author = author or self.author
        reviewer = self.reviewer if author is not self.reviewer else self.head
        scheduled = utcnow() + timedelta(days=1) if state == "scheduled" else None
        post = ops.create_post(author, body=body, category=category, major=major or state == "pending_final",
                               scheduled_at=scheduled, submit=False)
        if state != "draft":
            ops.submit_post(author, post)
        if state in ("pending_final",):
            ops.approve_post(reviewer, post, secrecy_checked=True)
        if state in ("scheduled", "published", "withdrawn"):
            ops.approve_post(reviewer, post, secrecy_checked=True)
        if state == "withdrawn":
            amend.withdraw_post(reviewer, post, reason="信息有误")
        db.session.commit()
        assert post.state == state
        return post


ACTORS = ("author", "staff2", "reviewer", "head", "reviewer_b", "head_b", "resident", "supervisor", "admin")
STATES = (PostState.DRAFT, PostState.PENDING, PostState.PENDING_FINAL, PostState.SCHEDULED,
          PostState.PUBLISHED, PostState.WITHDRAWN)


def build_world(make) -> World:
    dept = make.department(review=True)
    other = make.department(review=True)
    return World(
        dept=dept, other=other,
        author=make.staff(dept), staff2=make.staff(dept),
        reviewer=make.staff(dept, Role.REVIEWER), head=make.staff(dept, Role.DEPT_HEAD),
        reviewer_b=make.staff(other, Role.REVIEWER), head_b=make.staff(other, Role.DEPT_HEAD),
        resident=make.user(), supervisor=make.user(Role.SUPERVISOR), admin=make.user(Role.ADMIN),
    )
