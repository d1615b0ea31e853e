"""Optional e-mail for notifications, through the SMTP server in the settings.

Nothing is sent unless ``MAIL_SERVER`` is set, and only after the transaction
that made the notifications commits (a rolled-back action mails no one).
Failures are logged, never shown to the person who acted.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..core.extensions import db
from ..models import ContactSettings, Notification, User

_KEY = "weibo_pending_mail"


def enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("MAIL_SERVER"))


def queue(rows: list[Notification]) -> None:
    """Remember e-mails for these notifications, to send once the session commits."""
    if not enabled():
        return
    from .messages import describe, target_url

    user_ids = {r.user_id for r in rows}
    # Accounts that set up contact preferences (/me/contact) get e-mail only through them (delivery.py).
    managed = sa.select(ContactSettings.user_id).where(ContactSettings.user_id == User.id).exists()
    emails = dict(db.session.execute(
        sa.select(User.id, User.email).where(User.id.in_(user_ids), User.email.is_not(None), User.email != "",
                                             ~managed)
    ).all())
    pending = db.session.info.setdefault(_KEY, [])
    for row in rows:
        if row.user_id in emails:
            text = describe(row.kind, row.data)
            link = target_url(row.kind, row.data, external=True)
            pending.append((emails[row.user_id], text, f"{text}\n\n{link}\n" if link else f"{text}\n"))


def send(messages: list[tuple[str, str, str]]) -> int:
    """Send (address, subject, body) messages over one SMTP connection; returns how many went."""
    config = current_app.config
    sent = 0
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25),
                          timeout=float(config.get("MAIL_TIMEOUT") or 10)) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            for address, subject, body in messages:
                msg = EmailMessage()
                msg["From"] = config.get("MAIL_FROM") or "noreply@localhost"
                msg["To"] = address
                msg["Subject"] = _("[政务微博] %(text)s", text=subject)[:200]
                msg.set_content(body)
                smtp.send_message(msg)
                sent += 1
    except (OSError, smtplib.SMTPException):
        current_app.logger.warning("notification e-mail failed", exc_info=True)
    return sent


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    pending = session.info.pop(_KEY, None)
    if pending and enabled():
        send(pending)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)
