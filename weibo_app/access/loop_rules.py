"""Who may take each closed-loop step on a thread (办理闭环): one function per action.

Services raise Forbidden when these say no; templates call the same functions to
decide which controls to show. They judge the person only; whether the thread's
state allows the step is the service's Conflict (and ``open_for_*`` below for pages).
"""

from __future__ import annotations

from ..models import Department, Thread, ThreadState, User
from .permissions import acts_for


def _staff_of(user: User | None, thread: Thread) -> bool:
    return acts_for(user, thread.department_id)


def supervises(user: User | None, department: Department) -> bool:
    """A supervisor whose subtree holds the department (admins run the site, they do not dispatch)."""
    if not (user and user.is_authenticated and user.is_supervisor):
        return False
    scope = user.supervised_department
    return scope is None or department.in_subtree_of(scope)


def can_accept(user: User | None, thread: Thread) -> bool:
    """签收: staff of the owning department."""
    return _staff_of(user, thread)


def can_read_notes(user: User | None, thread: Thread) -> bool:
    """内部备注: the department's staff and the supervisors over it, never the public or the resident."""
    return _staff_of(user, thread) or supervises(user, thread.department)


def can_write_note(user: User | None, thread: Thread) -> bool:
    return can_read_notes(user, thread)


def can_answer(user: User | None, thread: Thread) -> bool:
    """Official replies, interim or final: staff of the owning department."""
    return _staff_of(user, thread)


def can_request_extension(user: User | None, thread: Thread) -> bool:
    return _staff_of(user, thread)


def can_request_transfer(user: User | None, thread: Thread) -> bool:
    return _staff_of(user, thread)


def can_dispatch(user: User | None, thread: Thread) -> bool:
    """派单: a supervisor moves any thread of their subtree directly."""
    return supervises(user, thread.department)


def can_decide_request(user: User | None, thread: Thread) -> bool:
    """Approve or reject a transfer or extension request on the thread."""
    return supervises(user, thread.department)


def can_rework(user: User | None, thread: Thread) -> bool:
    return supervises(user, thread.department)


def can_urge(user: User | None, thread: Thread) -> bool:
    return supervises(user, thread.department)


def can_visit(user: User | None, thread: Thread) -> bool:
    """回访 recorded by a supervisor's office."""
    return supervises(user, thread.department)


def can_rate(user: User | None, thread: Thread) -> bool:
    """The resident who opened the thread."""
    return bool(user and user.is_authenticated and user.id == thread.author_id)


# --- the state each step needs (pages show a control only when both agree) ------------

def open_for_work(thread: Thread) -> bool:
    """Accept, extension, transfer, urge: the thread waits for an answer."""
    return thread.state == ThreadState.AWAITING


def open_for_rework(thread: Thread) -> bool:
    return thread.state in (ThreadState.ANSWERED, ThreadState.CLOSED)


def open_for_visit(thread: Thread) -> bool:
    return thread.state in (ThreadState.ANSWERED, ThreadState.CLOSED)


def template_helpers() -> dict:
    """Every rule above, for templates: ``loop.can_urge(current_user, thread)``."""
    import sys

    return {"loop": sys.modules[__name__]}
