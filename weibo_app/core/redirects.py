"""Where a ``next=`` may send the browser: a path on this site, never anywhere else.

Browsers forgive a lot in a Location header: they drop tabs and newlines
(``/\\t/evil.example`` becomes ``//evil.example``), read ``\\`` as ``/``
(``/\\evil.example``), and take ``//host`` as another site. So a target is
accepted only when it is a plain absolute path: one leading ``/`` followed by
something other than ``/`` or ``\\``, no control characters or whitespace
anywhere, no backslash, no scheme and no host.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Any control character (C0, DEL, C1) or whitespace, including the ones browsers strip.
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\\\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]")
MAX_LENGTH = 2000


def is_safe_target(target: str | None) -> bool:
    """Whether ``target`` is a local path that can only lead to this site."""
    if not target or not isinstance(target, str) or len(target) > MAX_LENGTH:
        return False
    if _UNSAFE.search(target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_target(target: str | None, default: str) -> str:
    """``target`` when it is safe (see ``is_safe_target``), else ``default``."""
    return target if is_safe_target(target) else default
