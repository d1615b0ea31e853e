"""Requests from other channels (来电、来信、来访、12345热线…), recorded by staff for the person.

The person's name and phone stay private: only the owning department's staff and the
supervisors over it see them (``access.read.sees_contact``). An integration's ``external_ref``
names one thread per department, so sending the same reference twice, even at once,
gives back the same thread.
"""

from __future__ import annotations

import re
import time

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError

from ..access.permissions import acts_for, oversees
from ..audit.log import record
from ..core import signals
from ..core.clock import utcnow
from ..core.exceptions import Forbidden, Invalid
from ..core.extensions import db
from ..core.text import mask_pii, normalize, render_html, render_public_html
from ..models import Channel, Department, Thread, ThreadState, User
from ..moderation.operations import hold_if_sensitive
from .operations import clean_body, due_for, parse_kind

PHONE_RE = re.compile(r"^\+?[0-9][0-9 -]{4,28}$")
REF_RE = re.compile(r"^[\w./:-]{1,100}$")
INSERT_ATTEMPTS = 5


def may_record(user: User | None, department: Department) -> bool:
    """Staff for their own department; supervisors for any department of their subtree."""
    return acts_for(user, department.id) or (bool(user) and user.is_supervisor and oversees(user, department))


def parse_channel(raw: str | None) -> Channel:
    try:
        channel = Channel(raw)
    except ValueError:
        raise Invalid(_("未知的来源渠道。"), "invalid_channel") from None
    if channel == Channel.WEB:
        raise Invalid(_("网上留言由居民本人提交，请选择其他来源渠道。"), "invalid_channel")
    return channel


def clean_contact(name: str | None, phone: str | None) -> tuple[str, str | None]:
    who = normalize(name)
    if not who:
        raise Invalid(_("请填写来电来信人的姓名。"), "contact_name_required")
    if len(who) > 60:
        raise Invalid(_("姓名太长。"), "contact_name_too_long")
    number = normalize(phone) or None
    if number is not None and not PHONE_RE.match(number):
        raise Invalid(_("联系电话格式不正确。"), "invalid_phone")
    return who, number


def clean_ref(raw: str | None) -> str | None:
    ref = (raw or "").strip() or None
    if ref is not None and not REF_RE.match(ref):
        raise Invalid(_("外部编号只能包含字母、数字和 ._/:- 且不超过100个字符。"), "invalid_external_ref")
    return ref


def find_by_ref(department_id: int, ref: str) -> Thread | None:
    return db.session.scalar(
        sa.select(Thread).where(Thread.department_id == department_id, Thread.external_ref == ref)
    )


def record_request(
    actor: User,
    department: Department,
    *,
    body: str,
    kind: str,
    channel: str,
    contact_name: str | None,
    contact_phone: str | None = None,
    external_ref: str | None = None,
) -> tuple[Thread, bool]:
    """Record a request received by another channel. Returns (thread, created).

    Call it first in a transaction: on SQLite, losing a write race to another connection
    rolls the session back before looking again.
    """
    if not may_record(actor, department):
        raise Forbidden(_("只能为本部门（或督办范围内的部门）登记来电来信。"), "not_department_staff")
    thread_kind = parse_kind(kind)
    source = parse_channel(channel)
    who, phone = clean_contact(contact_name, contact_phone)
    ref = clean_ref(external_ref)
    text = clean_body(body)
    if ref is not None and (existing := find_by_ref(department.id, ref)) is not None:
        return existing, False
    now = utcnow()
    due = due_for(thread_kind, now)
    fields = dict(
        department_id=department.id, author_id=None, kind=thread_kind, state=ThreadState.AWAITING,
        body=text, body_html=render_html(text), body_html_public=render_public_html(text),
        body_public=mask_pii(text), opened_at=now, due_at=due, first_due_at=due, last_activity_at=now,
        channel=source, contact_name=who, contact_phone=phone, external_ref=ref, recorded_by_id=actor.id,
    )
    actor_id = actor.id
    for attempt in range(INSERT_ATTEMPTS):
        thread = Thread(**fields)
        try:
            # A savepoint: when another request with the same reference wins the race, only
            # this insert is undone and the thread it made is read back.
            with db.session.begin_nested():
                db.session.add(thread)
                db.session.flush()
            break
        except IntegrityError:
            if ref is None or (existing := find_by_ref(department.id, ref)) is None:
                raise
            return existing, False
        except OperationalError:
            # SQLite: another connection wrote since this transaction first read, so it may not
            # write now ("database is locked"). Start over on a fresh snapshot: look again, then insert.
            if db.session.get_bind().dialect.name != "sqlite" or attempt == INSERT_ATTEMPTS - 1:
                raise
            db.session.rollback()
            time.sleep(0.05 * (attempt + 1))
            if ref is not None and (existing := find_by_ref(fields["department_id"], ref)) is not None:
                return existing, False
    actor = db.session.get(User, actor_id)
    hold_if_sensitive(thread)
    record(actor, "thread.record", "thread", thread.id, department_id=fields["department_id"],
           channel=str(source), external_ref=ref)
    signals.thread_opened.send(thread)
    return thread, True
