"""Property-based tests of the text cleaning and the Weibo length counter."""

import math
import unicodedata
from html.parser import HTMLParser

from hypothesis import example, given, settings
from hypothesis import strategies as st

from weibo_app.core.text import normalize, render_html, weibo_length

PROFILE = settings(max_examples=300, deadline=None, database=None)

# Text as people (and attackers) send it: every plane, controls, marks, separators.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=80)
tricky = st.text(st.sampled_from(list(
    "a Zé\u0301e\u0301\n\r\t \u00ad\u200b\u200d\u200e\u202e\u2066\u2028\u2029\ufeff\x00\x07\x1b\x85\u3000"
    "\ud800\udfff<>&\"'/:.wwwgov.cnhttp://x.cn/a?b=1&c=<script>中文#@"
)), max_size=60)
texts = st.one_of(any_text, tricky)

ascii_visible = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=0, max_size=60)
cjk = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=0, max_size=60)

DROPPED = {"Cc", "Cf", "Cs"}


@PROFILE
@given(texts)
@example("e\u200b\u0301")  # removing the zero-width space lets the accent compose
@example("\ud800 lone surrogate")
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@PROFILE
@given(texts)
def test_no_control_or_invisible_character_survives(text):
    cleaned = normalize(text)
    bad = [hex(ord(ch)) for ch in cleaned if ch != "\n" and unicodedata.category(ch) in DROPPED]
    assert bad == []
    assert "\r" not in cleaned and "\t" not in cleaned and "\n\n\n" not in cleaned
    assert cleaned == cleaned.strip()
    assert unicodedata.is_normalized("NFC", cleaned)
    cleaned.encode("utf-8")  # storable: no lone surrogate left


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@PROFILE
@given(texts)
@example("<script>alert(1)</script> www.gov.cn/a?b=<i>")
@example('详见http://x.cn/"onmouseover=alert(1)')
def test_render_html_emits_only_safe_links_and_line_breaks(text):
    stored = normalize(text)
    html = render_html(stored)
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ("a", "br"), html
        if tag == "a":
            assert set(attrs) == {"href", "rel"}, html
            assert attrs["rel"] == "nofollow noopener"
            assert attrs["href"].startswith(("http://", "https://"))
    # Nothing the person wrote is lost or turned into markup: the text reads back the same.
    assert "".join(parser.text).replace("\n", "") == stored.replace("\n", "")
    assert html.count("<br>") == stored.count("\n")


@PROFILE
@given(texts, texts)
def test_weibo_length_never_shrinks_when_text_is_added(head, tail):
    assert weibo_length(head + tail) >= weibo_length(head)


@PROFILE
@given(ascii_visible)
def test_ascii_counts_half(text):
    assert weibo_length(text) == math.ceil(len(text) / 2)


@PROFILE
@given(cjk)
def test_cjk_counts_one(text):
    assert weibo_length(text) == len(text)


@PROFILE
@given(cjk, ascii_visible)
def test_mixed_text_adds_up(chinese, latin):
    assert weibo_length(chinese + latin) == len(chinese) + math.ceil(len(latin) / 2)


def test_known_lengths():
    assert weibo_length("") == 0
    assert weibo_length("a") == 1
    assert weibo_length("ab") == 1
    assert weibo_length("abc") == 2
    assert weibo_length("政务") == 2
    assert weibo_length("政务ab") == 3
    assert weibo_length("政" * 140) == 140
    assert weibo_length("a" * 280) == 140
    assert weibo_length(" 政务\u200b ") == 2
