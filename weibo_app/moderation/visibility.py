"""Who sees what of a post, thread or reply: the one place for held, hidden, masked and anonymous.

- *Held* items (flagged past the threshold, or containing a sensitive word) are
  not public until a moderator releases them; their author, the department's
  staff and the moderators overseeing the department still see them.
- *Hidden* items leave a public trace ("该内容因…已隐藏") instead of their text.
- The public reads residents' threads and follow-ups with personal information
  masked and anonymous openers as 匿名网民; the same insiders see everything in
  full. Posts and official replies are the department speaking: never masked.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from ..core.text import render_public_html
from ..models import Department, Post, Reply, Thread, User
from ..permissions import acts_for, oversees

Item = Post | Thread | Reply


def current_viewer() -> User | None:
    """The user looking: the bearer-token user in the API, the session user elsewhere."""
    if not has_request_context():
        return None
    if request.path.startswith("/api/"):
        from ..api.auth import api_user

        return api_user()
    return current_user if current_user.is_authenticated else None


def department_of(item: Item) -> Department:
    return item.thread.department if isinstance(item, Reply) else item.department


def department_id_of(item: Item) -> int:
    return item.thread.department_id if isinstance(item, Reply) else item.department_id


def can_moderate(user: User | None, department: Department) -> bool:
    """Admins everywhere; supervisors in the subtree they oversee."""
    return oversees(user, department)


def sees_full(viewer: User | None, item: Item) -> bool:
    """The author, the department's staff and its moderators see an item as written."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.id == item.author_id:
        return True
    if isinstance(item, Reply) and viewer.id == item.thread.author_id:
        return True  # the opener reads the whole conversation on their own thread
    if acts_for(viewer, department_id_of(item)):
        return True
    return can_moderate(viewer, department_of(item))


def can_view(viewer: User | None, item: Item) -> bool:
    """Held items only reach those who see in full."""
    return item.held_at is None or sees_full(viewer, item)


def is_hidden_for(viewer: User | None, item: Item) -> bool:
    """The viewer gets the placeholder instead of the text."""
    return item.hidden_at is not None and not sees_full(viewer, item)


def _written_by_staff(item: Item) -> bool:
    """Posts and official replies are the department speaking: never masked."""
    return isinstance(item, Post) or (isinstance(item, Reply) and item.official)


def body_html_for(viewer: User | None, item: Item) -> str:
    """Stored safe HTML: residents' text with personal information masked for the public."""
    if _written_by_staff(item) or sees_full(viewer, item):
        return item.body_html
    if item.body_html_public is not None:
        return item.body_html_public
    return render_public_html(item.body)  # rows written before the column existed


def body_text_for(viewer: User | None, item: Item) -> str | None:
    """Plain text for the API: None where hidden, masked for the public."""
    from ..core.text import mask_pii

    if is_hidden_for(viewer, item):
        return None
    if _written_by_staff(item) or sees_full(viewer, item):
        return item.body
    return mask_pii(item.body)


def author_name_for(viewer: User | None, thread: Thread) -> str:
    """An anonymous opener is 匿名网民 to the public."""
    from flask_babel import gettext as _

    if thread.author_id is None:  # recorded from another channel: the public sees 张**
        name = thread.contact_name or ""
        if sees_full(viewer, thread):
            return name or _("来电来信群众")
        return mask_name(name) or _("来电来信群众")
    if thread.anonymous and not sees_full(viewer, thread):
        return _("匿名网民")
    return thread.author.shown_name


def mask_name(name: str | None) -> str:
    """张三丰 → 张**: the family name stays, the rest becomes stars."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def sees_contact(viewer: User | None, thread: Thread) -> bool:
    """A recorded request's contact (name, phone): the owning department's staff and the supervisors over it."""
    return acts_for(viewer, thread.department_id) or oversees(viewer, thread.department)


def visible_clause(model: type[Post] | type[Thread], viewer: User | None) -> sa.ColumnElement[bool]:
    """SQL twin of ``can_view`` for lists of posts or threads."""
    public = model.held_at.is_(None)
    if viewer is None or not viewer.is_authenticated:
        return public
    if viewer.is_admin:
        return sa.true()
    conds = [public, model.author_id == viewer.id]
    if viewer.is_staff:
        conds.append(model.department_id == viewer.department_id)
    if viewer.is_supervisor:
        scope = viewer.supervised_department
        if scope is None:
            return sa.true()
        conds.append(model.department_id.in_(Department.subtree_ids(scope)))
    return sa.or_(*conds)


def template_helpers() -> dict[str, Any]:
    """The helpers templates call; each judges for the current viewer."""
    return {
        "body_for": lambda item: body_html_for(current_viewer(), item),
        "author_for": lambda thread: author_name_for(current_viewer(), thread),
        "hidden_for": lambda item: is_hidden_for(current_viewer(), item),
        "sees_full": lambda item: sees_full(current_viewer(), item),
        "sees_contact": lambda thread: sees_contact(current_viewer(), thread),
        "visible_replies": lambda thread: [r for r in thread.replies if can_view(current_viewer(), r)],
    }
