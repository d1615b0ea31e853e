"""Who may read what: the one rule, in Python (``can_read``) and in SQL (``readable_*_clause``).

An item is read *given what it sits inside*: a reply goes with its thread, a
thread with its post, an image, a repost or a correction with what carries it.

- **Insiders** read everything of their departments, whatever its state: the
  author, the thread's opener (the whole conversation), the department's
  staff, the supervisors over it, admins (``access/scope.py``).
- **Everyone else** reads a post that is public now (published, or scheduled
  and due; not held) and not hidden; a thread or reply that is neither held
  (awaiting a moderator) nor hidden nor private, inside a readable thread, on
  a post that is shown. Hiding or holding a thread takes all of it away,
  follow-ups and answers included.
- Some unreadable items leave a public **trace** in the lists they belong to
  (``leaves_trace``): a withdrawn post its notice (撤回说明), a hidden post,
  thread or reply "该内容因…已隐藏". Held and private items leave none: the
  public does not learn that they exist.
- The public reads residents' text with personal information masked and an
  anonymous opener as 匿名网民; insiders see it as written. Posts and official
  replies are the department speaking: never masked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..core.clock import utcnow
from ..core.text import mask_pii, render_public_html
from ..models import Correction, Department, Image, Post, Reply, Repost, Thread, User
from .permissions import acts_for
from .scope import oversees, scope_of

Item = Post | Thread | Reply


def department_of(item: Item) -> Department:
    return item.thread.department if isinstance(item, Reply) else item.department


def department_id_of(item: Item) -> int:
    return item.thread.department_id if isinstance(item, Reply) else item.department_id


def _logged_in(viewer: User | None) -> bool:
    return viewer is not None and viewer.is_authenticated


def sees_full(viewer: User | None, item: Item) -> bool:
    """Insiders: the author, the thread's opener, and whoever's scope holds the department."""
    if not _logged_in(viewer):
        return False
    if viewer.id == item.author_id:
        return True
    if isinstance(item, Reply) and viewer.id == item.thread.author_id:
        return True  # the opener reads the whole conversation on their own thread
    scope = scope_of(viewer)
    if scope.empty:
        return False
    if scope.department_id is not None:  # staff: compare ids, load nothing
        return scope.department_id == department_id_of(item)
    return scope.covers(department_of(item))


def _open(item: Thread | Reply) -> bool:
    """Not held for a moderator and, for a thread, not private: the public may know it exists."""
    return item.held_at is None and not (isinstance(item, Thread) and item.private)


def can_read(viewer: User | None, item: Any, now: datetime | None = None) -> bool:
    """May ``viewer`` read ``item`` (post, thread, reply, image, repost, correction)?"""
    if isinstance(item, Image):
        target = item.post or item.thread
        own = _logged_in(viewer) and viewer.id == item.owner_id
        return own or (target is not None and can_read(viewer, target, now))
    if isinstance(item, Repost):
        return shows(viewer, item.post, now)
    if isinstance(item, Correction):
        return can_read(viewer, item.post, now)
    if sees_full(viewer, item):
        return True
    if item.hidden_at is not None:
        return False
    if isinstance(item, Post):
        return item.is_public(now or utcnow())
    if isinstance(item, Thread):
        return _open(item) and (item.post is None or shows(viewer, item.post, now))
    return _open(item) and can_read(viewer, item.thread, now)


def reads_alike(item: Post, now: datetime | None = None) -> bool:
    """Every viewer reads this post the same way: public, not hidden, not held (no insider
    sees more, ``body_html_for`` gives everyone ``body_html``). Only such a post's text may
    be shared between viewers (the card cache, posts/cards.py)."""
    return item.hidden_at is None and item.is_public(now or utcnow())


def leaves_trace(viewer: User | None, item: Item, now: datetime | None = None) -> bool:
    """Unreadable, yet listed as a notice: withdrawn posts, and hidden items in a shown place."""
    if can_read(viewer, item, now):
        return False
    if isinstance(item, Post):
        return item.withdrawn or (item.hidden_at is not None and item.is_public(now or utcnow()))
    if item.hidden_at is None or not _open(item):
        return False
    if isinstance(item, Thread):
        return item.post is None or shows(viewer, item.post, now)
    return can_read(viewer, item.thread, now)


def shows(viewer: User | None, item: Item, now: datetime | None = None) -> bool:
    """The item appears at all: readable, or as its trace."""
    return can_read(viewer, item, now) or leaves_trace(viewer, item, now)


# --- SQL twins ----------------------------------------------------------------

def _insider_clause(viewer: User | None, department_col, author_col) -> sa.ColumnElement[bool] | None:
    if not _logged_in(viewer):
        return None
    return sa.or_(author_col == viewer.id, scope_of(viewer).clause(department_col))


def _or_insider(public: sa.ColumnElement[bool], insider) -> sa.ColumnElement[bool]:
    return public if insider is None else sa.or_(public, insider)


def readable_posts_clause(viewer: User | None, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """SQL twin of ``can_read`` for posts."""
    public = sa.and_(Post.public_clause(utcnow() if now is None else now), Post.hidden_at.is_(None))
    return _or_insider(public, _insider_clause(viewer, Post.department_id, Post.author_id))


def shown_posts_clause(viewer: User | None, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """SQL twin of ``shows`` for posts: readable, or listed as a notice (withdrawn, hidden)."""
    return _or_insider(Post.listed_clause(utcnow() if now is None else now), _insider_clause(viewer, Post.department_id, Post.author_id))


def thread_public_by_itself() -> sa.ColumnElement[bool]:
    """The thread's own part of the public rule (its post aside): what public counts count."""
    return sa.and_(Thread.held_at.is_(None), Thread.hidden_at.is_(None), Thread.private.is_(False))


