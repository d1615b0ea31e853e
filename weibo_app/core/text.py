"""Everything done to text a person wrote: the only module that imports bleach.

Text is normalised and cleaned once, at write time. ``render_html`` turns the
stored plain text into the safe HTML kept beside it; templates print that one
field with ``|safe`` (see ``templates/_macros.html``) and autoescape the rest.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata

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


# Whole Unicode categories no one means to type: controls (Cc), format characters
# (Cf: zero-width, bidirectional, soft hyphen, tags) and lone surrogates (Cs),
# which could not even be stored as UTF-8.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def normalize(text: str | None) -> str:
    """Drop control and invisible characters, NFC-normalise, trim blank lines.

    NFC comes after the dropping, so an accent a zero-width space kept apart
    composes now, and cleaning cleaned text changes nothing (idempotent).
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROLS.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    text = unicodedata.normalize("NFC", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


# --- The one cleaner for free text and names ----------------------------------------
# Every service that stores what a person typed calls ``clean_text`` (or ``clean_name``):
# the text is normalised (``normalize`` drops NUL, control, zero-width and bidirectional
# characters), refused when empty where it is required, and bounded by the setting named.

# Letters that draw nothing (Hangul fillers, braille blank, Mongolian vowel separator):
# a name made only of these and blanks is no name.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def _too_long(text: str, limit: int, counter) -> bool:
    return counter(text) > limit


def clean_text(
    raw: str | None,
    limit_setting: str | int,
    *,
    required: bool = True,
    counter=len,
    empty: tuple[str, str] | None = None,
    too_long: tuple[str, str] | None = None,
) -> str:
    """Normalised text, refused (``Invalid``) when required and empty, or longer than the
    setting named ``limit_setting`` (or that many characters, for a fixed limit), counted
    by ``counter``: ``len`` or ``weibo_length``.

    ``empty`` and ``too_long`` are (message, code) pairs; ``too_long``'s message may use
    ``%(n)d`` for the limit.
    """
    from flask_babel import gettext as _

    from .exceptions import Invalid
    from .settings import get_setting

    text = normalize(raw)
    if not text:
        if required:
            message, code = empty or (_("内容不能为空。"), "empty")
            raise Invalid(message, code)
        return ""
    limit = limit_setting if isinstance(limit_setting, int) else int(get_setting(limit_setting))
    if _too_long(text, limit, counter):
        message, code = too_long or (_("内容不能超过%(n)d个字。"), "too_long")
        raise Invalid(message % {"n": limit} if "%(n)" in message else message, code)
    return text


def clean_reason(raw: str | None, *, required: bool = True, empty: tuple[str, str] | None = None) -> str:
    """A reason or note (withdrawal, hiding, returning, reporting), bounded by REASON_MAX_CHARS."""
    from flask_babel import gettext as _

    return clean_text(raw, "REASON_MAX_CHARS", required=required,
                      empty=empty or (_("请填写理由。"), "reason_required"),
                      too_long=(_("理由不能超过%(n)d个字。"), "reason_too_long"))


def visible(text: str) -> bool:
    """Whether ``text`` shows anything: not only blanks and letters that draw nothing."""
    return any(not (ch.isspace() or ch in _BLANK_LETTERS) for ch in text)


def clean_name(raw: str | None, max_len: int) -> str:
    """A name (display name, department name): one line, cleaned, at most ``max_len``
    characters; one that is empty or invisible after cleaning is refused."""
    from flask_babel import gettext as _

    from .exceptions import Invalid

    name = " ".join(normalize(raw).split())
    name = "".join(ch for ch in name if ch not in _BLANK_LETTERS).strip()
    if not name or not visible(name):
        raise Invalid(_("名称不能为空，也不能只含空白或不可见字符。"), "invalid_name")
    if len(name) > max_len:
        raise Invalid(_("名称不能超过%(n)d个字符。", n=max_len), "invalid_name")
    return name


def _is_half_width(ch: str) -> bool:
    code = ord(ch)
    return code < 0x80 or 0xFF61 <= code <= 0xFFDC or 0xFFE8 <= code <= 0xFFEE


def weibo_length(text: str) -> int:
    """Length the Weibo way: full-width 1, half-width ½, rounded up.

    The rule: count what will be stored. The text is first cleaned exactly as
    ``normalize`` cleans it before saving, in the same order:

    1. CR/LF and CR become LF, tab a space, U+2028 a line break, U+2029 two;
    2. every control (Cc, except LF), format character (Cf) and lone
       surrogate (Cs) is dropped: zero-width spaces and joiners, bidirectional
       marks, the soft hyphen (U+00AD), the BOM, tag characters. They count 0;
    3. only then NFC, so a combining mark that a dropped zero-width character
       kept apart composes with the letter before it ("e", U+200B, U+0301 is
       one "é"); a combining mark with no precomposed form stays a code point;
    4. three or more line breaks become two, and the ends are trimmed.

    Then each code point counts ½ if half-width (ASCII, half-width katakana
    and forms U+FF61-FFDC, U+FFE8-FFEE) and 1 otherwise (CJK, full-width
    punctuation, emoji, combining marks, variation selectors), and the sum is
    rounded up. An emoji ZWJ sequence counts one per emoji: the joiner is a
    format character and is not stored.

    ``static/js/composer.js`` implements the same steps for the live counter;
    tests/data/weibo_length_vectors.json holds the cases both must agree on.
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
    # html.escape, not bleach.clean: the latter drops "<?...>" and "<!...>" as
    # markup, and what a person wrote must never silently disappear.
    escaped = html.escape(text, quote=False)
    linked = _LINKER.linkify(escaped)
    return linked.replace("\n", "<br>\n")


# --- Personal information (个人信息) ------------------------------------------
# Mobile numbers 1[3-9]+9 digits, 18-digit ID numbers (17 digits + digit/X) and
# e-mail addresses are masked in what the public sees. A run of digits is judged
# whole: a longer run that contains a phone or ID number is masked whole too, so
# no 11 digits in a row survive. Digits are compared after folding (full-width
# "１３８…" counts), and masking keeps the text's length and is idempotent.

_EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_EMAIL_DOMAIN_RE = re.compile(r"[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_DIGIT_RUN_RE = re.compile(r"\d+[Xx]?")
_PHONE_RE = re.compile(r"1[3-9][0-9]{9}")
_ID_RE = re.compile(r"[0-9]{17}[0-9Xx]")


def _fold_digits(run: str) -> str:
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in run)


def _mask_run(match: re.Match) -> str:
    run = match.group(0)
    folded = _fold_digits(run)
    if _ID_RE.fullmatch(folded):
        return run[:4] + "*" * (len(run) - 8) + run[-4:]
    if _PHONE_RE.search(folded) or _ID_RE.search(folded):
        return run[:3] + "*" * (len(run) - 7) + run[-4:]
    return run


def _mask_emails(text: str) -> str:
    """Every "@" followed by a domain keeps the first character of the name before it; the
    rest becomes "***". Judged per "@", so run-together addresses cannot shelter each other."""
    zones: list[tuple[int, int]] = []
    for at in (i for i, ch in enumerate(text) if ch == "@"):
        start = at
        while start > 0 and text[start - 1] in _EMAIL_LOCAL:
            start -= 1
        if start < at and _EMAIL_DOMAIN_RE.match(text, at + 1):
            zones.append((start + 1, at))
    out: list[str] = []
    pos = 0
    for zone_start, zone_end in zones:  # in order, apart: a name never runs past an "@"
        out.append(text[pos:zone_start])
        out.append("***")
        pos = zone_end
    out.append(text[pos:])
    return "".join(out)


def mask_pii(text: str) -> str:
    """Mask phone numbers (138****5678), ID numbers (1101**********123X) and
    e-mail addresses (a***@example.com); other text is returned unchanged."""
    return _DIGIT_RUN_RE.sub(_mask_run, _mask_emails(text))


def render_public_html(text: str) -> str:
    """``render_html`` of the text with personal information masked."""
    return render_html(mask_pii(text))


# --- Topics (#话题#) and mentions (@部门名) ---------------------------------
# Parsed here once: services store what these return, ``render_post_html``
# links them. Names never reach HTML unescaped nor a URL unquoted.

TOPIC_MAX_CHARS = 30
_TOPIC_RE = re.compile(r"#([^#\s/\\]{1," + str(TOPIC_MAX_CHARS) + r"})#")
# A mention runs from "@" to the first blank or punctuation; "a@b.cn" is an address, not a mention.
_MENTION_STOP = r"\s@#,.!?;:'\"()\[\]{}<>，。！？、；：“”‘’（）【】《》「」…—"
_MENTION_RE = re.compile(r"(?<![A-Za-z0-9_.\-])@([^" + _MENTION_STOP + r"]{1,80})")
_TOKEN_RE = re.compile(f"{_TOPIC_RE.pattern}|{_MENTION_RE.pattern}")


def is_topic_name(name: str | None) -> bool:
    """Whether ``name`` is a topic a post could carry: what ``extract_topics`` gives back."""
    return bool(name) and _TOPIC_RE.fullmatch(f"#{name}#") is not None and normalize(name) == name


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def _url_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _URL_RE.finditer(text)]


def _tokens(text: str):
    """(match, topic name or None, mention run or None), skipping "#" and "@" inside URLs."""
    urls = _url_spans(text)
    for m in _TOKEN_RE.finditer(text):
        if any(start < m.end() and m.start() < end for start, end in urls):
            continue
        yield m, m.group(1), m.group(2)


def extract_topics(text: str) -> list[str]:
    """The topics of a text, in order, each once: "#垃圾分类#" gives "垃圾分类"."""
    return _unique(topic for _m, topic, _run in _tokens(normalize(text)) if topic)


def extract_mentions(text: str) -> list[str]:
    """Raw mention runs ("@县公安局请回复" gives "县公安局请回复"); see ``mention_candidates``."""
    return _unique(run for _m, _topic, run in _tokens(normalize(text)) if run)


def mention_candidates(text: str) -> list[str]:
    """Every name a mention could stand for (each prefix of each run), to look up at once."""
    return _unique(run[:n] for run in extract_mentions(text) for n in range(len(run), 0, -1))


def _longest_known(run: str, known) -> str | None:
    for n in range(len(run), 0, -1):
        if run[:n] in known:
            return run[:n]
    return None


def match_mentions(text: str, known) -> list[str]:
    """The names in ``known`` the text mentions; the longest matching name wins."""
    found = (_longest_known(run, known) for run in extract_mentions(text))
    return _unique(name for name in found if name)


def render_post_html(text: str, mentions=None) -> str:
    """``render_html`` plus links: #话题# to /topic/<name>; @name to /d/<slug> for names in
    ``mentions`` (a name → slug mapping), other "@..." stay plain text."""
    from html import escape
    from urllib.parse import quote

    mentions = mentions or {}
    out: list[str] = []
    pos = 0
    for m, topic, run in _tokens(text):
        if topic:
            link = f'<a class="topic" href="/topic/{quote(topic, safe="")}">#{escape(topic)}#</a>'
            end = m.end()
        else:
            name = _longest_known(run, mentions)
            if name is None:
                continue
            link = f'<a class="mention" href="/d/{quote(mentions[name], safe="")}">@{escape(name)}</a>'
            end = m.start() + 1 + len(name)
        if m.start() > pos:
            out.append(render_html(text[pos:m.start()]))
        out.append(link)
        pos = end
    if pos < len(text):
        out.append(render_html(text[pos:]))
    return "".join(out)
