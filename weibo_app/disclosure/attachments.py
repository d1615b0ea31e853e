"""Files given with the answer to an information request (答复书附件): checked, stored, read back.

The type is decided by the file's bytes (its magic number, and for ZIP containers
the entries that make a DOCX, XLSX, ODT or ODS); the name's extension must agree.
The client's name is cleaned for display and download only: the file is stored
under a random key in the attachment storage (``ATTACHMENT_DIR``, default
``instance/attachments``), never under static/. Every file of an answer is checked
before any is written, and files written in a transaction that does not commit are
deleted again (``media.operations.write_uncommitted``): a refusal leaves nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Protocol
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import gettext as _

from ..core.clock import utcnow
from ..core.exceptions import Invalid, NotFound
from ..core.extensions import db
from ..core.settings import get_setting
from ..media.images import megabytes
from ..media.operations import write_uncommitted
from ..media.storage import LocalStorage, Storage
from ..models import InfoRequest, RequestAttachment, User
from .rules import can_attach, can_read_attachment

MB = 1024 * 1024
#: Keys are made by ``_new_key``; nothing else is ever looked up.
KEY_RE = re.compile(r"^[0-9]{4}/[0-9]{2}/[0-9a-f]{32}\.[a-z]{3,4}$")
NAME_MAX = 120

#: kind -> (content type, extensions the name may have).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", ("pdf",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "doc": ("application/msword", ("doc",)),
    "xls": ("application/vnd.ms-excel", ("xls",)),
    "odt": ("application/vnd.oasis.opendocument.text", ("odt",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    "txt": ("text/plain", ("txt",)),
    "csv": ("text/csv", ("csv",)),
    "zip": ("application/zip", ("zip",)),
    "jpg": ("image/jpeg", ("jpg", "jpeg")),
    "png": ("image/png", ("png",)),
}
#: What the upload field offers (the browser's file picker only; the bytes decide).
ACCEPT = ",".join(f".{ext}" for _ct, exts in KINDS.values() for ext in exts)
TYPE_NAMES = "PDF、DOCX、XLSX、DOC、XLS、ODT、ODS、TXT、CSV、ZIP、JPEG、PNG"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF = {"application/vnd.oasis.opendocument.text": "odt", "application/vnd.oasis.opendocument.spreadsheet": "ods"}
_ZIP_MAX_ENTRIES = 20000


class Upload(Protocol):
    """What a form gives us (werkzeug's FileStorage fits)."""

    filename: str | None
    stream: IO[bytes]


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    data: bytes

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]


def max_bytes() -> int:
    return int(get_setting("ATTACHMENT_MAX_MB")) * MB


def max_files() -> int:
    return int(get_setting("ATTACHMENT_MAX_FILES"))


