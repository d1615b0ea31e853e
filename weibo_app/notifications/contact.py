"""A resident's e-mail (verified by a signed, expiring link) and mobile (verified by a 6-digit code),
and which notifications go out by each. Services: flush, never commit."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.log import record
from ..core.clock import utcnow
from ..core.exceptions import Conflict, Invalid
from ..core.extensions import db
from ..models import ContactSettings, User
from .delivery import enqueue

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
EMAIL_SALT = "contact-email-verify"
EMAIL_LINK_SECONDS = 24 * 3600
CODE_MINUTES = 10
CODE_ATTEMPTS = 5
CODE_RESEND_SECONDS = 60
CODES_PER_DAY = 10
#: Marks the outbox row of a code, whose text is blanked once sent (codes are not kept in clear).
CODE_SUBJECT = "verification-code"


def settings_of(user: User) -> ContactSettings:
    row = db.session.get(ContactSettings, user.id)
    if row is None:
        row = ContactSettings(user_id=user.id, notify_email=False, notify_sms=False, code_attempts=0,
                              codes_sent_today=0)
        db.session.add(row)
    return row


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=EMAIL_SALT)


def set_email(user: User, address: str | None) -> ContactSettings:
    """Record the address unverified and mail it a signed link."""
    email = (address or "").strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise Invalid(_("请输入有效的电子邮箱地址。"), "invalid_email")
    row = settings_of(user)
    row.email, row.email_verified_at, row.notify_email = email, None, False
    token = _serializer().dumps({"u": user.id, "e": email})
    link = url_for("contact.verify_email", token=token, _external=True)
    enqueue("email", email, _("请打开以下链接验证您的邮箱（24小时内有效）：\n%(link)s\n", link=link),
            subject=_("验证您的邮箱"))
    db.session.flush()
    return row


def verify_email(token: str, max_age: int | None = None) -> ContactSettings:
    """The link from the mail: expired, tampered or outdated links are refused with a reason."""
    try:
        data = _serializer().loads(token, max_age=max_age or EMAIL_LINK_SECONDS)
    except SignatureExpired:
        raise Invalid(_("验证链接已过期，请重新发送验证邮件。"), "link_expired") from None
    except BadSignature:
        raise Invalid(_("验证链接无效。"), "link_invalid") from None
    row = db.session.get(ContactSettings, data.get("u")) if isinstance(data, dict) else None
    if row is None or row.email != data.get("e"):
        raise Invalid(_("该链接对应的邮箱已更换，请使用最新的验证邮件。"), "link_outdated")
    if row.email_verified_at is None:
        row.email_verified_at = utcnow()
        record(db.session.get(User, row.user_id), "contact.email_verified", "user", row.user_id)
    db.session.flush()
    return row


def request_phone_code(user: User, phone: str | None) -> ContactSettings:
    """Text a 6-digit code to the number; at most one a minute and a few a day."""
    number = re.sub(r"[\s-]", "", phone or "")
    if not MOBILE_RE.match(number):
        raise Invalid(_("请输入11位手机号码。"), "invalid_phone")
    row = settings_of(user)
    now = utcnow()
    if row.code_sent_at and now - row.code_sent_at < timedelta(seconds=CODE_RESEND_SECONDS):
        raise Conflict(_("验证码发送过于频繁，请稍后再试。"), "code_too_soon")
    if row.code_sent_at and row.code_sent_at.date() == now.date():
        if row.codes_sent_today >= CODES_PER_DAY:
            raise Conflict(_("今天获取验证码的次数已用完，请明天再试。"), "code_daily_limit")
        row.codes_sent_today += 1
    else:
        row.codes_sent_today = 1
    code = f"{secrets.randbelow(1_000_000):06d}"
    row.pending_phone, row.code_hash = number, generate_password_hash(code)
    row.code_expires_at, row.code_attempts, row.code_sent_at = now + timedelta(minutes=CODE_MINUTES), 0, now
    enqueue("sms", number, _("【政务微博】您的验证码是%(code)s，%(m)s分钟内有效。", code=code, m=CODE_MINUTES),
            subject=CODE_SUBJECT)
    db.session.flush()
    return row


def verify_phone(user: User, code: str | None) -> str | None:
    """Check the code. Returns None when the number is verified, else what went wrong.

    A wrong code counts as an attempt (the caller commits it); after five, a new code is needed.
    """
    row = db.session.get(ContactSettings, user.id)
    if row is None or row.code_hash is None:
        return _("请先获取验证码。")
    if row.code_expires_at is None or row.code_expires_at < utcnow():
        return _("验证码已过期，请重新获取。")
    if row.code_attempts >= CODE_ATTEMPTS:
        return _("尝试次数过多，请重新获取验证码。")
    row.code_attempts += 1
    if not check_password_hash(row.code_hash, (code or "").strip()):
        db.session.flush()
        left = CODE_ATTEMPTS - row.code_attempts
        return _("验证码不正确，还可尝试%(n)s次。", n=left) if left else _("尝试次数过多，请重新获取验证码。")
    row.phone, row.phone_verified_at = row.pending_phone, utcnow()
    row.pending_phone = row.code_hash = row.code_expires_at = None
    row.code_attempts = 0
    record(user, "contact.phone_verified", "user", user.id)
    db.session.flush()
    return None


def set_preferences(user: User, *, email: bool, sms: bool, digest: bool = False) -> ContactSettings:
    """In-app always; e-mail and SMS only to a verified address or number; the digest is for staff."""
    row = settings_of(user)
    if (email or digest) and not row.email_verified:
        raise Invalid(_("请先验证邮箱。"), "email_not_verified")
    if sms and not row.phone_verified:
        raise Invalid(_("请先验证手机号码。"), "phone_not_verified")
    if digest and not user.is_staff:
        raise Invalid(_("每日汇总只提供给部门工作人员。"), "staff_only")
    row.notify_email, row.notify_sms, row.digest = email, sms, digest
    db.session.flush()
    return row
