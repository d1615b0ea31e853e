"""Flagging (any logged-in user), the moderation queue (admins and supervisors), sensitive words (admins)."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..access.read import can_read, template_helpers
from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..core.views import run_service
from ..security.limits import flag_limit
from . import operations as mod
from .forms import REASON_LABELS, ActionForm, FlagForm, HideForm, RestoreForm, WordForm
from .queries import moderation_queue, sensitive_words

bp = Blueprint("moderation", __name__)


@bp.app_context_processor
def helpers():
    return {**template_helpers(), "flag_reason_labels": REASON_LABELS}


def _item_url(target_type: str, item) -> str:
    if target_type == "post":
        return url_for("posts.detail", post_id=item.id)
    return url_for("threads.detail", thread_id=item.thread_id if target_type == "reply" else item.id)


def _visible_item(target_type: str, target_id: int):
    if target_type not in mod.TARGET_TYPES:
        abort(404)
    try:
        item = mod.get_item(target_type, target_id)
    except ServiceError:
        abort(404)
    # The item, given everything it sits in, must be something this user can read.
    if not can_read(current_user, item):
        abort(404)
    return item


@bp.route("/flag/<target_type>/<int:target_id>", methods=["GET", "POST"])
@login_required
@flag_limit
def flag(target_type: str, target_id: int):
    """Report a post, thread or reply with a reason."""
    item = _visible_item(target_type, target_id)
    form = FlagForm()
    if form.validate_on_submit():
        if run_service(lambda: mod.flag_item(current_user, item, form.reason.data, form.text.data),
                       _("举报已提交，管理员会尽快处理。"), field=form.reason, abort_on=(404,)).ok:
            return redirect(_item_url(target_type, item), 303)
    return render_template(
        "moderation/flag.html", form=form, item=item, target_type=target_type, back=_item_url(target_type, item),
    ), 422 if form.errors else 200


def moderator_required(view):
    """Admins and supervisors; each service still checks the item's department."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.can_oversee:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/admin/moderation")
@moderator_required
def queue():
    """Flagged and held items with their reasons; recently hidden items."""
    pending, hidden = moderation_queue(current_user)
    return render_template(
        "moderation/queue.html", pending=pending, hidden=hidden,
        hide_form=HideForm(), restore_form=RestoreForm(), action_form=ActionForm(),
    )


ACTIONS = {
    "hide": (HideForm, lambda item, form: mod.hide_item(current_user, item, form.reason.data), _l("已隐藏。")),
    "restore": (RestoreForm, lambda item, form: mod.restore_item(current_user, item, form.reason.data),
                _l("已恢复显示。")),
    "dismiss": (ActionForm, lambda item, form: mod.dismiss_flags(current_user, item), _l("已驳回举报。")),
    "release": (ActionForm, lambda item, form: mod.release_item(current_user, item), _l("已通过审核并公开。")),
}


@bp.post("/admin/moderation/<target_type>/<int:target_id>/<action>")
@moderator_required
def act(target_type: str, target_id: int, action: str):
    """Hide (with a reason), restore, dismiss the flags of, or release an item."""
    if action not in ACTIONS or target_type not in mod.TARGET_TYPES:
        abort(404)
    form_cls, run, done = ACTIONS[action]
    form = form_cls()
    if not form.validate_on_submit():
        flash(_("请填写隐藏理由。") if action == "hide" else _("请求有误。"), "error")
        return redirect(url_for("moderation.queue"), 303)
    run_service(lambda: run(mod.get_item(target_type, target_id), form), done, abort_on=(403, 404))
    return redirect(url_for("moderation.queue"), 303)


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/admin/sensitive-words", methods=["GET", "POST"])
@admin_required
def words():
    """The sensitive-word list: text containing one waits for a moderator."""
    form = WordForm()
    if form.validate_on_submit():
        if run_service(lambda: mod.add_sensitive_word(current_user, form.word.data), _("已添加。"),
                       field=form.word).ok:
            return redirect(url_for("moderation.words"), 303)
    return render_template(
        "moderation/words.html", form=form, words=sensitive_words(), remove_form=ActionForm(),
    ), 422 if form.errors else 200


@bp.post("/admin/sensitive-words/<int:word_id>/remove")
@admin_required
def remove_word(word_id: int):
    """Take a word off the list."""
    if ActionForm().validate_on_submit():
        try:
            mod.remove_sensitive_word(current_user, word_id)
        except ServiceError:
            db.session.rollback()
            abort(404)
        db.session.commit()
        flash(_("已删除。"), "success")
    return redirect(url_for("moderation.words"), 303)
