"""Attaching images to a post or a thread, inside the caller's transaction.

Files are written before the commit (so a committed row always has its bytes)
and remembered on the session; if the transaction ends without a commit
(rollback, error, closed session) the files written in it are deleted again,
so a refused or failed upload leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any, Protocol

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from ..access.permissions import acts_for
from ..core.exceptions import Forbidden, Invalid
from ..core.extensions import db
from ..models import Image, Post, Thread, User
from .images import CleanImage, Limits, clean_image, new_keys
from .storage import Storage, get_storage

_PENDING = "media.written_uncommitted"


class Upload(Protocol):
    """What a form gives us (werkzeug's FileStorage fits)."""

    filename: str | None
    stream: IO[bytes]


def limits() -> Limits:
    config = current_app.config
    return Limits(
        max_bytes=int(config["IMAGE_MAX_BYTES"]),
        max_pixels=int(config["IMAGE_MAX_PIXELS"]),
        max_side=int(config["IMAGE_MAX_SIDE"]),
        thumb_side=int(config["IMAGE_THUMB_SIZE"]),
        max_decode_bytes=int(config["IMAGE_DECODE_MAX_BYTES"]),
    )


def _target(owner: User, post: Post | None, thread: Thread | None) -> tuple[Any, int]:
    """The column images are counted under and the most allowed there; checks who may attach."""
    if (post is None) == (thread is None):
        raise Invalid(_("图片需要对应一条微博或一条留言。"), "image_no_target")
    if post is not None:
        if not acts_for(owner, post.department_id):
            raise Forbidden(_("只有本部门的工作人员可以为微博配图。"), "not_department_staff")
        return Image.post_id == post.id, int(current_app.config["POST_MAX_IMAGES"])
    if owner.id != thread.author_id:
        raise Forbidden(_("只有留言人可以为留言附图。"), "not_thread_author")
    return Image.thread_id == thread.id, int(current_app.config["THREAD_MAX_IMAGES"])


def _read(upload: Upload, max_bytes: int) -> bytes:
    # One byte more than allowed is enough to know it is too large.
    return upload.stream.read(max_bytes + 1)


def attach_images(
    owner: User,
    uploads: Iterable[Upload] | None,
    *,
    post: Post | None = None,
    thread: Thread | None = None,
) -> list[Image]:
    """Check every upload, store the clean copies, and add their rows; all or nothing."""
    files = [u for u in (uploads or []) if u is not None and u.filename]
    if not files:
        return []
    where, most = _target(owner, post, thread)
    existing = db.session.scalar(sa.select(sa.func.count(Image.id)).where(where)) or 0
    if existing + len(files) > most:
        raise Invalid(_("最多只能上传%(n)d张图片。", n=most), "too_many_images")
    rules = limits()
    # Every file is checked before any is written: a refusal leaves nothing to clean up.
    cleaned: list[CleanImage] = [clean_image(_read(u, rules.max_bytes), u.filename or "", rules) for u in files]
    storage = get_storage()
    images = []
    for position, clean in enumerate(cleaned, start=existing):
        key, thumb_key = new_keys(clean.ext)
        write_uncommitted(storage, key, clean.data, clean.content_type)
        write_uncommitted(storage, thumb_key, clean.thumb, clean.content_type)
        images.append(Image(
            owner_id=owner.id,
            post=post,
            thread=thread,
            position=position,
            key=key,
            thumb_key=thumb_key,
            width=clean.width,
            height=clean.height,
            content_type=clean.content_type,
            bytes=len(clean.data),
        ))
    db.session.add_all(images)
    db.session.flush()
    return images


def write_uncommitted(storage: Storage, key: str, data: bytes, content_type: str) -> None:
    """Save, remembering the key so that a transaction that does not commit removes it
    (used for request attachments too)."""
    db.session.info.setdefault(_PENDING, []).append((storage, key))
    storage.save(key, data, content_type)


@event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _discard_written(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit: its files must go too."""
    if transaction.parent is not None:
        return
    for storage, key in session.info.pop(_PENDING, []):
        try:
            storage.delete(key)
        except OSError:  # pragma: no cover - the disk refused; nothing more to do here
            current_app.logger.warning("could not delete uncommitted upload %s", key)
