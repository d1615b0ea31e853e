"""Search in the API: the same query, filters and order as the /search page."""

from flask import jsonify, request
from flask_babel import gettext as _

from ..access.viewer import current_viewer
from ..core.exceptions import Invalid
from ..search.queries import parse_query, search
from . import bp
from .serializers import post_dict, thread_dict

MAX_LIMIT = 100


@bp.get("/search")
def search_items():
    """Posts and threads containing every word of ``q``, newest first, with cursor pagination."""
    try:
        limit = int(request.args.get("limit", 20))
    except ValueError:
        raise Invalid(_("limit 必须是整数。"), "invalid_limit") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(_("limit 必须在1到100之间。"), "invalid_limit")
    query = parse_query(request.args)
    if not query.q:
        raise Invalid(_("请填写搜索词。"), "missing_query")
    result = search(query, request.args.get("cursor"), limit, current_viewer())
    results = [
        {"type": "post", "post": post_dict(hit.post)} if hit.post is not None
        else {"type": "thread", "thread": thread_dict(hit.thread, with_replies=False)}
        for hit in result.hits
    ]
    return jsonify({"q": query.q, "results": results, "next_cursor": result.next_cursor})
