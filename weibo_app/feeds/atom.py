"""Build an Atom document with ElementTree, so it is well-formed whatever the text holds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from ..core.clock import to_local

ATOM = "http://www.w3.org/2005/Atom"


@dataclass
class Entry:
    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    author: str
    content_html: str
    category: str | None = None
    category_label: str | None = None


# What XML 1.0 allows: TAB, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF.
# ElementTree writes any other character as it is, and the document no longer parses.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(value: str | None) -> str:
    """``value`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", value or "")


def _attrs(attrs: dict[str, str]) -> dict[str, str]:
    return {key: xml_safe(value) for key, value in attrs.items()}


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, _attrs(attrs))
    el.text = xml_safe(value)
    return el


def _link(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, _attrs(attrs))


def _time(moment: datetime) -> str:
    return to_local(moment).isoformat(timespec="seconds")


def build_feed(*, feed_id: str, title: str, self_url: str, alternate_url: str, updated: datetime,
               entries: list[Entry], lang: str = "zh-CN", subtitle: str | None = None) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    q = lambda tag: f"{{{ATOM}}}{tag}"  # noqa: E731
    _text(feed, q("id"), feed_id)
    _text(feed, q("title"), title)
    if subtitle:
        _text(feed, q("subtitle"), subtitle)
    _text(feed, q("updated"), _time(updated))
    _link(feed, q("link"), rel="self", type="application/atom+xml", href=self_url)
    _link(feed, q("link"), rel="alternate", type="text/html", href=alternate_url)
    _text(feed, q("generator"), "weibo_app")
    for e in entries:
        entry = ET.SubElement(feed, q("entry"))
        _text(entry, q("id"), e.id)
        _text(entry, q("title"), e.title)
        _link(entry, q("link"), rel="alternate", type="text/html", href=e.link)
        _text(entry, q("published"), _time(e.published))
        _text(entry, q("updated"), _time(e.updated))
        author = ET.SubElement(entry, q("author"))
        _text(author, q("name"), e.author)
        if e.category:
            _link(entry, q("category"), term=e.category, label=e.category_label or e.category)
        _text(entry, q("content"), e.content_html, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
