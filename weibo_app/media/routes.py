"""Serving stored images: /media/<key>, only where the viewer may see what they belong to."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..access.read import can_read
from ..core.extensions import db
from ..models import Image, Post, Thread
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
    # What the image belongs to decides (access/read.py); shared caches keep only what anyone may see.
    public = can_read(None, image)
    if not public and not can_read(current_user, image):
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