def clean_name(raw: str | None) -> tuple[str, str]:
    """(stem, lower-case extension) of a client's file name: no folders, no control characters,
    none of the characters file systems refuse, at most ``NAME_MAX`` characters."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '<>:"|?*')
    name = " ".join(name.split()).rstrip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    return stem.strip(" .")[:NAME_MAX], ext.lower()[:10]


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _ZIP_MAX_ENTRIES:
                return None
            names = {info.filename for info in infos}
            mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
            if mimetype is not None and mimetype.file_size <= 100 and mimetype.compress_size <= 200:
                kind = _ODF.get(archive.read(mimetype).decode("ascii", "replace").strip())
                if kind:
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, OSError):
        return None
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return "zip"


def _is_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def sniff(data: bytes, ext: str) -> str | None:
    """The kind the bytes are (``ext`` only tells the kinds that share a container apart)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(_OLE):  # Compound File: the stream names tell Word from Excel
        if ext == "doc" and "WordDocument".encode("utf-16-le") in data:
            return "doc"
        if ext == "xls" and ("Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data):
            return "xls"
        return None
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = _zip_kind(data)
        return "zip" if kind and ext == "zip" else kind
    if ext in ("txt", "csv") and _is_text(data):
        return ext
    return None


def _refuse(name: str, why: str, code: str) -> Invalid:
    return Invalid(_("文件“%(name)s”%(why)s", name=name or _("未命名"), why=why), code)


def check_file(upload: Upload, limit: int) -> CheckedFile:
    """Read at most ``limit`` bytes (one more tells it is too large) and decide the kind."""
    stem, ext = clean_name(upload.filename)
    shown = f"{stem or _('附件')}.{ext}" if ext else stem
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise _refuse(shown, _("超过%(mb)sMB的大小限制。", mb=megabytes(limit)), "attachment_too_large")
    if not data:
        raise _refuse(shown, _("是空文件。"), "attachment_empty")
    kind = sniff(data, ext)
    if kind is None or ext not in KINDS[kind][1]:
        raise _refuse(shown, _("的类型不受支持或与扩展名不符（可上传：%(types)s）。", types=TYPE_NAMES),
                      "attachment_bad_type")
    return CheckedFile(name=shown, kind=kind, data=data)


def check_files(outcome: str, uploads: Iterable[Upload | None] | None) -> list[CheckedFile]:
    """Every file of an answer, checked before anything is written; all or none."""
    files = [u for u in (uploads or []) if u is not None and u.filename]
    if not files:
        return []
    if not can_attach(outcome):
        raise Invalid(_("只有“予以公开”或“部分公开”的答复可以附文件。"), "attachments_not_allowed")
    most = max_files()
    if len(files) > most:
        raise Invalid(_("每份答复最多附%(n)d个文件。", n=most), "too_many_attachments")
    limit = max_bytes()
    return [check_file(u, limit) for u in files]


def get_attachment_storage() -> Storage:
    """Files on this host under ``ATTACHMENT_DIR`` (default instance/attachments), built once per app."""
    storage = current_app.extensions.get("weibo_attachment_storage")
    if storage is None:
        root = current_app.config.get("ATTACHMENT_DIR") or os.path.join(current_app.instance_path, "attachments")
        storage = current_app.extensions["weibo_attachment_storage"] = LocalStorage(root, KEY_RE)
    return storage


def _new_key(kind: str) -> str:
    now = utcnow()
    return f"{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{kind}"


def store_files(actor: User, req: InfoRequest, checked: list[CheckedFile]) -> list[RequestAttachment]:
    """Write the checked files and add their rows (inside the caller's transaction)."""
    if not checked:
        return []
    storage = get_attachment_storage()
    rows = []
    for item in checked:
        key = _new_key(item.kind)
        write_uncommitted(storage, key, item.data, item.content_type)
        rows.append(RequestAttachment(
            request_id=req.id, name=item.name, content_type=item.content_type, size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest(), key=key, uploaded_by_id=actor.id,
        ))
    req.attachments.extend(rows)
    db.session.flush()
    return rows


def read_attachment(user: User | None, req: InfoRequest, attachment_id: int) -> tuple[RequestAttachment, bytes]:
    """An attachment of ``req`` and its bytes, for whoever may read the request; else 404."""
    found = db.session.scalar(sa.select(RequestAttachment).where(
        RequestAttachment.id == attachment_id, RequestAttachment.request_id == req.id))
    if found is None or not can_read_attachment(user, found):
        raise NotFound(_("没有这个附件。"), "attachment_not_found")
    data = get_attachment_storage().open(found.key)
    if data is None:
        raise NotFound(_("没有这个附件。"), "attachment_not_found")
    return found, data


def allow_attachment_uploads(endpoint: str | None, endpoints: frozenset[str]) -> None:
    """Let an answer's request body hold its files (the site-wide limit stays small elsewhere)."""
    if endpoint in endpoints:
        request.max_content_length = max_files() * max_bytes() + MB


_SHORT = {content_type: kind.upper() for kind, (content_type, _exts) in KINDS.items()} | {"image/jpeg": "JPEG"}


def type_label(content_type: str) -> str:
    """"PDF", "DOCX"... for a stored content type."""
    return _SHORT.get(content_type, content_type)


def size_label(size: int) -> str:
    """"820 B", "35 KB", "1.2 MB"."""
    if size < 1024:
        return f"{size} B"
    if size < MB:
        return f"{size / 1024:.0f} KB"
    return f"{size / MB:.1f} MB"


def _ascii_fallback(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = "".join(ch for ch in plain if ch.isalnum() or ch in " ._-()").strip(" .")
    ext = name.rpartition(".")[2]
    if not plain or plain.startswith(".") or "." not in plain:
        return f"attachment.{ext}" if ext and ext.isascii() else "attachment"
    return plain


def download_response(attachment: RequestAttachment, data: bytes):
    """The file as a download: never shown inline, never sniffed, nothing in it may run."""
    response = current_app.response_class(data, mimetype=attachment.content_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_ascii_fallback(attachment.name)}"; '
        f"filename*=UTF-8''{quote(attachment.name, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
