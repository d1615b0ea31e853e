"""Moderation services: flags, holding, hiding and restoring items, the sensitive-word list.

Each flushes, writes its audit row, tells the author where it concerns them, and
leaves the commit to the caller.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..access.actions import require_action
from ..access.read import Item, can_read, department_id_of, department_of
from ..access.scope import oversees
from ..audit.log import record
from ..core.clock import utcnow
from ..core.exceptions import Conflict, Forbidden, Invalid, NotFound
from ..core.extensions import db
from ..core.settings import get_setting
from ..core.text import clean_reason, normalize
from ..models import Flag, FlagReason, FlagResolution, Post, Reply, SensitiveWord, Thread, User
from ..models.moderation import TARGET_TYPES

MODELS: dict[str, type] = {"post": Post, "thread": Thread, "reply": Reply}
HELD_MESSAGE = _l("内容包含敏感词，已提交人工审核")
WORD_MAX_CHARS = 100


def type_of(item: Item) -> str:
    return {Post: "post", Thread: "thread", Reply: "reply"}[type(item)]


def get_item(target_type: str, target_id: int) -> Item:
    """The post, thread or reply, or NotFound."""
    model = MODELS.get(target_type)
    item = db.session.get(model, target_id) if model else None
    if item is None:
        raise NotFound(_("没有这条内容。"), "item_not_found")
    return item


# --- sensitive words ----------------------------------------------------------

def _fold(text: str) -> str:
    """Case and blanks do not hide a word: "敏 感" and "Ab" match "敏感" and "ab"."""
    return "".join(normalize(text).casefold().split())


def screen_text(text: str) -> bool:
    """True when the text contains a word of the admin's list."""
    words = db.session.scalars(sa.select(SensitiveWord.word))
    folded = _fold(text)
    return any(_fold(word) in folded for word in words)


def hold_if_sensitive(item: Item) -> bool:
    """Hold a just-written item whose text contains a sensitive word (services call this)."""
    if not screen_text(item.body):
        return False
    item.held_at = utcnow()
    record(None, "moderation.hold", type_of(item), item.id,
           department_id=department_id_of(item), reason="sensitive_word")
    return True


def add_sensitive_word(actor: User, word: str) -> SensitiveWord:
    """An admin adds a word to the list."""
    _require_admin(actor)
    text = normalize(word)
    if not text:
        raise Invalid(_("请填写敏感词。"), "empty_word")
    if len(text) > WORD_MAX_CHARS:
        raise Invalid(_("敏感词太长。"), "word_too_long")
    if db.session.scalar(sa.select(SensitiveWord.id).where(SensitiveWord.word == text)):
        raise Conflict(_("该敏感词已在列表中。"), "word_exists")
    row = SensitiveWord(word=text, created_by=actor.id, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    record(actor, "moderation.add_word", "sensitive_word", row.id, word=text)
    return row


def remove_sensitive_word(actor: User, word_id: int) -> None:
    """An admin removes a word; items it held stay held until a moderator decides."""
    _require_admin(actor)
    row = db.session.get(SensitiveWord, word_id)
    if row is None:
        raise NotFound(_("没有这个敏感词。"), "word_not_found")
    record(actor, "moderation.remove_word", "sensitive_word", row.id, word=row.word)
    db.session.delete(row)
    db.session.flush()


def _require_admin(actor: User) -> None:
    if not (actor and actor.is_authenticated and actor.is_admin):
        raise Forbidden(_("只有系统管理员可以管理敏感词。"), "admin_only")


# --- flags --------------------------------------------------------------------

def parse_reason(raw: str | None) -> FlagReason:
    try:
        return FlagReason(raw)
    except ValueError:
        raise Invalid(_("请选择举报理由。"), "invalid_reason") from None


def open_flag_count(target_type: str, target_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Flag.id)).where(
            Flag.target_type == target_type, Flag.target_id == target_id, Flag.resolved_at.is_(None)
        )
    ) or 0


