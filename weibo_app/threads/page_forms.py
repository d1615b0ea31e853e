"""Helpers the thread pages share."""

from __future__ import annotations

from functools import cached_property

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user

from ..core.extensions import db
from ..models import Department
from .forms import (
    AcceptForm,
    DismissForm,
    ExtensionForm,
    NoteForm,
    OverturnForm,
    RateForm,
    ReplyForm,
    ReworkForm,
    ThreadForm,
    TransferForm,
    UrgeForm,
    VisitForm,
)


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

    @cached_property
    def note(self) -> NoteForm:
        return NoteForm()

    @cached_property
    def extension(self) -> ExtensionForm:
        return ExtensionForm()

    @cached_property
    def rework(self) -> ReworkForm:
        return ReworkForm()

    @cached_property
    def urge(self) -> UrgeForm:
        return UrgeForm()

    @cached_property
    def visit(self) -> VisitForm:
        return VisitForm()

    def accept(self, thread) -> AcceptForm:
        """The sign-for form with the department's staff to choose from (built once)."""
        if "accept_form" not in self.__dict__:
            form = AcceptForm()
            prepare_form(form, thread)
            self.__dict__["accept_form"] = form
        return self.__dict__["accept_form"]


def prepare_form(form, thread) -> None:
    """Fill the choices a form cannot know by itself."""
    if isinstance(form, TransferForm):
        form.department.choices = transfer_choices()
    elif isinstance(form, AcceptForm):
        from .loop_queries import department_staff

        form.handler.choices = [("", _("本人"))] + [
            (u.username, u.shown_name) for u in department_staff(thread.department_id)
        ]


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
