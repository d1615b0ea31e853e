"""The publishing state machine: every action, in every state, by every role."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from weibo_app.core.clock import utcnow
from weibo_app.core.exceptions import Conflict, Forbidden, Invalid
from weibo_app.core.extensions import db
from weibo_app.models import AuditLog, Correction, Post, ReviewDecision
from weibo_app.posts import amend
from weibo_app.posts import lifecycle as ops

from .review_world import ACTORS, STATES, build_world, use_quick_password_hashes


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch):
    use_quick_password_hashes(monkeypatch)


@pytest.fixture
def world(make):
    return build_world(make)


LATER = timedelta(days=2)

# action -> {state it is tried in: the roles that may take it}. Everything else is refused.
ALLOWED = {
    "edit": {"draft": {"author"}},
    "submit": {"draft": {"author"}},
    "approve": {"pending": {"reviewer", "head"}, "pending_final": {"head"}},
    "return": {"pending": {"reviewer", "head"}, "pending_final": {"head"}, "scheduled": {"reviewer", "head"}},
    "schedule": {"draft": {"author"}, "pending": {"author", "reviewer", "head"},
                 "pending_final": {"author", "reviewer", "head"}, "scheduled": {"reviewer", "head"}},
    "withdraw": {"published": {"reviewer", "head"}},
    "correct": {"published": {"author", "staff2", "reviewer", "head"}},
    "pin": {"published": {"reviewer", "head"}},
}


def run(action: str, actor, post: Post):
    if action == "edit":
        return ops.edit_draft(actor, post, body="修改后的内容", category="policy")
    if action == "submit":
        return ops.submit_post(actor, post)
    if action == "approve":
        return ops.approve_post(actor, post, secrecy_checked=True)
    if action == "return":
        return ops.return_post(actor, post, comment="请补充时间地点")
    if action == "schedule":
        return ops.schedule_post(actor, post, utcnow() + LATER)
    if action == "withdraw":
        return amend.withdraw_post(actor, post, reason="信息有误")
    if action == "correct":
        return amend.add_correction(actor, post, body="演练改在周日上午")
    if action == "pin":
        return amend.pin_post(actor, post)
    raise AssertionError(action)


def check_effect(action: str, state: str, post: Post) -> None:
    """What an allowed action did to a post that was in ``state``."""
    if action == "edit":
        assert (post.state, post.body, post.category) == ("draft", "修改后的内容", "policy")
    elif action == "submit":
        assert post.state == "pending"  # the department reviews
    elif action == "approve":
        assert post.state == "published" and post.published_at is not None
    elif action == "return":
        assert post.state == "draft" and post.published_at is None
    elif action == "schedule":
        assert post.state == state
        assert abs((post.scheduled_at - (utcnow() + LATER)).total_seconds()) < 60
        if state == "scheduled":
            assert post.published_at == post.scheduled_at
    elif action == "withdraw":
        assert post.state == "withdrawn" and post.withdraw_reason == "信息有误"
    elif action == "correct":
        assert post.state == "published"
        assert db.session.scalar(sa.select(Correction.body).where(Correction.post_id == post.id)) == "演练改在周日上午"
    elif action == "pin":
        assert post.dept_pinned_at is not None


def audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditLog.id)))


@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_every_role_in_every_state(world, action):
    for state in STATES:
        allowed = ALLOWED[action].get(state, set())
        shared = world.post(state)
        for name in ACTORS:
            actor = getattr(world, name)
            if name in allowed:
                post = world.post(state)
                before = audit_count()
                run(action, actor, post)
                db.session.commit()
                check_effect(action, state, post)
                assert audit_count() > before, (action, state, name)
            else:
                before = (shared.state, shared.body, shared.scheduled_at, shared.dept_pinned_at, audit_count())
                with pytest.raises((Forbidden, Conflict)):
                    run(action, actor, shared)
                db.session.rollback()
                db.session.refresh(shared)
                after = (shared.state, shared.body, shared.scheduled_at, shared.dept_pinned_at, audit_count())
                assert after == before, (action, state, name)


@pytest.mark.parametrize("name", ["author", "staff2", "resident", "supervisor", "admin", "reviewer_b", "head_b"])
def test_refusals_are_forbidden_not_conflicts(world, name):
    """Someone without the right hears "forbidden" whatever the state."""
    post = world.post("pending")
    with pytest.raises(Forbidden):
        ops.approve_post(getattr(world, name), post, secrecy_checked=True)


def test_author_never_approves_own_post_even_as_reviewer_or_head(world):
    own = world.post("pending", author=world.reviewer)
    with pytest.raises(Forbidden) as err:
        ops.approve_post(world.reviewer, own, secrecy_checked=True)
    assert err.value.code == "own_post"
    head_own = world.post("pending", author=world.head, major=True)
    with pytest.raises(Forbidden):
        ops.approve_post(world.head, head_own, secrecy_checked=True)
    ops.approve_post(world.reviewer, head_own, secrecy_checked=True)
    assert head_own.state == "pending_final"
    with pytest.raises(Forbidden):  # nor give the final approval of their own major post
        ops.approve_post(world.head, head_own, secrecy_checked=True)
    with pytest.raises(Forbidden):
        ops.return_post(world.reviewer, own, comment="自己退回")


def test_approval_needs_the_confidentiality_check(world):
    post = world.post("pending")
    with pytest.raises(Invalid) as err:
        ops.approve_post(world.reviewer, post, secrecy_checked=False)
    assert err.value.code == "secrecy_check_required" and post.state == "pending"
    ops.approve_post(world.reviewer, post, secrecy_checked=True)
    db.session.commit()
    row = db.session.scalar(sa.select(ReviewDecision).where(ReviewDecision.post_id == post.id))
    assert (row.decision, row.actor_id, row.secrecy_checked) == ("approve", world.reviewer.id, True)


def test_major_post_goes_through_two_grades(world):
    post = world.post("pending", major=True)
    ops.approve_post(world.reviewer, post, secrecy_checked=True)
    assert post.state == "pending_final" and post.published_at is None
    with pytest.raises(Forbidden):  # a second reviewer is not the head
        ops.final_approve(world.reviewer, post, secrecy_checked=True)
    ops.approve_post(world.head, post, secrecy_checked=True)
    db.session.commit()
    assert post.state == "published"
    decisions = db.session.execute(
        sa.select(ReviewDecision.decision, ReviewDecision.actor_id).where(ReviewDecision.post_id == post.id)
        .order_by(ReviewDecision.id)).all()
    assert decisions == [("approve", world.reviewer.id), ("final_approve", world.head.id)]


def test_head_approving_a_major_post_first_is_the_final_approval(world):
    post = world.post("pending", major=True)
    ops.approve_post(world.head, post, secrecy_checked=True)
    assert post.state == "published"


def test_return_needs_a_comment_and_makes_a_draft_the_author_can_resubmit(world):
    post = world.post("pending")
    with pytest.raises(Invalid):
        ops.return_post(world.reviewer, post, comment="   ")
    ops.return_post(world.reviewer, post, comment="请补充地点")
    assert post.state == "draft"
    ops.edit_draft(world.author, post, body="周六在江滨公园开展防汛演练", category="emergency", submit=True)
    assert post.state == "pending" and post.category == "emergency"


def test_department_without_review_publishes_on_submit(make):
    dept = make.department(review=False)
    clerk = make.staff(dept)
    draft = ops.create_post(clerk, body="停水通知", category="service", submit=False)
    assert draft.state == "draft"
    ops.submit_post(clerk, draft)
    assert draft.state == "published"


@pytest.mark.parametrize("category", ["emergency", "rumor"])
def test_fast_track_one_head_approval_publishes(world, category):
    for name in ACTORS:
        if name == "head":
            continue
        post = world.post("pending", category=category)
        with pytest.raises(Forbidden):
            ops.fast_track_publish(getattr(world, name), post, secrecy_checked=True)
    for state in ("pending", "pending_final"):
        post = world.post(state, category=category, major=True)
        ops.fast_track_publish(world.head, post, secrecy_checked=True, pin_until=utcnow() + timedelta(hours=6))
        db.session.commit()
        assert (post.state, post.fast_track) == ("published", True)
        assert post.timeline_pinned_until > utcnow()
    for state in ("draft", "published", "withdrawn"):
        with pytest.raises(Conflict):
            ops.fast_track_publish(world.head, world.post(state, category=category), secrecy_checked=True)


def test_fast_track_only_for_emergency_and_rumor(world):
    post = world.post("pending", category="policy")
    with pytest.raises(Invalid) as err:
        ops.fast_track_publish(world.head, post, secrecy_checked=True)
    assert err.value.code == "not_fast_track" and post.state == "pending"


def test_one_pinned_post_per_department(world):
    first, second = world.post("published"), world.post("published")
    amend.pin_post(world.reviewer, first)
    db.session.commit()
    amend.pin_post(world.head, second)
    db.session.commit()
    pinned = db.session.scalars(sa.select(Post.id).where(Post.department_id == world.dept.id,
                                                         Post.dept_pinned_at.is_not(None))).all()
    assert pinned == [second.id]
    amend.unpin_post(world.reviewer, second)
    with pytest.raises(Conflict):
        amend.unpin_post(world.reviewer, second)


def test_timeline_pin_only_for_fast_track_and_not_too_long(world):
    plain = world.post("published")
    with pytest.raises(Conflict):
        amend.pin_to_timeline(world.reviewer, plain, utcnow() + timedelta(hours=1))
    fast = world.post("pending", category="rumor")
    ops.fast_track_publish(world.head, fast, secrecy_checked=True)
    with pytest.raises(Invalid):
        amend.pin_to_timeline(world.reviewer, fast, utcnow() + timedelta(days=31))
    with pytest.raises(Invalid):
        amend.pin_to_timeline(world.reviewer, fast, utcnow() - timedelta(hours=1))
    amend.pin_to_timeline(world.reviewer, fast, utcnow() + timedelta(days=2))
    assert fast.timeline_pinned_until is not None


def test_withdrawal_needs_reason_and_clears_pins(world):
    post = world.post("published")
    amend.pin_post(world.reviewer, post)
    with pytest.raises(Invalid):
        amend.withdraw_post(world.reviewer, post, reason="")
    amend.withdraw_post(world.reviewer, post, reason="数据有误")
    assert post.dept_pinned_at is None and post.withdrawn_at is not None
    with pytest.raises(Conflict):
        amend.add_correction(world.author, post, body="更正")


def test_schedule_refuses_past_and_naive_times(world):
    post = world.post("draft")
    with pytest.raises(Invalid):
        ops.schedule_post(world.author, post, utcnow() - timedelta(minutes=1))
    with pytest.raises(Invalid):
        ops.schedule_post(world.author, post, (utcnow() + LATER).replace(tzinfo=None))


def test_every_decision_is_in_the_audit_log(world):
    post = world.post("draft", category="rumor")
    ops.schedule_post(world.author, post, utcnow() + timedelta(hours=3))
    ops.submit_post(world.author, post)
    ops.return_post(world.reviewer, post, comment="标题不准确")
    ops.submit_post(world.author, post)
    ops.approve_post(world.reviewer, post, secrecy_checked=True)  # scheduled in three hours
    ops.return_post(world.head, post, comment="暂缓发布")
    ops.submit_post(world.author, post)
    ops.fast_track_publish(world.head, post, secrecy_checked=True)
    amend.add_correction(world.staff2, post, body="更正：时间为下午三点")
    amend.pin_post(world.reviewer, post)
    amend.withdraw_post(world.head, post, reason="事件已平息")
    db.session.commit()
    rows = db.session.execute(
        sa.select(AuditLog.action, AuditLog.actor_id, AuditLog.reason, AuditLog.created_at)
        .where(AuditLog.target_type == "post", AuditLog.target_id == post.id).order_by(AuditLog.id)
    ).all()
    w = world
    assert [(r.action, r.actor_id) for r in rows] == [
        ("post.create", w.author.id), ("post.schedule", w.author.id), ("post.submit", w.author.id),
        ("post.return", w.reviewer.id), ("post.submit", w.author.id), ("post.approve", w.reviewer.id),
        ("post.schedule", w.reviewer.id), ("post.return", w.head.id), ("post.submit", w.author.id),
        ("post.fast_track", w.head.id), ("post.publish", w.head.id), ("post.correct", w.staff2.id),
        ("post.pin", w.reviewer.id), ("post.withdraw", w.head.id),
    ]
    reasons = {r.action: r.reason for r in rows if r.reason}
    assert reasons == {"post.return": "暂缓发布", "post.withdraw": "事件已平息"}
    assert all(r.created_at is not None for r in rows)

