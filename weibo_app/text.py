"""Everything done to text a person wrote: the only module that imports bleach.

Text is normalised and cleaned once, at write time. ``render_html`` turns the
stored plain text into the safe HTML kept beside it; templates print that one
field with ``|safe`` (see ``templates/_macros.html``) and autoescape the rest.
"""

from __future__ import annotations

import math
import re
import unicodedata

import bleach
from bleach.linkifier import TLDS, Linker

# Characters that hide or reorder text: zero-width and bidirectional controls.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# C0/C1 controls other than newline and tab.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")

# Like bleach's own URL pattern, but ASCII-only, so a link written straight
# into Chinese text ("详见www.gov.cn/a请查看") stops where the Chinese starts.
_URL_RE = re.compile(
    r"""\(*
    \b(?<![@.])(?:https?:/{{0,3}})?
    ([a-z0-9-]+\.)+(?:{tlds})(?::[0-9]+)?(?!\.[a-z0-9])\b
    (?:[/?][a-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?
    """.format(tlds="|".join(TLDS)),
    re.IGNORECASE | re.VERBOSE | re.ASCII,
)


def normalize(text: str | None) -> str:
    """NFC-normalise, drop control and invisible characters, trim blank lines."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\t", " ")
    text = _CONTROLS.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _is_half_width(ch: str) -> bool:
    code = ord(ch)
    return code < 0x80 or 0xFF61 <= code <= 0xFFDC or 0xFFE8 <= code <= 0xFFEE


def weibo_length(text: str) -> int:
    """Length the Weibo way: full-width 1, half-width ½, rounded up.

    Counted on normalised text, by code point (``static/js/composer.js``
    applies the same rule in the browser).
    """
    halves = sum(1 if _is_half_width(ch) else 2 for ch in normalize(text))
    return math.ceil(halves / 2)


def _link_attrs(attrs: dict, new: bool = False) -> dict:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if not href.lower().startswith(("http://", "https://")):
        attrs[href_key] = "http://" + href
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_LINKER = Linker(url_re=_URL_RE, callbacks=[_link_attrs], parse_email=False)


def render_html(text: str) -> str:
    """Safe HTML for stored plain text: escaped, URLs linkified, line breaks kept."""
    escaped = bleach.clean(text, tags=set(), strip=False)
    linked = _LINKER.linkify(escaped)
    return linked.replace("\n", "<br>\n")
