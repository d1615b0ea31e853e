"""Who may do what, now: one rule per action on a thread or a post.

Each rule raises the service's own Forbidden, Conflict or Invalid (same message,
same code) when the action is not open to the user in the object's current
state. The services call ``require_action`` before they change anything; the
pages ask ``allowed_actions`` (templates: ``actions_for(obj)`` and
``can(obj, action)``), so a page never offers what the service would refuse.

What the rules do not cover is the input itself (an empty reason, a bad time):
the services check that after the rule.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import gettext as _
from flask_login import current_user

from ..core.clock import utcnow
from ..core.exceptions import Conflict, Forbidden, Invalid, NotFound, ServiceError
from ..models import Category, Post, PostState, Reply, Thread, ThreadState, User
from .permissions import acts_for, oversees, require_acts_for

#: Categories that may take the fast track: one approval by the head publishes at once.
FAST_TRACK_CATEGORIES = frozenset({Category.EMERGENCY, Category.RUMOR})

Rule = Callable[[User | None, object], None]


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated)


def _is(user: User | None, user_id: int | None) -> bool:
    return _signed_in(user) and user.id == user_id


# -- any item: flags and moderation ----------------------------------------------------

def _flag(user, item) -> None:
    if not _signed_in(user):
        raise Forbidden(_("请先登录。"), "login_required")
    if isinstance(item, Post) and not item.is_public(utcnow()):
        raise NotFound(_("没有这条内容。"), "item_not_found")
    if item.author_id == user.id:
        raise Conflict(_("不能举报自己的内容。"), "own_item")
    if item.hidden_at is not None:
        raise Conflict(_("该内容已被隐藏。"), "already_hidden")


def _require_moderator(user, item) -> None:
    department = item.thread.department if isinstance(item, Reply) else item.department
    if not oversees(user, department):
        raise Forbidden(_("只有管理员或督办人员可以处理举报。"), "not_moderator")


def _hide(user, item) -> None:
    _require_moderator(user, item)
    if item.hidden_at is not None:
        raise Conflict(_("该内容已被隐藏。"), "already_hidden")


def _unhide(user, item) -> None:
    _require_moderator(user, item)
    if item.hidden_at is None:
        raise Conflict(_("该内容没有被隐藏。"), "not_hidden")


# -- threads ---------------------------------------------------------------------------

def _not_dismissed(thread: Thread) -> None:
    if thread.state == ThreadState.DISMISSED:
        raise Conflict(_("该留言已标记为无需回复。"), "thread_dismissed")


def _answer(user, thread: Thread) -> None:
    """An official reply: staff of the owning department, on any thread not dismissed."""
    _not_dismissed(thread)
    if not acts_for(user, thread.department_id):
        raise Forbidden(_("只有该部门的工作人员或留言人可以回复。"), "cannot_reply")


def _follow_up(user, thread: Thread) -> None:
    """追问: the opener, once the department has answered."""
    _not_dismissed(thread)
    if not _is(user, thread.author_id):
        raise Forbidden(_("只有该部门的工作人员或留言人可以回复。"), "cannot_reply")
    if thread.hidden_at is not None or thread.held_at is not None:
        raise Conflict(_("该留言已被管理员隐藏或正在审核，暂不能追问。"), "thread_closed")
    if thread.first_response_at is None:
        raise Conflict(_("部门答复之后才能追问。"), "not_answered_yet")


def _rate(user, thread: Thread) -> None:
    if not _is(user, thread.author_id):
        raise Forbidden(_("只有留言人可以评价。"), "not_opener")
    if thread.state not in (ThreadState.ANSWERED, ThreadState.CLOSED):
        raise Conflict(_("只有已回复的留言可以评价。"), "not_answered")


def _dismiss(user, thread: Thread) -> None:
    require_acts_for(user, thread.department_id)
    if thread.state not in (ThreadState.AWAITING, ThreadState.ANSWERED):
        raise Conflict(_("该留言当前不能标记为无需回复。"), "cannot_dismiss")


def _overturn(user, thread: Thread) -> None:
    if not oversees(user, thread.department):
        raise Forbidden(_("只有督办人员可以撤销无需回复。"), "not_supervisor")
    if thread.state != ThreadState.DISMISSED:
        raise Conflict(_("该留言没有被标记为无需回复。"), "not_dismissed")


def _transfer(user, thread: Thread) -> None:
    """转办: a supervisor dispatches (派单) at once; staff of the department transfer, or ask the
    dispatcher to while ``TRANSFER_APPROVAL`` is on (``threads.routing.transfer_or_request``)."""
    from .loop_rules import can_dispatch

    if thread.state != ThreadState.AWAITING:
        raise Conflict(_("只有待回复的留言可以转办。"), "cannot_transfer")
    if can_dispatch(user, thread):
        return
    require_acts_for(user, thread.department_id)


def _notice(user, thread: Thread) -> None:
    """A supervision notice on a thread: its overseers, once it is overdue."""
    if not oversees(user, thread.department):
        raise Forbidden(_("只有负责该部门的督办人员可以发督办单。"), "not_overseer")
    if not thread.is_overdue(utcnow()):
        raise Conflict(_("只能就超期的留言发督办单。"), "thread_not_overdue")


THREAD_RULES: dict[str, Rule] = {
    "answer": _answer, "follow_up": _follow_up, "rate": _rate, "dismiss": _dismiss,
    "overturn": _overturn, "transfer": _transfer, "notice": _notice,
    "flag": _flag, "hide": _hide, "unhide": _unhide,
}


# -- posts -----------------------------------------------------------------------------

def _require_author(user, post: Post) -> None:
    require_acts_for(user, post.department_id)
    if user.id != post.author_id:
        raise Forbidden(_("只有作者本人可以修改或提交草稿。"), "author_only")


def _require_reviewer(user, post: Post) -> None:
    require_acts_for(user, post.department_id)
    if not user.can_review:
        raise Forbidden(_("只有本部门的审核人可以办理。"), "reviewer_only")


def _require_head(user, post: Post) -> None:
    require_acts_for(user, post.department_id)
    if not user.is_dept_head:
        raise Forbidden(_("只有本部门的主要负责人可以办理。"), "head_only")


def _require_not_author(user, post: Post) -> None:
    if user.id == post.author_id:
        raise Forbidden(_("不能审核自己撰写的微博。"), "own_post")


def _require_state(post: Post, *states: str) -> None:
    if post.state not in states:
        raise Conflict(_("该微博当前的状态不允许此操作。"), "invalid_state")


def _require_public(post: Post) -> None:
    if not post.is_public(utcnow()):
        raise Conflict(_("只能对已公开的微博进行此操作。"), "not_public")


def _edit(user, post: Post) -> None:
    _require_author(user, post)
    _require_state(post, PostState.DRAFT)


def _final_approve(user, post: Post) -> None:
    _require_head(user, post)
    _require_not_author(user, post)
    _require_state(post, PostState.PENDING_FINAL)


def _approve(user, post: Post) -> None:
    """Approve, or on a post waiting for the head, the final approval."""
    if post.state == PostState.PENDING_FINAL:
        return _final_approve(user, post)
    _require_reviewer(user, post)
    _require_not_author(user, post)
    _require_state(post, PostState.PENDING)


def _fast_track(user, post: Post) -> None:
    _require_head(user, post)
    _require_not_author(user, post)
    if post.category not in FAST_TRACK_CATEGORIES:
        raise Invalid(_("只有应急管理和辟谣信息可以走快速通道。"), "not_fast_track")
    _require_state(post, PostState.PENDING, PostState.PENDING_FINAL)


def _return(user, post: Post) -> None:
    _require_reviewer(user, post)
    _require_not_author(user, post)
    if post.state == PostState.PENDING_FINAL:
        _require_head(user, post)
    elif post.state == PostState.SCHEDULED:
        if post.is_public(utcnow()):
            raise Conflict(_("该微博已公开，只能撤回。"), "already_public")
    else:
        _require_state(post, PostState.PENDING)


def _schedule(user, post: Post) -> None:
    require_acts_for(user, post.department_id)
    if post.state == PostState.DRAFT:
        _require_author(user, post)
    elif post.state in (PostState.PENDING, PostState.PENDING_FINAL):
        if user.id != post.author_id:
            _require_reviewer(user, post)
    elif post.state == PostState.SCHEDULED and not post.is_public(utcnow()):
        _require_reviewer(user, post)
    else:
        raise Conflict(_("该微博已公开，不能再定时。"), "invalid_state")


def _withdraw(user, post: Post) -> None:
    _require_reviewer(user, post)
    _require_public(post)


def _correct(user, post: Post) -> None:
    require_acts_for(user, post.department_id)
    _require_public(post)


def _pin(user, post: Post) -> None:
    """The same right as withdrawing: a reviewer, on a public post not pinned yet."""
    _withdraw(user, post)
    if post.dept_pinned_at is not None:
        raise Conflict(_("该微博已置顶。"), "already_pinned")


def _unpin(user, post: Post) -> None:
    _require_reviewer(user, post)
    if post.dept_pinned_at is None:
        raise Conflict(_("该微博没有置顶。"), "not_pinned")


def _timeline_pinned(post: Post) -> bool:
    return post.timeline_pinned_until is not None and post.timeline_pinned_until > utcnow()


def _pin_timeline(user, post: Post) -> None:
    _require_reviewer(user, post)
    if not post.fast_track:
        raise Conflict(_("只有快速通道发布的微博可以在首页置顶。"), "not_fast_track")
    _require_public(post)
    if _timeline_pinned(post):
        raise Conflict(_("该微博已在首页置顶。"), "already_pinned")


def _unpin_timeline(user, post: Post) -> None:
    _require_reviewer(user, post)
    if not _timeline_pinned(post):
        raise Conflict(_("该微博没有在首页置顶。"), "not_pinned")


def _require_resident(user) -> None:
    if not (_signed_in(user) and user.is_resident):
        raise Forbidden(_("只有居民账号可以这样做。"), "residents_only")


def _reach(user, post: Post) -> None:
    """Like or repost: residents, on a public post."""
    _require_resident(user)
    if post.withdrawn:
        raise Conflict(_("该微博已撤回。"), "post_withdrawn")
    if not post.is_public(utcnow()):
        raise Conflict(_("该微博尚未发布。"), "post_not_public")


POST_RULES: dict[str, Rule] = {
    "edit": _edit, "submit": _edit, "approve": _approve, "final_approve": _final_approve,
    "fast_track": _fast_track, "return": _return, "schedule": _schedule,
    "withdraw": _withdraw, "correct": _correct, "pin": _pin, "unpin": _unpin,
    "pin_timeline": _pin_timeline, "unpin_timeline": _unpin_timeline,
    "like": _reach, "unlike": lambda user, post: _require_resident(user), "repost": _reach,
    "flag": _flag, "hide": _hide, "unhide": _unhide,
}


#: A reply is moderated like the thread it sits in.
REPLY_RULES: dict[str, Rule] = {"flag": _flag, "hide": _hide, "unhide": _unhide}


# -- asking ----------------------------------------------------------------------------

def _rules_for(obj: object) -> dict[str, Rule]:
    if isinstance(obj, Thread):
        return THREAD_RULES
    if isinstance(obj, Post):
        return POST_RULES
    if isinstance(obj, Reply):
        return REPLY_RULES
    raise TypeError(f"no actions for {type(obj).__name__}")


def require_action(user: User | None, obj: Thread | Post | Reply, action: str) -> None:
    """Raise the service's Forbidden/Conflict/Invalid unless ``user`` may take ``action`` now."""
    _rules_for(obj)[action](user, obj)


def may(user: User | None, obj: Thread | Post, action: str) -> bool:
    try:
        require_action(user, obj, action)
    except ServiceError:
        return False
    return True


def thread_actions(user: User | None, thread: Thread) -> frozenset[str]:
    return frozenset(name for name in THREAD_RULES if may(user, thread, name))


def post_actions(user: User | None, post: Post) -> frozenset[str]:
    return frozenset(name for name in POST_RULES if may(user, post, name))


def allowed_actions(user: User | None, obj: Thread | Post | Reply) -> frozenset[str]:
    """Every action ``user`` may take on the thread, post or reply now."""
    return frozenset(name for name in _rules_for(obj) if may(user, obj, name))


def _viewer() -> User | None:
    return current_user if current_user.is_authenticated else None


def register(app: Flask) -> None:
    """Templates ask the same rules: ``actions_for(obj)`` (a set) and ``can(obj, action)``."""
    app.add_template_global(lambda obj: allowed_actions(_viewer(), obj), "actions_for")
    app.add_template_global(lambda obj, action: may(_viewer(), obj, action), "can")

