"""Who may take which decision on a post, in which state: checked here, once.

The services in ``lifecycle`` (the way to publication) and ``amend`` (what
happens to a public post) run these guards before they change anything, and
the UI asks ``allowed_actions`` which buttons to show, so the two never
disagree. The rules: staff act only for their own department; reviewers
approve, return, withdraw and pin; the department head gives the final
approval of a major post and the fast track; nobody approves or returns
their own post.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from ..core.clock import utcnow
from ..core.dates import LAST_DAY, moment_in_window
from ..core.exceptions import Conflict, Forbidden, Invalid
from ..core.text import clean_reason as clean_text_reason
from ..models import Category, Post, PostState, User
from ..permissions import require_acts_for

#: Categories that may take the fast track: one approval by the head publishes at once.
FAST_TRACK_CATEGORIES = frozenset({Category.EMERGENCY, Category.RUMOR})
#: Longest a fast-track post may stay pinned to the top of the public timeline.
MAX_TIMELINE_PIN = timedelta(days=30)
# -- checks ---------------------------------------------------------------------------

def require_author(actor: User, post: Post) -> None:
    require_acts_for(actor, post.department_id)
    if actor.id != post.author_id:
        raise Forbidden(_("只有作者本人可以修改或提交草稿。"), "author_only")


def require_reviewer(actor: User, post: Post) -> None:
    require_acts_for(actor, post.department_id)
    if not actor.can_review:
        raise Forbidden(_("只有本部门的审核人可以办理。"), "reviewer_only")


def require_head(actor: User, post: Post) -> None:
    require_acts_for(actor, post.department_id)
    if not actor.is_dept_head:
        raise Forbidden(_("只有本部门的主要负责人可以办理。"), "head_only")


def require_not_author(actor: User, post: Post) -> None:
    if actor.id == post.author_id:
        raise Forbidden(_("不能审核自己撰写的微博。"), "own_post")


def require_state(post: Post, *states: str) -> None:
    if post.state not in states:
        raise Conflict(_("该微博当前的状态不允许此操作。"), "invalid_state")


def require_public(post: Post) -> None:
    if not post.is_public(utcnow()):
        raise Conflict(_("只能对已公开的微博进行此操作。"), "not_public")


def require_secrecy(secrecy_checked: bool) -> None:
    if secrecy_checked is not True:
        raise Invalid(_("请确认已完成保密审查。"), "secrecy_check_required")


def clean_reason(raw: str | None, code: str, message: str) -> str:
    return clean_text_reason(raw, empty=(message, code))


def future_time(at: datetime | None) -> datetime:
    if at is None:
        raise Invalid(_("请给出时间。"), "time_required")
    if at.tzinfo is None:
        raise Invalid(_("请给出带时区的时间。"), "invalid_time")
    if at <= utcnow():
        raise Invalid(_("时间必须晚于现在。"), "time_in_past")
    if not moment_in_window(at):
        raise Invalid(_("时间必须在 %(last)s 之前。", last=LAST_DAY.isoformat()), "time_out_of_range")
    return at


# -- who may do what, in which state (the UI asks ``allowed_actions``) ---------------

def guard_edit(actor: User, post: Post) -> None:
    require_author(actor, post)
    require_state(post, PostState.DRAFT)


def guard_approve(actor: User, post: Post) -> None:
    if post.state == PostState.PENDING_FINAL:
        return guard_final(actor, post)
    require_reviewer(actor, post)
    require_not_author(actor, post)
    require_state(post, PostState.PENDING)


def guard_final(actor: User, post: Post) -> None:
    require_head(actor, post)
    require_not_author(actor, post)
    require_state(post, PostState.PENDING_FINAL)


def guard_fast_track(actor: User, post: Post) -> None:
    require_head(actor, post)
    require_not_author(actor, post)
    if post.category not in FAST_TRACK_CATEGORIES:
        raise Invalid(_("只有应急管理和辟谣信息可以走快速通道。"), "not_fast_track")
    require_state(post, PostState.PENDING, PostState.PENDING_FINAL)


def guard_return(actor: User, post: Post) -> None:
    require_reviewer(actor, post)
    require_not_author(actor, post)
    if post.state == PostState.PENDING_FINAL:
        require_head(actor, post)
    elif post.state == PostState.SCHEDULED:
        if post.is_public(utcnow()):
            raise Conflict(_("该微博已公开，只能撤回。"), "already_public")
    else:
        require_state(post, PostState.PENDING)


def guard_schedule(actor: User, post: Post) -> None:
    require_acts_for(actor, post.department_id)
    if post.state == PostState.DRAFT:
        require_author(actor, post)
    elif post.state in (PostState.PENDING, PostState.PENDING_FINAL):
        if actor.id != post.author_id:
            require_reviewer(actor, post)
    elif post.state == PostState.SCHEDULED and not post.is_public(utcnow()):
        require_reviewer(actor, post)
    else:
        raise Conflict(_("该微博已公开，不能再定时。"), "invalid_state")


def guard_withdraw(actor: User, post: Post) -> None:
    require_reviewer(actor, post)
    require_public(post)


def guard_correct(actor: User, post: Post) -> None:
    require_acts_for(actor, post.department_id)
    require_public(post)


def guard_pin_timeline(actor: User, post: Post) -> None:
    require_reviewer(actor, post)
    if not post.fast_track:
        raise Conflict(_("只有快速通道发布的微博可以在首页置顶。"), "not_fast_track")
    require_public(post)


_GUARDS = {
    "edit": guard_edit, "submit": guard_edit, "approve": guard_approve,
    "fast_track": guard_fast_track, "return": guard_return, "schedule": guard_schedule,
    "withdraw": guard_withdraw, "correct": guard_correct, "pin": guard_withdraw,
    "pin_timeline": guard_pin_timeline,
}


def allowed_actions(actor: User, post: Post) -> frozenset[str]:
    """The decisions ``actor`` may take on ``post`` now: the same checks the services run."""
    allowed = set()
    for name, guard in _GUARDS.items():
        try:
            guard(actor, post)
        except (Forbidden, Conflict, Invalid):
            continue
        allowed.add(name)
    return frozenset(allowed)
