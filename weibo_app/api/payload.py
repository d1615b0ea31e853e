"""Reading a JSON request body: every field typed and bounded, unknown values refused."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from ..core.exceptions import Invalid, ServiceError
from ..core.ids import is_valid_id


class BadRequest(ServiceError):
    status = 400
    code = "bad_request"


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest(_("请求体必须是 JSON 对象。"), "invalid_json")
    return data


def text_field(data: dict, name: str, max_len: int = 10000, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(_("缺少字段：%(name)s。", name=name), "missing_field")
        return None
    if not isinstance(value, str):
        raise Invalid(_("字段 %(name)s 必须是字符串。", name=name), "invalid_type")
    if len(value) > max_len:
        raise Invalid(_("字段 %(name)s 太长。", name=name), "too_long")
    return value


def bool_field(data: dict, name: str, default: bool = False) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise Invalid(_("字段 %(name)s 必须是布尔值。", name=name), "invalid_type")
    return value


def id_field(data: dict, name: str, required: bool = True) -> int | None:
    """A row id: an integer in 1..2^63-1 (any other number names no row and is refused)."""
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(_("缺少字段：%(name)s。", name=name), "missing_field")
        return None
    if not is_valid_id(value):
        raise Invalid(_("字段 %(name)s 必须是有效的编号。", name=name), "invalid_id")
    return value


def id_list_field(data: dict, name: str, max_items: int = 100) -> list[int]:
    """A list of row ids (at most ``max_items``), each as ``id_field`` wants it."""
    value = data.get(name)
    if not isinstance(value, list) or not all(is_valid_id(item) for item in value):
        raise Invalid(_("字段 %(name)s 必须是有效编号的列表。", name=name), "invalid_id")
    if len(value) > max_items:
        raise Invalid(_("字段 %(name)s 太长。", name=name), "too_long")
    return value
