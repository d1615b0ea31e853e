"""Role × state × action: the page shows a control iff ``allowed_actions`` holds the action iff
the service accepts it. Each service call runs inside a savepoint that is rolled back, so one
world serves the whole table."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from weibo_app.access.actions import allowed_actions
from weibo_app.core.exceptions import ServiceError
from weibo_app.core.extensions import db
from weibo_app.models import Post, PostState, Role, Thread
from weibo_app.moderation import operations as mod
from weibo_app.posts import amend, lifecycle
from weibo_app.social import operations as social
from weibo_app.supervision.operations import issue_notice
from weibo_app.threads import operations as ops
from weibo_app.threads import routing

from .conftest import utc

OPENED = utc(2025, 3, 3, 2, 0)  # a Monday: consultations are due on Thursday
LATER = utc(2025, 3, 12, 2, 0)  # every awaiting thread is overdue by then
ROLES = ("visitor", "opener", "resident", "staff_a", "staff_b", "reviewer_a", "head_a",
         "sup_over", "sup_outside", "admin")


@pytest.fixture
def world(app, make):
    with time_machine.travel(OPENED, tick=False):
        a = make.department(slug="dept-a", review=True)
        b = make.department(slug="dept-b")
        people = {
            "visitor": None, "opener": make.user(), "resident": make.user(),
            "staff_a": make.staff(a), "staff_b": make.staff(b), "reviewer_a": make.staff(a, Role.REVIEWER),
            "head_a": make.staff(a, Role.DEPT_HEAD), "sup_over": make.user(Role.SUPERVISOR, department=a),
            "sup_outside": make.user(Role.SUPERVISOR, department=b), "admin": make.user(Role.ADMIN),
        }
        threads = {state: make.thread(author=people["opener"], department=a)
                   for state in ("awaiting", "answered", "closed", "dismissed", "hidden")}
        ops.reply_to_thread(people["staff_a"], threads["answered"], "答复")
        ops.reply_to_thread(people["staff_a"], threads["closed"], "答复")
        ops.rate_thread(people["opener"], threads["closed"], "satisfied")
        ops.dismiss_thread(people["staff_a"], threads["dismissed"], "重复")
        mod.hide_item(people["admin"], threads["hidden"], "广告")
        db.session.commit()
    return a, b, people, {k: t.id for k, t in threads.items()}


def accepts(call, *args) -> bool:
    """Whether the service takes the action; nothing it did is kept."""
    savepoint = db.session.begin_nested()
    try:
        call(*args)
    except ServiceError:
        ok = False
    else:
        ok = True
    savepoint.rollback()
    db.session.expire_all()
    return ok


def page_of(client, login, user, path: str) -> str:
    with client.session_transaction() as sess:
        sess.clear()
    if user is not None:
        login(user)
    resp = client.get(path)
    assert resp.status_code == 200, path
    return resp.get_data(as_text=True)


THREAD_SERVICE = {
    "answer": lambda u, t, w: ops.reply_to_thread(u, t, "答复") if u and u.is_staff else _refuse(),
    "follow_up": lambda u, t, w: ops.reply_to_thread(u, t, "追问") if not (u and u.is_staff) else _refuse(),
    "rate": lambda u, t, w: ops.rate_thread(u, t, "satisfied"),
    "dismiss": lambda u, t, w: ops.dismiss_thread(u, t, "重复"),
    "overturn": lambda u, t, w: ops.overturn_dismissal(u, t, "误判"),
    "transfer": lambda u, t, w: routing.transfer_or_request(u, t, w[1], "转办"),
    "notice": lambda u, t, w: issue_notice(u, w[0], "请办理", 2, thread=t),
    "flag": lambda u, t, w: mod.flag_item(u, t, "spam"),
    "hide": lambda u, t, w: mod.hide_item(u, t, "广告"),
    "unhide": lambda u, t, w: mod.restore_item(u, t, "误判"),
}
THREAD_CONTROL = {  # what on the thread page offers the action (hiding is done from the queue)
    "answer": lambda t: 'id="reply-body"', "follow_up": lambda t: 'id="followup-body"',
    "rate": lambda t: f"/t/{t}/rate", "dismiss": lambda t: f"/t/{t}/dismiss",
    "overturn": lambda t: f"/t/{t}/overturn", "transfer": lambda t: f"/t/{t}/transfer",
    "notice": lambda t: f"/notices/new?thread={t}", "flag": lambda t: f"/flag/thread/{t}",
}


def _refuse():
    """A staff member's reply is an answer, anyone else's a follow-up: the other one is no action."""
    raise ServiceError("", "not_this_action")


def test_thread_actions(world, client, login):
    _a, _b, people, threads = world
    mismatches = []
    with time_machine.travel(LATER, tick=False):
        for role in ROLES:
            for state, tid in threads.items():
                page = page_of(client, login, people[role], f"/t/{tid}")
                allowed = allowed_actions(people[role], db.session.get(Thread, tid))
                for action, call in THREAD_SERVICE.items():
                    taken = accepts(call, people[role], db.session.get(Thread, tid), world)
                    shown = THREAD_CONTROL[action](tid) in page if action in THREAD_CONTROL else taken
                    if not (shown == (action in allowed) == taken):
                        mismatches.append((role, state, action, shown, action in allowed, taken))
    assert mismatches == []
    # The two the page used to get wrong.
    assert "dismiss" not in allowed_actions(people["staff_a"], db.session.get(Thread, threads["closed"]))
    assert "follow_up" not in allowed_actions(people["opener"], db.session.get(Thread, threads["awaiting"]))


POST_STATES = ("draft", "pending", "pending_final", "scheduled", "published", "withdrawn")


def _posts(a, people) -> dict[str, int]:
    """One post of department a per state, written by staff_a; the major ones go to the head."""
    author, reviewer = people["staff_a"], people["reviewer_a"]
    made = {}
    for state in POST_STATES:
        post = lifecycle.create_post(author, body=f"{state}微博", category="emergency",
                                    major=state == "pending_final",
                                    scheduled_at=LATER + timedelta(days=3) if state == "scheduled" else None,
                                    submit=state != "draft")
        if state != "draft" and state != "pending":
            lifecycle.approve_post(reviewer, post, secrecy_checked=True)
        if state == "withdrawn":
            amend.withdraw_post(reviewer, post, reason="有误")
        made[state] = post.id
    db.session.commit()
    assert {s: db.session.get(Post, i).state for s, i in made.items()} == {s: PostState(s) for s in POST_STATES}
    return made


POST_SERVICE = {
    "edit": lambda u, p: lifecycle.edit_draft(u, p, body="改", category="emergency"),
    "submit": lifecycle.submit_post,
    "approve": lambda u, p: lifecycle.approve_post(u, p, secrecy_checked=True),
    "final_approve": lambda u, p: lifecycle.final_approve(u, p, secrecy_checked=True),
    "fast_track": lambda u, p: lifecycle.fast_track_publish(u, p, secrecy_checked=True),
    "return": lambda u, p: lifecycle.return_post(u, p, comment="再改"),
    "schedule": lambda u, p: lifecycle.schedule_post(u, p, LATER + timedelta(days=5)),
    "withdraw": lambda u, p: amend.withdraw_post(u, p, reason="有误"),
    "correct": lambda u, p: amend.add_correction(u, p, body="更正"),
    "pin": amend.pin_post, "unpin": amend.unpin_post,
    "pin_timeline": lambda u, p: amend.pin_to_timeline(u, p, LATER + timedelta(days=1)),
    "unpin_timeline": amend.unpin_from_timeline,
    "like": social.like_post, "unlike": social.unlike_post, "repost": social.repost_post,
    "flag": lambda u, p: mod.flag_item(u, p, "spam"),
    "hide": lambda u, p: mod.hide_item(u, p, "广告"),
    "unhide": lambda u, p: mod.restore_item(u, p, "误判"),
}
WORKFLOW_CONTROL = {  # the staff's workflow page
    "edit": lambda p: f"/posts/{p}/edit", "submit": lambda p: f"/posts/{p}/submit",
    "approve": lambda p: f"/review/{p}/approve", "fast_track": lambda p: f"/review/{p}/fast-track",
    "return": lambda p: f"/review/{p}/return", "schedule": lambda p: f"/review/{p}/schedule",
}
PUBLIC_CONTROL = {  # the public post page
    "withdraw": lambda p: f"/p/{p}/withdraw", "correct": lambda p: f"/p/{p}/corrections",
    "pin": lambda p: f"/p/{p}/pin\"", "unpin": lambda p: f"/p/{p}/unpin\"",
    "pin_timeline": lambda p: f"/p/{p}/pin-timeline", "unpin_timeline": lambda p: f"/p/{p}/unpin-timeline",
    "like": lambda p: f"/p/{p}/like", "repost": lambda p: f"/p/{p}/repost", "flag": lambda p: f"/flag/post/{p}",
}


def test_post_actions(world, client, login):
    a, _b, people, _threads = world
    with time_machine.travel(LATER, tick=False):
        posts = _posts(a, people)
        mismatches = []
        for role in ROLES:
            user = people[role]
            for state, pid in posts.items():
                allowed = allowed_actions(user, db.session.get(Post, pid))
                pages = ""
                if user is not None and user.is_staff and user.department_id == a.id:
                    pages += page_of(client, login, user, f"/review/{pid}")
                if state in ("published", "withdrawn"):
                    pages += page_of(client, login, user, f"/p/{pid}")
                for action, call in POST_SERVICE.items():
                    taken = accepts(call, user, db.session.get(Post, pid))
                    marker = {**WORKFLOW_CONTROL, **PUBLIC_CONTROL}.get(action)
                    shown = marker(pid) in pages if marker and pages else taken
                    if not (shown == (action in allowed) == taken):
                        mismatches.append((role, state, action, shown, action in allowed, taken))
    assert mismatches == []
