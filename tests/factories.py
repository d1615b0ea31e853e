"""Test data made through the same services the app uses."""

from __future__ import annotations

import itertools

from weibo_app.auth.operations import create_user
from weibo_app.core.extensions import db
from weibo_app.departments.operations import create_department
from weibo_app.models import Post, PostState, Role
from weibo_app.posts.lifecycle import create_post, publish_post
from weibo_app.threads.operations import open_thread

_seq = itertools.count(1)


class Factory:
    PASSWORD = "test-pass-123"

    def department(self, slug: str | None = None, name: str | None = None, parent=None, review: bool = False):
        n = next(_seq)
        dept = create_department(
            slug or f"dept-{n}", name or f"测试部门{n}",
            parent.slug if parent is not None else None, review_required=review,
        )
        db.session.commit()
        return dept

    def user(self, role: str = Role.RESIDENT, department=None, username: str | None = None):
        user = create_user(
            username or f"user{next(_seq)}", self.PASSWORD, role,
            department.slug if department is not None else None,
        )
        db.session.commit()
        return user

    def staff(self, department, role: str = Role.STAFF):
        return self.user(role, department)

    def post(self, author=None, department=None, body: str = "测试微博", category: str = "work") -> Post:
        if author is None:
            author = self.staff(department or self.department())
        post = create_post(author, body=body, category=category)
        if post.state != PostState.PUBLISHED:
            publish_post(author, post)
        db.session.commit()
        return post

    def thread(self, author=None, post=None, department=None, kind: str = "consultation", body: str = "请问怎么办理？"):
        author = author or self.user()
        thread = open_thread(author, body=body, kind=kind, post=post, department=department)
        db.session.commit()
        return thread
