"""Serving stored images: /media/<key>, only where the viewer may see what they belong to."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..core.clock import utcnow
from ..core.extensions import db
from ..models import Image, Post, Thread
from ..moderation.visibility import sees_full
from . import allow_uploads
from .images import content_type_of, megabytes
from .storage import KEY_RE, get_storage

bp = Blueprint("media", __name__)
bp.app_url_value_preprocessor(lambda endpoint, values: allow_uploads(endpoint))

#: The bytes under a key never change, but whether they may be shown does (a post is
#: withdrawn, a thread hidden): shared caches keep a copy for an hour, then ask again
#: (the ETag makes asking cheap).
PUBLIC_CACHE = "public, max-age=3600"
PRIVATE_CACHE = "private, max-age=300"


def _hidden(obj) -> bool:
    """Hidden or held by moderation: not for the public, whatever it carries."""
    return getattr(obj, "hidden_at", None) is not None or getattr(obj, "held_at", None) is not None


def _public(image: Image) -> bool:
    """Whether anyone may see this image: the rules of the page it appears on.

    A post's images go with the post (public, not hidden or held); a thread's
    with the thread, whose page stays readable even when its post is withdrawn.
    """
    if image.post is not None:
        return image.post.is_public(utcnow()) and not _hidden(image.post)
    if image.thread is not None:
        return not _hidden(image.thread)
    return False


def _may_see_anyway(image: Image) -> bool:
    """The uploader, and whoever sees the item in full (moderation/visibility.py), see the rest."""
    if not current_user.is_authenticated:
        return False
    target = image.post or image.thread
    return current_user.id == image.owner_id or (target is not None and sees_full(current_user, target))


@bp.get("/media/<path:key>")
def file(key: str):
    """One stored image or thumbnail, with its real type and caching headers."""
    if not KEY_RE.match(key):
        abort(404)
    image = db.session.scalar(
        sa.select(Image)
        .options(
            joinedload(Image.post).joinedload(Post.department),
            joinedload(Image.thread).options(joinedload(Thread.post), joinedload(Thread.department)),
        )
        .where(sa.or_(Image.key == key, Image.thumb_key == key))
    )
    if image is None:
        abort(404)
    public = _public(image)
    if not public and not _may_see_anyway(image):
        abort(404)
    storage = get_storage()
    direct = storage.url(key)
    if direct:
        return redirect(direct)
    data = storage.open(key)
    if data is None:
        abort(404)
    response = current_app.response_class(data, mimetype=content_type_of(key))
    response.headers["X-Content-Type-Options"] = "nosniff"
    # An image is never a document: nothing in it may run or load anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = PUBLIC_CACHE if public else PRIVATE_CACHE
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    return response.make_conditional(request)


@bp.app_template_global()
def media_url(key: str) -> str:
    """Where a browser fetches a stored image: the storage's own URL, or /media/<key>."""
    return get_storage().url(key) or url_for("media.file", key=key)


@bp.app_template_global()
def image_max_mb() -> str:
    """The per-image size limit, in MB, for the upload hints."""
    return megabytes(int(current_app.config["IMAGE_MAX_BYTES"]))
