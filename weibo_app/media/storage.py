"""Where image bytes live, behind one small interface.

``LocalStorage`` writes under ``instance/uploads`` (setting ``UPLOAD_DIR``). A
deployment with several hosts points ``UPLOAD_STORAGE`` at its own class
("package.module:ClassName", built with the Flask app) that talks to shared
or object storage; nothing else in weibo_app knows where the files are.
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app, url_for

#: Keys are made by ``images.new_key``; nothing else is ever looked up.
KEY_RE = re.compile(r"^[0-9]{4}/[0-9]{2}/[0-9a-f]{32}(_t)?\.(jpg|png|webp)$")


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...

    def open(self, key: str) -> bytes | None:
        """The stored bytes, or None when there is no such key."""

    def url(self, key: str) -> str | None:
        """A direct URL for the key, or None to serve it through ``/media/<key>``."""

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...


class LocalStorage:
    """Files on this host's disk, written atomically (temporary file, then rename)."""

    def __init__(self, root: str | os.PathLike[str], key_re: re.Pattern[str] = KEY_RE):
        self.root = Path(root)
        self.key_re = key_re

    def _path(self, key: str) -> Path:
        if not self.key_re.match(key):
            raise ValueError(f"not a media key: {key!r}")
        return self.root / key

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def url(self, key: str) -> str | None:
        return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def build_storage(app: Flask) -> Storage:
    """The storage the settings name: "local" (default) or "module:Class"."""
    choice = app.config.get("UPLOAD_STORAGE") or "local"
    if choice == "local":
        root = app.config.get("UPLOAD_DIR") or os.path.join(app.instance_path, "uploads")
        return LocalStorage(root)
    module_name, _, attr = choice.partition(":")
    return getattr(importlib.import_module(module_name), attr)(app)


def get_storage() -> Storage:
    """The application's storage, built once per app."""
    storage = current_app.extensions.get("weibo_media_storage")
    if storage is None:
        storage = current_app.extensions["weibo_media_storage"] = build_storage(current_app)
    return storage


def image_dict(image) -> dict:
    """An image in the API: absolute URLs of the full size and the thumbnail."""

    def absolute(key: str) -> str:
        return get_storage().url(key) or url_for("media.file", key=key, _external=True)

    return {
        "url": absolute(image.key),
        "thumb_url": absolute(image.thumb_key),
        "width": image.width,
        "height": image.height,
        "content_type": image.content_type,
    }
