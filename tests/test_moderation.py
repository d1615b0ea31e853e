"""Flags and moderation: holding, hiding, restoring, dismissing; sensitive words; metrics."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from weibo_app.core.extensions import db
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.models import AuditLog, Flag, Notification, Role, Thread
from weibo_app.moderation import operations as mod
from weibo_app.threads.operations import reply_to_thread

PHONE = "13812345678"


@pytest.fixture
def world(make):
    dept = make.department()
    clerk = make.staff(dept)
    post = make.post(author=clerk, body="关于道路施工的通知")
    opener = make.user()
    thread = make.thread(author=opener, post=post, body="门口的路什么时候修好？")
    return dept, clerk, post, opener, thread


def _flaggers(make, n):
    return [make.user() for _ in range(n)]


def _audit(action):
    return db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


def test_third_flag_holds_the_item_for_review(make, world):
    *_, thread = world
    a, b, c = _flaggers(make, 3)
    mod.flag_item(a, thread, "spam")
    mod.flag_item(b, thread, "abuse")
    db.session.commit()
    assert thread.held_at is None
    mod.flag_item(c, thread, "other", "广告")
    db.session.commit()
    assert thread.held_at is not None
    assert mod.open_flag_count("thread", thread.id) == 3
    holds = _audit("moderation.hold")
    assert [(h.target_type, h.target_id, h.reason) for h in holds] == [("thread", thread.id, "flags")]
    assert len(_audit("moderation.flag")) == 3


def test_threshold_is_a_setting(app, make, world):
    *_, thread = world
    app.config["FLAG_THRESHOLD"] = 1
    mod.flag_item(make.user(), thread, "spam")
    assert thread.held_at is not None


def test_flag_rules(make, world):
    dept, clerk, post, opener, thread = world
    resident = make.user()
    with pytest.raises(Invalid):
        mod.flag_item(resident, thread, "boring")
    with pytest.raises(Invalid):
        mod.flag_item(resident, thread, "other", "   ")
    with pytest.raises(Conflict):
        mod.flag_item(opener, thread, "spam")  # one's own thread
    mod.flag_item(resident, thread, "spam")
    with pytest.raises(Conflict):
        mod.flag_item(resident, thread, "abuse")  # once per user and item
    # Staff may flag too (any logged-in user), and posts and replies can be flagged.
    reply = reply_to_thread(clerk, thread, "正在施工，月底完工。")
    assert mod.flag_item(opener, reply, "off_topic").target_type == "reply"
    assert mod.flag_item(resident, post, "personal_info").target_type == "post"


def test_hide_notifies_the_author_and_resolves_flags(make, world):
    dept, clerk, post, opener, thread = world
    admin = make.user(Role.ADMIN)
    for user in _flaggers(make, 3):
        mod.flag_item(user, thread, "abuse")
    db.session.commit()
    with pytest.raises(Invalid):
        mod.hide_item(admin, thread, " ")  # a reason is required
    mod.hide_item(admin, thread, "人身攻击")
    db.session.commit()
    assert thread.hidden_at is not None and thread.held_at is None
    assert thread.hidden_reason == "人身攻击" and thread.hidden_by_id == admin.id
    flags = db.session.scalars(sa.select(Flag)).all()
    assert {(f.resolution, f.resolved_at is not None) for f in flags} == {("hidden", True)}
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == opener.id,
                                                           Notification.kind == "thread_hidden"))
    assert note.data == {"thread_id": thread.id, "reason": "人身攻击"}
    [entry] = _audit("moderation.hide")
    assert (entry.actor_id, entry.target_id, entry.reason) == (admin.id, thread.id, "人身攻击")
    with pytest.raises(Conflict):
        mod.hide_item(admin, thread, "again")

    mod.restore_item(admin, thread, "误判")
    db.session.commit()
    assert thread.hidden_at is None and thread.hidden_reason is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == opener.id, Notification.kind == "thread_restored")) == 1
    assert len(_audit("moderation.restore")) == 1
    with pytest.raises(Conflict):
        mod.restore_item(admin, thread)


def test_dismissing_flags_releases_the_item(make, world):
    *_, thread = world
    supervisor = make.user(Role.SUPERVISOR)
    for user in _flaggers(make, 3):
        mod.flag_item(user, thread, "spam")
    assert thread.held_at is not None
    assert mod.dismiss_flags(supervisor, thread) == 3
    db.session.commit()
    assert thread.held_at is None and thread.hidden_at is None
    assert mod.open_flag_count("thread", thread.id) == 0
    assert {f.resolution for f in db.session.scalars(sa.select(Flag))} == {"dismissed"}
    with pytest.raises(Conflict):
        mod.dismiss_flags(supervisor, thread)


def test_who_moderates(make, world):
    dept, clerk, post, opener, thread = world
    other = make.department()
    outside = make.user(Role.SUPERVISOR)
    outside.supervised_department_id = other.id
    db.session.commit()
    head = make.staff(dept, Role.DEPT_HEAD)
    for actor in (opener, clerk, head, outside):
        with pytest.raises(Forbidden):
            mod.hide_item(actor, thread, "理由")
    inside = make.user(Role.SUPERVISOR)
    inside.supervised_department_id = dept.id
    db.session.commit()
    mod.hide_item(inside, thread, "理由")


def test_sensitive_word_holds_new_text_until_released(make, world):
    dept, clerk, post, opener, _thread = world
    admin = make.user(Role.ADMIN)
    word = mod.add_sensitive_word(admin, "违禁词")
    db.session.commit()
    with pytest.raises(Conflict):
        mod.add_sensitive_word(admin, "违禁词")
    with pytest.raises(Forbidden):
        mod.add_sensitive_word(make.user(Role.SUPERVISOR), "别的")
    held = make.thread(author=opener, post=post, body="这里有 违 禁 词 吗")  # blanks do not hide it
    plain = make.thread(author=opener, post=post, body="普通留言")
    assert held.held_at is not None and plain.held_at is None
    assert held.state == "awaiting"  # it is still a thread the department must answer
    reply = reply_to_thread(clerk, plain, "答复中含违禁词")
    assert reply.held_at is not None
    post2 = make.post(author=clerk, body="含违禁词的微博")
    assert post2.held_at is not None and not post2.is_public(datetime.now(UTC))
    assert len(_audit("moderation.hold")) == 3

    with pytest.raises(Conflict):
        mod.release_item(admin, plain)
    mod.release_item(admin, held)
    db.session.commit()
    assert held.held_at is None
    mod.remove_sensitive_word(admin, word.id)
    db.session.commit()
    assert not mod.screen_text("违禁词")
    with pytest.raises(NotFound):
        mod.remove_sensitive_word(admin, word.id)


def test_hidden_threads_still_count_and_are_shown_separately(make):
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False):
        dept = make.department()
        clerk = make.staff(dept)
        post = make.post(author=clerk)
        threads = [make.thread(post=post, body=f"留言{i}") for i in range(3)]
        reply_to_thread(clerk, threads[0], "已答复")
        mod.hide_item(make.user(Role.ADMIN), threads[0], "辱骂")
        mod.hide_item(make.user(Role.ADMIN), threads[1], "广告")
        db.session.commit()
        [row] = compute_metrics(make_period(date(2026, 3, 1), date(2026, 3, 8)), department_ids=[dept.id])
    assert (row["threads"], row["hidden"], row["answered"], row["awaiting"]) == (3, 2, 1, 2)
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 3
