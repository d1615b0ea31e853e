"""E-mail and SMS beyond the site, through the ``outbox`` table.

A service adds outbox rows in the same transaction as its action (``queue_for`` for
notifications, ``enqueue`` for verification mails and codes). Only once that
transaction commits are they sent: in a background thread, or inline where
``DELIVERY_BACKGROUND`` is off (tests). Sending never raises into the request; a
failure is retried up to ``DELIVERY_MAX_ATTEMPTS`` times (``flask send-outbox``
retries what is left), then the row is marked ``failed`` with the error.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..core.clock import utcnow
from ..core.extensions import db
from ..models import ContactSettings, Notification, OutboxMessage
from . import mail
from .sms import SmsError, send_sms

_KEY = "weibo_pending_deliveries"


def enqueue(channel: str, to: str, body: str, subject: str = "") -> OutboxMessage:
    row = OutboxMessage(channel=channel, to=to, subject=subject[:200], body=body, state="pending", attempts=0)
    db.session.add(row)
    db.session.info[_KEY] = True
    return row


def queue_for(rows: Iterable[Notification]) -> None:
    """E-mail and SMS for these notifications, as each recipient chose (verified addresses only)."""
    rows = list(rows)
    if not rows:
        return
    from .messages import describe, target_url

    wanted = {c.user_id: c for c in db.session.scalars(
        sa.select(ContactSettings).where(ContactSettings.user_id.in_({r.user_id for r in rows}),
                                         sa.or_(ContactSettings.notify_email, ContactSettings.notify_sms)))}
    for row in rows:
        contact = wanted.get(row.user_id)
        if contact is None:
            continue
        text = describe(row.kind, row.data)
        if contact.notify_email and contact.email_verified:
            link = target_url(row.kind, row.data, external=True)
            enqueue("email", contact.email, f"{text}\n\n{link}\n" if link else f"{text}\n", subject=text)
        if contact.notify_sms and contact.phone_verified:
            enqueue("sms", contact.phone, text)


def _send_one(row) -> str | None:
    """Send one outbox row; returns the error, or None when it went."""
    try:
        if row.channel == "sms":
            send_sms(row.to, row.body)
            return None
        if not mail.enabled():
            return "MAIL_SERVER is not set"
        return None if mail.send([(row.to, row.subject, row.body)]) == 1 else "SMTP send failed"
    except SmsError as err:
        return str(err)[:500]
    except Exception as err:  # noqa: BLE001 - a delivery problem must never reach the person who acted
        current_app.logger.warning("delivery %s failed", row.id, exc_info=True)
        return f"{type(err).__name__}: {err}"[:500]


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send what is waiting in the outbox; returns (sent, failed for good)."""
    table = OutboxMessage.__table__
    max_attempts = int(current_app.config.get("DELIVERY_MAX_ATTEMPTS") or 3)
    sent = failed = 0
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(table).where(table.c.state == "pending").order_by(table.c.id).limit(limit)).all()
    for row in rows:
        error = _send_one(row)
        attempts = row.attempts + 1
        if error is None:
            values = {"state": "sent", "sent_at": utcnow(), "attempts": attempts, "last_error": None}
            if row.subject == "verification-code":
                values["body"] = "-"  # the code is not kept in clear once it went out
            sent += 1
        else:
            values = {"state": "failed" if attempts >= max_attempts else "pending",
                      "attempts": attempts, "last_error": error}
            failed += attempts >= max_attempts
        with db.engine.begin() as conn:
            conn.execute(table.update().where(table.c.id == row.id, table.c.state == "pending").values(**values))
    return sent, failed


_lock = threading.Lock()


def _run(app: Flask) -> None:
    with app.app_context(), _lock:
        try:
            for _round in range(int(app.config.get("DELIVERY_MAX_ATTEMPTS") or 3)):
                send_pending()
                with db.engine.connect() as conn:
                    waiting = conn.scalar(sa.select(sa.func.count()).select_from(OutboxMessage.__table__)
                                          .where(OutboxMessage.__table__.c.state == "pending"))
                if not waiting:
                    break
        except Exception:  # noqa: BLE001 - a background thread has no one to tell but the log
            app.logger.exception("sending the outbox failed")


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if not session.info.pop(_KEY, None) or not has_app_context():
        return
    app = current_app._get_current_object()
    background = app.config.get("DELIVERY_BACKGROUND")
    if (not app.testing) if background is None else bool(background):
        threading.Thread(target=_run, args=(app,), name="outbox", daemon=True).start()
    else:
        _run(app)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)
