"""Helpers the thread pages share."""

from __future__ import annotations

from functools import cached_property

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user

from ..core.extensions import db
from ..models import Department
from .forms import DismissForm, OverturnForm, RateForm, ReplyForm, ThreadForm, TransferForm


class ThreadForms:
    """The action forms of a thread page, built only when a template asks for them."""

    def __init__(self, **given):
        self.__dict__.update(given)

    @cached_property
    def reply(self) -> ReplyForm:
        return ReplyForm()

    @cached_property
    def dismiss(self) -> DismissForm:
        return DismissForm()

    @cached_property
    def rate(self) -> RateForm:
        return RateForm()

    @cached_property
    def overturn(self) -> OverturnForm:
        return OverturnForm()

    @cached_property
    def transfer(self) -> TransferForm:
        form = TransferForm()
        form.department.choices = transfer_choices()
        return form


def transfer_choices() -> list[tuple[str, str]]:
    own = current_user.department_id if current_user.is_authenticated else None
    rows = db.session.execute(
        sa.select(Department.slug, Department.name).where(Department.id != own).order_by(Department.path)
    )
    return [("", _("请选择部门"))] + [(slug, name) for slug, name in rows]


def ask_form() -> ThreadForm | None:
    """The ask form, only for those who may ask: building a form makes a CSRF token,
    which would give every anonymous reader a session cookie (and an uncacheable page)."""
    if current_user.is_authenticated and current_user.is_resident:
        return ThreadForm()
    return None


def thread_forms(**given) -> ThreadForms:
    return ThreadForms(**given)