def flag_item(reporter: User, item: Item, reason: str, text: str | None = None) -> Flag:
    """Any logged-in user reports an item once; at FLAG_THRESHOLD open flags it is held."""
    if not (reporter and reporter.is_authenticated):
        raise Forbidden(_("请先登录。"), "login_required")
    if not can_read(reporter, item):  # the item and everything it sits inside
        raise NotFound(_("没有这条内容。"), "item_not_found")
    code = parse_reason(reason)
    note = clean_reason(text, required=code == FlagReason.OTHER,
                        empty=(_("选择“其他”时请说明理由。"), "reason_text_required")) or None
    require_action(reporter, item, "flag")
    target_type = type_of(item)
    already = db.session.scalar(sa.select(Flag.id).where(
        Flag.reporter_id == reporter.id, Flag.target_type == target_type, Flag.target_id == item.id
    ))
    if already:
        raise Conflict(_("您已举报过这条内容。"), "already_flagged")
    flag = Flag(reporter_id=reporter.id, target_type=target_type, target_id=item.id,
                reason=code, text=note, created_at=utcnow())
    db.session.add(flag)
    db.session.flush()
    department_id = department_id_of(item)
    record(reporter, "moderation.flag", target_type, item.id, department_id=department_id,
           reason=note, flag_reason=str(code))
    if item.held_at is None and open_flag_count(target_type, item.id) >= int(get_setting("FLAG_THRESHOLD")):
        item.held_at = utcnow()
        record(None, "moderation.hold", target_type, item.id, department_id=department_id, reason="flags")
    return flag


def _resolve_flags(item: Item, resolution: FlagResolution) -> int:
    result = db.session.execute(
        sa.update(Flag)
        .where(Flag.target_type == type_of(item), Flag.target_id == item.id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=resolution)
    )
    return result.rowcount or 0


def _require_moderator(actor: User, item: Item) -> None:
    if not oversees(actor, department_of(item)):
        raise Forbidden(_("只有管理员或督办人员可以处理举报。"), "not_moderator")


def _clean_reason(raw: str | None) -> str:
    return clean_reason(raw, empty=(_("请填写隐藏理由。"), "reason_required"))


def _tell_author(item: Item, kind: str, **data) -> None:
    """The author hears of a moderator's decision on their item, with the reason."""
    from ..notifications.operations import notify

    target_type = type_of(item)
    where = {"post_id": item.id} if target_type == "post" else {
        "thread_id": item.thread_id if target_type == "reply" else item.id
    }
    notify(item.author_id, f"{target_type}_{kind}", **where, **data)


def hide_item(actor: User, item: Item, reason: str) -> Item:
    """Hide an item with a reason: the public sees "该内容因…已隐藏" in its place, and nothing of
    what sits inside it (a hidden thread's replies, follow-ups and photos); a thread takes no follow-ups."""
    require_action(actor, item, "hide")
    why = _clean_reason(reason)
    item.hidden_at = utcnow()
    item.hidden_reason = why
    item.hidden_by_id = actor.id
    item.held_at = None
    resolved = _resolve_flags(item, FlagResolution.HIDDEN)
    record(actor, "moderation.hide", type_of(item), item.id,
           department_id=department_id_of(item), reason=why, flags_resolved=resolved)
    _tell_author(item, "hidden", reason=why)
    return item


def restore_item(actor: User, item: Item, reason: str | None = None) -> Item:
    """Undo a hiding: the item is public again."""
    require_action(actor, item, "unhide")
    why = clean_reason(reason, required=False) or None
    record(actor, "moderation.restore", type_of(item), item.id,
           department_id=department_id_of(item), reason=why, hidden_reason=item.hidden_reason)
    item.hidden_at = None
    item.hidden_reason = None
    item.hidden_by_id = None
    _tell_author(item, "restored", message=_("您被隐藏的内容已恢复显示。"))
    return item


def dismiss_flags(actor: User, item: Item) -> int:
    """The flags were unfounded: close them; an item held by flags goes public again."""
    _require_moderator(actor, item)
    resolved = _resolve_flags(item, FlagResolution.DISMISSED)
    if not resolved:
        raise Conflict(_("这条内容没有待处理的举报。"), "no_open_flags")
    _went_public(item)
    record(actor, "moderation.dismiss_flags", type_of(item), item.id,
           department_id=department_id_of(item), flags_resolved=resolved)
    return resolved


def _went_public(item: Item) -> None:
    """No longer held: a reply never seen before counts from now (the metrics read ``visible_at``)."""
    from ..core import signals

    item.held_at = None
    if isinstance(item, Reply) and item.visible_at is None:
        item.visible_at = utcnow()
        signals.reply_released.send(item)


def release_item(actor: User, item: Item) -> Item:
    """A held item (sensitive word or flags) passes review and goes public; open flags close."""
    _require_moderator(actor, item)
    if item.held_at is None:
        raise Conflict(_("该内容不在待审核状态。"), "not_held")
    _went_public(item)
    resolved = _resolve_flags(item, FlagResolution.RELEASED)
    record(actor, "moderation.release", type_of(item), item.id,
           department_id=department_id_of(item), flags_resolved=resolved)
    return item


__all__ = [
    "HELD_MESSAGE", "TARGET_TYPES", "add_sensitive_word", "dismiss_flags", "flag_item", "get_item",
    "hide_item", "hold_if_sensitive", "release_item", "remove_sensitive_word", "restore_item", "screen_text",
]
