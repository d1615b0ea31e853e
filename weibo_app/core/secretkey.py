"""The key that signs sessions, remember cookies and CSRF tokens when none is configured.

The first start writes a random key to ``instance/secret_key`` (mode 0600) and
every later start reads it back. The file is written under a temporary name and
then hard-linked into place, which fails if the name exists: of two processes
starting together exactly one key wins, and neither ever reads a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

#: Keys that were once published (in the source or the docs) and so sign nothing.
PUBLISHED_KEYS = frozenset({"dev-only-change-me"})
MIN_LENGTH = 32


def load_or_create(path: Path) -> str:
    """The key stored at ``path``; a new random one is written there first if there is none."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        _create(path)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise RuntimeError(f"{path} holds no usable key: delete it to have a new one made, or set SECRET_KEY")
    return key


def _create(path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: use its key
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