def _on_shown_post(viewer: User | None, now: datetime | None) -> sa.ColumnElement[bool]:
    # EXISTS on the thread's own post, not "post_id IN (every shown post)": SQLite built that
    # list from a scan of every post (12 ms at 20,000 posts) even for one post's 50 threads.
    shown_post = sa.exists().where(Post.id == Thread.post_id, shown_posts_clause(viewer, now)).correlate_except(Post)
    return sa.or_(Thread.post_id.is_(None), shown_post)


def readable_threads_clause(viewer: User | None, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """SQL twin of ``can_read`` for threads."""
    public = sa.and_(thread_public_by_itself(), _on_shown_post(viewer, now))
    return _or_insider(public, _insider_clause(viewer, Thread.department_id, Thread.author_id))


def shown_threads_clause(viewer: User | None, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """SQL twin of ``shows`` for threads: readable, or hidden (its notice) where the public may know it."""
    public = sa.and_(Thread.held_at.is_(None), Thread.private.is_(False), _on_shown_post(viewer, now))
    return _or_insider(public, _insider_clause(viewer, Thread.department_id, Thread.author_id))


def readable_replies_clause(viewer: User | None, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """SQL twin of ``can_read`` for replies."""
    readable_threads = sa.select(Thread.id).where(readable_threads_clause(viewer, now))
    public = sa.and_(Reply.held_at.is_(None), Reply.hidden_at.is_(None), Reply.thread_id.in_(readable_threads))
    insider = _insider_clause(viewer, Thread.department_id, Thread.author_id)
    if insider is None:
        return public
    own_threads = sa.select(Thread.id).where(insider)
    return sa.or_(public, Reply.author_id == viewer.id, Reply.thread_id.in_(own_threads))


# --- how a readable item is shown ----------------------------------------------

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
    """Plain text for the API: None where the viewer may not read it, masked for the public."""
    if not can_read(viewer, item):
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


def template_helpers() -> dict[str, Any]:
    """The helpers templates call; each judges for the current viewer."""
    from .viewer import current_viewer

    return {
        "body_for": lambda item: body_html_for(current_viewer(), item),
        "author_for": lambda thread: author_name_for(current_viewer(), thread),
        "hidden_for": lambda item: not can_read(current_viewer(), item),
        "can_read": lambda item: can_read(current_viewer(), item),
        "sees_full": lambda item: sees_full(current_viewer(), item),
        "sees_contact": lambda thread: sees_contact(current_viewer(), thread),
        "visible_replies": lambda thread: [r for r in thread.replies if shows(current_viewer(), r)],
    }
