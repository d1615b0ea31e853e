"""Staff who opt in get a daily e-mail of their department's awaiting and overdue threads."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app.core.clock import utcnow
from weibo_app.core.exceptions import Invalid
from weibo_app.core.extensions import db
from weibo_app.models import OutboxMessage
from weibo_app.notifications import contact as ops


def verified_email(user, address):
    row = ops.settings_of(user)
    row.email, row.email_verified_at = address, utcnow()
    db.session.commit()


def digests() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject.like("每日待办%")).order_by(OutboxMessage.id)))


def test_send_digests_once_a_day_to_staff_who_opted_in(app, make, runner):
    dept = make.department(name="县教育局")
    keen, quiet = make.staff(dept), make.staff(dept)
    for who, address in ((keen, "keen@example.test"), (quiet, "quiet@example.test")):
        verified_email(who, address)
    ops.set_preferences(keen, email=False, sms=False, digest=True)
    db.session.commit()
    start = utcnow()
    with time_machine.travel(start, tick=False) as traveller:
        old = make.thread(department=dept, body="很久以前的问题")
        traveller.shift(timedelta(days=10))
        new = make.thread(department=dept, body="新问题")
        result = runner.invoke(args=["send-digests"])
        assert "1 digests queued" in result.output
        [mail] = digests()
        assert mail.to == "keen@example.test" and "待回复 2 条，超期 1 条" in mail.subject
        assert f"【超期】第{old.id}号" in mail.body and f"第{new.id}号" in mail.body
        assert "很久以前" not in mail.body  # numbers and due times only: nothing a resident wrote
        assert "1 digests" not in runner.invoke(args=["send-digests"]).output  # once a day
        traveller.shift(timedelta(days=1))
        assert "1 digests queued" in runner.invoke(args=["send-digests"]).output


def test_digest_needs_a_verified_email_and_is_for_staff(app, make):
    dept = make.department()
    staff, resident = make.staff(dept), make.user()
    with pytest.raises(Invalid):
        ops.set_preferences(staff, email=False, sms=False, digest=True)
    db.session.rollback()
    verified_email(resident, "r@example.test")
    with pytest.raises(Invalid):
        ops.set_preferences(resident, email=False, sms=False, digest=True)
