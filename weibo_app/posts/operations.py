"""What a post's text and category must be, for every path that writes one.

The post's state changes are in ``lifecycle`` (to publication) and ``amend``
(after it).
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..core.exceptions import Invalid
from ..core.text import clean_text, weibo_length
from ..models import Category


def clean_post_body(raw: str | None) -> str:
    """Normalised post text within the Weibo-counted limit."""
    return clean_text(raw, "POST_MAX_LENGTH", counter=weibo_length,
                      empty=(_("内容不能为空。"), "empty_body"),
                      too_long=(_("微博不能超过%(n)d字。"), "body_too_long"))


def parse_category(raw: str | None) -> Category:
    try:
        return Category(raw)
    except ValueError:
        raise Invalid(_("未知的分类。"), "invalid_category") from None
